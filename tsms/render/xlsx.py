"""Spreadsheets for head office: the monthly workbook and the customer's own forms.

Every user-typed string is written as text (a complaint reading ``=HYPERLINK(…)`` stays
text: OWASP / CWE-1236); dates are date cells; contacts and addresses are masked unless
the caller asks otherwise (SPEC §8, seed 「注意保护客户的隐私信息」). Long sheets are
written with openpyxl's ``write_only`` mode, row by row.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from tsms.fields import BY_KEY, LEDGER_SHEET
from tsms.render.privacy import mask_address, mask_contact  # the one place masking lives
from tsms.render.terminal import value_text
from tsms.vocab import (Category, Cause, Channel, PlanKind, RevisitMethod, Satisfaction, Status, StepKind,
                         Urgency, WarrantyPart, t)

DATE_FORMAT = "yyyy-mm-dd"
PAPERSIZE_A4 = "9"  # the OOXML code of A4
TIME_FORMAT = "yyyy-mm-dd hh:mm"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TITLE_FONT = Font(bold=True, size=14)
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
_DIGITS = re.compile(r"\d")


# --------------------------------------------------------------------------- cells


# what a spreadsheet may take for the start of a formula (OWASP "CSV injection", CWE-1236)
FORMULA_START = frozenset("=+-@\t\r")


INVALID_SHEET_CHARS = re.compile(r"[\\/?*\[\]:]")


def formula_like(value) -> bool:
    """A string a spreadsheet could run as a formula: it starts with = + - @, a tab or a CR."""
    return value.__class__ is str and value[:1] in FORMULA_START


def csv_text(value):
    """A user-typed cell of a CSV file, shown as typed when a spreadsheet opens it: a
    formula-like one is prefixed with ' (OWASP), which the spreadsheet reads as "text"."""
    if value is None:
        return ""
    return "'" + value if formula_like(value) else value


def legible(value):
    """A cell as a worksheet can hold it: the control characters it refuses shown as \\xNN."""
    if value.__class__ is str and ILLEGAL_CHARACTERS_RE.search(value):
        return ILLEGAL_CHARACTERS_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
    return value


def text_cell(ws, value):
    """A user-typed string as text, never a formula or an error value."""
    if formula_like(value) or (value.__class__ is str and value[:1] == "#" and value in ERROR_CODES):
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        return cell
    return value


def date_cell(ws, value, fmt: str = TIME_FORMAT):
    if value is None:
        return None
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = fmt
    return cell


def _styled(ws, value, font=None, fill=None, fmt=None):
    cell = WriteOnlyCell(ws, value=value)
    if font:
        cell.font = font
    if fill:
        cell.fill = fill
    if fmt:
        cell.number_format = fmt
    return cell


