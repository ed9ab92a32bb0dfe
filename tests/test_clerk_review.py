"""Issue 11, the reviewer's findings: deadlines in hours judged by the moment, a closed
pipe, a day typed alone, the piped overdue line, the hour in messages, the escalation
hint, corrections in show --json, dates a clerk types, and the small refusals."""

import datetime as dt
import json

import pytest

from conftest import log, tsms, tsms_json
from tsms import clock, rules


def _urgent(at="2026-11-25 08:00"):
    tsms("log", "--project", "P01", "--channel", "hotline", "--urgency", "紧急", "--category", "noise",
         "--content", "夜间打桩", "--at", at)


# --------------------------------------------------------------------------- 1. hours


def test_is_late_by_the_moment_for_a_limit_in_hours():
    due_at = dt.datetime(2026, 11, 26, 9, 0)
    due = due_at.date()
    assert not rules.is_late(due, dt.datetime(2026, 11, 26, 9, 0), due_at)
    assert rules.is_late(due, dt.datetime(2026, 11, 26, 9, 1), due_at)
    assert not rules.is_late(due, dt.date(2026, 11, 26), due_at)  # a day alone: its start
    assert rules.is_late(due, dt.date(2026, 11, 27), due_at)
    # a deadline in days: the whole last day is on time
    assert not rules.is_late(due, dt.datetime(2026, 11, 26, 23, 59))
    assert rules.is_late(due, dt.datetime(2026, 11, 27, 0, 0))
    assert rules.days_late(due, dt.datetime(2026, 11, 27, 8, 0), due_at) == 0
    assert rules.hours_late(due_at, dt.datetime(2026, 11, 27, 8, 0)) == 23
    assert rules.days_late(due, dt.datetime(2026, 11, 28, 10, 0), due_at) == 2
    assert rules.hours_late(due_at, dt.datetime(2026, 11, 26, 9, 10)) == 1


def test_an_urgent_step_done_an_hour_late_is_late_in_show(site, monkeypatch):
    monkeypatch.setenv("TSMS_NOW", "2026-11-28 10:00")
    _urgent()
    tsms("accept", "1", "--at", "2026-11-25 09:00")
    tsms("assign", "1", "--to", "张三", "--at", "2026-11-25 09:30")
    r = tsms_json("resolve", "1", "--result", "已停工", "--at", "2026-11-26 10:00")
    assert r["on_time"] is False
    tsms("reply", "1", "--text", "已处理", "--at", "2026-11-26 11:00")
    steps = {s["kind"]: s for s in tsms_json("show", "1")["deadlines"]}
    assert steps["resolve"]["due_at"].startswith("2026-11-26T09:00")
    assert steps["resolve"]["late"] is True and steps["reply"]["late"] is True
    out = tsms("show", "1").stdout
    assert "2026-11-26 09:00\t2026-11-26 10:00\t逾期完成" in out


def test_overdue_lists_an_hour_limit_that_ran_out_today(site, monkeypatch):
    monkeypatch.setenv("TSMS_NOW", "2026-11-28 10:00")
    _urgent("2026-11-27 08:00")
    r = tsms_json("assign", "1", "--to", "张三", "--at", "2026-11-27 09:00")
    assert r["resolve_due_at"].startswith("2026-11-28T09:00")
    assert "处理期限 2026-11-28 09:00" in tsms("assign", "1", "--to", "李四", "--at", "2026-11-27 09:00").stdout
    result = tsms("overdue", ok=False)
    assert result.exit_code == 1
    assert "1 小时" in result.stdout
    items = json.loads(tsms("overdue", "--json", ok=False).stdout)
    resolve = [i for i in items if i["kind"] == "resolve"][0]
    assert resolve["late"] and resolve["hours_late"] == 1 and resolve["days_late"] == 0
    monkeypatch.setenv("TSMS_NOW", "2026-11-28 08:59")
    assert tsms("overdue").exit_code == 0
    # a report the day after lists it late, met or not
    monkeypatch.setenv("TSMS_NOW", "2026-11-28 10:00")
    tsms("resolve", "1", "--result", "已停工", "--at", "2026-11-28 09:30")
    report = tsms_json("report", "--month", "2026-11")
    assert any(i["kind"] == "resolve" and i["late"] for i in report["late"])


