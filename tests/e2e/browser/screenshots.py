"""Screenshots of the page as test artifacts (``test-artifacts/``, ignored by git), each checked
to show something: a blank or single-colour page fails."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageStat

from tests.e2e.browser.conftest import ARTIFACTS

MIN_COLOURS = 16
MIN_SPREAD = 20.0
"""The least standard deviation of the grey levels of a page with text and drawing on it."""


def save(page, name: str, *, full_page: bool = True) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    assert_not_blank(path)
    return path


def assert_not_blank(path: Path) -> None:
    with Image.open(path) as image:
        rgb = image.convert("RGB")
        colours = rgb.getcolors(maxcolors=1 << 20)
        spread = ImageStat.Stat(rgb.convert("L")).stddev[0]
    assert colours is None or len(colours) >= MIN_COLOURS, f"{path.name}: {len(colours)} colours"
    assert spread >= MIN_SPREAD, f"{path.name} is nearly blank (spread {spread:.1f})"
