"""The demo for a newcomer: everything in the past, something for every command to show."""

import json
import sqlite3

import pytest

from conftest import tsms, tsms_json


def _events(path):
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT max(at), max(recorded_at) FROM event").fetchone()
    finally:
        con.close()


@pytest.mark.parametrize("now", ["2026-11-27 02:16", "2026-11-27 09:00", "2026-11-28 20:00"])
def test_every_event_before_the_clock(env, monkeypatch, now):
    monkeypatch.setenv("TSMS_NOW", now)
    demo = env / "demo.sqlite3"
    r = tsms("demo", "--db", demo)
    at, recorded = _events(demo)
    assert at[:16] <= now and recorded[:16] <= now, (at, recorded, now)
    for c in json.loads(tsms("--db", demo, "list", "--json").stdout):
        assert c["received_at"][:16].replace("T", " ") <= now
    assert "SH01-2026-00001" in r.stdout


def test_as_of_today_before_the_evening_is_still_the_past(env, monkeypatch):
    monkeypatch.setenv("TSMS_NOW", "2026-11-27 02:16")
    demo = env / "demo.sqlite3"
    tsms("demo", "--db", demo, "--as-of", "2026-11-27")
    at, recorded = _events(demo)
    assert at[:16] <= "2026-11-27 02:16" and recorded[:16] <= "2026-11-27 02:16"


def test_as_of_in_the_future_is_refused(env):
    r = tsms("demo", "--db", env / "demo.sqlite3", "--as-of", "2026-12-01", ok=False)
    assert r.exit_code == 2 and "将来" in r.stderr and not (env / "demo.sqlite3").exists()


def test_the_warranty_commands_have_something_to_show(env):
    demo = env / "demo.sqlite3"
    out = tsms("demo", "--db", demo, "--as-of", "2026-11-20").stdout
    assert "warranty P03" in out and "plan 2027" in out
    items = tsms_json("--db", demo, "warranty", "P03", "--as-of", "2026-11-20")
    assert items and all(i["status"] == "active" for i in items if i["part"] != "other")
    claims = tsms_json("--db", demo, "claim", "list")
    assert {c["status"] for c in claims} == {"repaired", "notified"}
    repaired = next(c["number"] for c in claims if c["status"] == "repaired")
    assert tsms_json("--db", demo, "claim", "show", repaired)["cause"] == "construction"
    plan = tsms_json("--db", demo, "plan", "2027")
    assert plan["approved_at"] and plan["items"]
    rect = tsms_json("--db", demo, "rectify", "list")
    assert len(rect) == 1 and not rect[0]["closed_at"]
    assert tsms_json("--db", demo, "retention", "P03")["amount"] == 300000
    # a newcomer can take the next steps the README shows
    tsms("--db", demo, "claim", "accept", repaired, "--by", "物业经理")
    tsms("--db", demo, "notify", str(plan["items"][0]["id"]))
    tsms("--db", demo, "rectify", rect[0]["number"], "--result", "外墙重新打胶", "--verified-by", "物业经理")
    late = json.loads(tsms("--db", demo, "overdue", "--as-of", "2026-11-20", "--json", ok=False).stdout)
    assert [i["kind"] for i in late] == ["revisit"]


def test_report_without_a_period_shows_this_month_when_last_is_empty(env):
    demo = env / "demo.sqlite3"
    tsms("demo", "--db", demo, "--as-of", "2026-11-20")
    r = tsms("--db", demo, "report", "--as-of", "2026-11-20")
    assert "上月 2026-10 没有投诉,显示本月至今:2026-11-01 至 2026-11-20" in r.stdout
    data = tsms_json("--db", demo, "report", "--as-of", "2026-11-20")
    assert data["period"]["from"] == "2026-11-01" and data["period"]["to"] == "2026-11-20"
    assert data["complaints"]["received"] > 0
    october = tsms_json("--db", demo, "report", "--month", "2026-10", "--as-of", "2026-11-20")
    assert october["complaints"]["received"] == 0


def test_the_root_db_option_names_the_demo_ledger(env, tmp_path):
    """`tsms --db PATH demo` builds the demo there (not the default demo ledger), and what it
    prints masks contacts as listings do."""
    from conftest import tsms

    target = tmp_path / "my-demo.sqlite3"
    out = tsms("--db", target, "demo", "--as-of", "2026-11-20").stdout
    assert target.exists() and str(target) in out
    import re

    assert not re.search(r"(?<!\d)1\d{10}(?!\d)", out)  # no whole mobile number
