"""The TimelineJS export: its JSON shape, dated only as precisely as each fact is known."""

from __future__ import annotations

from tests.integration.exports.conftest import ROUNDTABLE, timeline_json


async def test_a_timelinejs_export_has_a_title_slide_and_a_slide_per_entry(api):
    response = await api.get("/agencies/mss/timeline", params={"format": "timelinejs"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["content-disposition"] == (
        'attachment; filename="mss-timeline.timelinejs.json"'
    )
    body = response.json()
    assert body["title"]["text"]["headline"].startswith("중소벤처기업부 · Ministry of SMEs and Startups")
    entries = await timeline_json(api, "mss")
    assert [slide["unique_id"] for slide in body["events"]] == [e["event_id"] for e in entries]
    for slide, entry in zip(body["events"], entries, strict=True):
        assert set(slide) >= {"start_date", "text", "group", "unique_id"}
        assert slide["text"]["headline"]
        assert slide["start_date"]["year"] == 2025
        if entry["precision"] == "month":
            assert "day" not in slide["start_date"]
            assert slide["start_date"]["month"] == int(entry["date"][5:7])
        if entry["approximate"]:
            assert "approx" in slide["display_date"]
    plan = body["events"][0]
    assert plan["start_date"] == {"year": 2025, "month": 2, "display_date": "2025-02"}
    assert plan["group"] == "정책 Initiatives"


async def test_a_day_precise_slide_has_its_day_and_escaped_html(api, seeded_log):
    body = (await api.get("/agencies/pipc/timeline", params={"format": "timelinejs"})).json()
    roundtable = next(
        s for s in body["events"] if s["unique_id"] == str(seeded_log.event_of(ROUNDTABLE).id)
    )
    assert roundtable["start_date"] == {"year": 2025, "month": 3, "day": 24}
    assert "display_date" not in roundtable
    assert roundtable["text"]["headline"] == "AI 스타트업 간담회"
    assert "<blockquote>" in roundtable["text"]["text"]


async def test_a_retracted_fact_has_no_slide_but_keeps_its_csv_row(api, seeded_log):
    await seeded_log.retract(ROUNDTABLE, "test retraction", "24일")
    slides = (await api.get("/agencies/pipc/timeline", params={"format": "timelinejs"})).json()
    assert str(seeded_log.event_of(ROUNDTABLE).id) not in {s["unique_id"] for s in slides["events"]}
    csv_text = (await api.get("/agencies/pipc/timeline", params={"format": "csv"})).text
    assert str(seeded_log.event_of(ROUNDTABLE).id) in csv_text and ",retracted," in csv_text
