"""Starting a child of ``children.py`` (under py-spy when asked), following its progress lines,
and reading its result."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from typing import Any

from rich.progress import Progress

from bench import common


@dataclass
class ChildRun:
    result: dict[str, Any]
    pid: int
    """The child's pid (py-spy's when profiled: the result carries the child's own usage)."""
    profile: str | None


def py_spy() -> str:
    found = shutil.which("py-spy") or os.path.join(os.path.dirname(sys.executable), "py-spy")
    if not os.path.exists(found):
        raise SystemExit("py-spy is not installed: .venv/bin/pip install py-spy")
    return found


async def run_child(
    role: str,
    url: str,
    options: list[str],
    progress: Progress,
    description: str,
    *,
    profile: str | None = None,
    profile_rate: int = 100,
    on_start: Any = None,
) -> ChildRun:
    """Run ``python -m bench.replay.children ROLE URL RESULT OPTIONS…`` to the end.

    ``profile``: a path for py-spy's raw (collapsed stacks) output, idle samples included, so
    the profile shows the time spent waiting for PostgreSQL too. ``on_start(pid)`` is called
    once the process runs."""
    workdir = tempfile.mkdtemp(prefix="pt-bench-")
    result_path = os.path.join(workdir, f"{role}.json")
    command = [sys.executable, "-m", "bench.replay.children", role, url, result_path, *options]
    if profile is not None:
        command = [py_spy(), "record", "--rate", str(profile_rate), "--format", "raw", "--idle",
                   "--output", profile, "--", *command]
    task = progress.add_task(description, total=None)
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.PIPE, cwd=common.ROOT
    )
    if on_start is not None:
        on_start(process.pid)
    assert process.stdout is not None
    try:
        async for line in process.stdout:
            words = line.decode(errors="replace").split()
            if len(words) == 3 and words[0] == "progress":
                progress.update(task, completed=int(words[1]), total=int(words[2]))
        code = await process.wait()
    except BaseException:
        if process.returncode is None:
            process.terminate()
            await process.wait()
        raise
    if code != 0:
        raise SystemExit(f"{role} child exited with {code}")
    with open(result_path) as stream:
        result = json.load(stream)
    shutil.rmtree(workdir, ignore_errors=True)
    return ChildRun(result, process.pid, profile)
