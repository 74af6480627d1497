"""Reading a py-spy profile of the rebuild (``--py-spy``): where the child's wall time went.

py-spy's raw output is one line per distinct stack, ``frame;frame;…;leaf COUNT``, each frame
``function (file:line)``. Recorded with ``--idle``, so a sample is taken whatever the process
does: samples whose leaf is the event loop's ``select`` are the process waiting (for
PostgreSQL: the cursor, COPY, the indexes), the others are Python running. Code in C (asyncpg's
protocol, msgspec) is counted in the Python frame that called it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

_FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^()]*?)(?::\d+)?\)$")
WAITING = ("select (selectors.py)", "EpollSelector.select (selectors.py)")

AREAS = [
    ("service/projections/", "engine (service/projections)"),
    ("service/read_models/", "handlers (service/read_models)"),
    ("service/store/", "store (service/store)"),
    ("events/", "vocabulary (events/)"),
    ("asyncpg/", "asyncpg"),
    ("asyncio/", "asyncio"),
    ("bench/", "benchmark wrappers (bench/)"),
]


@dataclass
class Profile:
    samples: int = 0
    waiting: int = 0
    """Samples in the event loop's select: waiting for the server (or for nothing)."""
    empty: int = 0
    """Samples without a Python stack (start-up, exit)."""
    own: Counter = field(default_factory=Counter)
    """function (file) -> samples where it is the leaf: its own time."""
    total: Counter = field(default_factory=Counter)
    """function (file) -> samples where it is on the stack: its time with what it calls."""
    areas: Counter = field(default_factory=Counter)
    """The own time of Python code, by where the leaf's file is."""

    def share(self, samples: int) -> float:
        return samples / self.samples if self.samples else float("nan")


def _frame(text: str) -> str:
    match = _FRAME.match(text.strip())
    if match is None:
        return text.strip()
    return f"{match['function']} ({match['file']})"


def _area(frame: str) -> str:
    for marker, name in AREAS:
        if f"({marker}" in frame or f"/{marker}" in frame:
            return name
    if "msgspec" in frame:
        return "msgspec"
    return "other Python (stdlib, start-up)"


def read_profile(path: str) -> Profile:
    profile = Profile()
    with open(path) as raw:
        for line in raw:
            line = line.rstrip("\n")
            if not line.strip():
                continue
            stack, _, count_text = line.rpartition(" ")
            try:
                count = int(count_text)
            except ValueError:
                continue
            profile.samples += count
            if not stack.strip():
                profile.empty += count
                continue
            frames = [_frame(frame) for frame in stack.split(";")]
            leaf = frames[-1]
            if leaf in WAITING:
                profile.waiting += count
                continue
            profile.own[leaf] += count
            profile.areas[_area(leaf)] += count
            for frame in set(frames):
                profile.total[frame] += count
    return profile
