"""Who acts: agencies, organizations and people, and references to them."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

import msgspec

from events.base import ActorId, AgencyId, Event, Id, Text, Value
from events.evidence import OptionalEvidence
from events.patterns import pattern

ActorKind = Literal["agency", "organization", "person"]

CountryCode = Annotated[str, msgspec.Meta(pattern=pattern(
    r"^[A-Z]{2}(?!\n)$", "a country code of two capital letters (ISO 3166-1), e.g. `KR`"
))]

AgencyKind = Literal["government", "ministry", "commission", "agency", "office", "council", "other"]

OrganizationKind = Literal[
    "company", "institute", "university", "association", "civil_society", "media", "group", "other"
]


class ActorRef(Value, frozen=True, kw_only=True):
    """A registered agency, organization or person: `{"kind": "person", "id": "oh-young-ju"}`."""

    kind: ActorKind
    id: ActorId


class AgencyRegistered(Event, frozen=True, kw_only=True):
    """A government body. Registrations may cite evidence (the sentence naming it); facts must."""

    TYPE: ClassVar[str] = "agency.registered"
    STREAM: ClassVar[str] = "agency"
    KEY: ClassVar[str] = "agency_id"

    agency_id: Id
    name_ko: Text
    name_en: Text
    short_ko: Text | None = None
    short_en: Text | None = None
    kind: AgencyKind
    parent: AgencyId | None = None
    country: CountryCode | None = None
    evidence: OptionalEvidence = ()


class OrganizationRegistered(Event, frozen=True, kw_only=True):
    """A company, institute or group outside government."""

    TYPE: ClassVar[str] = "organization.registered"
    STREAM: ClassVar[str] = "organization"
    KEY: ClassVar[str] = "organization_id"

    organization_id: Id
    name_ko: Text
    name_en: Text | None = None
    kind: OrganizationKind
    description_ko: Text | None = None
    description_en: Text | None = None
    evidence: OptionalEvidence = ()


class Affiliation(Value, frozen=True, kw_only=True):
    """A person's post in an agency or organization, as the source gives it."""

    kind: Literal["agency", "organization"]
    id: ActorId
    title_ko: Text
    title_en: Text | None = None


class PersonRegistered(Event, frozen=True, kw_only=True):
    """A person with the posts that the source names."""

    TYPE: ClassVar[str] = "person.registered"
    STREAM: ClassVar[str] = "person"
    KEY: ClassVar[str] = "person_id"

    person_id: Id
    name_ko: Text
    name_en: Text | None = None
    affiliations: tuple[Affiliation, ...] = ()
    evidence: OptionalEvidence = ()
