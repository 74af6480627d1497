"""The desk's facts: draft a new one from a source's passage, correct one, retract one. Each
is checked first (a dry run of the very append, nothing stored), then appended by the editor
through the API's own command and checks (``service/writing``)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from typing import Annotated, Any

import asyncpg
import msgspec
from litestar import Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException, ValidationException
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

import events
from service.desk.dates import DateProposal, propose_date
from service.desk.sentences import split
from service.http.desk_session import editor_of, shows_own_write
from service.http.read_params import is_entity_id
from service.http.tokens import Caller
from service.queries.choices import entity_choices
from service.queries.facts import FactNow, fact_now
from service.queries.sources import get_source, source_page
from service.store import EventIdConflict, InvalidAppend, WrongExpectedVersion
from service.web import forms
from service.writing import Appender
from service.writing.checks import BadFact
from service.writing.command import AppendCommand, ProposedEvent

MAX_SOURCES_LISTED = 200


class Outcome(msgspec.Struct):
    """What the write path said of one event: problems as (field name or "", text)."""

    problems: list[tuple[str, str]]
    missing: list[dict[str, Any]] = []
    position: int | None = None
    """Where the event was stored (not in a dry run): the next page waits for it."""


async def append_fact(
    appender: Appender, editor: Caller, stream_id: str, type_: str, data: dict[str, Any], dry_run: bool
) -> Outcome:
    """One event through the API's own command and checks (``dry_run``: nothing stored)."""
    event = ProposedEvent(id=uuid.uuid4(), type=type_, data=data)
    command = AppendCommand(
        stream_id=stream_id, expected_version="any", events=[event], appended_by=editor.name
    )
    try:
        result = await appender.append(command, dry_run=dry_run)
    except BadFact as refusal:
        missing = refusal.extra.get("missing")
        return Outcome(problems=[("", refusal.detail)], missing=[missing] if missing else [])
    except (WrongExpectedVersion, EventIdConflict, InvalidAppend) as refusal:
        return Outcome(problems=[("", str(refusal))])
    return Outcome(problems=[], position=None if dry_run else result.positions[-1])


MinPosition = Annotated[int | None, QueryParameter(name="min_position", ge=1, le=2**63 - 1)]
"""The position of the editor's own write, which the page waits for (``shows_own_write``)."""


def _submitted(form: FormMultiDict) -> dict[str, list[str]]:
    return {name: [str(v) for v in form.getall(name)] for name in form.keys()}  # noqa: SIM118 (a multidict)


async def _fact(pool: asyncpg.Pool, event_id: uuid.UUID) -> FactNow:
    async with pool.acquire() as connection:
        fact = await fact_now(connection, event_id)
    if fact is None:
        raise NotFoundException(f"no fact with the event id {event_id}")
    return fact


async def _choices(pool: asyncpg.Pool, form: forms.FactForm) -> dict[str, list[tuple[str, str]]]:
    async with pool.acquire() as connection:
        return await entity_choices(connection, [*forms.reference_kinds(form), "source"])


_EVENT_PATH = re.compile(r"^events\[\d+\][^:\s]*: ")
_JSON_PATH = re.compile(r" - at `\$[^`]*`")
_MISSING = re.compile(r"^Object missing required field `[^`]+`$")


def plain(text: str) -> str:
    """A problem in the words the desk shows beside its field: without the API's paths into
    the JSON (``events[0].evidence[1]: ``, `` - at `$.speaker` ``), which the field says."""
    text = _JSON_PATH.sub("", _EVENT_PATH.sub("", text)).strip()
    if _MISSING.match(text):
        return "필수 항목입니다 · required"
    return text


def _at_fields(
    problems: list[tuple[str, str]], prefix: str = "", changes_prefix: str | None = None
) -> dict[str, str]:
    """Problems by the form field they name ("" for the fact as a whole), in plain words."""
    placed: dict[str, str] = {}
    for _, text in problems:
        name = forms.error_field(text, prefix, changes_prefix=changes_prefix) or ""
        placed[name] = f"{placed[name]} {plain(text)}" if name in placed else plain(text)
    return placed


class Problem(msgspec.Struct):
    """A problem at the top of a page: the field's words and a link to it, where it names one."""

    text: str
    label: str = ""
    anchor: str = ""


