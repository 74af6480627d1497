"""Every read model the projector keeps current.

To register a projection, import it here and add it to the tuple. ``facts`` comes first: the
live path reads it back as the other projections' fact view (``loading.py``).
"""

from __future__ import annotations

from service.projections.base import Projection
from service.read_models import (
    agencies,
    facts,
    initiatives,
    meetings,
    organizations,
    people,
    sources,
    statements,
    timeline,
)

PROJECTIONS: tuple[Projection, ...] = (
    facts.PROJECTION,
    agencies.PROJECTION,
    timeline.PROJECTION,
    initiatives.PROJECTION,
    meetings.PROJECTION,
    statements.PROJECTION,
    people.PROJECTION,
    organizations.PROJECTION,
    sources.PROJECTION,
)
