"""Deadlines at their edges: holidays, make-up days, month ends, leap days, unconfirmed years."""

import datetime as dt

import pytest
from hypothesis import given, settings, strategies as st

from tsms import rules
from tsms.store.calendar_source import year_from_package, last_confirmed_year
from tsms.rules import (
    DeadlineSettings,
    LocalDay,
    WorkCalendar,
    add_period,
    add_working_days,
    first_working_day_on_or_after,
    period_end,
    working_days_between,
)

D = dt.date
S = DeadlineSettings()
CAL = WorkCalendar(year_from_package)


def test_official_2026_days():
    # 国办发明电〔2025〕7号: make-up workdays and rest days of 2026
    for day in [D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20), D(2026, 10, 10)]:
        assert CAL.is_working_day(day), day
    for day in [D(2026, 1, 1), D(2026, 1, 2), D(2026, 2, 16), D(2026, 2, 23), D(2026, 5, 5),
                D(2026, 6, 19), D(2026, 9, 25), D(2026, 10, 1), D(2026, 10, 7)]:
        assert not CAL.is_working_day(day), day
    assert CAL.is_working_day(D(2026, 10, 9))
    assert not CAL.is_working_day(D(2026, 11, 22))  # ordinary Sunday


def test_official_2025_days():
    # 国办发明电〔2024〕12号: the 2025 arrangement (Spring Festival with New Year's Eve, Labour Day 2 days)
    for day in [D(2025, 1, 26), D(2025, 2, 8), D(2025, 4, 27), D(2025, 9, 28), D(2025, 10, 11)]:
        assert CAL.is_working_day(day), day
    for day in [D(2025, 1, 28), D(2025, 2, 4), D(2025, 4, 4), D(2025, 5, 1), D(2025, 5, 5), D(2025, 5, 31),
                D(2025, 6, 2), D(2025, 10, 1), D(2025, 10, 8)]:
        assert not CAL.is_working_day(day), day
    assert CAL.is_confirmed(2025)


def test_revisit_after_national_day():
    d = rules.revisit_deadline(D(2026, 9, 30), CAL, S)
    assert d.due == D(2026, 10, 9)
    assert d.provisional is False


def test_revisit_over_make_up_sunday():
    # Friday 18 September; Sunday 20 September is a make-up workday
    assert rules.revisit_deadline(D(2026, 9, 18), CAL, S).due == D(2026, 9, 21)


def test_accept_same_day_or_next_working_day():
    assert rules.accept_deadline(D(2026, 9, 29), CAL, S).due == D(2026, 9, 29)
    assert rules.accept_deadline(D(2026, 10, 1), CAL, S).due == D(2026, 10, 8)
    assert rules.accept_deadline(D(2026, 9, 19), CAL, S).due == D(2026, 9, 20)  # Sat → make-up Sun


def test_escalate_same_calendar_day_even_on_holiday():
    assert rules.escalate_deadline(D(2026, 10, 3), CAL, S).due == D(2026, 10, 3)


def test_resolve_by_urgency():
    accepted = D(2026, 9, 29)  # Tuesday
    assert rules.resolve_deadline(accepted, "urgent", CAL, S).due == D(2026, 9, 30)
    assert rules.resolve_deadline(accepted, "high", CAL, S).due == D(2026, 10, 9)
    assert rules.resolve_deadline(accepted, "normal", CAL, S).due == D(2026, 10, 12)
    assert rules.resolve_deadline(accepted, "low", CAL, S).due == D(2026, 10, 19)


def test_reply_follows_resolve_by_default_and_can_be_set():
    assert rules.reply_deadline(D(2026, 9, 29), "normal", CAL, S).due == D(2026, 10, 12)
    own = DeadlineSettings(reply_working_days=1)
    assert rules.reply_deadline(D(2026, 9, 29), "normal", CAL, own).due == D(2026, 9, 30)


def test_leap_day_plus_five_years():
    assert add_period(D(2024, 2, 29), years=5) == D(2029, 2, 28)
    assert add_period(D(2024, 2, 29), years=4) == D(2028, 2, 29)


def test_month_ends():
    assert add_period(D(2026, 1, 31), months=1) == D(2026, 2, 28)
    assert add_period(D(2026, 8, 31), months=3) == D(2026, 11, 30)
    assert add_period(D(2026, 12, 31), days=1) == D(2027, 1, 1)


