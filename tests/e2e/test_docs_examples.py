"""The shell examples of README.md and docs/*.md run against the service itself, so that none can
rot: ``python -m service.cli serve`` on a database of this module's own, which it seeds with the
article, with its projector, once every seeded event is folded.

One test per fenced ```` ```sh ```` block, named by file and line (``docs/api.md:91``). A block
runs when one of its commands talks to the service: it names ``localhost:8000`` or
``127.0.0.1:8000`` (run against the test server's port) or runs ``policy-timeline``. Then every
command of the block runs, in order, in one bash process (so variables carry), in a temporary
folder laid out like a checkout (``.venv`` is this Python's environment, ``docs`` the
repository's; the files the examples write land there), with the environment's ``bin`` first on
``PATH``, the service's database as ``DATABASE_URL`` and an ``append`` token as ``$TOKEN``
(tests/tokens.py). A block that talks to no service (the benchmarks, the test run) is skipped,
and so is one that uses ``jq`` where jq is not installed.

Not run, as the set-up the module has done already, commands that match (``SKIPPED``):
``-m venv`` and ``pip install`` (the environment), ``policy-timeline serve`` (the server).
Changed before running: ``--max-examples N`` becomes ``--phases coverage``, so that docs/api.md's
schema check recipe runs in about half a minute and the same way every time: Schemathesis' deterministic
phase (boundary values of every parameter, positive and negative) against the seeded service.
Its random phases, fuzzing and stateful, are for the longer run the recipe is for: here they
would fail a run now and then on whatever they happen to find (the suite fuzzes the API on
every run in tests/integration/test_schemathesis.py).

What is checked. ``curl`` is a bash function that calls the real curl with a deadline and
records, per request, the status, the content type and a copy of the body (what the example
does with curl's output, redirects and ``$(...)`` included, stays as written). Every answer has
a status below 400, unless the command's last line ends with a comment that says otherwise:
``# → 404`` (or ``# -> 404``) expects that status of each of its answers. JSON answers
(``application/json``, ``application/problem+json``) must parse; ``text/event-stream`` answers
must begin with an SSE field or comment. A live stream (``curl -N``) never ends: it is read for
``STREAM_SECONDS`` (the server sends a heartbeat every 0.5 s), and curl's exit 28 (time out)
after a 200 event stream is the one failure a command may end with; every other command must
exit with 0. The convention is described for readers at the top of docs/api.md.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import cloned_database
from tests.e2e.docs_examples import (
    REPOSITORY,
    Answer,
    Command,
    Example,
    answers,
    documents,
    exit_statuses,
    script,
    shell_examples,
)
from tests.e2e.processes import Running, clean_environment, free_port, until
from tests.tokens import WRITER

SKIPPED = {
    r"-m venv\b": "makes the environment the tests run in",
    r"\bpip install\b": "installs into that environment",
    r"\bpolicy-timeline serve\b": "the service under test runs already",
}
SERVICE = re.compile(r"\b(?:localhost|127\.0\.0\.1):8000\b|\bpolicy-timeline\b")
MAX_EXAMPLES = re.compile(r"--max-examples[ =]\d+")
OPTIONAL_TOOLS = ("jq",)

CURL_SECONDS = 30
STREAM_SECONDS = 2
BLOCK_SECONDS = 240
JSON_TYPES = ("application/json", "application/problem+json")
SSE_FIELD = re.compile(r"^(?::|id:|event:|data:|retry:)")

EXAMPLES = [example for path in documents() for example in shell_examples(path)]


@pytest.fixture(scope="module")
async def examples_database(server_url: str, template_name: str) -> AsyncIterator[str]:
    """A migrated database of this module's own (with the test tokens); ``serve`` seeds it."""
    async with cloned_database(server_url, template_name, "pt_docs") as url:
        yield url


