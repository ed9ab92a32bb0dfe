"""Trust: two writers at once, a writer killed mid-command, backups, check, migrations."""

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import NUMBER, dump, log, shell, tsms, tsms_json
from tsms.store import engine as db, integrity
from tsms.store.schema import SCHEMA_VERSION

WORKER = r"""
import os, sys
from tsms.store import engine as db
from tsms.operations import complaints as lifecycle
ledger = db.open_existing(None)
tag, count = sys.argv[1], int(sys.argv[2])
for i in range(count):
    n = lifecycle.log(ledger, project="P01", channel="phone", category="noise", urgency="normal",
                      content=f"{tag}-{i}", at="2026-09-29 10:00", again=True, by=tag)["number"]
    if i % 3 == 0:
        lifecycle.assign(ledger, n, to="张三", at="2026-09-29 11:00", by=tag)
        lifecycle.resolve(ledger, n, result="好", at="2026-09-29 12:00", by=tag)
    print(n, flush=True)
"""


def _worker_env(site):
    env = dict(os.environ)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def test_concurrent_writers_lose_nothing(site):
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, f"w{k}", "200"], env=_worker_env(site),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for k in range(3)]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [err for _, err in outs]
    numbers = [line for out, _ in outs for line in out.split()]
    assert len(numbers) == 600 and len(set(numbers)) == 600
    listed = tsms_json("list", "--limit", "0")
    assert sorted(c["number"] for c in listed) == sorted(numbers)
    assert sorted(numbers) == [f"SH01-2026-{i:05d}" for i in range(1, 601)]
    report = integrity.check(db.open_existing(None))
    assert report["ok"], report["problems"]


