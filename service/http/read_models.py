"""The read endpoints, for the app's route handlers."""

from __future__ import annotations

from service.http.agencies import AgencyController
from service.http.entities import meeting, organization, person, source
from service.http.entity_lists import meetings, organizations, people, sources
from service.http.initiatives import InitiativeController
from service.http.statements import StatementController

READ_MODEL_ROUTES = [
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
]
