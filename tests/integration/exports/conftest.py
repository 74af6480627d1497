"""The seeded article (``tests/integration/read_models``' fixtures) served by the app."""

from __future__ import annotations

import pytest

from tests.integration.read_models.conftest import seeded_log  # noqa: F401

ROUNDTABLE = "meeting-pipc-ai-startup-roundtable"
REVIEW_MEETING = "meeting-mss-workforce-policy-review"


@pytest.fixture
async def api(client, seeded_log):  # noqa: F811
    return client


async def timeline_json(api, agency_id: str, **params) -> list[dict]:
    response = await api.get(f"/agencies/{agency_id}/timeline", params={"limit": 1000, **params})
    assert response.status_code == 200, response.text
    return response.json()["entries"]
