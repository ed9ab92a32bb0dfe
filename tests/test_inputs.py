"""Every number, date, month, year and file name the command line takes is bounded: a value
out of range is one line naming the option and what it accepts, exit 2, the ledger unchanged
— never an internal error (exit 70) from SQLite's 64-bit integers or the date type's ends."""

import os
import re

import pytest

from conftest import NUMBER, dump, log, tsms, tsms_json
from tsms import checks, clock
from tsms.errors import TsmsError

HUGE = "1" + "0" * 30  # 31 digits
LONG_NAME = "a" * 5000

OUT_OF_RANGE = [
    # whole numbers: too large for SQLite, negative, zero where it means nothing, not a number
    (["list", "--limit", HUGE], "--limit", "0–1000000000"),
    (["list", "--limit", "-5"], "--limit", "0–1000000000"),
    (["list", "--limit", "ten"], "--limit", "0–1000000000"),
    (["list", "--limit", "1e3"], "--limit", "0–1000000000"),
    (["overdue", "--within", HUGE], "--within", "0–366"),
    (["overdue", "--within", "-3"], "--within", "0–366"),
    (["plan", "2027", "--edit", HUGE, "--date", "2027-07-01"], "--edit", "1–1000000000"),
    (["plan", "2027", "--edit", "0", "--date", "2027-07-01"], "--edit", "1–1000000000"),
    (["notify", HUGE], "ITEM", "1–1000000000"),
    (["notify", "--", "-1"], "ITEM", "1–1000000000"),
    (["revisit", "--plan-item", HUGE, "--method", "visit"], "--plan-item", "1–1000000000"),
    (["revisit", "--plan-item", "²", "--method", "visit"], "--plan-item", "1–1000000000"),
    (["warranty", "set", "P01", "mep", "--years", HUGE], "--years", "1–200"),
    (["warranty", "set", "P01", "heating", "--seasons", "0"], "--seasons", "1–50"),
    (["project", "add", "P09", "--name", "x", "--design-life", "-50"], "--design-life", "1–200"),
    (["project", "add", "P09", "--name", "x", "--liability-years", HUGE], "--liability-years", "1–2"),
    # years: 1950–2100 wherever a date, a time, a month or a year is typed
    (["list", "--until", "9999-12-31"], "--until", "1950–2100"),
    (["list", "--since", "0001-01-01"], "--since", "1950–2100"),
    (["overdue", "--as-of", "0001-01-01"], "--as-of", "1950–2100"),
    (["report", "--month", "9999-12"], "--month", "1950–2100"),
    (["report", "--month", "0001-01"], "--month", "1950–2100"),
    (["report", "--month", "2026-13"], "--month", "2026-10"),
    (["report", "--year", "9999"], "--year", "1950–2100"),
    (["report", "--year", "²"], "--year", "1950–2100"),
    (["report", "--from", "0001-01-01", "--to", "9999-12-31"], "--from", "1950–2100"),
    (["report", "--as-of", "1949-12-31"], "--as-of", "1950–2100"),
    (["plan", HUGE], "YEAR", "1950–2100"),
    (["plan", "--", "-1"], "YEAR", "1950–2100"),
    (["calendar", "²"], "YEAR", "1950–2100"),
    (["calendar", "confirm", "99999", "--note", "x"], "YEAR", "1950–2100"),
    (["calendar", "set", "2101-01-01", "workday", "--note", "x"], "DATE", "1950–2100"),
    (["log", "--category", "noise", "--content", "x", "--at", "0001-01-01"], "--at", "1950–2100"),
    (["log", "--category", "noise", "--content", "x", "--at", "1949-12-31 23:59"], "--at", "1950–2100"),
    (["project", "complete", "P01", "0001-01-01"], "DATE", "1950–2100"),
    (["warranty", "P01", "--as-of", "9999-12-31"], "--as-of", "1950–2100"),
    # files the system cannot even look up
    (["attach", NUMBER, LONG_NAME], "FILE", "aaaa…"),
    (["backup", LONG_NAME], "DEST", "aaaa…"),
    (["restore", "~no-such-user-tsms/backup.sqlite3"], "SRC", "~no-such-user-tsms"),
    (["import", LONG_NAME + ".csv"], "FILE", "aaaa…"),
    (["import", "x.csv", "--rejects", LONG_NAME + ".csv"], "--rejects", "aaaa…"),
    (["report", "--xlsx", LONG_NAME + ".xlsx"], "--xlsx", "aaaa…"),
    (["show", NUMBER, "--xlsx", LONG_NAME + ".xlsx"], "--xlsx", "aaaa…"),
    (["plan", "2027", "--xlsx", LONG_NAME + ".xlsx"], "--xlsx", "aaaa…"),
    (["--db", LONG_NAME, "list"], "--db", "aaaa…"),
    (["attach", NUMBER, ""], "FILE", "FILE"),
]


