"""The yearly revisit plan as the document of seed 1.4.1 (``tsms plan YEAR --xlsx``):
工程项目、回访方式、时间及人员安排, for the general manager to sign.

The number printed in the first column, 项号, is the item's own number — the one
``tsms notify``, ``tsms revisit --plan-item`` and ``plan --edit`` take — never a row count, so a
clerk working from the signed paper acts on the item it names."""

from __future__ import annotations

import datetime as dt
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Alignment

from tsms.render.sheet import (BOX, CENTRE_WRAP, DATE_FORMAT, HEADER_FILL, HEADER_FONT, TITLE_FONT, WRAP, fit_width,
                               height, lines, os_errors, print_setup)
from tsms.render.terminal import value_text
from tsms.vocab import PlanKind, WarrantyPart

HEADERS = (("项号", 6, 6), ("工程项目", 14, 28), ("回访类型", 8, 12), ("部位", 10, 22), ("回访方式", 6, 10),
           ("时间", 11.5, 11.5), ("人员安排", 8, 12), ("通知顾客日期", 11.5, 11.5), ("备注", 14, 30))


@os_errors
def plan_document(plan: dict, site_name: str, out: BinaryIO) -> None:
    """The plan document, saved to ``out``."""
    wb = Workbook()
    ws = wb.active
    ws.title = "回访计划"
    rows = []
    for item in plan["items"]:
        parts = "、".join(WarrantyPart(p).zh for p in item["part"].split(",")) if item["part"] else ""
        note = [item["note"]] if item.get("note") else []
        if item.get("amendment"):
            note.append(f"增补 {item['amendment']}")
        if item.get("notify_at_once"):
            note.append("编入时已不足20天,立即通知顾客")
        rows.append([item["id"], f"{item['project']} {item['project_name']}", PlanKind(item["kind"]).zh, parts,
                     value_text("method", item["method"]), dt.date.fromisoformat(item["date"]), item["staff"],
                     dt.date.fromisoformat(item["notify_by"]) if item["notify_by"] else None, "\n".join(note) or None])
    widths = [fit_width([h, *(r[i] if isinstance(r[i], str) else None for r in rows)], floor=floor, cap=cap)
              for i, (h, floor, cap) in enumerate(HEADERS)]
    for i, width in enumerate(widths):
        ws.column_dimensions["ABCDEFGHI"[i]].width = width
    last = "ABCDEFGHI"[len(HEADERS) - 1]
    ws["A1"] = f"{site_name} {plan['year']}年度工程质量回访计划"
    ws["A1"].font = TITLE_FONT
    ws["A1"].alignment = CENTRE_WRAP
    ws.merge_cells(f"A1:{last}1")
    ws.row_dimensions[1].height = 30
    approved = (f"批准:{plan['approved_by']}  {plan['approved_at'][:10]}" if plan["approved_at"] else "批准:待总经理批准")
    ws["A2"] = (f"编制:{plan['drafted_by']}  {plan['drafted_at'][:10]}    {approved}    "
                f"项号即 tsms notify / revisit --plan-item 所用编号")
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="center")
    ws.merge_cells(f"A2:{last}2")
    ws.row_dimensions[2].height = height(lines(ws["A2"].value, sum(widths)))
    for col, (name, _, _) in enumerate(HEADERS, 1):
        cell = ws.cell(3, col, name)
        cell.font, cell.fill, cell.border, cell.alignment = HEADER_FONT, HEADER_FILL, BOX, CENTRE_WRAP
    ws.row_dimensions[3].height = height(max(lines(h, w) for (h, _, _), w in zip(HEADERS, widths)))
    for n, values in enumerate(rows, 4):
        for col, value in enumerate(values, 1):
            cell = ws.cell(n, col, value)
            cell.border, cell.alignment = BOX, CENTRE_WRAP if col == 1 else WRAP
            if isinstance(value, str):
                cell.data_type = "s"
            if isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT
        ws.row_dimensions[n].height = height(max(lines(v, w) for v, w in zip(values, widths)
                                                 if isinstance(v, str)) if any(isinstance(v, str) for v in values)
                                             else 1)
    end = 4 + len(rows)
    for offset, (label, who) in enumerate((("编制", plan["drafted_by"]), ("批准(总经理)", plan["approved_by"]))):
        row = end + 1 + offset
        ws.cell(row, 2, f"{label}:{who or ''}").font = HEADER_FONT
        ws.cell(row, 5, "签字:").font = HEADER_FONT
        ws.cell(row, 7, "日期:").font = HEADER_FONT
        ws.row_dimensions[row].height = 30
    ws.freeze_panes = "A4"
    print_setup(ws, landscape=True, title_rows="1:3", gridlines=False, footer=f"{site_name} {plan['year']}年度工程质量回访计划")
    wb.save(out)
