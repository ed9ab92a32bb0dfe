"""The yearly revisit plan, planned revisits, surveys, rectifications, and overdue for
every kind of after-sales step."""

import datetime as dt
import json

import openpyxl
import pytest

from conftest import dump, on_site, refused, tsms, tsms_json
from tsms import rules
from tsms.store.calendar_source import year_from_package

CAL = rules.WorkCalendar(year_from_package)


@pytest.fixture
def estate(env, templates, monkeypatch):
    """Drafting in December 2026: P02 completed 2025-06-30 in Beijing, P03 on 2026-12-01."""
    monkeypatch.setenv("TSMS_NOW", "2026-12-10 09:00")

    def steps():
        tsms("project", "add", "P02", "--name", "某住宅小区二期", "--region", "beijing", "--completed", "2025-06-30",
             "--retention", "1200000", "--liability-years", "2", "--manager", "刘工")
        tsms("project", "add", "P03", "--name", "新竣工", "--region", "shanghai", "--completed", "2026-12-01")

    return on_site(templates, env, monkeypatch, "estate", steps)


def _items(plan):
    return {(i["project"], i["kind"], i["part"]): i for i in plan["items"]}


def test_plan_draft(estate):
    plan = tsms_json("plan", "2027")
    items = _items(plan)
    # a month after P03's completion (2026-12-01) is New Year's Day: the visit goes on the
    # working day before, 2026-12-31 — in the 2026 plan, the year it falls in (SPEC §5)
    assert ("P03", "first", "") not in items
    first = _items(tsms_json("plan", "2026"))[("P03", "first", "")]
    # the notice 20 days before falls on Saturday 12-12: the working day before (SPEC §3)
    assert first["date"] == "2026-12-31" and first["notify_by"] == "2026-12-11"
    pre = items[("P02", "pre_expiry", "decoration,equipment,mep")]
    assert pre["date"] == "2027-05-31" and pre["notify_by"] == "2027-05-11"  # 30 days before 2027-06-30
    heating = items[("P02", "pre_expiry", "heating")]["date"]  # heating ends 2027-03-15; 30 days before is
    assert heating == rules.last_working_day_on_or_before(dt.date(2027, 2, 13), CAL).isoformat()  # a Saturday
    assert items[("P02", "retention", "")]["date"] == "2027-05-31"  # liability 2 years → 2027-06-30
    assert items[("P02", "routine", "")]["date"] == "2027-06-30"
    assert items[("P02", "seasonal", "waterproofing")]["date"] == "2027-06-15"
    assert ("P02", "seasonal", "heating") not in items  # heating warranty over by winter 2027
    assert items[("P03", "seasonal", "waterproofing")]["date"] == "2027-06-15"
    assert ("P03", "seasonal", "heating") not in items  # Shanghai: no heating term on record
    for i in plan["items"]:
        day = dt.date.fromisoformat(i["date"])
        assert CAL.is_working_day(day)
        assert i["notify_by"] == rules.last_working_day_on_or_before(day - dt.timedelta(days=20), CAL).isoformat()
        assert i["staff"] == "张三"  # the site's team leader
    assert plan["approved_at"] is None


def test_redraft_keeps_done_and_edited(estate, monkeypatch):
    plan = tsms_json("plan", "2027")
    items = _items(plan)
    routine = items[("P02", "routine", "")]["id"]
    seasonal = items[("P02", "seasonal", "waterproofing")]["id"]
    r = tsms("plan", "2027", "--edit", seasonal, "--date", "2027-06-19", ok=False)  # a Saturday
    assert r.exit_code == 2 and "不是工作日" in r.stderr and "2027-06-18" in r.stderr and "2027-06-21" in r.stderr
    tsms("plan", "2027", "--edit", seasonal, "--date", "2027-07-01", "--staff", "李四")
    monkeypatch.setenv("TSMS_NOW", "2027-07-05 09:00")
    tsms("notify", routine, "--at", "2027-06-08 10:00")
    tsms("revisit", "--plan-item", routine, "--method", "visit", "--satisfaction", "satisfied",
         "--scores", "quality=5,plan=4,progress=4,safety=5,environment=4,service=5", "--signed-by", "物业经理",
         "--at", "2027-06-30 10:00")
    again = _items(tsms_json("plan", "2027", "--redraft"))
    assert again[("P02", "routine", "")]["done_at"] == "2027-06-30T10:00:00+08:00"
    assert again[("P02", "seasonal", "waterproofing")]["date"] == "2027-07-01"
    assert again[("P02", "seasonal", "waterproofing")]["staff"] == "李四"
    assert len(again) == len(_items(tsms_json("plan", "2027", "--redraft")))


