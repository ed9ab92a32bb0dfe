"""TSMS_NOW and date options take the time format tsms's own JSON writes (ISO 8601 with an
offset), and a failed init leaves no ledger file behind (issue 12.5 review 16)."""

import datetime as dt

import pytest

from conftest import tsms, tsms_json


@pytest.mark.parametrize("text,moment", [
    ("2026-11-27T10:00:00+08:00", dt.datetime(2026, 11, 27, 10, 0)),
    ("2026-11-27T02:00:00Z", dt.datetime(2026, 11, 27, 10, 0)),
    ("2026-11-26T20:30:00-05:00", dt.datetime(2026, 11, 27, 9, 30)),
])
def test_iso_8601_with_an_offset_is_a_moment_in_china(text, moment):
    from tsms import clock

    assert clock.parse_moment(text) == (moment, True)
    assert clock.parse_date(text) == moment.date()


def test_tsms_now_in_tsms_json_format(env, monkeypatch):
    monkeypatch.setenv("TSMS_NOW", "2026-11-27T10:00:00+08:00")
    tsms("init", "--site", "SH01", "--name", "工地")
    tsms("project", "add", "P01", "--name", "工程")
    number = tsms("log", "--project", "P01", "--channel", "phone", "--category", "noise", "--content", "噪声",
                  "--at", "2026-11-27T09:30:00+08:00").stdout.strip()
    assert tsms_json("show", number)["received_at"] == "2026-11-27T09:30:00+08:00"


def test_a_failed_init_leaves_nothing_behind(env, monkeypatch):
    ledger = env / "ledger.sqlite3"
    monkeypatch.setenv("TSMS_NOW", "not a time")
    r = tsms("init", "--site", "SH01", "--name", "工地", ok=False)
    assert r.exit_code == 2 and "TSMS_NOW" in r.stderr
    assert not ledger.exists() and not list(env.glob("ledger.sqlite3*"))
    monkeypatch.setenv("TSMS_NOW", "2026-11-27 10:00")
    tsms("init", "--site", "SH01", "--name", "工地")
    assert tsms_json("project", "list") is not None
