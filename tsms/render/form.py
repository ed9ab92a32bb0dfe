"""One complaint as the seed's paper 《涉民投诉处理表》 (``tsms show N --xlsx``), filling an A4
page: the paper form's fields in its order (联系电话 of its header line included), then what
tsms adds — channel, category, urgency, the serious flag and its escalation, the reply to the
referring department (12345), every deadline — and blank cells to sign and date. A second
sheet, 回访单, holds the follow-up visits, with its own page setup."""

from __future__ import annotations

import datetime as dt
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Alignment

from tsms.render.privacy import mask_address, mask_contact
from tsms.render.sheet import (BOX, DATE_FORMAT, HEADER_FONT, TIME_FORMAT, TITLE_FONT, as_text, height, lines,
                               os_errors, print_setup)
from tsms.render.terminal import value_text

WIDTHS = (13, 21, 13, 21, 13, 21)  # label, value, three times across the page
PAGE_POINTS = 850.0  # the height of rows that fills a portrait A4 page at the widths above
LABEL = Alignment(wrap_text=True, vertical="center", horizontal="center")
VALUE = Alignment(wrap_text=True, vertical="center", horizontal="left")
TEXT = Alignment(wrap_text=True, vertical="top", horizontal="left")


def _dt(iso: str | None, time_known: bool = True):
    """A moment as the form shows it: the day alone when it was given without a time."""
    if not iso:
        return None
    at = dt.datetime.fromisoformat(iso).replace(tzinfo=None)
    return at if time_known else at.date()


def _day(iso: str | None):
    return None if not iso else dt.date.fromisoformat(iso)


def _text(at: str | None) -> str:
    return (at or "")[:16].replace("T", " ")


def _note(c: dict) -> str | None:
    """备注, with what the form has no row for: the earlier result of a reopened complaint
    (上次处理结果) and why it was voided."""
    out = [c["note"]] if c.get("note") else []
    if c.get("previous_result"):
        out.append(f"上次处理结果({_text(c.get('previous_resolved_at'))}):{c['previous_result']}")
    if c.get("void_reason"):
        out.append(f"作废({_text(c.get('voided_at'))}):{c['void_reason']}")
    return "\n".join(out) or None


def _escalation(c: dict) -> str:
    if not c["serious"]:
        return "—"
    if c.get("escalated_at"):
        return f"已于 {_text(c['escalated_at'])} 上报 {c.get('escalated_to') or ''}".strip()
    return f"应立即上报组长,期限 {c.get('escalate_due') or ''},尚未上报".strip()


def _reply(c: dict) -> str:
    if c["channel"] not in ("hotline", "referral") and not c.get("reply_due") and not c.get("replied_at"):
        return "不适用(非12345热线或主管部门转办)"
    parts = [f"期限 {c.get('reply_due_at', '')[:16].replace('T', ' ') if c.get('reply_due_at') else c.get('reply_due') or '—'}"]
    if c.get("replied_at"):
        parts.append(f"已于 {_text(c['replied_at'])} 回复:{c.get('reply_text') or ''}")
    else:
        parts.append("尚未回复")
    return ";".join(parts)


class _Form:
    def __init__(self, ws):
        self.ws = ws
        self.tall: dict[int, int] = {}  # rows meant for writing: the lines they need at least

    def put(self, ref: str, value, *, label: bool = False, merge_to: str | None = None, align=None) -> None:
        ws = self.ws
        cell = ws[ref]
        cell.value = value
        if as_text(value) or (isinstance(value, str) and not label):
            cell.data_type = "s"
        if isinstance(value, dt.datetime):
            cell.number_format = TIME_FORMAT
        elif isinstance(value, dt.date):
            cell.number_format = DATE_FORMAT
        cell.alignment = align or (LABEL if label else VALUE)
        if label:
            cell.font = HEADER_FONT
        if merge_to:
            ws.merge_cells(f"{ref}:{merge_to}")

    def row(self, row: int, cells: list[tuple], *, text_lines: int = 0) -> None:
        """(label, value, last column of the value's merge or None) across the row; with
        ``text_lines`` the row is a writing space at least that many lines high."""
        col = 1
        need = 1
        for label, value, merge_end in cells:
            letter = "ABCDEF"[col - 1]
            self.put(f"{letter}{row}", label, label=True)
            end = merge_end or "ABCDEF"[col]
            self.put(f"{'ABCDEF'[col]}{row}", value, merge_to=f"{end}{row}" if merge_end else None,
                     align=TEXT if text_lines else None)
            span = sum(WIDTHS["ABCDEF".index("ABCDEF"[col]):"ABCDEF".index(end) + 1])
            need = max(need, lines(value if not isinstance(value, (dt.date, int)) else None, span),
                       lines(label, WIDTHS[col - 1]))
            col = "ABCDEF".index(end) + 2
        self.tall[row] = max(need, text_lines)


