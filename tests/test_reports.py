"""Reports for head office: exact measures on a ledger with known numbers, the workbook
read back with openpyxl, the form, privacy and formula safety."""

import datetime as dt

import openpyxl
import pytest

from conftest import dump, on_site, tsms, tsms_json

N = "SH01-2026-{:05d}".format


@pytest.fixture
def october(env, templates, monkeypatch):
    """Six complaints received in October 2026 (see each comment)."""
    return on_site(templates, env, monkeypatch, "october", _october)


def _october():
    def log(at, category="dust", urgency="normal", who=None, contact=None, address=None, content="投诉"):
        return tsms("log", "--project", "P01", "--category", category, "--urgency", urgency, "--from", who or f"居民{at}",
                    "--contact", contact or "139" + at[8:10] + at[11:13] + "0000", "--address", address or f"地址{at}", "--content", content,
                    "--at", at).stdout.strip()

    # 1: resolved in 1 working day (10 Oct is a make-up Saturday), revisited on time, satisfied
    log("2026-10-09 10:00", who="张先生", contact="13811112222", address="某小区1号楼")
    tsms("assign", N(1), "--to", "张三", "--at", "2026-10-09 11:00")
    tsms("resolve", N(1), "--result", "好", "--at", "2026-10-12 10:00")
    tsms("revisit", N(1), "--method", "phone", "--satisfaction", "satisfied", "--at", "2026-10-13 10:00")
    # 2: revisited a day late (due 19 Oct), basic
    log("2026-10-12 09:00", category="noise")
    tsms("assign", N(2), "--to", "张三", "--at", "2026-10-12 10:00")
    tsms("resolve", N(2), "--result", "好", "--at", "2026-10-15 10:00")
    tsms("revisit", N(2), "--method", "visit", "--satisfaction", "basic", "--at", "2026-10-20 10:00")
    # 3: rejected
    log("2026-10-13 09:00", category="other")
    tsms("reject", N(3), "--reason", "不属本工地", "--at", "2026-10-13 10:00")
    # 4: at night, accepted the next morning (on time: after hours, the next working day), resolved
    # late on 30 Oct: revisit due 3 Nov
    log("2026-10-14 23:30", category="noise", content='=HYPERLINK("http://x","点我")')
    tsms("assign", N(4), "--to", "李四", "--at", "2026-10-15 09:00")
    tsms("resolve", N(4), "--result", "好", "--at", "2026-10-30 16:00")
    # 5: urgent, never resolved (due 21 Oct)
    log("2026-10-20 09:00", category="safety", urgency="urgent", contact="+86 139 0000 1111")
    tsms("assign", N(5), "--to", "李四", "--at", "2026-10-20 10:00")
    # 6: the same person as 1: unsatisfied, reopened, resolved again, satisfied
    log("2026-10-21 09:00", who="张先生", contact="13811112222", address="某小区2号楼")
    tsms("assign", N(6), "--to", "张三", "--at", "2026-10-21 10:00")
    tsms("resolve", N(6), "--result", "第一次", "--at", "2026-10-22 10:00")
    tsms("revisit", N(6), "--method", "phone", "--satisfaction", "unsatisfied", "--at", "2026-10-23 10:00")
    tsms("resolve", N(6), "--result", "第二次", "--at", "2026-10-27 10:00")
    tsms("revisit", N(6), "--method", "phone", "--satisfaction", "satisfied", "--at", "2026-10-28 10:00")


def test_october_measures_exact(october):
    r = tsms_json("report", "--month", "2026-10", "--as-of", "2026-11-02")
    assert r["period"] == {"label": "2026-10", "from": "2026-10-01", "to": "2026-10-31", "as_of": "2026-11-02"}
    assert r["complaints"] == {"received": 6, "valid": 5, "rejected": 1, "night_time": 1, "serious": 0}
    assert r["handling_rate"] == {"numerator": 4, "denominator": 5, "rate": 0.8}
    assert r["revisit_rate"]["numerator"] == 3 and r["revisit_rate"]["denominator"] == 3
    assert r["revisit_rate"]["rate"] == 1.0 and r["revisit_rate"]["target"] == 1.0
    assert r["revisit_rate"]["not_yet_due"] == [{"number": N(4), "revisit_due": "2026-11-03", "provisional": False}]
    assert r["on_time_revisit_rate"] == {"numerator": 3, "denominator": 4, "rate": 0.75}
    assert r["satisfaction_rate"] == {"numerator": 3, "denominator": 4, "rate": 0.75, "satisfied": 2, "basic": 1,
                                      "unsatisfied": 1}
    assert r["days_to_resolve"] == {"count": 4, "median": 3.5, "p90": 11}
    assert r["by_category"]["noise"] == 2 and r["by_category"]["dust"] == 2 and r["by_category"]["quality"] == 0
    assert r["by_channel"]["phone"] == 6 and r["by_urgency"] == {"urgent": 1, "high": 0, "normal": 5, "low": 0}
    assert r["by_project"] == {"P01": 6}
    assert r["repeat_complainants"] == [{"by": "person", "complainant": "张先生", "contact": "138****2222",
                                         "count": 2, "numbers": [N(1), N(6)]}]  # masked (SPEC §8)
    assert r["late_steps"] == 3
    assert r["plan_execution"] is None and r["warranty_claims"] is None


def test_revisit_becomes_due_after_the_report_day(october):
    r = tsms_json("report", "--month", "2026-10", "--as-of", "2026-11-23")
    assert r["revisit_rate"] == {"numerator": 3, "denominator": 4, "rate": 0.75, "target": 1.0, "not_yet_due": []}


