"""Instances that start together may all migrate: the advisory lock lets one at a time."""

from __future__ import annotations

import os
import subprocess
import sys

import asyncpg


def migrate_in_processes(database_url: str, count: int) -> list[subprocess.CompletedProcess]:
    environment = {**os.environ, "DATABASE_URL": database_url}
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "service.cli", "migrate"],
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(count)
    ]
    return [
        subprocess.CompletedProcess(p.args, p.wait(timeout=120), p.stdout.read()) for p in processes
    ]


async def test_processes_that_migrate_one_empty_database_together_all_succeed(empty_database_url):
    results = migrate_in_processes(empty_database_url, 3)

    assert [result.returncode for result in results] == [0, 0, 0], [r.stdout for r in results]
    connection = await asyncpg.connect(empty_database_url)
    try:
        versions = await connection.fetch("SELECT version_num FROM alembic_version")
        assert await connection.fetchval("SELECT to_regclass('events') IS NOT NULL")
    finally:
        await connection.close()
    assert len(versions) == 1
