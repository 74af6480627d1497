"""Quotes match their source byte for byte; a source is identified by the sha256 of its text."""

from __future__ import annotations

import unicodedata

import pytest

from events import quote_in_text, sha256_text
from events.seed import ARTICLE_TEXT

ARTICLE_SHA256 = "e986a88a7ba95d739b3b0718256a26855db219e4e003de6a17b4adfde34e02ea"


def test_sha256_text_is_the_hex_digest_of_the_utf8_bytes() -> None:
    assert sha256_text("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert sha256_text(ARTICLE_TEXT) == ARTICLE_SHA256


def test_a_quote_keeps_the_sources_typos() -> None:
    assert quote_in_text("국내 정부도도 AI 인재 양성에", ARTICLE_TEXT)
    assert not quote_in_text("국내 정부도 AI 인재 양성에", ARTICLE_TEXT)


@pytest.mark.parametrize(
    "altered",
    [
        unicodedata.normalize("NFD", "개인정보위는 'AI 스타트업 간담회'를"),  # decomposed Hangul
        "개인정보위는 \u2018AI 스타트업 간담회\u2019를",  # curly quotes
        "개인정보위는  'AI 스타트업 간담회'를",  # two spaces
        "개인정보위는\u00a0'AI 스타트업 간담회'를",  # no-break space
        "개인정보위는 'ai 스타트업 간담회'를",  # case
    ],
)
def test_a_quote_is_not_normalised(altered: str) -> None:
    assert quote_in_text("개인정보위는 'AI 스타트업 간담회'를", ARTICLE_TEXT)
    assert not quote_in_text(altered, ARTICLE_TEXT)


@pytest.mark.parametrize("blank", ["", " ", "\n", "\t \n"])
def test_a_blank_quote_is_never_found(blank: str) -> None:
    assert not quote_in_text(blank, ARTICLE_TEXT)
