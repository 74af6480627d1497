"""The live feed's hub: a subscriber too slow for the shared stream still gets every event once,
and a lost event fails the test within a deadline instead of hanging it."""

from __future__ import annotations

import uuid

import msgspec

from service.live import LiveFeed
from service.store import START, NewEvent
from tests.deadlines import until, within


async def test_a_subscriber_whose_queue_overflows_reads_its_catch_up_and_loses_nothing(
    store, database_url
):
    hub = LiveFeed(
        store, database_url, notify_channel="policy_timeline_events", poll_interval=0.2,
        max_subscribers=10, queue_batches=1, batch_size=2,
    )
    await hub.start()
    try:
        slow = hub.subscribe()
        appended = []
        for n in range(7):
            batch = [NewEvent(id=uuid.uuid4(), type="t", data=msgspec.json.encode({"n": n}))]
            await store.append(f"s-{n % 2}", batch, "any")
            appended.append(batch[0].id)
        last = (await store.get_event(appended[-1])).cursor
        # Until the hub has read them all (into batches of 2), while the subscriber reads none.
        await until(lambda: hub.position is not None and hub.position >= last, "the hub reading every appended event")
        received = []
        async with slow:
            pages = slow.pages(idle_seconds=5)
            async with within(f"the subscriber receiving all {len(appended)} events"):
                while len(received) < len(appended):
                    received += [event.event_id for event in await anext(pages)]
        assert received == appended
        assert hub.overflows > 0
        assert hub.subscribers == 0
    finally:
        await hub.stop()


async def test_a_subscriber_from_the_start_reads_a_backlog_of_many_pages_in_order(
    store, database_url
):
    appended = []
    for n in range(7):
        batch = [NewEvent(id=uuid.uuid4(), type="t", data=msgspec.json.encode({"n": n}))]
        await store.append(f"s-{n % 2}", batch, "any")
        appended.append(batch[0].id)
    # Pages of 2: the catch-up from the start of the log must read four of them.
    hub = LiveFeed(
        store, database_url, notify_channel="policy_timeline_events", poll_interval=0.2,
        max_subscribers=10, queue_batches=10, batch_size=2,
    )
    last = (await store.get_event(appended[-1])).cursor
    await hub.start()
    try:
        await until(
            lambda: hub.position is not None and hub.position >= last,
            "the hub starting after every appended event",
        )
        received = []
        async with hub.subscribe(START) as subscription:
            pages = subscription.pages(idle_seconds=5)
            async with within(f"the subscriber receiving all {len(appended)} events"):
                while len(received) < len(appended):
                    received += [event.event_id for event in await anext(pages)]
        assert received == appended
    finally:
        await hub.stop()
