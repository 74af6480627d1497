"""Advisory lock keys of a projection, and the locks the runner and a rebuild take.

Three keys per projection, derived stably from its name (blake2b, not Python's salted
``hash``), so every process agrees on them:

- leader: a session lock that the live runner holds for as long as it runs the projection
  (it takes the leader locks of all its projections together, or none). Its connection
  closing (the process dying) releases it, and a waiting instance takes over.
- apply: a transaction lock around every batch that writes the live tables and checkpoint.
  A rebuild's swap takes it too, so the swap and a live batch never interleave.
- rebuild: a session lock held by a running blue/green rebuild: one at a time per projection.
"""

from __future__ import annotations

import hashlib

import asyncpg


def _key(kind: str, name: str) -> int:
    digest = hashlib.blake2b(f"policy-timeline/projection-{kind}/{name}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big", signed=True)


def leader_key(name: str) -> int:
    return _key("leader", name)


def apply_key(name: str) -> int:
    return _key("apply", name)


def rebuild_key(name: str) -> int:
    # Derived from "replay", the word of earlier releases: a rebuild started by one of them
    # and one started by this release must still exclude each other.
    return _key("replay", name)


async def try_lock(connection: asyncpg.Connection, key: int) -> bool:
    """Take a session-level lock if it is free; never waits."""
    return await connection.fetchval("SELECT pg_try_advisory_lock($1::bigint)", key)


async def try_lock_all(connection: asyncpg.Connection, keys: list[int]) -> bool:
    """Take every session lock, or none of them; never waits."""
    taken: list[int] = []
    for key in keys:
        if not await try_lock(connection, key):
            for held in taken:
                await connection.execute("SELECT pg_advisory_unlock($1::bigint)", held)
            return False
        taken.append(key)
    return True


async def lock_all_for_transaction(connection: asyncpg.Connection, keys: list[int]) -> None:
    """Wait for each lock, in key order (every taker uses the same order: no deadlock)."""
    await connection.execute(
        "SELECT pg_advisory_xact_lock(key) FROM unnest($1::bigint[]) AS key ORDER BY key",
        sorted(set(keys)),
    )


# pg_locks shows a bigint advisory key as two oids, high and low 32 bits, with objsubid 1.
_HOLDERS = """SELECT (classid::bigint << 32) | objid::bigint AS key, pid FROM pg_locks
    WHERE locktype = 'advisory' AND objsubid = 1 AND granted
      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"""


async def lock_holders(connection: asyncpg.Connection) -> dict[int, int]:
    """Signed advisory key -> backend pid, for every advisory lock held in this database."""
    holders = {}
    for row in await connection.fetch(_HOLDERS):
        unsigned = row["key"] & 0xFFFF_FFFF_FFFF_FFFF
        signed = unsigned - (1 << 64) if unsigned >= 1 << 63 else unsigned
        holders[signed] = row["pid"]
    return holders
