"""The README and .env.example keep up with the code."""

from __future__ import annotations

import re

from bot.cli import _parser
from tests.conftest import ROOT


def test_every_setting_is_in_env_example() -> None:
    used = set(re.findall(r'"((?:SOKHAN|TELEGRAM)_[A-Z_]+)"', (ROOT / "bot" / "config.py").read_text()))
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert used
    assert used <= documented


def test_every_cli_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = _parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert commands
    for name in commands:
        assert f"`sokhan {name}" in readme, name
