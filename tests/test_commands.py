"""The other commands: set-up, reading, calendar, settings, demo, audit trail."""

import json
import sqlite3

import pytest

from conftest import NUMBER, dump, log, tsms, tsms_json
from tsms.store import calendar_source


def test_init_project_and_staff(site):
    projects = tsms_json("project", "list")
    assert projects[0]["code"] == "P01" and projects[0]["manager"] == "王工" and projects[0]["kind"] == "building"
    p = tsms_json("project", "show", "P01")
    assert p["name"] == "某某路新建工程" and p["design_life"] == 50
    team = tsms_json("staff", "list")
    assert [(m["name"], m["role"], m["dept"]) for m in team] == [("张三", "leader", "工程部"), ("李四", "member", "安全部")]
    assert "组长" in tsms("staff", "list").stdout
    tsms("project", "add", "P02", "--name", "装修", "--kind", "装修装饰工程", "--completed", "2025-06-30",
         "--design-life", "70", "--region", "beijing")
    p2 = tsms_json("project", "show", "P02")
    assert p2["kind"] == "decoration" and p2["completed_on"] == "2025-06-30" and p2["design_life"] == 70
    tsms("staff", "add", "王五", "--dept", "综合办", "--role", "副组长", "--project", "P02")
    assert tsms_json("staff", "list")[-1] == {"name": "王五", "dept": "综合办", "role": "deputy", "phone": None,
                                               "project": "P02"}


def test_log_requires_project_when_several(site):
    tsms("project", "add", "P02", "--name", "二期")
    r = tsms("log", "--category", "noise", "--content", "x", ok=False)
    assert r.exit_code == 2 and "P01" in r.stderr and "P02" in r.stderr


def test_list_filters(site):
    tsms("project", "add", "P02", "--name", "二期")
    log("2026-09-29 10:00")
    tsms("log", "--project", "P02", "--category", "dust", "--content", "扬尘严重", "--from", "王先生",
         "--at", "2026-10-15 10:00")
    tsms("log", "--project", "P02", "--category", "noise", "--content", "电锯声", "--at", "2026-10-20 10:00")
    tsms("assign", "SH01-2026-00003", "--to", "张三", "--at", "2026-10-20 11:00")
    numbers = lambda *a: [c["number"] for c in tsms_json("list", *a)]  # noqa: E731
    assert numbers() == ["SH01-2026-00003", "SH01-2026-00002", NUMBER]
    assert numbers("--status", "assigned") == ["SH01-2026-00003"]
    assert numbers("--status", "已登记") == ["SH01-2026-00002", NUMBER]
    assert numbers("--project", "P02") == ["SH01-2026-00003", "SH01-2026-00002"]
    assert numbers("--category", "noise") == ["SH01-2026-00003", NUMBER]
    assert numbers("--since", "2026-10-15", "--until", "2026-10-15") == ["SH01-2026-00002"]
    assert numbers("--search", "王先生") == ["SH01-2026-00002"]
    assert numbers("--search", "打桩") == [NUMBER]
    assert numbers("--limit", "1") == ["SH01-2026-00003"]
    plain = tsms("list", "--limit", "1").stdout
    assert "共 3 件" in plain and "--limit 0" in plain
    c = tsms_json("list", "--status", "assigned")[0]
    assert c["resolve_due"] == "2026-10-27" and c["next_step"] == "resolve"


def test_pipe_output_is_plain_and_never_cut(site):
    long_text = "夜间施工噪声" * 40
    tsms("log", "--category", "noise", "--content", long_text, "--at", "2026-09-29 10:00")
    out = tsms("list").stdout
    assert long_text in out and "\x1b[" not in out
    assert long_text in tsms("show", NUMBER).stdout


def test_english_labels(site):
    log()
    out = tsms("show", NUMBER, "--lang", "en").stdout
    assert "complainant\t李女士" in out and "noise" in out and "received" in out
    assert "投诉人" not in out
    tsms("--lang", "en", "list")


def test_english_from_environment(site, monkeypatch):
    monkeypatch.setenv("TSMS_LANG", "en")
    log()
    assert "complainant" in tsms("show", NUMBER).stdout


def test_history_lists_every_event(site):
    log()
    tsms("assign", NUMBER, "--to", "张三", "--at", "2026-09-30 08:30", "--by", "王经理")
    out = tsms("history", NUMBER).stdout
    assert "登记" in out and "派单" in out and "王经理" in out and "2026-09-30 08:30" in out
    events = tsms_json("history", NUMBER)
    assert events[1]["actor"] == "王经理" and events[1]["details"]["to"] == "张三"


def test_event_table_is_append_only_and_chained(site):
    log()
    con = sqlite3.connect(site / "ledger.sqlite3")
    with pytest.raises(sqlite3.IntegrityError):
        con.execute("UPDATE event SET actor = 'x'")
    with pytest.raises(sqlite3.IntegrityError):
        con.execute("DELETE FROM event")
    rows = con.execute("SELECT prev_hash, hash FROM event ORDER BY id").fetchall()
    con.close()
    assert rows[0][0] == "0" * 64
    assert all(rows[i][0] == rows[i - 1][1] for i in range(1, len(rows)))


def test_calendar_year(env):
    out = tsms("calendar", "2026").stdout  # works without a ledger too
    assert "2026-09-20" in out and "调休上班" in out and "国庆节" in out and "已确认" in out
    days = tsms_json("calendar", "2026")
    assert len(days) == 365
    by_date = {d["date"]: d for d in days}
    assert by_date["2026-09-20"]["working"] is True
    assert by_date["2026-10-06"]["working"] is False
    assert by_date["2026-10-09"] == {"date": "2026-10-09", "working": True, "name": "", "provisional": False,
                                     "local": False}
    assert set(by_date["2026-01-01"]) >= {"date", "working", "name", "provisional"}
    assert len(tsms_json("calendar", "2028")) == 366


@pytest.fixture
def only_2026_published(monkeypatch):
    """A calendar source whose last published year is 2026, whatever the installed holidays
    package carries: 2027 is provisional."""
    monkeypatch.setattr(calendar_source, "last_confirmed_year", lambda: 2026)


def test_calendar_provisional_year(env, only_2026_published):
    days = tsms_json("calendar", "2027")
    assert all(d["provisional"] for d in days)
    assert "暂定" in tsms("calendar", "2027").stdout


def test_calendar_set_recomputes_open_deadlines(site):
    log("2026-11-20 10:00")
    tsms("assign", NUMBER, "--to", "张三", "--at", "2026-11-20 11:00")
    assert tsms_json("show", NUMBER)["resolve_due"] == "2026-11-27"
    r = tsms_json("calendar", "set", "2026-11-24", "restday", "--note", "测试:临时休息")
    assert r["deadlines_moved"] == 1
    assert tsms_json("show", NUMBER)["resolve_due"] == "2026-11-30"
    assert any(d["date"] == "2026-11-24" and d["local"] and not d["working"] for d in tsms_json("calendar", "2026"))
    tsms("calendar", "unset", "2026-11-24")
    assert tsms_json("show", NUMBER)["resolve_due"] == "2026-11-27"
    assert "recompute" in [e["action"] for e in _events(site)]


