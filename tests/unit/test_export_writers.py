"""The hand-written parts of the export formats: iCalendar escaping and folding, CSV cells."""

from __future__ import annotations

import icalendar

from service.exports.ical import fold, text


def test_text_values_escape_backslashes_separators_and_newlines():
    assert text('a\\b; c, d\r\ne\x07') == "a\\\\b\\; c\\, d\\ne"


def test_folding_keeps_lines_within_75_octets_and_never_splits_a_character():
    line = "SUMMARY:" + "인력정책 방향 점검 회의, " * 20
    folded = fold(line).encode()
    lines = folded.split(b"\r\n")[:-1]
    assert all(len(piece) <= 75 for piece in lines)
    assert all(piece.startswith(b" ") for piece in lines[1:])
    for piece in lines:
        piece.decode("utf-8")
    assert b"".join(p.removeprefix(b" ") for p in lines).decode() == line


def test_an_escaped_folded_value_reads_back_unchanged():
    summary = "AI 스타트업 간담회; 발표, 토론\\제안\n둘째 줄 " * 5
    calendar = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:1\r\n"
        "DTSTAMP:20250324T000000Z\r\n" + fold(f"SUMMARY:{text(summary)}") + "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    [event] = icalendar.Calendar.from_ical(calendar).walk("VEVENT")
    assert str(event["SUMMARY"]) == summary
