"""The service's commands as processes: start one, wait for it, look into its process tree."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

import httpx
import psutil
import pytest

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def until(condition: Callable[[], T], timeout: float = 60, what: str = "the condition") -> T:
    """The first truthy value of ``condition()``, asked every 0.2 s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"{what} did not come true within {timeout}s")


def clean_environment(environment: Mapping[str, str]) -> dict[str, str]:
    """This process's environment without the service's settings, then ``environment``."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DATABASE_URL", "POLICY_TIMELINE_"))
    }
    return inherited | dict(environment)


def run_command(arguments: list[str], environment: Mapping[str, str]) -> str:
    """``policy-timeline ARGUMENTS`` to its end; its standard output (it must succeed)."""
    finished = subprocess.run(
        [sys.executable, "-m", "service.cli", *arguments],
        env=clean_environment(environment), capture_output=True, text=True, timeout=120,
    )
    assert finished.returncode == 0, finished.stderr
    return finished.stdout


class Running:
    """``policy-timeline ARGUMENTS`` in a process of its own, its output in ``log``; on leaving
    the ``with`` block, whatever of it still runs is killed (a failed test leaves nothing)."""

    def __init__(self, arguments: list[str], environment: Mapping[str, str], log: Path) -> None:
        self.log = log
        with log.open("w") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "service.cli", *arguments],
                env=clean_environment(environment),
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        self.pid = self.process.pid

    def __enter__(self) -> Running:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.process.poll() is None:
            for process in [*self.tree(), psutil.Process(self.pid)]:
                try:
                    process.kill()
                except psutil.NoSuchProcess:
                    pass
            self.process.wait(timeout=30)

    def output(self) -> str:
        return self.log.read_text()

    def wait_until_healthy(self, base: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"exited with {self.process.returncode}:\n{self.output()}")
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        pytest.fail(f"no answer on {base}/health within {timeout}s:\n{self.output()}")

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> str:
        """Send ``sig``; the process must exit with 0. Its output."""
        self.process.send_signal(sig)
        self.process.wait(timeout=60)
        assert self.process.returncode == 0, self.output()
        return self.output()

    def tree(self) -> list[psutil.Process]:
        """Every process it started, and theirs."""
        try:
            return psutil.Process(self.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []

    def child_running(
        self, command_word: str, other_than: int | None = None
    ) -> psutil.Process | None:
        """Its direct child whose command line has ``command_word``, if one runs."""
        for child in psutil.Process(self.pid).children():
            try:
                if command_word in child.cmdline() and child.pid != other_than:
                    return child
            except psutil.NoSuchProcess:
                continue
        return None


def still_running(processes: list[psutil.Process]) -> list[psutil.Process]:
    """Those that have not exited (a zombie has: only its exit status waits to be collected)."""
    running = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                running.append(process)
        except psutil.NoSuchProcess:
            pass
    return running
