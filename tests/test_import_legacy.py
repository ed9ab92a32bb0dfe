"""Importing a ledger as site offices keep it (issue 12): a title row, a two-row header with
merged parent cells (处理情况 over four columns, 回访情况 over two), 序号, dates as date cells
and as 「2025.3.5」「2025年3月5日」「4月25日」, phones as numbers, blank rows, a 合计 row."""

import datetime as dt
import hashlib
import json

import openpyxl
import pytest

from conftest import dump, refused, tsms, tsms_json

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
    # moments the old ledger gave as a date alone are the day, never 00:00 (as --at 2026-11-20)
    assert one["resolved_time_known"] is False and one["revisited_time_known"] is False
    assert one["closed_time_known"] is False and one["received_time_known"] is True
    assert two["received_time_known"] is False and two["accepted_time_known"] is False
    assert two["resolved_time_known"] is True and four["revisited_time_known"] is True
    assert "00:00" not in tsms("show", one["number"]).stdout
    assert "00:00" not in tsms("show", two["number"]).stdout


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
    assert rejected["A1"].value == "tsms 未导入的行 · 来源:台账.xlsx"
    assert [c.value for c in rejected[2]][:3] == ["行号", "序号", "投诉时间"]
    assert rejected.cell(2, 10).value == "处理情况/处理人"


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
    assert f"第 4 行 → {first[1]}:原编号/序号 2 → 3" in dry
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
    assert f"第 2 行:已在账本中(来自 台账.xlsx),即 {first[0]},未更新" in out and "--update-others" in out
    assert tsms_json("show", first[0])["contact"] == "138"
    # the user says so: the copy's rows update the complaints, which come from the copy since
    r = tsms_json("import", tmp_path / "台账(旧).xlsx", "--project", "P01", "--update-others")
    assert (r["updated"], r["known"]) == (2, []) and tsms_json("show", first[0])["contact"] == "137"
    edit = [e for e in tsms_json("history", first[0]) if e["action"] == "edit"][-1]
    assert edit["details"]["source_before"] == "台账.xlsx" and "台账(旧).xlsx" in edit["details"]["reason"]


def test_every_sheet_with_a_header_is_imported_and_the_others_named(site, tmp_path):
    """Review 2: a workbook of several sheets — each with a header imported (the mapping of
    each shown), a sheet without one named as not imported; --sheet picks one."""
    wb = openpyxl.Workbook()
    one = wb.active
    one.title = "一期"
    one.append(["序号", "投诉时间", "投诉人", "投诉内容"])
    one.append([1, "2025-03-01 10:00", "甲", "围挡破损"])
    two = wb.create_sheet("二期")
    two.append(["序号", "投诉时间", "投诉人", "投诉内容"])
    two.append([1, "2025-03-02 10:00", "乙", "扬尘"])
    two.append([2, "2025-03-02 11:00", "丙", "2025-02-30"])
    notes = wb.create_sheet("说明")
    notes.append(["本台账由资料员维护"])
    wb.save(tmp_path / "book.xlsx")
    r = tsms("import", tmp_path / "book.xlsx", "--project", "P01", "--dry-run")
    assert "工作表「一期」:表头在第 1 行" in r.stdout and "工作表「二期」:表头在第 1 行" in r.stdout
    assert "工作表「说明」:不导入(" in r.stdout and "新导入 3 件" in r.stdout
    r = tsms_json("import", tmp_path / "book.xlsx", "--project", "P01")
    assert (r["imported"], [s["sheet"] for s in r["sheets"]]) == (3, ["一期", "二期"])
    assert r["skipped_sheets"][0]["sheet"] == "说明"
    assert sorted(c["complainant"] for c in tsms_json("list")) == sorted(["甲", "乙", "丙"])
    only = tsms_json("import", tmp_path / "book.xlsx", "--project", "P01", "--sheet", "二期", "--dry-run")
    assert [s["sheet"] for s in only["sheets"]] == ["二期"] and only["would"]["unchanged"] == 2
    refused(site, "import", tmp_path / "book.xlsx", "--project", "P01", "--sheet", "三期", naming=("三期", "一期、二期、说明"))


def test_rows_of_several_sheets_are_named_with_their_sheet(site, tmp_path):
    wb = openpyxl.Workbook()
    for title, time in (("一期", "2025-03-01"), ("二期", "2025-02-30")):
        ws = wb.create_sheet(title)
        ws.append(["投诉时间", "投诉内容"])
        ws.append([time, "扬尘"])
    del wb["Sheet"]
    wb.save(tmp_path / "book.xlsx")
    r = tsms("import", tmp_path / "book.xlsx", "--project", "P01", ok=False)
    assert r.exit_code == 2 and "二期!2\t投诉时间\t2025-02-30" in r.stdout


