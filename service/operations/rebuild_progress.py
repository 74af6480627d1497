"""Rebuilds from the command line, one pass over the log for all of them, with a rich progress bar."""

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
from service.projections.rebuild import Rebuild
from service.projections.rebuild_status import RebuildStatus


class EventsPerSecond(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        shown = f"{speed:,.0f}" if speed is not None else "?"
        return Text(f"{shown} events/s", style="progress.data.speed")


async def rebuild_with_progress(
    database_url: str,
    projections: Sequence[Projection],
    *,
    batch_size: int,
    console: Console | None = None,
) -> RebuildStatus:
    """Rebuild the projections blue/green together, in one pass; the final status."""
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("events"),
        EventsPerSecond(),
        TimeRemainingColumn(),
        console=console,
    ) as progress:
        rebuild = await Rebuild.begin(database_url, projections, batch_size=batch_size)
        names = ", ".join(rebuild.names)
        bar = progress.add_task(f"rebuild {names}", total=rebuild.status.events_total)

        async def show(status: RebuildStatus) -> None:
            progress.update(bar, completed=status.events_done, total=status.events_total)

        status = await rebuild.run(show)
        for name in rebuild.names:
            counts = rebuild.fold.counts[name]
            progress.console.print(
                f"{name}: {status.events_done} events read, {counts.applied} folded, "
                f"{counts.skipped} skipped; swapped in"
            )
    return status
