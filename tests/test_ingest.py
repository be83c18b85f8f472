"""Getting files in: encodings, limits, bad input, idempotent re-ingest."""

from __future__ import annotations

import codecs
import io
import zipfile
from pathlib import Path

import pytest

from storage.db.store import Store
from storage.errors import RejectedText
from storage.ingest import Ingestor
from storage.models import IngestStatus
from storage.sources.files import MAX_FILE_BYTES, decode, expand_paths
from storage.sources.word import MAX_DOCX_BYTES, OLE_MAGIC
from tests.conftest import SEED_000, SEED_003, SEEDS, docx_bytes

SEED_TEXT = SEED_000.read_text(encoding="utf-8")


async def test_seeds_once_then_duplicates(ingestor: Ingestor, store: Store) -> None:
    first = [r async for r in ingestor.ingest_paths([SEEDS])]
    assert [(r.origin.ref, r.status) for r in first] == [
        (str(SEED_000), IngestStatus.NEW), (str(SEED_003), IngestStatus.NEW)
    ]
    again = [r async for r in ingestor.ingest_paths([SEED_000, SEED_003])]
    assert [r.status for r in again] == [IngestStatus.DUPLICATE] * 2
    assert [r.article_id for r in again] == [r.article_id for r in first]
    assert await store.count_articles() == 2
    stored = await store.get_article(first[0].article_id or 0)
    assert stored is not None
    assert stored.article.raw_text == SEED_TEXT  # kept for audit, untouched