# --------------------------------------------------------------------------- 2. closed pipe


def _piped(args, env):
    import os
    import subprocess
    import sys

    code = ("import sys; from tsms.cli import main; sys.argv = ['tsms', *sys.argv[1:]]; main()")
    p = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env={**os.environ, **env})
    p.stdout.close()  # the reader has gone before the first line
    err = p.stderr.read()
    return p.wait(), err


def test_a_closed_pipe_keeps_the_exit_code(site, monkeypatch):
    import os

    for i in range(3):
        log(f"2026-11-2{i} 09:00")
    env = {"TSMS_DB": os.environ["TSMS_DB"], "TSMS_NOW": "2026-11-23 09:00"}
    for args in (["list"], ["show", "1"], ["history", "1"]):
        code, err = _piped(args, env)
        assert code == 0, (args, err)
        assert b"Traceback" not in err and b"Broken pipe" not in err
    code, err = _piped(["overdue", "--as-of", "2026-11-20"], env)
    assert code == 0, err
    code, err = _piped(["overdue", "--as-of", "2026-12-31"], env)
    assert code == 1, err


# --------------------------------------------------------------------------- 4. piped overdue


def test_piped_overdue_with_nothing_late_starts_with_a_comment(site):
    out = tsms("overdue").stdout
    assert out.startswith("# 截至 2026-11-23 没有逾期事项")
    assert tsms("overdue", "--within", "3").stdout.startswith("# 截至")


# --------------------------------------------------------------------------- 3. a day alone


def test_a_day_typed_alone_is_shown_as_the_day(site, monkeypatch):
    monkeypatch.setenv("TSMS_NOW", "2026-11-27 10:00")
    log("11月20日")
    out = tsms("history", "1").stdout
    assert "2026-11-20\t" in out and "00:00" not in out
    assert tsms_json("history", "1")[0]["time_known"] is False
    tsms("assign", "1", "--to", "张三", "--at", "2026-11-20")
    refused = tsms("resolve", "1", "--result", "x", "--at", "2026-11-19", ok=False)
    assert refused.exit_code == 2
    assert "--at 2026-11-19 早于上一步(派单 2026-11-20)" in refused.stderr
    # a day alone on the day of a timed step is not before it
    log("2026-11-20 10:00")
    tsms("accept", "2", "--at", "2026-11-20")


# --------------------------------------------------------------------------- 5. the hour in a correction


def test_a_correction_names_an_hour_deadline_with_its_hour(site, monkeypatch):
    monkeypatch.setenv("TSMS_NOW", "2026-11-27 10:00")
    log("2026-11-25 15:00")
    tsms("accept", "1", "--at", "2026-11-25 15:00")
    out = tsms("edit", "1", "--urgency", "紧急", "--reason", "登记错误").stdout
    assert "处理 期限 2026-12-02 → 2026-11-26 15:00" in out


# --------------------------------------------------------------------------- 6. serious


def test_log_serious_says_when_to_escalate_on_a_terminal(site, monkeypatch):
    monkeypatch.setattr("tsms.render.is_terminal", lambda: True)
    out = tsms("log", "--project", "P01", "--category", "noise", "--content", "塌方", "--serious",
               "--at", "2026-11-23 08:00").stdout
    assert "重大投诉:上报期限 2026-11-23,用 tsms escalate SH01-2026-00001" in out
    assert tsms_json("log", "--project", "P01", "--category", "dust", "--content", "扬尘", "--serious",
                     "--at", "2026-11-23 08:10")["escalate_due"] == "2026-11-23"


# --------------------------------------------------------------------------- 7. corrections in JSON


def test_show_json_lists_the_corrections(site, monkeypatch):
    log("2026-11-20 09:00")
    tsms("edit", "1", "--contact", "13900000000", "--reason", "记错号码")
    c = tsms_json("show", "1")
    assert c["corrections"] == [{"at": "2026-11-23T09:00:00+08:00", "by": "资料员", "field": "contact",
                                 "before": "13812345678", "after": "13900000000", "reason": "记错号码"}]


# --------------------------------------------------------------------------- 10. dates a clerk types

REF = dt.datetime(2026, 11, 27, 10, 0)