def _sheet(wb, title: str, caption: str, headers: list[tuple[str, float]], fit_width: bool = True):
    """A write-only sheet with a title row, a frozen header row, widths, A4 landscape. A
    sheet too wide for one page is printed at 70% over several, its first column repeated."""
    ws = wb.create_sheet(title)
    for i, (_, width) in enumerate(headers, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A3"
    ws.print_title_rows = "1:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = PAPERSIZE_A4
    if fit_width:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    else:
        ws.page_setup.scale = 70
        ws.print_title_cols = "A:A"
    ws.append([_styled(ws, caption, font=TITLE_FONT)])
    ws.append([_styled(ws, h, font=HEADER_FONT, fill=HEADER_FILL) for h, _ in headers])
    return ws


# --------------------------------------------------------------------------- the monthly workbook

LEDGER_HEADERS = [(BY_KEY[keys[0]].short or BY_KEY[keys[0]].zh, width) for keys, width in LEDGER_SHEET]
REVISIT_HEADERS = [
    ("编号", 17), ("工程", 8), ("回访时间", 17), ("回访方式", 9), ("回访人", 10), ("被回访人", 10),
    ("联系方式", 14), ("满意度", 9), ("回访期限", 11), ("是否按时", 8), ("回访记录", 40),
]
CLAIM_HEADERS = [
    ("编号", 16), ("工程", 8), ("部位", 14), ("位置", 18), ("问题描述", 30), ("报修人", 10), ("联系方式", 14),
    ("报修时间", 17), ("查验期限", 11), ("查验时间", 17), ("原因", 10), ("有偿", 6), ("维修结果", 24),
    ("维修时间", 17), ("验收人", 10), ("验收时间", 17),
]
PLAN_HEADERS = [
    ("项", 6), ("工程项目", 26), ("回访类型", 12), ("部位", 16), ("回访方式", 10), ("时间", 12), ("人员安排", 10),
    ("通知顾客日期", 13), ("已通知", 17), ("已回访", 17),
]
OVERDUE_HEADERS = [
    ("环节", 12), ("编号", 17), ("工程", 8), ("期限", 11), ("完成时间", 17), ("逾期天数", 9), ("责任人", 10),
    ("状态", 9),
]


def monthly_workbook(report: dict, source, out: BinaryIO, *, with_contacts: bool = False,
                     progress: bool = False) -> None:
    """The workbook: ``report`` from reports.build, ``source`` the long sheets' rows
    (reports.rows), streamed into write-only sheets and saved to ``out`` (an open binary
    file: the caller decides where it goes, tsms.store.output)."""
    contact = (lambda v: v) if with_contacts else mask_contact
    address = (lambda v: v) if with_contacts else mask_address
    wb = Workbook(write_only=True)
    if report.get("head"):
        wb.properties.description = f"tsms ledger head {report['head']}"
    site = f"{report['site']['code']} {report['site']['name'] or ''}".strip()
    label = report["period"]["label"] + (f" {report['project']}" if report["project"] else "")
    _summary(wb, report, f"{site} 涉民投诉月报 {label}")
    channel, category, urgency, status, answer, method = (
        {m.value: m.zh for m in enum} for enum in (Channel, Category, Urgency, Status, Satisfaction, RevisitMethod))
    shown = {"channel": channel, "category": category, "urgency": urgency, "status": status, "satisfaction": answer}
    masked = {"contact": contact, "address": address}

    def writer(keys, ws):
        """The ledger sheet's cell for a column, by the kind of its field (tsms.fields); built
        once per column, called once per cell."""
        f = BY_KEY[keys[0]]
        get = (lambda c: c[keys[0]]) if len(keys) == 1 else (lambda c: next((c[k] for k in keys if c[k]), None))
        if f.kind == "time":
            return lambda c: date_cell(ws, get(c))
        if f.kind == "bool":
            return lambda c: "是" if get(c) else ""
        if f.kind in shown:
            labels = shown[f.kind]
            return lambda c: labels.get(get(c))
        if f.kind == "int" or f.key == "number":
            return get
        if f.key in masked:
            mask = masked[f.key]
            return lambda c: text_cell(ws, mask(get(c)))
        return lambda c: text_cell(ws, get(c))

    ws = _sheet(wb, "投诉台账", f"{site} 涉民投诉台账 {label}", LEDGER_HEADERS, fit_width=False)
    writers = [writer(keys, ws) for keys, _ in LEDGER_SHEET]
    total = report["complaints"]["received"]
    bar = _progress(progress, total)
    for i, c in enumerate(source.complaints()):
        ws.append([write(c) for write in writers])
        if bar and i % 500 == 0:
            bar[0].update(bar[1], completed=i)

    ws = _sheet(wb, "回访记录", f"{site} 投诉回访记录 {label}", REVISIT_HEADERS)
    for v in source.revisits():
        on_time = "" if v["due"] is None else ("是" if v["at"].date() <= v["due"] else "否")
        ws.append([v["number"], v["project"], date_cell(ws, v["at"]), method[v["method"]],
                   text_cell(ws, v["visitor"]), text_cell(ws, v["person_met"]), text_cell(ws, contact(v["contact"])),
                   answer[v["satisfaction"]], date_cell(ws, v["due"], DATE_FORMAT), on_time,
                   text_cell(ws, v["note"])])

    ws = _sheet(wb, "超期清单", f"{site} 超期清单 {label}(期限在本期内而未按时完成,截至 {report['period']['as_of']})", OVERDUE_HEADERS)
    for item in report["late"]:
        ws.append([StepKind(item["kind"]).zh, item["number"], item["project"],
                   date_cell(ws, dt.date.fromisoformat(item["due"]), DATE_FORMAT),
                   date_cell(ws, item["done_at"]), item["days_late"], text_cell(ws, item["assignee"]),
                   value_text("status", item["status"])])
    if report["warranty_claims"]:
        ws = _sheet(wb, "保修单", f"{site} 保修单 {label}", CLAIM_HEADERS)
        for claim, code, inspect_due in source.claims():
            ws.append([claim.number, code, WarrantyPart(claim.part).zh, text_cell(ws, claim.location),
                       text_cell(ws, claim.content), text_cell(ws, claim.complainant),
                       text_cell(ws, contact(claim.contact)), date_cell(ws, claim.received_at),
                       date_cell(ws, inspect_due, DATE_FORMAT), date_cell(ws, claim.inspected_at),
                       Cause(claim.cause).zh if claim.cause else None, "是" if claim.paid else "否",
                       text_cell(ws, claim.repair_result), date_cell(ws, claim.repaired_at),
                       text_cell(ws, claim.accepted_by), date_cell(ws, claim.accepted_at)])
    plan_rows = list(source.plan_items())
    if plan_rows:
        ws = _sheet(wb, "回访计划", f"{site} 回访计划 {label}", PLAN_HEADERS)
        for item, code, name, notify_by in plan_rows:
            ws.append([item.id, text_cell(ws, f"{code} {name}"), PlanKind(item.kind).zh,
                       "、".join(WarrantyPart(x).zh for x in item.part.split(",")) if item.part else None,
                       method[item.method], date_cell(ws, item.date, DATE_FORMAT), text_cell(ws, item.staff),
                       date_cell(ws, notify_by, DATE_FORMAT), date_cell(ws, item.notified_at),
                       date_cell(ws, item.done_at)])
    if bar:
        bar[0].update(bar[1], completed=total)
        bar[0].stop()
    wb.save(out)


def _progress(enabled: bool, total: int):
    if not enabled or total < 2000:
        return None
    from rich.progress import Progress

    bar = Progress(transient=True)
    task = bar.add_task(t("写出投诉台账", "writing the ledger sheet"), total=total)
    bar.start()
    return bar, task


def _rate_row(ws, label: str, measure: dict | None, missing: str) -> list:
    if not measure:
        return [label, missing]
    return [label, measure["numerator"], measure["denominator"], _styled(ws, measure["rate"], fmt="0.0%")]


def _summary(wb, report: dict, caption: str) -> None:
    """汇总: the measures with numerators and denominators, the counts, two charts."""
    ws = wb.create_sheet("汇总")
    for letter, width in zip("ABCDEFGH", (22, 10, 10, 10, 4, 16, 10, 10)):
        ws.column_dimensions[letter].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    period = report["period"]
    rows: list[list] = [
        [_styled(ws, caption, font=TITLE_FONT)],
        [f"统计期间 {period['from']} 至 {period['to']},截至 {period['as_of']}"],
        [],
        [_styled(ws, h, font=HEADER_FONT, fill=HEADER_FILL) for h in ("指标", "分子", "分母", "比率")],
    ]
    for key, label in (("handling_rate", "处理率"), ("revisit_rate", "回访率(目标100%)"),
                       ("on_time_revisit_rate", "按时回访率"), ("satisfaction_rate", "满意率")):
        m = report[key]
        rows.append([label, m["numerator"], m["denominator"], _styled(ws, m["rate"], fmt="0.0%")])
    c, d = report["complaints"], report["days_to_resolve"]
    rows += [[], [_styled(ws, "投诉数", font=HEADER_FONT, fill=HEADER_FILL), _styled(ws, "件", font=HEADER_FONT,
                                                                                  fill=HEADER_FILL)],
             ["收到投诉", c["received"]], ["有效投诉", c["valid"]], ["不予受理", c["rejected"]],
             ["夜间投诉", c["night_time"]], ["重大投诉", c["serious"]], ["期内超期环节", report["late_steps"]],
             ["处理用时中位数(工作日)", d["median"]], ["处理用时90%分位(工作日)", d["p90"]],
             ["尚未到期的回访", len(report["revisit_rate"]["not_yet_due"])],
             ["重复投诉(人或地址)", len(report["repeat_complainants"])],
             _rate_row(ws, "回访计划执行率", report["plan_execution"], "无回访计划数据"),
             _rate_row(ws, "保修单按时查验率", report["warranty_claims"] and report["warranty_claims"]["inspection_on_time"],
                       "无保修单数据"),
             ["保修单(件)", report["warranty_claims"]["count"] if report["warranty_claims"] else 0],
             []]
    def block(title: str, pairs) -> tuple[int, int]:
        """A header row and its label/count rows; returns the header's and the last row's numbers."""
        rows.append([_styled(ws, title, font=HEADER_FONT, fill=HEADER_FILL),
                     _styled(ws, "件数", font=HEADER_FONT, fill=HEADER_FILL)])
        first = len(rows)
        rows.extend([label, n] for label, n in pairs)
        last = len(rows)
        rows.append([])
        return first, last

    first_category, last_category = block("投诉类型", ((Category(k).zh, v) for k, v in report["by_category"].items()))
    first_channel, last_channel = block("投诉渠道", ((Channel(k).zh, v) for k, v in report["by_channel"].items()))
    block("紧急程度", ((Urgency(k).zh, v) for k, v in report["by_urgency"].items()))
    block("工程", report["by_project"].items())
    if report.get("head"):  # the ledger's head, anchored outside the file: tsms check --against this workbook
        rows.append([f"账本事件链末尾 {report['head']}(核对:tsms check --against 本工作簿)"])
    for row in rows:
        ws.append(row)

    bar = BarChart()
    bar.type = "col"
    bar.title = "按投诉类型"
    bar.y_axis.title = "件数"
    bar.legend = None
    bar.add_data(Reference(ws, min_col=2, min_row=first_category, max_row=last_category), titles_from_data=True)
    bar.set_categories(Reference(ws, min_col=1, min_row=first_category + 1, max_row=last_category))
    bar.width, bar.height = 15, 8
    ws.add_chart(bar, "F4")
    pie = PieChart()
    pie.title = "按投诉渠道"
    pie.add_data(Reference(ws, min_col=2, min_row=first_channel, max_row=last_channel), titles_from_data=True)
    pie.set_categories(Reference(ws, min_col=1, min_row=first_channel + 1, max_row=last_channel))
    pie.width, pie.height = 12, 8
    ws.add_chart(pie, "F22")


# --------------------------------------------------------------------------- forms


def _form_note(c: dict) -> str | None:
    """备注, with what the form has no row for: the earlier result of a reopened complaint
    (上次处理结果) and why it was voided."""
    lines = [c["note"]] if c.get("note") else []
    if c.get("previous_result"):
        when = (c.get("previous_resolved_at") or "")[:16].replace("T", " ")
        lines.append(f"上次处理结果({when}):{c['previous_result']}")
    if c.get("void_reason"):
        when = (c.get("voided_at") or "")[:16].replace("T", " ")
        lines.append(f"作废({when}):{c['void_reason']}")
    return "\n".join(lines) or None


def complaint_form(c: dict, site_name: str, out: BinaryIO, *, with_contacts: bool = True) -> None:
    """One complaint as the seed's 《涉民投诉处理表》, and its follow-up visits as 回访单,
    saved to ``out``."""
    contact = (lambda v: v) if with_contacts else mask_contact
    address = (lambda v: v) if with_contacts else mask_address
    wb = Workbook()
    ws = wb.active
    ws.title = "涉民投诉处理表"
    for letter, width in zip("ABCDEF", (14, 22, 14, 22, 14, 22)):
        ws.column_dimensions[letter].width = width
    ws.page_setup.paperSize = PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    def put(ref: str, value, *, label=False, merge_to: str | None = None, fmt: str | None = None, height=None):
        cell = ws[ref]
        cell.value = value
        if isinstance(value, str) and not label:
            cell.data_type = "s"
        if fmt:
            cell.number_format = fmt
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center" if label else "left")
        if label:
            cell.font = HEADER_FONT
        if merge_to:
            ws.merge_cells(f"{ref}:{merge_to}")
        if height:
            ws.row_dimensions[cell.row].height = height

    put("A1", f"{site_name} 涉民投诉处理表", label=True, merge_to="F1")
    ws["A1"].font = TITLE_FONT
    put("E2", "编号:", label=True)
    put("F2", c["number"])
    # (row, [(label, value, last column of the value's merge)]): labels in A/C/E, values after them
    layout = [
        (3, [("工程名称", c["project_name"], "D"), ("项目负责人", c["manager"], None)]),
        (4, [("填表人", c["clerk"], None), ("填表时间", _dt(c["filled_at"]), None), ("投诉时间", _dt(c["received_at"]), None)]),
        (5, [("投诉单位", c["complainant_org"], None), ("投诉人", c["complainant"], None),
             ("联系方式", contact(c["contact"]), None)]),
        (6, [("地址", address(c["address"]), "F")]),
        (7, [("投诉内容详细说明", c["content"], "F")]),
        (8, [("备注", _form_note(c), "F")]),
        (9, [("受理部门", c["accept_dept"], None), ("受理人", c["accept_person"], None),
             ("受理时间", _dt(c["accepted_at"] or c["rejected_at"]), None)]),
        (10, [("受理意见", c["accept_opinion"] or (c["reject_reason"] and f"不予受理:{c['reject_reason']}"), "F")]),
        (11, [("处理部门", c["department"], None), ("处理人", c["assignee"], None), ("状态", value_text("status", c["status"]), None)]),
        (12, [("处理意见", c["handling_opinion"], "F")]),
        (13, [("处理结果", c["result"], "F")]),
        (14, [("处理完成时间", _dt(c["resolved_at"]), None), ("处理部门负责人", c["dept_head"], None),
              ("回访期限", _day(c["revisit_due"]), None)]),
    ]
    for row, cells in layout:
        col = 1
        for label, value, merge_end in cells:
            put(f"{get_column_letter(col)}{row}", label, label=True)
            fmt = TIME_FORMAT if isinstance(value, dt.datetime) else (DATE_FORMAT if isinstance(value, dt.date) else None)
            put(f"{get_column_letter(col + 1)}{row}", value, merge_to=f"{merge_end}{row}" if merge_end else None,
                fmt=fmt, height=60 if row in (7, 12, 13) else None)
            col = (ord(merge_end) - ord("A") + 2) if merge_end else col + 2
    for row in ws.iter_rows(min_row=2, max_row=14, max_col=6):
        for cell in row:
            if cell.row > 2:
                cell.border = BOX

    rv = wb.create_sheet("回访单")
    for letter, width in zip("ABCD", (14, 26, 14, 26)):
        rv.column_dimensions[letter].width = width
    rv["A1"] = f"{site_name} 投诉回访单 {c['number']}"
    rv["A1"].font = TITLE_FONT
    rv.merge_cells("A1:D1")
    row = 3
    if not c["revisits"]:
        rv.cell(row, 1, "尚未回访")
    for visit in c["revisits"]:
        entries = [("回访时间", _dt(visit["at"])), ("回访方式", value_text("method", visit["method"])),
                   ("回访人", visit["visitor"]), ("被回访人", visit["person_met"]),
                   ("满意度", value_text("satisfaction", visit["satisfaction"])),
                   ("是否按时", "是" if visit["on_time"] else "否"), ("回访记录", visit["note"]), ("顾客签字确认", "")]
        for i in range(0, len(entries), 2):
            for j, (label, value) in enumerate(entries[i:i + 2]):
                head = rv.cell(row, 1 + 2 * j, label)
                head.font, head.border = HEADER_FONT, BOX
                cell = rv.cell(row, 2 + 2 * j, value)
                cell.border, cell.alignment = BOX, WRAP
                if isinstance(value, str):
                    cell.data_type = "s"
                if isinstance(value, dt.datetime):
                    cell.number_format = TIME_FORMAT
            row += 1
        row += 1
    wb.save(out)


def _dt(iso: str | None):
    return None if not iso else dt.datetime.fromisoformat(iso).replace(tzinfo=None)


def _day(iso: str | None):
    return None if not iso else dt.date.fromisoformat(iso)


def plan_document(plan: dict, site_name: str, out: BinaryIO) -> None:
    """The plan document of seed 1.4.1: 工程项目、回访方式、时间及人员安排, saved to ``out``."""
    from tsms.vocab import PlanKind, WarrantyPart

    wb = Workbook()
    ws = wb.active
    ws.title = "回访计划"
    headers = [("序号", 6), ("工程项目", 28), ("回访类型", 12), ("部位", 18), ("回访方式", 10), ("时间", 12),
               ("人员安排", 12), ("通知顾客日期", 14), ("备注", 30)]
    for i, (_, width) in enumerate(headers, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws["A1"] = f"{site_name} {plan['year']}年度工程质量回访计划"
    ws["A1"].font = TITLE_FONT
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    approved = (f"批准:{plan['approved_by']}  {plan['approved_at'][:10]}" if plan["approved_at"]
                else "待总经理批准")
    ws["A2"] = f"编制:{plan['drafted_by']}  {plan['drafted_at'][:10]}    {approved}"
    for col, (name, _) in enumerate(headers, 1):
        cell = ws.cell(3, col, name)
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, BOX
    for n, item in enumerate(plan["items"], 1):
        parts = "、".join(WarrantyPart(p).zh for p in item["part"].split(",")) if item["part"] else ""
        values = [n, f"{item['project']} {item['project_name']}", PlanKind(item["kind"]).zh, parts,
                  value_text("method", item["method"]), dt.date.fromisoformat(item["date"]), item["staff"],
                  dt.date.fromisoformat(item["notify_by"]), item["note"]]
        for col, value in enumerate(values, 1):
            cell = ws.cell(3 + n, col, value)
            cell.border = BOX
            if isinstance(value, str):
                cell.data_type = "s"
            if isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT
    ws.freeze_panes = "A4"
    ws.print_title_rows = "1:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.save(out)


def rejects_file(out: BinaryIO, suffix: str, rejected: dict) -> None:
    """The rows an import left out, with their reasons, as .xlsx or (``suffix`` .csv) .csv
    (``tsms import --skip-invalid``), written to ``out``: a title row naming the file the rows
    came from (so that importing the corrected rejects file counts them as that file's rows),
    then each source sheet's header and rows; every cell a user typed is text, never a formula."""
    import csv
    import io

    title, reason_header = rejected["title"], "错误原因"
    if suffix.lower() == ".csv":
        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        writer.writerow([title])
        for part in rejected["sheets"]:  # one, the caller makes sure
            writer.writerow(["行号", *map(csv_text, part["header"]), reason_header])
            for line, raw, reasons in part["rows"]:
                writer.writerow([line, *map(csv_text, raw), csv_text(reasons)])
        text.flush()
        text.detach()  # the caller's file stays open
        return
    wb = Workbook(write_only=True)
    for part in rejected["sheets"]:
        name = "未导入" if len(rejected["sheets"]) == 1 else f"未导入-{part['sheet']}"[:31]
        ws = wb.create_sheet(INVALID_SHEET_CHARS.sub("_", name))
        ws.append([text_cell(ws, legible(title))])
        ws.append(["行号", *[text_cell(ws, legible(x)) for x in part["header"]], reason_header])
        for line, raw, reasons in part["rows"]:
            ws.append([line, *[text_cell(ws, legible(x)) for x in raw], text_cell(ws, legible(reasons))])
    wb.save(out)
