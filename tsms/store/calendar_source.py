"""The State Council's holiday arrangement, read from the ``holidays`` package.

Importing ``holidays.countries.china`` costs about 0.1 s, more than a clerk's command may
spend, so the ledger keeps each year it has read in a cache table and only comes here
when the cache is missing a year or the installed package has changed
(:func:`package_fingerprint`, a stat of one file, tells that without importing it).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os

from tsms.rules import YearCalendar

_CHINA_MODULE = ("countries", "china.py")


def _china_path() -> str | None:
    spec = importlib.util.find_spec("holidays")
    if spec is None or not spec.submodule_search_locations:
        return None
    return os.path.join(list(spec.submodule_search_locations)[0], *_CHINA_MODULE)


def package_fingerprint() -> str:
    """Size and modification time of the package's China module: changes with any upgrade."""
    path = _china_path()
    if path is None:
        return "missing"
    st = os.stat(path)
    return f"{st.st_size}:{st.st_mtime_ns}"


def last_confirmed_year() -> int:
    """The last year whose official notice the package carries.

    ``holidays`` writes each published notice's substituted days into
    ``ChinaStaticHolidays.special_public_holidays``; a year past the last entry is the
    package's estimate only (provisional, SPEC §3).
    """
    from holidays.countries.china import ChinaStaticHolidays

    return max(ChinaStaticHolidays.special_public_holidays)


def year_from_package(year: int) -> YearCalendar:
    """One year of rest days, make-up workdays and their names from ``holidays.China``."""
    import holidays

    zh = holidays.China(years=range(year - 1, year + 2), language="zh_CN")
    en = holidays.China(years=year, language="en_US")
    rest = frozenset(d for d in zh if d.year == year)
    work = frozenset(d for d in zh.weekend_workdays if d.year == year)
    names = {d: (zh.get(d), en.get(d)) for d in rest}
    for d in work:
        names[d] = ("调休上班", "make-up workday")
    return YearCalendar(
        year=year,
        rest_days=rest,
        work_days=work,
        names=names,
        confirmed=year <= last_confirmed_year(),
    )


def encode_year(cal: YearCalendar) -> dict:
    """A JSON-able form of a year, for the ledger's cache."""
    return {
        "year": cal.year,
        "rest": sorted(d.isoformat() for d in cal.rest_days),
        "work": sorted(d.isoformat() for d in cal.work_days),
        "names": {d.isoformat(): list(n) for d, n in sorted(cal.names.items())},
        "confirmed": cal.confirmed,
    }


def decode_year(data: dict) -> YearCalendar:
    day = dt.date.fromisoformat
    return YearCalendar(
        year=data["year"],
        rest_days=frozenset(map(day, data["rest"])),
        work_days=frozenset(map(day, data["work"])),
        names={day(k): tuple(v) for k, v in data["names"].items()},
        confirmed=data["confirmed"],
    )
