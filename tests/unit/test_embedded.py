"""What killed processes leave in the embedded server's folder is forgotten before a start."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from service.embedded import HANDLES, forget_the_dead


def a_dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
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
