"""A source's text as numbered sentences with their offsets: rules for Korean news prose.

Offsets are Python ``str`` indices (Unicode code points, as the evidence offsets are):
``text[start:end] == sentence`` with ``end`` exclusive. The sentences cover every character of
the text that is not white space, each exactly once, in order; the white space between them
(and at either end of the text) belongs to none.

Where a sentence ends (docs/desk.md, "Sentences", says why rules and not a library):

1. **Every line break.** Stored texts keep a paragraph, a headline or a list item on a line of
   its own (the seed article does), so a line without a full stop is a sentence too.
2. **Terminal punctuation followed by white space or the end of the line**: ``.``, ``?``, ``!``,
   ``…`` and their full-width forms, with any closing quotation marks or brackets right after
   them (``…했다." 다음``). Not inside a pair of quotation marks or brackets that closes on the
   same line: ``"지원하겠다. 노력하겠다"라고 말했다.`` is one sentence, and so is
   ``"할 수 있다."라고 말했다.`` (the quotation is followed by ``라고``, not by a space).
   A quotation or bracket that closes right after terminal punctuation and is followed by
   white space ends a sentence (``그는 "할 수 있다." 그리고…``).
3. Not a full stop: one between digits (``1.5``, not followed by a space anyway), one after a
   number when a number follows, and the last of a date written so (``2025. 3. 24.``), one after a number that opens its line
   (a list: ``1. 항목``), one after a single Latin letter (``U.S.``, ``J. Kim``) or a common
   Latin abbreviation (``Dr.``, ``Inc.``, ``vs.``).

List marks (``△``, ``▲``, ``■``, ``○``…) are not boundaries: an inline list (``△법적 기준 안내
△익명·가명 데이터 처리 방법론 △… 등의 지원 방안을 제안했다``) is part of the sentence whose
verb it belongs to, and an item on a line of its own is its own sentence by rule 1.

Unpaired quotation marks and brackets (a quotation that runs over paragraphs leaves its
opening mark unclosed on the line) do not hold a sentence open: only pairs that close on the
same line do. An apostrophe between Latin letters (``Korea's``) pairs with nothing.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Sentence(NamedTuple):
    n: int
    """Its number, from 1, in text order."""
    start: int
    """``text[start:end]`` is the sentence, in code points; ``end`` is exclusive."""
    end: int
    text: str


LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
"""What ``str.splitlines`` breaks at."""
TERMINAL = frozenset(".?!…。？！")
OPENING = {
    "(": ")", "[": "]", "{": "}", "（": "）", "［": "］", "｛": "｝",
    "“": "”", "‘": "’", "「": "」", "『": "』", "《": "》", "〈": "〉", "【": "】", "〔": "〕",
}
CLOSING = frozenset(OPENING.values())
SYMMETRIC = frozenset("\"'＂＇")
"""Straight quotation marks open and close alike: the first of a line opens, the next closes."""
TRAILING = CLOSING | SYMMETRIC
_PAIRING = re.compile("[" + re.escape("".join([*OPENING, *CLOSING, *SYMMETRIC])) + "]")
_MARKS = re.compile("[" + re.escape("".join([*TERMINAL, *OPENING, *SYMMETRIC])) + "]")
"""What the scans stop at: the rest of a line is read by the regular expression engine."""
ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sr jr st mt inc co corp ltd no vol fig vs etc approx".split()
)
"""Latin words whose full stop is not the end of a sentence (compared in lower case)."""
LOOK_BACK = 32
"""How far before a full stop rule 3 looks: a number, a date or a Latin word."""
MAX_DEPTH = 32
"""Quotation marks and brackets opened inside this many others pair with nothing (real prose
never nests so deep; the bound keeps a line of stray marks linear)."""
_NEXT_CHARACTER = re.compile(r"\s*(\S)")
_DOTTED_DATE = re.compile(r"(?<![0-9])[0-9]{4}\. ?[0-9]{1,2}\. ?[0-9]{1,2}$")
_LATIN_WORD = re.compile(r"(?:[A-Za-z]+\.)*[A-Za-z]+$")


def split(text: str) -> list[Sentence]:
    """The sentences of ``text`` in order, numbered from 1, without surrounding white space."""
    sentences: list[Sentence] = []
    line_start = 0
    for line_break in (*LINE_BREAK.finditer(text), None):
        line_end = line_break.start() if line_break else len(text)
        piece_start = line_start
        for boundary in (*_boundaries(text, line_start, line_end), line_end):
            start, end = _trimmed(text, piece_start, boundary)
            if start < end:
                sentences.append(Sentence(len(sentences) + 1, start, end, text[start:end]))
            piece_start = boundary
        if line_break:
            line_start = line_break.end()
    return sentences


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _boundaries(text: str, start: int, end: int) -> list[int]:
    """The offsets inside the line ``text[start:end]`` where a sentence ends (rules 2 and 3)."""
    pairs = _pairs(text, start, end)
    next_character = _NEXT_CHARACTER.match(text, start, end)
    first = next_character.start(1) if next_character else end
    found: list[int] = []
    resume = start  # past the pair or the run of punctuation last looked at
    for mark in _MARKS.finditer(text, start, end):
        i = mark.start()
        if i < resume:
            continue
        if i in pairs:  # a quotation or bracket that closes on this line: past it at once
            close = pairs[i]
            after = _after_trailing(text, close + 1, end)
            inside = _terminal_before(text, i, close)
            stops = not TERMINAL.isdisjoint(text[close:after]) or (
                inside is not None and not _no_full_stop(text, first, inside, after, end)
            )
            if stops and _ends_here(text, after, end):
                found.append(after)
            resume = after
        elif text[i] in TERMINAL:
            after = i
            while after < end and text[after] in TERMINAL:
                after += 1
            after = _after_trailing(text, after, end)
            if _ends_here(text, after, end) and not _no_full_stop(text, first, i, after, end):
                found.append(after)
            resume = after
    return found


def _pairs(text: str, start: int, end: int) -> dict[int, int]:
    """Where each outermost pair of quotation marks or brackets that closes on the line opens,
    and where it closes."""
    stack: list[tuple[str, int]] = []  # (the closing mark it waits for, where it opens)
    outermost: dict[int, int] = {}
    for mark in _PAIRING.finditer(text, start, end):
        i, char = mark.start(), mark.group()
        if char in SYMMETRIC and _apostrophe(text, i, start, end):
            continue
        waiting = next((k for k in range(len(stack) - 1, -1, -1) if stack[k][0] == char), None)
        if waiting is not None:
            opened = stack[waiting][1]
            del stack[waiting:]  # marks opened inside and never closed pair with nothing
            if not stack:
                outermost[opened] = i
        elif len(stack) == MAX_DEPTH:
            continue
        elif char in OPENING:
            stack.append((OPENING[char], i))
        elif char in SYMMETRIC:
            stack.append((char, i))
    return outermost


def _apostrophe(text: str, i: int, start: int, end: int) -> bool:
    if text[i] not in "'＇":
        return False
    before = text[i - 1] if i > start else ""
    after = text[i + 1] if i + 1 < end else ""
    return before.isascii() and before.isalpha() and after.isascii() and after.isalpha()


def _after_trailing(text: str, i: int, end: int) -> int:
    """Past the closing marks and terminal punctuation that follow ``i`` directly."""
    while i < end and (text[i] in TRAILING or text[i] in TERMINAL):
        i += 1
    return i


def _terminal_before(text: str, opened: int, close: int) -> int | None:
    """Where the terminal punctuation stands that the pair ``text[opened..close]`` closes
    right after, if it does."""
    i = close - 1
    while i > opened and text[i] in TRAILING:
        i -= 1
    return i if i > opened and text[i] in TERMINAL else None


def _ends_here(text: str, i: int, end: int) -> bool:
    return i >= end or text[i].isspace()


def _no_full_stop(text: str, first: int, at: int, after: int, end: int) -> bool:
    """Rule 3: a single ``.`` at ``at`` that does not end a sentence (``first``: where the
    line's first character that is not a space stands). Reads a few characters either side,
    never the whole line, so a long line costs no more per full stop than a short one."""
    if text[at] != "." or (after > at + 1 and text[at + 1] in TERMINAL):
        return False
    window = max(first, at - LOOK_BACK)
    before = text[window:at]
    digits = len(before) - len(before.rstrip("0123456789"))
    if digits:
        if at - digits == first:
            return True  # a list number that opens its line: "1. 항목"
        following = _NEXT_CHARACTER.match(text, after, end)
        # a date written with full stops: "2025. 3. 24." and the stops inside it
        return bool(following and following[1].isdigit()) or _DOTTED_DATE.search(before) is not None
    word = _LATIN_WORD.search(before)
    if word is None or (word.start() > 0 and before[word.start() - 1].isalnum()):
        return False  # not Latin, or the end of a longer word: "챗GPT." ends a sentence
    letters = word.group()
    return len(letters) == 1 or "." in letters or letters.lower() in ABBREVIATIONS
