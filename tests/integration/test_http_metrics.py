"""``GET /metrics``: Litestar's request metrics and the service's own, moving with appends."""

from __future__ import annotations

import asyncio
import re

from tests.factories import agency, append, given_registered, initiative


async def scrape(client) -> str:
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


def value(text: str, name: str, **labels: str) -> float:
    """A sample's value; 0 when absent (a counter not yet touched)."""
    wanted = ",".join(f'{key}="{label}"' for key, label in labels.items())
    pattern = "^" + re.escape(name + (f"{{{wanted}}}" if wanted else "")) + r" (\S+)$"
    match = re.search(pattern, text, re.MULTILINE)
    return float(match[1]) if match else 0.0


async def test_metrics_show_request_latency_by_route_template(client):
    await client.get("/agencies")
    text = await scrape(client)
    assert 'policy_timeline_request_duration_seconds_bucket{app_name="policy-timeline"' in text
    assert re.search(r'request_duration_seconds_count\{[^}]*path="/agencies"', text)
    assert not re.search(r'path="/events/live"', text)


async def test_appends_are_counted_by_outcome(client):
    before = await scrape(client)
    await given_registered(client)  # two appended
    fact = initiative()
    assert (await append(client, "initiative-test-plan", fact)).status_code == 201
    assert (await append(client, "initiative-test-plan", fact)).status_code == 200  # a retry
    conflict = await append(client, "initiative-test-plan", initiative(), expected="no_stream")
    assert conflict.status_code == 409
    rejected = await append(client, "agency-other", agency("someone-else"))  # wrong stream
    assert rejected.status_code == 422
    after = await scrape(client)

    def moved(outcome: str) -> float:
        name = "policy_timeline_appends_total"
        return value(after, name, outcome=outcome) - value(before, name, outcome=outcome)

    assert [moved(o) for o in ("appended", "duplicate", "conflict", "rejected")] == [3, 1, 1, 1]


async def test_projection_lag_grows_with_appends_the_projector_has_not_folded(client):
    # The shared app runs no projector: every append leaves each projection further behind.
    before = value(await scrape(client), "policy_timeline_projection_events_behind", projection="timeline")
    await given_registered(client)
    for _ in range(100):
        text = await scrape(client)
        if value(text, "policy_timeline_projection_events_behind", projection="timeline") == before + 2:
            break
        await asyncio.sleep(0.05)  # another transaction on the server may hold them back
    assert value(text, "policy_timeline_projection_events_behind", projection="timeline") == before + 2
    assert value(text, "policy_timeline_projection_seconds_behind", projection="timeline") > 0
    assert "policy_timeline_live_subscribers 0.0" in text
