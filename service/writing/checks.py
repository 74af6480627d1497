"""The checks a fact must pass before it is appended: its stream, its references, its
evidence, and for a correction, the same checks of the fact it leaves. Pure functions over the
batch and what the log already holds (``known.KnownFacts``), so they are tested without a
database."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from typing import Any

import events
from service.store import ExpectedVersion
from service.writing.command import METADATA_KEY, SERVER_METADATA, ProposedEvent
from service.writing.known import Batch, KnownFacts, Target


class BadFact(Exception):
    """A fact that is well-formed JSON but not a valid event (HTTP 422)."""

    def __init__(self, detail: str, slug: str = "invalid-event", **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.slug = slug
        self.extra = extra


def decode_batch(batch: Sequence[ProposedEvent]) -> list[events.Event]:
    """Each proposed event as a fact of the vocabulary, or BadFact naming the event and field."""
    facts = []
    for index, event in enumerate(batch):
        try:
            facts.append(events.convert_event(event.type, event.data))
        except events.UnknownEventType:
            known = ", ".join(sorted(events.EVENT_TYPES))
            raise BadFact(
                f"events[{index}]: unknown event type {event.type!r}; known types: {known}",
                "unknown-event-type",
                event_index=index,
            ) from None
        except events.InvalidEvent as error:
            raise BadFact(f"events[{index}]: {error.message}", event_index=index) from None
    return facts


def check_client_metadata(batch: Sequence[ProposedEvent]) -> None:
    """Some metadata is the service's to write: a client may not claim who appended, under
    that key in any spelling (case, spaces, invisible or full-width characters) or nested
    anywhere. Top-level keys follow ``METADATA_KEY``; nested objects are the client's data."""
    for index, event in enumerate(batch):
        where = f"events[{index}].metadata"
        claimed = [key for key in _keys_within(event.metadata) if _server_owned(key)]
        if claimed:
            raise BadFact(
                f"{where}: {_shown(claimed)} reads as {', '.join(sorted(SERVER_METADATA))}, "
                "which the service sets",
                "server-metadata",
                event_index=index,
            )
        invalid = [key for key in event.metadata if not METADATA_KEY.fullmatch(key)]
        if invalid:
            raise BadFact(
                f"{where}: keys are a-z, 0-9 and _, starting with a letter, at most 63 "
                f"characters; not {_shown(invalid)}",
                "invalid-metadata",
                event_index=index,
            )


def _keys_within(value: Any) -> Iterator[str]:
    pending = [value]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            yield from node
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)


def _server_owned(key: str) -> bool:
    """``Appended_By``, ``appended_by `` or ``ａｐｐｅｎｄｅｄ＿ｂｙ`` read as ``appended_by``.
    (Letters of other scripts that look alike are not folded: at the top level the key rule
    refuses them, and nested they cannot be taken for the server's key.)"""
    folded = unicodedata.normalize("NFKC", key).casefold()
    folded = "".join(c for c in folded if not c.isspace() and unicodedata.category(c) != "Cf")
    return folded in SERVER_METADATA


def _shown(keys: Sequence[str]) -> str:
    return ", ".join(repr(key if len(key) <= 70 else key[:70] + "…") for key in sorted(keys)[:5])


def check_batch(stream_id: str, batch: Batch, known: KnownFacts) -> None:
    """Each event of the batch, in order, against the log as it stands before it: what is
    stored, then the batch's earlier events. Every event is checked as a fact
    (``check_fact``); a correction also as the fact it leaves, which must pass the same check."""
    for index, (_, fact) in enumerate(batch):
        if fact.TYPE in events.CREATING_TYPES and index > 0:
            raise BadFact(
                f"events[{index}]: {fact.TYPE} creates {stream_id!r} and must be its first event",
                "wrong-stream",
                event_index=index,
            )
    log = known.copy()
    for index, (event_id, fact) in enumerate(batch):
        target = _target_of(stream_id, fact, log, index) if isinstance(fact, events.FactCorrected | events.FactRetracted) else None
        check_fact(stream_id, fact, log, f"events[{index}]", index)
        corrected = None
        if isinstance(fact, events.FactCorrected) and target is not None:
            corrected = _corrected(target, fact, index)
            try:
                check_fact(stream_id, corrected, log, f"events[{index}].changes", index)
            except BadFact as refusal:
                raise BadFact(refusal.detail + AS_CORRECTED, refusal.slug, **refusal.extra) from None
        log.record(event_id, stream_id, fact, corrected)


AS_CORRECTED = " (the changes applied to the fact as already corrected)"


def check_fact(stream_id: str, fact: events.Event, log: KnownFacts, where: str, index: int) -> None:
    """Whether ``fact`` may stand in ``stream_id`` of the log as it is: the one check of a fact,
    whoever writes it (a new fact, or the fact a correction leaves). The vocabulary's own rules
    (types, dates, verbatim text) were applied when the fact was decoded; this adds what needs
    the log: its stream, the entity it continues, its references and its evidence."""
    belongs_to = fact.stream_id()
    if belongs_to is not None and belongs_to != stream_id:
        raise BadFact(
            f"{where}: a {fact.TYPE} for this entity belongs to stream "
            f"{belongs_to!r}, not {stream_id!r}",
            "wrong-stream",
            event_index=index,
            expected_stream_id=belongs_to,
        )
    if belongs_to is not None and fact.TYPE not in events.CREATING_TYPES:
        _check_entity_continues(fact, log, where, index)
    for ref in fact.references():
        if ref.kind != "event" and ref.stream_id not in log.openings:
            raise BadFact(
                f"{where}: unknown {ref.kind} {ref.id!r}: register it first "
                f"(stream {ref.stream_id!r})",
                "unknown-reference",
                event_index=index,
                missing={"kind": ref.kind, "id": ref.id},
            )
    for number, evidence in enumerate(getattr(fact, "evidence", ())):
        text = log.source_texts.get(evidence.source_id)
        if text is None:
            raise BadFact(
                f"{where}.evidence[{number}]: unknown source {evidence.source_id!r}",
                "unknown-reference",
                event_index=index,
                missing={"kind": "source", "id": evidence.source_id},
            )
        if not events.quote_in_text(evidence.quote, text):
            raise BadFact(
                f"{where}.evidence[{number}]: the quote is not in source "
                f"{evidence.source_id!r} exactly as given: {evidence.quote!r}. "
                f"POST /sources/{evidence.source_id}/locate with {{\"quote\": ...}} finds "
                "the nearest passage and says what differs (curly or straight quotation "
                "marks, middle dots, spaces, words)",
                "quote-not-in-source",
                event_index=index,
                source_id=evidence.source_id,
                quote=evidence.quote,
            )
        check_quote_located(evidence, text, f"{where}.evidence[{number}]", index)