def _summary(
    problems: list[tuple[str, str]], shown: Sequence[forms.FactForm], prefix: str = "",
    changes_prefix: str | None = None,
) -> list[Problem]:
    """The problems listed above a form: each by its field's label (linked to the field) and
    in plain words, or as the write side said it where it names no field of ``shown``."""
    listed = []
    shown = sorted(shown, key=lambda form: -len(form.prefix))  # "correction." before ""
    for _, text in problems:
        name = forms.error_field(text, prefix, changes_prefix=changes_prefix) or ""
        owner = next((f for f in shown if name and name.startswith(f.prefix)), None)
        field = owner.field_at(name[len(owner.prefix):]) if owner is not None else None
        if field is None:
            listed.append(Problem(text=plain(text)))
            continue
        ko, en = field.label
        # A list's row has no element of its own: the link goes to its list.
        anchor = "field-" + re.sub(r"\.\d+$", "", name)
        listed.append(Problem(text=plain(text), label=ko if ko == en else f"{ko} · {en}", anchor=anchor))
    return listed


# --- the fact as it stands ---------------------------------------------------------------------

@get("/facts/{event_id:uuid}")
async def fact_page(
    request: Request[Any, Any, Any], event_id: FromPath[uuid.UUID], pool: NamedDependency[asyncpg.Pool],
    min_position: MinPosition = None,
) -> Template:
    """A fact as it stands now, with what an editor can do to it (after the editor's
    correction or retraction, once the read models have it)."""
    editor = await editor_of(request, pool)
    recorded = await shows_own_write(request, pool, min_position)
    fact = await _fact(pool, event_id)
    return Template(
        "desk/fact.html", context={"editor": editor, "fact": fact, "recorded": recorded}
    )


# --- drafting a new fact ----------------------------------------------------------------------

class Selection(msgspec.Struct):
    source_id: str
    start: int
    end: int
    passage: str
    sentence: str
    evidence: dict[str, Any]
    proposal: DateProposal | None


async def _selection(pool: asyncpg.Pool, source_id: str, start: int, end: int) -> Selection:
    if not is_entity_id(source_id):
        raise NotFoundException(source_id)
    async with pool.acquire() as connection:
        source = await get_source(connection, source_id)
    if source is None:
        raise NotFoundException(source_id)
    try:
        evidence = forms.evidence_from_selection(source.text, start, end, source_id)
    except ValueError as error:
        raise NotFoundException(f"{source_id} [{start}:{end}]: {error}") from None
    sentence = next(
        (s.text for s in split(source.text) if s.start <= start < s.end), source.text[start:end]
    )
    # The date is read from the sentence's words: a passage may leave them out.
    proposal = propose_date(sentence, source.published)
    return Selection(
        source_id=source_id, start=start, end=end, passage=source.text[start:end],
        sentence=sentence, evidence=evidence, proposal=proposal,
    )


def _offset(value: object) -> int:
    """A selection's offset as the form posts it; anything else is a 400, not a 500."""
    text = str(value or "")
    if not (text.isascii() and text.isdigit() and len(text) < 10):
        raise ValidationException(f"a selection's offsets are whole numbers, not {text!r}")
    return int(text)


@get("/draft")
async def draft_form(
    request: Request[Any, Any, Any],
    pool: NamedDependency[asyncpg.Pool],
    source: FromQuery[str],
    start: FromQuery[int],
    end: FromQuery[int],
    type_: Annotated[str | None, QueryParameter(name="type")] = None,
) -> Template:
    """The fact types to draft from a passage; with ``type``, its form, the evidence filled
    from the passage and a date proposed from the sentence's words."""
    editor = await editor_of(request, pool)
    selection = await _selection(pool, source, start, end)
    if type_ is None or type_ not in forms.menu():
        return Template(
            "desk/draft_menu.html",
            context={"editor": editor, "selection": selection, "menu": forms.menu(),
                     "type_label": forms.type_label},
        )
    form = forms.form_for(type_)
    values: dict[str, Any] = {"evidence": [selection.evidence]}
    if form.find("occurred") is not None and selection.proposal is not None:
        values["occurred"] = msgspec.to_builtins(selection.proposal.occurred)
    return await _draft_page(pool, editor, selection, form, values, problems=[])


