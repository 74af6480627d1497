"""What ``serve`` starts, by settings: the API processes and, in its own process, the projector."""

from __future__ import annotations

import pytest

from service.operations.serving import APP_FACTORY, children
from service.settings import Settings, load_settings

URL = "postgresql://someone@db:5432/timeline"


def test_by_default_serve_starts_the_api_and_a_projector_process_that_is_restarted():
    api, projector = children(Settings(database_url=URL))
    assert (api.name, api.restart) == ("API", False)
    assert (projector.name, projector.restart) == ("projector", True)
    assert projector.command[-2:] == ["service.cli", "project"]


@pytest.mark.parametrize("mode", ["inline", "off"])
def test_with_the_projector_inline_or_off_serve_starts_only_the_api(mode):
    [api] = children(Settings(database_url=URL, projector=mode))
    assert api.name == "API"


def test_the_api_is_uvicorn_with_the_app_factory_and_the_workers_asked_for():
    [api, _] = children(Settings(database_url=URL, workers=3, host="0.0.0.0", port=9000))
    command = list(api.command)
    assert command[1:5] == ["-m", "uvicorn", APP_FACTORY, "--factory"]
    assert command[command.index("--workers") + 1] == "3"
    assert command[command.index("--host") + 1] == "0.0.0.0"
    assert command[command.index("--port") + 1] == "9000"


@pytest.mark.parametrize(
    ("mode", "api_runs_projector"), [("process", False), ("inline", True), ("off", False)]
)
def test_the_children_load_the_database_url_and_whether_the_api_runs_the_projector(
    mode, api_runs_projector
):
    api, *_ = started = children(Settings(database_url=URL, projector=mode))
    assert {load_settings(child.environment).database_url for child in started} == {URL}
    assert load_settings(api.environment).run_projector is api_runs_projector
