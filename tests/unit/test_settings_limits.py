"""Settings come from the environment, with the documented defaults."""

from service.settings import Settings, load_settings


def test_the_operational_limits_have_their_documented_defaults():
    settings = Settings()
    assert settings.pool_acquire_timeout_seconds == 5
    assert settings.statement_timeout_seconds == 10
    assert settings.feed_stall_warning_seconds == 10
    assert settings.ready_max_lag_seconds == 60


def test_the_operational_limits_are_read_from_the_environment():
    settings = load_settings(
        {
            "POLICY_TIMELINE_POOL_ACQUIRE_TIMEOUT_SECONDS": "0.5",
            "POLICY_TIMELINE_STATEMENT_TIMEOUT_SECONDS": "2",
            "POLICY_TIMELINE_FEED_STALL_WARNING_SECONDS": "0",
            "POLICY_TIMELINE_READY_MAX_LAG_SECONDS": "120",
        }
    )
    assert settings.pool_acquire_timeout_seconds == 0.5
    assert settings.statement_timeout_seconds == 2
    assert settings.feed_stall_warning_seconds == 0
    assert settings.ready_max_lag_seconds == 120