@pytest.mark.parametrize("typed, moment, known", [
    ("11月20号", dt.datetime(2026, 11, 20), False),
    ("11.20", dt.datetime(2026, 11, 20), False),
    ("11.20 9:30", dt.datetime(2026, 11, 20, 9, 30), True),
    ("昨天 下午3点", dt.datetime(2026, 11, 26, 15, 0), True),
    ("昨天下午3点半", dt.datetime(2026, 11, 26, 15, 30), True),
    ("2026-11-20 9点30", dt.datetime(2026, 11, 20, 9, 30), True),
    ("2026-11-20 9点30分", dt.datetime(2026, 11, 20, 9, 30), True),
    ("11月20日 上午9:30", dt.datetime(2026, 11, 20, 9, 30), True),
    ("11月20日 15时", dt.datetime(2026, 11, 20, 15, 0), True),
    ("下午12点", dt.datetime(2026, 11, 27, 12, 0), True),
    ("中午1点", dt.datetime(2026, 11, 27, 13, 0), True),
    ("上午12点", dt.datetime(2026, 11, 27, 12, 0), True),
    ("凌晨2点", dt.datetime(2026, 11, 27, 2, 0), True),
    ("昨天 晚上11点", dt.datetime(2026, 11, 26, 23, 0), True),
])
def test_dates_and_times_a_clerk_types(typed, moment, known):
    assert clock.parse_moment(typed, reference=REF) == (moment, known)


@pytest.mark.parametrize("typed", ["晚上12点", "上午13点", "下午25点", "9点60", "中午5点"])
def test_hours_that_do_not_fit_are_refused(typed):
    with pytest.raises(Exception) as refused:
        clock.parse_moment(typed, reference=REF)
    assert "不是有效的日期时间" in str(refused.value) or "not a valid" in str(refused.value)


def test_a_time_in_chinese_words_from_the_command(site, monkeypatch):
    monkeypatch.setenv("TSMS_NOW", "2026-11-27 10:00")
    log("昨天 下午3点")
    assert tsms_json("show", "1")["received_at"] == "2026-11-26T15:00:00+08:00"
    assert tsms("log", "--project", "P01", "--category", "noise", "--content", "x", "--at", "晚上12点",
                ok=False).exit_code == 2


# --------------------------------------------------------------------------- 11. small things


def test_a_reversed_date_range_is_refused(site):
    r = tsms("list", "--since", "2026-11-30", "--until", "2026-11-01", ok=False)
    assert r.exit_code == 2 and "--since 2026-11-30 晚于 --until 2026-11-01" in r.stderr


def test_an_archived_complaint_says_it_is_archived(site):
    log("2026-11-20 09:00")
    tsms("reject", "1", "--reason", "不属于本工地")
    tsms("archive", "1")
    r = tsms("resolve", "1", "--result", "x", ok=False)
    assert r.exit_code == 2 and "已归档,不能再改" in r.stderr and "可执行:-" not in r.stderr


def test_a_typo_of_a_chinese_label_suggests_that_value_first(site):
    r = tsms("log", "--project", "P01", "--channel", "电活", "--category", "noise", "--content", "x", ok=False)
    assert "是不是 phone/电话" in r.stderr


def test_a_number_like_search_finds_the_serial_not_a_fragment_of_a_phone(site):
    log("2026-11-20 09:00")
    tsms("log", "--project", "P01", "--category", "dust", "--content", "扬尘", "--contact", "13800001234",
         "--at", "2026-11-20 10:00")
    found = [c["number"] for c in tsms_json("list", "--search", "00001")]
    assert found == ["SH01-2026-00001"]
    assert [c["number"] for c in tsms_json("list", "--search", "1")] == ["SH01-2026-00001"]
    assert [c["number"] for c in tsms_json("list", "--search", "1234")] == ["SH01-2026-00002"]
    assert [c["number"] for c in tsms_json("list", "--search", "138-0000-1234")] == ["SH01-2026-00002"]


def test_an_empty_no_color_leaves_colour_on(monkeypatch):
    from tsms.render import terminal

    monkeypatch.setattr(terminal, "is_terminal", lambda: True)
    monkeypatch.setenv("NO_COLOR", "")
    assert terminal.colour()
    monkeypatch.setenv("NO_COLOR", "1")
    assert not terminal.colour()


# --------------------------------------------------------------------------- 8. one line at 80 columns


