"""Dates from words: when a passage's own words say something happened, resolved against its
source's publication date, as proposals an editor takes or changes (docs/desk.md, "Dates from
words").

Each proposal is an ``events.Occurred`` (a reduced date, ``approximate``, and the words it
rests on as ``original``), where those words stand in the passage, and the reasoning in plain
English. The rules never give a day that the words do not: a proposal has a day only where the
words hold a day's number (``24일``); "최근" (recently) is the month of publication, approximate,
even when the publication's day is known. What the words place after the publication
("향후", "오는 24일", "내년", a year to come) dates nothing that happened: such a passage, like one
without dating words, is proposed the publication's month (or year), approximate, with no words.
"""

from __future__ import annotations

import calendar
import re
from typing import NamedTuple

import msgspec

import events


class DateProposal(msgspec.Struct, frozen=True, kw_only=True):
    occurred: events.Occurred
    """The date to record: ``original`` is ``words`` (none for a date by publication)."""
    words: str | None
    """The words it rests on, as the passage has them; none: the publication date alone."""
    start: int | None
    """Where the words stand in the passage: ``passage[start:end]`` (code points)."""
    end: int | None
    reasoning: str


GLOSSES = {
    "올해": "this year", "금년": "this year", "작년": "last year", "지난해": "last year",
    "내년": "next year", "이듬해": "the year after",
    "이달": "this month", "이번 달": "this month", "이번달": "this month",
    "지난달": "last month", "지난 달": "last month",
    "다음 달": "next month", "다음달": "next month", "내달": "next month",
    "최근": "recently", "향후": "from now on", "앞으로": "from now on",
}
FUTURE_WORDS = frozenset({"내년", "이듬해", "다음 달", "다음달", "내달", "향후", "앞으로"})

EXPRESSION = re.compile(
    r"""(?<![0-9A-Za-z가-힣])
    (?:
        (?P<word>최근(?!\s*[0-9]+\s*(?:년|개월|주|일))|향후|앞으로)
    |
        (?:(?P<lead>지난|오는)\s+(?=[0-9]))?
        (?:(?P<year>[0-9]{4})년|(?P<year_word>올해|금년|작년|지난해|내년|이듬해))?
        (?:\s*(?:(?P<month>[0-9]{1,2})월|(?P<month_word>이달|이번\s?달|지난\s?달|다음\s?달|내달)))?
        (?:\s*(?P<day>[0-9]{1,2})일(?!간|째|\s?동안|만|치|분|당|씩))?
        (?P<about>께|경|쯤|\s?무렵|\s?전후)?
    )""",
    re.VERBOSE,
)
"""A dating expression: a word ("최근", "향후"), or a year, a month and a day, each given by a
number ("2025년", "3월", "24일") or a word ("올해", "지난달"), in that order, any of them left
out; "지난 24일" (the 24th just past) and "오는 24일" (the 24th to come); "께", "경", "쯤",
"무렵", "전후" (about) after them. A day's number followed by what makes it a length of time
("3일간", "3일 동안", "3일째") is none."""


class _Publication:
    """The publication date's year, month and day, as far as it gives them."""

    def __init__(self, published: events.Occurred) -> None:
        value = published.date
        self.date = value
        self.year = int(value[:4])
        self.month = int(value[5:7]) if len(value) >= 7 else None
        self.day = int(value[8:10]) if len(value) == 10 else None
        self.approximate = published.approximate
        self.latest = published.latest()

    def month_text(self) -> str:
        return f"{self.year}-{self.month:02}" if self.month else f"{self.year}"


