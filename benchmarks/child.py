"""What the benchmarks that run the bot in a child process share: serving until the
parent lets go, and reading the child's CPU time and peak RSS from /proc."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any


async def serve_until_stdin_closes(app: Any) -> None:
    """Poll with ``app``, say "ready", and stop when the parent closes our stdin."""
    from bot.app import polling

    async with polling(app):
        print("ready", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
