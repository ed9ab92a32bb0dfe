"""Now, today, and the dates, times, months and years a user types. China Standard Time
throughout. Every one of them lies in the years FIRST_YEAR–LAST_YEAR: a complaint's number
keeps its four-digit year, and date arithmetic near the ends of the calendar cannot overflow.

``TSMS_NOW`` (``2026-11-23 09:00``) pins the clock: for tests and for replaying a day.
"""

from __future__ import annotations

import datetime as dt
import os
import re

from tsms.errors import TsmsError, shown
from tsms.vocab import t

CST = dt.timezone(dt.timedelta(hours=8), "CST")
FUTURE_TOLERANCE = dt.timedelta(minutes=10)

# 2026-11-23, 2026/11/23, 2026.11.23 or 2026年11月23日; a time as 14:30 or 14:30:05
_DATE = re.compile(r"^(\d{4})(?:-|/|\.|年)(\d{1,2})(?:-|/|\.|月)(\d{1,2})日?$")
_DATETIME = re.compile(r"^(\d{4})(?:-|/|\.|年)(\d{1,2})(?:-|/|\.|月)(\d{1,2})日?(?:[ T]+)?(\d{1,2})[:：](\d{2})"
                       r"(?:[:：](\d{2}))?$")

ACCEPTED_TIMES = "2026-11-23, 2026-11-23 14:30, today, yesterday, now"
ACCEPTED_DATES = "2026-11-23, today, yesterday"

# the years a date, time, month or year may fall in, wherever it is typed or imported
FIRST_YEAR, LAST_YEAR = 1950, 2100
_MONTH = re.compile(r"^(\d{4})(?:-|/|\.|年)(\d{1,2})月?$")
_YEAR = re.compile(r"^(\d{4})年?$")


def now() -> dt.datetime:
    """The current time in China, without offset (the ledger keeps one zone)."""
    pinned = os.environ.get("TSMS_NOW")
    if pinned:
        return parse_time(pinned, "TSMS_NOW", reference=dt.datetime(2000, 1, 1))
    return dt.datetime.now(CST).replace(tzinfo=None, microsecond=0)


def today() -> dt.date:
    return now().date()


def _bad(option: str, value: str, accepted: str) -> TsmsError:
    return TsmsError(
        t(
            "{o} 的值「{v}」不是有效的日期时间;可用:{a}",
            "{o}: {v!r} is not a valid date or time; accepted: {a}",
            o=option,
            v=shown(value),
            a=accepted,
        )
    )


def in_years(day: dt.date) -> bool:
    """Whether a date (or a moment) falls in FIRST_YEAR–LAST_YEAR."""
    return FIRST_YEAR <= day.year <= LAST_YEAR


def _in_years(value, option: str, text: str):
    if not in_years(value):
        raise TsmsError(
            t("{o} 的值「{v}」超出范围;年份应在 {a}–{b} 之间",
              "{o}: {v!r} is out of range; accepted: years {a} to {b}",
              o=option, v=shown(text), a=FIRST_YEAR, b=LAST_YEAR)
        )
    return value


def parse_time(
    text: str, option: str = "--at", reference: dt.datetime | None = None
) -> dt.datetime:
    """A typed moment: ``2026-11-23 14:30``, ``2026-11-23`` (midnight), ``today``/``now``
    (the current time), ``yesterday`` (the same time a day ago); in FIRST_YEAR–LAST_YEAR."""
    value = (text or "").strip()
    ref = reference or now()
    low = value.lower()
    if low in ("now", "today", "今天", "现在"):
        return _in_years(ref, option, text)
    if low in ("yesterday", "昨天"):
        return _in_years(ref - dt.timedelta(days=1), option, text)
    try:
        m = _DATETIME.match(value)
        if m:
            y, mo, d, h, mi, s = m.groups()
            return _in_years(dt.datetime(int(y), int(mo), int(d), int(h), int(mi), int(s or 0)), option, text)
        m = _DATE.match(value)
        if m:
            return _in_years(dt.datetime(*map(int, m.groups())), option, text)
    except ValueError:
        pass
    raise _bad(option, text, ACCEPTED_TIMES)


def is_bare_date(text: str) -> bool:
    return bool(_DATE.match((text or "").strip()))


def parse_date(text: str, option: str = "--as-of") -> dt.date:
    """A typed day: ``2026-11-23``, ``today``, ``yesterday``; in FIRST_YEAR–LAST_YEAR."""
    value = (text or "").strip()
    low = value.lower()
    if low in ("today", "今天"):
        return _in_years(today(), option, text)
    if low in ("yesterday", "昨天"):
        return _in_years(today() - dt.timedelta(days=1), option, text)
    m = _DATE.match(value)
    if m:
        try:
            return _in_years(dt.date(*map(int, m.groups())), option, text)
        except ValueError:
            pass
    raise _bad(option, text, ACCEPTED_DATES)


def parse_month(text: str, option: str = "--month") -> dt.date:
    """A typed month, ``2026-10`` (or 2026/10, 2026年10月): its first day; in FIRST_YEAR–LAST_YEAR."""
    m = _MONTH.match((text or "").strip())
    if m:
        try:
            return _in_years(dt.date(int(m.group(1)), int(m.group(2)), 1), option, text)
        except ValueError:
            pass
    raise TsmsError(t("{o} 的值「{v}」不是有效的月份;可用:2026-10", "{o}: {v!r} is not a valid month; accepted: 2026-10",
                      o=option, v=shown(text)))


def parse_year(text: str | int, option: str = "YEAR") -> int:
    """A typed year, four digits (``2027`` or ``2027年``), in FIRST_YEAR–LAST_YEAR."""
    m = _YEAR.match(str(text if text is not None else "").strip())
    if not m or not FIRST_YEAR <= int(m.group(1)) <= LAST_YEAR:
        raise TsmsError(t("{o} 的值「{v}」不是有效的年份;可用:{a}–{b} 的四位数",
                          "{o}: {v!r} is not a valid year; accepted: {a} to {b}",
                          o=option, v=shown(text), a=FIRST_YEAR, b=LAST_YEAR))
    return int(m.group(1))


def iso(moment: dt.datetime | None) -> str | None:
    """ISO 8601 with the China offset, as JSON output gives times."""
    if moment is None:
        return None
    return moment.replace(microsecond=0, tzinfo=CST).isoformat()


def short(moment: dt.datetime | None) -> str:
    return "" if moment is None else moment.strftime("%Y-%m-%d %H:%M")