@pytest.fixture(scope="module")
def service(examples_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The served service's origin, once the seed it appended on start is folded."""
    port = free_port()
    environment = {
        "DATABASE_URL": examples_database,
        # An idle live stream says something within an example's short read.
        "POLICY_TIMELINE_LIVE_HEARTBEAT_SECONDS": "0.5",
        "POLICY_TIMELINE_POLL_INTERVAL": "0.5",
    }
    log = tmp_path_factory.mktemp("docs-service") / "serve.log"
    origin = f"http://127.0.0.1:{port}"
    with Running(["serve", "--port", str(port)], environment, log) as server:
        server.wait_until_healthy(origin)
        until(lambda: _seed_folded(origin), 60, "the seed to be appended and folded")
        yield origin
        server.stop()


def _seed_folded(origin: str) -> bool:
    events = httpx.get(f"{origin}/events", params={"limit": 1000}).json()["events"]
    if not events:
        return False
    last = {"min_position": events[-1]["position"]}  # read your writes: waits up to 5 s
    return httpx.get(f"{origin}/agencies", params=last, timeout=10).status_code == 200


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the examples run: ``.venv`` and ``docs`` as in the repository's root."""
    folder = tmp_path_factory.mktemp("docs-examples")
    (folder / ".venv").symlink_to(sys.prefix, target_is_directory=True)
    (folder / "docs").symlink_to(REPOSITORY / "docs", target_is_directory=True)
    return folder


@pytest.mark.parametrize("example", EXAMPLES, ids=[example.name for example in EXAMPLES])
def test_the_example_runs(
    example: Example, request: pytest.FixtureRequest, checkout: Path, tmp_path: Path
) -> None:
    commands = [(index, c) for index, c in enumerate(example.commands) if not _set_up(c)]
    if not any(SERVICE.search(command.text) for _, command in commands):
        if not any(SERVICE.search(command.text) for command in example.commands):
            pytest.skip("talks to no service")
        set_up = {why for c in example.commands for pattern, why in SKIPPED.items()
                  if re.search(pattern, c.text)}
        pytest.skip(f"only sets up what this module has: {'; '.join(sorted(set_up))}")
    for tool in OPTIONAL_TOOLS:
        if any(re.search(rf"\b{tool}\b", c.text) for _, c in commands) and not shutil.which(tool):
            pytest.skip(f"needs {tool}, which is not installed")
    origin = request.getfixturevalue("service")  # started only for a block that runs
    port = origin.rsplit(":", 1)[1]

    bash = tmp_path / "example.sh"
    bash.write_text(script([(index, _as_run(c.text, port)) for index, c in commands]))
    environment = clean_environment({
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "DATABASE_URL": request.getfixturevalue("examples_database"),
        "TOKEN": WRITER,
        "TMPDIR": str(checkout),
        "EXAMPLE_RECORD": str(tmp_path),
        "EXAMPLE_CURL_SECONDS": str(CURL_SECONDS),
        "EXAMPLE_STREAM_SECONDS": str(STREAM_SECONDS),
    })
    output, errors = _run(bash, checkout, environment)

    by_command: dict[int, list[Answer]] = defaultdict(list)
    for answer in answers(tmp_path):
        by_command[answer.command].append(answer)
    exits = exit_statuses(tmp_path)
    problems = []
    for index, command in commands:
        where = f"{example.where(command)}: {command.text.splitlines()[0].strip()}\n    "
        made = by_command[index]
        if re.search(r"\bcurl\b", command.text) and not made:
            problems.append(f"{where}made no request")
        problems += [where + p for a in made if (p := _wrong(a, command.expected_status()))]
        status = exits.get(index)
        if status is None:
            problems.append(f"{where}did not run to its end")
        elif status != 0 and not (status == 28 and made and _stream_timed_out(made[-1])):
            problems.append(f"{where}exited with {status}")
    assert not problems, "\n".join([
        *problems,
        f"-- the end of the standard output:\n{output[-800:]}",
        f"-- the end of the standard error:\n{errors[-1500:]}",
    ])


def _set_up(command: Command) -> bool:
    return any(re.search(pattern, command.text) for pattern in SKIPPED)


def _as_run(text: str, port: str) -> str:
    text = re.sub(r"\b(localhost|127\.0\.0\.1):8000\b", rf"\g<1>:{port}", text)
    return MAX_EXAMPLES.sub("--phases coverage", text)


def _run(bash: Path, folder: Path, environment: dict[str, str]) -> tuple[str, str]:
    process = subprocess.Popen(
        ["bash", str(bash)], cwd=folder, env=environment, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, encoding="utf-8", errors="replace",
        start_new_session=True,
    )
    try:
        return process.communicate(timeout=BLOCK_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, errors = process.communicate()
        pytest.fail(f"did not end within {BLOCK_SECONDS}s:\n{output[-2000:]}\n{errors[-2000:]}")


def _stream_timed_out(answer: Answer) -> bool:
    return (
        answer.exit_status == 28 and answer.status == 200
        and answer.content_type.startswith("text/event-stream")
    )


def _wrong(answer: Answer, expected: int | None) -> str | None:
    """What is wrong with an answer, if anything."""
    said = f"answered {answer.status} {answer.content_type}: {answer.body[:300].decode(errors='replace')}"
    if answer.exit_status != 0 and not _stream_timed_out(answer):
        return f"curl exited with {answer.exit_status}; {said}"
    if expected is not None and answer.status != expected:
        return f"expected {expected} (its comment says so); {said}"
    if expected is None and not 200 <= answer.status < 400:
        return said
    media_type = answer.content_type.split(";")[0].strip().lower()
    if media_type in JSON_TYPES:
        try:
            json.loads(answer.body)
        except ValueError as error:
            return f"its JSON does not parse ({error}); {said}"
    if media_type == "text/event-stream":
        lines = answer.body.decode(errors="replace").splitlines()
        first = next((line for line in lines if line.strip()), "")
        if not SSE_FIELD.match(first):
            return f"is not an event stream; {said}"
    return None
