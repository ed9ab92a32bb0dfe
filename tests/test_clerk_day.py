"""The clerk's day, finished (issue 11): as-of dates as typed, region and part labels,
contacts in the terminal listing, key-value views fitted to 80 columns without escape codes
off a terminal, overdue on one line an item, Chinese line-breaking, click's own words in
Chinese, command summaries cut by display width, dates without a time shown as dates."""

import datetime as dt
import json
import os
import re
import subprocess
import sys

import pytest

from conftest import log, tsms, tsms_json
from tsms import clock
from tsms.render import terminal

# TSMS_NOW is 2026-11-23 09:00 (conftest.env)


@pytest.mark.parametrize("typed, day", [("12月10日", dt.date(2026, 12, 10)), ("12/10", dt.date(2026, 12, 10)),
                                        ("１１月２０日", dt.date(2026, 11, 20)), ("11-01", dt.date(2026, 11, 1)),
                                        ("2026年12月10日", dt.date(2026, 12, 10))])
def test_an_as_of_date_without_a_year_is_this_years(env, typed, day):
    assert clock.parse_date(typed) == day


def test_overdue_as_of_a_month_and_day(site):
    log("2026-11-02 10:00")
    r = tsms("overdue", "--as-of", "12月10日", ok=False)
    assert r.exit_code == 1, r.stderr
    assert "截至 2026-12-10" in r.stdout
    r = tsms("overdue", "--as-of", "2月30日", ok=False)
    assert r.exit_code == 2 and "--as-of" in r.stderr and "11月23日" in r.stderr
