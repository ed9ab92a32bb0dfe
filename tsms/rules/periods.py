"""Periods in days, months and years, 《中华人民共和国民法典》 第二百零一至二百零四条.

* 第二百零一条: a period counted in days (or months, years) does not count the day on which it
  starts; it is counted from the next day.
* 第二百零二条: a period counted in months or years ends on the corresponding day of the
  last month; with no such day, on that month's last day.
* 第二百零三条: when the last day of a period is a statutory rest day (法定休假日), the day
  after the rest day ends is the last day; the last day ends at 24:00.
* 第二百零四条: these rules apply unless a law or the parties say otherwise.
"""

from __future__ import annotations

import datetime as dt

from tsms.rules.calendar import WorkCalendar, first_working_day_on_or_after

__all__ = ['add_period', 'period_end']


def add_period(
    start: dt.date, *, years: int = 0, months: int = 0, days: int = 0
) -> dt.date:
    """The last day of a period of years/months/days that starts with the event on ``start``.

    Source: 《民法典》 第二百零一条 (the day of the event is not counted) and 第二百零二条
    (a period in months or years ends on the corresponding day of the last month; with no
    such day, on the last day of that month): 2024-02-29 + 5 years → 2029-02-28;
    2026-01-31 + 1 month → 2026-02-28; 2026-09-30 + 10 days → 2026-10-10.
    """
    from dateutil.relativedelta import relativedelta  # imported here: 4 ms a clerk's command need not pay

    return start + relativedelta(years=years, months=months, days=days)


def period_end(
    start: dt.date,
    cal: WorkCalendar,
    *,
    years: int = 0,
    months: int = 0,
    days: int = 0,
) -> dt.date:
    """:func:`add_period`, moved off a statutory rest day.

    Source: 《民法典》 第二百零三条 — when the last day of a period is a statutory rest day,
    the day after the rest day ends is the last day (a make-up Saturday is a working day,
    so a period ending on it does not move).
    """
    return first_working_day_on_or_after(
        add_period(start, years=years, months=months, days=days), cal
    )
