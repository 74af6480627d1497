"""A cursor pages only the list that made it: the same operation with the same parameters that
choose its rows (docs/api.md, "Paging"). Any other list, the same list with another agency or
another ``q``, or a cursor altered in any byte, is a 400 ``/problems/invalid-cursor``; an empty
``cursor=`` is the first page. The lists are the paged GET operations of the OpenAPI document."""

from __future__ import annotations

import base64
from collections import Counter
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from events.seed import SOURCE_ID

# The parameters that do not name the list: the page, and an export's format.
NOT_THE_LIST = {"limit", "cursor", "format"}
AS_OF = datetime(2030, 1, 1, tzinfo=UTC).isoformat()


@pytest.fixture
async def api(client, seeded_log):
    """The seed, and a second source: every list then has a second page."""
    stream_id = f"source-{SOURCE_ID}"
    data = {**seeded_log.data_of(stream_id), "source_id": f"{SOURCE_ID}-copy"}
    await seeded_log.append(f"{stream_id}-copy", "source.registered", data)
    return client


async def streams(api) -> list[str]:
    """Two streams of the seed with more than one event, the busiest first."""
    feed = (await api.get("/events", params={"limit": 1000})).json()["events"]
    counted = Counter(event["stream_id"] for event in feed).most_common(2)
    assert all(count > 1 for _, count in counted)
    return [stream_id for stream_id, _ in counted]


async def paged_operations(api) -> dict[str, dict]:
    """Every paged GET operation (``limit`` and ``cursor`` in), by path, with its parameters."""
    schema = (await api.get("/schema/openapi.json")).json()
    paged = {}
    for path, item in schema["paths"].items():
        parameters = {p["name"]: p for p in item.get("get", {}).get("parameters", [])}
        if {"limit", "cursor"} <= parameters.keys():
            paged[path] = parameters
    return paged


def filled(path: str, stream_id: str, agency_id: str = "mss", source_id: str = SOURCE_ID) -> str:
    return (
        path.replace("{agency_id}", agency_id).replace("{stream_id}", stream_id)
        .replace("{source_id}", source_id)
    )


def other_values(path: str, parameters: dict[str, dict], other_stream: str) -> list[tuple]:
    """Each way to name the same operation's list otherwise: (the path, its query)."""
    variants = [(filled(path, "", "pipc"), {})] if "{agency_id}" in path else []
    if "{stream_id}" in path:
        variants.append((filled(path, other_stream), {}))
    if "{source_id}" in path:
        variants.append((filled(path, other_stream, source_id=f"{SOURCE_ID}-copy"), {}))
    values = {
        "q": "ai", "as_of": AS_OF, "agency": "pipc", "speaker": "no-such-person",
        "meeting": "no-such-meeting", "from": "2025", "to": "2030", "direction": "backward",
    }
    for name, parameter in parameters.items():
        if name in NOT_THE_LIST or parameter["in"] != "query":
            continue
        schema = parameter.get("schema", {})
        enum = schema.get("enum") or schema.get("items", {}).get("enum")
        if name in values:
            variants.append((None, {name: values[name]}))
        elif enum:
            variants.append((None, {name: enum[-1]}))
    return variants


async def cursors_of_every_list(api) -> tuple[dict[str, str], dict[str, dict], list[str]]:
    """A ``next_cursor`` of every paged list, by its path with ids filled in."""
    busiest, other = await streams(api)
    operations = await paged_operations(api)
    cursors = {}
    for path in operations:
        concrete = filled(path, busiest)
        body = (await api.get(concrete, params={"limit": 1})).json()
        assert body["next_cursor"], f"{concrete} has one page: no cursor to try"
        cursors[concrete] = body["next_cursor"]
    return cursors, operations, [busiest, other]


def assert_invalid_cursor(response, what: str) -> None:
    assert response.status_code == 400, f"{what}: {response.status_code} {response.text[:300]}"
    assert response.json()["type"] == "/problems/invalid-cursor", what


async def test_the_paged_operations_are_every_list(api):
    operations = await paged_operations(api)
    assert len(operations) >= 11, sorted(operations)
    for path in ["/statements", "/meetings", "/people", "/agencies/{agency_id}/timeline",
                 "/events", "/streams/{stream_id}", "/sources/{source_id}/sentences"]:
        assert path in operations


async def test_a_cursor_of_one_list_is_a_400_on_every_other(api):
    cursors, _, _ = await cursors_of_every_list(api)
    pairs = 0
    for made_by, cursor in cursors.items():
        assert (await api.get(made_by, params={"cursor": cursor})).status_code == 200
        for other in cursors:
            if other != made_by:
                response = await api.get(other, params={"cursor": cursor})
                assert_invalid_cursor(response, f"a cursor of {made_by} on {other}")
                pairs += 1
    assert pairs == len(cursors) * (len(cursors) - 1)


async def test_a_cursor_is_a_400_on_its_list_with_other_parameters(api):
    cursors, operations, (busiest, other_stream) = await cursors_of_every_list(api)
    tried = Counter()
    for path, parameters in operations.items():
        made_by = filled(path, busiest)
        for other_path, query in other_values(path, parameters, other_stream):
            response = await api.get(
                other_path or made_by, params={**query, "cursor": cursors[made_by]}
            )
            if path == "/events":
                # The feed's order is the log's: a place in it is one for every type filter.
                assert response.status_code == 200, response.text
                continue
            assert_invalid_cursor(response, f"a cursor of {made_by} on {other_path} {query}")
            tried[path] += 1
    # Another agency's timeline and another q, at least, and as_of everywhere it is taken.
    assert tried["/agencies/{agency_id}/timeline"] >= 4
    assert tried["/statements"] >= 6
    assert tried["/streams/{stream_id}"] == 2
    assert tried["/sources/{source_id}/sentences"] == 2  # the other source, and as_of
    assert all(tried[path] for path in operations if path != "/events")


async def test_an_empty_cursor_is_the_first_page_of_every_list(api):
    cursors, _, _ = await cursors_of_every_list(api)
    for path in cursors:
        first = await api.get(path, params={"limit": 2})
        empty = await api.get(path, params={"limit": 2, "cursor": ""})
        assert empty.status_code == 200, f"{path}: {empty.text}"
        assert empty.json() == first.json(), path


def flipped(cursor: str, index: int, bit: int) -> str:
    raw = bytearray(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    raw[index % len(raw)] ^= 1 << bit
    return base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")


BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    which=st.integers(0, 100),
    index=st.integers(0, 200),
    bit=st.integers(0, 7),
    as_text=st.booleans(),
)
async def test_a_cursor_altered_in_any_byte_is_a_400(api, which, index, bit, as_text):
    cursors, _, _ = await cursors_of_every_list(api)
    path, cursor = sorted(cursors.items())[which % len(cursors)]
    if as_text:  # another character of the alphabet in one place: also its unused last bits
        place = index % len(cursor)
        other = BASE64URL[(BASE64URL.index(cursor[place]) + 1 + bit) % len(BASE64URL)]
        altered = cursor[:place] + other + cursor[place + 1:]
    else:
        altered = flipped(cursor, index, bit)
    assert altered != cursor
    assert_invalid_cursor(await api.get(path, params={"cursor": altered}), f"{path} {altered}")