@os_errors
def complaint_form(c: dict, site_name: str, out: BinaryIO, *, with_contacts: bool = True) -> None:
    """One complaint as the seed's 《涉民投诉处理表》, and its follow-up visits as 回访单,
    saved to ``out``."""
    contact = (lambda v: v) if with_contacts else mask_contact
    address = (lambda v: v) if with_contacts else mask_address
    wb = Workbook()
    ws = wb.active
    ws.title = "涉民投诉处理表"
    for letter, width in zip("ABCDEF", WIDTHS):
        ws.column_dimensions[letter].width = width
    print_setup(ws, landscape=False, fit_height=1, gridlines=False, footer=f"{site_name} 涉民投诉处理表 {c['number']}")
    form = _Form(ws)
    form.put("A1", f"{site_name} 涉民投诉处理表", label=True, merge_to="F1")
    ws["A1"].font = TITLE_FONT
    ws.row_dimensions[1].height = 34
    form.put("E2", "编号:", label=True)
    form.put("F2", c["number"])
    ws.row_dimensions[2].height = 20
    value = lambda key: value_text(key, c[key])  # noqa: E731
    form.row(3, [("工程名称", c["project_name"], "D"), ("项目负责人", c["manager"], None)])
    form.row(4, [("填表人", c["clerk"], None), ("填表时间", _dt(c["filled_at"]), None),
                 ("联系电话", c.get("project_phone"), None)])
    form.row(5, [("投诉单位", c["complainant_org"], None), ("投诉人", c["complainant"], None),
                 ("联系方式", contact(c["contact"]), None)])
    form.row(6, [("地址", address(c["address"]), "D"), ("投诉时间", _dt(c["received_at"], c.get("received_time_known", True)), None)])
    form.row(7, [("投诉内容详细说明", c["content"], "F")], text_lines=5)
    form.row(8, [("备注", _note(c), "F")], text_lines=3)
    form.row(9, [("受理部门", c["accept_dept"], None), ("受理人", c["accept_person"], None),
                 ("受理时间", _dt(c["accepted_at"] or c["rejected_at"], c.get("accepted_time_known" if c["accepted_at"] else "rejected_time_known", True)), None)])
    form.row(10, [("受理意见", c["accept_opinion"] or (c["reject_reason"] and f"不予受理:{c['reject_reason']}"), "F")],
             text_lines=3)
    form.row(11, [("处理部门", c["department"], None), ("处理人", c["assignee"], None), ("状态", value("status"), None)])
    form.row(12, [("处理意见", c["handling_opinion"], "F")], text_lines=4)
    form.row(13, [("处理结果", c["result"], "F")], text_lines=4)
    form.row(14, [("处理完成时间", _dt(c["resolved_at"], c.get("resolved_time_known", True)), None), ("处理部门负责人", c["dept_head"], None),
                  ("满意度", value("satisfaction"), None)])
    # what tsms adds to the paper form
    form.row(15, [("投诉渠道", value("channel"), None), ("投诉类型", value("category"), None),
                  ("紧急程度", value("urgency"), None)])
    form.row(16, [("重大投诉", "是" if c["serious"] else "否", None), ("上报组长", _escalation(c), "F")])
    form.row(17, [("回复转办部门(12345)", _reply(c), "F")])
    form.row(18, [("受理期限", _day(c["accept_due"]), None), ("处理期限", _due(c, "resolve"), None),
                  ("回访期限", _day(c["revisit_due"]), None)])
    form.row(19, [("上报期限", _day(c.get("escalate_due")), None), ("回复期限", _due(c, "reply"), None),
                  ("期限暂定", "是(当年放假安排未公布)" if c.get("provisional") else "否", None)])
    form.row(20, [("填表人(签字)", "", None), ("处理部门负责人(签字)", "", None), ("项目负责人(签字)", "", None)],
             text_lines=2)
    form.row(21, [("日期", "", None), ("日期", "", None), ("日期", "", None)], text_lines=2)
    _fill_page(ws, form.tall, first=3, writing=(7, 8, 10, 12, 13))
    for row in ws.iter_rows(min_row=3, max_row=21, max_col=6):
        for cell in row:
            cell.border = BOX

    _revisit_sheet(wb, c, site_name)
    wb.save(out)