@pytest.mark.parametrize(
    "encoded",
    [
        codecs.BOM_UTF8 + SEED_TEXT.encode("utf-8"),
        SEED_TEXT.encode("utf-16"),  # with BOM
        SEED_TEXT.encode("utf-16-le"),
        SEED_TEXT.encode("utf-16-be"),
        SEED_TEXT.replace("ی", "ي").encode("cp1256"),  # Windows Persian writes Arabic yeh
    ],
    ids=["utf-8-bom", "utf-16", "utf-16-le", "utf-16-be", "windows-1256"],
)
async def test_encodings_give_the_same_article(
    tmp_path: Path, ingestor: Ingestor, store: Store, encoded: bytes
) -> None:
    reference = await ingestor.ingest_file(SEED_000)
    path = tmp_path / "statement.txt"
    path.write_bytes(encoded)
    result = await ingestor.ingest_file(path)
    assert result.status is IngestStatus.DUPLICATE
    assert result.article_id == reference.article_id


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\r\n\t  ", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01", "binary file"),
        (bytes(range(256)) * 8, "binary file"),
        ("   \n\n   ".encode("utf-16"), "empty"),
        ("😀 🎉\n\n🔥🔥 ✅".encode(), "no Persian text"),
        (b"plain english words only", "no Persian text"),
        (b"\x01\x02\x03 \xd8\xb3\xd9\x84\xd8\xa7\xd9\x85 \x04\x05\x06\x07", "binary file"),
    ],
    ids=["empty", "whitespace", "png", "all-bytes", "utf16-spaces", "emoji", "latin", "controls"],
)
async def test_bad_input_is_rejected_with_a_reason(
    tmp_path: Path, ingestor: Ingestor, store: Store, content: bytes, reason: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    result = await ingestor.ingest_file(path)
    assert result.status is IngestStatus.REJECTED
    assert reason in (result.reason or "")
    assert "\n" not in (result.reason or "")
    assert await store.count_articles() == 0


async def test_oversized_file_is_refused_unread(tmp_path: Path, ingestor: Ingestor, store: Store) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:  # 20 MB of real Persian text
        line = SEED_TEXT.encode() + b"\n"
        f.write(line * (20 * 2**20 // len(line) + 1))
    assert path.stat().st_size > MAX_FILE_BYTES
    result = await ingestor.ingest_file(path)
    assert result.status is IngestStatus.REJECTED
    assert result.reason == f"the file is over the {MAX_FILE_BYTES // 2**20} MiB limit"
    assert await store.count_articles() == 0


async def test_missing_paths_and_empty_folders(tmp_path: Path, ingestor: Ingestor) -> None:
    (tmp_path / "empty").mkdir()
    results = [r async for r in ingestor.ingest_paths([tmp_path / "nope.txt", tmp_path / "empty"])]
    assert [(r.status, r.reason) for r in results] == [
        (IngestStatus.REJECTED, "no such file"),
        (IngestStatus.REJECTED, "a folder with no .txt or .docx files in it"),
    ]


async def test_a_bad_file_does_not_stop_the_rest(tmp_path: Path, ingestor: Ingestor, store: Store) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_bytes(b"\x00\x01binary")
    (folder / "sub" / "b.txt").write_text(SEED_TEXT, encoding="utf-8")
    (folder / "notes.md").write_text("ignored", encoding="utf-8")
    results = [r async for r in ingestor.ingest_paths([folder])]
    assert [(Path(r.origin.ref).name, r.status) for r in results] == [
        ("a.txt", IngestStatus.REJECTED), ("b.txt", IngestStatus.NEW)
    ]
    assert await store.count_articles() == 1


def test_expand_paths_orders_files(tmp_path: Path) -> None:
    for name in ("b.txt", "a.TXT", "c.csv", "d.docx", "~$d.docx"):  # ~$: Word's lock file
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [p.name for p in expand_paths([tmp_path])] == ["a.TXT", "b.txt", "d.docx"]


async def test_a_word_statement_is_the_same_statement(tmp_path: Path, ingestor: Ingestor) -> None:
    reference = await ingestor.ingest_file(SEED_000)
    path = tmp_path / "بیانیه.docx"
    path.write_bytes(docx_bytes(*SEED_TEXT.splitlines()))
    result = await ingestor.ingest_file(path)
    assert (result.status, result.article_id) == (IngestStatus.DUPLICATE, reference.article_id)


async def test_a_word_statement_keeps_its_tables_and_drops_its_letterhead(
    tmp_path: Path, ingestor: Ingestor, store: Store
) -> None:
    path = tmp_path / "جدول.docx"
    path.write_bytes(docx_bytes("اطلاعیه ستاد انتخابات", "معاون استاندار گفت: شعبه‌های اخذ رأی افزایش یافت.",
                           table=[["شهرستان", "شعبه"], ["قدس", "۴۲"]]))
    result = await ingestor.ingest_file(path)
    assert result.status is IngestStatus.NEW
    stored = await store.get_article(result.article_id or 0)
    assert stored is not None
    assert stored.article.title == "اطلاعیه ستاد انتخابات"
    assert "قدس | ۴۲" in stored.article.raw_text
    assert "سربرگ" not in stored.article.raw_text


def _zip(name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"not a zip at all", "not a readable .docx"),
        (_zip("readme.txt", b"hello"), "not a readable .docx"),  # a zip, but no Word document in it
        (_zip("word/document.xml", b"<w:document><unclosed"), "not a readable .docx"),
        (_zip("word/document.xml", b"\0" * (17 * 2**20)), "unpacks to more than"),  # 17 MiB from a few kB
        (OLE_MAGIC + b"\0" * 512, "old Word (.doc)"),
    ],
    ids=["not-zip", "no-document", "broken-xml", "zip-bomb", "doc"],
)
async def test_a_bad_word_file_is_refused_with_its_reason(
    tmp_path: Path, ingestor: Ingestor, store: Store, content: bytes, reason: str
) -> None:
    path = tmp_path / "bad.docx"
    path.write_bytes(content)
    result = await ingestor.ingest_file(path)
    assert result.status is IngestStatus.REJECTED
    assert reason in (result.reason or "")
    assert await store.count_articles() == 0


async def test_an_oversized_word_file_is_refused_unread(tmp_path: Path, ingestor: Ingestor) -> None:
    path = tmp_path / "huge.docx"
    with path.open("wb") as f:
        f.truncate(MAX_DOCX_BYTES + 1)
    result = await ingestor.ingest_file(path)
    assert result.reason == f"the file is over the {MAX_DOCX_BYTES // 2**20} MiB limit"


def test_decode_prefers_utf8() -> None:
    assert decode("سلام".encode()).text == "سلام"
    assert decode("سلام".encode("cp1256")).text == "سلام"
    with pytest.raises(RejectedText, match="empty"):
        decode(b"")
