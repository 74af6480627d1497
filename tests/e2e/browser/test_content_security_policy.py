"""The pages and Swagger UI under the service's Content-Security-Policy, in Chromium: they draw
and work with nothing refused, and script that gets into a page anyway does not run."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

# Chromium reports each refusal as a securitypolicyviolation event; collected from the start.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`);
});
"""


@pytest.fixture
def watched(page):
    page.add_init_script(WATCH)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.errors = errors
    return page


def refused(page) -> list[str]:
    return page.evaluate("window.__violations") + [
        e for e in page.errors if "Content Security Policy" in e
    ]


@pytest.mark.parametrize(
    "path",
    ["/", "/?agency=pipc", "/?agency=mss&q=인력", "/?agency=nobody",
     "/sources/article-ai-startup-ecosystem-2025-03/view?quote=24일", "/?q=스타트업",
     "/people/ko-hak-soo/view", "/organizations/moreh/view",
     "/meetings/pipc-ai-startup-roundtable/view"],
)
def test_the_pages_draw_with_nothing_refused(watched, path):
    response = watched.goto(path)
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    watched.wait_for_load_state("networkidle")
    if "agency=pipc" in path:
        entry = watched.locator("li.entry").first
        expect(entry.locator(".track")).to_be_visible()
        entry.locator("summary").click()
        expect(entry.locator(".details")).to_be_visible()
    assert refused(watched) == []


def test_the_timeline_is_drawn_to_scale_without_inline_styles(watched):
    watched.goto("/?agency=pipc")
    ticks = watched.locator(".axis text")
    expect(ticks).to_have_text(["2025.2", "2025.3", "2025.4"])
    axis = watched.locator(".axis").bounding_box()
    march = ticks.nth(1).bounding_box()
    # February has 28 of the axis's 89 days.
    assert abs((march["x"] - axis["x"]) / axis["width"] - 28 / 89) < 0.01
    approximate = watched.locator("li.entry.approximate .track .hatch").first
    expect(approximate).to_be_visible()
    assert refused(watched) == []


def test_swagger_ui_draws_the_api_with_nothing_refused(watched):
    response = watched.goto("/schema")
    assert "img-src 'self' data:" in response.headers["content-security-policy"]
    expect(watched.locator(".opblock").first).to_be_visible()
    expect(watched.locator(".swagger-ui .info .title")).to_contain_text("Policy Timeline")
    watched.locator('.opblock-summary-path[data-path="/agencies"]').click()
    expect(watched.get_by_role("button", name="Try it out").first).to_be_visible()
    assert refused(watched) == []


def test_script_injected_into_a_page_does_not_run(watched):
    watched.goto("/?agency=pipc")
    watched.evaluate("""() => {
        window.ran = false;
        const script = document.createElement("script");
        script.textContent = "window.ran = true";
        document.body.append(script);
        const link = document.createElement("a");
        link.href = "javascript:window.ran = true";
        document.body.append(link);
        link.click();
    }""")
    watched.wait_for_timeout(200)
    assert watched.evaluate("window.ran") is False
    assert any(v.startswith("script-src") for v in refused(watched))
