"""Examples for the events tests: every seed event and every example in docs/events.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from events.seed import load_seed

DOCS = Path(__file__).resolve().parents[2] / "docs" / "events.md"
_TAG = re.compile(r"`([a-z]+\.[a-z_]+)`")


def docs_examples() -> list[tuple[str, str]]:
    """(type, JSON) for each ```json block of docs/events.md; the paragraph before it names the type."""
    lines = DOCS.read_text(encoding="utf-8").splitlines()
    examples = []
    for start, line in enumerate(lines):
        if line.strip() != "```json":
            continue
        paragraph = "\n".join(lines[:start]).rstrip().rsplit("\n\n", 1)[-1]
        tags = _TAG.findall(paragraph)
        assert tags, f"docs/events.md line {start + 1}: the paragraph before the example names no type"
        end = lines.index("```", start + 1)
        examples.append((tags[-1], "\n".join(lines[start + 1 : end])))
    return examples


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "event_example" in metafunc.fixturenames:
        cases = [(s.type, s.data) for s in load_seed()]
        cases += [(tag, text.encode()) for tag, text in docs_examples()]
        ids = [f"{tag}-{n}" for n, (tag, _) in enumerate(cases)]
        metafunc.parametrize("event_example", cases, ids=ids)
    if "docs_example" in metafunc.fixturenames:
        examples = docs_examples()
        ids = [f"{tag}-{n}" for n, (tag, _) in enumerate(examples)]
        metafunc.parametrize("docs_example", examples, ids=ids)


@pytest.fixture(name="all_docs_examples")
def all_docs_examples_fixture() -> list[tuple[str, str]]:
    return docs_examples()
