"""Every answer tells browsers what they may do with it: a Content-Security-Policy that runs
only the service's own scripts and styles (no inline ones) and lets no other site frame it,
no MIME sniffing, and a referrer policy. The pages hold nothing inline that such a policy
would block."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from tests.integration.read_models.conftest import seeded_log  # noqa: F401

ANSWERS = [
    ("GET", "/"),
    ("GET", "/?agency=pipc"),
    ("GET", "/?agency=nobody"),
    ("GET", "/sources/article-ai-startup-ecosystem-2025-03/view?quote=24일"),
    ("GET", "/static/page.css"),
    ("GET", "/static/nope.css"),
    ("GET", "/events"),
    ("GET", "/agencies/pipc/timeline?format=ics"),
    ("GET", "/feed.atom"),
    ("GET", "/nowhere"),
    ("GET", "/health?unknown=1"),
    ("GET", "/statements?q=%00"),
    ("DELETE", "/events"),
    ("HEAD", "/"),
    ("POST", "/streams/agency-x/events"),
    ("GET", "/schema"),
    ("GET", "/schema/openapi.json"),
    ("GET", "/assets/swagger-ui/swagger-ui-bundle.js"),
]


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for directive in policy.split(";"):
        name, *values = directive.split()
        parsed[name] = values
    return parsed


def assert_guarded(response) -> dict[str, list[str]]:
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    policy = directives(headers["content-security-policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    for kind in ("script-src", "style-src"):
        assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:"} & set(policy.get(kind, []))
    return policy


@pytest.mark.parametrize(("method", "path"), ANSWERS)
async def test_every_answer_carries_the_security_headers(api, method, path):
    response = await api.request(method, path)
    assert response.status_code < 500, response.text
    policy = assert_guarded(response)
    if not path.startswith(("/schema", "/assets")):
        assert "img-src" not in policy  # the pages need no data: images; Swagger UI does


async def test_a_500_carries_them_too(api):
    async def broken(*args, **kwargs):
        raise RuntimeError("broken on purpose")

    api.app.state.store.read_all = broken
    response = await api.get("/events")
    assert response.status_code == 500
    assert_guarded(response)


async def test_a_304_carries_them_too(api):
    etag = (await api.get("/events")).headers["etag"]
    response = await api.get("/events", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert_guarded(response)


class Inline(HTMLParser):
    """What a page holds inline: script bodies, style elements and attributes, handlers."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self._script = tag == "script" and "src" not in attrs
        if self._script:
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs.items():
            if name == "style" or name.startswith("on"):
                self.found.append(f"{tag} {name}={value!r}")
            if name in ("href", "src", "action") and (value or "").lower().startswith("javascript:"):
                self.found.append(f"{tag} {name}={value!r}")


PAGES = [
    "/", "/?agency=pipc", "/?agency=mss&type=meeting", "/?agency=nobody", "/schema",
    "/sources/article-ai-startup-ecosystem-2025-03/view?quote=24일",
]


@pytest.mark.parametrize("path", PAGES)
async def test_the_pages_hold_no_inline_script_style_or_handler(api, path):
    response = await api.get(path)
    assert response.headers["content-type"].startswith("text/html")
    inline = Inline()
    inline.feed(response.text)
    assert inline.found == []


@pytest.fixture
async def api(client, seeded_log):  # noqa: F811
    return client
