"""Now, today, and the dates and times a user types. China Standard Time throughout.

``TSMS_NOW`` (``2026-11-23 09:00``) pins the clock: for tests and for replaying a day.
"""

from __future__ import annotations

import datetime as dt
import os
import re

from tsms.errors import TsmsError
from tsms.vocab import t

CST = dt.timezone(dt.timedelta(hours=8), "CST")
FUTURE_TOLERANCE = dt.timedelta(minutes=10)

# 2026-11-23, 2026/11/23, 2026.11.23 or 2026年11月23日; a time as 14:30 or 14:30:05
_DATE = re.compile(r"^(\d{4})(?:-|/|\.|年)(\d{1,2})(?:-|/|\.|月)(\d{1,2})日?$")
_DATETIME = re.compile(r"^(\d{4})(?:-|/|\.|年)(\d{1,2})(?:-|/|\.|月)(\d{1,2})日?(?:[ T]+)?(\d{1,2})[:：](\d{2})"
                       r"(?:[:：](\d{2}))?$")

ACCEPTED_TIMES = "2026-11-23, 2026-11-23 14:30, today, yesterday, now"
ACCEPTED_DATES = "2026-11-23, today, yesterday"


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
            v=value,
            a=accepted,
        )
    )


def parse_time(
    text: str, option: str = "--at", reference: dt.datetime | None = None
) -> dt.datetime:
    """A typed moment: ``2026-11-23 14:30``, ``2026-11-23`` (midnight), ``today``/``now``
    (the current time), ``yesterday`` (the same time a day ago)."""
    value = (text or "").strip()
    ref = reference or now()
    low = value.lower()
    if low in ("now", "today", "今天", "现在"):
        return ref
    if low in ("yesterday", "昨天"):
        return ref - dt.timedelta(days=1)
    try:
        m = _DATETIME.match(value)
        if m:
            y, mo, d, h, mi, s = m.groups()
            return dt.datetime(int(y), int(mo), int(d), int(h), int(mi), int(s or 0))
        m = _DATE.match(value)
        if m:
            return dt.datetime(*map(int, m.groups()))
    except ValueError:
        pass
    raise _bad(option, text, ACCEPTED_TIMES)


def is_bare_date(text: str) -> bool:
    return bool(_DATE.match((text or "").strip()))


def parse_date(text: str, option: str = "--as-of") -> dt.date:
    """A typed day: ``2026-11-23``, ``today``, ``yesterday``."""
    value = (text or "").strip()
    low = value.lower()
    if low in ("today", "今天"):
        return today()
    if low in ("yesterday", "昨天"):
        return today() - dt.timedelta(days=1)
    m = _DATE.match(value)
    if m:
        try:
            return dt.date(*map(int, m.groups()))
        except ValueError:
            pass
    raise _bad(option, text, ACCEPTED_DATES)


def iso(moment: dt.datetime | None) -> str | None:
    """ISO 8601 with the China offset, as JSON output gives times."""
    if moment is None:
        return None
    return moment.replace(microsecond=0, tzinfo=CST).isoformat()


def short(moment: dt.datetime | None) -> str:
    return "" if moment is None else moment.strftime("%Y-%m-%d %H:%M")
