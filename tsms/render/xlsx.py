"""Spreadsheets for head office: the monthly workbook and the customer's own forms.

Every user-typed string is written as text (a complaint reading ``=HYPERLINK(…)`` stays
text: OWASP / CWE-1236); dates are date cells; contacts and addresses are masked unless
the caller asks otherwise (SPEC §8, seed 「注意保护客户的隐私信息」). The workbooks live in
their own modules — :mod:`tsms.render.workbook` (the monthly workbook),
:mod:`tsms.render.form` (《涉民投诉处理表》 and 回访单), :mod:`tsms.render.plan_sheet` (the
plan document) — over :mod:`tsms.render.sheet` (cells, widths, heights, page setup); this
module is where the command line finds them, and writes the rows an import left out.
"""

from __future__ import annotations

from typing import BinaryIO

from openpyxl import Workbook

from tsms.render.form import complaint_form  # noqa: F401  (the command line's entry points)
from tsms.render.plan_sheet import plan_document  # noqa: F401
from tsms.render.privacy import mask_address, mask_contact  # noqa: F401  (views masks through here)
from tsms.render.sheet import csv_text, formula_like, legible, os_errors, text_cell  # noqa: F401
from tsms.render.workbook import monthly_workbook  # noqa: F401


@os_errors
def rejects_file(out: BinaryIO, suffix: str, rejected: dict) -> None:
    """The rows an import left out, with their reasons, as .xlsx or (``suffix`` .csv) .csv
    (``tsms import --skip-invalid``), written to ``out``; every cell a user typed is text,
    never a formula."""
    import csv
    import io

    header, reason_header = rejected["header"], "错误原因"
    if suffix.lower() == ".csv":
        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        writer.writerow(["行号", *map(csv_text, header), reason_header])
        for line, raw, reasons in rejected["rows"]:
            writer.writerow([line, *map(csv_text, raw), csv_text(reasons)])
        text.flush()
        text.detach()  # the caller's file stays open
        return
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("未导入")
    ws.append(["行号", *[text_cell(ws, legible(x)) for x in header], reason_header])
    for line, raw, reasons in rejected["rows"]:
        ws.append([line, *[text_cell(ws, legible(x)) for x in raw], text_cell(ws, legible(reasons))])
    wb.save(out)
