"""Importing an existing ledger: checked first, all or nothing, never twice."""

import csv
import json

import openpyxl
import pytest

from conftest import dump, tsms, tsms_json

HEADER = ["编号", "投诉时间", "投诉人", "联系电话", "地址", "投诉内容", "投诉类型", "处理人", "处理结果", "处理完成时间",
          "回访时间", "满意度", "备注"]
GOOD = [
    ["2025-001", "2025-03-01 09:00", "张先生", "13811112222", "某小区1号楼", "夜间噪声", "噪声", "李工", "已整改",
     "2025-03-02 10:00", "2025-03-03 10:00", "满意", ""],
    ["2025-002", "2025/03/05", "王女士", "13933334444", "某路", "扬尘严重", "dust", "", "", "", "", "", "电话记录"],
    ["2025-003", "2025年4月1日", "赵先生", "", "", "=HYPERLINK(\"http://x\")", "", "", "", "", "", "", ""],
]
BAD = ["2025-004", "2025-02-30", "钱", "", "", "路面积水", "排水", "", "", "", "", "", ""]


def write_xlsx(path, rows, title="台账"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([f"某项目部涉民投诉{title}"])  # a title row above the header, as paper-era files have
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # typed as text (a formula typed so would show its own text)
    wb.save(path)


def write_csv(path, rows, encoding="utf-8-sig"):
    with open(path, "w", newline="", encoding=encoding) as fh:
        csv.writer(fh).writerows([HEADER, *rows])


def test_all_good_file(site, tmp_path):
    write_xlsx(tmp_path / "旧台账.xlsx", GOOD)
    r = tsms_json("import", tmp_path / "旧台账.xlsx", "--project", "P01")
    assert r["imported"] == 3 and r["invalid"] == 0 and r["numbers"] == ["SH01-2025-00001", "SH01-2025-00002",
                                                                          "SH01-2025-00003"]
    first = tsms_json("show", "SH01-2025-00001")
    assert first["status"] == "closed" and first["satisfaction"] == "satisfied" and first["assignee"] == "李工"
    assert first["received_at"] == "2025-03-01T09:00:00+08:00" and first["category"] == "noise"
    second = tsms_json("show", "SH01-2025-00002")
    assert second["status"] == "accepted" and second["note"] == "电话记录" and second["category"] == "dust"
    third = tsms_json("show", "SH01-2025-00003")
    assert third["category"] == "other" and third["content"] == '=HYPERLINK("http://x")'
    assert tsms("check").exit_code == 0


def test_one_bad_row_writes_nothing(site, tmp_path):
    write_xlsx(tmp_path / "t.xlsx", [*GOOD, BAD])
    before = dump(site)
    r = tsms("import", tmp_path / "t.xlsx", "--project", "P01", ok=False)
    assert r.exit_code == 2
    assert "6\t投诉时间\t2025-02-30" in r.stdout  # row, column, value, reason
    assert len(r.stderr.strip().splitlines()) == 1
    assert dump(site) == before


def test_skip_invalid_writes_good_rows_and_rejects(site, tmp_path):
    write_csv(tmp_path / "t.csv", [*GOOD, BAD])
    r = tsms_json("import", tmp_path / "t.csv", "--project", "P01", "--skip-invalid", "--rejects",
                  tmp_path / "rejects.xlsx")
    assert r["imported"] == 3 and r["invalid"] == 1
    assert r["errors"] == [{"row": 5, "column": "投诉时间", "value": "2025-02-30",
                            "reason": "不是日期时间(如 2026-10-08 14:30)"}]
    rejects = openpyxl.load_workbook(tmp_path / "rejects.xlsx").active
    assert rejects["A1"].value == "tsms 未导入的行 · 来源:t.csv"
    assert [c.value for c in rejects[2]][:3] == ["行号", "编号", "投诉时间"]
    assert rejects["A3"].value == 5 and "2025-02-30" in rejects.cell(3, len(HEADER) + 2).value


def test_reimport_adds_nothing_twice(site, tmp_path):
    write_csv(tmp_path / "t.csv", GOOD)
    assert tsms_json("import", tmp_path / "t.csv", "--project", "P01")["imported"] == 3
    again = tsms_json("import", tmp_path / "t.csv", "--project", "P01")
    assert again["imported"] == 0 and again["already_imported"] == 3
    assert len(tsms_json("list", "--limit", "0")) == 3
    # the same rows, saved by another program as GBK CSV, are the same rows
    write_csv(tmp_path / "gbk.csv", GOOD, encoding="gb18030")
    gbk = tsms_json("import", tmp_path / "gbk.csv", "--project", "P01")
    assert gbk["already_imported"] == 3 and [k["source"] for k in gbk["known"]] == ["t.csv"] * 3


def test_english_headers(site, tmp_path):
    path = tmp_path / "en.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["received_at", "complainant", "contact", "content", "category", "channel"],
                                  ["2026-01-05 10:00", "Li", "13800000000", "noise at night", "noise", "hotline"]])
    r = tsms_json("import", path, "--project", "P01")
    assert r["imported"] == 1
    assert tsms_json("show", r["numbers"][0])["channel"] == "hotline"


