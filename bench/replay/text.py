"""The text-heavy log shape: statements cloned from the seed article, ~5% corrections of them.

Beside the world log (``world.py``), whose statements are short and made of a few words, this
shape is what a desk that tracks articles like the seed writes: ``statement.made`` events with
the seed article's long Korean texts (``events/seed/article.ko.jsonl``: each statement's
``text``, ``text_en``, speaker, meeting, topics and evidence quotes of the article), and about
5% ``fact.corrected`` of earlier clones, with the changes the seed's own corrections make to
the same statement (else a new ``occurred``).

The log starts with the seed's registrations (the article as a source, its agencies,
organizations, people, initiatives and meetings), re-identified with this log's event ids;
then clone after clone. A clone keeps everything of its seed statement but its id (numbered)
and its date (spread over the same ten years as the world log, so that the timeline pages have
periods to ask for). Every reference is registered by the prologue, every quote is a quote of
the article: the same discipline as the world log (``checker.py``, ``verify.py``).

Same interface as ``World`` for ``build.py``, ``checker.py``, ``verify.py`` and
``latency.py``: ``rows(count)``, ``last_targets``, ``salt``, ``seq``, ``counts``,
``statement(on_timeline=...)``.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import defaultdict
from typing import Any

import msgspec

import events
from bench.replay.world import EPOCH, SPAN_DAYS, Row, Target, event_uuid, log_row
from events.seed import load_seed

CORRECTION_SHARE = 0.05
TARGET_POOL = 20_000

_encode = msgspec.json.Encoder().encode


def _canonical(type_: str, data: dict[str, Any]) -> bytes:
    """The vocabulary's canonical encoding, what the Appender stores (and the checker asks)."""
    return events.encode_event_data(events.decode_event(type_, _encode(data)))


class TextWorld:
    """Generates the text-heavy log chunk by chunk, like ``World``."""

    shape = "text"

    def __init__(self, total: int, seed: int) -> None:
        self.total = max(total, 1)
        self.rng = random.Random(seed)
        self.salt = self.rng.getrandbits(128)
        self.seq = 0
        self.versions: dict[str, int] = {}
        self.counts: dict[str, int] = defaultdict(int)
        self.last_targets: dict[int, Target] = {}
        self.targets_pool: list[Target] = []
        self.statement_count = 0
        seed_events = load_seed()
        by_id = {e.id: e for e in seed_events}
        self.prologue: list[tuple[str, str, bytes]] = [
            (e.stream_id, e.type, e.data) for e in seed_events
            if e.type not in ("statement.made", "fact.corrected", "fact.retracted")
        ]
        self.statements: list[dict[str, Any]] = [
            msgspec.json.decode(e.data) for e in seed_events if e.type == "statement.made"
        ]
        self.with_meeting = [s for s in self.statements if s.get("meeting")]
        # The seed's own corrections of each statement: changes, reason and evidence to reuse.
        self.corrections: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for e in seed_events:
            if e.type == "fact.corrected":
                data = msgspec.json.decode(e.data)
                target = by_id.get(uuid.UUID(data["target"]))
                if target is not None and target.type == "statement.made":
                    statement_id = msgspec.json.decode(target.data)["statement_id"]
                    self.corrections[statement_id].append(data)
        self.source_evidence = next(
            msgspec.json.decode(e.data)["evidence"] for e in seed_events
            if e.type == "fact.corrected"
        )

    # -- the log, chunk by chunk --------------------------------------------------------------

    def rows(self, count: int) -> list[Row]:
        rows: list[Row] = []
        self.last_targets = {}
        for _ in range(count):
            target = None
            if self.seq < len(self.prologue):
                stream_id, type_, data = self.prologue[self.seq]
                data = _canonical(type_, msgspec.json.decode(data))
            elif self.targets_pool and self.rng.random() < CORRECTION_SHARE:
                stream_id, type_, data, target = self._fact_corrected()
            else:
                stream_id, type_, data, _ = self.statement()
            seq = self.seq
            self.seq += 1
            rows.append(
                log_row(self.salt, seq, self.versions, stream_id, type_, data, b"bench-replay-text")
            )
            self.counts[type_] += 1
            if target is not None:
                self.last_targets[seq] = target
            if type_ == "statement.made":
                self._remember(Target(seq, stream_id, type_, data))
        return rows

    # -- statements -----------------------------------------------------------------------------

    def _occurred(self, like: dict[str, Any] | None) -> dict[str, Any]:
        """A date spread over the world's ten years, roughly in log order, shaped like the
        seed statement's (month or day, approximate, original words)."""
        progress = min(self.seq / self.total, 1.0)
        day = dt.date.fromordinal(EPOCH + int(progress * SPAN_DAYS) - self.rng.randint(0, 120))
        like = like or {"date": "2025-03-24", "approximate": False, "original": None}
        date = day.isoformat()[: len(like["date"])]
        return {"date": date, "approximate": like["approximate"], "original": like["original"]}

    def statement(self, *, on_timeline: bool = False) -> tuple[str, str, bytes, None]:
        """A clone of one of the seed's statements; ``on_timeline``: one at a meeting (sure to
        have a timeline entry, the meeting's organiser's)."""
        pool = self.with_meeting if on_timeline else self.statements
        original = pool[self.rng.randrange(len(pool))]
        self.statement_count += 1
        statement_id = f"{original['statement_id'][:48]}-{self.statement_count}"
        data = dict(original)
        data["statement_id"] = statement_id
        data["occurred"] = self._occurred(original.get("occurred"))
        return (f"statement-{statement_id}", "statement.made",
                _canonical("statement.made", data), None)

    # -- corrections ----------------------------------------------------------------------------

    def _remember(self, target: Target) -> None:
        """Reservoir sampling of earlier clones, for corrections to aim at."""
        if len(self.targets_pool) < TARGET_POOL:
            self.targets_pool.append(target)
        else:
            slot = self.rng.randrange(self.statement_count)
            if slot < TARGET_POOL:
                self.targets_pool[slot] = target

    def _fact_corrected(self) -> tuple[str, str, bytes, Target]:
        target = self.targets_pool[self.rng.randrange(len(self.targets_pool))]
        statement_id = msgspec.json.decode(target.data)["statement_id"]
        original_id = statement_id.rsplit("-", 1)[0]
        seed_corrections = [c for key, cs in self.corrections.items()
                            if key[:48] == original_id for c in cs]
        if seed_corrections and self.rng.random() < 0.7:
            seed = self.rng.choice(seed_corrections)
            changes, reason, evidence = seed["changes"], seed["reason"], seed["evidence"]
        else:
            previous = msgspec.json.decode(target.data).get("occurred")
            changes = {"occurred": dict(sorted(self._occurred(previous).items()))}
            reason = "후속 보도에서 날짜가 바로잡혔다."
            evidence = self.source_evidence
        data = {
            "target": str(event_uuid(self.salt, target.seq)),
            "changes": changes,
            "reason": reason,
            "evidence": evidence,
        }
        return target.stream_id, "fact.corrected", _canonical("fact.corrected", data), target


SHAPES = ("world", "text")


def make_world(shape: str, total: int, seed: int) -> Any:
    """The generator of a log shape: ``World`` (``world.py``) or ``TextWorld``."""
    if shape == "text":
        return TextWorld(total, seed)
    from bench.replay.world import World

    return World(total, seed)