def test_a_total_word_inside_a_complaint_row_is_not_a_total(site, tmp_path):
    """Review 3: a 备注 「共计投诉3次」 and a complainant named 小计 are complaints; the 合计 row
    (its first cell the word, no time, a count for content) is skipped and named."""
    path = _plain(tmp_path / "t.xlsx", [[1, "2025-03-01 10:00", "甲", "138", "噪声", "噪音", "共计投诉3次"],
                                        [2, "2025-03-02 10:00", "小计", "139", "扬尘", "扬尘", None],
                                        ["合计", None, None, None, "2件", None, None]],
                  header=("序号", "投诉时间", "投诉人", "联系电话", "投诉内容", "投诉类型", "备注"))
    r = tsms_json("import", path, "--project", "P01")
    assert (r["imported"], r["totals"], r["total_rows"]) == (2, 1, [4])
    assert "跳过合计行 1 行(第 4 行)" in tsms("import", path, "--project", "P01", "--dry-run").stdout


@pytest.mark.parametrize("row,total", [
    (["合计", None, "4件"], True), ([None, None, None, "总 计:"], True), (["小计"], True), (["共计12件"], True),
    ([1, "2025-03-01", "合计三次在夜间打桩施工,噪声很大"], False), ([1, "小计", "噪声"], False),
    ([1, "张先生", "共计投诉3次"], False), (["合计", "2025-03-01", "扬尘"], False),
])
def test_total_rows_by_their_leading_label(row, total):
    from tsms.operations.intake_table import is_total

    assert is_total(row, [1, 2]) is total


def test_formulas_are_read_as_excel_shows_them(site, tmp_path):
    """Review 4: 序号 =ROW()-1 and a =HYPERLINK are the values Excel shows (the values Excel
    saved with the file); a formula without its saved value is named for its cell."""
    from openpyxl.cell.cell import Cell  # noqa: F401

    path = _plain(tmp_path / "t.xlsx", [["=ROW()-1", "2025-03-01 10:00", "甲", "138", "=HYPERLINK(\"http://x\",\"围挡\")", "安全"],
                                        ["=ROW()-1", "2025-03-02 10:00", "乙", "139", "扬尘", "扬尘"]])
    r = tsms("import", path, "--project", "P01", "--json", ok=False)
    errors = json.loads(r.stdout)["errors"]
    assert r.exit_code == 2 and {(e["row"], e["column"]) for e in errors} == {(2, "序号"), (2, "投诉内容"), (3, "序号")}
    assert all("计算结果" in e["reason"] for e in errors)
    # as Excel saves it: the formula and the value it shows (<v>), which is what is imported
    _cache(path, {"A2": 1, "A3": 2, "E2": "围挡"})
    r = tsms_json("import", path, "--project", "P01")
    assert r["imported"] == 2
    shown = {c["complainant"]: c for c in tsms_json("list")}
    assert tsms_json("show", r["numbers"][0])["content"] == "围挡" and len(shown) == 2


def _cache(path, values):
    """Write the cached values Excel would have saved beside the formulas."""
    import re
    import shutil
    import zipfile

    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                for ref, value in values.items():
                    kind = ' t="str"' if isinstance(value, str) else ""
                    text = re.sub(rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v\s*/?>(?:</v>)?',
                                  lambda m: f'<c r="{ref}"{m.group(1)}{kind}><f>{m.group(2)}</f><v>{value}</v>', text)
                    text = re.sub(rf'<c r="{ref}"([^>]*)><f>(.*?)</f></c>',
                                  lambda m: f'<c r="{ref}"{m.group(1)}{kind}><f>{m.group(2)}</f><v>{value}</v></c>', text)
                data = text.encode()
            dst.writestr(item, data)
    shutil.move(tmp, path)


def test_a_bare_date_follows_a_timed_one_on_the_same_day(site, tmp_path):
    """Review 5: 处理时间 2025.3.5 (the day alone) after 投诉时间 2025.3.5 23:10 is accepted."""
    path = _plain(tmp_path / "t.xlsx", [[1, "2025.3.5 23:10", "甲", "138", "夜间噪声", "噪音", "已停工", "2025.3.5"]],
                  header=("序号", "投诉时间", "投诉人", "联系电话", "投诉内容", "投诉类型", "处理结果", "处理时间"))
    r = tsms_json("import", path, "--project", "P01")
    c = tsms_json("show", r["numbers"][0])
    assert c["status"] == "resolved" and c["resolved_at"] == "2025-03-05T23:10:00+08:00"  # the day: that step's moment
    assert tsms("check").exit_code == 0
    _plain(path, [[1, "2025.3.5 23:10", "甲", "138", "夜间噪声", "噪音", "已停工", "2025.3.4"]],
           header=("序号", "投诉时间", "投诉人", "联系电话", "投诉内容", "投诉类型", "处理结果", "处理时间"))
    r = tsms("import", path, "--project", "P01", ok=False)
    assert r.exit_code == 2 and "早于投诉时间" in r.stdout


