"""The supervisor behind ``serve``: restarts what may be restarted, stops everything together."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

import psutil

from service.operations.processes import Child, Supervisor, unwinding_on
from tests.deadlines import DEADLINE


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def child(name: str, code: str, *, restart: bool) -> Child:
    return Child(name, python(code), dict(os.environ), restart=restart)


def quick(children: list[Child]) -> Supervisor:
    return Supervisor(children, grace_seconds=5, first_pause=0.05, longest_pause=0.2)


def test_a_child_that_may_be_restarted_is_started_again_each_time_it_exits(tmp_path):
    starts = tmp_path / "starts"
    crashing = child(
        "crashing", f"open({str(starts)!r}, 'a').write('.'); raise SystemExit(3)", restart=True
    )
    api = child("api", "import time; time.sleep(1.5)", restart=False)

    code = quick([crashing, api]).run()

    assert code == 1  # the API's exit stops everything, with an error
    assert len(starts.read_text()) >= 3


def test_the_pause_before_a_restart_grows_while_the_child_keeps_failing():
    supervisor = Supervisor([], first_pause=1, longest_pause=8, stable_after=60)
    failing = child("failing", "", restart=True)
    failing.started_at = 100.0
    pauses = [supervisor._pause(failing, 101.0) for _ in range(5)]
    assert pauses == [1, 2, 4, 8, 8]
    assert supervisor._pause(failing, 100.0 + 60) == 1  # it had run a long time: start afresh


def test_a_stop_signal_stops_every_child_and_returns_0():
    sleepers = [
        child("api", "import time; time.sleep(60)", restart=False),
        child("projector", "import time; time.sleep(60)", restart=True),
    ]
    threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGTERM)).start()
    started = time.monotonic()

    code = quick(sleepers).run()

    assert code == 0
    assert time.monotonic() - started < 10
    assert all(sleeper.process.returncode == -signal.SIGTERM for sleeper in sleepers)


def signal_when(path, sig: signal.Signals) -> threading.Thread:
    """Send this process ``sig`` once ``path`` exists (the supervisor runs in the main thread)."""

    def wait_then_signal() -> None:
        # Signalled after the deadline too: the supervisor stops, and the test's checks fail.
        deadline = time.monotonic() + DEADLINE
        while not path.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(os.getpid(), sig)

    thread = threading.Thread(target=wait_then_signal, daemon=True)
    thread.start()
    return thread


IGNORE_SIGTERM = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN)"
SLEEP_THROUGH_SIGTERM = f"{IGNORE_SIGTERM}; time.sleep(60)"


def test_a_child_that_ignores_sigterm_is_killed_with_the_processes_it_started(tmp_path):
    pid_file = tmp_path / "grandchild.pid"
    stubborn = child(
        "stubborn",
        f"{IGNORE_SIGTERM}; import subprocess, sys; "
        f"grandchild = subprocess.Popen([sys.executable, '-c', {SLEEP_THROUGH_SIGTERM!r}]); "
        f"open({str(pid_file)!r}, 'w').write(str(grandchild.pid)); time.sleep(60)",
        restart=False,
    )
    signal_when(pid_file, signal.SIGINT)

    assert Supervisor([stubborn], grace_seconds=1).run() == 0

    assert stubborn.process.returncode == -signal.SIGKILL
    grandchild = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(grandchild)


def alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_a_stop_signal_unwinds_a_command_while_it_runs_and_the_handlers_come_back_after():
    before = signal.getsignal(signal.SIGHUP)
    unwound = []
    with unwinding_on():
        try:
            os.kill(os.getpid(), signal.SIGHUP)
            time.sleep(5)  # interrupted by the signal
        except SystemExit as stop:
            unwound.append(stop.code)
    assert unwound == [0]
    assert signal.getsignal(signal.SIGHUP) == before


def test_in_another_thread_the_signal_handlers_are_left_alone():
    before = signal.getsignal(signal.SIGTERM)
    inside = []

    def command() -> None:
        with unwinding_on():
            inside.append(signal.getsignal(signal.SIGTERM))

    thread = threading.Thread(target=command)
    thread.start()
    thread.join(DEADLINE)
    assert not thread.is_alive()
    assert inside == [before]
