"""The README stays true to the code: every setting and command it must mention."""

from pathlib import Path

from service.settings import ENVIRONMENT_VARIABLES

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_every_environment_variable_is_documented():
    missing = [name for name in ENVIRONMENT_VARIABLES if f"`{name}`" not in README]
    assert missing == []


def test_every_command_is_documented():
    for command in ("serve", "project", "migrate", "seed", "replay", "status", "token", "export", "import", "source add"):
        assert f"`policy-timeline {command}" in README


def test_the_quick_start_has_the_two_commands_ci_runs():
    ci = (Path(__file__).resolve().parents[2] / ".ci" / "run").read_text()
    test_command = next(line for line in ci.splitlines() if line.startswith("python3 -m venv"))
    assert test_command in README
    assert ".venv/bin/policy-timeline serve" in README
