"""Importing a ledger as site offices keep it (issue 12): a title row, a two-row header with
merged parent cells (处理情况 over four columns, 回访情况 over two), 序号, dates as date cells
and as 「2025.3.5」「2025年3月5日」「4月25日」, phones as numbers, blank rows, a 合计 row."""

import datetime as dt
import hashlib
import json

import openpyxl
import pytest

from conftest import dump, tsms, tsms_json

TOP = ["序号", "投诉时间", "投诉人", "联系电话", "地址", "投诉内容", "投诉类型", "处理情况", None, None, None,
       "回访情况", None, "备注"]
SUB = [None] * 7 + ["处理部门", "处理人", "处理结果", "处理时间", "回访时间", "满意度", None]
ROWS = {
    1: [1, dt.datetime(2025, 3, 1, 23, 30), "张先生", 13812345678, "某小区1号楼", "夜间打桩噪声很大", "噪音",
        "安全部", "李四", "已停止夜间施工", "2025.3.2", "2025年3月4日", "满意", None],
    2: [2, "2025.3.5", "王女士", 13933334444.0, "某小区2号楼", "外墙开裂", "质量", "工程部", "张三", "已修补",
        "2025-03-10 16:00", None, None, "电话记录"],
    3: [3, "2025年3月8日", "赵先生", None, "某路口", "道路积水", "排水", None, None, None, None, None, None, None],
    4: [4, "4月25日", "钱先生", "021-5555", None, "早上六点前施工", "噪声", "工程部", "张三", "已调整作业时间", "4月26日",
        "4月28日 10:00", "基本满意", None],
}


def legacy(path, rows=None, *, total=True):
    """The ledger as the site keeps it, written with openpyxl."""
    rows = rows or ROWS
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2025年台账"
    ws.append(["某某路新建工程涉民投诉台账(2025年)"])
    ws.merge_cells("A1:N1")
    ws.append(TOP)
    ws.append(SUB)
    ws.merge_cells("H2:K2")
    ws.merge_cells("L2:M2")
    for col in "ABCDEFGN":
        ws.merge_cells(f"{col}2:{col}3")
    for n in sorted(rows):
        ws.append(rows[n])
        if n == 2:
            ws.append([None] * 14)  # a blank row between complaints
    ws.append([])
    if total:
        ws.append(["合计", None, None, None, None, f"{len(rows)}件"])
    ws["B4"].number_format = "yyyy-mm-dd hh:mm"
    wb.save(path)
    return path


def test_the_merged_header_is_read_as_parent_and_child_labels_and_printed_first(site, tmp_path):
    path = legacy(tmp_path / "台账.xlsx")
    r = tsms("import", path, "--project", "P01", "--year", "2025", "--dry-run")
    out = r.stdout
    # the mapping comes first, one line per source column: column, header, field
    assert out.index("处理情况/处理部门") < out.index("试运行")
    assert "H\t处理情况/处理部门\t处理部门 (department)" in out
    assert "J\t处理情况/处理结果\t处理结果 (result)" in out
    assert "K\t处理情况/处理时间\t处理完成时间 (resolved_at)" in out
    assert "L\t回访情况/回访时间\t回访时间 (revisited_at)" in out
    assert "M\t回访情况/满意度\t满意度 (satisfaction)" in out
    assert "A\t序号\t序号 (serial)" in out
    assert "表头在第 2、3 行" in out
    assert "新导入 4 件" in out and "跳过合计行 1 行" in out


