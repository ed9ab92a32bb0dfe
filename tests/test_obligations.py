"""One ledger of obligations: every deadline moves with the calendar, overdue and the
report's late lists agree, the first revisit after completion is owed on its own, and
reading commands never write."""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from conftest import from_template, tsms, tsms_json


def _at(monkeypatch, moment):
    monkeypatch.setenv("TSMS_NOW", moment)


def test_claim_inspection_moves_off_a_new_rest_day(site):
    tsms("project", "add", "P02", "--name", "二期", "--completed", "2026-06-30", "--manager", "刘工")
    claim = tsms_json("claim", "--project", "P02", "--part", "mep", "--content", "漏水", "--at", "2026-11-16 09:00")
    assert claim["inspect_due"] == "2026-11-23"  # 7 days, a Monday
    r = tsms_json("calendar", "set", "2026-11-23", "restday", "--note", "测试:临时休息")
    assert r["deadlines_moved"] == 1
    assert tsms_json("claim", "show", claim["number"])["inspect_due"] == "2026-11-24"
    con = sqlite3.connect(site / "ledger.sqlite3")
    (details,) = con.execute("SELECT details FROM event WHERE action = 'recompute' ORDER BY id DESC LIMIT 1").fetchone()
    con.close()
    assert [(m["kind"], m["from"], m["to"]) for m in json.loads(details)["moved"]] == [("claim", "2026-11-23", "2026-11-24")]
    assert tsms_json("calendar", "unset", "2026-11-23")["deadlines_moved"] == 1
    assert tsms_json("claim", "show", claim["number"])["inspect_due"] == "2026-11-23"


def test_first_revisit_owed_after_completion_with_the_plan_approved(env, monkeypatch):
    _at(monkeypatch, "2025-12-01 09:00")
    tsms("init", "--site", "SH01", "--name", "上海某项目部")
    tsms("project", "add", "P01", "--name", "一期", "--completed", "2025-06-30")
    tsms("project", "add", "P04", "--name", "四期", "--manager", "赵工")
    tsms("plan", "2026")
    _at(monkeypatch, "2025-12-20 10:00")
    tsms("plan", "2026", "--approve", "--by", "总经理")
    _at(monkeypatch, "2026-03-10 17:00")
    tsms("project", "complete", "P04", "2026-03-10")

    def first(as_of):
        items = json.loads(tsms("overdue", "--as-of", as_of, "--json", ok=False).stdout)
        return [(i["number"], i["due"], i["days_late"], i["assignee"]) for i in items if i["kind"] == "first_revisit"]

    assert first("2026-04-10") == []  # the last day still on time
    assert first("2026-04-11") == [("P04", "2026-04-10", 1, "赵工")]
    assert first("2026-04-13") == [("P04", "2026-04-10", 3, "赵工")]
    assert not any(i["kind"] == "plan" for i in json.loads(tsms("overdue", "--as-of", "2026-04-13", "--json",
                                                                ok=False).stdout))
    _at(monkeypatch, "2026-04-20 17:00")
    tsms("revisit", "--project", "P04", "--method", "visit", "--satisfaction", "satisfied", "--at", "2026-04-20 10:00")
    assert first("2026-04-21") == []


@pytest.fixture
def late_after_sales(env, templates, monkeypatch):
    """July 2026: a rectification due 07-01, a claim to inspect by 07-09, a client to notify
    by 07-10 and a first revisit due 07-30, none of them done."""
    from_template(templates, env, monkeypatch, "late_after_sales", lambda _: _late_after_sales(monkeypatch))
    _at(monkeypatch, "2026-07-31 17:00")
    return env


def _late_after_sales(monkeypatch):
    _at(monkeypatch, "2026-04-01 17:00")
    tsms("init", "--site", "SH01", "--name", "上海某项目部")
    tsms("project", "add", "P01", "--name", "在建一期", "--manager", "王工")
    tsms("revisit", "--project", "P01", "--method", "visit", "--found", "围挡破损", "--at", "2026-04-01 10:00")
    _at(monkeypatch, "2026-07-01 17:00")
    tsms("project", "add", "P02", "--name", "二期", "--completed", "2026-06-30", "--manager", "刘工",
         "--region", "shanghai")
    tsms("plan", "2026")
    tsms("plan", "2026", "--approve", "--by", "总经理", "--at", "2026-07-01 17:00")
    _at(monkeypatch, "2026-07-31 17:00")
    tsms("claim", "--project", "P02", "--part", "mep", "--content", "漏水", "--at", "2026-07-02 09:00")