def test_empty_month_and_periods(october):
    r = tsms_json("report", "--month", "2026-11", "--as-of", "2026-11-23")
    assert r["complaints"]["received"] == 0 and r["handling_rate"]["rate"] is None
    year = tsms_json("report", "--year", "2026")
    assert year["complaints"]["received"] == 6 and year["period"]["from"] == "2026-01-01"
    span = tsms_json("report", "--from", "2026-10-12", "--to", "2026-10-14")
    assert span["complaints"]["received"] == 3
    default = tsms_json("report")  # last month, from TSMS_NOW 2026-11-23
    assert default["period"]["label"] == "2026-10"
    one = tsms_json("report", "--month", "2026-10", "--project", "P01")
    assert one["project"] == "P01" and one["complaints"]["received"] == 6


def test_report_in_the_terminal(october):
    out = tsms("report", "--month", "2026-10", "--as-of", "2026-11-02").stdout
    assert "处理率\t4\t5\t80.0%" in out and "回访率" in out and N(4) in out
    assert "handling rate\t4\t5\t80.0%" in tsms("report", "--month", "2026-10", "--lang", "en").stdout


@pytest.mark.parametrize("args", [["--month", "2026-13"], ["--month", "Oct"], ["--year", "26"],
                                  ["--from", "2026-10-01"], ["--from", "2026-10-05", "--to", "2026-10-01"],
                                  ["--month", "2026-10", "--year", "2026"], ["--project", "P99"],
                                  ["--xlsx", "out.txt"]])
def test_report_bad_input(october, args):
    before = dump(october)
    r = tsms("report", *args, ok=False)
    assert r.exit_code == 2 and len(r.stderr.strip().splitlines()) == 1
    assert dump(october) == before


def test_monthly_workbook(october, tmp_path):
    out = tmp_path / "2026-10涉民投诉月报.xlsx"
    tsms("report", "--month", "2026-10", "--as-of", "2026-11-02", "--xlsx", out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["汇总", "投诉台账", "投诉台账(续)", "回访记录", "超期清单", "期内超期环节", "整改"]
    ledger = wb["投诉台账"]
    assert [c.value for c in ledger[2]][:6] == ["编号", "工程", "投诉时间", "投诉渠道", "投诉类型", "紧急程度"]
    assert ledger.freeze_panes == "B3"
    assert ledger.print_title_rows == "$1:$2"
    assert ledger.page_setup.orientation == "landscape"
    assert ledger.max_row == 2 + 6
    first = {h.value: c for h, c in zip(ledger[2], ledger[3])}
    assert first["编号"].value == N(1)
    assert first["投诉时间"].is_date and first["投诉时间"].value == dt.datetime(2026, 10, 9, 10, 0)
    assert first["投诉人"].value == "张先生"
    assert first["投诉类型"].value == "扬尘" and first["状态"].value == "已办结" and first["本期"].value == "新收"
    formula = {h.value: c for h, c in zip(ledger[2], ledger[6])}["投诉内容详细说明"]
    assert formula.value == '=HYPERLINK("http://x","点我")' and formula.data_type == "s"
    rest = wb["投诉台账(续)"]
    more = {h.value: c for h, c in zip(rest[2], rest[3])}
    assert more["编号"].value == N(1)
    assert more["联系方式"].value == "138****2222"
    assert more["地址"].value == "某小****"
    plus = {h.value: c for h, c in zip(rest[2], rest[7])}["联系方式"]
    assert plus.value == "+86 1** **** 1111" and plus.data_type == "s"
    summary = wb["汇总"]
    rows = {r[0].value: r for r in summary.iter_rows(min_row=1, max_row=40) if r[0].value}
    assert [c.value for c in rows["处理率"][:4]] == ["处理率", 4, 5, 0.8]
    assert rows["处理率"][3].number_format == "0.0%"
    assert len(summary._charts) == 2
    visits = wb["回访记录"]
    assert visits.max_row == 2 + 4 and visits["C3"].is_date
    late = wb["期内超期环节"]
    assert [late.cell(r, 2).value for r in range(3, late.max_row + 1)] == [N(2), N(5), N(4)]
    assert [c.value for c in wb["超期清单"]["B"][2:]] == [N(5)]  # what tsms overdue --as-of 2026-11-02 lists


def test_workbook_with_contacts(october, tmp_path):
    out = tmp_path / "full.xlsx"
    tsms("report", "--month", "2026-10", "--xlsx", out, "--with-contacts")
    ledger = openpyxl.load_workbook(out)["投诉台账(续)"]
    row = {h.value: c.value for h, c in zip(ledger[2], ledger[3])}
    assert row["联系方式"] == "13811112222" and row["地址"] == "某小区1号楼"


def test_complaint_form(october, tmp_path):
    out = tmp_path / "投诉处理表.xlsx"
    tsms("show", N(6), "--xlsx", out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["涉民投诉处理表", "回访单"]
    ws = wb["涉民投诉处理表"]
    assert "涉民投诉处理表" in ws["A1"].value and ws["F2"].value == N(6)
    cells = {ws.cell(r, c).value: ws.cell(r, c + 1) for r in range(3, 15) for c in (1, 3, 5)}
    assert cells["投诉人"].value == "张先生" and cells["联系方式"].value == "138****2222"
    assert cells["处理结果"].value == "第二次" and cells["投诉时间"].is_date
    visits = [c.value for row in wb["回访单"].iter_rows() for c in row]
    assert visits.count("回访时间") == 2 and "不满意" in visits and "满意" in visits
    tsms("show", N(4), "--xlsx", tmp_path / "f4.xlsx", "--with-contacts")
    content = openpyxl.load_workbook(tmp_path / "f4.xlsx").active["B7"]
    assert content.value == '=HYPERLINK("http://x","点我")' and content.data_type == "s"