@pytest.mark.parametrize("content,reason", [
    ("no,header\n1,2\n", "表头"),
])
def test_no_header(site, tmp_path, content, reason):
    path = tmp_path / "x.csv"
    path.write_text(content, encoding="utf-8")
    r = tsms("import", path, "--project", "P01", ok=False)
    assert r.exit_code == 2 and reason in r.stderr


def test_row_checks(site, tmp_path):
    rows = [
        ["1", "2025-03-01 09:00", "a", "", "", "", "噪声", "", "", "", "", "", ""],  # empty content
        ["2", "2025-03-01 09:00", "a", "", "", "x", "loud", "", "", "", "", "", ""],  # unknown category
        ["3", "2025-03-05 09:00", "a", "", "", "x", "", "", "", "2025-03-01", "", "", ""],  # resolved before received
        ["4", "2025-03-05 09:00", "a", "", "", "x", "", "", "", "", "2025-03-06", "满意", ""],  # revisit, no resolution
        ["5", "2099-01-01", "a", "", "", "x", "", "", "", "", "", "", ""],  # future
        ["6", "2025-03-05 09:00", "a", "", "", "x", "", "", "好", "2025-03-06", "2025-03-07", "", ""],  # no satisfaction
    ]
    write_csv(tmp_path / "t.csv", rows)
    result = tsms("import", tmp_path / "t.csv", "--project", "P01", "--json", ok=False)
    assert result.exit_code == 2
    r = json.loads(result.stdout)
    assert sorted({e["row"] for e in r["errors"]}) == [2, 3, 4, 5, 6, 7]  # row 4 also lacks its result
    assert r["imported"] == 0


def test_import_refuses_other_files(site, tmp_path):
    (tmp_path / "a.txt").write_text("x")
    assert tsms("import", tmp_path / "a.txt", "--project", "P01", ok=False).exit_code == 2
    assert tsms("import", tmp_path / "missing.csv", "--project", "P01", ok=False).exit_code == 2
    (tmp_path / "broken.xlsx").write_bytes(b"PK not really")
    assert tsms("import", tmp_path / "broken.xlsx", "--project", "P01", ok=False).exit_code == 2


# --------------------------------------------------------------------------- files that hold (issue 9)


def patched_xlsx(path, rows, sheet):
    """An xlsx whose first sheet's XML ``sheet(xml)`` rewrites (a dimension that lies, rows
    past the last column …), as another program may write it."""
    import re
    import zipfile

    write_xlsx(path.with_suffix(".base.xlsx"), rows)
    with zipfile.ZipFile(path.with_suffix(".base.xlsx")) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = sheet(re.sub(r'<dimension ref="[^"]*" ?/>', "", data.decode())).encode()
            zout.writestr(item, data)
    return path


def _rows_xml(first, last):
    return "".join(f'<row r="{i}"><c r="B{i}" t="inlineStr"><is><t>2025-03-01</t></is></c>'
                   f'<c r="F{i}" t="inlineStr"><is><t>第{i}行</t></is></c></row>' for i in range(first, last + 1))


def test_csv_keeps_line_breaks_inside_quoted_cells(site, tmp_path):
    rows = [["2025-001", "2025-03-01 09:00", "张先生", "", "某小区\r\n1号楼", "第一行\n第二行\n\n第四行", "噪声", "", "", "",
             "", "", "备注,带逗号\n\"引号\""],
            ["2025-002", "2025-03-02 09:00", "王女士", "", "", "一行", "", "", "", "", "", "", ""]]
    write_csv(tmp_path / "t.csv", rows)
    r = tsms_json("import", tmp_path / "t.csv", "--project", "P01")
    assert r["imported"] == 2 and r["rows"] == 2
    first = tsms_json("show", r["numbers"][0])
    assert first["content"] == "第一行\n第二行\n\n第四行"
    assert first["address"] == "某小区\r\n1号楼" and first["note"] == "备注,带逗号\n\"引号\""
    assert tsms_json("show", r["numbers"][1])["content"] == "一行"


