"""The benchmark's log shapes (bench/replay): both generators give logs the checker accepts, the
text log is what issue 19 asks for (the seed's long Korean statements, ~5% corrections of them),
and each shape's latency statements are sure to reach a timeline (they name a meeting)."""

from __future__ import annotations

from collections import Counter

import msgspec
import pytest

from bench.replay.checker import Checker
from bench.replay.text import SHAPES, TextWorld, make_world
from events.seed import load_seed

SEED_TEXTS = {msgspec.json.decode(e.data)["text"] for e in load_seed() if e.type == "statement.made"}


@pytest.mark.parametrize("shape", SHAPES)
def test_every_chunk_passes_the_checker(shape: str) -> None:
    world = make_world(shape, 6000, 7)
    checker = Checker(world.salt)
    for _ in range(3):
        first = world.seq
        rows = world.rows(2000)
        checker.check(rows, world.last_targets, first)
    assert checker.checked == 6000
    assert len(checker.event_ids) == 6000  # every event id distinct


def test_the_text_log_clones_the_seed_statements_with_some_corrections() -> None:
    world = TextWorld(20_000, 11)
    rows = world.rows(20_000)
    types = Counter(row[3] for row in rows)
    assert types["statement.made"] + types["fact.corrected"] > 19_900
    assert 0.04 < types["fact.corrected"] / len(rows) < 0.06
    texts = [msgspec.json.decode(row[5])["text"] for row in rows if row[3] == "statement.made"]
    assert set(texts) == SEED_TEXTS
    assert sum(map(len, texts)) / len(texts) > 60  # long Korean texts, not the world's few words
    ids = [msgspec.json.decode(row[5])["statement_id"] for row in rows if row[3] == "statement.made"]
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("shape", SHAPES)
def test_latency_statements_name_a_meeting_and_new_streams(shape: str) -> None:
    world = make_world(shape, 3000, 5)
    streams = {row[1] for row in world.rows(3000)}
    for _ in range(50):
        stream_id, type_, data, _ = world.statement(on_timeline=True)
        assert type_ == "statement.made"
        assert msgspec.json.decode(data)["meeting"]
        assert stream_id not in streams
        streams.add(stream_id)
