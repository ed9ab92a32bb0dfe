"""Corrections are new events (SPEC §2, issue 11 points 1 and 7): `edit` with a reason, `void`
(作废) kept but counted nowhere, the clerk's double entry refused, and a reopened complaint's
earlier result kept apart."""

import json
import shutil
from pathlib import Path

import pytest

from conftest import NUMBER, dump, log, shell, tsms, tsms_json

SECOND = "SH01-2026-00002"


def _check_sound():
    result = tsms("check", ok=False)
    assert result.exit_code == 0, result.stdout + result.stderr


def _overdue(as_of):
    return json.loads(tsms("overdue", "--as-of", as_of, "--json", ok=False).stdout)


# --------------------------------------------------------------------------- edit


def test_edit_records_before_after_and_reason(site):
    log()
    tsms("accept", NUMBER, "--at", "2026-09-30 08:30")
    out = tsms_json("edit", NUMBER, "--contact", "13900000000", "--address", "某小区5号楼", "--reason", "登记错误")
    assert out["changes"]["contact"] == {"from": "13812345678", "to": "13900000000"}
    c = tsms_json("show", NUMBER)
    assert c["contact"] == "13900000000" and c["address"] == "某小区5号楼"
    assert c["status"] == "accepted"  # a correction changes no step
    edit = tsms_json("history", NUMBER)[-1]
    assert edit["action"] == "edit" and edit["actor"] == "资料员"
    assert edit["details"]["reason"] == "登记错误"
    # history masks contacts and addresses (README: privacy), before and after
    assert edit["details"]["changes"]["contact"] == {"from": "138****5678", "to": "139****0000"}
    assert "13812345678" not in json.dumps(tsms_json("history", NUMBER), ensure_ascii=False)
    shown = tsms("history", NUMBER).stdout
    assert "更正" in shown and "联系方式 138****5678 → 139****0000" in shown and "原因:登记错误" in shown
    _check_sound()


def test_edit_is_checked_like_log_and_refused_without_a_change_or_reason(site):
    log()
    before = dump(site)
    for args, says in (
        (["--contact", "13900000000"], "--reason"),  # no reason
        (["--contact", "13900000000", "--reason", " "], "--reason"),
        (["--reason", "登记错误"], "--contact"),  # nothing to change: says what may be
        (["--contact", "13812345678", "--reason", "登记错误"], "相同"),  # the value it has
        (["--category", "loud", "--reason", "登记错误"], "noise/噪声"),  # as log checks it
        (["--urgency", "very", "--reason", "登记错误"], "urgent/紧急"),
        (["--content", "", "--reason", "登记错误"], "--content"),
        (["--project", "P99", "--reason", "登记错误"], "P01"),
        (["--contact", "139\x07", "--reason", "登记错误"], "--contact"),
    ):
        result = tsms("edit", NUMBER, *args, ok=False)
        assert result.exit_code == 2, args
        assert says in result.stderr and "Traceback" not in result.stderr, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1
    assert dump(site) == before


def test_urgency_edit_moves_the_resolve_deadline(site):
    log("2026-11-16 10:00")  # a Monday
    tsms("accept", NUMBER, "--at", "2026-11-16 10:30")
    assert tsms_json("show", NUMBER)["resolve_due"] == "2026-11-23"  # normal: 5 working days
    assert [i["kind"] for i in _overdue("2026-11-25")] == ["resolve"]
    out = tsms_json("edit", NUMBER, "--urgency", "low", "--reason", "实为一般咨询")
    assert out["obligations"] == [{"kind": "resolve", "from": "2026-11-23", "to": "2026-11-30"}]
    assert tsms_json("show", NUMBER)["resolve_due"] == "2026-11-30"  # low: 10 working days
    assert _overdue("2026-11-25") == []
    assert [(i["kind"], i["due"]) for i in _overdue("2026-12-01")] == [("resolve", "2026-11-30")]
    tsms("edit", NUMBER, "--urgency", "urgent", "--reason", "涉及安全")
    c = tsms_json("show", NUMBER)
    assert c["resolve_due"] == "2026-11-17" and c["resolve_due_at"] == "2026-11-17T10:30:00+08:00"  # 24 hours
    assert "紧急程度 较低 → 紧急" in tsms("history", NUMBER).stdout
    _check_sound()


def test_channel_edit_makes_the_reply_owed_or_not(site):
    log("2026-11-16 10:00")
    tsms("accept", NUMBER, "--at", "2026-11-16 10:30")
    assert tsms_json("show", NUMBER)["reply_due"] is None
    tsms("edit", NUMBER, "--channel", "12345热线", "--reason", "实为热线转来")
    c = tsms_json("show", NUMBER)
    assert c["channel"] == "hotline" and c["reply_due"] == c["resolve_due"] == "2026-11-23"
    assert {i["kind"] for i in _overdue("2026-11-25")} == {"resolve", "reply"}
    tsms("edit", NUMBER, "--channel", "phone", "--reason", "录错渠道")
    assert tsms_json("show", NUMBER)["reply_due"] is None
    assert [i["kind"] for i in _overdue("2026-11-25")] == ["resolve"]
    _check_sound()


def test_project_edit_moves_the_obligations(site):
    tsms("project", "add", "P02", "--name", "某某路二期")
    log("2026-11-16 10:00")
    tsms("accept", NUMBER, "--at", "2026-11-16 10:30")
    tsms("edit", NUMBER, "--project", "P02", "--reason", "工程选错")
    assert tsms_json("show", NUMBER)["project"] == "P02"
    assert [(i["kind"], i["project"]) for i in _overdue("2026-11-25")] == [("resolve", "P02")]
    assert "工程代码 P01 → P02" in tsms("history", NUMBER).stdout
    _check_sound()


def test_category_edit_says_night_time_again(site):
    log()  # 23:10, noise: night time
    tsms("edit", NUMBER, "--category", "dust", "--reason", "实为扬尘")
    c = tsms_json("show", NUMBER)
    assert c["category"] == "dust" and c["night_time"] is False
    assert tsms_json("history", NUMBER)[-1]["details"]["changes"]["night_time"] == {"from": True, "to": False}
    _check_sound()


# --------------------------------------------------------------------------- void


@pytest.fixture
def two_in_october(site):
    log("2026-10-12 10:00")
    tsms("accept", NUMBER, "--at", "2026-10-12 10:30")
    # the same person again, a week later: a repeat complainant until the second is voided
    tsms("log", "--project", "P01", "--channel", "hotline", "--category", "dust", "--urgency", "urgent",
         "--from", "李女士", "--contact", "13812345678", "--address", "某小区3号楼", "--content", "扬尘大",
         "--serious", "--at", "2026-10-19 10:00")
    return site


def test_a_voided_complaint_counts_nowhere(two_in_october):
    report = tsms_json("report", "--month", "2026-10", "--as-of", "2026-11-23")
    assert report["complaints"]["received"] == 2 and report["repeat_complainants"]
    assert SECOND in json.dumps(report)
    assert any(i["number"] == SECOND for i in _overdue("2026-11-23"))
    tsms("void", SECOND, "--reason", "误录")
    report = tsms_json("report", "--month", "2026-10", "--as-of", "2026-11-23")
    assert SECOND not in json.dumps(report)
    assert report["complaints"] == {"received": 1, "valid": 1, "rejected": 0, "night_time": 0, "serious": 0}
    assert sum(report["by_category"].values()) == sum(report["by_channel"].values()) == 1
    assert sum(report["by_urgency"].values()) == sum(report["by_project"].values()) == 1
    assert report["by_channel"]["hotline"] == 0 and report["by_urgency"]["urgent"] == 0
    assert report["repeat_complainants"] == []
    assert all(i["number"] != SECOND for i in report["late"])
    assert all(i["number"] != SECOND for i in _overdue("2026-11-23"))
    assert all(i["number"] != SECOND for i in _overdue("2027-06-30"))
    _check_sound()


def test_a_voided_complaint_is_kept_shown_and_closed_to_every_step(two_in_october):
    tsms("void", SECOND, "--reason", "重复登记")
    c = tsms_json("show", SECOND)
    assert c["status"] == "void" and c["void_reason"] == "重复登记" and c["voided_from"] == "received"
    assert c["voided_at"] == "2026-11-23T09:00:00+08:00"
    assert all(step["void"] and not step["late"] for step in c["deadlines"])
    assert c["next_due"] is None
    shown = tsms("show", SECOND).stdout
    assert "作废" in shown and "重复登记" in shown
    assert {r["number"]: r["status"] for r in tsms_json("list")}[SECOND] == "void"
    assert SECOND in tsms("list", "--status", "作废").stdout
    assert "作废" in tsms("history", SECOND).stdout and "原因:重复登记" in tsms("history", SECOND).stdout
    before = dump(two_in_october)
    for args in (["accept", SECOND], ["assign", SECOND, "--to", "张三"], ["reject", SECOND, "--reason", "x"],
                 ["escalate", SECOND], ["reply", SECOND, "--text", "x"], ["archive", SECOND],
                 ["void", SECOND, "--reason", "again"], ["edit", SECOND, "--content", "x", "--reason", "x"]):
        result = tsms(*args, ok=False)
        assert result.exit_code == 2, args
        assert "作废" in result.stderr, (args, result.stderr)
    assert dump(two_in_october) == before
    # numbers stay gap-free: the voided one keeps its number, the next is the next
    assert log("2026-11-20 10:00") == "SH01-2026-00003"
    _check_sound()


def test_void_needs_a_reason(two_in_october):
    before = dump(two_in_october)
    for args in (["void", SECOND], ["void", SECOND, "--reason", ""]):
        result = tsms(*args, ok=False)
        assert result.exit_code == 2 and "--reason" in result.stderr
    assert dump(two_in_october) == before


