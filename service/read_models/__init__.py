"""The read models: one module each, a projection with its tables and pure handlers.

``facts`` keeps each fact's corrected state once; every other model keeps only what it sorts,
filters and joins on, and its queries (``service/queries``) join ``facts`` for the rest.
"""