@post("/draft", status_code=303)
async def draft(
    request: Request[Any, Any, Any],
    pool: NamedDependency[asyncpg.Pool],
    appender: NamedDependency[Appender],
) -> Redirect | Template:
    """Check (``action=check``) or append (``action=append``) a drafted fact, after the people
    and organizations registered on the way."""
    editor = await editor_of(request, pool)
    form_data = await request.form()
    submitted = _submitted(form_data)
    type_ = str(form_data.get("type") or "")
    if type_ not in forms.menu():
        raise NotFoundException(f"no fact type {type_!r} to draft")
    selection = await _selection(
        pool, str(form_data.get("source") or ""), _offset(form_data.get("start")),
        _offset(form_data.get("end")),
    )
    form = forms.form_for(type_)
    typed = forms.event_data(form, submitted)
    data = forms.with_proposed_key(type_, typed)
    registrations = forms.registrations(form, submitted)
    dry_run = form_data.get("action") != "append"
    problems: list[tuple[str, str]] = []
    for new_type, new_data in registrations:
        new_stream = forms.stream_for(new_type, new_data) or ""
        outcome = await append_fact(appender, editor, new_stream, new_type, new_data, True)
        problems += outcome.problems
    stream = forms.stream_for(type_, data) or ""
    outcome = await append_fact(appender, editor, stream, type_, data, True)
    on_the_way = {str(d.get(events.EVENT_TYPES[t].KEY or "")) for t, d in registrations}
    # A reference to someone registered on the way is unknown until they are: not a problem.
    if not (outcome.missing and all(m.get("id") in on_the_way for m in outcome.missing)):
        problems += outcome.problems
    if problems or dry_run:
        # The fact's own id, left empty, is proposed again at each check until one passes
        # (from the speaker or names typed by then), and kept once shown with the preview.
        return await _draft_page(
            pool, editor, selection, form, typed if problems else data, problems=problems,
            checked=not problems, registrations=registrations, status=422 if problems else 200,
        )
    for new_type, new_data in registrations:
        new_stream = forms.stream_for(new_type, new_data) or ""
        outcome = await append_fact(appender, editor, new_stream, new_type, new_data, False)
        if outcome.problems:
            return await _draft_page(pool, editor, selection, form, data, problems=outcome.problems,
                                     registrations=registrations, status=422)
    # Each registration is in its own stream, the fact in its own (never the last one's).
    outcome = await append_fact(appender, editor, stream, type_, data, False)
    if outcome.problems:
        return await _draft_page(pool, editor, selection, form, data, problems=outcome.problems,
                                 status=422)
    return Redirect(
        f"/desk/sources/{selection.source_id}?min_position={outcome.position}", status_code=303
    )


async def _draft_page(
    pool: asyncpg.Pool, editor: Caller, selection: Selection, form: forms.FactForm, values: dict[str, Any],
    *, problems: list[tuple[str, str]], checked: bool = False,
    registrations: Sequence[tuple[str, dict[str, Any]]] = (), status: int = 200,
) -> Template:
    new_form = forms.on_the_way_form(form)
    return Template(
        "desk/draft.html",
        context={
            "editor": editor, "selection": selection, "form": form, "values": values,
            "errors": _at_fields(problems), "problems": _summary(problems, [form, new_form]),
            "checked": checked,
            "entities": await _choices(pool, form), "new_form": new_form,
            "new_values": _new_values(registrations), "preview": values if checked else None,
            "type_label": forms.type_label,
        },
        status_code=status,
    )


def _new_values(
    registrations: Sequence[tuple[str, dict[str, Any]]]
) -> dict[str, list[dict[str, Any]]]:
    """The registrations on the way as the form shows them again after a check: what was
    typed, with the ids proposed for those left empty (``new.person.0.person_id``), so the
    editor sees the id to name in the fact."""
    found: dict[str, list[dict[str, Any]]] = {}
    for new_type, data in registrations:
        found.setdefault(new_type.split(".", 1)[0], []).append(data)
    return found


# --- correcting and retracting ----------------------------------------------------------------

@get("/facts/{event_id:uuid}/correct")
async def correct_form(
    request: Request[Any, Any, Any], event_id: FromPath[uuid.UUID], pool: NamedDependency[asyncpg.Pool]
) -> Template:
    editor = await editor_of(request, pool)
    fact = await _fact(pool, event_id)
    correction = forms.correction_form(fact.type, fact.data)
    return await _correct_page(pool, editor, fact, correction, correction.values, {}, [])