def test_approve_and_export(estate, tmp_path):
    tsms("plan", "2027")
    r = tsms_json("plan", "2027", "--approve", "--by", "总经理")
    assert r["approved_by"] == "总经理"
    assert tsms("plan", "2027", "--approve", "--by", "总经理", ok=False).exit_code == 2
    assert tsms_json("plan", "2027")["approved_by"] == "总经理"  # showing does not re-draft
    out = tmp_path / "2027回访计划.xlsx"
    tsms("plan", "2027", "--xlsx", out)
    ws = openpyxl.load_workbook(out)["回访计划"]
    assert "2027年度工程质量回访计划" in ws["A1"].value and "总经理" in ws["A2"].value
    assert [c.value for c in ws[3]][:8] == ["项号", "工程项目", "回访类型", "部位", "回访方式", "时间", "人员安排",
                                            "通知顾客日期"]
    assert ws["F4"].is_date and ws["H4"].is_date


def test_found_problem_becomes_rectification(estate, monkeypatch):
    plan = tsms_json("plan", "2027")
    item = _items(plan)[("P02", "routine", "")]["id"]
    monkeypatch.setenv("TSMS_NOW", "2027-07-01 09:00")
    r = tsms_json("revisit", "--plan-item", item, "--method", "visit", "--satisfaction", "基本满意",
                  "--found", "2号楼外墙局部渗水", "--signed-by", "物业经理", "--at", "2027-06-30 10:00")
    rect = r["rectification"]
    assert rect["number"] == "P02-ZG2027-001" and rect["due"] == "2027-12-30" and rect["owner"] == "刘工"
    assert tsms("revisit", "--plan-item", item, "--method", "visit", ok=False).exit_code == 2  # done already
    tsms("rectify", "P02-ZG2027-001", "--result", "外墙重新打胶", "--verified-by", "物业经理", "--at", "2027-06-30 16:00")
    assert tsms_json("rectify", "list", "--open") == []


def test_survey_under_construction_three_months(site):
    r = tsms_json("revisit", "--project", "P01", "--method", "questionnaire", "--scores", "施工质量=4,服务态度=5",
                  "--found", "围挡破损", "--at", "2026-11-20 10:00")
    assert r["scores"] == {"quality": 4, "service": 5}
    assert r["rectification"]["due"] == "2027-02-22"  # 2027-02-20 is a Saturday: 第二百零三条 moves it


@pytest.mark.parametrize("args", [["--scores", "quality=6"], ["--scores", "beauty=3"], ["--plan-item", "999"], []])
def test_quality_revisit_refusals(estate, args):
    before = dump(estate)
    r = tsms("revisit", "--method", "visit", *args, ok=False)
    assert r.exit_code == 2 and len(r.stderr.strip().splitlines()) == 1
    assert dump(estate) == before


def test_overdue_lists_every_after_sales_kind(estate, monkeypatch):
    # 2027 plan never approved; a claim never inspected; a rectification never closed;
    # retention: applied, never verified
    tsms("plan", "2027")  # drafted in December
    monkeypatch.setenv("TSMS_NOW", "2027-07-20 09:00")
    tsms("claim", "--project", "P02", "--part", "waterproofing", "--content", "渗水", "--at", "2027-06-01 09:00")
    tsms("revisit", "--project", "P02", "--method", "phone", "--found", "门窗密封条老化", "--at", "2027-01-05 10:00")
    tsms("retention", "P02", "apply", "--at", "2027-07-01 09:00")
    r = tsms("overdue", "--as-of", "2027-07-20", "--json", ok=False)
    assert r.exit_code == 1
    kinds = {i["kind"] for i in json.loads(r.stdout)}
    assert {"plan", "claim", "notice", "planned_revisit", "retention_verify"} <= kinds
    late = {i["kind"]: i for i in json.loads(r.stdout)}
    assert late["claim"]["due"] == "2027-06-08" and late["claim"]["assignee"] == "刘工"
    assert late["plan"]["due"] == "2026-12-31"
    assert late["retention_verify"]["due"] == "2027-07-15"
    r = tsms("overdue", "--as-of", "2027-07-20", "--within", "200", "--json", ok=False)
    assert "rectification" in {i["kind"] for i in json.loads(r.stdout)}  # due 2027-07-05 + … (6 months)
    plain = tsms("overdue", "--as-of", "2027-07-20", ok=False).stdout
    assert "保修查验" in plain and "回访计划审批" in plain and "通知顾客" in plain


