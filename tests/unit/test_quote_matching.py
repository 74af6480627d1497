"""Locating a quote not written exactly as the source has it: pure, on made-up text."""

from __future__ import annotations

from service.desk.quote_matching import locate_quote, normalize

TEXT = "장관은 \"데이터를  꼭\u00a0지키겠다\"라고 했다. AI·데이터 정책과 ‘AI 바우처’."


def kinds(location) -> list[tuple[str, str, str]]:
    return [(d.kind, d.in_quote, d.in_text) for d in location.differences]


def test_normalizing_maps_each_character_back_to_the_original_offsets():
    folded, starts = normalize("a  \u00a0“b”")
    assert folded == 'a "b"'
    assert starts == [0, 1, 4, 5, 6, 7]


def test_middle_dots_spaces_and_quotation_marks_are_found_and_named():
    found = locate_quote("s", TEXT, "AI・데이터")
    assert not found.exact and [o.passage for o in found.occurrences] == ["AI·데이터"]
    assert kinds(found) == [("middle-dot", "・", "·")]

    found = locate_quote("s", TEXT, '"데이터를 꼭 지키겠다"')
    [span] = found.occurrences
    assert TEXT[span.start:span.end] == span.passage == '"데이터를  꼭\u00a0지키겠다"'
    assert {d.kind for d in found.differences} == {"space"}

    found = locate_quote("s", TEXT, "'AI 바우처'")
    assert kinds(found) == [("quotation-mark", "'", "‘"), ("quotation-mark", "'", "’")]


def test_a_quote_that_is_not_there_answers_the_nearest_passage_or_nothing():
    found = locate_quote("s", TEXT, "AI·데이타 정책과")
    [span] = found.occurrences
    assert span.passage == "AI·데이터 정책과"
    assert kinds(found) == [("text", "타", "터")]
    assert locate_quote("s", TEXT, "전혀 다른 문장입니다").occurrences == []
