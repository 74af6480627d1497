"""The checks a fact must pass before it is appended: its stream, its references, its
evidence, and for a correction, the fact it leaves. Pure functions over the batch and what the
log already holds (``known.KnownFacts``), so they are tested without a database."""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import events
from service.store import ExpectedVersion
from service.writing.command import METADATA_KEY, SERVER_METADATA, ProposedEvent
from service.writing.known import KnownFacts


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


def check_stream_membership(stream_id: str, facts: Sequence[events.Event]) -> None:
    for index, fact in enumerate(facts):
        belongs_to = fact.stream_id()
        if belongs_to is not None and belongs_to != stream_id:
            raise BadFact(
                f"events[{index}]: a {fact.TYPE} for this entity belongs to stream "
                f"{belongs_to!r}, not {stream_id!r}",
                "wrong-stream",
                event_index=index,
                expected_stream_id=belongs_to,
            )
        if fact.TYPE in events.CREATING_TYPES and index > 0:
            raise BadFact(
                f"events[{index}]: {fact.TYPE} creates {stream_id!r} and must be its first event",
                "wrong-stream",
                event_index=index,
            )


def check_references(facts: Sequence[events.Event], known: KnownFacts) -> None:
    """Every id a fact points at must be registered (before, or earlier in this batch)."""
    created: set[str] = set()
    for index, fact in enumerate(facts):
        for ref in fact.references():
            if ref.kind == "event":
                continue
            if ref.stream_id not in known.streams and ref.stream_id not in created:
                raise BadFact(
                    f"events[{index}]: unknown {ref.kind} {ref.id!r}: register it first "
                    f"(stream {ref.stream_id!r})",
                    "unknown-reference",
                    event_index=index,
                    missing={"kind": ref.kind, "id": ref.id},
                )
        if fact.TYPE in events.CREATING_TYPES:
            created.add(fact.stream_id())


def check_amendments(stream_id: str, facts: Sequence[events.Event], known: KnownFacts) -> None:
    """A correction or retraction goes into its target's stream and amends a fact that is not
    retracted; a correction must leave a valid fact of the target's type, applied on top of
    the corrections before it (stored, or earlier in this batch), as the read models apply it."""
    targets = {event_id: dataclasses.replace(target) for event_id, target in known.targets.items()}
    for index, fact in enumerate(facts):
        if fact.TYPE not in events.AMENDING_TYPES:
            continue
        target = targets.get(fact.target)
        if target is None:
            raise BadFact(
                f"events[{index}]: unknown target event {fact.target}",
                "unknown-reference",
                event_index=index,
                missing={"kind": "event", "id": str(fact.target)},
            )
        if target.stream_id != stream_id:
            raise BadFact(
                f"events[{index}]: a {fact.TYPE} goes into its target's stream "
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
        if target.retracted:
            raise BadFact(
                f"events[{index}]: event {fact.target} is retracted; a retracted fact "
                "is not amended again",
                "target-retracted",
                event_index=index,
            )
        if fact.TYPE == "fact.retracted":
            target.retracted = True
            continue
        try:
            target.fact = events.apply_changes(target.fact, fact.changes)
        except events.InvalidEvent as error:
            raise BadFact(
                f"events[{index}]: {error.message} (applied to the fact as already corrected)",
                event_index=index,
            ) from None


def check_evidence(facts: Sequence[events.Event], known: KnownFacts) -> None:
    """Each quote must be an exact substring of its source's registered text."""
    texts: dict[str, str] = dict(known.source_texts)
    for fact in facts:
        if fact.TYPE == "source.registered":
            texts[fact.source_id] = fact.text
    for index, fact in enumerate(facts):
        for number, evidence in enumerate(getattr(fact, "evidence", ())):
            text = texts.get(evidence.source_id)
            if text is None:
                raise BadFact(
                    f"events[{index}].evidence[{number}]: unknown source {evidence.source_id!r}",
                    "unknown-reference",
                    event_index=index,
                    missing={"kind": "source", "id": evidence.source_id},
                )
            if not events.quote_in_text(evidence.quote, text):
                raise BadFact(
                    f"events[{index}].evidence[{number}]: the quote is not in source "
                    f"{evidence.source_id!r} exactly as given: {evidence.quote!r}. "
                    f"POST /sources/{evidence.source_id}/locate with {{\"quote\": ...}} finds "
                    "the nearest passage and says what differs (curly or straight quotation "
                    "marks, middle dots, spaces, words)",
                    "quote-not-in-source",
                    event_index=index,
                    source_id=evidence.source_id,
                    quote=evidence.quote,
                )
            check_quote_located(evidence, text, f"events[{index}].evidence[{number}]", index)


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


def stored_metadata(metadata: Mapping[str, Any], appended_by: str) -> dict[str, Any]:
    return {**metadata, "appended_by": appended_by}