def test_retention_due_listed(estate, monkeypatch):
    monkeypatch.setenv("TSMS_NOW", "2027-07-20 09:00")
    items = json.loads(tsms("overdue", "--as-of", "2027-07-20", "--json", ok=False).stdout)
    assert any(i["kind"] == "retention" and i["due"] == "2027-06-30" for i in items)


def test_report_and_workbook_with_plan_and_claims(estate, monkeypatch, tmp_path):
    plan = _items(tsms_json("plan", "2027"))
    monkeypatch.setenv("TSMS_NOW", "2027-07-20 09:00")
    done = plan[("P02", "routine", "")]["id"]
    tsms("revisit", "--plan-item", done, "--method", "visit", "--satisfaction", "satisfied", "--at", "2027-06-30 10:00")
    tsms("claim", "--project", "P02", "--part", "waterproofing", "--content", "渗水", "--contact", "13900001111",
         "--at", "2027-06-01 09:00")
    tsms("claim", "inspect", "P02-2027-W001", "--cause", "construction", "--at", "2027-06-03 09:00")
    tsms("claim", "--project", "P02", "--part", "mep", "--content", "漏水", "--at", "2027-06-20 09:00")  # never inspected
    r = tsms_json("report", "--month", "2027-06", "--as-of", "2027-07-20")
    # June items: the seasonal waterproofing revisits of P02 and P03 (06-15) and P02's routine one (06-30)
    assert r["plan_execution"] == {"numerator": 1, "denominator": 3, "rate": 0.3333}
    assert r["warranty_claims"] == {"count": 2, "in_warranty": 2, "paid": 0,  # mep covered to 06-30
                                    "inspection_on_time": {"numerator": 1, "denominator": 2, "rate": 0.5}}
    out = tmp_path / "06.xlsx"
    tsms("report", "--month", "2027-06", "--as-of", "2027-07-20", "--xlsx", out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["汇总", "投诉台账", "投诉台账(续)", "回访记录", "超期清单", "期内超期环节", "整改", "保修单",
                             "回访计划", "质量回访"]
    claims = wb["保修单"]
    assert claims["A3"].value == "P02-2027-W001" and claims["F3"].value == "139****1111" and claims["G3"].is_date
    assert wb["回访计划"].max_row == 2 + 3
    summary = {row[0].value: [c.value for c in row] for row in wb["汇总"].iter_rows() if row[0].value}
    assert summary["回访计划执行率"][:4] == ["回访计划执行率", 1, 3, 0.3333]


def test_attachments_on_every_subject_and_listed(estate, tmp_path, monkeypatch):
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(b"jpeg-bytes")
    plan = _items(tsms_json("plan", "2027"))
    item = plan[("P02", "routine", "")]["id"]
    monkeypatch.setenv("TSMS_NOW", "2027-07-20 09:00")
    tsms("revisit", "--plan-item", item, "--method", "visit", "--found", "外墙渗水", "--at", "2027-06-30 10:00")
    tsms("claim", "--project", "P02", "--part", "mep", "--content", "漏水", "--at", "2027-06-20 09:00")
    number = tsms("log", "--project", "P01", "--category", "noise", "--content", "噪声", "--at", "2027-06-20 09:00").stdout.strip()
    for subject in (number, "P02-2027-W001", "P02-ZG2027-001", f"2027-{item}"):
        assert tsms_json("attach", subject, photo)[0]["number"] == subject
    assert tsms_json("show", number)["attachments"][0]["name"] == "现场.jpg"
    assert "现场.jpg" in tsms("show", number).stdout
    assert tsms_json("claim", "show", "P02-2027-W001")["attachments"][0]["size"] == 10
    assert tsms("attach", "NOPE-1", photo, ok=False).exit_code == 2
    assert tsms("check").exit_code == 0


def test_plan_owed_from_the_first_december_after_entry(site):
    tsms("project", "add", "P07", "--name", "已竣工", "--completed", "2025-06-30")  # entered 2026-11-23
    items = json.loads(tsms("overdue", "--as-of", "2026-11-23", "--json", ok=False).stdout)
    assert not any(i["kind"] == "plan" for i in items)
    soon = json.loads(tsms("overdue", "--as-of", "2026-12-28", "--within", "5", "--json", ok=False).stdout)
    assert [i["number"] for i in soon if i["kind"] == "plan"] == ["plan-2027"]
    late = json.loads(tsms("overdue", "--as-of", "2027-01-05", "--json", ok=False).stdout)
    assert [(i["number"], i["days_late"]) for i in late if i["kind"] == "plan"] == [("plan-2027", 5)]


def test_rectification_limit_follows_the_state_on_the_day_found(site, monkeypatch):
    """Seed 《工程回访管理制度》: 3 months under construction, 6 in warranty — the project's state
    on the day the problem was found. Found 2025-05-10, completed 2025-06-30 (entered later):
    3 months → 2025-08-10, a Sunday → 2025-08-11 (《民法典》 第二百零三条)."""
    monkeypatch.setenv("TSMS_NOW", "2025-07-15 09:00")
    tsms("project", "add", "P09", "--name", "九期", "--completed", "2025-06-30")
    r = tsms_json("revisit", "--project", "P09", "--method", "visit", "--found", "外墙裂缝", "--at", "2025-05-10 10:00")
    assert r["rectification"]["due"] == "2025-08-11"
    r = tsms_json("revisit", "--project", "P09", "--method", "visit", "--found", "渗水", "--at", "2025-07-10 10:00")
    assert r["rectification"]["due"] == "2026-01-12"  # in warranty: 6 months, 2026-01-10 a Saturday


def test_a_notice_too_late_for_20_days_is_due_at_once(estate):
    """Seed 1.4.1 「提前20天通知顾客单位」: a visit planned less than 20 days ahead is notified at
    once (drafted 2026-12-10, the first revisit on 2026-12-31 owes its notice by 12-11 — still
    possible; a later one would be due the day it is planned), and the plan says so."""
    items = _items(tsms_json("plan", "2026"))
    first = items[("P03", "first", "")]
    assert first["notify_by"] == "2026-12-11" and first["notify_at_once"] is False
    short = [i for i in items.values() if i["notify_at_once"]]
    assert all(i["notify_by"] == "2026-12-10" for i in short)
    assert all(dt.date.fromisoformat(i["date"]) - dt.timedelta(days=20) < dt.date(2026, 12, 10) for i in short)


def test_a_revisit_belongs_to_the_plan_of_its_year(site, monkeypatch):
    """SPEC §5: a part expiring 2027-01-10 is visited 30 days before, 2026-12-11 — in the 2026
    plan, never in 2027's (where its notice would be late before the plan could exist)."""
    monkeypatch.setenv("TSMS_NOW", "2026-11-02 09:00")
    tsms("project", "add", "P08", "--name", "八期", "--completed", "2025-01-10", "--region", "shanghai")
    p2026 = _items(tsms_json("plan", "2026"))
    pre = [i for k, i in p2026.items() if k[0] == "P08" and k[1] == "pre_expiry"]
    assert [(i["date"], i["part"]) for i in pre] == [("2026-12-11", "decoration,equipment,mep")]
    assert pre[0]["notify_by"] == "2026-11-20"
    p2027 = _items(tsms_json("plan", "2027"))
    assert not [k for k in p2027 if k[0] == "P08" and k[1] == "pre_expiry" and "mep" in k[2]]


def test_items_added_to_an_approved_plan_are_an_amendment(site, monkeypatch):
    """SPEC §5: adding items to an approved plan is an amendment with its own approval, not a
    late plan. The 2026 plan approved on time; a project completed in March needs its first
    revisit: `plan 2026 --draft` adds it as 增补 1, the plan stays approved and on time."""
    monkeypatch.setenv("TSMS_NOW", "2025-12-01 09:00")
    tsms("project", "add", "P02", "--name", "二期", "--completed", "2025-06-30")
    tsms("project", "add", "P04", "--name", "四期")
    tsms("plan", "2026")
    monkeypatch.setenv("TSMS_NOW", "2025-12-20 10:00")
    tsms("plan", "2026", "--approve", "--by", "总经理")
    approved = tsms_json("plan", "2026")
    monkeypatch.setenv("TSMS_NOW", "2026-03-10 17:00")
    tsms("project", "complete", "P04", "2026-03-10")
    r = tsms("plan", "2026", "--draft")
    assert "增补 1" in r.stdout
    plan = tsms_json("plan", "2026")
    assert plan["approved_at"] == approved["approved_at"]  # untouched
    added = [i for i in plan["items"] if i["amendment"] == 1]
    assert [(i["project"], i["kind"], i["date"], i["notify_by"]) for i in added] == [
        ("P04", "first", "2026-04-10", "2026-03-20"), ("P04", "seasonal", "2026-06-15", "2026-05-26")]
    assert [i for i in plan["items"] if i["amendment"] == 0] == approved["items"]
    assert plan["amendments"][0]["approved_at"] is None
    late = json.loads(tsms("overdue", "--as-of", "2026-03-11", "--json", ok=False).stdout)
    assert not [i for i in late if i["kind"] in ("plan", "notice")]  # approved on time, nothing late now
    r = tsms_json("plan", "2026", "--approve", "--by", "总经理")
    assert r["amendment"] == 1
    assert tsms("plan", "2026", "--approve", "--by", "总经理", ok=False).exit_code == 2  # nothing awaits
    assert tsms("plan", "2026", "--draft").stdout.count("增补 2") == 0  # nothing new: no empty amendment


def test_edit_staff_must_be_on_the_staff_list(estate):
    item = _items(tsms_json("plan", "2027"))[("P02", "routine", "")]["id"]
    before = dump(estate)
    r = tsms("plan", "2027", "--edit", item, "--staff", "李思", ok=False)
    assert r.exit_code == 2 and "李思" in r.stderr and "李四" in r.stderr
    assert dump(estate) == before
    tsms("plan", "2027", "--edit", item, "--staff", "李四", "--method", "上门回访")
    edited = _items(tsms_json("plan", "2027"))[("P02", "routine", "")]
    assert (edited["staff"], edited["method"]) == ("李四", "visit")


def test_a_revisit_in_an_earlier_plan_is_never_repeated(site, monkeypatch):
    """SPEC §5: 「an item is never repeated in a later year's plan」. P05 completed 2026-12-02:
    its first revisit is due 2027-01-02, a Saturday, so the 2026 plan has it on 2026-12-31.
    When 2027-01-02 is then recorded as a make-up working day, the day is in 2027 — but the
    visit is planned already: `plan 2027` does not list it again."""
    monkeypatch.setenv("TSMS_NOW", "2026-12-10 09:00")
    tsms("project", "add", "P05", "--name", "五期", "--region", "shanghai", "--completed", "2026-12-02")
    first = _items(tsms_json("plan", "2026"))[("P05", "first", "")]
    assert first["date"] == "2026-12-31"
    tsms("calendar", "set", "2027-01-02", "workday", "--note", "调休上班")
    later = _items(tsms_json("plan", "2027"))
    assert ("P05", "first", "") not in later and ("P05", "routine", "") in later
    assert ("P05", "first", "") not in _items(tsms_json("plan", "2027", "--draft"))


def test_the_first_revisit_made_closes_the_plans_item(site, monkeypatch):
    """Issue 12: P04 completed 2026-10-28, its 竣工后首次 revisit planned for 2026-11-27 in the
    2026 plan. The visit is made (recorded for the project, not naming the item): the item is
    done, its notice moot — `overdue` no longer reports 「通知顾客」 — and `plan 2027` does not
    plan it again."""
    monkeypatch.setenv("TSMS_NOW", "2026-11-25 09:00")
    tsms("project", "add", "P04", "--name", "四期", "--region", "shanghai", "--completed", "2026-10-28")
    item = _items(tsms_json("plan", "2026"))[("P04", "first", "")]
    assert item["date"] == "2026-11-27"
    monkeypatch.setenv("TSMS_NOW", "2026-12-12 09:00")
    late = json.loads(tsms("overdue", "--json", ok=False).stdout)
    assert {i["kind"] for i in late} == {"notice", "first_revisit"}  # before the visit: both late
    tsms("revisit", "--project", "P04", "--method", "visit", "--satisfaction", "满意", "--at", "2026-11-27 10:00")
    assert tsms_json("overdue") == []
    assert _items(tsms_json("plan", "2026"))[("P04", "first", "")]["done_at"] == "2026-11-27T10:00:00+08:00"
    for year in ("2027", "2028"):
        assert ("P04", "first", "") not in _items(tsms_json("plan", year))
    assert tsms("check").exit_code == 0


def test_approval_dated_before_drafting_is_refused(estate, monkeypatch):
    """Issue 12: 编制 2026-12-10, 批准 2020-01-01 was accepted. Approval — of the plan or of an
    amendment — is never dated before the drafting: exit 2, one line, the ledger unchanged."""
    tsms("plan", "2027")
    refused(estate, "plan", "2027", "--approve", "--by", "总经理", "--at", "2020-01-01", naming=("2020-01-01", "编制"))
    refused(estate, "plan", "2027", "--approve", "--by", "总经理", "--at", "2026-12-09 18:00", naming=("编制",))
    tsms("plan", "2027", "--approve", "--by", "总经理", "--at", "2026-12-10")  # the drafting day: its moment
    monkeypatch.setenv("TSMS_NOW", "2027-03-01 09:00")
    tsms("project", "add", "P06", "--name", "六期", "--region", "shanghai", "--completed", "2027-02-20")
    assert tsms_json("plan", "2027", "--draft")["amendments"]
    refused(estate, "plan", "2027", "--approve", "--by", "总经理", "--at", "2027-02-28", naming=("增补编制",))
