"""Instances that start together may all migrate: the advisory lock lets one at a time."""

from __future__ import annotations

import os
import subprocess
import sys

import asyncpg
import pytest


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
    outputs = [p.communicate(timeout=120)[0] for p in processes]
    return [
        subprocess.CompletedProcess(p.args, p.returncode, output)
        for p, output in zip(processes, outputs, strict=True)
    ]


@pytest.mark.parametrize("count", [3, 2, 2, 2, 2])
async def test_processes_that_migrate_one_empty_database_together_all_succeed(
    empty_database_url, count
):
    results = migrate_in_processes(empty_database_url, count)

    assert [result.returncode for result in results] == [0] * count, [r.stdout for r in results]
    connection = await asyncpg.connect(empty_database_url)
    try:
        versions = await connection.fetch("SELECT version_num FROM alembic_version")
        assert await connection.fetchval("SELECT to_regclass('events') IS NOT NULL")
    finally:
        await connection.close()
    assert len(versions) == 1