def test_a_cell_past_the_csv_field_limit_is_refused_in_one_line(site, tmp_path):
    write_csv(tmp_path / "t.csv", [*GOOD, ["9", "2025-03-01", "", "", "", "长" * 131_073, "", "", "", "", "", "", ""]])
    before = dump(site)
    r = tsms("import", tmp_path / "t.csv", "--project", "P01", "--skip-invalid", ok=False)
    assert r.exit_code == 2 and len(r.stderr.strip().splitlines()) == 1
    assert "131,072" in r.stderr and "第 5 行" in r.stderr
    assert dump(site) == before


def test_a_cell_longer_than_its_field_is_a_rejected_row(site, tmp_path):
    long = "长" * 5000
    write_xlsx(tmp_path / "t.xlsx", [*GOOD, ["9", "2025-03-01", "", "", "", long, "", "", "", "", "", "", ""]])
    r = tsms_json("import", tmp_path / "t.xlsx", "--project", "P01", "--skip-invalid", "--rejects", tmp_path / "r.xlsx")
    assert r["imported"] == 3 and r["invalid"] == 1
    assert r["errors"][0]["row"] == 6 and "4000" in r["errors"][0]["reason"]
    assert len(r["errors"][0]["value"]) < 300  # the value is quoted cut short, the rejects file keeps it whole
    rejects = openpyxl.load_workbook(tmp_path / "r.xlsx").active
    assert rejects.cell(3, 1 + 1 + HEADER.index("投诉内容")).value == long


def test_imported_years_stay_in_range(site, tmp_path):
    write_csv(tmp_path / "t.csv", [["1", "0001-01-01 10:00", "a", "", "", "x", "", "", "", "", "", "", ""],
                                   ["2", "1949-12-31", "a", "", "", "y", "", "", "", "", "", "", ""]])
    result = tsms("import", tmp_path / "t.csv", "--project", "P01", "--json", ok=False)
    r = json.loads(result.stdout)
    assert result.exit_code == 2 and [e["row"] for e in r["errors"]] == [2, 3]
    assert all("1950–2100" in e["reason"] for e in r["errors"])


def test_xlsx_declaring_a_million_rows_is_refused_before_loading(site, tmp_path):
    import time

    path = patched_xlsx(tmp_path / "big.xlsx", GOOD,
                        lambda xml: xml.replace("<sheetData>", '<dimension ref="A1:P1000000"/><sheetData>'))
    before = dump(site)
    started = time.perf_counter()
    r = tsms("import", path, "--project", "P01", ok=False)
    assert r.exit_code == 2 and "100,000" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert time.perf_counter() - started < 5  # reading a million rows took 48 s and 1.2 GB
    assert dump(site) == before


def test_xlsx_rows_are_streamed_and_counted_whatever_the_dimension_says(site, tmp_path, monkeypatch):
    from tsms.operations import intake

    monkeypatch.setattr(intake, "ROW_LIMIT", 60)
    # a dimension claiming 2 rows: the rows past it are read, not dropped
    fits = patched_xlsx(tmp_path / "fits.xlsx", [], lambda xml: xml.replace(
        "<sheetData>", '<dimension ref="A1:B2"/><sheetData>').replace("</sheetData>", _rows_xml(3, 60) + "</sheetData>"))
    assert tsms_json("import", fits, "--project", "P01")["imported"] == 58
    before = dump(site)
    over = patched_xlsx(tmp_path / "over.xlsx", [], lambda xml: xml.replace("</sheetData>", _rows_xml(3, 61) + "</sheetData>"))
    r = tsms("import", over, "--project", "P01", ok=False)
    assert r.exit_code == 2 and "60" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    # one cell in the sheet's last row makes a million rows; one in its last column, 16,384 columns
    far_row = patched_xlsx(tmp_path / "far.xlsx", GOOD, lambda xml: xml.replace(
        "</sheetData>", '<row r="1048576"><c r="A1048576"><v>1</v></c></row></sheetData>'))
    assert "60" in tsms("import", far_row, "--project", "P01", ok=False).stderr
    far_col = patched_xlsx(tmp_path / "wide.xlsx", GOOD, lambda xml: xml.replace(
        "</sheetData>", '<row r="9"><c r="XFD9"><v>1</v></c></row></sheetData>'))
    r = tsms("import", far_col, "--project", "P01", ok=False)
    assert r.exit_code == 2 and "256" in r.stderr
    assert dump(site) == before


def test_csv_rows_are_counted(site, tmp_path, monkeypatch):
    from tsms.operations import intake

    monkeypatch.setattr(intake, "ROW_LIMIT", 10)
    write_csv(tmp_path / "ok.csv", [[str(i), "2025-03-01", "", "", "", f"第{i}件", "", "", "", "", "", "", ""]
                                    for i in range(9)])
    assert tsms_json("import", tmp_path / "ok.csv", "--project", "P01")["imported"] == 9
    write_csv(tmp_path / "over.csv", [[str(i), "2025-03-01", "", "", "", f"第{i}件", "", "", "", "", "", "", ""]
                                      for i in range(10)])
    r = tsms("import", tmp_path / "over.csv", "--project", "P01", ok=False)
    assert r.exit_code == 2 and "10" in r.stderr


