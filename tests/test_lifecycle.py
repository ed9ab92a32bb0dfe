"""The complaint lifecycle through the command line (SPEC §2), with its deadlines."""

import json

import pytest

from conftest import NUMBER, dump, log, tsms, tsms_json


def test_issue_example_end_to_end(site):
    assert log() == NUMBER
    tsms("assign", NUMBER, "--to", "张三", "--dept", "工程部", "--at", "2026-09-30 08:30")
    tsms("resolve", NUMBER, "--result", "已停止夜间打桩,调整作业时间", "--at", "2026-09-30 15:00")
    tsms("revisit", NUMBER, "--method", "phone", "--satisfaction", "satisfied", "--at", "2026-10-08 10:00")
    c = tsms_json("show", NUMBER)
    assert c["status"] == "closed"
    assert c["revisit_due"] == "2026-10-09"  # National Day 1–7 October
    assert c["accept_due"] == "2026-09-30"  # called at 23:10, after office hours: the next working day
    assert c["resolve_due"] == "2026-10-13"  # 8, 9, 10 (make-up Saturday), 12, 13
    assert c["night_time"] is True and c["serious"] is False
    assert c["provisional"] is False
    assert c["received_at"] == "2026-09-29T23:10:00+08:00"
    assert c["revisited_at"] == "2026-10-08T10:00:00+08:00"
    assert c["assignee"] == "张三" and c["department"] == "工程部" and c["satisfaction"] == "satisfied"
    for key in ("number", "project", "status", "channel", "category", "urgency", "serious", "night_time",
                "complainant", "contact", "address", "content", "received_at", "accept_due", "accepted_at",
                "assignee", "department", "resolve_due", "resolved_at", "result", "revisit_due",
                "revisited_at", "satisfaction", "provisional"):
        assert key in c
    assert [r["on_time"] for r in c["revisits"]] == [True]
    history = tsms_json("history", NUMBER)
    assert [e["action"] for e in history] == ["log", "assign", "resolve", "revisit"]
    assert all(e["actor"] == "资料员" for e in history)
    result = tsms("overdue", "--as-of", "2026-10-12", ok=False)
    assert result.exit_code == 0
    shown = tsms("show", NUMBER).stdout
    assert "涉民投诉处理表" in shown and "2026-10-09" in shown and "李女士" in shown


def test_revisit_over_make_up_sunday(site):
    log("2026-09-17 10:00")
    tsms("assign", NUMBER, "--to", "张三", "--at", "2026-09-17 11:00")
    out = tsms("resolve", NUMBER, "--result", "已处理", "--at", "2026-09-18 16:00", "--json").stdout
    assert '"revisit_due": "2026-09-21"' in out


def test_late_revisit_is_overdue_with_days_and_holder(site):
    log("2026-09-17 10:00")
    tsms("assign", NUMBER, "--to", "张三", "--at", "2026-09-17 11:00")
    tsms("resolve", NUMBER, "--result", "已处理", "--at", "2026-09-18 16:00")
    on_time = tsms("overdue", "--as-of", "2026-09-21", "--json", ok=False)
    assert on_time.exit_code == 0 and on_time.stdout.strip() == "[]"
    late = tsms("overdue", "--as-of", "2026-09-24", "--json", ok=False)
    assert late.exit_code == 1
    import json

    items = json.loads(late.stdout)
    assert items == [{"kind": "revisit", "number": NUMBER, "project": "P01", "due": "2026-09-21",
                      "days_late": 3, "working_days_late": 3, "late": True, "assignee": "资料员", "status": "resolved",
                      "provisional": False, "complainant": "李女士", "contact": "138****5678"}]
    plain = tsms("overdue", "--as-of", "2026-09-24", ok=False)
    assert plain.exit_code == 1
    assert NUMBER in plain.stdout and "回访" in plain.stdout and "\x1b[" not in plain.stdout


def test_overdue_within_lists_what_falls_due(site):
    log("2026-11-20 10:00")
    tsms("assign", NUMBER, "--to", "张三", "--at", "2026-11-20 11:00")  # resolve due 2026-11-27
    assert tsms("overdue", "--as-of", "2026-11-23", "--within", "3", "--json", ok=False).stdout.strip() == "[]"
    r = tsms("overdue", "--as-of", "2026-11-23", "--within", "4", "--json", ok=False)
    assert r.exit_code == 0  # due soon is not late
    assert '"due": "2026-11-27"' in r.stdout and '"late": false' in r.stdout


def test_every_step_kind_is_overdue(site):
    tsms("project", "add", "P02", "--name", "二期")
    # accept late
    log("2026-11-16 10:00")
    # escalate late (serious, never escalated) and reply late (hotline, rejected)
    tsms("log", "--project", "P01", "--channel", "hotline", "--category", "safety", "--urgency", "urgent",
         "--content", "塔吊越界", "--serious", "--at", "2026-11-16 10:00")
    tsms("reject", "SH01-2026-00002", "--reason", "不属本工地", "--at", "2026-11-16 11:00")
    # resolve late
    log("2026-11-09 10:00")
    tsms("assign", "SH01-2026-00003", "--to", "李四", "--at", "2026-11-09 10:30")
    # revisit late
    log("2026-11-09 10:00", "--again")
    tsms("assign", "SH01-2026-00004", "--to", "张三", "--at", "2026-11-09 10:30")
    tsms("resolve", "SH01-2026-00004", "--result", "好了", "--at", "2026-11-10 10:30")
    r = tsms("overdue", "--as-of", "2026-11-23", "--json", ok=False)
    assert r.exit_code == 1
    import json

    kinds = {(i["kind"], i["number"]) for i in json.loads(r.stdout)}
    assert kinds == {("accept", NUMBER), ("escalate", "SH01-2026-00002"), ("reply", "SH01-2026-00002"),
                     ("resolve", "SH01-2026-00003"), ("revisit", "SH01-2026-00004")}


def test_accept_then_assign_and_resolve_deadline_by_urgency(site):
    tsms("log", "--project", "P01", "--category", "dust", "--urgency", "urgent", "--content", "扬尘",
         "--at", "2026-09-29 09:00")
    r = tsms_json("accept", NUMBER, "--dept", "工程部", "--opinion", "属实", "--at", "2026-09-29 09:30")
    assert r["resolve_due"] == "2026-09-30"
    tsms("assign", NUMBER, "--to", "李四", "--at", "2026-09-29 10:00")
    c = tsms_json("show", NUMBER)
    assert c["status"] == "assigned" and c["accept_dept"] == "工程部" and c["accept_opinion"] == "属实"
    assert c["department"] == "安全部"  # the member's own department by default


def test_reassign_is_recorded(site):
    log()
    tsms("assign", NUMBER, "--to", "张三", "--at", "2026-09-30 08:30")
    tsms("assign", NUMBER, "--to", "李四", "--at", "2026-09-30 09:30")
    assert tsms_json("show", NUMBER)["assignee"] == "李四"
    assert [e["action"] for e in tsms_json("history", NUMBER)][-1] == "reassign"


def test_unsatisfied_revisit_reopens_with_new_deadline(site):
    log()
    tsms("assign", NUMBER, "--to", "张三", "--at", "2026-09-30 08:30")
    tsms("resolve", NUMBER, "--result", "第一次", "--at", "2026-09-30 15:00")
    r = tsms_json("revisit", NUMBER, "--method", "电话", "--satisfaction", "不满意", "--at", "2026-10-08 10:00")
    assert r["status"] == "assigned"
    assert r["resolve_due"] == "2026-10-14"  # 9, 10 (make-up Saturday), 12, 13, 14
    c = tsms_json("show", NUMBER)
    assert c["reopened"] == 1 and c["resolve_due"] == "2026-10-14" and c["status"] == "assigned"
    tsms("resolve", NUMBER, "--result", "第二次", "--at", "2026-10-09 15:00")
    assert tsms_json("show", NUMBER)["revisit_due"] == "2026-10-12"
    tsms("revisit", NUMBER, "--method", "visit", "--satisfaction", "basic", "--at", "2026-10-10 10:00")
    c = tsms_json("show", NUMBER)
    assert c["status"] == "closed" and len(c["revisits"]) == 2 and c["result"] == "第二次"


def test_reject_with_reason_and_advice(site):
    log()
    tsms("reject", NUMBER, "--reason", "不属本工地", "--advice", "请拨打12345", "--at", "2026-09-30 08:00")
    c = tsms_json("show", NUMBER)
    assert c["status"] == "rejected" and c["reject_reason"] == "不属本工地" and c["reject_advice"] == "请拨打12345"
    tsms("archive", NUMBER, "--at", "2026-09-30 09:00")
    assert tsms_json("show", NUMBER)["status"] == "archived"


def test_reject_needs_a_reason(site):
    log()
    before = dump(site)
    r = tsms("reject", NUMBER, "--reason", "  ", ok=False)
    assert r.exit_code == 2 and "--reason" in r.stderr
    assert dump(site) == before


def test_serious_complaint_escalation(site):
    r = tsms_json("log", "--project", "P01", "--category", "safety", "--content", "塔吊吊物越过小区",
                  "--serious", "--at", "2026-10-03 10:00")
    c = tsms_json("show", NUMBER)
    assert c["serious"] is True and c["escalate_due"] == "2026-10-03"  # the same day, holiday or not
    tsms("escalate", NUMBER, "--at", "2026-10-03 10:20")  # to the team leader by default
    c = tsms_json("show", NUMBER)
    assert c["escalated_to"] == "张三" and c["escalated_at"] == "2026-10-03T10:20:00+08:00"
    r = tsms("escalate", NUMBER, ok=False)
    assert r.exit_code == 2 and "已于" in r.stderr


def test_escalate_marks_an_ordinary_complaint_serious(site):
    log()
    tsms("escalate", NUMBER, "--to", "李四", "--at", "2026-09-30 08:00")
    c = tsms_json("show", NUMBER)
    assert c["serious"] is True and c["escalate_due"] == "2026-09-30"


def test_hotline_reply_step(site):
    tsms("log", "--project", "P01", "--channel", "12345热线", "--category", "traffic", "--content", "围挡占道",
         "--org", "12345市民服务热线", "--at", "2026-09-29 09:00")
    r = tsms_json("assign", NUMBER, "--to", "张三", "--at", "2026-09-29 10:00")
    c = tsms_json("show", NUMBER)
    assert c["reply_due"] == c["resolve_due"] == "2026-10-12"
    r = tsms("reply", NUMBER, "--text", "已处理", ok=False)
    assert r.exit_code == 2  # not before the result
    tsms("resolve", NUMBER, "--result", "围挡后退", "--at", "2026-09-30 10:00")
    tsms("reply", NUMBER, "--text", "已整改", "--at", "2026-09-30 11:00")
    c = tsms_json("show", NUMBER)
    assert c["replied_at"] == "2026-09-30T11:00:00+08:00"
    assert all(d["done_at"] for d in c["deadlines"] if d["kind"] == "reply")


def test_reply_refused_for_a_phone_complaint(site):
    log()
    tsms("assign", NUMBER, "--to", "张三", "--at", "2026-09-30 08:30")
    tsms("resolve", NUMBER, "--result", "好", "--at", "2026-09-30 09:00")
    r = tsms("reply", NUMBER, "--text", "x", ok=False)
    assert r.exit_code == 2 and "热线" in r.stderr


def test_archive_refused_while_steps_are_open(site):
    tsms("log", "--project", "P01", "--channel", "referral", "--category", "waste", "--content", "渣土",
         "--at", "2026-09-29 09:00")
    tsms("reject", NUMBER, "--reason", "重复投诉", "--at", "2026-09-29 10:00")
    r = tsms("archive", NUMBER, ok=False)
    assert r.exit_code == 2 and "回复转办部门" in r.stderr
    tsms("reply", NUMBER, "--text", "重复投诉,已告知", "--at", "2026-09-29 11:00")
    tsms("archive", NUMBER, "--at", "2026-09-29 12:00")


def test_numbers_per_year_and_site(site):
    assert log("2025-12-31 10:00") == "SH01-2025-00001"
    assert log("2026-01-01 10:00") == "SH01-2026-00001"
    assert log("2026-01-02 10:00") == "SH01-2026-00002"


def test_log_defaults_to_the_only_project_and_marks_daytime(site):
    number = tsms("log", "--category", "噪声", "--content", "白天噪声", "--at", "2026-09-29 14:00").stdout.strip()
    c = tsms_json("show", number)
    assert c["project"] == "P01" and c["night_time"] is False and c["channel"] == "phone"


def test_night_time_uses_when_it_happened(site):
    number = tsms("log", "--category", "night_work", "--content", "昨晚泵车", "--at", "2026-09-29 08:50",
                  "--occurred-at", "2026-09-28 22:30").stdout.strip()
    assert tsms_json("show", number)["night_time"] is True


def test_bare_date_on_the_previous_steps_day(site):
    log("2026-09-29 14:00")
    tsms("assign", NUMBER, "--to", "张三", "--at", "2026-09-29")
    assert tsms_json("show", NUMBER)["assigned_at"] == "2026-09-29T14:00:00+08:00"


def test_assign_to_someone_outside_the_team(site):
    """The handler may be of any department, once on the staff list (staff add takes any)."""
    log()
    tsms("staff", "add", "王五", "--dept", "物业部")
    tsms("assign", NUMBER, "--to", "王五", "--at", "2026-09-30 08:30")
    c = tsms_json("show", NUMBER)
    assert c["assignee"] == "王五" and c["department"] == "物业部"
    tsms("assign", NUMBER, "--to", "李四", "--dept", "物业部", "--at", "2026-09-30 09:30")
    c = tsms_json("show", NUMBER)
    assert c["assignee"] == "李四" and c["department"] == "物业部"
    r = tsms("assign", NUMBER, "--to", "赵六", "--at", "2026-09-30 10:30", ok=False)
    assert r.exit_code == 2 and "赵六" in r.stderr


@pytest.mark.parametrize("typed", ["2026-09-29 23:10", "2026/9/29 23:10", "2026年9月29日 23:10", "2026.09.29 23:10",
                                   "2026-09-29T23:10:00"])
def test_dates_as_clerks_type_them(site, typed):
    log(typed)
    assert tsms_json("show", NUMBER)["received_at"] == "2026-09-29T23:10:00+08:00"


def test_reopened_hotline_complaint_owes_the_department_a_new_reply(site):
    """SPEC §3: the reply is owed again, with the new resolve deadline, when an unsatisfied
    revisit reopens a hotline or referral complaint (seed 「将投诉处理结果回复相关职能部门」)."""
    tsms("log", "--project", "P01", "--channel", "hotline", "--category", "traffic", "--content", "占道",
         "--at", "2026-11-02 10:00")
    tsms("assign", NUMBER, "--to", "张三", "--at", "2026-11-02 11:00")
    tsms("resolve", NUMBER, "--result", "已清理", "--at", "2026-11-03 10:00")
    tsms("reply", NUMBER, "--text", "已处理", "--at", "2026-11-03 11:00")
    assert tsms("reply", NUMBER, "--text", "再次", ok=False).exit_code == 2  # answered, nothing owed
    r = tsms_json("revisit", NUMBER, "--method", "phone", "--satisfaction", "unsatisfied", "--at", "2026-11-04 10:00")
    assert r["reply_due"] == r["resolve_due"] == "2026-11-11"  # 5 working days after the reopening
    assert tsms_json("show", NUMBER)["reply_due"] == "2026-11-11"
    tsms("resolve", NUMBER, "--result", "已彻底清理", "--at", "2026-11-06 10:00")
    assert tsms_json("reply", NUMBER, "--text", "已彻底处理", "--at", "2026-11-06 11:00")["on_time"] is True
    late = json.loads(tsms("overdue", "--as-of", "2026-11-20", "--json", ok=False).stdout)
    assert [i["kind"] for i in late] == ["revisit"]  # the second visit is owed; no reply is


