"""Replays from the command line, one after another, each with a rich progress bar."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from service.projections.base import Projection
from service.projections.replay import Replay, ReplayStatus


class EventsPerSecond(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        shown = f"{speed:,.0f}" if speed is not None else "?"
        return Text(f"{shown} events/s", style="progress.data.speed")


async def replay_with_progress(
    database_url: str,
    projections: Sequence[Projection],
    *,
    batch_size: int,
    console: Console | None = None,
) -> list[ReplayStatus]:
    """Rebuild each projection blue/green in turn; the final statuses."""
    finished = []
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("events"),
        EventsPerSecond(),
        TimeRemainingColumn(),
        console=console,
    ) as progress:
        for projection in projections:
            rebuild = await Replay.begin(database_url, projection, batch_size=batch_size)
            bar = progress.add_task(projection.name, total=rebuild.status.events_total)

            async def show(status: ReplayStatus, bar=bar) -> None:
                progress.update(bar, completed=status.events_done, total=status.events_total)

            status = await rebuild.run(show)
            progress.console.print(
                f"{status.name}: {status.events_done} events read, {status.events_applied} "
                f"folded, {status.events_skipped} skipped; swapped in"
            )
            finished.append(status)
    return finished
