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

import re
from typing import BinaryIO

from openpyxl import Workbook

from tsms.render.form import complaint_form  # noqa: F401  (the command line's entry points)
from tsms.render.plan_sheet import plan_document  # noqa: F401
from tsms.render.privacy import mask_address, mask_contact  # noqa: F401  (views masks through here)
from tsms.render.sheet import csv_text, formula_like, legible, os_errors, text_cell  # noqa: F401
from tsms.render.workbook import monthly_workbook  # noqa: F401


INVALID_SHEET_CHARS = re.compile(r"[\\/?*\[\]:]")


@os_errors
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