def test_legacy_rows_take_the_state_they_show(site, tmp_path):
    path = legacy(tmp_path / "台账.xlsx")
    r = tsms_json("import", path, "--project", "P01", "--year", "2025")
    assert r["imported"] == 4 and r["invalid"] == 0 and r["totals"] == 1 and r["header_rows"] == [2, 3]
    fields = {m["label"]: m["field"] for m in r["mapping"]}
    assert fields["处理情况/处理部门"] == "department" and fields["处理情况/处理结果"] == "result"
    assert fields["回访情况/满意度"] == "satisfaction" and fields["序号"] == "serial"
    one, two, three, four = (tsms_json("show", n) for n in r["numbers"])
    # handled and revisited: closed, with the department, the result (not 「安全部」) and the satisfaction
    assert one["status"] == "closed" and one["department"] == "安全部" and one["result"] == "已停止夜间施工"
    assert one["assignee"] == "李四" and one["satisfaction"] == "satisfied"
    assert one["received_at"] == "2025-03-01T23:30:00+08:00" and one["night_time"] is True
    assert one["category"] == "noise" and one["contact"] == "13812345678"  # 噪音; a phone typed as a number
    assert one["resolved_at"].startswith("2025-03-02") and one["revisited_at"].startswith("2025-03-04")
    # handled, not yet revisited: resolved, the revisit owed
    assert two["status"] == "resolved" and two["category"] == "quality" and two["contact"] == "13933334444"
    assert two["received_at"].startswith("2025-03-05") and two["resolved_at"] == "2025-03-10T16:00:00+08:00"
    assert two["note"] == "电话记录"
    # nothing done yet: accepted, open
    assert three["status"] == "accepted" and three["received_at"].startswith("2025-03-08")
    assert three["category"] == "drainage"
    # 「4月25日」 with --year 2025; no time of day given: never night-time
    assert four["status"] == "closed" and four["satisfaction"] == "basic"
    assert four["received_at"].startswith("2025-04-25") and four["night_time"] is False
    assert four["revisited_at"] == "2025-04-28T10:00:00+08:00"
    # overdue lists only the steps really open: two's revisit and three's handling, never a closed one
    late = json.loads(tsms("overdue", "--json", ok=False).stdout)
    assert {(i["number"], i["kind"]) for i in late} == {(two["number"], "revisit"), (three["number"], "resolve")}
    assert tsms("check").exit_code == 0
    history = tsms("history", one["number"]).stdout
    assert "台账.xlsx" in history and "第 4 行" in history


def test_a_date_without_a_year_needs_year(site, tmp_path):
    path = legacy(tmp_path / "台账.xlsx")
    before = dump(site)
    r = tsms("import", path, "--project", "P01", "--json", ok=False)
    assert r.exit_code == 2 and len(r.stderr.strip().splitlines()) == 1
    errors = json.loads(r.stdout)["errors"]
    assert {e["row"] for e in errors} == {8}  # 「4月25日」, its row in the sheet (a blank row above it)
    assert all("--year" in e["reason"] for e in errors) and errors[0]["value"] == "4月25日"
    assert dump(site) == before


def test_dry_run_writes_nothing(site, tmp_path):
    path = legacy(tmp_path / "台账.xlsx")
    ledger = site / "ledger.sqlite3"
    before = hashlib.sha256(ledger.read_bytes()).hexdigest(), dump(site)
    r = tsms_json("import", path, "--project", "P01", "--year", "2025", "--dry-run", "--skip-invalid")
    assert r["dry_run"] and r["imported"] == 4 and r["numbers"] == [] and r["rejects"] is None
    assert (hashlib.sha256(ledger.read_bytes()).hexdigest(), dump(site)) == before
    assert not (tmp_path / "台账-rejects.xlsx").exists()
    assert tsms_json("list") == []


def test_reimporting_the_corrected_file_updates(site, tmp_path):
    path = legacy(tmp_path / "台账.xlsx")
    first = tsms_json("import", path, "--project", "P01", "--year", "2025")
    numbers = first["numbers"]
    # the clerk completes row 2 (revisited) and row 3 (handled), corrects a phone, saves the file again
    rows = {k: list(v) for k, v in ROWS.items()}
    rows[2][11], rows[2][12] = "2025-03-12", "满意"
    rows[3][7:11] = ["工程部", "张三", "已疏通排水沟", "2025.3.9"]
    rows[1][3] = 13812345679
    legacy(path, rows)
    again = tsms_json("import", path, "--project", "P01", "--year", "2025")
    assert (again["imported"], again["updated"], again["unchanged"]) == (0, 3, 1)
    assert sorted(again["updated_numbers"]) == sorted(numbers[:3])
    one, two, three = (tsms_json("show", n) for n in numbers[:3])
    assert one["contact"] == "13812345679" and one["status"] == "closed"
    assert two["status"] == "closed" and two["satisfaction"] == "satisfied"
    assert three["status"] == "resolved" and three["result"] == "已疏通排水沟"
    late = json.loads(tsms("overdue", "--json", ok=False).stdout)
    assert {i["kind"] for i in late} == {"revisit"} and [i["number"] for i in late] == [three["number"]]
    events = tsms_json("history", numbers[1])
    edit = [e for e in events if e["action"] == "edit"][-1]
    assert "台账.xlsx" in edit["details"]["reason"] and edit["details"]["changes"]["status"]["to"] == "closed"
    assert "台账.xlsx" in tsms("history", numbers[1]).stdout
    assert tsms("check").exit_code == 0
    # the same file a third time: nothing to do
    third = tsms_json("import", path, "--project", "P01", "--year", "2025")
    assert (third["imported"], third["updated"], third["unchanged"]) == (0, 0, 4)


