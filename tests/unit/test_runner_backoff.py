"""After failures the runner tries again within seconds, not minutes, and not in step with
other instances back from the same outage."""

from __future__ import annotations

from service.projections.runner import MAX_BACKOFF_SECONDS, ProjectionRunner
from service.read_models import PROJECTIONS


def waits_after(failures: int, samples: int = 200) -> list[float]:
    runner = ProjectionRunner(PROJECTIONS, "postgresql://unused", retry_interval=0.5)
    runner._failures = failures
    return [runner._backoff() for _ in range(samples)]


def test_the_wait_grows_with_failures_but_never_past_a_few_seconds():
    assert max(waits_after(1)) <= 0.5
    assert max(waits_after(3)) <= 2.0
    assert max(waits_after(1_000)) <= MAX_BACKOFF_SECONDS <= 5.0


def test_waits_are_jittered_so_instances_do_not_retry_in_step():
    waits = waits_after(10)
    assert len(set(waits)) > 100
    assert min(waits) >= MAX_BACKOFF_SECONDS / 2
