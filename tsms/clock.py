"""Now, today, and the dates, times, months and years a user types. China Standard Time
throughout. Every one of them lies in the years FIRST_YEAR–LAST_YEAR: a complaint's number
keeps its four-digit year, and date arithmetic near the ends of the calendar cannot overflow.

``TSMS_NOW`` (``2026-11-23 09:00``, or ISO 8601 with an offset as tsms's JSON writes
``2026-11-23T09:00:00+08:00``) pins the clock: for tests and for replaying a day.
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
_DATE = re.compile(r"^(\d{4})(?:-|/|\.|年)(\d{1,2})(?:-|/|\.|月)(\d{1,2})[日号]?$")
_DATETIME = re.compile(r"^(\d{4})(?:-|/|\.|年)(\d{1,2})(?:-|/|\.|月)(\d{1,2})日?(?:[ T]+)?(\d{1,2})[:：](\d{2})"
                       r"(?:[:：](\d{2}))?$")

ACCEPTED_TIMES = ("2026-11-23 14:30, 11月23日 9:30, 11/23 9:30, 11.23 9:30, 昨天 15:00, 昨天 下午3点, "
                  "11月23日 上午9点半, 9:30, 2026-11-23, 11月23号, 昨天, now")
ACCEPTED_DATES = "2026-11-23, 2026年11月23日, 11月23日, 11月23号, 11/23, 11.23, today, yesterday, 昨天, 前天"

# ISO 8601 with its offset, as tsms's own JSON gives times: 2026-11-27T10:00:00+08:00, …Z
_ISO_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$", re.I)


def _from_iso(value: str) -> dt.datetime | None:
    """A moment written as ISO 8601 with an offset, in China Standard Time; None if it is not one."""
    if not _ISO_OFFSET.match(value):
        return None
    try:
        moment = dt.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(CST).replace(tzinfo=None, microsecond=0)


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


def moment_on(day: dt.date, current: dt.datetime | None = None) -> dt.datetime:
    """The moment a view dated ``day`` judges deadlines by: now when ``day`` is today, else
    that day's start (a deadline in days is late from the start of the day after it; one in
    hours from the moment after it — rules.is_late)."""
    current = current or now()
    return current if day == current.date() else dt.datetime.combine(day, dt.time())


def _bad(option: str, value: str, accepted: str, day: bool = False) -> TsmsError:
    return TsmsError(
        t(
            "{o} 的值「{v}」不是有效的日期;可用:{a}" if day else "{o} 的值「{v}」不是有效的日期时间;可用:{a}",
            "{o}: {v!r} is not a valid date; accepted: {a}" if day else "{o}: {v!r} is not a valid date or time; accepted: {a}",
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


# a time of day at the end of what was typed (not the tail of a number): 9:30, 09:30:05,
# 9点, 9点30, 9点30分, 9点半, 15时; after 上午/下午/晚上 … a 12-hour clock (see _hour)
_TIME_OF_DAY = re.compile(r"(?:(凌晨|早上|早晨|上午|中午|下午|傍晚|晚上)\s*)?(?<!\d)(\d{1,2})"
                          r"(?::(\d{2})(?::(\d{2}))?|[点时](?:(\d{1,2})分?|(半))?)$")
# a month and day without a year: 11月11日, 11月11号, 11/11, 11-11, 11.11
_MONTH_DAY = re.compile(r"^(\d{1,2})(?:-|/|\.|月)(\d{1,2})[日号]?$")
_MORNING, _AFTERNOON = ("凌晨", "早上", "早晨", "上午"), ("下午", "傍晚", "晚上")


def _hour(period: str | None, hour: int) -> int:
    """The hour on a 24-hour clock. 上午/早上/凌晨 take 0–12 as they are (上午13点 is refused);
    中午 11–12 as they are and 1–2 as afternoon; 下午/傍晚/晚上 add 12 to 1–11, keep 12 as
    noon (下午12点 = 12:00) and 13–23 as typed — 晚上12点 (midnight or noon?) is refused:
    type 0:00 of the next day or 23:59. Raises ValueError when the hour does not fit."""
    if period is None:
        return hour
    if period in _MORNING:
        if hour > 12:
            raise ValueError(period)
        return hour
    if period == "中午":
        if hour in (11, 12):
            return hour
        if 1 <= hour <= 2:
            return hour + 12
        raise ValueError(period)
    if period == "晚上" and hour in (0, 12):
        raise ValueError(period)
    if 1 <= hour <= 11:
        return hour + 12
    if 12 <= hour <= 23:
        return hour
    raise ValueError(period)
# days before today, by name
_DAYS_AGO = {"today": 0, "今天": 0, "今日": 0, "yesterday": 1, "昨天": 1, "昨日": 1, "前天": 2}


def fold(text: str | None) -> str:
    """What was typed, as one form: full-width digits, colon and letters folded (NFKC),
    ideographic and other spaces made one plain space, trimmed."""
    import unicodedata

    return " ".join(unicodedata.normalize("NFKC", text or "").split())


def _day_of(part: str, ref: dt.datetime) -> dt.date | None:
    """The day a typed date names: a full date, a word (今天/昨天/前天), or a month and day of
    the ledger's current year — of last year when that day has not come yet (a clerk records
    what happened). None when it names none."""
    low = part.lower()
    if low in _DAYS_AGO:
        return ref.date() - dt.timedelta(days=_DAYS_AGO[low])
    m = _DATE.match(part)
    if m:
        return dt.date(*map(int, m.groups()))
    m = _MONTH_DAY.match(part)
    if m:
        month, day = int(m.group(1)), int(m.group(2))
        try:
            this_year = dt.date(ref.year, month, day)
        except ValueError:  # 2月29日 in a common year: last year's, if it had one
            return dt.date(ref.year - 1, month, day)
        return this_year if this_year <= ref.date() else dt.date(ref.year - 1, month, day)
    return None


def parse_moment(
    text: str, option: str = "--at", reference: dt.datetime | None = None
) -> tuple[dt.datetime, bool]:
    """A typed moment and whether its time of day was given.

    ``now``/``现在``/``today``/``今天`` alone: the current time. A date and a time
    (``2026-11-23 14:30``, ``2026年11月11日 9:30``, ``11月11日 9:30``, ``11/11 9:30``,
    ``11-11 09:30``, ``昨天 15:00``, ``前天 9:00``, ``today 9:30``), or a time alone
    (``9:30``: today). A date alone (``2026-11-23``, ``11月11日``, ``昨天``, ``前天``) is
    that day with its time unknown: midnight, and ``False``. A month and day without a
    year is of the current year, or of last year when that day is still to come.
    Full-width digits, colons and spaces are read as their plain forms. In
    FIRST_YEAR–LAST_YEAR."""
    value = fold(text)
    moment = _from_iso(value)
    if moment is not None:
        return _in_years(moment, option, text), True
    ref = reference or now()
    low = value.lower()
    if low in ("now", "today", "今天", "现在"):
        return _in_years(ref, option, text), True
    try:
        m = _TIME_OF_DAY.search(value)
        if m:
            part = value[: m.start()].rstrip(" T")
            day = ref.date() if not part else _day_of(part, ref)
            if day is not None:
                period, h, mi, sec, mi2, half = m.groups()
                minute = int(mi if mi is not None else mi2 or 0) if not half else 30
                moment = dt.time(_hour(period, int(h)), minute, int(sec or 0))
                return _in_years(dt.datetime.combine(day, moment), option, text), True
        elif value:
            day = _day_of(value, ref)
            if day is not None:
                return _in_years(dt.datetime.combine(day, dt.time()), option, text), False
    except ValueError:
        pass
    raise _bad(option, text, ACCEPTED_TIMES)


def parse_time(
    text: str, option: str = "--at", reference: dt.datetime | None = None
) -> dt.datetime:
    """A typed moment (see parse_moment); a date alone is its midnight."""
    return parse_moment(text, option, reference)[0]


def parse_date(text: str, option: str = "--as-of") -> dt.date:
    """A typed day: ``2026-11-23`` (or 2026年11月23日), ``11月23日``/``11/23``/``11-23``
    (a day of the current year: an as-of date or a plan date may lie ahead), ``today``,
    ``yesterday``, ``昨天``, ``前天``, full-width digits too; in FIRST_YEAR–LAST_YEAR."""
    value = fold(text)
    moment = _from_iso(value)
    if moment is not None:  # tsms's own JSON time: its day in China
        return _in_years(moment.date(), option, text)
    low = value.lower()
    if low in _DAYS_AGO:
        return _in_years(today() - dt.timedelta(days=_DAYS_AGO[low]), option, text)
    m = _DATE.match(value)
    try:
        if m:
            return _in_years(dt.date(*map(int, m.groups())), option, text)
        m = _MONTH_DAY.match(value)
        if m:
            return _in_years(dt.date(today().year, int(m.group(1)), int(m.group(2))), option, text)
    except ValueError:
        pass
    raise _bad(option, text, ACCEPTED_DATES, day=True)


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
