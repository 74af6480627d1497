"""The shell examples of README.md and docs/*.md as tests/e2e/test_docs_examples.py runs them:
fenced ``sh`` blocks split into commands, a bash script that runs a block's commands with a
``curl`` that records every answer, and those answers read back."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
FENCE = re.compile(r"^(\s*)```(\S*)\s*$")
HEREDOC = re.compile(r"<<-?\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\1")
CONTINUED = ("\\", "|", "&&")
"""A line that ends so goes on on the next one, as in bash."""
EXPECTED = re.compile(r"(?:^|\s)#.*?(?:→|->)\s*(\d{3})\b")
"""The trailing comment of an example that expects an error: ``# → 404``."""


@dataclass(frozen=True)
class Command:
    line: int
    """Where it starts in its file."""
    text: str

    def expected_status(self) -> int | None:
        """The status a trailing ``# → NNN`` on its last line expects, if any."""
        found = EXPECTED.search(self.text.splitlines()[-1])
        return int(found[1]) if found else None


@dataclass(frozen=True)
class Example:
    path: Path
    line: int
    """Where its opening fence is."""
    commands: tuple[Command, ...]

    @property
    def name(self) -> str:
        return f"{self.path.relative_to(REPOSITORY)}:{self.line}"

    def where(self, command: Command) -> str:
        return f"{self.path.relative_to(REPOSITORY)}:{command.line}"


def documents() -> list[Path]:
    return [REPOSITORY / "README.md", *sorted((REPOSITORY / "docs").glob("*.md"))]


def shell_examples(path: Path) -> list[Example]:
    """Every fenced ```` ```sh ```` block of a Markdown file, in order."""
    examples: list[Example] = []
    block: list[str] | None = None
    start, indent = 0, ""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        fence = FENCE.match(line)
        if block is None:
            if fence and fence[2] == "sh":
                block, start, indent = [], number, fence[1]
        elif fence and not fence[2]:
            examples.append(Example(path, start, tuple(split_commands(block, start + 1))))
            block = None
        else:
            block.append(line.removeprefix(indent))
    return examples


def split_commands(lines: list[str], first_line: int) -> list[Command]:
    """The commands of a block's lines: a line that ends in ``\\``, ``|`` or ``&&``, or leaves
    a quote open, goes on on the next; a here-document runs to its delimiter. Blank lines and
    lines of comment between commands are left out."""
    commands: list[Command] = []
    current: list[str] = []
    start, delimiter = first_line, None
    for number, line in enumerate(lines, first_line):
        if delimiter is not None:
            current.append(line)
            if line.strip() == delimiter:
                commands.append(Command(start, "\n".join(current)))
                current, delimiter = [], None
            continue
        if not current:
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            start = number
        current.append(line)
        text = "\n".join(current)
        if text.rstrip().endswith(CONTINUED) or not _quotes_closed(text):
            continue
        if heredocs := HEREDOC.findall(text):
            delimiter = heredocs[-1][1]
            continue
        commands.append(Command(start, text))
        current = []
    if current:
        raise ValueError(f"line {start}: the command does not end: {current[0]!r}")
    return commands


def _quotes_closed(text: str) -> bool:
    try:
        shlex.split(text, comments=True)
    except ValueError:  # "No closing quotation", "No escaped character"
        return False
    return True


PRELUDE = r"""set -o pipefail
# The real curl, with a deadline (a short one for a stream, -N, that never ends), which also
# writes each answer's status and content type to a file of its own and a copy of the body to
# another; what the example does with curl's output stays as it was.
curl() {
    local meta body status seconds=$EXAMPLE_CURL_SECONDS
    case " $* " in *" -N "*|*" --no-buffer "*) seconds=$EXAMPLE_STREAM_SECONDS ;; esac
    meta=$(mktemp "$EXAMPLE_RECORD/meta.XXXXXX") && body=$(mktemp "$EXAMPLE_RECORD/body.XXXXXX") || return 99
    command curl --max-time "$seconds" "$@" \
        --write-out '%{stderr}@answer %{http_code} %{content_type}\n' 2>"$meta" | tee "$body"
    status=${PIPESTATUS[0]}
    grep -v '^@answer ' "$meta" >&2
    printf '%s\t%s\t%s\t%s\n' "$EXAMPLE_COMMAND" "$status" "$meta" "$body" >>"$EXAMPLE_RECORD/answers"
    return "$status"
}
"""


def script(commands: list[tuple[int, str]]) -> str:
    """Bash that runs ``(index, text)`` commands in order, writing each one's exit status to
    ``$EXAMPLE_RECORD/exits``; ``curl`` writes its answers to ``$EXAMPLE_RECORD/answers``."""
    parts = [PRELUDE]
    for index, text in commands:
        parts.append(
            f"EXAMPLE_COMMAND={index}\n{text}\n"
            f'printf \'%s %s\\n\' {index} "$?" >>"$EXAMPLE_RECORD/exits"\n'
        )
    return "\n".join(parts)


@dataclass(frozen=True)
class Answer:
    """One ``curl`` of a command: its exit status, the HTTP status and content type (``000``
    and empty when nothing was answered) and the body."""

    command: int
    exit_status: int
    status: int
    content_type: str
    body: bytes


def answers(record: Path) -> list[Answer]:
    found = []
    for line in _lines(record / "answers"):
        command, exit_status, meta, body = line.split("\t")
        written = Path(meta).read_text(errors="replace").splitlines()
        marks = [mark for mark in written if mark.startswith("@answer ")] or ["@answer 0 "]
        status, _, content_type = marks[-1].removeprefix("@answer ").partition(" ")
        found.append(Answer(
            int(command), int(exit_status), int(status), content_type.strip(), Path(body).read_bytes()
        ))
    return found


def exit_statuses(record: Path) -> dict[int, int]:
    return {int(index): int(status) for index, status in map(str.split, _lines(record / "exits"))}


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []
