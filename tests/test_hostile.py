"""Hostile and careless input, generated: every refusal is one line and exit 2, never a
traceback, and a refused command leaves the ledger exactly as it was."""

import os
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from conftest import Runner as CliRunner

from tsms.cli import app
from tsms.vocab import set_lang

NUMBERS = ["SH01-2026-00001", "SH01-2026-00002", "SH01-2026-00003", "sh01-2026-00001"]
SQL = ["'; DROP TABLE complaint; --", "\" OR 1=1 --", "%", "_", "SH01-2026-%", "1; DELETE FROM event",
       "' UNION SELECT * FROM setting --"]
CONTROL = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=31), min_size=1, max_size=5)
JUNK = st.one_of(st.text(max_size=40), CONTROL, st.sampled_from(SQL),
                 st.text(alphabet="噪声扬尘電話\u200b\ufeff\u202e", max_size=20), st.just(""), st.just(" "))
DATES = st.one_of(
    JUNK,
    st.sampled_from(["2026-02-30", "2026-13-01", "2026-00-10", "9999-99-99", "2026-9-31 10:00",
                     "2026-10-01 25:00", "2026-10-01 10:61", "2099-01-01 10:00", "2030-06-01",
                     "2020-01-01 10:00", "2026-09-28 08:00", "yesterday", "today", "now", "-1", "1e9"]),
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%d %H:%M")),
)
ENUM = st.one_of(JUNK, st.sampled_from(["phone", "电话", "noise", "噪声", "urgent", "satisfied", "不满意",
                                        "visit", "hotline", "PHONE", "Noise "]))
NUMBER = st.one_of(st.sampled_from(NUMBERS), JUNK, st.sampled_from(SQL))
COUNT = st.one_of(st.integers(-5, 500).map(str), JUNK)


def _opt(name, strategy):
    return st.one_of(st.just([]), strategy.map(lambda v: [name, v]))


def _command():
    at = _opt("--at", DATES)
    return st.one_of(
        st.tuples(st.just(["log"]), _opt("--category", ENUM), _opt("--content", JUNK), _opt("--channel", ENUM),
                  _opt("--urgency", ENUM), _opt("--from", JUNK), _opt("--project", JUNK), at,
                  _opt("--occurred-at", DATES)),
        st.tuples(st.just(["accept"]), NUMBER.map(lambda n: [n]), at, _opt("--opinion", JUNK)),
        st.tuples(st.just(["reject"]), NUMBER.map(lambda n: [n]), _opt("--reason", JUNK), at),
        st.tuples(st.just(["assign"]), NUMBER.map(lambda n: [n]), _opt("--to", st.one_of(JUNK, st.just("张三"))), at),
        st.tuples(st.just(["resolve"]), NUMBER.map(lambda n: [n]), _opt("--result", JUNK), at),
        st.tuples(st.just(["revisit"]), NUMBER.map(lambda n: [n]), _opt("--method", ENUM),
                  _opt("--satisfaction", ENUM), at),
        st.tuples(st.just(["escalate"]), NUMBER.map(lambda n: [n]), _opt("--to", JUNK), at),
        st.tuples(st.just(["reply"]), NUMBER.map(lambda n: [n]), _opt("--text", JUNK), at),
        st.tuples(st.just(["archive"]), NUMBER.map(lambda n: [n]), at),
        st.tuples(st.sampled_from([["show"], ["history"]]), NUMBER.map(lambda n: [n])),
        st.tuples(st.just(["list"]), _opt("--status", ENUM), _opt("--since", DATES), _opt("--search", JUNK),
                  _opt("--project", JUNK), _opt("--limit", COUNT)),
        st.tuples(st.just(["overdue"]), _opt("--as-of", DATES), _opt("--within", COUNT)),
        st.tuples(st.just(["calendar"]), st.lists(JUNK, max_size=3)),
        st.tuples(st.just(["calendar", "set"]), DATES.map(lambda d: [d]), st.sampled_from([["workday"], ["restday"], ["x"]])),
        st.tuples(st.just(["config"]), st.lists(st.one_of(JUNK, st.sampled_from(["resolve_normal", "night_start"])), max_size=2)),
        st.tuples(st.sampled_from([["project", "add"], ["staff", "add"]]), st.lists(JUNK, max_size=3),
                  _opt("--name", JUNK), _opt("--dept", JUNK)),
        st.tuples(st.just(["claim"]), _opt("--project", st.one_of(JUNK, st.just("P02"))), _opt("--part", ENUM),
                  _opt("--content", JUNK), at),
        st.tuples(st.sampled_from([["claim", "inspect"], ["claim", "repair"], ["claim", "accept"]]),
                  st.one_of(JUNK, st.just("P02-2026-W001")).map(lambda n: [n]), _opt("--cause", ENUM),
                  _opt("--result", JUNK), at),
        st.tuples(st.just(["warranty", "set"]), st.lists(st.one_of(JUNK, st.sampled_from(["P02", "mep", "heating"])),
                                                         max_size=2), _opt("--years", COUNT), _opt("--seasons", COUNT)),
        st.tuples(st.just(["plan"]), st.one_of(COUNT, st.just("2027")).map(lambda y: [y]), _opt("--edit", COUNT),
                  _opt("--date", DATES)),
        st.tuples(st.sampled_from([["notify"], ["rectify"], ["retention"]]), st.lists(JUNK, min_size=1, max_size=2), at),
        st.tuples(st.just(["revisit"]), _opt("--plan-item", COUNT), _opt("--project", JUNK),
                  _opt("--method", ENUM), _opt("--scores", JUNK), _opt("--found", JUNK), at),
    ).map(lambda parts: [word for part in parts for word in part])


