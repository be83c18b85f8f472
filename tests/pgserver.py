"""A throw-away PostgreSQL server for the tests: a cluster in a temporary folder, reached only
by a Unix socket there, stopped and removed at the end.

``SOKHAN_TEST_POSTGRES`` may name a server to use instead (a URL). Otherwise the binaries
are found on PATH or in Debian's /usr/lib/postgresql/N/bin; as root (CI), the cluster runs
as the ``postgres`` user, since PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path


def binaries() -> Path | None:
    """The folder of initdb and pg_ctl, or None when PostgreSQL is not installed."""
    if found := shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
                      key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    return versions[-1].parent if versions else None


def _as_owner(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@contextlib.contextmanager
def cluster() -> Iterator[str]:
    """A running server for the length of the block; yields its URL (database ``postgres``)."""
    bindir = binaries()
    if bindir is None:
        raise RuntimeError("PostgreSQL is not installed (initdb and pg_ctl not found)")
    root = Path(tempfile.mkdtemp(prefix="sokhan-pg-"))
    data, log = root / "data", root / "server.log"
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(root, owner.pw_uid, owner.pw_gid)
    try:
        subprocess.run(_as_owner([str(bindir / "initdb"), "-D", str(data), "-U", "sokhan", "--auth=trust",
                                  "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]),
                       check=True, capture_output=True)
        # Durability is not what the tests measure: no fsync, and no TCP port to collide on.
        settings = f"-k {root} -c listen_addresses='' -c fsync=off -c synchronous_commit=off" \
                   " -c full_page_writes=off -c max_connections=200"
        subprocess.run(_as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", settings,
                                  "-w", "start"]), check=True, capture_output=True)
        try:
            yield f"postgresql://sokhan@/postgres?host={root}"
        finally:
            subprocess.run(_as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                           check=False, capture_output=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
