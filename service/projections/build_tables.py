"""The catalog work of a blue/green rebuild: copies of the live tables in a build schema.

A rebuild writes into ``projection_build_<name>`` (``identifiers.build_schema``): ``create_copies``
makes an empty copy of each live table there (columns, defaults, checks, storage, comments and
grants, but no index, so the bulk COPY into it is cheap); ``index_statements`` gives the live
table's constraints that own an index and its other indexes as statements for the copy, built
once it is full; ``swap_in`` drops the live tables and moves the copies into ``public``.
A table with foreign keys is refused: the copy would silently lose them.
"""

from __future__ import annotations

import asyncpg

from service.projections.base import Projection
from service.projections.identifiers import build_schema, quote


class RebuildNotPossible(Exception):
    """The live tables have something a rebuild cannot copy faithfully."""


_FOREIGN_KEYS = """SELECT conname, conrelid::regclass::text FROM pg_constraint
    WHERE contype = 'f' AND (conrelid = ANY ($1::text[]::regclass[])
                             OR confrelid = ANY ($1::text[]::regclass[]))"""

_GRANTS = """SELECT a.privilege_type, a.is_grantable,
        CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END
    FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a
    LEFT JOIN pg_roles r ON r.oid = a.grantee
    WHERE c.oid = $1::text::regclass AND a.grantee <> c.relowner"""

# The live table's constraints that own an index (primary key, unique, exclusion) and its other
# indexes, each as a statement to run on the copy, which sits in another schema and may take
# the same names.
_CONSTRAINTS = """SELECT format('ALTER TABLE %s ADD CONSTRAINT %I %s', $2::text, conname,
                             pg_get_constraintdef(oid))
    FROM pg_constraint WHERE conrelid = $1::text::regclass AND contype IN ('p', 'u', 'x')"""
# Each index with the statistics targets set on its columns (``SET STATISTICS 0`` spares ANALYZE
# the search indexes' expressions, migration 0010), which pg_get_indexdef leaves out; the
# copy's index takes the live one's name, in the copy's schema ($3). PostgreSQL 15 says -1 for
# the default target, 17 and later null.
_INDEXES = r"""SELECT regexp_replace(pg_get_indexdef(i.indexrelid),
                          ' ON (ONLY )?\S+ ', ' ON ' || $2::text || ' '),
        ARRAY(SELECT format('ALTER INDEX %s.%I ALTER COLUMN %s SET STATISTICS %s',
                            $3::text, ci.relname, a.attnum, a.attstattarget)
              FROM pg_attribute a
              WHERE a.attrelid = i.indexrelid AND a.attnum > 0 AND a.attstattarget >= 0
              ORDER BY a.attnum)
    FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid
    WHERE i.indrelid = $1::text::regclass
      AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid)"""


def live_table(table: str) -> str:
    return f"public.{quote(table)}"


def copy_of(projection: Projection, table: str) -> str:
    """The copy of ``table`` in the projection's build schema, quoted."""
    return f"{build_schema(projection.name)}.{quote(table)}"


def unquoted(schema: str) -> str:
    return schema.strip('"').replace('""', '"')


def schema_name(projection: Projection) -> str:
    """The build schema of a projection, unquoted (as the writers take it)."""
    return unquoted(build_schema(projection.name))


async def refuse_foreign_keys(connection: asyncpg.Connection, projection: Projection) -> None:
    # A copy gets no foreign keys: a rebuilt table would silently lose them.
    tables = [live_table(table) for table in projection.tables]
    rows = await connection.fetch(_FOREIGN_KEYS, tables)
    if rows:
        listed = ", ".join(f"{row[0]} on {row[1]}" for row in rows)
        raise RebuildNotPossible(
            f"projection {projection.name!r} cannot be rebuilt beside its tables: "
            f"foreign keys are not copied ({listed})"
        )


async def create_copies(connection: asyncpg.Connection, projection: Projection) -> None:
    """A fresh build schema with an empty, unindexed copy of each of the projection's tables."""
    schema = build_schema(projection.name)
    # A build schema left by an interrupted rebuild is stale: start over.
    await connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    await connection.execute(f"CREATE SCHEMA {schema}")
    for table in projection.tables:
        live, copy = live_table(table), copy_of(projection, table)
        # No indexes while it fills: they are built once, at the end.
        await connection.execute(
            f"CREATE TABLE {copy} (LIKE {live} INCLUDING DEFAULTS INCLUDING GENERATED"
            " INCLUDING IDENTITY INCLUDING STORAGE INCLUDING COMMENTS"
            " INCLUDING CONSTRAINTS)"
        )
        for privilege, grantable, grantee in await connection.fetch(_GRANTS, live):
            option = " WITH GRANT OPTION" if grantable else ""
            await connection.execute(f"GRANT {privilege} ON {copy} TO {grantee}{option}")


async def index_statements(
    connection: asyncpg.Connection, projection: Projection, table: str
) -> tuple[list[str], list[list[str]]]:
    """The live table's constraints that own an index (``ALTER TABLE ... ADD CONSTRAINT``,
    which locks the table) and its other indexes (``CREATE INDEX``, which several sessions
    may run on one table at once, each followed by its columns' statistics targets), as
    statements for the copy."""
    live, copy = live_table(table), copy_of(projection, table)
    constraints = [row[0] for row in await connection.fetch(_CONSTRAINTS, live, copy)]
    indexes = [
        [create, *targets]
        for create, targets in await connection.fetch(
            _INDEXES, live, copy, build_schema(projection.name)
        )
    ]
    return constraints, indexes


async def swap_in(connection: asyncpg.Connection, projection: Projection) -> None:
    """Drop the live tables and move the copies into their place (in the caller's
    transaction, which holds them locked)."""
    for table in projection.tables:
        await connection.execute(f"DROP TABLE {live_table(table)}")
        await connection.execute(f"ALTER TABLE {copy_of(projection, table)} SET SCHEMA public")


async def drop_build_schema(connection: asyncpg.Connection, projection: Projection) -> None:
    await connection.execute(f"DROP SCHEMA IF EXISTS {build_schema(projection.name)} CASCADE")
