"""``policy-timeline``: serve, project, migrate, status, token, and the data commands (seed,
replay, export, import, source add)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from contextlib import nullcontext
from typing import TYPE_CHECKING, TypeVar

from events.sources import DEFAULT_KIND, SOURCE_KINDS
from service import database
from service.operations import logs
from service.operations.processes import STOP_SIGNALS, unwinding_on
from service.operations.waiting import DatabaseUnavailable
from service.settings import PROJECTOR_MODES, Settings, SettingsError, load_settings

if TYPE_CHECKING:
    import asyncpg

    from service.writing.command import AppendCommand
    from service.writing.transfer import ImportReport

T = TypeVar("T")

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
    from service.writing.seeding import seed_database

    with database.in_use(settings) as url:
        database.migrate(url)
        report = asyncio.run(seed_database(url, settings))
    assert report is not None  # None only for serve's seed (on_start)
    print(
        f"seed: {report.events} events in {report.streams} streams; "
        f"{report.appended} appended, {report.events - report.appended} already stored or refused"
    )
    for refusal in report.refused:
        print(f"seed: refused {refusal}", file=sys.stderr)


def _with_connection(settings: Settings, work: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
    """Run ``work(connection)`` on the migrated database in use."""
    import asyncpg

    async def run(url: str) -> T:
        connection = await asyncpg.connect(url)
        try:
            return await work(connection)
        finally:
            await connection.close()

    with database.in_use(settings) as url:
        database.migrate(url)
        return asyncio.run(run(url))


def token(settings: Settings, arguments: argparse.Namespace) -> int:
    from service.http import tokens

    try:
        if arguments.token_command == "create":
            made = _with_connection(
                settings, lambda c: tokens.create(c, arguments.name, arguments.scope)
            )
            print(made)
            print(
                f"token {arguments.name!r} ({', '.join(sorted(set(arguments.scope)))}): shown "
                "once; only its hash is stored", file=sys.stderr,
            )
        elif arguments.token_command == "revoke":
            _with_connection(settings, lambda c: tokens.revoke(c, arguments.name))
            print(f"revoked {arguments.name!r}", file=sys.stderr)
        else:
            for info in _with_connection(settings, tokens.list_tokens):
                state = f"revoked {info.revoked_at:%Y-%m-%d %H:%M}" if info.revoked_at else "active"
                print(f"{info.name}\t{','.join(info.scopes)}\t"
                      f"created {info.created_at:%Y-%m-%d %H:%M}\t{state}")
    except tokens.TokenError as error:
        print(f"policy-timeline: {error}", file=sys.stderr)
        return 1
    return 0


def export(settings: Settings, path: str) -> None:
    from service.writing.transfer import export_lines

    async def write(connection: asyncpg.Connection) -> int:
        count = 0
        with open(path, "wb") if path != "-" else nullcontext(sys.stdout.buffer) as out:
            async for lines in export_lines(connection):
                out.write(lines)
                count += lines.count(b"\n")
        return count

    count = _with_connection(settings, write)
    print(f"exported {count} events", file=sys.stderr)


def import_(settings: Settings, path: str, into_non_empty: bool) -> int:
    from service import bootstrap
    from service.writing import BadFact
    from service.writing.transfer import NotEmpty, import_log, read_lines

    async def run(url: str) -> ImportReport:
        async with bootstrap.writing(url, settings) as writing:
            with open(path, "rb") if path != "-" else nullcontext(sys.stdin.buffer) as lines:
                return await import_log(
                    writing.appender, read_lines(lines), into_non_empty=into_non_empty
                )

    with database.in_use(settings) as url:
        database.migrate(url)
        try:
            report = asyncio.run(run(url))
        except (NotEmpty, BadFact, ValueError) as error:
            print(f"policy-timeline import: {error}", file=sys.stderr)
            return 1
    kept = "positions and times kept" if report.kept_positions else "appended at the end"
    print(f"imported {report.events} events ({report.appended} new; {kept})", file=sys.stderr)
    return 0


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
        if settings.embedded:
            print(f"embedded: yes, in {settings.data_dir}")
        print(f"events: {count}")
        print(f"last position: {last}")

    with database.in_use(settings) as url:
        asyncio.run(report(url))


def projections_ready(settings: Settings) -> int:
    """``status --ready``: 0 when every projection is led by a projector somewhere and none is
    further behind than ``/ready`` allows (a container healthcheck for ``project``), else 1."""
    import asyncpg

    from service import read_models
    from service.projections.locks import leader_key, lock_holders
    from service.projections.status import projection_lags

    async def check(url: str) -> list[str]:
        # What /ready reads (a cost that does not grow with the backlog), and the leader locks.
        connection = await asyncpg.connect(url)
        try:
            lags = await projection_lags(connection, [p.name for p in read_models.PROJECTIONS])
            holders = await lock_holders(connection)
        finally:
            await connection.close()
        limit = settings.ready_max_lag_seconds
        problems = []
        for lag in lags:
            leader = holders.get(leader_key(lag.name))
            print(
                f"projection {lag.name}: {lag.seconds_behind:.1f} s behind, "
                + (f"led by backend {leader}" if leader else "no projector leads it")
            )
            if leader is None:
                problems.append(f"{lag.name} has no leader")
            elif limit and lag.seconds_behind > limit:
                problems.append(f"{lag.name} is more than {limit:g} s behind")
        return problems

    with database.in_use(settings) as url:
        problems = asyncio.run(check(url))
    if problems:
        print(f"not ready: {'; '.join(problems)}", file=sys.stderr)
        return 1
    return 0


def replay(settings: Settings, names: list[str]) -> int:
    """``policy-timeline replay``: rebuild the named projections (every one when none is named)."""
    from service import read_models
    from service.operations.rebuild_progress import rebuild_with_progress
    from service.projections.build_tables import RebuildNotPossible
    from service.projections.projector import rebuilt_with
    from service.projections.rebuild_status import RebuildAlreadyRunning

    known = {projection.name: projection for projection in read_models.PROJECTIONS}
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
                rebuild_with_progress(url, chosen, batch_size=settings.projector_batch_size)
            )
        except (RebuildAlreadyRunning, RebuildNotPossible) as error:
            print(f"policy-timeline: {error}", file=sys.stderr)
            return 1
    return 0

def add_source(settings: Settings, arguments: argparse.Namespace) -> int:
    from pathlib import Path

    from service import bootstrap
    from service.store import StoreError
    from service.writing import BadFact
    from service.writing.sources import read_text, source_command

    async def run(url: str, command: AppendCommand) -> None:
        async with bootstrap.writing(url, settings) as writing:
            await writing.appender.append(command)

    try:
        command = source_command(
            read_text(Path(arguments.file)), source_id=arguments.id, title=arguments.title,
            publisher=arguments.publisher, published=arguments.published, url=arguments.url,
            language=arguments.language, kind=arguments.kind,
        )
        with database.in_use(settings) as url:
            database.migrate(url)
            asyncio.run(run(url, command))
    except (OSError, ValueError, BadFact, StoreError) as error:
        print(f"policy-timeline source add: {error}", file=sys.stderr)
        return 1
    print(command.events[0].id)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="policy-timeline", description="An event-sourced timeline of AI policy."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser(
        "serve",
        help="migrate, seed an empty store, then serve the API and run the projector",
        description="Migrate, seed an empty store (or bring the seed up to date), then run the API processes and the "
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
    commands.add_parser(
        "seed", help="append the seed article's facts and errata the store lacks (again: nothing)"
    )
    status_parser = commands.add_parser(
        "status", help="the database in use, event count, last position"
    )
    status_parser.add_argument(
        "--ready", action="store_true",
        help="also each projection's lag and leader; exit 1 unless every projection is led "
        "and no further behind than POLICY_TIMELINE_READY_MAX_LAG_SECONDS",
    )
    replay_parser = commands.add_parser(
        "replay", help="rebuild projections from the whole log, blue/green (all when none named)"
    )
    replay_parser.add_argument("names", nargs="*", metavar="NAME")
    token_parser = commands.add_parser("token", help="make, list and revoke API tokens")
    token_commands = token_parser.add_subparsers(dest="token_command", required=True)
    create_parser = token_commands.add_parser(
        "create", help="make a token and print it (once; only its hash is stored)"
    )
    create_parser.add_argument("--name", required=True, help="who holds it; recorded as appended_by")
    create_parser.add_argument(
        "--scope", action="append", required=True, choices=("append", "admin"),
        help="append: write events; admin: everything (repeatable)",
    )
    token_commands.add_parser("list", help="names, scopes and states (never the tokens)")
    revoke_parser = token_commands.add_parser("revoke", help="stop a token from working")
    revoke_parser.add_argument("name")
    export_parser = commands.add_parser("export", help="write the whole log as JSON Lines")
    export_parser.add_argument("file", nargs="?", default="-", help="default: standard output")
    import_parser = commands.add_parser(
        "import", help="append an exported log through every check (into an empty store)"
    )
    import_parser.add_argument("file", help="JSON Lines from `policy-timeline export` (- for stdin)")
    import_parser.add_argument(
        "--into-non-empty", action="store_true",
        help="add to a store that holds events (appended at its end, with new positions)",
    )
    source_parser = commands.add_parser("source", help="register a source document")
    source_commands = source_parser.add_subparsers(dest="source_command", required=True)
    add_parser = source_commands.add_parser(
        "add", help="register a UTF-8 text file as a source; prints the event id"
    )
    add_parser.add_argument("file", help="the document's text, UTF-8 (kept byte for byte)")
    add_parser.add_argument("--id", required=True, help="the source id, e.g. article-2025-03")
    add_parser.add_argument("--title", required=True)
    add_parser.add_argument("--publisher", required=True)
    add_parser.add_argument(
        "--published", required=True, help="when it was published: a date like 2025-03-24, 2025-03 or 2025"
    )
    add_parser.add_argument("--url", help="where it is on the web: http or https")
    add_parser.add_argument("--language", default="ko", help="its language tag (default: ko)")
    add_parser.add_argument(
        "--kind", choices=SOURCE_KINDS, help=f"what the document is (default: {DEFAULT_KIND})"
    )
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
        from service.operations.serving import serve

        return serve(settings)
    elif arguments.command == "project":
        from service.operations.serving import project

        project(settings)
    elif arguments.command == "migrate":
        migrate(settings, arguments.revision)
    elif arguments.command == "seed":
        seed(settings)
    elif arguments.command == "status":
        status(settings)
        if arguments.ready:
            return projections_ready(settings)
    elif arguments.command == "replay":
        return replay(settings, arguments.names)
    elif arguments.command == "token":
        return token(settings, arguments)
    elif arguments.command == "export":
        export(settings, arguments.file)
    elif arguments.command == "import":
        return import_(settings, arguments.file, arguments.into_non_empty)
    elif arguments.command == "source":
        return add_source(settings, arguments)
    return 0


if __name__ == "__main__":
    sys.exit(main())
