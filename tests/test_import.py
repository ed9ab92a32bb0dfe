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
    assert [c.value for c in rejects[1]][:3] == ["行号", "编号", "投诉时间"]
    assert rejects["A2"].value == 5 and "2025-02-30" in rejects.cell(2, len(HEADER) + 2).value


def test_reimport_adds_nothing_twice(site, tmp_path):
    write_csv(tmp_path / "t.csv", GOOD)
    assert tsms_json("import", tmp_path / "t.csv", "--project", "P01")["imported"] == 3
    again = tsms_json("import", tmp_path / "t.csv", "--project", "P01")
    assert again["imported"] == 0 and again["already_imported"] == 3
    assert len(tsms_json("list", "--limit", "0")) == 3
    # the same rows, saved by another program as GBK CSV, are the same rows
    write_csv(tmp_path / "gbk.csv", GOOD, encoding="gb18030")
    assert tsms_json("import", tmp_path / "gbk.csv", "--project", "P01")["already_imported"] == 3


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
    assert [e["row"] for e in r["errors"]] == [2, 3, 4, 5, 6, 7]
    assert r["imported"] == 0


def test_import_refuses_other_files(site, tmp_path):
    (tmp_path / "a.txt").write_text("x")
    assert tsms("import", tmp_path / "a.txt", "--project", "P01", ok=False).exit_code == 2
    assert tsms("import", tmp_path / "missing.csv", "--project", "P01", ok=False).exit_code == 2
    (tmp_path / "broken.xlsx").write_bytes(b"PK not really")
    assert tsms("import", tmp_path / "broken.xlsx", "--project", "P01", ok=False).exit_code == 2