def test_no_update_and_complaints_handled_since(site, tmp_path):
    path = legacy(tmp_path / "台账.xlsx")
    numbers = tsms_json("import", path, "--project", "P01", "--year", "2025")["numbers"]
    tsms("revisit", numbers[1], "--method", "phone", "--satisfaction", "满意", "--at", "2026-11-20 10:00")
    rows = {k: list(v) for k, v in ROWS.items()}
    rows[2][5] = "外墙开裂,已修补"
    rows[3][5] = "道路积水严重"
    legacy(path, rows)
    before = dump(site)
    r = tsms_json("import", path, "--project", "P01", "--year", "2025", "--no-update")
    assert (r["updated"], r["not_updated"], r["unchanged"]) == (0, 1, 2)
    assert r["kept"] == [{"row": 5, "number": numbers[1]}]  # revisited in tsms since: the ledger's record stands
    assert dump(site) == before
    r = tsms_json("import", path, "--project", "P01", "--year", "2025")
    assert r["updated_numbers"] == [numbers[2]] and tsms_json("show", numbers[2])["content"] == "道路积水严重"
    assert tsms_json("show", numbers[1])["content"] == "外墙开裂"


def test_a_row_lacking_what_its_state_needs_is_a_reject(site, tmp_path):
    rows = {k: list(v) for k, v in ROWS.items()}
    rows[1][9] = None  # revisited, and a handling time, but no result
    rows[3][8] = "王伍"  # still open, held by someone not on the staff list
    path = legacy(tmp_path / "台账.xlsx", rows)
    r = tsms_json("import", path, "--project", "P01", "--year", "2025", "--skip-invalid")
    assert r["imported"] == 2 and r["invalid"] == 2
    reasons = {e["row"]: e["reason"] for e in r["errors"]}
    assert "处理结果" in reasons[4] and "staff add" in reasons[7]
    rejected = openpyxl.load_workbook(tmp_path / "台账-rejects.xlsx").active
    assert [c.value for c in rejected[1]][:3] == ["行号", "序号", "投诉时间"]
    assert rejected.cell(1, 10).value == "处理情况/处理人"


@pytest.mark.parametrize("name", ["旧台账.xls", "旧台账.et"])
def test_old_formats_are_refused_with_a_hint(site, tmp_path, name):
    (tmp_path / name).write_bytes(b"\xd0\xcf\x11\xe0 not really")
    r = tsms("import", tmp_path / name, "--project", "P01", ok=False)
    assert r.exit_code == 2 and "另存为" in r.stderr and ".xlsx" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_no_progress_bar_on_a_pipe(site, tmp_path):
    rows = {n: [n, f"2025-03-{1 + n % 28:02d}", f"投诉人{n}", None, None, f"第{n}件", "扬尘"] + [None] * 7
            for n in range(1, 601)}
    path = legacy(tmp_path / "台账.xlsx", rows)
    r = tsms("import", path, "--project", "P01")
    assert "新导入 600 件" in r.stdout and "━" not in r.stdout + r.stderr and "\x1b" not in r.stdout + r.stderr


def test_an_unsatisfied_revisit_is_imported_reopened(site, tmp_path):
    """不满意: the complaint is handled again (SPEC §2) — open from the revisit, its earlier
    result kept apart, as `revisit --satisfaction 不满意` leaves it."""
    rows = {1: [1, "2026-11-02 10:00", "孙女士", None, None, "围挡破损", "安全", "安全部", "李四", "已修补", "2026-11-03",
                "2026-11-05 09:00", "不满意", None]}
    path = legacy(tmp_path / "台账.xlsx", rows)
    number = tsms_json("import", path, "--project", "P01")["numbers"][0]
    c = tsms_json("show", number)
    assert c["status"] == "assigned" and c["satisfaction"] == "unsatisfied" and c["revisited_at"].startswith("2026-11-05")
    late = json.loads(tsms("overdue", "--json", ok=False).stdout)
    assert [(i["number"], i["kind"]) for i in late] == [(number, "resolve")]
    assert tsms("check").exit_code == 0


