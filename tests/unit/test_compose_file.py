"""docker-compose.yml is a valid Compose file that runs as it says.

There is no Docker engine on the test machines, so the file is checked against the Compose
Specification's JSON schema (compose-spec/compose-spec, `schema/compose-spec.json`), in the copy
that check-jsonschema vendors as `vendor.compose-spec` (its version, and so the schema's, is
pinned with a hash by requirements/test.txt), and then for what the schema cannot know.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"


def validate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec",
         str(path)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


@pytest.fixture(scope="module")
def services() -> dict[str, dict]:
    return yaml.safe_load(COMPOSE_FILE.read_text())["services"]


def test_the_compose_file_is_valid_against_the_compose_specification():
    checked = validate(COMPOSE_FILE)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_schema_check_rejects_a_file_that_is_not_compose(tmp_path: Path):
    # A healthcheck's interval must be a duration string, and `servics` is no Compose key.
    broken = COMPOSE_FILE.read_text().replace("interval: 2s", "interval: [2]")
    (tmp_path / "docker-compose.yml").write_text(broken)
    assert validate(tmp_path / "docker-compose.yml").returncode != 0
    (tmp_path / "misspelt.yml").write_text("servics:\n  api:\n    image: x\n")
    assert validate(tmp_path / "misspelt.yml").returncode != 0


def test_every_service_has_a_healthcheck(services: dict[str, dict]):
    assert {name for name, service in services.items() if "healthcheck" not in service} == set()


def test_the_services_built_here_share_one_named_image(services: dict[str, dict]):
    built = {name: service for name, service in services.items() if "build" in service}
    assert set(built) == {"api", "projector"}
    assert len({service["image"] for service in built.values()}) == 1
    assert next(iter(built.values()))["image"].startswith("policy-timeline:")


def test_the_api_scales_behind_the_proxy(services: dict[str, dict]):
    # A fixed host port can be bound by one container only: the proxy has it, the API none.
    assert "ports" not in services["api"]
    assert [port.split(":")[-1] for port in services["proxy"]["ports"]] == ["8000"]
    assert services["proxy"]["depends_on"]["api"]["condition"] == "service_healthy"


def test_healthchecks_use_what_the_slim_image_has(services: dict[str, dict]):
    for name in ("api", "projector"):
        command = services[name]["healthcheck"]["test"]
        assert command[0] == "CMD" and command[1] in {"python", "policy-timeline"}, name
