"""The command line of ``python -m bench.replay``."""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Sequence

from bench import common
from bench.replay.report import report
from bench.replay.run import STEPS, run
from service.projections.base import DEFAULT_BATCH_SIZE
from service.projections.rebuild import DEFAULT_CHUNK_SIZE

DEFAULT_PREFIX = "pt_bench_replay"


def _steps(text: str) -> list[str]:
    steps = [step for step in text.split(",") if step]
    unknown = set(steps) - set(STEPS)
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown steps {sorted(unknown)}; known: {', '.join(STEPS)}")
    return steps


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.replay",
        description="Projections at scale: rebuild, live catch-up, digests, append-to-visible "
        "latency and timeline pages, each against a baseline measured in the same run.",
    )
    log = parser.add_argument_group("the logs")
    log.add_argument("--events", type=int, default=1_000_000,
                     help="events in the big log (default 1,000,000)")
    log.add_argument("--small-events", type=int, default=10_000,
                     help="events in the small log the pages compare with (default 10,000)")
    log.add_argument("--verify-events", type=int, default=3_000,
                     help="events appended through the Appender to prove the generator valid "
                     "(default 3,000; 0: skip)")
    log.add_argument("--check", choices=["all", "sample", "none"], default="all",
                     help="check every generated event of the big log (default), every tenth "
                     "chunk, or none")
    log.add_argument("--seed", type=int, default=20251127)
    log.add_argument("--shape", choices=["world", "text", "both"], default="both",
                     help="the log: the synthetic world (world.py), statements cloned from the "
                     "seed article's long Korean texts with ~5%% corrections (text.py), or both, "
                     "one after the other, every step for each (default both)")

    engine = parser.add_argument_group("the engine")
    engine.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE,
                        help=f"the live runner's and projector's batch, and the rebuild's "
                        f"catch-up batch (default {DEFAULT_BATCH_SIZE}, the service's)")
    engine.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK_SIZE,
                        help=f"events the rebuild folds between two COPYs "
                        f"(default {DEFAULT_CHUNK_SIZE:,}, the service's)")

    what = parser.add_argument_group("what to measure")
    what.add_argument("--steps", type=_steps, default=list(STEPS),
                      help=f"comma-separated, of {','.join(STEPS)} (default all; pages and "
                      "latency need the rebuild, which they then run)")
    what.add_argument("--ceiling-connections", type=int, default=2, metavar="N",
                      help="the bare-SQL ceiling of the rebuild (ceiling.py) COPYs and builds "
                      "indexes over N connections (default 2; 0: no ceiling)")
    what.add_argument("--autovacuum-like", action="store_true",
                      help="during the live catch-up, ANALYZE and VACUUM the read-model tables "
                      "from outside at autovacuum's default thresholds (for a server that has "
                      "autovacuum off, like the one these figures were taken on)")
    what.add_argument("--rate", type=float, action="append", default=[],
                      help="appends per second for the latency case (default 1000; repeatable, "
                      "one run per rate)")
    what.add_argument("--duration", type=float, default=20.0, help="seconds of appends (20)")
    what.add_argument("--poll-interval", type=float, default=5.0,
                      help="the projector's slow poll (5 s, the service's default)")
    what.add_argument("--projector-in-process", action="store_true",
                      help="run the projector of the latency case in this process")
    what.add_argument("--page-rounds", type=int, default=200)
    what.add_argument("--page-warmup", type=int, default=20)
    what.add_argument("--explain", action="store_true",
                      help="print EXPLAIN (ANALYZE, BUFFERS) of each timeline page query")

    profile = parser.add_argument_group("profiling the rebuild")
    profile.add_argument("--py-spy", metavar="FILE",
                         help="run the rebuild's child under `py-spy record --idle --format "
                         "raw`, write the profile to FILE and summarise it (slows the rebuild)")
    profile.add_argument("--py-spy-rate", type=int, default=100, help="samples per second (100)")
    profile.add_argument("--no-instrument", action="store_true",
                         help="no timers around the rebuild's fold and statements (its phases "
                         "are still marked)")

    quiet = parser.add_argument_group("a quiet machine")
    quiet.add_argument("--quiet", type=float, metavar="SHARE", default=None,
                       help="before each measurement, wait until both cores were at most SHARE "
                       "busy (0.2: 20%%) over 5 s; the wait and the share are reported")
    quiet.add_argument("--quiet-timeout", type=float, default=900.0,
                       help="seconds to wait for quiet at most (900), then measure anyway")

    where = parser.add_argument_group("where")
    where.add_argument("--database-url", default=common.default_admin_url(),
                       help="an admin URL of the server (default $DATABASE_URL or "
                       f"{common.DEFAULT_ADMIN_URL})")
    where.add_argument("--database-prefix", default=DEFAULT_PREFIX,
                       help="databases <prefix>_<shape>_1m, …_1m_live, …_10k and …_verify are "
                       "created and dropped, for each shape")
    where.add_argument("--keep", action="store_true", help="keep the databases")
    parser.add_argument("--markdown", action="store_true", help="also print the report in Markdown")
    args = parser.parse_args(argv)
    if args.events < 1000 or args.small_events < 1000:
        parser.error("--events and --small-events must be at least 1000")
    if common.label(args.events) == common.label(args.small_events):
        parser.error("--events and --small-events must differ")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    console = common.make_console()
    started = time.perf_counter()
    try:
        results = asyncio.run(common.run_cancellable(lambda: run(args, console)))
    except (KeyboardInterrupt, asyncio.CancelledError):
        console.print("[yellow]interrupted; the benchmark databases were dropped")
        return 130
    report(results, args, console)
    console.print(f"total time {time.perf_counter() - started:.0f} s")
    return 0
