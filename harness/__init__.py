"""What the tests and the benchmarks share to measure the service, and the service does not use.

Run from the repository root, as both are (``pytest``, ``python -m bench.…``); not installed
with the package (pyproject.toml installs ``service``, ``events`` and ``migrations`` only).
"""
