"""Korean and English labels for what the page shows: categories, kinds, statuses, dates."""

from __future__ import annotations

from datetime import date

from service.queries.timeline import SHOWN

# Each timeline fact type is drawn as one of three categories (its ``category`` in
# ``service.queries.timeline.SHOWN``), each with its own shape and colour (static/page.css),
# so that colour is never the only difference.
CATEGORY_LABELS = {
    "meeting": ("회의", "Meeting"),
    "statement": ("발언·제안", "Statement"),
    "plan": ("계획·정책", "Plan / initiative"),
}


def category_types(category: str) -> list[str]:
    """The timeline types drawn as ``category``."""
    return [t for t, shown in SHOWN.items() if shown.category == category]

KINDS = {
    "roundtable": ("간담회", "roundtable"),
    "review_meeting": ("점검 회의", "review meeting"),
    "conference": ("회의", "conference"),
    "hearing": ("공청회", "hearing"),
    "briefing": ("브리핑", "briefing"),
    "consultation": ("협의", "consultation"),
    "remark": ("발언", "remark"),
    "proposal": ("제안", "proposal"),
    "presentation": ("발표", "presentation"),
    "pledge": ("약속", "pledge"),
    "plan": ("계획", "plan"),
    "guideline": ("안내서·지침", "guideline"),
    "policy": ("정책", "policy"),
    "programme": ("사업", "programme"),
    "strategy": ("전략", "strategy"),
    "regulation": ("규정", "regulation"),
    "law": ("법률", "law"),
    "fund": ("기금", "fund"),
}
STATUSES = {
    "planned": ("계획", "planned"),
    "in_preparation": ("준비 중", "in preparation"),
    "published": ("발표됨", "published"),
    "completed": ("완료", "completed"),
    "cancelled": ("취소", "cancelled"),
}
STATES = {
    "active": ("", ""),
    "corrected": ("정정됨", "corrected"),
    "retracted": ("철회됨", "retracted"),
}
ROLES = {
    "organiser": ("주최", "organiser"),
    "attendee": ("참석", "attendee"),
    "responsible": ("담당", "responsible"),
    "speaker": ("발언", "speaker"),
    "host": ("주최 회의", "host"),
}

ROLE_CHOICES = {
    "speaker": "its own statements (by it or its people)",
    "host": "statements at its meetings",
    "organiser": "meetings it organised",
    "attendee": "meetings it attended",
    "responsible": "its initiatives",
}
"""The timeline's ``role`` filter in words (``AGENCY_ROLES``)."""

MONTHS_EN = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def pair(table: dict[str, tuple[str, str]], key: str | None) -> tuple[str, str]:
    """The Korean and English label of ``key``, or the key itself where none is known."""
    if key is None:
        return ("", "")
    return table.get(key, (key.replace("_", " "), key.replace("_", " ")))


def date_label(reduced: str, approximate: bool = False) -> tuple[str, str]:
    """A reduced date as people write it: "2025년 2월" / "Feb 2025"; approximate with "경"/"c."."""
    parts = [int(p) for p in reduced.split("-")]
    if len(parts) == 1:
        ko, en = f"{parts[0]}년", f"{parts[0]}"
    elif len(parts) == 2:
        ko, en = f"{parts[0]}년 {parts[1]}월", f"{MONTHS_EN[parts[1] - 1]} {parts[0]}"
    else:
        ko = f"{parts[0]}년 {parts[1]}월 {parts[2]}일"
        en = f"{parts[2]} {MONTHS_EN[parts[1] - 1]} {parts[0]}"
    if approximate:
        return f"{ko}경", f"c. {en}"
    return ko, en


def precision_label(precision: str) -> tuple[str, str]:
    return {
        "year": ("연 단위", "year"),
        "month": ("월 단위", "month"),
        "day": ("일 단위", "day"),
    }.get(precision, (precision, precision))


def month_tick(day: date) -> tuple[str, str]:
    return f"{day.year}.{day.month}", f"{MONTHS_EN[day.month - 1]} {day.year}"
