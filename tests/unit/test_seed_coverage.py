"""Every sentence of the article that reports what an agency, official or company did, said or plans
is quoted by the seed.

The article is split into sentences at ". ", "다." and line breaks (headlines are lines). A sentence
is covered when the evidence quotes of the seed span at least half of its characters; in practice a
covered sentence is quoted almost whole (83% or more) and an uncovered one barely (39% at most,
where only agency names are quoted).
"""

from __future__ import annotations

import re

import pytest

import events
from events.seed import ARTICLE_TEXT, load_seed

THRESHOLD = 0.5

LEDE = "lede: sums up what the sections below record fact by fact; no act, speaker or date of its own"
BACKGROUND = "background: context that reports no act of an agency, official or company"

# Sentence opening -> why no event quotes it.
UNCOVERED = {
    "특히 중소벤처기업부(이하 중기부)와": LEDE + " (the agency names are quoted by their registrations)",
    "전 세계적으로 AI 핵심 인재 확보가": BACKGROUND + " (global competition for AI talent)",
    "글로벌 주요 기업들은 AI 역량 제고를": BACKGROUND
    + " (global companies' training; '국내 정부도도 ... 행보' names no agency or act)",
    "딥시크(Deepseek)의 등장으로": BACKGROUND + " (interest in open-source AI)",
    "오픈소스는 프로그램 개발에 필요한": BACKGROUND + " (what open source is)",
    "오픈소스는 국내 AI 스타트업의 경쟁력": BACKGROUND + " (why open source matters to startups)",
    "한국은 보건의료와 금융 분야에서": BACKGROUND + " (Korea's data, people and infrastructure)",
}


def sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) for each non-blank sentence of `text`."""
    found, offset = [], 0
    for part in re.split(r"(?<=다\.)|(?<=\. )|\n", text):
        start = text.index(part, offset)
        offset = start + len(part)
        stripped = part.strip()
        if stripped:
            found.append((text.index(stripped, start), stripped))
    return found


def quoted_characters() -> list[bool]:
    quoted = [False] * len(ARTICLE_TEXT)
    for line in load_seed():
        for evidence in getattr(events.decode_event(line.type, line.data), "evidence", ()):
            start = ARTICLE_TEXT.find(evidence.quote)
            while start != -1:
                quoted[start : start + len(evidence.quote)] = [True] * len(evidence.quote)
                start = ARTICLE_TEXT.find(evidence.quote, start + 1)
    return quoted


SENTENCES = sentences(ARTICLE_TEXT)
QUOTED = quoted_characters()


def coverage(offset: int, sentence: str) -> float:
    return sum(QUOTED[offset : offset + len(sentence)]) / len(sentence)


def test_the_article_splits_into_its_sentences_and_headlines() -> None:
    texts = [s for _, s in SENTENCES]
    assert len(texts) == 24
    assert "중기부, AI 스타트업 인재 양성 방안 논의" in texts
    assert "개인정보위, 오픈소스 AI 활성화 지원" in texts
    assert texts[-1].endswith("'생성형 AI 도입 및 활용 안내서'를 마련할 계획이다.")


@pytest.mark.parametrize(("offset", "sentence"), SENTENCES, ids=[s[:20] for _, s in SENTENCES])
def test_a_sentence_is_quoted_unless_listed_with_its_reason(offset: int, sentence: str) -> None:
    reasons = [reason for opening, reason in UNCOVERED.items() if sentence.startswith(opening)]
    if reasons:
        assert coverage(offset, sentence) < THRESHOLD, f"quoted now, drop it from UNCOVERED: {sentence}"
    else:
        assert coverage(offset, sentence) >= THRESHOLD, f"no event quotes: {sentence}"


def test_every_listed_sentence_is_in_the_article() -> None:
    for opening in UNCOVERED:
        assert sum(s.startswith(opening) for _, s in SENTENCES) == 1, opening
