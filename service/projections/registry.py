"""Every read model the projector keeps current.

To register a projection, import it here and add it to the tuple. Order does not matter:
each projection has its own runner, checkpoint and tables.
"""

from __future__ import annotations

from service.projections import (
    agencies,
    initiatives,
    meetings,
    organizations,
    people,
    sources,
    statements,
    timeline,
)
from service.projections.base import Projection

PROJECTIONS: tuple[Projection, ...] = (
    agencies.PROJECTION,
    timeline.PROJECTION,
    initiatives.PROJECTION,
    meetings.PROJECTION,
    statements.PROJECTION,
    people.PROJECTION,
    organizations.PROJECTION,
    sources.PROJECTION,
)
