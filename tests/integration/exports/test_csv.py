"""The CSV export, read back with the csv module."""

from __future__ import annotations

import csv
import io

from events.seed import SOURCE_ID
from tests.integration.exports.conftest import REVIEW_MEETING, timeline_json


def read_csv(content: bytes) -> list[dict]:
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM spreadsheets need to read UTF-8
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


async def test_the_csv_has_one_row_per_timeline_entry_with_korean_intact(api):
    response = await api.get("/agencies/mss/timeline", headers={"Accept": "text/csv"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="mss-timeline.csv"'
    rows = read_csv(response.content)
    entries = await timeline_json(api, "mss")
    assert [row["event_id"] for row in rows] == [e["event_id"] for e in entries]
    assert len(rows) == 7
    for row, entry in zip(rows, entries, strict=True):
        assert (row["date"], row["precision"], row["type"], row["state"]) == (
            entry["date"], entry["precision"], entry["type"], entry["state"],
        )
        assert (row["title_ko"], row["date_from"]) == (entry["title_ko"], entry["date_from"])
        for column in ("title_en", "summary_ko", "summary_en", "original_words"):
            assert row[column] == (entry[column] or ""), column
        assert row["approximate"] == ("true" if entry["approximate"] else "false")
        assert row["recorded_at"] == entry["recorded_at"].replace("Z", "+00:00")
        assert entry["title_ko"].encode() in response.content  # byte for byte, no escapes
        assert row["evidence_quotes"] == "\n\n".join(e["quote"] for e in entry["evidence"])
        assert row["source_ids"] == SOURCE_ID
    first = rows[0]
    assert (first["date"], first["precision"], first["original_words"]) == ("2025-02", "month", "지난달")
    # The review meeting's summaries, each in its language's column, the English as corrected.
    [meeting] = [row for row in rows if row["type"] == "meeting.held"]
    assert meeting["summary_ko"].startswith("오영주 장관과 국내 AI 스타트업, 제조 AI 기업, 전문가 등 20여명이")
    assert meeting["summary_en"].startswith("About 20 people, among them the minister")
    assert meeting["title_en"] == "Review meeting on the direction of workforce policy"
    # The statements made at the review meeting have its date.
    assert [row["date_from"] for row in rows].count("meeting") == 3


async def test_the_format_parameter_gives_the_same_csv_as_accept(api):
    by_accept = await api.get("/agencies/pipc/timeline", headers={"Accept": "text/csv"})
    by_parameter = await api.get("/agencies/pipc/timeline", params={"format": "csv"})
    assert by_parameter.status_code == 200
    assert by_parameter.content == by_accept.content
    assert by_parameter.headers["etag"] == by_accept.headers["etag"]


async def test_the_csv_honours_period_type_and_as_of(api, seeded_log, pool):
    seeded_at = await pool.fetchval("SELECT max(recorded_at) FROM events")
    await seeded_log.correct(
        REVIEW_MEETING,
        {"occurred": {"date": "2025-03-11"}},
        "another report gives the day",
        "최근 '인력정책 방향 점검 회의'를 개최하고",
    )
    params = {"format": "csv", "type": "meeting.held", "from": "2025-03"}
    [now] = read_csv((await api.get("/agencies/mss/timeline", params=params)).content)
    [then] = read_csv(
        (await api.get("/agencies/mss/timeline", params={**params, "as_of": seeded_at.isoformat()})).content
    )
    assert (now["date"], now["state"]) == ("2025-03-11", "corrected")
    assert (then["date"], then["state"]) == ("2025-03", "corrected")  # by the seed's erratum
    february = read_csv((await api.get(
        "/agencies/mss/timeline", params={"format": "csv", "to": "2025-02"}
    )).content)
    assert [row["date"] for row in february] == ["2025-02"]


async def test_a_csv_cell_that_a_spreadsheet_would_run_is_quoted_as_text():
    from service.exports.spreadsheet import _cell

    assert [_cell(v) for v in ("=HYPERLINK(1)", "+1", "-x", "@a", "AI 인재", "2025-03")] == [
        "'=HYPERLINK(1)", "'+1", "'-x", "'@a", "AI 인재", "2025-03",
    ]
