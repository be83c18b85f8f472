"""Word statements (.docx): their text, paragraph by paragraph and tables included, in order.

A .docx is a zip of XML parts. Its sizes are checked from the zip's directory before
anything is unpacked, so a small file that would inflate to gigabytes is refused unread.
Headers and footers (the office's letterhead) are left out: they are not the statement.
An old binary Word file (.doc) is recognised and refused with what to do instead.
"""

from __future__ import annotations

import io
import zipfile
from typing import TYPE_CHECKING

from storage.errors import RejectedText, Rejection

if TYPE_CHECKING:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

# Photos inside make a statement's .docx far larger than its text.
MAX_DOCX_BYTES = 20 * 2**20
# What its parts may inflate to, all together and the document's own XML.
MAX_UNPACKED_BYTES = 64 * 2**20
MAX_DOCUMENT_XML_BYTES = 16 * 2**20
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls and other pre-2007 Office files
_DOCUMENT_XML = "word/document.xml"


def looks_like_word(name: str, data: bytes) -> bool:
    return data.startswith((ZIP_MAGIC, OLE_MAGIC)) or name.lower().endswith((".docx", ".doc"))


def docx_text(data: bytes) -> str:
    """The text of a .docx: one line per paragraph, a table's row as its cells joined by " | "."""
    if data.startswith(OLE_MAGIC):
        raise RejectedText(Rejection.OLD_WORD)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            document_xml = archive.getinfo(_DOCUMENT_XML)
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise RejectedText(Rejection.NOT_DOCX) from None
    if (document_xml.file_size > MAX_DOCUMENT_XML_BYTES
            or sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES):
        raise RejectedText(Rejection.TOO_LARGE, "the .docx unpacks to more than "
                                                f"{MAX_UNPACKED_BYTES // 2**20} MiB")
    # python-docx (and lxml) load when a .docx comes, not with every command.
    from docx import Document

    try:
        document = Document(io.BytesIO(data))
        lines = [_block_text(block) for block in document.iter_inner_content()]
    except Exception:  # python-docx raises many kinds on a damaged file; each means the same here
        raise RejectedText(Rejection.NOT_DOCX) from None
    return "\n".join(lines)


def _block_text(block: Paragraph | Table) -> str:
    from docx.text.paragraph import Paragraph

    if isinstance(block, Paragraph):
        return block.text
    rows = []
    for row in block.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if text and (not cells or cells[-1] != text):  # a merged cell is listed once per column
                cells.append(text)
        if cells:
            rows.append(" | ".join(cells))
    return "\n".join(rows)