@pytest.mark.parametrize("cell,stored", [("1.3812340001E+10", "13812340001"), ("1.38E+10", None)])
def test_a_phone_in_scientific_notation(site, tmp_path, cell, stored):
    """Review 7: Excel writes a long number to CSV as 1.3812340001E+10: its digits, when they
    are all there; else the row is refused naming the cell."""
    import csv

    with open(tmp_path / "t.csv", "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["投诉时间", "联系电话", "投诉内容"], ["2025-03-01 10:00", cell, "扬尘"]])
    r = tsms("import", tmp_path / "t.csv", "--project", "P01", "--json", ok=stored is not None)
    if stored:
        assert tsms_json("show", json.loads(r.stdout)["numbers"][0])["contact"] == stored
    else:
        assert r.exit_code == 2 and "科学计数法" in json.loads(r.stdout)["errors"][0]["reason"]


def test_a_corrected_rejects_file_counts_as_the_rows_of_its_own_file(site, tmp_path):
    """Review 8: the rejects CSV's protecting ' is taken off, and its rows are the original
    file's rows: importing the corrected original afterwards adds nothing twice."""
    import csv

    rows = [["序号", "投诉时间", "投诉人", "投诉内容"], ["1", "2025-03-01 10:00", "甲", "扬尘"],
            ["2", "2025-02-30", "乙", "-5度仍在浇筑"]]
    with open(tmp_path / "t.csv", "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    tsms("import", tmp_path / "t.csv", "--project", "P01", "--skip-invalid", "--rejects", tmp_path / "r.csv")
    with open(tmp_path / "r.csv", newline="", encoding="utf-8-sig") as fh:
        rejected = list(csv.reader(fh))
    assert rejected[2][4] == "'-5度仍在浇筑"
    rejected[2][2] = "2025-03-02 10:00"
    with open(tmp_path / "r.csv", "w", newline="", encoding="utf-8-sig") as fh:
        csv.writer(fh).writerows(rejected)
    r = tsms_json("import", tmp_path / "r.csv", "--project", "P01")
    assert r["imported"] == 1 and r["source"] == "t.csv"
    assert tsms_json("show", r["numbers"][0])["content"] == "-5度仍在浇筑"
    rows[2][1] = "2025-03-02 10:00"
    with open(tmp_path / "t.csv", "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    again = tsms_json("import", tmp_path / "t.csv", "--project", "P01")
    assert (again["imported"], again["unchanged"]) == (0, 2) and len(tsms_json("list")) == 2


def test_annotated_labels_and_a_header_not_found(site, tmp_path):
    """Review 9: 「投诉内容摘要」「投诉时间(年月日)」 are recognised; without a content column
    the refusal names the likeliest header row, its labels and what it lacks."""
    path = _plain(tmp_path / "t.xlsx", [["2025-03-01 10:00", "甲", "扬尘"]], header=("投诉时间(年月日)", "投诉人", "投诉内容摘要"))
    r = tsms_json("import", path, "--project", "P01", "--dry-run")
    assert {m["label"]: m["field"] for m in r["mapping"]} == {"投诉时间(年月日)": "received_at", "投诉人": "complainant",
                                                               "投诉内容摘要": "content"}
    _plain(path, [["2025-03-01 10:00", "甲", "扬尘"]], header=("投诉时间", "投诉人", "事由"))
    refused(site, "import", path, "--project", "P01", naming=("第 1 行", "投诉时间、投诉人、事由", "缺少「投诉内容」"))


def test_the_exact_label_wins_a_field_and_equal_ones_are_refused(site, tmp_path):
    """Review 10: 投诉类型 beats 类别, 投诉渠道 beats 来源; two equally good columns are refused."""
    path = _plain(tmp_path / "t.xlsx", [["2025-03-01 10:00", "扬尘", "安全", "噪音", "居委会", "12345"]],
                  header=("投诉时间", "投诉内容", "类别", "投诉类型", "来源", "投诉渠道"))
    r = tsms_json("import", path, "--project", "P01")
    c = tsms_json("show", r["numbers"][0])
    assert (c["category"], c["channel"]) == ("noise", "hotline")
    ignored = {m["label"]: m["ignored"] for m in r["mapping"]}
    assert "投诉类型" in ignored["类别"] and "投诉渠道" in ignored["来源"]
    _plain(path, [["2025-03-01 10:00", "扬尘", "安全", "噪音"]], header=("投诉时间", "投诉内容", "类别", "类型"))
    refused(site, "import", path, "--project", "P01", naming=("类别", "类型", "C 列", "D 列"))


def test_vocabulary_refusals_suggest_as_log_does(site, tmp_path):
    """Review 13: 扰民 is noise; an unknown word gets log's 「是不是 …」; a date without its
    year is hinted with its own month and day."""
    path = _plain(tmp_path / "t.xlsx", [["9月3日", "甲", "扬尘", "噪声扰"], ["2025-03-01", "乙", "噪声", "扰民"]],
                  header=("投诉时间", "投诉人", "投诉内容", "投诉类型"))
    r = tsms("import", path, "--project", "P01", "--json", ok=False)
    reasons = {(e["row"], e["column"]): e["reason"] for e in json.loads(r.stdout)["errors"]}
    assert set(reasons) == {(2, "投诉时间"), (2, "投诉类型")}  # 扰民 (row 3) is 噪声
    assert "YYYY-09-03" in reasons[2, "投诉时间"] and "2025-04-25" not in reasons[2, "投诉时间"]
    cat = tsms("import", _plain(tmp_path / "u.xlsx", [["2025-03-01", "甲", "扬尘", "噪声扰"]],
                                header=("投诉时间", "投诉人", "投诉内容", "投诉类型")), "--project", "P01", ok=False)
    assert "不认识的投诉类型「噪声扰」;是不是" in cat.stdout


def test_refused_before_reading_and_said_plainly(site, tmp_path):
    """Review 14: a wrong project is refused before the mapping; a folder is named as one; a
    file of a header alone says it has no data rows."""
    path = legacy(tmp_path / "台账.xlsx")
    r = tsms("import", path, "--project", "P99", "--year", "2025", ok=False)
    assert r.exit_code == 2 and "P99" in r.stderr and "列的对应" not in r.stdout
    refused(site, "import", tmp_path, "--project", "P01", naming=("文件夹",))
    empty = _plain(tmp_path / "empty.xlsx", [])
    r = tsms("import", empty, "--project", "P01")
    assert "没有数据行" in r.stdout and "新导入" not in r.stdout


def test_defaults_are_announced_in_the_mapping(site, tmp_path):
    path = _plain(tmp_path / "t.xlsx", [["2025-03-01 10:00", "扬尘"]], header=("投诉时间", "投诉内容"))
    out = tsms("import", path, "--project", "P01", "--dry-run").stdout
    assert "投诉渠道:按 电话" in out and "投诉类型:按 其他" in out
    assert {d["field"] for d in tsms_json("import", path, "--project", "P01", "--dry-run")["defaults"]} == {
        "channel", "category", "urgency"}


def test_imported_facts_are_only_those_the_old_ledger_records(site, tmp_path):
    """Review 12: a handled 12345 row has its reply to the referring department met when it
    was handled (the old ledger records no reply apart), an open one has it open — both
    alike; how and by whom a revisit was made, and who accepted, are not made up."""
    header = ("序号", "投诉时间", "投诉人", "投诉内容", "投诉渠道", "处理结果", "处理时间", "回访时间", "满意度")
    path = _plain(tmp_path / "t.xlsx", [[1, "2025-03-01 10:00", "甲", "扬尘", "12345", "已洒水", "2025-03-03",
                                         "2025-03-05", "满意"],
                                        [2, "2026-11-20 10:00", "乙", "噪声", "12345", None, None, None, None]],
                  header=header)
    closed, open_ = tsms_json("import", path, "--project", "P01")["numbers"]
    steps = {s["kind"]: s for s in tsms_json("show", closed)["deadlines"]}
    assert steps["reply"]["done_at"].startswith("2025-03-03")
    assert {s["kind"]: s["done_at"] for s in tsms_json("show", open_)["deadlines"]}["reply"] is None
    late = json.loads(tsms("overdue", "--json", ok=False).stdout)
    assert closed not in {i["number"] for i in late}
    c = tsms_json("show", closed)
    assert c["accept_person"] is None
    visit = c["revisits"][0]
    assert (visit["method"], visit["visitor"], visit["person_met"]) == ("unrecorded", "旧台账未记录", None)
    assert "旧台账未记录" in tsms("show", closed).stdout
    r = tsms("revisit", open_, "--method", "unrecorded", "--satisfaction", "满意", ok=False)
    assert r.exit_code == 2 and "回访方式" in r.stderr
    assert tsms("check").exit_code == 0
