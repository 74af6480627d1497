"""What serve's HTTP protocol costs against uvicorn's own h11 protocol, in one run.

    python -m bench.protocol [--duration 10] [--rounds 3] [--connections 32]

``serve`` runs uvicorn with ``service.operations.http_protocol:Utf8TargetProtocol`` (raw UTF-8 in request
targets read as its percent-encoding; a problem document for a request it cannot read). This
starts the same bare Litestar app (one small JSON answer, no database) twice under uvicorn, one
worker each: with that protocol, and with ``--http h11`` (the class it extends). ``wrk`` loads
each in alternating rounds (protocol-h11, h11-protocol, ...) on two targets: an ASCII query,
the common case, and the same query with Korean percent-encoded, as most clients send it. The
table gives the median requests/s per side and the ratio protocol/h11. Needs ``wrk``.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time

from bench.common import load_average, median
from bench.http import free_port
from service.operations.http_protocol import HTTP_PROTOCOL

TARGETS = {
    "ascii query": "/echo?q=open-source&limit=2",
    "percent-encoded Korean query": "/echo?q=%EC%98%A4%ED%94%88%EC%86%8C%EC%8A%A4&limit=2",
}


def echo_app():
    from litestar import Litestar, Request, get

    @get("/echo")
    async def echo(request: Request) -> dict[str, str]:
        return {"q": request.query_params.get("q", "")}

    return Litestar([echo])


def start(protocol: str, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "bench.protocol:echo_app", "--factory",
         "--port", str(port), "--http", protocol, "--log-level", "warning", "--no-access-log"],
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        done = subprocess.run(
            ["curl", "-sf", f"http://127.0.0.1:{port}/echo"], capture_output=True, check=False
        )
        if done.returncode == 0:
            return process
        time.sleep(0.2)
    process.kill()
    raise SystemExit(f"uvicorn with {protocol} did not start")


def requests_per_second(port: int, path: str, seconds: float, connections: int) -> float:
    done = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds:g}s", f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    if "Non-2xx" in done.stdout:
        raise SystemExit(f"non-2xx answers:\n{done.stdout}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", done.stdout).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    options = parser.parse_args()

    sides = {"protocol": HTTP_PROTOCOL, "h11": "h11"}
    ports = {side: free_port() for side in sides}
    servers = [start(protocol, ports[side]) for side, protocol in sides.items()]
    try:
        print(f"load average before: {load_average()}")
        print("| target | protocol req/s | h11 req/s | ratio | per-round ratios |")
        print("|---|---:|---:|---:|---|")
        for name, path in TARGETS.items():
            for side in sides:  # warm-up
                requests_per_second(ports[side], path, 2, options.connections)
            rates: dict[str, list[float]] = {side: [] for side in sides}
            for round_number in range(options.rounds):
                order = list(sides) if round_number % 2 == 0 else list(reversed(sides))
                for side in order:
                    rates[side].append(
                        requests_per_second(ports[side], path, options.duration, options.connections)
                    )
            ratios = [ours / theirs for ours, theirs in zip(rates["protocol"], rates["h11"])]
            print(
                f"| {name} | {median(rates['protocol']):,.0f} | {median(rates['h11']):,.0f} | "
                f"{median(rates['protocol']) / median(rates['h11']):.2f}x | "
                f"{min(ratios):.2f}-{max(ratios):.2f} |"
            )
        print(f"load average after: {load_average()}")
    finally:
        for server in servers:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