def _dump(path) -> str:
    con = sqlite3.connect(path)
    try:
        return "\n".join(con.iterdump())
    finally:
        con.close()


@pytest.fixture(scope="module")
def hostile_ledger(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "ledger.sqlite3"
    saved = {k: os.environ.get(k) for k in ("TSMS_DB", "TSMS_NOW", "TSMS_USER", "TSMS_LANG")}
    os.environ.update(TSMS_DB=str(path), TSMS_NOW="2026-11-23 09:00", TSMS_USER="测试")
    os.environ.pop("TSMS_LANG", None)
    set_lang(None)
    run = lambda *a: CliRunner().invoke(app, list(a))  # noqa: E731
    run("init", "--site", "SH01", "--name", "工地")
    run("project", "add", "P01", "--name", "工程")
    run("staff", "add", "张三", "--dept", "工程部", "--role", "leader")
    for at in ("2026-09-29 10:00", "2026-09-29 11:00", "2026-09-29 12:00"):
        run("log", "--project", "P01", "--category", "noise", "--content", "噪声", "--channel", "hotline", "--at", at)
    run("project", "add", "P02", "--name", "二期", "--region", "beijing", "--completed", "2025-06-30",
        "--retention", "1000")
    run("claim", "--project", "P02", "--part", "mep", "--content", "漏水", "--at", "2026-07-01 09:00")
    run("assign", "SH01-2026-00002", "--to", "张三", "--at", "2026-09-30 09:00")
    run("assign", "SH01-2026-00003", "--to", "张三", "--at", "2026-09-30 09:00")
    run("resolve", "SH01-2026-00003", "--result", "好", "--at", "2026-09-30 10:00")
    yield path
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    set_lang(None)


def _assert_refusal_or_success(path, args):
    before = _dump(path)
    result = CliRunner().invoke(app, args)
    text = result.stdout + result.stderr
    assert "Traceback" not in text and "内部错误" not in text and "internal error" not in text, (args, text)
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, text)
    if result.exit_code == 2:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("tsms: "), (args, result.stderr)
        assert _dump(path) == before, args
    set_lang(None)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(args=_command())
def test_random_commands_never_crash_and_refusals_change_nothing(hostile_ledger, args):
    _assert_refusal_or_success(hostile_ledger, args)


@pytest.mark.parametrize("option", ["--content", "--from", "--address", "--note"])
def test_ten_megabyte_strings_are_refused(hostile_ledger, option):
    big = "投" * (10 * 1024 * 1024)
    args = ["log", "--category", "noise", "--content", "x", "--at", "2026-11-20 10:00", option, big]
    before = _dump(hostile_ledger)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and option in result.stderr and len(result.stderr.splitlines()) == 1
    assert _dump(hostile_ledger) == before


def test_not_utf8_argument_is_refused(hostile_ledger):
    _assert_refusal_or_success(hostile_ledger, ["list", "--search", "ab\udcff"])
    result = CliRunner().invoke(app, ["show", "\udcffSH01"])
    assert result.exit_code == 2