def test_a_progress_bar_on_a_terminal(site, tmp_path, monkeypatch):
    from tsms import render

    monkeypatch.setattr(render, "is_terminal", lambda: True)
    rows = {n: [n, f"2025-03-{1 + n % 28:02d}", f"投诉人{n}", None, None, f"第{n}件", "扬尘"] + [None] * 7
            for n in range(1, 601)}
    r = tsms("import", legacy(tmp_path / "台账.xlsx", rows), "--project", "P01")
    assert "600" in r.stdout and len(tsms_json("list", "--limit", "0")) == 600


@pytest.mark.parametrize("cell,year,moment,known", [
    ("2025.3.5", None, dt.datetime(2025, 3, 5), False),
    ("2025年3月5日", None, dt.datetime(2025, 3, 5), False),
    ("2025年3月5日 14:30", None, dt.datetime(2025, 3, 5, 14, 30), True),
    ("2025年3月5日14时30分", None, dt.datetime(2025, 3, 5, 14, 30), True),
    ("2025/3/5 9:05", None, dt.datetime(2025, 3, 5, 9, 5), True),
    ("２０２５－０３－０５", None, dt.datetime(2025, 3, 5), False),
    ("4月25日", 2025, dt.datetime(2025, 4, 25), False),
    ("4.25 22:10", 2024, dt.datetime(2024, 4, 25, 22, 10), True),
    (dt.date(2025, 3, 5), None, dt.datetime(2025, 3, 5), False),
    (dt.datetime(2025, 3, 5, 23, 0), None, dt.datetime(2025, 3, 5, 23, 0), True),
])
def test_dates_as_site_ledgers_write_them(cell, year, moment, known):
    from tsms.operations.intake_table import parse_time

    assert parse_time(cell, year) == (moment, known)


@pytest.mark.parametrize("cell", ["4月25日", "4/25"])
def test_a_date_without_its_year_and_no_year_given(cell):
    from tsms.operations.intake_table import NoYear, parse_time

    with pytest.raises(NoYear):
        parse_time(cell)


@pytest.mark.parametrize("row,total", [
    (["合计", None, "4件"], True), ([None, "总 计:"], True), (["小计"], True), (["共计12件"], True),
    ([1, "2025-03-01", "合计三次在夜间打桩施工,噪声很大"], False), ([1, "张先生", "噪声"], False),
])
def test_total_rows(row, total):
    from tsms.operations.intake_table import is_total

    assert is_total(row) is total


def test_a_two_row_header_in_csv(site, tmp_path):
    """The same ledger saved as CSV: the merged parent is written once, over its first
    column, and the blank cells to its right are its other children."""
    import csv

    path = tmp_path / "台账.csv"
    with open(path, "w", newline="", encoding="gb18030") as fh:
        w = csv.writer(fh)
        w.writerow(["某某路新建工程涉民投诉台账"])
        w.writerow(["" if v is None else v for v in TOP])
        w.writerow(["" if v is None else v for v in SUB])
        w.writerow([1, "2025-03-01 23:30", "张先生", "13812345678", "某小区1号楼", "夜间打桩噪声很大", "噪音", "安全部", "李四",
                    "已停止夜间施工", "2025.3.2", "2025年3月4日", "满意", ""])
        w.writerow(["合计", "", "", "", "", "1件"])
    r = tsms_json("import", path, "--project", "P01")
    assert r["imported"] == 1 and r["totals"] == 1 and r["header_rows"] == [2, 3]
    c = tsms_json("show", r["numbers"][0])
    assert (c["status"], c["department"], c["result"], c["night_time"]) == ("closed", "安全部", "已停止夜间施工", True)


