"""One initiative: its current state and history, now or as known at an instant."""

from __future__ import annotations

import asyncpg
from litestar import Controller, get
from litestar.di import NamedDependency

from service.http.openapi import answers
from service.http.problems import problem
from service.http.read_params import AsOf, EntityId, instant, is_entity_id
from service.queries.initiatives import InitiativeDetail, get_initiative


class InitiativeController(Controller):
    path = "/initiatives"
    tags = ["read models"]

    @get("/{initiative_id:str}", responses=answers(404))
    async def get_initiative(
        self,
        initiative_id: EntityId,
        pool: NamedDependency[asyncpg.Pool],
        as_of: AsOf = None,
    ) -> InitiativeDetail:
        """The initiative's current status and every announcement and status change."""
        past = instant(as_of)
        initiative = None
        if is_entity_id(initiative_id):
            async with pool.acquire() as connection:
                initiative = await get_initiative(connection, initiative_id, past)
        if initiative is None:
            raise problem(404, "initiative-not-found", f"no initiative {initiative_id!r}")
        return initiative