@post("/facts/{event_id:uuid}/correct", status_code=303)
async def correct(
    request: Request[Any, Any, Any],
    event_id: FromPath[uuid.UUID],
    pool: NamedDependency[asyncpg.Pool],
    appender: NamedDependency[Appender],
) -> Redirect | Template:
    """The changed fields, a reason and evidence: a ``fact.corrected``, checked as the fact it
    leaves, first by a dry run (``action=check``), then appended (``action=append``)."""
    editor = await editor_of(request, pool)
    fact = await _fact(pool, event_id)
    form_data = await request.form()
    submitted = _submitted(form_data)
    correction = forms.correction_form(fact.type, fact.data)
    shown = forms.event_data(correction.fact, submitted)
    own = forms.event_data(correction.correction, submitted)
    try:
        data = forms.correction_data(correction, submitted, str(fact.event_id))
    except (events.InvalidEvent, ValueError) as error:
        return await _correct_page(pool, editor, fact, correction, shown, own,
                                   [("", str(error))], status=422)
    dry_run = form_data.get("action") != "append"
    outcome = await append_fact(appender, editor, fact.stream_id, "fact.corrected", data, dry_run)
    if outcome.problems or dry_run:
        return await _correct_page(
            pool, editor, fact, correction, shown, own, outcome.problems,
            checked=not outcome.problems, changes=data["changes"],
            status=422 if outcome.problems else 200,
        )
    return Redirect(f"/desk/facts/{fact.event_id}?min_position={outcome.position}", status_code=303)


async def _correct_page(
    pool: asyncpg.Pool, editor: Caller, fact: FactNow, correction: forms.CorrectionForm,
    values: dict[str, Any], own: dict[str, Any], problems: list[tuple[str, str]], *,
    checked: bool = False, changes: dict[str, Any] | None = None, status: int = 200,
) -> Template:
    return Template(
        "desk/correct.html",
        context={
            "editor": editor, "fact": fact, "correction": correction, "values": values,
            "own": own, "checked": checked, "changes": changes,
            "problems": _summary(
                problems, [correction.correction, correction.fact], "correction.", changes_prefix=""
            ),
            "errors": _at_fields(problems, "correction.", changes_prefix=""),
            "entities": await _choices(pool, correction.fact),
        },
        status_code=status,
    )


@get("/facts/{event_id:uuid}/retract")
async def retract_form(
    request: Request[Any, Any, Any], event_id: FromPath[uuid.UUID], pool: NamedDependency[asyncpg.Pool]
) -> Template:
    editor = await editor_of(request, pool)
    fact = await _fact(pool, event_id)
    # The evidence is most often in the fact's own source: chosen, not the first listed.
    cited = [e.get("source_id") for e in fact.data.get("evidence") or () if isinstance(e, dict)]
    values = {"source_id": cited[0]} if cited else {}
    return await _retract_page(pool, editor, fact, values=values, problems=[])


@post("/facts/{event_id:uuid}/retract", status_code=303)
async def retract(
    request: Request[Any, Any, Any],
    event_id: FromPath[uuid.UUID],
    pool: NamedDependency[asyncpg.Pool],
    appender: NamedDependency[Appender],
) -> Redirect | Template:
    """Retract the fact with a reason and evidence: checked first (``action=check``: a dry
    run, nothing stored), or appended (``action=append``)."""
    editor = await editor_of(request, pool)
    fact = await _fact(pool, event_id)
    form = await request.form()
    values = {name: str(form.get(name) or "") for name in AMENDMENT_FIELDS}
    data = {
        "target": str(fact.event_id),
        "reason": values["reason"].strip(),
        "evidence": [evidence_of(values)],
    }
    dry_run = form.get("action") != "append"
    outcome = await append_fact(appender, editor, fact.stream_id, "fact.retracted", data, dry_run)
    if outcome.problems or dry_run:
        status = 422 if outcome.problems else 200
        return await _retract_page(
            pool, editor, fact, values=values, problems=outcome.problems, checked=not outcome.problems,
            status=status,
        )
    return Redirect(f"/desk/facts/{fact.event_id}?min_position={outcome.position}", status_code=303)


AMENDMENT_FIELDS = ("reason", "source_id", "quote", "prefix", "suffix")


def evidence_of(values: dict[str, str]) -> dict[str, str]:
    """One evidence record from the form: the quote exactly as given (not stripped: a quote
    must match its source byte for byte), prefix and suffix only when given."""
    evidence = {"source_id": values["source_id"].strip(), "quote": values["quote"]}
    for name in ("prefix", "suffix"):
        if values.get(name):
            evidence[name] = values[name]
    return evidence


async def _retract_page(
    pool: asyncpg.Pool, editor: Caller, fact: FactNow, *, values: dict[str, Any],
    problems: list[tuple[str, str]], checked: bool = False, status: int = 200,
) -> Template:
    async with pool.acquire() as connection:
        sources = (await source_page(connection, limit=MAX_SOURCES_LISTED)).sources
    return Template(
        "desk/retract.html",
        context={
            "editor": editor, "fact": fact, "values": values, "problems": problems,
            "checked": checked, "sources": sources,
        },
        status_code=status,
    )




FACT_ROUTES = [fact_page, draft_form, draft, correct_form, correct, retract_form, retract]
