"""Retake docs/page.png, the README's picture of the page, from a running service:

    .venv/bin/python docs/screenshot.py http://127.0.0.1:8000

It opens PIPC's timeline at a desktop width in Debian's Chromium with the roundtable's details
open, and saves the top of the page."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent / "page.png"


def main(origin: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium", headless=True
        )
        page = browser.new_page(base_url=origin, viewport={"width": 1100, "height": 1500})
        page.goto("/?agency=pipc")
        page.locator("li.entry[data-type='meeting.held'] summary").click()
        page.screenshot(path=str(OUT))
        browser.close()
    print(OUT)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
