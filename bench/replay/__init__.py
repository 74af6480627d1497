"""Projections at scale, each figure a ratio against a baseline measured in the same run.

    python -m bench.replay [--events N] [--database-url ADMIN_URL] [--markdown]

On databases of its own (created, migrated and dropped at the end, even on Ctrl-C), with a
generated log of N valid events (default 1,000,000; checked by ``checker.py``, proved valid
through the service's ``Appender`` by ``verify.py``, loaded by COPY by ``build.py``) of each
shape of ``--shape`` (default both, one after the other): the synthetic world (``world.py``)
and the text-heavy log of statements cloned from the seed article's long Korean texts with ~5%
corrections (``text.py``):

a. ``rebuild.py``: every projection rebuilt in one pass (``Rebuild.begin`` + ``run``) in a child
   process, against a raw asyncpg cursor read of the same log; the rebuild's phases, timed from
   outside; the child's CPU and peak RSS; the PostgreSQL backends' CPU; optionally py-spy.
a'. ``ceiling.py``: the bare-SQL ceiling of that rebuild: the raw read + COPY of the rebuilt
   rows into bare tables + the live tables' index and constraint statements (from the catalog).
b. ``catchup.py``: the live path (``ProjectionRunner``) catching up from zero on a fresh copy
   of the same database (``CREATE DATABASE … TEMPLATE``), in a child process, against the
   same raw read;
c. ``catchup.py``: every projection's ``table_digest`` after the rebuild equals the one after
   the live catch-up;
d. ``latency.py``: append-to-visible on the timeline at a steady rate, appends through the
   ``Appender``, the projector in its own process;
e. ``pages.py``: timeline pages (``timeline_page``) at N against 10,000 events, and with
   ``as_of`` against without.

``children.py`` holds what runs in the child processes, ``run.py`` the order of the steps,
``report.py`` the tables, ``profile.py`` the reading of a py-spy profile.
"""

NOTIFY_CHANNEL = "pt_bench_replay_events"
"""The channel the benchmark's appends notify and its projectors listen on (not the service's
default, so that a service running on the same server is not woken by the benchmark)."""