def date_proposals(passage: str, published: events.Occurred | None) -> list[DateProposal]:
    """Every date the passage's words give, in the order the words stand; where they give
    none, the publication's month (or year), approximate, with no words; nothing where
    neither the words nor a publication date give one."""
    publication = _Publication(published) if published is not None else None
    proposals: list[DateProposal] = []
    set_aside: list[str] = []  # why words that look like a date give none
    for match in EXPRESSION.finditer(passage):
        words = match.group().strip()
        if not words or not _dates(match):
            continue
        start = match.start() + (len(match.group()) - len(match.group().lstrip()))
        found = _resolve(match, words, publication)
        if isinstance(found, Reading):
            proposals.append(DateProposal(
                occurred=found.occurred, words=words, start=start, end=start + len(words),
                reasoning=f"{found.because} Proposed: {_stated(found.occurred)}.",
            ))
        elif found:
            set_aside.append(found)
    if proposals or publication is None:
        return proposals
    return [_by_publication(publication, set_aside)]


def propose_date(passage: str, published: events.Occurred | None) -> DateProposal | None:
    """The first of ``date_proposals``: what the desk fills in, for the editor to change."""
    proposals = date_proposals(passage, published)
    return proposals[0] if proposals else None


class Reading(NamedTuple):
    occurred: events.Occurred
    because: str


def _dates(match: re.Match[str]) -> bool:
    return any(match[name] for name in ("word", "year", "year_word", "month", "month_word", "day"))


def _resolve(match: re.Match[str], words: str, publication: _Publication | None) -> Reading | str:
    """The date the words give and why; or why they give none (empty where nothing needs
    saying: no publication date to place them against)."""
    word, lead = match["word"], match["lead"]
    if word in FUTURE_WORDS or lead == "오는" or match["year_word"] in FUTURE_WORDS or (
        match["month_word"] and _spaced(match["month_word"]) in FUTURE_WORDS
    ):
        return f"{_quoted(words)} looks ahead, to what is to come, and dates nothing that happened."
    if publication is None and not match["year"]:
        return ""
    if word == "최근":
        assert publication is not None
        return Reading(_occurred(publication.month_text(), True, words), (
            f"{_quoted(words)} in a source published {publication.date}: the "
            f"{'month' if publication.month else 'year'} of publication, approximate (it may be "
            f"earlier). The words give no {'day' if publication.month else 'month'}."
        ))
    parts = _parts(match, words, publication)
    if isinstance(parts, str):
        return parts
    (year, month, day), approximate, because = parts
    # A date worked out from an approximate publication date is approximate too.
    inherited = publication is not None and publication.approximate and not match["year"]
    value = f"{year:04}" + (f"-{month:02}" if month else "") + (f"-{day:02}" if day else "")
    try:
        occurred = _occurred(value, approximate or inherited or bool(match["about"]), words)
    except msgspec.ValidationError:
        return f"{_quoted(words)} names no real day ({value} does not exist)."
    if publication is not None and occurred.earliest() > publication.latest:
        return f"{_quoted(words)} ({value}) is after the publication: to come, not what happened."
    if match["about"]:
        because += f" '{match['about'].strip()}' (about) makes it approximate."
    if inherited and publication is not None:
        because += f" The publication date {publication.date} is approximate, and so is this."
    return Reading(occurred, because)


Parts = tuple[tuple[int, int | None, int | None], bool, str]
"""(year, month, day), whether approximate, and why."""


def _parts(match: re.Match[str], words: str, publication: _Publication | None) -> Parts | str:
    """The date the words give; or why they give none."""
    day = int(match["day"]) if match["day"] else None
    month = int(match["month"]) if match["month"] else None
    quoted = _quoted(words)
    if month is not None and not 1 <= month <= 12:
        return f"{quoted} names no real month."
    if match["year"]:
        if match["month_word"]:
            return f"{quoted} gives a year and a relative month: no date to make of it."
        return (int(match["year"]), month, day), False, f"{quoted} gives the date itself."
    assert publication is not None
    published = f"in a source published {publication.date}"
    rest = "" if day else " The words give no day." if month or match["month_word"] else (
        " The words give no month."
    )
    if match["year_word"]:
        if match["month_word"]:
            return f"{quoted} gives a year and a relative month: no date to make of it."
        year = publication.year - (1 if match["year_word"] in ("작년", "지난해") else 0)
        return (year, month, day), False, _counted(words, match["year_word"], published, f"{year}") + rest
    if match["month_word"]:
        if publication.month is None:
            return f"{quoted}: the publication date ({publication.date}) gives no month to count from."
        year, month = publication.year, publication.month
        if _spaced(match["month_word"]) in ("지난달", "지난 달"):
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        return (year, month, day), False, (
            _counted(words, match["month_word"], published, f"{year}-{month:02}") + rest
        )
    if month is not None:
        return _month_without_year(match, quoted, month, day, publication, rest)
    assert day is not None
    return _day_alone(quoted, day, publication)


