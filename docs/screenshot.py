"""Retake the docs' pictures from a running service on the seed:

    .venv/bin/python docs/screenshot.py http://127.0.0.1:8000
    DESK_TOKEN=pt_... .venv/bin/python docs/screenshot.py http://127.0.0.1:8000 --desk

The first writes docs/page.png, the README's picture of the page: PIPC's timeline at a desktop
width in Debian's Chromium with the roundtable's details open, the top of the page.

``--desk`` writes docs/desk.png, desk.md's picture of the desk: signed in with ``DESK_TOKEN``
(a token that may append: ``policy-timeline token create --name editor --scope append``; the
page shows its name), the seed article as numbered sentences, each recorded or not yet, with
the coverage. The token is read from the environment, not the command line, to stay out of
the shell's history; it is sent once, to sign in, and the session is signed out afterwards.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
PAGE = HERE / "page.png"
DESK = HERE / "desk.png"
SEED_SOURCE = "article-ai-startup-ecosystem-2025-03"


def page_picture(browser, origin: str) -> Path:
    page = browser.new_page(base_url=origin, viewport={"width": 1100, "height": 1500})
    page.goto("/?agency=pipc")
    page.locator("li.entry[data-type='meeting.held'] summary").click()
    page.screenshot(path=str(PAGE))
    page.close()
    return PAGE


def desk_picture(browser, origin: str, token: str) -> Path:
    context = browser.new_context(base_url=origin, viewport={"width": 1100, "height": 1400})
    page = context.new_page()
    page.goto("/desk")
    page.get_by_label("토큰 · Token").fill(token)
    page.get_by_role("button", name="로그인 · Sign in").click()
    page.locator(".desk-bar").wait_for()
    page.goto(f"/desk/sources/{SEED_SOURCE}")
    page.locator("#coverage").wait_for()
    page.screenshot(path=str(DESK))
    page.get_by_role("button", name="로그아웃 · Sign out").click()
    context.close()
    return DESK


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("origin", nargs="?", default="http://127.0.0.1:8000")
    parser.add_argument("--desk", action="store_true", help="docs/desk.png instead (DESK_TOKEN)")
    arguments = parser.parse_args(argv)
    token = os.environ.get("DESK_TOKEN", "")
    if arguments.desk and not token:
        parser.error("--desk signs in with the token in DESK_TOKEN, which is not set")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium", headless=True
        )
        try:
            if arguments.desk:
                print(desk_picture(browser, arguments.origin, token))
            else:
                print(page_picture(browser, arguments.origin))
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
