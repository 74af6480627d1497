"""The projection engine: it keeps the read models current.

It knows no read model by name: the composition root passes it the projections
(``service.read_models.PROJECTIONS``). ``runner`` is the live path (one feed reader for all of
them), ``rebuild`` the rebuild path (one cursor, fold in memory, COPY, blue/green swap); both
fold with ``fold.Fold`` through the same pure handlers. See docs/projections.md.
"""
