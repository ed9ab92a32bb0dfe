"""Working days of mainland China: the State Council's yearly arrangement plus the ledger's
own entries.

* 国务院办公厅关于部分节假日安排的通知 (yearly): weekends are rest days except the announced
  make-up working days (调休上班); announced holidays and substituted days off are rest days.
* 《中华人民共和国民法典》 第二百零一条: a period does not count the day on which it starts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable, Mapping

__all__ = ['YearCalendar', 'LocalDay', 'WorkCalendar', 'first_working_day_on_or_after', 'last_working_day_on_or_before', 'add_working_days', 'working_days_between', 'working_day_counter']


@dataclass(frozen=True)
class YearCalendar:
    """One year of the State Council's arrangement.

    rest_days: announced holidays and substituted days off (any weekday).
    work_days: announced make-up working days that fall on a weekend (调休上班).
    names: a name for each special day, in Chinese and English.
    confirmed: the official notice for this year is out (otherwise the days are estimated).
    """

    year: int
    rest_days: frozenset[dt.date] = frozenset()
    work_days: frozenset[dt.date] = frozenset()
    names: Mapping[dt.date, tuple[str, str]] = field(default_factory=dict)
    confirmed: bool = True


@dataclass(frozen=True)
class LocalDay:
    """A day the ledger itself records (tsms calendar set): wins over the package."""

    working: bool
    note: str = ""


class WorkCalendar:
    """Working days of mainland China: the yearly arrangement plus the ledger's own entries.

    ``source(year) -> YearCalendar`` supplies a year on first use (from the ``holidays``
    package or the ledger's cache); ``local`` holds entries recorded in the ledger, which
    win over the source (SPEC §3: 「local entries win over the package」);
    ``confirmed_years`` are years the ledger declares official although the source does not.
    """

    def __init__(
        self,
        source: Callable[[int], YearCalendar],
        local: Mapping[dt.date, LocalDay] | None = None,
        confirmed_years: frozenset[int] | set[int] = frozenset(),
    ):
        self._source = source
        self._years: dict[int, YearCalendar] = {}
        self.local = dict(local or {})
        self.confirmed_years = frozenset(confirmed_years)

    def year(self, year: int) -> YearCalendar:
        cal = self._years.get(year)
        if cal is None:
            cal = self._years[year] = self._source(year)
        return cal

    def is_working_day(self, day: dt.date) -> bool:
        """Weekdays work and weekends rest, except announced make-up days and holidays."""
        entry = self.local.get(day)
        if entry is not None:
            return entry.working
        cal = self.year(day.year)
        if day in cal.work_days:
            return True
        if day in cal.rest_days:
            return False
        return day.weekday() < 5

    def is_confirmed(self, year: int) -> bool:
        """The year's official arrangement is known (from the package or the ledger)."""
        return year in self.confirmed_years or self.year(year).confirmed

    def is_provisional(self, start: dt.date, end: dt.date) -> bool:
        """A result counted over [start, end] rests on an unconfirmed year."""
        lo, hi = min(start, end), max(start, end)
        return any(not self.is_confirmed(y) for y in range(lo.year, hi.year + 1))

    def day_name(self, day: dt.date, lang: str = "zh") -> str:
        entry = self.local.get(day)
        if entry is not None and entry.note:
            return entry.note
        names = self.year(day.year).names.get(day)
        if names:
            return names[0] if lang == "zh" else names[1]
        if day in self.year(day.year).work_days:
            return "调休上班" if lang == "zh" else "make-up workday"
        return ""


def first_working_day_on_or_after(day: dt.date, cal: WorkCalendar) -> dt.date:
    """The day itself when it is a working day, else the next working day.

    Source: seed 《涉民投诉管理责任制度》 第3条 「接到涉民投诉后,应当场答复是否受理」 — a
    complaint received on a rest day is answered on the first working day.
    """
    while not cal.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def last_working_day_on_or_before(day: dt.date, cal: WorkCalendar) -> dt.date:
    """The day itself when it is a working day, else the working day before it: where a
    planned revisit or a notice must not come later than its day (a planned visit falls on
    a working day, SPEC §3)."""
    while not cal.is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def add_working_days(day: dt.date, n: int, cal: WorkCalendar) -> dt.date:
    """The n-th working day after ``day`` (n >= 0; n == 0 gives ``day`` itself).

    Source: 《民法典》 第二百零一条 — the starting day is not counted; counting begins
    the next day. Rest days and make-up workdays follow the State Council's notice.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    while n:
        day += dt.timedelta(days=1)
        if cal.is_working_day(day):
            n -= 1
    return day


def working_days_between(start: dt.date, end: dt.date, cal: WorkCalendar) -> int:
    """Working days in (start, end]: how many working days after ``start`` ``end`` is.

    The inverse of :func:`add_working_days` (《民法典》 第二百零一条: the first day is not
    counted). Negative when ``end`` is before ``start``.
    """
    if end < start:
        return -working_days_between(end, start, cal)
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if cal.is_working_day(day):
            count += 1
    return count


def working_day_counter(first: dt.date, last: dt.date, cal: WorkCalendar):
    """:func:`working_days_between` for many pairs within [first, last], each in O(1): a
    running count of working days over the span is built once (reports over a month of
    ten thousand complaints).

    Source: as :func:`working_days_between` — 《民法典》 第二百零一条 (the first day is not
    counted) and the State Council's yearly arrangement.
    """
    running, count, day = {}, 0, first
    while day <= last:
        if cal.is_working_day(day):
            count += 1
        running[day] = count
        day += dt.timedelta(days=1)

    def between(start: dt.date, end: dt.date) -> int:
        return running[end] - running[start]

    return between
