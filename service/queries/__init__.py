"""Read queries, one module per read model. Each takes an asyncpg connection and a ``Query``
(now, or ``as_of`` a past instant: an indexed query on the versioned rows). They only read,
so they run on a streaming replica as well as on the primary."""
