"""A fingerprint of a projection's tables, to compare a rebuild with the live path's tables."""

from __future__ import annotations

import hashlib

import asyncpg

from service.projections.base import Projection
from service.projections.identifiers import quote


async def table_digest(connection: asyncpg.Connection, projection: Projection) -> str:
    """md5 over the md5 of every row of every table, in a fixed order (so physical order does
    not count; hashing rows first keeps the aggregate small, whatever the table's size).

    Table names are resolved through ``search_path``: the live tables by default, a build
    schema's or temporary copies when the path says so.
    """
    parts = []
    for table in projection.tables:
        digest = await connection.fetchval(
            f"""SELECT md5(coalesce(string_agg(row_hash, '' ORDER BY row_hash), ''))
                FROM (SELECT md5(r::text) AS row_hash FROM {quote(table)} AS r) AS rows"""
        )
        parts.append(f"{table}:{digest}")
    return hashlib.md5("\n".join(parts).encode()).hexdigest()