def test_killed_writer_leaves_a_sound_ledger(site):
    rng = random.Random(20261123)
    logged: list[str] = []
    for _ in range(12):
        proc = subprocess.Popen([sys.executable, "-c", WORKER, "k", "100000"], env=_worker_env(site),
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        logged.append(proc.stdout.readline().strip())  # started writing
        time.sleep(rng.uniform(0.0, 0.25))
        proc.send_signal(signal.SIGKILL)
        rest, _ = proc.communicate()
        logged += rest.split()
        report = integrity.check(db.open_existing(None))
        assert report["ok"], report["problems"]
    present = {c["number"] for c in tsms_json("list", "--limit", "0")}
    assert set(logged) <= present
    assert len(present) - len(set(logged)) <= 12  # at most one committed but not yet printed per kill


def test_check_clean_and_json(site):
    log()
    assert "账本完好" in tsms("check").stdout
    r = tsms_json("check")
    assert r["ok"] is True and r["counts"]["complaint"] == 1


def test_check_finds_an_event_edited_by_hand(site):
    log()
    tsms("assign", NUMBER, "--to", "张三", "--at", "2026-09-30 08:30")
    shell(site / "ledger.sqlite3", "DROP TRIGGER event_append_only_update;\n"
                                    "UPDATE event SET actor = '某人' WHERE action = 'assign';\n")
    r = tsms("check", ok=False)
    assert r.exit_code == 3 and "被改动过" in r.stdout


def test_check_finds_an_event_removed(site):
    log()
    tsms("assign", NUMBER, "--to", "张三", "--at", "2026-09-30 08:30")
    tsms("resolve", NUMBER, "--result", "好", "--at", "2026-09-30 10:30")
    shell(site / "ledger.sqlite3", "DROP TRIGGER event_append_only_delete;\n"
                                    "DELETE FROM event WHERE action = 'assign';\n")
    r = tsms("check", ok=False)
    assert r.exit_code == 3 and "删除" in r.stdout


def test_check_finds_a_removed_last_event(site):
    log()
    tsms("assign", NUMBER, "--to", "张三", "--at", "2026-09-30 08:30")
    shell(site / "ledger.sqlite3", "DROP TRIGGER event_append_only_delete;\n"
                                    "DELETE FROM event WHERE id = (SELECT max(id) FROM event);\n")
    assert tsms("check", ok=False).exit_code == 3


def test_check_finds_broken_invariants(site):
    log()
    log("2026-09-29 23:10", "--again")
    shell(site / "ledger.sqlite3", "UPDATE complaint SET seq = 5, number = 'SH01-2026-00005' WHERE seq = 2;\n"
                                    "UPDATE complaint SET accepted_at = '2026-01-01 00:00:00.000000' WHERE seq = 1;\n")
    out = tsms("check", ok=False).stdout
    assert "编号不连续" in out and "受理早于投诉时间" in out


def test_attachments_checked_and_backed_up(site, tmp_path):
    log()
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(b"\xff\xd8jpeg" * 100)
    r = tsms_json("attach", NUMBER, str(photo))
    assert r[0]["size"] == 600 and r[0]["name"] == "现场.jpg"
    assert tsms("check").exit_code == 0
    backup = tmp_path / "backup.sqlite3"
    tsms("backup", backup)
    stored = next((site / "ledger.sqlite3.files").rglob(r[0]["sha256"]))
    assert (tmp_path / "backup.sqlite3.files" / stored.parent.name / stored.name).exists()
    stored.write_bytes(b"changed")
    assert "内容被改动" in tsms("check", ok=False).stdout
    stored.unlink()
    assert "不见了" in tsms("check", ok=False).stdout


def test_attach_refuses_a_missing_file(site):
    log()
    before = dump(site)
    r = tsms("attach", NUMBER, "/no/such/file.jpg", ok=False)
    assert r.exit_code == 2 and dump(site) == before


def test_backup_and_restore(site, tmp_path, monkeypatch):
    log()
    target = tmp_path / "b.sqlite3"
    tsms("backup", target)
    assert tsms("backup", target, ok=False).exit_code == 2  # no overwrite without --force
    tsms("backup", target, "--force")
    log("2026-09-30 10:00")  # after the backup
    assert tsms("restore", target, ok=False).exit_code == 2  # the ledger exists
    tsms("restore", target, "--force")
    assert [c["number"] for c in tsms_json("list")] == [NUMBER]
    assert tsms("check").exit_code == 0
    # onto a new machine: an empty place
    monkeypatch.setenv("TSMS_DB", str(tmp_path / "new" / "ledger.sqlite3"))
    tsms("restore", target)
    assert [c["number"] for c in tsms_json("list")] == [NUMBER]


def test_backup_to_a_folder_while_another_process_writes(site, tmp_path):
    log()
    writer = subprocess.Popen([sys.executable, "-c", WORKER, "bw", "60"], env=_worker_env(site),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    writer.stdout.readline()
    out = tsms_json("backup", tmp_path)
    writer.communicate(timeout=300)
    con = sqlite3.connect(out["backup"])
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    assert integrity.check(db.Ledger(Path(out["backup"])))["ok"]


def test_restore_refuses_what_is_not_a_ledger(env, tmp_path):
    junk = tmp_path / "junk.sqlite3"
    junk.write_text("not a database")
    assert tsms("restore", junk, ok=False).exit_code == 2


def test_migration_from_the_first_schema_keeps_every_row(env):
    shutil.copy(Path(__file__).parent / "data" / "ledger-v1.sqlite3", env / "ledger.sqlite3")
    con = sqlite3.connect(env / "ledger.sqlite3")
    assert con.execute("PRAGMA user_version").fetchone()[0] == 1
    tables = ("complaint", "deadline", "event", "project", "staff", "revisit", "setting")
    columns = {t: ", ".join(row[1] for row in con.execute(f"PRAGMA table_info({t})")) for t in tables}
    before = {t: con.execute(f"SELECT {columns[t]} FROM {t} ORDER BY rowid").fetchall() for t in tables}
    con.close()
    rows = tsms_json("list", "--limit", "0")
    assert len(rows) == 9
    con = sqlite3.connect(env / "ledger.sqlite3")
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    for table, old_rows in before.items():
        if table == "deadline":  # v6: every step is an obligation, under the same id
            moved = con.execute("SELECT id, complaint_id, kind, starts, due, provisional, met_at FROM obligation "
                                "WHERE complaint_id IS NOT NULL ORDER BY id").fetchall()
            assert moved == old_rows, table
            continue
        now = con.execute(f"SELECT {columns[table]} FROM {table} ORDER BY rowid").fetchall()
        if table == "event":  # v8 adds one: the state the ledger held, imaged, where its log starts;
            # each later migration that adds columns one more (the rows' new images)
            assert now[:len(old_rows)] == old_rows and {e[4] for e in now[len(old_rows):]} == {"migrate"}
            continue
        if table == "setting":  # the chain's head moved to that event
            now, old_rows = ([r for r in rows if r[0] != "event_head"] for rows in (now, old_rows))
        assert now == old_rows, table
    applied = con.execute("SELECT version FROM schema_migration ORDER BY version").fetchall()
    con.close()
    assert [v for (v,) in applied] == list(range(1, SCHEMA_VERSION + 1))
    assert tsms("check").exit_code == 0
    tsms("log", "--project", "P01", "--category", "dust", "--content", "升级后第一件", "--at", "2026-11-21 09:00")


def test_killed_log_command_leaves_a_sound_ledger(site):
    """The installed command itself, killed at random points of its run (start-up,
    transaction, commit): afterwards check is clean and every number it printed exists."""
    exe = Path(sys.executable).parent / "tsms"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "tsms"]
    rng = random.Random(7)
    printed = []
    for i in range(10):
        proc = subprocess.Popen([*cmd, "log", "--project", "P01", "--category", "noise", "--content", f"第{i}件",
                                 "--at", "2026-09-29 10:00"], env=_worker_env(site),
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        time.sleep(rng.uniform(0.15, 0.45))
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate()
        printed += out.split()
        report = integrity.check(db.open_existing(None))
        assert report["ok"], report["problems"]
    present = {c["number"] for c in tsms_json("list", "--limit", "0")}
    assert set(printed) <= present


@pytest.mark.parametrize("by_hand", [False, True])
def test_a_migration_that_reimages_a_table_neither_hides_nor_invents_a_hand_edit(env, monkeypatch, by_hand):
    """v9 adds columns to the complaint table, so its rows are imaged again: each new image
    starts from the row under the old columns. A row the log holds is not taken for an edit
    outside tsms; one edited by hand (triggers dropped) before the upgrade is still found."""
    path = env / "ledger.sqlite3"
    shutil.copy(Path(__file__).parent / "data" / "ledger-v1.sqlite3", path)
    monkeypatch.setattr(db, "SCHEMA_VERSION", 8)
    db.migrate(path)
    monkeypatch.undo()
    monkeypatch.setenv("TSMS_DB", str(path))
    monkeypatch.setenv("TSMS_NOW", "2026-11-23 09:00")
    if by_hand:
        shell(path, "DROP TRIGGER change_complaint_upd;\nUPDATE complaint SET content = '改过' WHERE seq = 1;\n")
    assert db.migrate(path) == SCHEMA_VERSION
    r = tsms("check", ok=False)
    if by_hand:
        assert r.exit_code == 3 and "SH01-2026-00001" in r.stdout, r.stdout
    else:
        assert r.exit_code == 0, r.stdout
