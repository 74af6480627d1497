"""Settings from the environment: how serve runs its processes, and what children inherit."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.settings import Settings, SettingsError, child_environment, load_settings


def test_serve_runs_one_api_process_and_the_projector_in_a_process_of_its_own_by_default():
    settings = load_settings({})
    assert settings.workers == 1
    assert settings.projector == "process"
    assert settings.run_projector is False


@pytest.mark.parametrize(
    ("mode", "in_the_app"), [("process", False), ("inline", True), ("off", False)]
)
def test_only_an_inline_projector_runs_in_the_api_process(mode, in_the_app):
    settings = load_settings({"POLICY_TIMELINE_PROJECTOR": mode})
    assert settings.projector == mode
    assert settings.run_projector is in_the_app


def test_workers_come_from_the_environment_or_an_override():
    assert load_settings({"POLICY_TIMELINE_WORKERS": "4"}).workers == 4
    assert load_settings({"POLICY_TIMELINE_WORKERS": "4"}, workers=2).workers == 2


@pytest.mark.parametrize(
    "environment",
    [
        {"POLICY_TIMELINE_PROJECTOR": "sometimes"},
        {"POLICY_TIMELINE_WORKERS": "0"},
        {"POLICY_TIMELINE_WORKERS": "two"},
        {"POLICY_TIMELINE_DATABASE_WAIT_SECONDS": "-1"},
        {"POLICY_TIMELINE_REPLICA_CHECK_SECONDS": "0"},
        {"POLICY_TIMELINE_REPLICA_MAX_LAG_SECONDS": "-1"},
    ],
)
def test_a_value_that_cannot_be_used_is_an_error_that_names_the_variable(environment):
    [name] = environment
    with pytest.raises(SettingsError, match=name):
        load_settings(environment)


def test_a_child_started_with_the_child_environment_loads_the_same_settings():
    settings = Settings(
        database_url="postgresql://someone@db:5432/timeline",
        data_dir=Path("/var/lib/policy-timeline"),
        port=9000,
        workers=3,
        projector="off",
        run_projector=False,
        seed_on_start=False,
        poll_interval_seconds=0.5,
        cors_origins=("https://example.org", "http://localhost:3000"),
        database_wait_seconds=2.5,
        database_replica_url="postgresql://someone@replica:5432/timeline",
        replica_check_seconds=0.5,
        replica_max_lag_seconds=2.0,
    )
    assert load_settings(child_environment(settings)) == settings


def test_a_setting_that_is_unset_is_unset_in_the_child_environment():
    environment = child_environment(Settings(database_url=None))
    assert "DATABASE_URL" not in environment


@pytest.mark.parametrize(
    ("given", "kept"),
    [("https://timeline.example.org", "https://timeline.example.org"),
     ("https://timeline.example.org/", "https://timeline.example.org"),
     ("http://127.0.0.1:8000/policy/", "http://127.0.0.1:8000/policy")],
)
def test_the_public_url_is_a_web_address_kept_without_its_last_slash(given, kept):
    assert load_settings({"POLICY_TIMELINE_PUBLIC_URL": given}).public_url == kept
    assert load_settings({}).public_url is None


@pytest.mark.parametrize(
    "given", ["timeline.example.org", "javascript:alert(1)", "//timeline.example.org",
              "https://timeline.example.org/?a=1", "https://timeline.example.org/#top"],
)
def test_a_public_url_that_is_no_web_address_or_has_a_query_is_refused(given):
    with pytest.raises(SettingsError, match="POLICY_TIMELINE_PUBLIC_URL"):
        load_settings({"POLICY_TIMELINE_PUBLIC_URL": given})