def _check_entity_continues(fact: events.Event, log: KnownFacts, where: str, index: int) -> None:
    """A fact that continues an entity's stream (a status change of an initiative) needs the
    entity registered, and not retracted."""
    stream = fact.stream_id()
    assert fact.KEY is not None and stream is not None  # a fact of an entity's stream
    entity_id = getattr(fact, fact.KEY)
    opening = log.openings.get(stream)
    if opening is None:
        raise BadFact(
            f"{where}: unknown {fact.STREAM} {entity_id!r}: register it first "
            f"(stream {fact.stream_id()!r})",
            "unknown-reference",
            event_index=index,
            missing={"kind": fact.STREAM, "id": entity_id},
        )
    retraction = log.retractions.get(opening)
    if retraction is not None:
        raise BadFact(
            f"{where}: {fact.STREAM} {entity_id!r} is retracted (event {opening} by event "
            f"{retraction}); a retracted fact takes no more events",
            "target-retracted",
            event_index=index,
            target=str(opening),
            retracted_by=str(retraction),
        )


def _target_of(
    stream_id: str, amendment: events.FactCorrected | events.FactRetracted, log: KnownFacts, index: int
) -> Target:
    """The fact a correction or retraction amends: stored or earlier in the batch, in this
    stream, a fact, and not retracted."""
    target = log.targets.get(amendment.target)
    if target is None:
        raise BadFact(
            f"events[{index}]: unknown target event {amendment.target}",
            "unknown-reference",
            event_index=index,
            missing={"kind": "event", "id": str(amendment.target)},
        )
    if target.stream_id != stream_id:
        raise BadFact(
            f"events[{index}]: a {amendment.TYPE} goes into its target's stream "
            f"{target.stream_id!r}, not {stream_id!r}",
            "wrong-stream",
            event_index=index,
            expected_stream_id=target.stream_id,
        )
    if target.fact is None:
        raise BadFact(
            f"events[{index}]: only facts can be amended, not a {target.type}",
            "invalid-event",
            event_index=index,
        )
    retraction = log.retractions.get(amendment.target)
    if retraction is not None:
        raise BadFact(
            f"events[{index}]: event {amendment.target} is retracted (by event {retraction}); "
            "a retracted fact is not amended again",
            "target-retracted",
            event_index=index,
            target=str(amendment.target),
            retracted_by=str(retraction),
        )
    return target


def _corrected(target: Target, correction: events.FactCorrected, index: int) -> events.Event:
    """The target fact with the correction's changes applied, decoded like a new fact of its
    type (every rule of the vocabulary), or BadFact."""
    assert target.fact is not None  # _target_of refuses a target that is no fact
    try:
        return events.apply_changes(target.fact, correction.changes)
    except events.InvalidEvent as error:
        raise BadFact(f"events[{index}].changes: {error.message}{AS_CORRECTED}", event_index=index) from None


def check_quote_located(evidence: events.Evidence, text: str, where: str, index: int) -> None:
    """A quote found in the text must be found once: where it occurs more than once, its
    prefix and suffix must single out one occurrence; given, they must match one."""
    spans = events.occurrences(evidence.quote, text)
    chosen = [s for s in spans if events.in_context(text, s, evidence.prefix, evidence.suffix)]
    if len(chosen) == 1:
        return
    if not chosen:
        raise BadFact(
            f"{where}: the prefix or suffix does not match the text around any of the "
            f"{len(spans)} occurrences of the quote in source {evidence.source_id!r}",
            "quote-context-mismatch",
            event_index=index,
            source_id=evidence.source_id,
            occurrences=[{"start": start, "end": end} for start, end in spans],
        )
    raise BadFact(
        f"{where}: the quote occurs {len(chosen)} times in source {evidence.source_id!r}"
        f"{' with this prefix and suffix' if evidence.prefix or evidence.suffix else ''}; "
        "give a prefix or suffix (the text right before or after it) that singles one out",
        "ambiguous-quote",
        event_index=index,
        source_id=evidence.source_id,
        occurrences=[{"start": start, "end": end} for start, end in chosen],
    )


def creation_rule(
    stream_id: str, facts: Sequence[events.Event], expected: ExpectedVersion
) -> ExpectedVersion:
    """A batch that creates an entity must start a new stream: it is appended at version 0,
    so a second registration of the same id is a 409 while a retry is still answered."""
    if facts[0].TYPE not in events.CREATING_TYPES:
        return expected
    if expected not in ("any", "no_stream", 0):
        raise BadFact(
            f"events[0]: {facts[0].TYPE} creates {stream_id!r}, so expected_version must be "
            f"'no_stream', 0 or 'any', not {expected!r}",
            "wrong-stream",
            event_index=0,
        )
    return 0
