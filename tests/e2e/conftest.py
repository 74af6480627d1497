"""Fixtures of the end-to-end tests."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def server_folder() -> Iterator[Path]:
    """A folder for a server's data outside pytest's temporary folders: as root the server runs
    as another user, who must be able to enter it, and each new pytest session (another one on
    the machine too) takes that right away from pytest's folders again."""
    folder = Path(tempfile.mkdtemp(prefix="policy-timeline-server-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)
