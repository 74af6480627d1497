"""Read queries, one module per read model. Each takes an asyncpg connection and names tables
unqualified, so it reads the live tables or the temporary tables of an ``as_of`` fold alike."""
