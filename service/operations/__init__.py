"""Running the service, as docs/operations.md describes it: what ``serve`` and ``project`` run
and how their processes are supervised, the embedded PostgreSQL and the wait for a database, the
log format, uvicorn's HTTP protocol, and the rebuild's progress bar on a terminal. Nothing here
knows an event or a read model; the commands (``service/cli.py``) use it."""
