"""Read-only: the site's settings and the working-day calendar of a year."""

from __future__ import annotations

import dataclasses
import datetime as dt

from tsms import clock, rules
from tsms.errors import TsmsError
from tsms.store import engine
from tsms.store.tables import CalendarYear
from tsms.store.unit import DEFAULT_PROJECT, reading
from tsms.vocab import lang, t


def read_config(ledger: engine.Ledger) -> dict:
    with reading(ledger) as ctx:
        return {
            "site_code": ctx.setting("site_code"),
            "site_name": ctx.setting("site_name"),
            "path": str(ledger.path),
            "default_project": ctx.setting(DEFAULT_PROJECT),
            "deadlines": dataclasses.asdict(ctx.settings),
        }


def site_name(ledger: engine.Ledger) -> str:
    site = read_config(ledger)
    return site["site_name"] or site["site_code"]


def calendar_year(ledger: engine.Ledger | None, year: int) -> dict:
    """Every day of a year: working or not, its name, provisional or not. Without a ledger,
    the package's calendar alone. Reads only: a year missing from the cache is computed in
    memory."""
    if not clock.FIRST_YEAR <= year <= clock.LAST_YEAR:
        raise TsmsError(t("年份应在 {a}–{b} 之间", "the year must be between {a} and {b}", a=clock.FIRST_YEAR,
                          b=clock.LAST_YEAR))
    if ledger is None:
        from tsms.store import calendar_source

        return _year_days(rules.WorkCalendar(calendar_source.year_from_package), year, None)
    with reading(ledger) as ctx:
        row = ctx.session.get(CalendarYear, year)
        return _year_days(ctx.calendar, year, row.confirmed_note if row else None)


def _year_days(cal: rules.WorkCalendar, year: int, confirmed_by: str | None) -> dict:
    provisional = not cal.is_confirmed(year)
    days = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        days.append({"date": day.isoformat(), "working": cal.is_working_day(day),
                     "name": cal.day_name(day, lang()), "provisional": provisional,
                     "local": day in cal.local})
        day += dt.timedelta(days=1)
    return {"year": year, "confirmed": not provisional, "confirmed_by": confirmed_by, "days": days}


def is_working_day(ledger: engine.Ledger, day: dt.date) -> bool:
    """The day is a working day by the ledger's calendar (the official arrangement and the
    ledger's own entries)."""
    with reading(ledger) as ctx:
        return ctx.calendar.is_working_day(day)