@pytest.fixture
def demo_env(env):
    import os

    ledger = env / "demo.sqlite3"
    tsms("demo", "--db", ledger, "--as-of", "2026-11-20")
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS", "LINES")}
    return {**base, "TSMS_DB": str(ledger), "TSMS_NOW": "2026-11-20 17:30", "TERM": "xterm", "NO_COLOR": "1"}


def _screen(args, env, columns=80):
    from test_terminal import in_terminal

    code, out = in_terminal(args, env, columns)
    return code, out.replace("\r\n", "\n")


def test_list_is_one_line_a_complaint_at_80_columns(demo_env):
    code, out = _screen(["list"], demo_env)
    rows = [r for r in out.splitlines() if r.startswith("SH01-")]
    assert len(rows) == 9 and not [r for r in out.splitlines()[3:] if r.startswith(" ")], out
    head = out.splitlines()[1]
    assert "编号" in head and "投诉时间" in head and "下一期限" in head
    assert len(out.splitlines()) == 3 + 9  # title, header, rule, one line each
    assert "11-19 10:15" in out and "处理 11-20 10:40" in out  # no year this year; an hour limit's hour
    wide = _screen(["list"], demo_env, 120)[1]
    assert "133****7777" in wide and "处理人" in wide and "昨晚22点半还有混凝土泵车作业" in wide


def test_overdue_within_keeps_the_holder_at_80_columns(demo_env):
    code, out = _screen(["overdue", "--within", "3"], demo_env)
    assert code == 1
    assert "责任人" in out and "资料员小周" in out and "6 小时" in out
    assert not [r for r in out.splitlines()[3:] if r.startswith(" ")], out


def test_history_breaks_after_a_phrase_not_inside_a_word(demo_env):
    code, out = _screen(["history", "7"], demo_env)
    assert "处理期\n" not in out and "处理期限:2026-11-20" in out.replace(" ", "")


def test_a_step_entered_after_a_later_one_says_when_it_was_entered(site, monkeypatch):
    monkeypatch.setenv("TSMS_NOW", "2026-11-27 10:00")
    log("2026-11-25 09:00")
    tsms("edit", "1", "--address", "某小区5号楼", "--reason", "地址记错")
    tsms("assign", "1", "--to", "张三", "--at", "2026-11-25 16:00")
    rows = tsms("history", "1").stdout.splitlines()
    assert rows[-1].startswith("2026-11-25 16:00") and rows[-1].endswith("(补记于 2026-11-27 10:00)")
    assert "补记" not in rows[-2]


# --------------------------------------------------------------------------- 9. help


def _help(*args):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("LINES", "TSMS_LANG")}
    return subprocess.run([sys.executable, "-m", "tsms", *args, "--help"], env={**env, "COLUMNS": "80"},
                          capture_output=True, text=True, encoding="utf-8").stdout


def test_help_names_values_defaults_one_way_and_keeps_values_whole():
    log_help = _help("log")
    assert "投诉类型 / category: noise/噪声" in log_help and "投诉渠道 / channel:" in log_help
    assert "[默认:phone]" in log_help and "[默认:now]" in log_help and "(default" not in log_help
    for line in log_help.splitlines():  # a value never broken: traffic/交通/占道 on one line
        assert not line.rstrip().endswith(("traffic/交", "damage/振")), line
    assert "traffic/交通/占道" in log_help
    assert "例 / Examples" in _help("edit") and "tsms edit" in _help("edit")
    assert "tsms void" in _help("void")
    assert "--assignee NAME" in _help("list") and "--project CODE       只列此工程的" in _help("list")
    assert "上报说明" in _help("escalate")
    assert "SHELL" in _help("completion")
    top = _help()
    section = top.split("命令:\n", 1)[1].split("\n\n", 1)[0]
    for row in section.splitlines():
        assert " / " in row, row  # every command's line 中文 / English
    assert "any department" in top


def test_plan_keeps_its_terms_whole_at_80_columns(demo_env):
    code, out = _screen(["plan", "2027"], demo_env)
    assert "工程:P03 某住宅小区一期" in out
    assert "质保金到期前" in out and "供冷系统、" in out and "给排水管道" in out
    for row in out.splitlines():
        assert not row.rstrip().endswith(("质保金到期", "供冷系")), row
