"""A docs example's ``sh`` block splits into the commands bash would run, each with the line it
starts on (tests/e2e/test_docs_examples.py runs them)."""

from __future__ import annotations

from tests.e2e.docs_examples import Command, split_commands


def commands(block: str) -> list[tuple[int, str]]:
    return [(c.line, c.text) for c in split_commands(block.splitlines(), 10)]


def test_one_command_per_line_without_the_comment_lines_and_blank_lines_between():
    block = "curl -s a  # it's a\n# {\"output\": 1}\n\ncurl -s b\n"
    assert commands(block) == [(10, "curl -s a  # it's a"), (13, "curl -s b")]


def test_a_backslash_a_pipe_or_an_open_quote_continues_the_command():
    block = "P=$(curl -s a \\\n  -d '{\n  \"x\": 1}' |\n  python3 -c 'print(1)')\ncurl b"
    assert [line for line, _ in commands(block)] == [10, 14]
    assert commands(block)[0][1].endswith("python3 -c 'print(1)')")


def test_a_here_document_runs_to_its_delimiter():
    block = "cat > event.json <<'EOF'\n{\"it's\": \"open\n\nEOF\ncurl -d @event.json b"
    assert commands(block) == [
        (10, "cat > event.json <<'EOF'\n{\"it's\": \"open\n\nEOF"), (14, "curl -d @event.json b")
    ]


def test_a_trailing_arrow_comment_names_the_expected_status():
    assert Command(1, "curl -s 'a?cursor=x'   # → 400 /problems/invalid-cursor").expected_status() == 400
    assert Command(1, "curl -s a \\\n  b  # -> 404").expected_status() == 404
    assert Command(1, "curl -s a  # {\"next\": 2}").expected_status() is None