def test_provisional_deadline_and_confirmation(site, monkeypatch, only_2026_published):
    monkeypatch.setenv("TSMS_NOW", "2027-01-05 09:00")
    log("2026-12-29 10:00")
    tsms("assign", NUMBER, "--to", "张三", "--at", "2026-12-29 11:00")
    r = tsms_json("resolve", NUMBER, "--result", "好", "--at", "2026-12-30 10:00")
    assert r["revisit_due"] == "2027-01-04" and r["provisional"] is True
    c = tsms_json("show", NUMBER)
    assert c["provisional"] is True
    assert "暂定" in tsms("show", NUMBER).stdout
    assert "回访 2027-01-04(暂定)" in tsms("list").stdout  # every place a deadline is shown says so
    report = tsms("report", "--month", "2026-12", "--as-of", "2027-01-02").stdout
    assert "2027-01-04 暂定" in report
    # the official notice says 4 January 2027 is a rest day: record it, confirm the year
    tsms("calendar", "set", "2027-01-04", "restday", "--note", "国办发明电(示例)")
    tsms("calendar", "confirm", "2027", "--note", "国办发明电(示例)")
    c = tsms_json("show", NUMBER)
    assert c["revisit_due"] == "2027-01-05" and c["provisional"] is False


def test_config_show_and_change_recomputes(site):
    cfg = tsms_json("config")
    assert cfg["site_code"] == "SH01" and cfg["deadlines"]["revisit_working_days"] == 2
    assert "resolve_normal" in tsms("config").stdout
    log("2026-11-20 10:00")
    tsms("assign", NUMBER, "--to", "张三", "--at", "2026-11-20 11:00")
    r = tsms_json("config", "resolve_normal", "3")
    assert r["deadlines_moved"] == 1
    assert tsms_json("show", NUMBER)["resolve_due"] == "2026-11-25"
    assert tsms_json("config")["deadlines"]["resolve_normal"] == 3


def test_stale_calendar_cache_is_refreshed(site):
    log("2026-11-20 10:00")
    con = sqlite3.connect(site / "ledger.sqlite3")
    con.execute("UPDATE calendaryear SET package = 'old-package'")
    con.execute("UPDATE obligation SET due = '2026-12-31'")  # as if computed with another calendar
    con.commit()
    con.close()
    tsms("overdue", ok=False)  # a read: it recomputes nothing and writes nothing
    assert tsms_json("show", NUMBER)["accept_due"] == "2026-12-31"
    log("2026-11-21 10:00")  # the next write finds the package changed and recomputes
    assert tsms_json("show", NUMBER)["accept_due"] == "2026-11-20"


def test_demo_builds_its_own_ledger(env):
    demo_db = env / "demo.sqlite3"
    r = tsms("demo", "--db", demo_db, "--as-of", "2026-11-20")
    assert r.exit_code == 0
    assert "SH01-2026-00001" in r.stdout and "回访" in r.stdout
    assert not (env / "ledger.sqlite3").exists()  # the real ledger is untouched
    from conftest import Runner as CliRunner

    from tsms.cli import app

    statuses = {c["status"] for c in json.loads(CliRunner().invoke(app, ["--db", str(demo_db), "list", "--json"]).stdout)}
    assert statuses == {"received", "accepted", "assigned", "resolved", "closed", "rejected", "archived"}
    late = json.loads(CliRunner().invoke(app, ["--db", str(demo_db), "overdue", "--as-of", "2026-11-20", "--json"]).stdout)
    assert [i["kind"] for i in late] == ["revisit"]
    tsms("demo", "--db", demo_db, "--as-of", "2026-11-20")  # rebuilds its own demo ledger


def test_demo_refuses_a_real_ledger(site):
    before = dump(site)
    r = tsms("demo", "--db", site / "ledger.sqlite3", ok=False)
    assert r.exit_code == 2 and dump(site) == before


def _events(env):
    con = sqlite3.connect(env / "ledger.sqlite3")
    try:
        return [{"action": a} for (a,) in con.execute("SELECT action FROM event ORDER BY id")]
    finally:
        con.close()


def test_config_says_what_each_setting_means(site):
    """Every setting tsms has is shown with its key (to type) and what it means."""
    from tsms.render.views import SETTING_LABELS
    from tsms.rules import DeadlineSettings

    assert set(DeadlineSettings.keys()) | {"default_project"} == set(SETTING_LABELS)
    out = tsms("config").stdout
    assert "revisit_working_days · 回访:处理完毕后几个工作日\t2" in out