@pytest.mark.parametrize("args,option,accepted", OUT_OF_RANGE, ids=[" ".join(a)[:50] for a, _, _ in OUT_OF_RANGE])
def test_out_of_range_is_one_line_exit_2_unchanged(site, args, option, accepted):
    log()
    before = dump(site)
    r = tsms(*args, ok=False)
    assert r.exit_code == 2, (r.exit_code, r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tsms: "), r.stderr
    assert option in lines[0] and accepted in lines[0], lines[0]
    assert len(lines[0]) < 300  # a 5,000-character value is quoted cut short
    assert dump(site) == before


def test_refusal_in_english_states_the_range(site):
    r = tsms("--lang", "en", "list", "--limit", HUGE, ok=False)
    assert r.stderr.strip() == f"tsms: --limit: {HUGE} is out of range; accepted: 0 to 1000000000"
    r = tsms("--lang", "en", "overdue", "--as-of", "0001-01-01", ok=False)
    assert r.stderr.strip() == "tsms: --as-of: '0001-01-01' is out of range; accepted: years 1950 to 2100"


def test_the_ends_of_the_range_work(site):
    assert tsms("overdue", "--as-of", "2100-12-31", "--within", "366", ok=False).exit_code in (0, 1)
    number = log("1950-01-01 10:00")
    assert number == "SH01-1950-00001"  # {SITE}-{YYYY}-{NNNNN}, never SH01-1-00001
    assert re.fullmatch(r"SH01-\d{4}-\d{5}", log("2026-11-20 10:00"))
    assert {c["number"] for c in tsms_json("list", "--until", "2100-12-31", "--since", "1950-01-01")} == {
        "SH01-1950-00001", "SH01-2026-00001"}
    assert tsms("overdue", "--as-of", "1950-01-01", "--within", "0", ok=False).exit_code in (0, 1)
    assert tsms_json("report", "--month", "2100-12", "--as-of", "2100-12-31")["period"]["to"] == "2100-12-31"
    assert tsms_json("report", "--year", "1950")["period"]["from"] == "1950-01-01"
    assert len(tsms_json("list", "--limit", "1000000000")) == 2
    assert len(tsms_json("list", "--limit", "１")) == 1  # full-width digits, as an IME types them


def test_whole_number_check():
    assert checks.whole_number(" +7 ", "--n", 0, 10) == 7
    assert checks.whole_number("０", "--n", 0, 10) == 0
    assert checks.whole_number(3, "--n", 0, 10) == 3
    for bad in ("", "1_000", "0x10", "1.0", "٣", "--1", True, 11, -1, "9" * 1_000_000, "-" + "9" * 50):
        with pytest.raises(TsmsError):
            checks.whole_number(bad, "--n", 0, 10)


def test_dates_months_and_years_in_one_range():
    assert clock.parse_month("2026年10月").isoformat() == "2026-10-01"
    assert clock.parse_month("2100/12").isoformat() == "2100-12-01"
    assert clock.parse_year("2027年") == 2027
    for parse, text in ((clock.parse_date, "2101-01-01"), (clock.parse_time, "1949-12-31 10:00"),
                        (clock.parse_month, "1949-12"), (clock.parse_year, "2101"), (clock.parse_year, "02027"),
                        (clock.parse_time, "2026-11-23 10:00" + "0" * 10_000)):
        with pytest.raises(TsmsError):
            parse(text, "--x")


def test_pinned_clock_outside_the_range_is_refused(site, monkeypatch):
    monkeypatch.setenv("TSMS_NOW", "0001-01-01 09:00")
    r = tsms("log", "--category", "noise", "--content", "x", ok=False)
    assert r.exit_code == 2 and "TSMS_NOW" in r.stderr and "1950–2100" in r.stderr


def test_an_attachment_that_cannot_be_read_is_refused(site):
    log()
    before = dump(site)
    r = tsms("attach", NUMBER, "/proc/self/mem", ok=False)
    assert r.exit_code == 2 and "/proc/self/mem" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert dump(site) == before


def test_the_demo_starts_inside_the_range(env):
    r = tsms("demo", "--as-of", "1950-01-05", "--db", env / "demo.sqlite3", ok=False)
    assert r.exit_code == 2 and "1950-02-01" in r.stderr and "--as-of" in r.stderr
    assert not (env / "demo.sqlite3").exists()


@pytest.mark.parametrize("ledger", ["a" * 5000, "~no-such-user-tsms/ledger.sqlite3"])
def test_a_ledger_named_in_the_environment_that_cannot_be_looked_up(env, monkeypatch, ledger):
    monkeypatch.setenv("TSMS_DB", ledger)
    r = tsms("list", ok=False)
    assert r.exit_code == 2 and "TSMS_DB" in r.stderr and len(r.stderr.strip().splitlines()) == 1
