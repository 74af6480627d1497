"""Every setting, read from the environment in one place.

Nothing else in the code base reads ``os.environ``: code that needs a setting takes a
``Settings`` (or one of its values) as an argument.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import msgspec
import platformdirs

from events import web_url


class SettingsError(ValueError):
    """An environment variable holds a value that cannot be used."""


PROJECTOR_MODES = ("process", "inline", "off")
RATE_LIMIT_WINDOWS = ("second", "minute", "hour", "day")


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    database_url: str | None = None
    """PostgreSQL to use; unset means an embedded server in ``data_dir``."""
    database_replica_url: str | None = None
    """A streaming replica of ``database_url`` for the read-model endpoints; unset: the primary."""
    replica_check_seconds: float = 1.0
    """How often each API process checks the replica (reachable, replay lag)."""
    replica_max_lag_seconds: float = 5.0
    """Reads go to the primary while the replica lags further behind than this (or is down)."""
    database_wait_seconds: float = 60.0
    """How long a command waits for ``database_url`` to accept connections before it gives up."""
    data_dir: Path = Path(platformdirs.user_data_dir("policy-timeline"))
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    """API processes that ``serve`` starts (uvicorn's workers, sharing the port)."""
    projector: str = "process"
    """Where ``serve`` runs the projector: ``process``, a child process of its own;
    ``inline``, inside every API process; ``off``, nowhere (run ``policy-timeline project``)."""
    pool_min_size: int = 2
    pool_max_size: int = 10
    max_body_bytes: int = 1_048_576
    max_batch_events: int = 1_000
    max_page_size: int = 1_000
    default_page_size: int = 100
    max_export_entries: int = 10_000
    """The most entries a timeline export (TimelineJS, CSV, iCalendar) holds; more is a 422."""
    feed_entries: int = 50
    """Entries in an Atom feed, newest first."""
    notify_channel: str = "policy_timeline_events"
    poll_interval_seconds: float = 5.0
    seed_on_start: bool = True
    """``serve`` seeds an empty store with the article before the API starts, and brings a
    store that holds the seed up to date with its errata."""
    run_projector: bool = True
    """The app's lifespan keeps the projections current in its own process (one leader per
    projection cluster-wide). ``load_settings`` sets it from ``projector``: only ``inline``."""
    projector_batch_size: int = 500
    """Events per projection transaction; small keeps transactions short."""
    cors_origins: tuple[str, ...] = ()
    """Origins whose web pages may call the API from a browser (CORS); none by default."""
    public_url: str | None = None
    """Where people reach the service (``https://timeline.example.org``): the base of absolute
    links (the Atom feeds'); unset, those links are relative. Never the request's Host."""
    pool_acquire_timeout_seconds: float = 5.0
    """How long a request waits for a pooled connection before answering 503."""
    statement_timeout_seconds: float = 10.0
    """PostgreSQL's ``statement_timeout`` on the API pool's connections (not the projector's)."""
    feed_stall_warning_seconds: float = 10.0
    """Warn when committed events have been unreadable by the gap-safe feed for this long."""
    ready_max_lag_seconds: float = 60.0
    """``/ready`` answers 503 while a projection is further behind than this."""
    min_position_wait_seconds: float = 5.0
    """How long a read with ``min_position`` waits for the read models before a 503."""
    live_max_subscribers: int = 500
    """``GET /events/live`` streams per process; one more answers 503."""
    live_heartbeat_seconds: float = 15.0
    """A live stream with nothing to send for this long sends a comment line."""
    live_queue_batches: int = 64
    """Batches of new events held for a live subscriber that reads slower than they come;
    past that it drops them and reads its own catch-up from the store."""
    write_rate_limit: int = 100
    """Writes (POST) per client address per ``write_rate_limit_window``; 0 turns it off."""
    write_rate_limit_window: str = "second"
    desk_session_minutes: int = 480
    """How long a desk session lasts after its editor signs in (a working day)."""
    log_level: str = "info"

    @property
    def embedded(self) -> bool:
        return self.database_url is None


# environment variable -> (field name, type, or a tuple of the values allowed)
_ENVIRONMENT: dict[str, tuple[str, type | tuple[str, ...]]] = {
    "DATABASE_URL": ("database_url", str),
    "DATABASE_REPLICA_URL": ("database_replica_url", str),
    "POLICY_TIMELINE_REPLICA_CHECK_SECONDS": ("replica_check_seconds", float),
    "POLICY_TIMELINE_REPLICA_MAX_LAG_SECONDS": ("replica_max_lag_seconds", float),
    "POLICY_TIMELINE_DATABASE_WAIT_SECONDS": ("database_wait_seconds", float),
    "POLICY_TIMELINE_DATA_DIR": ("data_dir", Path),
    "POLICY_TIMELINE_HOST": ("host", str),
    "POLICY_TIMELINE_PORT": ("port", int),
    "POLICY_TIMELINE_WORKERS": ("workers", int),
    "POLICY_TIMELINE_PROJECTOR": ("projector", PROJECTOR_MODES),
    "POLICY_TIMELINE_POOL_MIN_SIZE": ("pool_min_size", int),
    "POLICY_TIMELINE_POOL_MAX_SIZE": ("pool_max_size", int),
    "POLICY_TIMELINE_MAX_BODY_BYTES": ("max_body_bytes", int),
    "POLICY_TIMELINE_MAX_BATCH_EVENTS": ("max_batch_events", int),
    "POLICY_TIMELINE_MAX_PAGE_SIZE": ("max_page_size", int),
    "POLICY_TIMELINE_DEFAULT_PAGE_SIZE": ("default_page_size", int),
    "POLICY_TIMELINE_MAX_EXPORT_ENTRIES": ("max_export_entries", int),
    "POLICY_TIMELINE_FEED_ENTRIES": ("feed_entries", int),
    "POLICY_TIMELINE_NOTIFY_CHANNEL": ("notify_channel", str),
    "POLICY_TIMELINE_POLL_INTERVAL": ("poll_interval_seconds", float),
    "POLICY_TIMELINE_SEED_ON_START": ("seed_on_start", bool),
    "POLICY_TIMELINE_PROJECTOR_BATCH_SIZE": ("projector_batch_size", int),
    "POLICY_TIMELINE_CORS_ORIGINS": ("cors_origins", tuple),
    "POLICY_TIMELINE_PUBLIC_URL": ("public_url", str),
    "POLICY_TIMELINE_POOL_ACQUIRE_TIMEOUT_SECONDS": ("pool_acquire_timeout_seconds", float),
    "POLICY_TIMELINE_STATEMENT_TIMEOUT_SECONDS": ("statement_timeout_seconds", float),
    "POLICY_TIMELINE_FEED_STALL_WARNING_SECONDS": ("feed_stall_warning_seconds", float),
    "POLICY_TIMELINE_READY_MAX_LAG_SECONDS": ("ready_max_lag_seconds", float),
    "POLICY_TIMELINE_MIN_POSITION_WAIT_SECONDS": ("min_position_wait_seconds", float),
    "POLICY_TIMELINE_LIVE_MAX_SUBSCRIBERS": ("live_max_subscribers", int),
    "POLICY_TIMELINE_LIVE_HEARTBEAT_SECONDS": ("live_heartbeat_seconds", float),
    "POLICY_TIMELINE_LIVE_QUEUE_BATCHES": ("live_queue_batches", int),
    "POLICY_TIMELINE_WRITE_RATE_LIMIT": ("write_rate_limit", int),
    "POLICY_TIMELINE_WRITE_RATE_LIMIT_WINDOW": ("write_rate_limit_window", RATE_LIMIT_WINDOWS),
    "POLICY_TIMELINE_DESK_SESSION_MINUTES": ("desk_session_minutes", int),
    "POLICY_TIMELINE_LOG_LEVEL": ("log_level", str),
}

ENVIRONMENT_VARIABLES = tuple(_ENVIRONMENT)


def _parse(name: str, raw: str, kind: type | tuple[str, ...]) -> object:
    if isinstance(kind, tuple):
        if raw not in kind:
            raise SettingsError(f"{name} must be one of {', '.join(kind)}, not {raw!r}")
        return raw
    if kind is tuple:
        return tuple(item.strip() for item in raw.split(",") if item.strip())
    if kind is bool:
        lowered = raw.strip().lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off"}:
            return False
        raise SettingsError(f"{name} must be true or false, not {raw!r}")
    try:
        return kind(raw)
    except ValueError as error:
        raise SettingsError(f"{name}: {error}") from None


def load_settings(environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    """Settings from the environment (or ``environ``), then ``overrides`` on top."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for name, (field, kind) in _ENVIRONMENT.items():
        raw = environ.get(name)
        if raw is not None and raw != "":
            values[field] = _parse(name, raw, kind)
    values.update({key: value for key, value in overrides.items() if value is not None})
    settings = Settings(**values)
    if settings.workers < 1:
        raise SettingsError(
            f"POLICY_TIMELINE_WORKERS (--workers) must be at least 1, not {settings.workers}"
        )
    if settings.database_wait_seconds < 0:
        raise SettingsError(
            "POLICY_TIMELINE_DATABASE_WAIT_SECONDS must be 0 or more, "
            f"not {settings.database_wait_seconds:g}"
        )
    if settings.replica_check_seconds <= 0 or settings.replica_max_lag_seconds <= 0:
        raise SettingsError(
            "POLICY_TIMELINE_REPLICA_CHECK_SECONDS and POLICY_TIMELINE_REPLICA_MAX_LAG_SECONDS "
            "must be above 0"
        )
    if settings.projector not in PROJECTOR_MODES:
        raise SettingsError(
            f"POLICY_TIMELINE_PROJECTOR must be one of {', '.join(PROJECTOR_MODES)}, "
            f"not {settings.projector!r}"
        )
    if settings.live_heartbeat_seconds <= 0 or settings.live_queue_batches < 1:
        raise SettingsError(
            "POLICY_TIMELINE_LIVE_HEARTBEAT_SECONDS must be above 0 and "
            "POLICY_TIMELINE_LIVE_QUEUE_BATCHES at least 1"
        )
    if settings.write_rate_limit < 0:
        raise SettingsError("POLICY_TIMELINE_WRITE_RATE_LIMIT must be 0 (off) or more")
    if settings.public_url is not None:
        settings = msgspec.structs.replace(settings, public_url=_public_url(settings.public_url))
    if "run_projector" not in values:
        settings = msgspec.structs.replace(settings, run_projector=settings.projector == "inline")
    return settings


def _public_url(value: str) -> str:
    if not web_url(value) or urlsplit(value).query or "#" in value:
        raise SettingsError(
            "POLICY_TIMELINE_PUBLIC_URL must be a web address without a query or fragment, "
            f"e.g. https://timeline.example.org, not {value!r}"
        )
    return value.rstrip("/")


def child_environment(settings: Settings) -> dict[str, str]:
    """This process's environment with ``settings`` written into it: a child
    process started with it loads the same settings, command-line overrides included."""
    environment = dict(os.environ)
    for name, (field, kind) in _ENVIRONMENT.items():
        value = getattr(settings, field)
        if value is None:
            environment.pop(name, None)
        elif kind is bool:
            environment[name] = "true" if value else "false"
        elif kind is tuple:
            environment[name] = ",".join(value)
        else:
            environment[name] = str(value)
    return environment