def test_void_of_a_handled_complaint_closes_its_open_steps(site):
    log("2026-11-16 10:00")
    tsms("assign", NUMBER, "--to", "张三", "--at", "2026-11-16 10:30")
    tsms("resolve", NUMBER, "--result", "已处理", "--at", "2026-11-17 10:00")
    assert [i["kind"] for i in _overdue("2026-11-23")] == ["revisit"]
    result = tsms("void", NUMBER, "--reason", "误录", "--at", "2026-11-17 09:00", ok=False)
    assert result.exit_code == 2  # never before the step it follows
    out = tsms_json("void", NUMBER, "--reason", "误录")
    assert out["closed"] == ["revisit"]
    assert _overdue("2026-11-23") == []
    _check_sound()


# --------------------------------------------------------------------------- typed twice


def test_the_same_complaint_typed_twice_is_refused_unless_again(site):
    log()
    before = dump(site)
    result = tsms("log", "--project", "P01", "--channel", "phone", "--category", "noise", "--from", "李女士",
                  "--contact", "13812345678", "--content", "夜间23点仍在打桩,噪声很大", "--at", "2026-09-29 23:10",
                  ok=False)
    assert result.exit_code == 2 and NUMBER in result.stderr and "--again" in result.stderr
    assert dump(site) == before
    assert log("2026-09-29 23:10", "--again") == SECOND
    assert tsms_json("history", SECOND)[0]["details"]["again"] is True


def test_the_same_words_another_time_are_another_complaint(site, monkeypatch):
    log()
    assert log("2026-09-29 23:40") == SECOND  # received half an hour later: a new call
    monkeypatch.setenv("TSMS_NOW", "2026-11-23 09:11")  # typed 11 minutes later: not a slip
    assert log() == "SH01-2026-00003"
    monkeypatch.setenv("TSMS_NOW", "2026-11-23 09:15")  # within 10 minutes of the last one
    assert tsms("log", "--project", "P01", "--category", "noise", "--contact", "13812345678",
                "--content", "夜间23点仍在打桩,噪声很大", "--at", "2026-09-29 23:10", ok=False).exit_code == 2


def test_a_voided_duplicate_does_not_block_the_right_entry(site):
    log()
    tsms("void", NUMBER, "--reason", "工程选错")
    assert log() == SECOND


# --------------------------------------------------------------------------- reopened (issue 11 point 7)


def test_reopened_complaint_shows_the_earlier_result_apart(site, tmp_path):
    log("2026-11-16 10:00")
    tsms("assign", NUMBER, "--to", "张三", "--at", "2026-11-16 10:30")
    tsms("resolve", NUMBER, "--result", "已调整作业时间", "--at", "2026-11-17 15:00")
    tsms("revisit", NUMBER, "--method", "phone", "--satisfaction", "unsatisfied", "--at", "2026-11-18 10:00")
    c = tsms_json("show", NUMBER)
    assert c["status"] == "assigned"
    assert c["result"] is None and c["resolved_at"] is None
    assert c["previous_result"] == "已调整作业时间" and c["previous_resolved_at"] == "2026-11-17T15:00:00+08:00"
    shown = tsms("show", NUMBER).stdout
    assert "上次处理结果\t已调整作业时间" in shown and "上次处理完成时间\t2026-11-17 15:00" in shown
    form = tmp_path / "form.xlsx"
    tsms("show", NUMBER, "--xlsx", form)
    from openpyxl import load_workbook

    cells = [str(v) for row in load_workbook(form).active.iter_rows(values_only=True) for v in row if v]
    assert any("上次处理结果(2026-11-17 15:00):已调整作业时间" in v for v in cells)
    assert "已调整作业时间" not in [v for v in cells if not v.startswith("上次")]
    tsms("resolve", NUMBER, "--result", "已加装隔音屏", "--at", "2026-11-19 15:00")
    c = tsms_json("show", NUMBER)
    assert c["result"] == "已加装隔音屏" and c["resolved_at"] == "2026-11-19T15:00:00+08:00"
    assert c["previous_result"] == "已调整作业时间"
    _check_sound()


def test_check_finds_a_voided_complaint_with_an_open_step(site):
    log()
    tsms("void", NUMBER, "--reason", "误录")
    _check_sound()
    shell(site / "ledger.sqlite3", "UPDATE obligation SET met_at = NULL;\nUPDATE complaint SET void_reason = NULL;\n")
    out = tsms("check", ok=False).stdout
    assert "作废的投诉仍有未完成的环节: SH01-2026-00001" in out and "作废与作废时间、原因不符: SH01-2026-00001" in out


def test_a_complaint_reopened_before_the_upgrade_shows_its_earlier_result(env):
    shutil.copy(Path(__file__).parent / "data" / "ledger-v1.sqlite3", env / "ledger.sqlite3")
    c = tsms_json("show", "SH01-2026-00005")  # reopened by an unsatisfied revisit in the v1 ledger
    assert c["status"] == "assigned" and c["reopened"] == 1
    assert c["previous_result"] == "已上门查看并修补裂缝" and c["previous_resolved_at"] == "2026-11-16T16:00:00+08:00"
    assert c["result"] is None and c["resolved_at"] is None
    assert tsms_json("show", "SH01-2026-00001")["previous_result"] is None
    _check_sound()