def test_a_damaged_sheet_is_refused_in_one_line(site, tmp_path):
    path = patched_xlsx(tmp_path / "bad.xlsx", GOOD, lambda xml: xml.replace("</sheetData>", "<row r="))
    before = dump(site)
    r = tsms("import", path, "--project", "P01", ok=False)
    assert r.exit_code == 2 and len(r.stderr.strip().splitlines()) == 1 and "bad.xlsx" in r.stderr
    assert dump(site) == before


@pytest.mark.parametrize("target,mentions", [("rejects.txt", ".csv"), ("no-such-folder/rejects.csv", "no-such-folder")])
def test_a_rejects_file_that_cannot_be_written_is_refused_before_importing(site, tmp_path, target, mentions):
    write_csv(tmp_path / "t.csv", [*GOOD, BAD])
    before = dump(site)
    r = tsms("import", tmp_path / "t.csv", "--project", "P01", "--skip-invalid", "--rejects", tmp_path / target, ok=False)
    assert r.exit_code == 2 and mentions in r.stderr
    assert dump(site) == before


INJECTED = ["=HYPERLINK(\"http://x\",\"点我\")", "+86 138", "-2+3", "@SUM(A1)", "\tcmd", "\r=1+1", "普通", "'已有引号"]


def test_rejects_csv_neutralises_formula_like_cells(site, tmp_path):
    """OWASP CSV injection: a cell starting with = + - @, tab or CR gets a leading ', as the
    workbooks write such cells as text; the header row too (an extra column may be named
    anything)."""
    header = [*HEADER, "=cmd|' /C calc'!A0"]
    rows = [[str(i), "2025-02-30", value, "", "", value, "", "", "", "", "", "", "", value]
            for i, value in enumerate(INJECTED)]
    with open(tmp_path / "t.csv", "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header, *rows])
    r = tsms_json("import", tmp_path / "t.csv", "--project", "P01", "--skip-invalid", "--rejects", tmp_path / "r.csv")
    assert r["invalid"] == len(INJECTED)
    with open(tmp_path / "r.csv", newline="", encoding="utf-8-sig") as fh:
        written = list(csv.reader(fh))
    assert written[0] == ["tsms 未导入的行 · 来源:t.csv"]  # the title row: the rows' own file
    assert written[1][-2] == "'=cmd|' /C calc'!A0" and written[1][1] == "编号"
    for value, row in zip(INJECTED, written[2:]):
        shown = "'" + value if value[0] in "=+-@\t\r" else value
        assert row[3] == shown and row[6] == shown and row[-2] == shown, (value, row)
        assert row[-1][:1] not in ("=", "+", "-", "@", "\t", "\r")
    assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for row in written for cell in row)


def test_rejects_workbook_keeps_text_and_control_characters(site, tmp_path):
    """A rejected row with a control character (the reason it is rejected) is written to the
    rejects workbook legibly: the import is not left half done with an internal error."""
    header = [*HEADER, "=1+1"]
    rows = [["1", "2025-03-01", "a\x01b", "", "", "x\x0bz", "", "", "", "", "", "", "", "=2+2"],
            ["2", "2025-03-02", "好", "", "", "好的行", "", "", "", "", "", "", "", ""]]
    with open(tmp_path / "t.csv", "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header, *rows])
    r = tsms("import", tmp_path / "t.csv", "--project", "P01", "--skip-invalid", "--rejects", tmp_path / "r.xlsx")
    assert r.exit_code == 0 and "1" in r.stdout
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx").active
    assert sheet.cell(2, len(header) + 1).value == "=1+1" and sheet.cell(2, len(header) + 1).data_type == "s"
    assert sheet.cell(3, 4).value == "a\\x01b" and sheet.cell(3, 7).value == "x\\x0bz"
    assert sheet.cell(3, len(header) + 1).value == "=2+2" and sheet.cell(3, len(header) + 1).data_type == "s"
    assert len(tsms_json("list")) == 1


def test_one_function_decides_what_is_formula_like():
    from tsms.render import xlsx

    for value in INJECTED:
        assert xlsx.formula_like(value) == (value[0] in "=+-@\t\r")
        assert xlsx.csv_text(value) == ("'" + value if xlsx.formula_like(value) else value)
    assert xlsx.csv_text(None) == "" and xlsx.csv_text(-5) == -5 and not xlsx.formula_like("")
