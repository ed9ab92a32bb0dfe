"""The workbooks as head office reads and prints them (issue 12): each one read back with
openpyxl — long text wraps and its row is as high as the text, every sheet has its own
print setup (orientation, one page wide, print titles, a footer with the page number and
the period), no chart crosses a page break, 超期清单 is what ``overdue`` lists, every
complaint a measure counts is on a sheet, 汇总 agrees with the sheets, the form has every
field of the paper one, and the number printed on the plan is the one ``notify`` takes."""

import datetime as dt
import json

import openpyxl
import pytest

from conftest import from_template, tsms, tsms_json

from tsms.render.sheet import lines

CARRIED_CONTENT = ("12345热线转来:工地夜间22点以后仍有混凝土泵车和振捣作业,噪声很大,家中老人和孩子无法入睡,"
                   "已经持续一周,希望尽快停止夜间施工并给出书面答复。")
OPINION = "调整浇筑计划,夜间22点后停止泵车作业,确需连续浇筑的提前办理夜间施工许可并公示,向居民发放告知书。"


def _build(path):
    tsms("demo", "--as-of", "2026-11-20", "--db", path)
    # received in October, handled and revisited in November: counted by November's measures
    tsms("log", "--project", "P01", "--channel", "hotline", "--category", "noise", "--urgency", "high",
         "--from", "陈先生", "--contact", "13900001234", "--address", "某某路88弄12号楼303室",
         "--content", CARRIED_CONTENT, "--at", "2026-10-30 22:40")
    number = tsms_json("list", "--search", "陈先生")[0]["number"]
    tsms("assign", number, "--to", "张三", "--at", "2026-11-02 09:00")
    tsms("resolve", number, "--opinion", OPINION, "--result", "已调整施工计划,22点后未再施工", "--head", "王经理",
         "--at", "2026-11-03 16:00")
    tsms("reply", number, "--text", "已整改并回访", "--at", "2026-11-04 10:00")
    tsms("revisit", number, "--method", "phone", "--satisfaction", "basic", "--at", "2026-11-05 10:00")


@pytest.fixture
def demo(env, templates, monkeypatch):
    monkeypatch.setenv("TSMS_NOW", "2026-11-20 17:00")
    return from_template(templates, env, monkeypatch, "workbooks", _build)


def _month(tmp_path):
    out = tmp_path / "11.xlsx"
    tsms("report", "--month", "2026-11", "--as-of", "2026-11-20", "--xlsx", out)
    return openpyxl.load_workbook(out)


def _table(ws):
    """The rows under the header row (row 2), as dicts by header."""
    headers = [c.value for c in ws[2]]
    return [dict(zip(headers, r)) for r in ws.iter_rows(min_row=3, values_only=True)]


def _column(ws, header):
    return next(c.column_letter for c in ws[2] if c.value == header)


# --------------------------------------------------------------------------- print setup


def test_every_sheet_has_its_own_print_setup(demo, tmp_path):
    wb = _month(tmp_path)
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.paperSize == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0), ws.title
        footer = ws.oddFooter
        assert footer.right.text == "&P / &N" and "2026-11" in footer.left.text, ws.title
        if ws.title != "汇总":
            assert ws.print_title_rows == "$1:$2", ws.title  # the title and header on every page
    for title in ("投诉台账", "投诉台账(续)", "回访记录"):
        assert wb[title].print_title_cols == "$A:$A"  # 编号 on every page


def test_long_text_wraps_and_rows_show_all_of_it(demo, tmp_path):
    wb = _month(tmp_path)
    ledger = wb["投诉台账"]
    rows = _table(ledger)
    carried = next(i for i, r in enumerate(rows, 3) if r["投诉内容详细说明"] == CARRIED_CONTENT)
    width = ledger.column_dimensions[_column(ledger, "投诉内容详细说明")].width
    for header in ("投诉内容详细说明", "处理意见", "处理结果"):
        cell = ledger[f"{_column(ledger, header)}{carried}"]
        assert cell.alignment.wrap_text and cell.border.left.style == "thin", header
    needed = lines(CARRIED_CONTENT, width)
    assert needed >= 3 and ledger.row_dimensions[carried].height >= needed * 15
    for header in ("编号", "投诉时间", "投诉内容详细说明"):  # headers wrap, never run into each other
        assert ledger[f"{_column(ledger, header)}2"].alignment.wrap_text
    # widths are capped: one complaint is one printed row on a page one sheet wide
    assert all(d.width <= 40 for d in ledger.column_dimensions.values() if d.width)
    rest = wb["投诉台账(续)"]
    for header in ("受理意见", "备注", "地址"):
        assert rest[f"{_column(rest, header)}3"].alignment.wrap_text, header
    assert rest["O2"].value == "回访时间" and rest["N2"].value == "处理部门负责人"