def _due(c: dict, kind: str):
    """A deadline in hours (an urgent complaint) as its moment, else its day."""
    at = c.get(f"{kind}_due_at")
    return _dt(at) if at else _day(c.get(f"{kind}_due"))


def _fill_page(ws, need: dict[int, int], first: int, writing: tuple[int, ...]) -> None:
    """Row heights: each row as high as its text; the room left on the page goes to the
    rows meant for writing, so the form fills its A4 page."""
    heights = {r: height(n, 16) + 6 for r, n in need.items()}
    used = sum(heights.values()) + 34 + 20
    spare = max(0.0, PAGE_POINTS - used)
    for r in writing:
        heights[r] += spare / len(writing)
    for r, h in heights.items():
        ws.row_dimensions[r].height = round(min(h, 409), 1)


def _revisit_sheet(wb, c: dict, site_name: str) -> None:
    """回访单: each follow-up visit, and a blank one to fill in by hand when none is made."""
    rv = wb.create_sheet("回访单")
    widths = (13, 26, 13, 26)
    for letter, width in zip("ABCD", widths):
        rv.column_dimensions[letter].width = width
    print_setup(rv, landscape=False, title_rows="1:2", gridlines=False, footer=f"{site_name} 投诉回访单 {c['number']}")
    rv["A1"] = f"{site_name} 投诉回访单"
    rv["A1"].font = TITLE_FONT
    rv["A1"].alignment = LABEL
    rv.merge_cells("A1:D1")
    rv.row_dimensions[1].height = 30
    rv["A2"] = f"投诉编号:{c['number']}    回访期限:{c['revisit_due'] or '—'}"
    rv.merge_cells("A2:D2")
    row = 4
    visits = c["revisits"] or [None]
    for visit in visits:
        if visit is None:
            rv.cell(row - 1, 1, "尚未回访:以下空白供回访时填写")
            entries = [("回访时间", None), ("回访方式", None), ("回访人", None), ("被回访人", None),
                       ("满意度", "□满意  □基本满意  □不满意"), ("是否按时", None), ("回访记录", None)]
        else:
            entries = [("回访时间", _dt(visit["at"], visit.get("time_known", True))), ("回访方式", value_text("method", visit["method"])),
                       ("回访人", visit["visitor"]), ("被回访人", visit["person_met"]),
                       ("满意度", value_text("satisfaction", visit["satisfaction"])),
                       ("是否按时", "是" if visit["on_time"] else "否"), ("回访记录", visit["note"])]
        pairs = [entries[i:i + 2] for i in range(0, 6, 2)] + [[entries[6]]]
        for pair in pairs:
            for j, (label, value) in enumerate(pair):
                head = rv.cell(row, 1 + 2 * j, label)
                head.font, head.border, head.alignment = HEADER_FONT, BOX, LABEL
                cell = rv.cell(row, 2 + 2 * j, value)
                cell.border, cell.alignment = BOX, TEXT if label == "回访记录" else VALUE
                if isinstance(value, str):
                    cell.data_type = "s"
                if isinstance(value, dt.datetime):
                    cell.number_format = TIME_FORMAT
                elif isinstance(value, dt.date):
                    cell.number_format = DATE_FORMAT
            if len(pair) == 1:
                rv.merge_cells(start_row=row, start_column=2, end_row=row, end_column=4)
                for col in (3, 4):
                    rv.cell(row, col).border = BOX
                rv.row_dimensions[row].height = max(60, height(lines(pair[0][1], sum(widths[1:])), 16) + 6)
            else:
                rv.row_dimensions[row].height = 24
            row += 1
        for j, label in enumerate(("回访人(签字)", "被回访人(签字确认)")):
            rv.cell(row, 1 + 2 * j, label).font = HEADER_FONT
            rv.cell(row + 1, 1 + 2 * j, "日期").font = HEADER_FONT
            for r in (row, row + 1):
                for col in (1 + 2 * j, 2 + 2 * j):
                    rv.cell(r, col).border = BOX
                    rv.cell(r, col).alignment = LABEL
        rv.row_dimensions[row].height = rv.row_dimensions[row + 1].height = 30
        row += 3
