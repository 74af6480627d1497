"""Child processes kept running by a parent: started together, restarted or not when they exit,
stopped together on SIGTERM, SIGINT or SIGHUP; and the stop signals of a process of its own."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
"""SIGHUP too: a closed terminal must stop a command the same way (and the embedded PostgreSQL
it started, which pg_ctl puts in a session of its own, out of the terminal's reach)."""


@contextmanager
def unwinding_on(signals: Sequence[signal.Signals] = STOP_SIGNALS) -> Iterator[None]:
    """While inside, these signals unwind the stack (SystemExit), so an embedded server started
    further up stops. A supervisor or an event loop replaces the handlers while it runs. Only the
    main thread can take signals: elsewhere (a test that calls a command in a thread) nothing
    changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def exit_gracefully(signum: int, frame: object) -> None:
        raise SystemExit(0)

    previous = {sig: signal.signal(sig, exit_gracefully) for sig in signals}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@dataclass
class Child:
    name: str
    command: Sequence[str]
    environment: Mapping[str, str]
    restart: bool
    """Start it again when it exits, after a pause that grows while it keeps failing;
    otherwise its exit stops every child and the parent."""
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)
    started_at: float = field(default=0.0, init=False)
    restart_at: float | None = field(default=None, init=False)
    quick_exits: int = field(default=0, init=False)

    def start(self) -> None:
        # A process group of its own: a terminal's Ctrl-C reaches only the parent, which then
        # stops the children in order, and a child that ignores SIGTERM is killed with
        # whatever it started (uvicorn's workers).
        self.process = subprocess.Popen(
            list(self.command), env=dict(self.environment), process_group=0
        )
        self.started_at = time.monotonic()
        self.restart_at = None
        log.info("%s started (pid %d)", self.name, self.process.pid)

    @property
    def started(self) -> subprocess.Popen[bytes]:
        """The process, once ``start`` has run."""
        assert self.process is not None, f"{self.name} was never started"
        return self.process

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


class Supervisor:
    def __init__(
        self,
        children: Sequence[Child],
        *,
        grace_seconds: float = 30.0,
        first_pause: float = 1.0,
        longest_pause: float = 30.0,
        stable_after: float = 60.0,
    ) -> None:
        self.children = list(children)
        self.grace_seconds = grace_seconds
        self.first_pause = first_pause
        self.longest_pause = longest_pause
        self.stable_after = stable_after
        """A child that ran this long before it exited is restarted after the first pause."""

    def run(self) -> int:
        """Until a stop signal (then 0) or the exit of a child that is not restarted (then 1);
        every child is stopped before it returns."""
        stop = threading.Event()
        previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in STOP_SIGNALS}
        try:
            for child in self.children:
                child.start()
            return self._watch(stop)
        finally:
            self._stop_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _watch(self, stop: threading.Event) -> int:
        while not stop.wait(0.2):
            now = time.monotonic()
            for child in self.children:
                if child.restart_at is not None:
                    if now >= child.restart_at:
                        child.start()
                    continue
                code = child.started.poll()
                if code is None:
                    continue
                if not child.restart:
                    log.error(
                        "%s (pid %d) %s; stopping", child.name, child.started.pid, _exit(code)
                    )
                    return 1
                pause = self._pause(child, now)
                log.warning(
                    "%s (pid %d) %s; starting another in %.0f s",
                    child.name, child.started.pid, _exit(code), pause,
                )
                child.restart_at = now + pause
        log.info("stopping %s", ", ".join(child.name for child in self.children))
        return 0

    def _pause(self, child: Child, now: float) -> float:
        if now - child.started_at >= self.stable_after:
            child.quick_exits = 0
        pause = min(self.first_pause * 2**child.quick_exits, self.longest_pause)
        child.quick_exits += 1
        return pause

    def _stop_all(self) -> None:
        running = [child for child in self.children if child.running]
        for child in running:
            # The child alone: uvicorn's parent stops its own workers.
            child.started.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.grace_seconds
        for child in running:
            try:
                child.started.wait(timeout=max(deadline - time.monotonic(), 0))
            except subprocess.TimeoutExpired:
                log.warning(
                    "%s (pid %d) did not stop in time; killing it", child.name, child.started.pid
                )
                # Not yet reaped, so its pid still names its group: nobody else's processes.
                os.killpg(child.started.pid, signal.SIGKILL)
                child.started.wait()


def _exit(code: int) -> str:
    if code >= 0:
        return f"exited with code {code}"
    try:
        return f"was killed by {signal.Signals(-code).name}"
    except ValueError:
        return f"was killed by signal {-code}"