def test_overdue_report_and_workbook_list_the_same_late_items(late_after_sales, tmp_path):
    overdue = json.loads(tsms("overdue", "--as-of", "2026-07-31", "--json", ok=False).stdout)
    listed = {(i["kind"], i["number"], i["due"]) for i in overdue}
    assert {kind for kind, _, _ in listed} == {"rectification", "claim", "notice", "first_revisit"}
    report = tsms_json("report", "--month", "2026-07", "--as-of", "2026-07-31")
    assert {(i["kind"], i["number"], i["due"]) for i in report["late"]} == listed
    assert report["late_steps"] == len(listed)
    out = tmp_path / "07.xlsx"
    tsms("report", "--month", "2026-07", "--as-of", "2026-07-31", "--xlsx", out)
    sheet = openpyxl.load_workbook(out)["超期清单"]
    from tsms.vocab import StepKind

    labels = {k.zh: k.value for k in StepKind}
    values = [r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0]]
    rows = {(labels[r[0]], r[1], r[3].date().isoformat()) for r in values}
    assert rows == listed
    assert {r[8] for r in values} == {"待整改", "已报修", "已列入计划", "已竣工验收"}  # states in Chinese, as printed


READS = [["plan", "2026"], ["calendar", "2026"], ["calendar", "2027"], ["overdue", "--as-of", "2026-07-31"],
         ["overdue", "--within", "30", "--as-of", "2026-07-31"], ["report", "--month", "2026-07"],
         ["list"], ["show", "SH01-2026-00001"], ["history", "SH01-2026-00001"], ["claim", "list"],
         ["warranty", "P02"], ["config"], ["rectify", "list"]]


