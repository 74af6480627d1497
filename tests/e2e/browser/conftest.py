"""The timeline page in a real browser: per test module, one seeded database, the service on
it in a uvicorn process (with its projector), and one headless Chromium (Debian's, not a
Playwright download; `.ci/run` installs it and a CJK font)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from service.operations.http_protocol import HTTP_PROTOCOL
from service.store import PostgresEventStore
from service.writing import Appender
from service.writing.seeding import seed
from tests.conftest import cloned_database
from tests.e2e.processes import clean_environment, free_port, until
from tests.integration.read_models.conftest import catch_up

CHROMIUM = shutil.which("chromium")
NO_CHROMIUM = (
    "no `chromium` on PATH: the browser tests drive Debian's Chromium with a CJK font; "
    "to run them, `apt-get install chromium fonts-noto-cjk` (.ci/run does)"
)
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "browser"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without Chromium, skip this folder's tests before their fixtures start a service."""
    if CHROMIUM is not None:
        return
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.skip(reason=NO_CHROMIUM))


@pytest.fixture(scope="module")
async def page_database(server_url: str, template_name: str) -> AsyncIterator[str]:
    """A database of this module's own with the seed article appended and folded."""
    async with cloned_database(server_url, template_name, "pt_page") as url:
        pool = await asyncpg.create_pool(url, min_size=1, max_size=4)
        try:
            await seed(Appender(PostgresEventStore(pool, poll_interval=0.5), pool))
            await catch_up(pool)
        finally:
            await pool.close()
        yield url


@pytest.fixture(scope="module")
def service(page_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The service's origin, e.g. ``http://127.0.0.1:40123``, keeping its projections current."""
    port = free_port()
    log = tmp_path_factory.mktemp("page-service") / "uvicorn.log"
    environment = clean_environment(
        {"DATABASE_URL": page_database, "POLICY_TIMELINE_PROJECTOR": "inline",
         "POLICY_TIMELINE_POLL_INTERVAL": "0.5"}
    )
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "service.app:app_from_environment",
             "--host", "127.0.0.1", "--port", str(port), "--http", HTTP_PROTOCOL,
             "--log-level", "warning"],
            env=environment, stdout=output, stderr=subprocess.STDOUT,
        )
    origin = f"http://127.0.0.1:{port}"
    try:
        until(lambda: process.poll() is not None or _healthy(origin), 60, "the service to start")
        assert process.poll() is None, log.read_text()
        yield origin
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _healthy(origin: str) -> bool:
    try:
        return httpx.get(f"{origin}/health", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture(scope="module")
def browser(service: str) -> Iterator[object]:
    """Chromium, started after the service: Playwright's sync API keeps an event loop running
    in this thread, so every async fixture of the module must be set up before it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, service: str) -> Iterator[object]:
    """A fresh page (its own context) at desktop width, with ``service`` as its base URL."""
    context = browser.new_context(base_url=service, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
