"""Web addresses: the one type of every ``url`` field, and the one check of a link to one.

A web address is ``http`` or ``https`` (any case), ``://``, a host (a name, or an IPv6
address in brackets; no user name or password), an optional port, then optionally a path,
query or fragment; nowhere a space or a control character. Anything else (``javascript:``,
``data:``, ``//host``, a leading space) is no web address: the vocabulary refuses it, and a
page, feed or calendar never makes a link of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any

import msgspec

from events.patterns import pattern

# Valid in Python and in ECMA (JSON Schema) regex alike; `(?!\n)$` as in events.base.
_NO_SPACE = r"\x00-\x20\x7f-\x9f\s"
WEB_URL = (
    r"^[Hh][Tt][Tt][Pp][Ss]?://"
    rf"(\[[0-9A-Fa-f:.]+\]|[^{_NO_SPACE}/?#@:\[\]\\]+)"
    r"(:[0-9]{1,5})?"
    rf"([/?#][^{_NO_SPACE}]*)?(?!\n)$"
)
_WEB_URL = re.compile(WEB_URL)

WebUrl = Annotated[str, msgspec.Meta(pattern=pattern(
    WEB_URL, "a web address: http or https with a host, e.g. https://www.pipc.go.kr/"
))]
"""A web address, e.g. `https://www.korea.kr/briefing/pressReleaseView.do?newsId=156680000`."""


def web_url(value: Any) -> str | None:
    """``value`` when it is a web address, else None: what every page, feed and calendar
    calls before it makes a link."""
    return value if isinstance(value, str) and _WEB_URL.search(value) else None


# A stored log may hold URLs from before WebUrl: each `"url": "…"` string is looked at, and the
# event parsed only when one of them is no web address (rare), to read it as null.
_URL_MEMBER = r'"url"\s*:\s*("(?:[^"\\]|\\.)*")'
_URL_IN_TEXT, _URL_IN_BYTES = re.compile(_URL_MEMBER), re.compile(_URL_MEMBER.encode())
_OBJECT = msgspec.json.Decoder(dict[str, Any])
_STRING = msgspec.json.Decoder(str)
_ENCODE = msgspec.json.Encoder(order="deterministic").encode


def web_urls_only(data: bytes | str | msgspec.Raw) -> bytes | str | msgspec.Raw:
    """Stored JSON as it is when every ``url`` in it is a web address or null; otherwise the
    JSON with each other ``url`` (at any depth: a place's, a correction's) read as null."""
    text = data if isinstance(data, str) else memoryview(data)
    found: Iterator[re.Match[str]] | Iterator[re.Match[bytes]] = (
        _URL_IN_TEXT.finditer(text) if isinstance(text, str) else _URL_IN_BYTES.finditer(text)
    )
    if all(web_url(_STRING.decode(m.group(1))) for m in found):
        return data
    parsed = _OBJECT.decode(text)
    _null_other_urls(parsed)
    return _ENCODE(parsed)


def _null_other_urls(value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "url" and item is not None and web_url(item) is None:
                value[key] = None
            else:
                _null_other_urls(item)
    elif isinstance(value, list):
        for item in value:
            _null_other_urls(item)