def test_period_ending_on_rest_day_moves_to_next_working_day():
    # 第二百零三条: 2026-09-01 + 1 month → 2026-10-01 (National Day) → 2026-10-08
    assert period_end(D(2026, 9, 1), CAL, months=1) == D(2026, 10, 8)
    # ends on the make-up Saturday 2026-10-10: it is a working day, stays
    assert period_end(D(2026, 9, 10), CAL, months=1) == D(2026, 10, 10)


def _published_to(last: int):
    """A calendar source that knows the official notices up to ``last`` only (the package's
    days for later years are its estimate)."""
    import dataclasses

    return lambda year: dataclasses.replace(year_from_package(year), confirmed=year <= last)


def test_unconfirmed_year_is_provisional():
    assert last_confirmed_year() >= 2026
    cal = WorkCalendar(_published_to(2026))
    assert not cal.is_confirmed(2027)
    d = rules.revisit_deadline(D(2026, 12, 30), cal, S)
    assert d.due == D(2027, 1, 4)
    assert d.provisional is True
    assert rules.revisit_deadline(D(2026, 12, 1), cal, S).provisional is False


def test_ledger_confirmation_and_local_days_win():
    cal = WorkCalendar(
        year_from_package,
        local={D(2027, 1, 4): LocalDay(False, "测试"), D(2027, 1, 9): LocalDay(True, "调休")},
        confirmed_years={2027},
    )
    d = rules.revisit_deadline(D(2026, 12, 30), cal, S)
    assert d.provisional is False
    assert d.due == D(2027, 1, 5)
    assert cal.is_working_day(D(2027, 1, 9))
    assert cal.day_name(D(2027, 1, 4)) == "测试"


def test_night_time():
    at = dt.datetime
    assert rules.is_night_time(at(2026, 9, 29, 23, 10))
    assert rules.is_night_time(at(2026, 9, 30, 5, 59))
    assert not rules.is_night_time(at(2026, 9, 30, 6, 0))
    assert rules.is_night_time(at(2026, 9, 29, 22, 0))
    assert not rules.is_night_time(at(2026, 9, 29, 21, 59))


def test_days_late():
    assert rules.days_late(D(2026, 10, 9), D(2026, 10, 9)) == 0
    assert rules.days_late(D(2026, 10, 9), D(2026, 10, 12)) == 3


def test_settings_check():
    assert DeadlineSettings().check() == []
    assert DeadlineSettings(resolve_normal=-1).check()
    assert DeadlineSettings(night_start=24).check()


days = st.dates(min_value=D(2020, 1, 1), max_value=D(2026, 12, 1))
counts = st.integers(min_value=0, max_value=30)


@settings(max_examples=300, deadline=None)
@given(days, counts, counts)
def test_working_days_compose(day, n, m):
    assert add_working_days(add_working_days(day, n, CAL), m, CAL) == add_working_days(day, n + m, CAL)


@settings(max_examples=300, deadline=None)
@given(days, st.integers(min_value=1, max_value=30))
def test_working_day_result_is_working_and_inverse(day, n):
    due = add_working_days(day, n, CAL)
    assert CAL.is_working_day(due)
    assert due > day
    assert working_days_between(day, due, CAL) == n
    assert working_days_between(day, due - dt.timedelta(days=1), CAL) == n - 1


@settings(max_examples=300, deadline=None)
@given(days)
def test_first_working_day_is_working_and_minimal(day):
    first = first_working_day_on_or_after(day, CAL)
    assert CAL.is_working_day(first) and first >= day
    assert all(not CAL.is_working_day(day + dt.timedelta(days=i)) for i in range((first - day).days))


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 12, 31)), st.integers(0, 60), st.integers(0, 24))
def test_period_lands_on_corresponding_day_or_month_end(day, years, months):
    end = add_period(day, years=years, months=months)
    total = day.month - 1 + months
    assert (end.year, end.month) == (day.year + years + total // 12, total % 12 + 1)
    assert end.day == day.day or (end.day < day.day and (end + dt.timedelta(days=1)).day == 1)


@settings(max_examples=100, deadline=None)
@given(days, st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), min_size=1, max_size=20))
def test_working_day_counter_matches_between(first, offsets):
    last = first + dt.timedelta(days=120)
    count = rules.working_day_counter(first, last, CAL)
    for a, b in offsets:
        start, end = first + dt.timedelta(days=a), first + dt.timedelta(days=a + b)
        assert count(start, end) == working_days_between(start, end, CAL)


