"""The projection engine: it keeps the read models (``service/read_models``) current.

``PROJECTIONS`` (from ``registry.py``) lists every read model; ``runner`` is the live path (one
feed reader for all of them), ``replay`` the rebuild path (one cursor, fold in memory, COPY,
blue/green swap); both fold with ``fold.Fold`` through the same pure handlers.
"""

from service.projections.registry import PROJECTIONS

__all__ = ["PROJECTIONS"]