def _fingerprint(folder: Path) -> dict:
    """The ledger and its write-ahead log, byte for byte (the -shm file is SQLite's shared
    index of the log, rewritten by every reader, and holds no data)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("ledger.sqlite3*"))
            if not p.name.endswith("-shm")}


@pytest.fixture
def settled(late_after_sales):
    tsms("log", "--project", "P01", "--category", "noise", "--content", "噪声", "--at", "2026-07-30 10:00")
    con = sqlite3.connect(late_after_sales / "ledger.sqlite3")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return late_after_sales


def test_reading_commands_leave_the_file_as_it_was(settled, tmp_path):
    before = _fingerprint(settled)
    for args in READS + [["plan", "2026", "--xlsx", tmp_path / "plan.xlsx"],
                         ["report", "--month", "2026-07", "--xlsx", tmp_path / "07.xlsx"]]:
        r = tsms(*args, ok=False)
        assert r.exit_code in (0, 1), (args, r.stderr)
        assert _fingerprint(settled) == before, args


HOLD_LOCK = """
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.read()
"""


def _installed(args, env_db, prefix=()):
    exe = Path(sys.executable).parent / "tsms"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "tsms"]
    env = {**os.environ, "TSMS_DB": str(env_db), "TSMS_NOW": "2026-07-31 17:00"}
    return subprocess.run([*prefix, *cmd, *map(str, args)], capture_output=True, text=True, env=env, timeout=60)


def test_reading_commands_answer_while_another_process_writes(settled):
    ledger = settled / "ledger.sqlite3"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(ledger)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        for args in READS:
            r = tsms(*args, ok=False)
            assert r.exit_code in (0, 1), (args, r.stderr)
    finally:
        holder.communicate("")


def test_reading_commands_answer_on_a_read_only_ledger(settled):
    """A ledger file nobody may write (mode 0444): every reading command still answers."""
    ledger = settled / "ledger.sqlite3"
    prefix = ()
    if os.geteuid() == 0:  # root writes any file: drop the capabilities that let it
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without util-linux's setpriv")
        prefix = (setpriv, "--bounding-set", "-dac_override,-dac_read_search,-fowner")
    os.chmod(ledger, 0o444)
    try:
        for args in (["overdue", "--as-of", "2026-07-31"], ["list"], ["report", "--month", "2026-07"],
                     ["plan", "2026"], ["calendar", "2026"], ["show", "SH01-2026-00001"]):
            r = _installed(args, ledger, prefix)
            assert r.returncode in (0, 1), (args, r.stderr)
            assert r.stdout.strip()
    finally:
        os.chmod(ledger, 0o644)


# tests/data/ledger-v5.sqlite3 was made by tsms at schema v5 (the release before obligations):
# complaints in several states, two warranty claims, two rectifications, the approved 2027
# plan with one client notified, retention money applied for. What that tsms answered:
V5_OVERDUE = {
    "2026-06-01": [("accept", "SH05-2026-00001", "2026-05-20"), ("resolve", "SH05-2026-00002", "2026-05-26"),
                   ("revisit", "SH05-2026-00003", "2026-05-27"), ("reply", "SH05-2026-00003", "2026-05-29")],
    "2027-07-20": [("accept", "SH05-2026-00001", "2026-05-20"), ("resolve", "SH05-2026-00002", "2026-05-26"),
                   ("revisit", "SH05-2026-00003", "2026-05-27"), ("reply", "SH05-2026-00003", "2026-05-29"),
                   ("claim", "P02-2026-W001", "2026-06-01"), ("retention_verify", "P02", "2026-07-14"),
                   ("rectification", "P02-ZG2026-001", "2026-11-30"), ("planned_revisit", "2027-3", "2027-02-13"),
                   ("notice", "2027-4", "2027-05-11"), ("notice", "2027-2", "2027-05-26"),
                   ("planned_revisit", "2027-4", "2027-05-31"), ("notice", "2027-1", "2027-06-10"),
                   ("planned_revisit", "2027-2", "2027-06-15"), ("planned_revisit", "2027-1", "2027-06-30")],
}


def test_v5_ledger_migrates_every_deadline_into_obligations(env):
    shutil.copy(Path(__file__).parent / "data" / "ledger-v5.sqlite3", env / "ledger.sqlite3")
    con = sqlite3.connect(env / "ledger.sqlite3")
    assert con.execute("PRAGMA user_version").fetchone()[0] == 5
    steps = con.execute("SELECT id, complaint_id, kind, starts, due, provisional, done_at FROM deadline ORDER BY id").fetchall()
    con.close()
    tsms("list")  # opening it migrates
    con = sqlite3.connect(env / "ledger.sqlite3")
    moved = con.execute("SELECT id, complaint_id, kind, starts, due, provisional, met_at FROM obligation "
                        "WHERE complaint_id IS NOT NULL ORDER BY id").fetchall()
    tables = {name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    con.close()
    assert moved == steps and "deadline" not in tables
    for as_of, expected in V5_OVERDUE.items():
        items = json.loads(tsms("overdue", "--as-of", as_of, "--json", ok=False).stdout)
        assert [(i["kind"], i["number"], i["due"]) for i in items] == expected, as_of
    assert [(c["number"], c["inspect_due"]) for c in tsms_json("claim", "list")] == [
        ("P02-2026-W001", "2026-06-01"), ("P02-2026-W002", "2026-05-26")]
    assert [(r["number"], r["due"]) for r in tsms_json("rectify", "list")] == [
        ("P01-ZG2026-001", "2026-06-01"), ("P02-ZG2026-001", "2026-11-30")]
    plan = tsms_json("plan", "2027")
    assert [(i["id"], i["date"], i["notify_by"]) for i in plan["items"]] == [
        (3, "2027-02-13", "2027-01-24"), (4, "2027-05-31", "2027-05-11"), (2, "2027-06-15", "2027-05-26"),
        (1, "2027-06-30", "2027-06-10")]
    assert tsms_json("retention", "P02")["verify_due"] == "2026-07-14"
    assert tsms("check").exit_code == 0
    # and the migrated ledger goes on: the rectification closes, its obligation with it
    tsms("rectify", "P02-ZG2026-001", "--result", "已修复", "--verified-by", "刘工", "--at", "2026-11-20 10:00")
    late = json.loads(tsms("overdue", "--as-of", "2027-07-20", "--json", ok=False).stdout)
    assert "rectification" not in {i["kind"] for i in late}


def _plans(as_of):
    items = json.loads(tsms("overdue", "--as-of", as_of, "--json", ok=False).stdout)
    return [(i["number"], i["days_late"]) for i in items if i["kind"] == "plan"]


def test_the_plan_is_owed_every_year_and_never_for_a_year_before_the_ledger(site):
    tsms("project", "add", "P02", "--name", "二期", "--completed", "2026-11-10")  # entered 2026-11-23
    tsms("plan", "2026")  # the year running: drafted on request, but it was never owed
    assert _plans("2026-11-24") == []
    assert tsms("plan", "2020", ok=False).exit_code == 2  # a past year gets no plan
    assert _plans("2027-01-05") == [("plan-2027", 5)]
    # never approved: each year's plan is owed in its turn; a year over, its plan lapses
    assert _plans("2028-01-05") == [("plan-2028", 5)]
    assert _plans("2029-01-05") == [("plan-2029", 5)]


def test_approving_meets_the_plan(site, monkeypatch):
    tsms("project", "add", "P02", "--name", "二期", "--completed", "2026-11-10")
    _at(monkeypatch, "2026-12-20 09:00")
    tsms("plan", "2027")
    tsms("plan", "2027", "--approve", "--by", "总经理")
    assert _plans("2027-01-05") == []
    _at(monkeypatch, "2027-03-01 09:00")
    tsms("log", "--project", "P01", "--category", "noise", "--content", "噪声")  # any write keeps next years owed
    assert _plans("2028-01-05") == [("plan-2028", 5)]


def test_a_revisit_made_before_completion_was_typed_meets_the_first_revisit(site):
    tsms("revisit", "--project", "P01", "--method", "visit", "--satisfaction", "satisfied", "--at", "2026-11-20 10:00")
    tsms("project", "complete", "P01", "2026-11-16")
    items = json.loads(tsms("overdue", "--as-of", "2026-12-31", "--json", ok=False).stdout)
    assert not any(i["kind"] == "first_revisit" for i in items)


@pytest.mark.parametrize("day", ["1950-01-05", "2026-06-01", "2028-01-01"])
def test_plan_edit_date_stays_in_the_plans_year(site, monkeypatch, day):
    tsms("project", "add", "P02", "--name", "二期", "--completed", "2025-06-30")
    _at(monkeypatch, "2026-12-10 09:00")
    item = tsms_json("plan", "2027")["items"][0]["id"]
    r = tsms("plan", "2027", "--edit", item, "--date", day, ok=False)
    assert r.exit_code == 2 and "2027" in r.stderr and len(r.stderr.strip().splitlines()) == 1
