"""Read models folded from the event log, and the machinery that keeps them current.

``PROJECTIONS`` (from ``registry.py``) lists every read model; ``projector.Projector`` runs
them; ``replay`` rebuilds one blue/green; ``as_of.fold_as_of`` answers for a past instant.
"""

from service.projections.registry import PROJECTIONS

__all__ = ["PROJECTIONS"]