def test_urgent_complaint_is_due_in_24_calendar_hours(site, monkeypatch):
    """SPEC §3 and 12345 practice (紧急件 within 24 hours): an urgent complaint accepted the
    afternoon before National Day is due the next afternoon, holiday or not, shown with its hour."""
    monkeypatch.setenv("TSMS_NOW", "2025-10-05 09:00")
    tsms("log", "--project", "P01", "--category", "safety", "--urgency", "urgent", "--content", "塔吊吊物越界",
         "--at", "2025-09-30 14:40")
    number = "SH01-2025-00001"
    r = tsms_json("assign", number, "--to", "张三", "--at", "2025-09-30 15:00")
    assert r["resolve_due"] == "2025-10-01"
    c = tsms_json("show", number)
    assert c["resolve_due_at"] == "2025-10-01T15:00:00+08:00"
    assert "2025-10-01 15:00" in tsms("show", number).stdout
    assert tsms("overdue", "--as-of", "2025-10-01", ok=False).exit_code == 0  # the last day, still on time
    late = json.loads(tsms("overdue", "--as-of", "2025-10-02", "--json", ok=False).stdout)
    # judged at the start of the as-of day: 9 hours past the limit, not yet a whole day
    assert [(i["kind"], i["due"], i["due_at"], i["days_late"], i["hours_late"]) for i in late] == [
        ("resolve", "2025-10-01", "2025-10-01T15:00:00+08:00", 0, 9)]
    late = json.loads(tsms("overdue", "--as-of", "2025-10-03", "--json", ok=False).stdout)
    assert [(i["days_late"], i["hours_late"]) for i in late] == [(1, 33)]
    assert tsms_json("config", "resolve_urgent_hours", "48")["deadlines_moved"] == 1
    assert tsms_json("show", number)["resolve_due_at"] == "2025-10-02T15:00:00+08:00"
    assert tsms_json("config", "resolve_urgent_hours", "0")["deadlines_moved"] == 1  # back to working days
    assert tsms_json("show", number)["resolve_due"] == "2025-10-09" and tsms_json("show", number)["resolve_due_at"] is None


def test_a_reply_not_yet_given_waits_for_the_new_result(site):
    """SPEC §3: the reply is owed with the new resolve deadline when a revisit reopens a
    referral complaint — also when it had not been given yet (referral, high urgency)."""
    tsms("log", "--project", "P01", "--channel", "referral", "--category", "traffic", "--urgency", "high",
         "--content", "占道", "--at", "2026-09-25 09:00")
    tsms("assign", NUMBER, "--to", "张三", "--at", "2026-09-28 09:00")
    assert tsms_json("show", NUMBER)["reply_due"] == "2026-10-08"
    tsms("resolve", NUMBER, "--result", "已清理", "--at", "2026-09-29 10:00")
    r = tsms_json("revisit", NUMBER, "--method", "phone", "--satisfaction", "unsatisfied", "--at", "2026-09-30 16:00")
    assert r["resolve_due"] == r["reply_due"] == "2026-10-10"  # 10-08, 10-09, make-up Saturday 10-10
    assert tsms_json("show", NUMBER)["reply_due"] == "2026-10-10"
