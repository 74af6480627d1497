"""The read endpoints, for the app's route handlers: one router, so that they all read from
the replica when there is one and all take ``min_position``."""

from __future__ import annotations

from litestar import Router
from litestar.types import ControllerRouterHandler

from service.http.agencies import AgencyController
from service.http.consistency import reading_router
from service.http.entities import meeting, organization, person, source
from service.http.entity_lists import meetings, organizations, people, sources
from service.http.feeds import agency_feed, all_agencies_feed
from service.http.initiatives import InitiativeController
from service.http.sentences import source_sentences
from service.http.statements import StatementController

READ_ROUTES: list[ControllerRouterHandler] = [
    AgencyController,
    InitiativeController,
    StatementController,
    meetings,
    meeting,
    people,
    person,
    organizations,
    organization,
    sources,
    source,
    source_sentences,
    agency_feed,
    all_agencies_feed,
]


def read_router() -> Router:
    return reading_router(READ_ROUTES)