def _month_without_year(
    match: re.Match[str], quoted: str, month: int, day: int | None, publication: _Publication,
    rest: str,
) -> Parts | str:
    year = publication.year
    if publication.month is None:
        return (year, month, day), True, (
            f"{quoted} gives no year: the year of publication, {year}, approximate (it may be "
            f"the year before).{rest}"
        )
    if match["lead"] == "지난":
        if month >= publication.month:
            year -= 1
        return (year, month, day), False, (
            f"{quoted} in a source published {publication.date}: the latest "
            f"{calendar.month_name[month]} before the month of publication, in {year}.{rest}"
        )
    if month > publication.month:
        return (
            f"{quoted} gives no year, and its month is after the month of publication: later "
            "that year (to come), or in the year before. Not placed."
        )
    return (year, month, day), False, (
        f"{quoted} gives no year: a month not after the month of publication "
        f"({publication.date}) is of its year, {year}.{rest}"
    )


def _day_alone(quoted: str, day: int, publication: _Publication) -> Parts | str:
    published = f"in a source published {publication.date}"
    if publication.month is None:
        return f"{quoted} gives a day, and the publication date ({publication.date}) no month."
    year, month = publication.year, publication.month
    if publication.day is None:
        return (year, month, day), False, (
            f"{quoted} {published}: the {_ordinal(day)} of the month of publication. The "
            f"publication date gives no day, so the {_ordinal(day)} of the month before (in a "
            "source published early in a month) cannot be ruled out: check the month."
        )
    if day <= publication.day:
        return (year, month, day), False, (
            f"{quoted} {published}: the {_ordinal(day)} of the month of publication."
        )
    year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return (year, month, day), False, (
        f"{quoted} {published}: the {_ordinal(day)} is after the day of publication, so it is "
        "the one of the month before."
    )


def _by_publication(publication: _Publication, set_aside: list[str]) -> DateProposal:
    occurred = _occurred(publication.month_text(), True, None)
    said = " ".join(set_aside) if set_aside else "No words here give a date."
    return DateProposal(
        occurred=occurred, words=None, start=None, end=None,
        reasoning=(
            f"{said} What the passage reports is dated by its source's publication: the "
            f"{'month' if publication.month else 'year'} of publication, approximate (it "
            f"happened by then, perhaps earlier). Proposed: {_stated(occurred)}."
        ),
    )


def _occurred(value: str, approximate: bool, words: str | None) -> events.Occurred:
    return msgspec.convert(
        {"date": value, "approximate": approximate, "original": words}, events.Occurred
    )


def _stated(occurred: events.Occurred) -> str:
    return occurred.date + (", approximate" if occurred.approximate else "")


def _quoted(words: str) -> str:
    """'지난달' (last month): the words, and what they mean where a gloss is known."""
    gloss = GLOSSES.get(_spaced(words))
    return f"'{words}'" + (f" ({gloss})" if gloss else "")


def _counted(words: str, relative: str, published: str, value: str) -> str:
    """How a year or month counted from the publication reads: "'지난달' (last month) in a
    source published 2025-03 is 2025-02", or "'지난달 24일' in …: '지난달' (last month) is …"."""
    if words == relative:
        return f"{_quoted(words)} {published} is {value}."
    return f"'{words}' {published}: {_quoted(relative)} is {value}."


def _spaced(words: str) -> str:
    """"이번달" and "이번 달" alike, as GLOSSES spells them."""
    return words if words in GLOSSES else re.sub(r"\s+", " ", words)


def _ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"