@pytest.mark.parametrize("received,hour,due", [
    (D(2026, 9, 29), 17, D(2026, 9, 29)),   # a Tuesday in office hours: 当场, the same day
    (D(2026, 9, 29), 18, D(2026, 9, 30)),   # at the closing hour: the next working day
    (D(2026, 9, 29), 23, D(2026, 9, 30)),   # at night
    (D(2026, 9, 30), 19, D(2026, 10, 8)),   # the evening before National Day (1–7 Oct): after it
    (D(2026, 10, 3), 10, D(2026, 10, 8)),   # during the holiday
    (D(2026, 10, 10), 10, D(2026, 10, 10)),  # Saturday, a make-up workday: the same day
    (D(2026, 10, 10), 20, D(2026, 10, 12)),  # that evening: Monday
    (D(2026, 9, 27), 9, D(2026, 9, 28)),    # an ordinary Sunday
    (D(2026, 9, 29), None, D(2026, 9, 29)),  # hour unknown (an older ledger's step): office hours
])
def test_accept_on_the_spot_only_in_office_hours(received, hour, due):
    """Seed 《涉民矛盾投诉管理责任制度》 第3条 「应当场答复是否受理」: 当场 when the office is open
    (a working day before 18:00, ``accept_cutoff_hour``), else by the end of the next working day."""
    assert rules.accept_deadline(received, CAL, S, hour).due == due
    assert rules.obligation_deadline("accept", received, "" if hour is None else str(hour), CAL, S).due == due


@pytest.mark.parametrize("revisit,notice", [
    (D(2026, 12, 31), D(2026, 12, 11)),  # 20 days before is Saturday 12-12: the Friday before
    (D(2026, 10, 30), D(2026, 10, 10)),  # 20 days before is the make-up Saturday: a working day, kept
    (D(2026, 10, 27), D(2026, 9, 30)),   # 20 days before is 10-07, National Day: the last day before it
])
def test_notice_moves_to_the_working_day_before(revisit, notice):
    """Seed 1.4.1 「提前20天通知顾客单位」: at least 20 days ahead, so a rest day moves it earlier."""
    assert rules.notify_by(revisit, S, CAL) == notice
    assert rules.obligation_deadline("notice", revisit, "", CAL, S).due == notice


def test_urgent_resolve_counts_calendar_hours():
    """SPEC §3: urgent 24 hours after acceptance, calendar time, holidays included."""
    import datetime as _dt

    d = rules.resolve_deadline(D(2025, 9, 30), "urgent", CAL, S, _dt.time(15, 0))
    assert (d.due, d.at) == (D(2025, 10, 1), _dt.datetime(2025, 10, 1, 15, 0))
    d = rules.obligation_deadline("resolve", D(2025, 9, 30), "urgent 23:30", CAL, S)
    assert (d.due, d.at) == (D(2025, 10, 1), _dt.datetime(2025, 10, 1, 23, 30))
    assert rules.obligation_deadline("resolve", D(2025, 9, 30), "high 15:00", CAL, S).at is None  # working days
    assert rules.obligation_deadline("resolve", D(2025, 9, 30), "urgent", CAL, S).due == D(2025, 10, 9)  # no time known


def test_retention_rules_138():
    """建质〔2017〕138号 第七条 (3 % cap), 第八条 (90 days after the report when the client delays
    acceptance), 第十条 (14 days after a reminder silence counts as approval; 14 days to return)."""
    assert rules.retention_cap(10_000_000) == 300_000 and rules.retention_cap(1234.56) == 37.03
    assert rules.liability_start(D(2025, 6, 30), D(2025, 1, 10), client_delay=True) == D(2025, 4, 10)
    assert rules.liability_start(D(2025, 6, 30), D(2025, 1, 10), client_delay=False) == D(2025, 6, 30)
    assert rules.liability_start(D(2025, 3, 1), D(2025, 1, 10), client_delay=True) == D(2025, 3, 1)
    assert rules.retention_deemed_approval(D(2026, 7, 16), CAL) == D(2026, 7, 30)
    assert rules.retention_deemed_approval(D(2026, 9, 17), CAL) == D(2026, 10, 8)  # 10-01 is National Day
    assert rules.retention_cap(999_999.99) == 29_999.99  # never above 3 %
    assert rules.retention_return_deadline(D(2026, 9, 24), CAL).due == D(2026, 10, 8)  # the 14th day
    assert rules.retention_verify_deadline(D(2026, 7, 1), CAL).due == D(2026, 7, 15)
