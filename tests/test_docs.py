"""The README and .env.example keep up with the code."""

from __future__ import annotations

import contextlib
import io
import re

import pytest

from bot.cli import main
from tests.conftest import ROOT


def test_every_setting_is_in_env_example() -> None:
    used = set(re.findall(r'"((?:SOKHAN|TELEGRAM)_[A-Z_]+)"', (ROOT / "bot" / "config.py").read_text()))
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert used
    assert used <= documented


def test_every_cli_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = io.StringIO()
    with contextlib.redirect_stdout(shown), pytest.raises(SystemExit):
        main(["--help"])
    # The help lists each command on a line of its own: "    ingest    store statement files".
    commands = re.findall(r"^ {4}(\w+) {2,}\S", shown.getvalue(), re.MULTILINE)
    assert len(commands) >= 8
    for name in commands:
        assert f"`sokhan {name}" in readme, name