def _points(ws, first: int, last: int) -> float:
    return sum(ws.row_dimensions[r].height or 15 for r in range(first, last + 1))


def test_no_chart_crosses_a_page_break(demo, tmp_path):
    ws = _month(tmp_path)["汇总"]
    breaks = sorted(b.id for b in ws.row_breaks.brk)
    assert breaks, "the first page ends at a set row"
    page_end = breaks[0]
    widths = sum(ws.column_dimensions[c].width or 8.43 for c in "ABCDE") * 5.6  # points
    chart_width = max(c.width for c in ws._charts) / 2.54 * 72
    scale = min(1.0, (842 - 72) / (widths + chart_width))  # A4 landscape, half-inch margins
    printable = 595 - 2 * 0.6 * 72
    assert _points(ws, 1, page_end) * scale <= printable  # the first page holds its rows
    for chart in ws._charts:
        top = chart.anchor._from.row + 1
        height = chart.anchor.ext.height / 360000 / 2.54 * 72 if chart.anchor.ext else chart.height / 2.54 * 72
        bottom = top
        while _points(ws, top, bottom) < height:
            bottom += 1
        assert bottom <= page_end, f"chart rows {top}–{bottom} cross the break after row {page_end}"
    bar, pie = ws._charts
    assert bar.y_axis.majorUnit == int(bar.y_axis.majorUnit) >= 1 and bar.y_axis.number_format.formatCode == "0"
    assert bar.dataLabels.showVal and pie.dataLabels.showPercent and pie.legend is not None


# --------------------------------------------------------------------------- complete and traceable


def test_late_list_is_what_overdue_lists(demo, tmp_path):
    wb = _month(tmp_path)
    overdue = json.loads(tsms("overdue", "--as-of", "2026-11-20", "--json", ok=False).stdout)
    from tsms.vocab import StepKind

    kinds = {k.zh: k.value for k in StepKind}
    listed = [(kinds[r["环节"]], r["编号"], r["期限"].date().isoformat(), r["逾期天数"], r["逾期工作日"])
              for r in _table(wb["超期清单"])]
    assert listed == [(i["kind"], i["number"], i["due"], i["days_late"], i["working_days_late"]) for i in overdue]
    assert listed  # the demo has late items


def test_every_counted_complaint_is_on_a_sheet(demo, tmp_path):
    wb = _month(tmp_path)
    report = tsms_json("report", "--month", "2026-11", "--as-of", "2026-11-20")
    ledger = _table(wb["投诉台账"])
    numbers = {r["编号"] for r in ledger}
    fresh = [r for r in ledger if r["本期"] == "新收"]
    carried = [r for r in ledger if r["本期"] == "续办"]
    assert len(fresh) == report["complaints"]["received"]
    assert all(r["投诉时间"] < dt.datetime(2026, 11, 1) for r in carried)
    assert CARRIED_CONTENT in {r["投诉内容详细说明"] for r in carried}
    assert {r["编号"] for r in _table(wb["回访记录"])} <= numbers
    assert {r["编号"] for r in _table(wb["投诉台账(续)"])} == numbers
    complaint_steps = {"受理", "上报", "处理", "回复转办部门", "回访"}
    assert {r["编号"] for r in _table(wb["期内超期环节"]) if r["环节"] in complaint_steps} <= numbers
    # 汇总 counts what the sheets hold
    summary = {r[0].value: r[1].value for r in wb["汇总"].iter_rows() if r[0].value}
    assert summary["收到投诉"] == len(fresh) and summary["此前收到、本期办理"] == len(carried)
    assert summary["本期回访记录"] == len(_table(wb["回访记录"]))
    assert summary["超期事项(截至 2026-11-20)"] == len(_table(wb["超期清单"]))
    assert summary["期内超期环节"] == report["late_steps"] == len(_table(wb["期内超期环节"]))
    fixes = _table(wb["整改"])
    assert summary["整改事项(本期未关闭)"] == len(fixes)
    assert list(fixes[0])[:7] == ["整改编号", "工程", "发现日期", "发现的问题", "责任人", "整改期限", "关闭日期"]
    assert fixes[0]["发现的问题"] == "3号楼外墙局部渗水" and fixes[0]["整改期限"] is not None
    visits = _table(wb["质量回访"])
    assert summary["质量回访(本期)"] == len(visits) == 1
    assert visits[0]["施工质量"] == 4 and visits[0]["服务态度"] == 5 and visits[0]["发现的问题"] == "3号楼外墙局部渗水"
    assert visits[0]["整改编号"] == fixes[0]["整改编号"]


