"""``policy-timeline``: serve, project, migrate, status (and the data commands)."""

from __future__ import annotations

import argparse
import asyncio
import sys

from service import database, logs
from service.processes import STOP_SIGNALS, unwinding_on
from service.settings import PROJECTOR_MODES, Settings, SettingsError, load_settings
from service.waiting import DatabaseUnavailable

SERVE_HELP = """\
environment (see README.md, Configuration):
  POLICY_TIMELINE_WORKERS    API processes (default 1); --workers overrides it
  POLICY_TIMELINE_PROJECTOR  where the projections are kept current (default process):
                               process  a child process of its own, restarted if it dies
                               inline   inside every API process
                               off      not here: run `policy-timeline project` elsewhere
                             --projector overrides it
  DATABASE_URL               unset: an embedded PostgreSQL, started once for every process
  POLICY_TIMELINE_DATABASE_WAIT_SECONDS
                             how long to wait for DATABASE_URL to accept connections (60)
"""


def migrate(settings: Settings, revision: str) -> None:
    with database.in_use(settings) as url:
        database.migrate(url, revision)
        print(f"migrated {database.describe(url)} to {revision}")


def seed(settings: Settings) -> None:
    from service.seeding import seed_database

    with database.in_use(settings) as url:
        database.migrate(url)
        report = asyncio.run(seed_database(url, settings))
    print(
        f"seed: {report.events} events in {report.streams} streams; "
        f"{report.appended} appended, {report.events - report.appended} already stored"
    )


def status(settings: Settings) -> None:
    import asyncpg

    from service.store.lookups import extent

    async def report(url: str) -> None:
        connection = await asyncpg.connect(url)
        try:
            count, last = await extent(connection)
        except asyncpg.UndefinedTableError:
            print(f"database: {database.describe(url)}\nnot migrated: run `policy-timeline migrate`")
            return
        finally:
            await connection.close()
        print(f"database: {database.describe(url)}")
        print(f"embedded: {'yes, in ' + str(settings.data_dir) if settings.embedded else 'no'}")
        print(f"events: {count}")
        print(f"last position: {last}")

    with database.in_use(settings) as url:
        asyncio.run(report(url))


def replay(settings: Settings, names: list[str]) -> int:
    from service.projections import registry
    from service.projections.progress import replay_with_progress
    from service.projections.projector import rebuilt_with
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
    chosen = rebuilt_with(names, known)
    with database.in_use(settings) as url:
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
    serve_parser = commands.add_parser(
        "serve",
        help="migrate, seed an empty store, then serve the API and run the projector",
        description="Migrate, seed an empty store, then run the API processes and the "
        "projector until SIGTERM, SIGINT or SIGHUP.",
        epilog=SERVE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve_parser.add_argument("--host")
    serve_parser.add_argument("--port", type=int)
    serve_parser.add_argument("--workers", type=int, metavar="N", help="API processes")
    serve_parser.add_argument(
        "--projector", choices=PROJECTOR_MODES, help="where the projections are kept current"
    )
    commands.add_parser(
        "project",
        help="migrate, then only keep the projections current (until SIGTERM, SIGINT or SIGHUP)",
    )
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
            **{
                option: getattr(arguments, option, None)
                for option in ("host", "port", "workers", "projector")
            }
        )
    except SettingsError as error:
        print(f"policy-timeline: {error}", file=sys.stderr)
        return 2
    logs.configure(settings.log_level)
    try:
        with unwinding_on(STOP_SIGNALS):
            return run(arguments, settings)
    except DatabaseUnavailable as error:
        print(f"policy-timeline: {error}", file=sys.stderr)
        return 1


def run(arguments: argparse.Namespace, settings: Settings) -> int:
    if arguments.command == "serve":
        from service.serving import serve

        return serve(settings)
    elif arguments.command == "project":
        from service.serving import project

        project(settings)
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