def test_the_same_file_name_in_another_project_is_another_source(site, tmp_path):
    tsms("project", "add", "P02", "--name", "二期")
    first = tsms_json("import", legacy(tmp_path / "台账.xlsx"), "--project", "P01", "--year", "2025")["numbers"]
    rows = {k: list(v) for k, v in ROWS.items()}
    for row in rows.values():
        row[5] = f"二期:{row[5]}"
    r = tsms_json("import", legacy(tmp_path / "二期" / "台账.xlsx" if (tmp_path / "二期").mkdir() is None else None,
                                   rows), "--project", "P02", "--year", "2025")
    assert r["imported"] == 4 and r["updated"] == 0
    assert tsms_json("show", first[0])["content"] == ROWS[1][5]


def _plain(path, rows, header=("序号", "投诉时间", "投诉人", "联系电话", "投诉内容", "投诉类型")):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def test_renumbered_rows_follow_their_complaints(site, tmp_path):
    """Issue 12.5 review 1: a row inserted and the rows renumbered — 序号 2 is now another
    person's complaint; it is new, and 乙's complaint follows its row to 序号 3."""
    jia = [1, "2025-03-01 10:00", "甲", "13800000001", "围挡破损", "安全"]
    yi = [2, "2025-03-02 10:00", "乙", "13800000002", "夜间打桩", "噪音"]
    path = _plain(tmp_path / "renum.xlsx", [jia, yi])
    first = tsms_json("import", path, "--project", "P01")["numbers"]
    bing = [2, "2025-03-03 10:00", "丙", "13800000003", "道路积水", "排水"]
    _plain(path, [jia, bing, [3, *yi[1:]]])
    dry = tsms("import", path, "--project", "P01", "--dry-run").stdout
    assert f"第 4 行 → {first[1]}:序号 2 → 3" in dry or f"第 4 行 → {first[1]}:" in dry
    r = tsms_json("import", path, "--project", "P01")
    assert (r["imported"], r["updated"], r["unchanged"]) == (1, 1, 1)
    assert [c["changes"] for c in r["changes"]] == [{"source_ref": {"from": "2", "to": "3"}}]
    yi_now = tsms_json("show", first[1])
    assert (yi_now["complainant"], yi_now["content"]) == ("乙", "夜间打桩")
    assert sorted(c["complainant"] for c in tsms_json("list")) == sorted(["丙", "甲", "乙"])
    again = tsms_json("import", path, "--project", "P01")
    assert (again["imported"], again["updated"], again["unchanged"]) == (0, 0, 3)


def test_a_correction_never_changes_who_when_and_what_at_once(site, tmp_path):
    path = _plain(tmp_path / "台账.xlsx", [[1, "2025-03-01 10:00", "甲", "138", "围挡破损", "安全"]])
    first = tsms_json("import", path, "--project", "P01")["numbers"][0]
    _plain(path, [[1, "2025-03-01 10:00", "甲", "138", "围挡破损严重", "安全"]])
    dry = tsms("import", path, "--project", "P01", "--dry-run").stdout
    assert f"第 2 行 → {first}:投诉内容详细说明 围挡破损 → 围挡破损严重" in dry
    _plain(path, [[1, "2025-04-01 10:00", "丁", "139", "扬尘", "扬尘"]])
    r = tsms_json("import", path, "--project", "P01")
    assert (r["imported"], r["updated"]) == (1, 0) and tsms_json("show", first)["complainant"] == "甲"


def test_a_stale_copy_under_another_name_is_recognised(site, tmp_path):
    """Review 11: the same complaints in a copy of the file: already in the ledger, named so,
    neither added again nor said to be unchanged when they differ."""
    rows = [[1, "2025-03-01 10:00", "甲", "138", "围挡破损", "安全"], [2, "2025-03-02 10:00", "乙", "139", "扬尘", "扬尘"]]
    first = tsms_json("import", _plain(tmp_path / "台账.xlsx", rows), "--project", "P01")["numbers"]
    rows[0][3] = "137"
    r = tsms_json("import", _plain(tmp_path / "台账(旧).xlsx", rows), "--project", "P01")
    assert (r["imported"], r["updated"], r["unchanged"]) == (0, 0, 0)
    assert r["known"] == [{"row": 2, "number": first[0], "source": "台账.xlsx"},
                          {"row": 3, "number": first[1], "source": "台账.xlsx"}]
    out = tsms("import", tmp_path / "台账(旧).xlsx", "--project", "P01").stdout
    assert f"第 2 行:已在账本中(来自 台账.xlsx),即 {first[0]},未更新" in out
    assert tsms_json("show", first[0])["contact"] == "138"