def test_plan_items_not_yet_due_are_counted_not_missing(demo, tmp_path):
    """汇总 said 「无回访计划数据」 beside a 回访计划 sheet listing the month's items."""
    out = tmp_path / "2027-06.xlsx"
    tsms("report", "--month", "2027-06", "--as-of", "2027-06-01", "--xlsx", out)
    wb = openpyxl.load_workbook(out)
    items = _table(wb["回访计划"])
    summary = {r[0].value: r[1].value for r in wb["汇总"].iter_rows() if r[0].value}
    assert items and summary["回访计划(本期)"] == len(items)
    assert "无回访计划数据" not in summary


# --------------------------------------------------------------------------- the form


def test_form_has_every_field_and_room_to_write(demo, tmp_path):
    number = tsms_json("list", "--search", "陈先生")[0]["number"]
    out = tmp_path / "form.xlsx"
    tsms("show", number, "--xlsx", out)
    wb = openpyxl.load_workbook(out)
    ws = wb["涉民投诉处理表"]
    cells = {}
    for row in ws.iter_rows(min_row=2):
        for label, value in zip(row, row[1:]):
            if isinstance(label.value, str) and label.font.b:
                cells.setdefault(label.value.rstrip(":"), value)
    assert cells["编号"].value == number
    for label in ("工程名称", "项目负责人", "填表人", "填表时间", "联系电话", "投诉单位", "投诉人", "联系方式", "地址",
                  "投诉时间", "投诉内容详细说明", "备注", "受理部门", "受理人", "受理意见", "处理部门", "处理人",
                  "处理意见", "处理结果", "处理完成时间", "处理部门负责人"):
        assert label in cells, label  # the paper form's fields
    assert cells["联系电话"].value == "021-5555"  # the project's phone, the form's header line
    assert cells["投诉渠道"].value == "12345热线" and cells["投诉类型"].value == "噪声"
    assert cells["紧急程度"].value == "较急" and cells["重大投诉"].value == "否"
    assert "已整改并回访" in cells["回复转办部门(12345)"].value
    assert cells["受理期限"].is_date and cells["处理期限"].is_date and cells["回访期限"].is_date
    assert cells["处理意见"].value == OPINION and cells["处理意见"].alignment.wrap_text
    for label in ("填表人(签字)", "处理部门负责人(签字)", "项目负责人(签字)", "日期"):
        assert cells[label].value in (None, "") and cells[label].border.left.style == "thin"
    # fills its A4 page: portrait, one page, writing room in the opinions and the note
    assert ws.page_setup.orientation == "portrait" and ws.page_setup.paperSize == 9
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 1)
    assert _points(ws, 1, ws.max_row) >= 800
    for label in ("受理意见", "处理意见", "备注"):
        assert ws.row_dimensions[cells[label].row].height >= 45, label
    visits = wb["回访单"]
    assert visits.page_setup.orientation == "portrait" and visits.page_setup.fitToWidth == 1
    assert visits.oddFooter.right.text == "&P / &N" and visits.print_title_rows == "$1:$2"


def test_serious_complaint_form_shows_its_escalation(demo, tmp_path):
    tsms("log", "--project", "P02", "--category", "damage", "--urgency", "urgent", "--serious", "--from", "刘经理",
         "--content", "外墙裂缝", "--at", "2026-11-20 10:30")
    number = tsms_json("list", "--search", "外墙裂缝")[0]["number"]
    tsms("show", number, "--xlsx", tmp_path / "f.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "f.xlsx").active
    values = {ws.cell(r, c).value: ws.cell(r, c + 1).value for r in range(3, ws.max_row + 1) for c in (1, 3, 5)}
    assert values["重大投诉"] == "是" and "上报组长" in values and "尚未上报" in values["上报组长"]
    assert values["上报期限"] == dt.datetime(2026, 11, 20)


# --------------------------------------------------------------------------- the plan


def test_plan_number_is_the_number_notify_takes(demo, tmp_path):
    out = tmp_path / "plan.xlsx"
    tsms("plan", "2027", "--xlsx", out)
    ws = openpyxl.load_workbook(out)["回访计划"]
    assert ws["A3"].value == "项号"
    printed = [r for r in ws.iter_rows(min_row=4, values_only=True) if isinstance(r[0], int)]
    assert [r[0] for r in printed] != list(range(1, len(printed) + 1))  # the demo's ids are not row counts
    plan = {i["id"]: i for i in tsms_json("plan", "2027")["items"]}
    for n, project, *_ in printed:
        assert project.startswith(plan[n]["project"])
        done = tsms_json("notify", n, "--at", "2026-11-20 10:00")
        assert done["id"] == n and done["date"] == plan[n]["date"]
    headers = [c.value for c in ws[3]]
    for row in range(4, 4 + len(printed)):
        for header in ("工程项目", "部位", "备注"):
            cell = ws.cell(row, headers.index(header) + 1)
            assert cell.alignment.wrap_text and cell.border.right.style == "thin", header
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$1:$3" and ws.oddFooter.right.text == "&P / &N"
