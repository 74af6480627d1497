"""The read models: one module each, a projection with its tables and pure handlers.

``facts`` keeps each fact's corrected state once; every other model keeps only what it sorts,
filters and joins on, and its queries (``service/queries``) join ``facts`` for the rest.

``PROJECTIONS`` is what the composition root (``service/app.py``, ``service/operations/serving.py``,
``service/cli.py``, ``bench/``) hands the engine: the engine (``service/projections``) knows no
read model by name. To register a read model, import it here and add it to the tuple.
``facts`` comes first: the live path reads it back as the other projections' fact view
(``service/projections/loading.py``).
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

__all__ = ["PROJECTIONS"]
