"""The ``sokhan`` command line, run as a user would run it."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import ROOT, SEED_000, SEED_003, SEEDS

ARTICLE_KEYS = {"file", "title", "kicker", "date", "source", "lead", "paragraphs", "tags",
                "summary", "headline", "quotes", "speakers"}


pytestmark = pytest.mark.usefixtures("isolated")


def sokhan(*args: str | Path) -> tuple[int, str]:
    out = io.StringIO()
    code = main([str(a) for a in args], out=out)
    return code, out.getvalue()


def test_ingest_reports_each_file(tmp_path: Path) -> None:
    code, out = sokhan("ingest", SEEDS, "--db", tmp_path / "x.db")
    assert code == 0
    lines = out.splitlines()
    assert [(line.split()[0], line.split()[2]) for line in lines[:2]] == [
        ("new", str(SEED_000)), ("new", str(SEED_003))
    ]
    assert lines[-1] == "2 new, 0 duplicate, 0 rejected"

    code, out = sokhan("ingest", SEED_000, "--db", tmp_path / "x.db")
    assert code == 0
    assert out.splitlines()[-1] == "0 new, 1 duplicate, 0 rejected"


def test_ingest_exit_2_when_anything_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    code, out = sokhan("ingest", tmp_path / "empty.txt", SEED_000, "--db", tmp_path / "x.db", "--json")
    assert code == 2
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["status"], r["reason"]) for r in rows] == [("rejected", "empty file"), ("new", None)]


def test_analyze_is_json_lines_and_touches_no_database(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01\x02")
    code, out = sokhan("analyze", SEED_000, tmp_path / "bad.txt", SEED_003, "--json")
    assert code == 2
    first, bad, last = (json.loads(line) for line in out.splitlines())
    assert set(first) == ARTICLE_KEYS
    assert first["file"] == str(SEED_000)
    assert first["kicker"] == "فرماندار قدس"
    assert len(first["paragraphs"]) == 9
    assert first["lead"] == first["paragraphs"][0]
    assert bad == {"file": str(tmp_path / "bad.txt"), "error": "binary file, not text"}
    assert (last["date"], last["source"], last["title"]) == ("2025-12-10", "مهر", None)
    assert not (tmp_path / "data").exists()


def test_list_and_show(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    sokhan("ingest", SEEDS, "--db", db)
    code, out = sokhan("list", "--db", db, "--json")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert {r["source"] for r in rows} == {"روابط عمومی فرمانداری شهرستان قدس", "مهر"}
    seed_000 = next(r for r in rows if r["kicker"])
    assert seed_000["origin"] == f"file:{SEED_000}"

    code, out = sokhan("show", str(seed_000["id"]), "--db", db)
    assert code == 0
    assert out.startswith(f"#{seed_000['id']}\n\nفرماندار قدس؛\n\nروابط عمومی از")
    assert out.count("\n\n") >= 9

    code, out = sokhan("show", "999", "--db", db)
    assert (code, out) == (1, "")


def test_db_from_environment_and_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("# local settings\nSOKHAN_DB=from-dotenv.db\n", encoding="utf-8")
    sokhan("ingest", SEED_000)
    assert (tmp_path / "from-dotenv.db").exists()
    monkeypatch.setenv("SOKHAN_DB", str(tmp_path / "from-env.db"))
    sokhan("ingest", SEED_000)
    assert (tmp_path / "from-env.db").exists()


def test_run_loads_the_seeds_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOKHAN_SEEDS", str(SEEDS))
    code, out = sokhan("run", "--once")
    assert code == 0
    assert "Loading the seed statements" in out
    assert "2 statements in data/sokhan.db" in out
    code, out = sokhan("run", "--once")
    assert "Loading" not in out
    assert "2 statements in data/sokhan.db" in out


def test_python_dash_m_bot(tmp_path: Path) -> None:
    """The installed entry point, in its own process: status codes and stderr."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOKHAN_", "TELEGRAM_"))}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-m", "bot", "show", "7", "--db", str(tmp_path / "x.db")],
        capture_output=True, text=True, env=env, cwd=tmp_path, check=False, timeout=60,
    )
    assert (done.returncode, done.stdout, done.stderr) == (1, "", "sokhan: no article #7\n")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "frobnicate"],
        capture_output=True, text=True, env=env, cwd=tmp_path, check=False, timeout=60,
    )
    assert done.returncode == 2
    assert "invalid choice: 'frobnicate'" in done.stderr


def test_find_prints_a_json_array(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    sokhan("ingest", SEEDS, "--db", db)
    code, out = sokhan("find", "اطلاع رسانی", "--db", db, "--json", "--limit", "1")
    assert code == 0
    hits = json.loads(out)
    assert len(hits) == 1
    assert set(hits[0]) == {"id", "title", "date", "source", "origin", "score", "snippet", "marks"}
    marked = {hits[0]["snippet"][start:end] for start, end in hits[0]["marks"]}
    assert marked & {"اطلاع‌رسانی", "اطلاع", "رسانی"}
    code, out = sokhan("find", "اطلاع رسانی", "--db", db, "--json", "--offset", "1")
    assert len(json.loads(out)) == 1
    code, out = sokhan("find", '"', "--db", db, "--json")
    assert (code, json.loads(out)) == (0, [])
    code, out = sokhan("find", "کتابخانه", "--db", db)
    assert (code, out) == (0, "no matches\n")


def test_find_filters_by_source_and_dates(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    sokhan("ingest", SEEDS, "--db", db)
    code, out = sokhan("find", "روابط عمومی", "--db", db, "--json", "--source", "مهر",
                       "--since", "۱۴۰۴/۰۹/۰۱")
    assert code == 0
    assert [hit["source"] for hit in json.loads(out)] == ["مهر"]
    code, out = sokhan("find", "روابط عمومی", "--db", db, "--until", "2025-01-01")
    assert (code, out) == (0, "no matches\n")
    with pytest.raises(SystemExit) as usage:  # not a date: a usage error
        sokhan("find", "x", "--db", db, "--since", "دیروز")
    assert usage.value.code == 2
