"""The monthly workbook for head office (``tsms report --xlsx``), read on screen and printed.

Sheets: 汇总 (the measures, counts and two charts), 投诉台账 (the columns a manager reads
first, one complaint a printed row) and 投诉台账(续) (the rest of the form, by the same
number), 回访记录, 超期清单 (exactly what ``tsms overdue`` lists on the report day),
期内超期环节 (deadlines of the period met late or still open: the measure 汇总 counts),
整改, and when the period has any: 保修单, 回访计划, 质量回访 (planned revisits with their
scores and findings).

投诉台账 lists the complaints received in the period (本期 新收) and, after them, those
received earlier that a measure of the period counts — resolve or revisit deadline in the
period, resolved or revisited in it (本期 续办) — so every complaint behind a figure is on a
sheet. Long sheets are streamed with openpyxl's ``write_only`` mode.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.worksheet.pagebreak import Break

from tsms.fields import BY_KEY
from tsms.render.privacy import mask_address, mask_contact  # the one place masking lives
from tsms.render.sheet import (BOX, CENTRE_WRAP, DATE_FORMAT, HEADER_FILL, HEADER_FONT, TIME_FORMAT, TITLE_FONT,
                               WRAP, Column, Table, fit_width, os_errors, print_setup, set_widths, styled)
from tsms.render.terminal import value_text
from tsms.vocab import (Category, Cause, Channel, PlanKind, RevisitMethod, Satisfaction, Status, StepKind, Urgency,
                        WarrantyPart, t)

DATE_WIDTH, TIME_WIDTH = 11.5, 16.5

# 投诉台账: what a manager reads first; (keys — the first with a value is shown —, width, wraps)
LEDGER_MAIN = (
    (("number",), 16.5, False), (("project",), 6, False), (("received_at",), TIME_WIDTH, False),
    (("channel",), 7, True), (("category",), 8, True), (("urgency",), 5, True), (("complainant",), 8, True),
    (("content",), 30, True), (("assignee",), 8, True), (("handling_opinion",), 20, True), (("result",), 22, True),
    (("resolved_at",), TIME_WIDTH, False), (("satisfaction",), 6, True), (("status",), 7, True),
)
# 投诉台账(续): the rest of the paper form and the ledger's own fields, by the same number
LEDGER_REST = (
    (("number",), 16.5, False), (("project_name",), 12, True), (("manager",), 7, True),
    (("complainant_org",), 10, True), (("contact",), 14, True), (("address",), 14, True), (("night_time",), 5, False),
    (("serious",), 5, False), (("accept_dept",), 8, True), (("accept_person",), 7, True),
    (("accept_opinion", "reject_reason"), 18, True), (("accepted_at", "rejected_at"), TIME_WIDTH, False),
    (("department",), 8, True), (("dept_head",), 8, True), (("revisited_at",), TIME_WIDTH, False),
    (("note",), 18, True),
)
LABELS = {"project": "工程", "satisfaction": "满意度"}
SCORE_LABELS = {  # SPEC §5's survey dimensions (as operations.plan.SCORE_DIMENSIONS names them)
    "quality": "施工质量", "plan": "施工方案", "progress": "工程进度", "safety": "安全文明服务",
    "environment": "环境保护", "service": "服务态度", "timeliness": "保修及时性", "repair": "保修质量",
}


@os_errors
def monthly_workbook(report: dict, source, out: BinaryIO, *, with_contacts: bool = False,
                     progress: bool = False) -> None:
    """The workbook: ``report`` from reports.build, ``source`` the sheets' rows
    (reports.rows), streamed into write-only sheets and saved to ``out`` (an open binary
    file: the caller decides where it goes, tsms.store.output)."""
    contact = (lambda v: v) if with_contacts else mask_contact
    address = (lambda v: v) if with_contacts else mask_address
    wb = Workbook(write_only=True)
    if report.get("head"):
        wb.properties.description = f"tsms ledger head {report['head']}"
    site = f"{report['site']['code']} {report['site']['name'] or ''}".strip()
    label = report["period"]["label"] + (f" {report['project']}" if report["project"] else "")
    footer = f"{site} 涉民投诉月报 {label}"
    as_of = dt.date.fromisoformat(report["period"]["as_of"])
    summary = wb.create_sheet("汇总")  # written last: it counts what the other sheets hold

    main = Table(wb, "投诉台账", f"{site} 涉民投诉台账 {label}", _ledger_columns(LEDGER_MAIN, with_mark=True),
                 footer=footer, repeat_first=True)
    rest = Table(wb, "投诉台账(续)", f"{site} 涉民投诉台账(续:表中其余栏目){label}", _ledger_columns(LEDGER_REST),
                 footer=footer, repeat_first=True)
    write_main = _ledger_writer(LEDGER_MAIN, contact, address)
    write_rest = _ledger_writer(LEDGER_REST, contact, address)
    total = report["complaints"]["received"]
    bar = _progress(progress, total)
    counted = {"新收": 0, "续办": 0}
    for mark, rows in (("新收", source.complaints()), ("续办", source.carried())):
        for c in rows:
            main.append([*write_main(c), mark])
            rest.append(write_rest(c))
            counted[mark] += 1
            if bar and counted["新收"] % 500 == 0:
                bar[0].update(bar[1], completed=counted["新收"])
    if bar:
        bar[0].update(bar[1], completed=total)
        bar[0].stop()

    visits = Table(wb, "回访记录", f"{site} 投诉回访记录 {label}", [
        Column("编号", 16.5), Column("工程", 6), Column("回访时间", TIME_WIDTH, fmt=TIME_FORMAT),
        Column("回访方式", 6, wrap=True), Column("回访人", 8, wrap=True), Column("被回访人", 8, wrap=True),
        Column("联系方式", 14, wrap=True), Column("满意度", 6, wrap=True), Column("回访期限", DATE_WIDTH, fmt=DATE_FORMAT),
        Column("是否按时", 5, wrap=True), Column("回访记录", 36, wrap=True)], footer=footer, repeat_first=True)
    visit_count = 0
    for v in source.revisits():
        on_time = "" if v["due"] is None else ("是" if v["at"].date() <= v["due"] else "否")
        visits.append([v["number"], v["project"], v["at"], RevisitMethod(v["method"]).zh, v["visitor"],
                       v["person_met"], contact(v["contact"]), Satisfaction(v["satisfaction"]).zh, v["due"], on_time,
                       v["note"]])
        visit_count += 1

    overdue = source.overdue(as_of)
    _late_sheet(wb, "超期清单", f"{site} 超期清单(截至 {as_of},即 tsms overdue --as-of {as_of})", overdue, footer,
                contact, open_only=True)
    _late_sheet(wb, "期内超期环节", f"{site} 期内超期环节 {label}(期限在本期内、逾期完成或截至 {as_of} 仍未完成)",
                report["late"], footer, contact, open_only=False)
    fixes = source.rectifications()
    _rectification_sheet(wb, fixes, f"{site} 整改 {label}(本期内未关闭的整改事项)", footer)
    claims = list(source.claims()) if report["warranty_claims"] else []
    if claims:
        _claim_sheet(wb, claims, f"{site} 保修单 {label}", footer, contact)
    plan_rows = list(source.plan_items())
    if plan_rows:
        _plan_sheet(wb, plan_rows, f"{site} 回访计划 {label}", footer)
    quality = source.quality_revisits()
    if quality:
        _quality_sheet(wb, quality, f"{site} 质量回访 {label}(计划回访的评分与发现的问题)", footer)
    _summary(summary, report, f"{site} 涉民投诉月报 {label}", footer, sheets={
        "ledger": counted, "visits": visit_count, "overdue": overdue, "fixes": fixes, "claims": len(claims),
        "plan": plan_rows, "quality": len(quality)})
    wb.save(out)


def _ledger_columns(spec, with_mark: bool = False) -> list[Column]:
    columns = []
    for keys, width, wrap in spec:
        f = BY_KEY[keys[0]]
        header = LABELS.get(f.key) or f.short or f.zh
        columns.append(Column(header, width, wrap=wrap, fmt=TIME_FORMAT if f.kind == "time" else None))
    if with_mark:
        columns.append(Column("本期", 5, wrap=True))
    return columns


def _ledger_writer(spec, contact, address):
    """The cells of one complaint for the columns of ``spec``, by the kind of each field
    (tsms.fields): built once per sheet, called once per complaint."""
    shown = {kind: {m.value: m.zh for m in enum} for kind, enum in (
        ("channel", Channel), ("category", Category), ("urgency", Urgency), ("status", Status),
        ("satisfaction", Satisfaction))}
    masked = {"contact": contact, "address": address}

    def one(keys):
        f = BY_KEY[keys[0]]
        key = keys[0]
        get = (lambda c: c[key]) if len(keys) == 1 else (lambda c: next((c[k] for k in keys if c[k]), None))
        if f.kind == "time":  # a moment given as a day alone is written as that day (sheet.Table)
            def moment(c, keys=keys):
                for k in keys:
                    if c[k]:
                        return c[k] if c.get(f"{k[:-3]}_time_known", True) else c[k].date()
                return None
            return moment
        if f.kind == "bool":
            return lambda c: "是" if get(c) else ""
        if f.kind in shown:
            labels = shown[f.kind]
            return lambda c: labels.get(get(c))
        if f.key in masked:
            mask = masked[f.key]
            return lambda c: mask(get(c))
        return get

    writers = [one(keys) for keys, _, _ in spec]
    return lambda c: [write(c) for write in writers]


def _progress(enabled: bool, total: int):
    if not enabled or total < 2000:
        return None
    from rich.progress import Progress

    bar = Progress(transient=True)
    task = bar.add_task(t("写出投诉台账", "writing the ledger sheet"), total=total)
    bar.start()
    return bar, task


# --------------------------------------------------------------------------- the short sheets


def _day(value):
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _late_sheet(wb, title: str, caption: str, items: list[dict], footer: str, contact, open_only: bool) -> None:
    columns = [Column("环节", wrap=True, cap=12), Column("编号", 16.5), Column("工程", 6),
               Column("期限", DATE_WIDTH, fmt=DATE_FORMAT),
               Column("完成时间" if not open_only else "逾期工作日", TIME_WIDTH if not open_only else 6,
                      fmt=TIME_FORMAT if not open_only else None, wrap=open_only),
               Column("逾期天数", 6, wrap=True), Column("情况", 6, wrap=True), Column("责任人", wrap=True, cap=12),
               Column("状态", wrap=True, cap=12), Column("投诉人", wrap=True, cap=12), Column("联系方式", wrap=True, cap=16)]
    rows = []
    for i in items:
        state = "逾期" if i["late"] else ("可申请" if i["status"] == "can_apply" else "即将到期")  # as overdue says
        rows.append([StepKind(i["kind"]).zh, i["number"], i["project"] or None, _day(i["due"]),
                     (_late_days(i, "working_days_late") if i["late"] else None) if open_only else i.get("done_at"),
                     _late_days(i, "days_late") if i["late"] else None, state, i["assignee"], value_text("status", i["status"]),
                     i.get("complainant"), contact(i.get("contact"))])
    if not rows:
        rows.append(["无", None, None, None, None, None, None, None, None, None, None])
    Table(wb, title, caption, columns, rows=rows, footer=footer)


def _late_days(item: dict, key: str):
    """Days late; an hour limit (an urgent complaint) under a whole day past: its hours, as overdue shows them."""
    if item.get("due_at") and not item["days_late"]:
        return f"{item.get('hours_late') or 1} 小时"
    return item.get(key)


def _rectification_sheet(wb, fixes: list[dict], caption: str, footer: str) -> None:
    columns = [Column("整改编号", cap=18), Column("工程", 6), Column("发现日期", DATE_WIDTH, fmt=DATE_FORMAT),
               Column("发现的问题", 30, wrap=True), Column("责任人", wrap=True, cap=12),
               Column("整改期限", DATE_WIDTH, fmt=DATE_FORMAT), Column("关闭日期", DATE_WIDTH, fmt=DATE_FORMAT),
               Column("整改结果", 24, wrap=True), Column("验证人", wrap=True, cap=12)]
    rows = [[f["number"], f["project"], f["found_at"].date(), f["content"], f["owner"], f["due"],
             f["closed_at"].date() if f["closed_at"] else None, f["result"], f["verified_by"]] for f in fixes]
    if not rows:
        rows.append(["无", None, None, None, None, None, None, None, None])
    Table(wb, "整改", caption, columns, rows=rows, footer=footer)


def _claim_sheet(wb, claims, caption: str, footer: str, contact) -> None:
    # the claim's number begins with its project's code: no 工程 column
    columns = [Column("编号", cap=18), Column("部位", 8, wrap=True), Column("位置", 10, wrap=True),
               Column("问题描述", 20, wrap=True), Column("报修人", 7, wrap=True), Column("联系方式", 13, wrap=True),
               Column("报修时间", TIME_WIDTH, fmt=TIME_FORMAT), Column("查验期限", DATE_WIDTH, fmt=DATE_FORMAT),
               Column("查验日期", DATE_WIDTH, fmt=DATE_FORMAT), Column("原因", 7, wrap=True), Column("有偿", 5),
               Column("维修结果", 16, wrap=True), Column("维修日期", DATE_WIDTH, fmt=DATE_FORMAT),
               Column("验收人", 7, wrap=True), Column("验收日期", DATE_WIDTH, fmt=DATE_FORMAT)]
    day = lambda at: at.date() if at else None  # noqa: E731
    rows = [[claim.number, WarrantyPart(claim.part).zh, claim.location, claim.content, claim.complainant,
             contact(claim.contact), claim.received_at, inspect_due, day(claim.inspected_at),
             Cause(claim.cause).zh if claim.cause else None, "是" if claim.paid else "否", claim.repair_result,
             day(claim.repaired_at), claim.accepted_by, day(claim.accepted_at)] for claim, _, inspect_due in claims]
    Table(wb, "保修单", caption, columns, rows=rows, footer=footer, repeat_first=True)


def _plan_sheet(wb, plan_rows, caption: str, footer: str) -> None:
    method = {m.value: m.zh for m in RevisitMethod}
    columns = [Column("项号", 5), Column("工程项目", 20, wrap=True), Column("回访类型", 8, wrap=True),
               Column("部位", 14, wrap=True), Column("回访方式", 6, wrap=True),
               Column("时间", DATE_WIDTH, fmt=DATE_FORMAT), Column("人员安排", 8, wrap=True),
               Column("通知顾客日期", DATE_WIDTH, fmt=DATE_FORMAT), Column("已通知", TIME_WIDTH, fmt=TIME_FORMAT),
               Column("已回访", TIME_WIDTH, fmt=TIME_FORMAT)]
    rows = [[item.id, f"{code} {name}", PlanKind(item.kind).zh,
             "、".join(WarrantyPart(x).zh for x in item.part.split(",")) if item.part else None,
             method[item.method], item.date, item.staff, notify_by, item.notified_at, item.done_at]
            for item, code, name, notify_by in plan_rows]
    Table(wb, "回访计划", caption, columns, rows=rows, footer=footer)


def _quality_sheet(wb, visits: list[dict], caption: str, footer: str) -> None:
    dims = [k for k in SCORE_LABELS if any(k in v["scores"] for v in visits)]
    columns = [Column("回访时间", TIME_WIDTH, fmt=TIME_FORMAT), Column("工程", 6), Column("计划项号", 5, wrap=True),
               Column("回访类型", 8, wrap=True), Column("回访方式", 6, wrap=True), Column("回访人", 8, wrap=True),
               Column("被回访人", 8, wrap=True), Column("满意度", 6, wrap=True),
               *(Column(SCORE_LABELS[k], 6, wrap=True) for k in dims),
               Column("发现的问题", 26, wrap=True), Column("整改编号", 16, wrap=True), Column("签字确认", 8, wrap=True),
               Column("备注", 16, wrap=True)]
    rows = [[v["at"], v["project"], v["plan_item"], PlanKind(v["kind"]).zh if v["kind"] else "计划外",
             RevisitMethod(v["method"]).zh, v["visitors"], v["person_met"],
             Satisfaction(v["satisfaction"]).zh if v["satisfaction"] else None,
             *(v["scores"].get(k) for k in dims), v["found"],
             (v["rectifications"] or "").replace(",", "\n") or None, v["signed_by"], v["note"]] for v in visits]
    Table(wb, "质量回访", caption, columns, rows=rows, footer=footer)


# --------------------------------------------------------------------------- 汇总

CHART_HEIGHT_CM = 6.5
ROW_POINTS = 15.0  # the summary's rows: one line each


def _summary(ws, report: dict, caption: str, footer: str, sheets: dict) -> None:
    """汇总: the measures with numerators and denominators, the counts (each naming the sheet
    that lists it) and, beside them on the first printed page, two charts; the counts by
    category, channel, urgency and project on the second page."""
    label_rows = _summary_rows(report, sheets)
    widths = [fit_width([r[0] for r in label_rows if r and isinstance(r[0], str)], cap=34), 9, 9, 18, 2]
    set_widths(ws, widths)
    print_setup(ws, landscape=True, footer=footer, gridlines=False)
    period = report["period"]
    bold = dict(font=HEADER_FONT, fill=HEADER_FILL, border=BOX, alignment=CENTRE_WRAP)
    rows: list[list] = [
        [styled(ws, caption, font=TITLE_FONT)],
        [f"统计期间 {period['from']} 至 {period['to']},截至 {period['as_of']}"],
        [],
    ]
    for r in label_rows:
        if r and r[0] in ("指标", "项目"):
            rows.append([styled(ws, x, **bold) for x in r])
        elif r and len(r) > 3 and isinstance(r[3], float):
            rows.append([styled(ws, r[0], border=BOX), styled(ws, r[1], border=BOX), styled(ws, r[2], border=BOX),
                         styled(ws, r[3], fmt="0.0%", border=BOX)])
        elif r:
            rows.append([styled(ws, x, border=BOX, alignment=WRAP if i == 0 else None) for i, x in enumerate(r)])
        else:
            rows.append([])
    chart_rows = math.ceil(CHART_HEIGHT_CM / 2.54 * 72 / ROW_POINTS) + 1
    charts_end = 4 + 2 * chart_rows
    while len(rows) < charts_end:  # the charts beside the first page's tables end with it
        rows.append([])
    first_page_end = len(rows)

    def block(title: str, pairs, order_by_count: bool = False) -> tuple[int, int, int]:
        """A header row and its label/count rows; returns the header's row, the last row,
        and the last row with a count above zero (the pie shows those)."""
        pairs = list(pairs)
        if order_by_count:
            pairs.sort(key=lambda p: -p[1])
        rows.append([styled(ws, title, **bold), styled(ws, "件数", **bold)])
        first = len(rows)
        rows.extend([styled(ws, lab, border=BOX), styled(ws, n, border=BOX)] for lab, n in pairs)
        last = len(rows)
        nonzero = first + sum(1 for _, n in pairs if n)
        rows.append([])
        return first, last, nonzero

    categories = block("投诉类型", ((Category(k).zh, v) for k, v in report["by_category"].items()))
    channels = block("投诉渠道", ((Channel(k).zh, v) for k, v in report["by_channel"].items()), order_by_count=True)
    block("紧急程度", ((Urgency(k).zh, v) for k, v in report["by_urgency"].items()))
    block("工程", report["by_project"].items())
    if report["repeat_complainants"]:
        rows.append([styled(ws, "重复投诉(同一人或同一地址)", **bold), styled(ws, "件数", **bold),
                     styled(ws, "编号", **bold)])
        for r in report["repeat_complainants"]:
            who = r.get("complainant") or "" if r["by"] == "person" else "同一地址"
            rows.append([styled(ws, who, border=BOX), styled(ws, r["count"], border=BOX),
                         "、".join(r["numbers"])])
        rows.append([])
    if report.get("head"):  # the ledger's head, anchored outside the file: tsms check --against this workbook
        rows.append(["账本事件链末尾", report["head"]])
        rows.append(["核对方法", "tsms check --against 本工作簿"])
    for i, row in enumerate(rows, 1):
        ws.row_dimensions[i].height = 22 if i == 1 else ROW_POINTS
        ws.append(row)
    # the first printed page ends after the measures and counts; the charts lie beside them
    ws.row_breaks.append(Break(id=first_page_end))

    bar = BarChart()
    bar.type = "col"
    bar.title = "按投诉类型(件)"
    bar.legend = None
    bar.add_data(Reference(ws, min_col=2, min_row=categories[0], max_row=categories[1]), titles_from_data=True)
    bar.set_categories(Reference(ws, min_col=1, min_row=categories[0] + 1, max_row=categories[1]))
    _integer_axis(bar, max(report["by_category"].values(), default=0))
    bar.dataLabels = DataLabelList(showVal=True, showCatName=False, showSerName=False, showLegendKey=False,
                                   showPercent=False)
    bar.width, bar.height = 15, CHART_HEIGHT_CM
    ws.add_chart(bar, "F4")
    pie = PieChart()
    pie.title = "按投诉渠道(件数与占比)"
    last = max(channels[2], channels[0] + 1)
    pie.add_data(Reference(ws, min_col=2, min_row=channels[0], max_row=last), titles_from_data=True)
    pie.set_categories(Reference(ws, min_col=1, min_row=channels[0] + 1, max_row=last))
    pie.dataLabels = DataLabelList(showPercent=True, showVal=True, showCatName=False, showSerName=False,
                                   showLegendKey=False, showLeaderLines=True)
    pie.legend.position = "r"
    pie.width, pie.height = 15, CHART_HEIGHT_CM
    ws.add_chart(pie, f"F{4 + chart_rows}")


def _integer_axis(chart, top: int) -> None:
    """Counts step by whole numbers: 1, 2, 5, 10 … so that about five ticks show."""
    step = 1
    for candidate in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000):
        step = candidate
        if top / candidate <= 6:
            break
    chart.y_axis.majorUnit = step
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = max(step, math.ceil(top / step) * step + (step if top % step == 0 and top else 0))
    chart.y_axis.number_format = "0"
    chart.y_axis.majorGridlines = None
    chart.y_axis.delete = False
    chart.x_axis.delete = False


def _summary_rows(report: dict, sheets: dict) -> list[list]:
    """The first page's tables: each count says which sheet lists what it counts."""
    c, d = report["complaints"], report["days_to_resolve"]
    rows: list[list] = [["指标", "分子", "分母", "比率"]]
    for key, label in (("handling_rate", "处理率"), ("revisit_rate", "回访率(目标100%)"),
                       ("on_time_revisit_rate", "按时回访率"), ("satisfaction_rate", "满意率")):
        m = report[key]
        rows.append([label, m["numerator"], m["denominator"], float(m["rate"]) if m["rate"] is not None else None])
    plan = report["plan_execution"]
    if plan:
        rows.append(["回访计划执行率", plan["numerator"], plan["denominator"],
                     float(plan["rate"]) if plan["rate"] is not None else None])
    claims = report["warranty_claims"]
    if claims:
        m = claims["inspection_on_time"]
        rows.append(["保修单按时查验率", m["numerator"], m["denominator"],
                     float(m["rate"]) if m["rate"] is not None else None])
    ledger = sheets["ledger"]
    rows += [[], ["项目", "件/项", "", "见工作表"],
             ["收到投诉", c["received"], "投诉台账(本期 新收)"],
             ["有效投诉", c["valid"], "投诉台账"], ["不予受理", c["rejected"], "投诉台账"],
             ["夜间投诉", c["night_time"], "投诉台账(续)"], ["重大投诉", c["serious"], "投诉台账(续)"],
             ["此前收到、本期办理", ledger["续办"], "投诉台账(本期 续办)"],
             ["本期回访记录", sheets["visits"], "回访记录"],
             ["尚未到期的回访", len(report["revisit_rate"]["not_yet_due"]), "投诉台账"],
             ["重复投诉(人或地址)", len(report["repeat_complainants"]), "汇总第2页"],
             ["处理用时中位数(工作日)", d["median"], ""], ["处理用时90%分位(工作日)", d["p90"], ""],
             [f"超期事项(截至 {report['period']['as_of']})", len(sheets["overdue"]), "超期清单"],
             ["期内超期环节", report["late_steps"], "期内超期环节"],
             ["整改事项(本期未关闭)", len(sheets["fixes"]), "整改"]]
    if not plan:
        planned = len(sheets["plan"])
        rows.append(["回访计划(本期)", planned, "回访计划" if planned else ""])
        if planned:
            rows.append([f"其中截至 {report['period']['as_of']} 到期", 0, "尚无到期项,执行率待到期后计"])
    rows.append(["质量回访(本期)", sheets["quality"], "质量回访" if sheets["quality"] else ""])
    rows.append(["保修单(件)", claims["count"] if claims else 0, "保修单" if sheets["claims"] else ""])
    # a count's sheet goes in the fourth column (the third is the measures' 分母)
    return [r[:2] + [None] + r[2:] if len(r) == 3 else r for r in rows]
