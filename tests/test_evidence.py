"""Evidence that holds: every kind of edit made behind tsms's back is caught by ``check``
(the state re-derived from the events, the chain, the head anchored outside the file), and
the ``.sqlite3`` file alone is the whole ledger when no command runs."""

import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from conftest import NUMBER, log, on_site, shell, tsms, tsms_json

SECOND = "SH01-2026-00002"


def _steps():
    log()
    tsms("assign", NUMBER, "--to", "张三", "--at", "2026-09-30 08:30")
    tsms("resolve", NUMBER, "--result", "已停止夜间施工", "--at", "2026-09-30 10:30")
    tsms("revisit", NUMBER, "--method", "phone", "--satisfaction", "unsatisfied", "--at", "2026-10-08 10:00")
    log("2026-11-20 09:00")  # open: its accept deadline is running
    photo = Path(__import__("os").environ["TSMS_DB"]).with_name("现场.jpg")
    photo.write_bytes(b"\xff\xd8jpeg" * 50)
    tsms("attach", SECOND, str(photo))


@pytest.fixture
def ledger(env, templates, monkeypatch):
    on_site(templates, env, monkeypatch, "evidence", _steps)
    return env / "ledger.sqlite3"


DROP_CHANGE_TRIGGERS = "".join(f"DROP TRIGGER change_{t}_{op};\n" for t in ("complaint", "revisit", "obligation",
                                                                           "attachment", "setting")
                               for op in ("ins", "upd", "del"))
UNLOCK_EVENTS = "DROP TRIGGER event_append_only_update;\nDROP TRIGGER event_append_only_delete;\n"

# (what the person did, the SQL) — each is caught by check alone
HAND_EDITS = {
    "content edited": "UPDATE complaint SET content = '无事' WHERE number = 'SH01-2026-00001';",
    "contact edited": "UPDATE complaint SET contact = '13900000000' WHERE number = 'SH01-2026-00001';",
    "content edited, triggers dropped first": DROP_CHANGE_TRIGGERS
    + "UPDATE complaint SET content = '无事' WHERE number = 'SH01-2026-00001';",
    "closed by setting status and times": DROP_CHANGE_TRIGGERS
    + "UPDATE complaint SET status = 'closed', accepted_at = received_at, assigned_at = received_at, "
      "resolved_at = received_at, revisited_at = received_at, closed_at = received_at, assignee = '张三', "
      "result = '好', satisfaction = 'satisfied' WHERE number = 'SH01-2026-00002';"
      "UPDATE obligation SET met_at = '2026-11-20 09:00:00.000000' WHERE complaint_id = 2;",
    "satisfaction changed": DROP_CHANGE_TRIGGERS
    + "UPDATE revisit SET satisfaction = 'satisfied'; UPDATE complaint SET satisfaction = 'satisfied' "
      "WHERE number = 'SH01-2026-00001';",
    "open deadline moved to 2099": "UPDATE obligation SET due = '2099-12-31' WHERE met_at IS NULL;",
    "open deadline moved, triggers dropped": DROP_CHANGE_TRIGGERS
    + "UPDATE obligation SET due = '2099-12-31' WHERE met_at IS NULL;",
    "revisit row deleted": "DELETE FROM revisit;",
    "revisit row deleted, triggers dropped": DROP_CHANGE_TRIGGERS + "DELETE FROM revisit;",
    "attachment row deleted": DROP_CHANGE_TRIGGERS + "DELETE FROM attachment;",
    "complaint inserted": DROP_CHANGE_TRIGGERS
    + "INSERT INTO complaint (number, year, seq, project_id, status, channel, category, urgency, content, "
      "received_at, clerk, filled_at) SELECT 'SH01-2026-00003', 2026, 3, project_id, 'closed', channel, category, "
      "urgency, '补录', received_at, clerk, filled_at FROM complaint WHERE id = 1;",
    "setting changed": DROP_CHANGE_TRIGGERS + "UPDATE setting SET value = 'SH09' WHERE key = 'site_code';",
    "an image edited to match an edit": DROP_CHANGE_TRIGGERS
    + "UPDATE complaint SET content = '无事' WHERE id = 1;"
      "UPDATE change SET image = json_set(image, '$.content', '无事') WHERE tbl = 'complaint' AND row_key = 1;",
    "an event edited": UNLOCK_EVENTS + "UPDATE event SET actor = '某人' WHERE action = 'assign';",
    "an event removed": UNLOCK_EVENTS + "DELETE FROM event WHERE action = 'assign';",
    "the last event removed": UNLOCK_EVENTS + "DELETE FROM event WHERE id = (SELECT max(id) FROM event);",
    "the head and the last event removed": UNLOCK_EVENTS
    + "DELETE FROM setting WHERE key = 'event_head';"
      "DELETE FROM event WHERE id = (SELECT max(id) FROM event);",
}


@pytest.mark.parametrize("edit", HAND_EDITS)
def test_check_catches_each_hand_edit(ledger, edit):
    assert tsms("check").exit_code == 0
    shell(ledger, HAND_EDITS[edit])
    r = tsms("check", ok=False)
    assert r.exit_code == 3, r.stdout
    assert r.stdout.strip()


def test_an_attachment_file_and_its_hash_row_replaced(ledger):
    stored = next(Path(f"{ledger}.files").rglob("*"))
    while stored.is_dir():
        stored = next(stored.iterdir())
    forged = b"forged photo"
    import hashlib

    digest = hashlib.sha256(forged).hexdigest()
    target = stored.parent.parent / digest[:2] / digest
    target.parent.mkdir(exist_ok=True)
    target.write_bytes(forged)
    shell(ledger, DROP_CHANGE_TRIGGERS + f"UPDATE attachment SET sha256 = '{digest}', size = {len(forged)};")
    r = tsms("check", ok=False)
    assert r.exit_code == 3 and "附件" in r.stdout


def test_a_later_write_does_not_launder_a_hand_edit(ledger):
    """A tsms write on a row changed by hand records that it found it so; check says so
    for ever after (the hand edit never becomes tsms's own)."""
    shell(ledger, DROP_CHANGE_TRIGGERS + "UPDATE complaint SET contact = '13900000000' WHERE number = 'SH01-2026-00002';")
    tsms("accept", SECOND, "--at", "2026-11-20 10:00")
    r = tsms("check", ok=False)
    assert r.exit_code == 3 and "在 tsms 之外被改动" in r.stdout
    history = tsms("history", SECOND).stdout
    assert history  # the write itself went through


def test_the_last_complaint_removed_with_its_events_and_the_head(ledger, tmp_path):
    """Inside one file a careful rewrite is consistent; the head printed before proves it."""
    head = tsms_json("check")["head"]
    shell(ledger, UNLOCK_EVENTS + DROP_CHANGE_TRIGGERS
          + "DELETE FROM setting WHERE key = 'event_head';"
            "DELETE FROM change WHERE event_id IN (SELECT id FROM event WHERE complaint_id = 2) "
            "OR (tbl = 'complaint' AND row_key = 2);"
            "DELETE FROM attachment; DELETE FROM obligation WHERE complaint_id = 2;"
            "DELETE FROM event WHERE complaint_id = 2; DELETE FROM complaint WHERE id = 2;")
    r = tsms("check", "--head", head, ok=False)
    assert r.exit_code == 3 and "锚" in r.stdout


def test_check_against_a_backup_names_the_first_event_that_differs(ledger, tmp_path):
    backup = tmp_path / "b.sqlite3"
    tsms("backup", backup)
    assert tsms("check", "--against", backup).exit_code == 0
    tsms("accept", SECOND, "--at", "2026-11-20 10:00")
    assert tsms("check", "--against", backup).exit_code == 0  # the ledger extends the backup
    # an event rewritten and every hash after it recomputed: sound inside, not against the backup
    con = sqlite3.connect(ledger)
    rows = con.execute("SELECT id, at, recorded_at, actor, action, complaint_id, details FROM event ORDER BY id").fetchall()
    from tsms.store import changes

    images = con.execute(f"SELECT event_id, {changes.LINE} FROM change WHERE event_id IS NOT NULL "
                         "ORDER BY event_id, id").fetchall()
    con.close()
    from tsms.store import changes
    from tsms.store.integrity import _time

    target = next(r[0] for r in rows if r[4] == "assign")
    statements = [UNLOCK_EVENTS.strip()]
    prev = changes.GENESIS
    for ev_id, at, recorded, actor, action, cid, details in rows:
        if ev_id == target:
            actor = "某人"
        own = [i[1] for i in images if i[0] == ev_id]
        h = changes.chain_hash(prev, _time(at), _time(recorded), actor, action, cid, details, changes.digest(own))
        statements.append(f"UPDATE event SET actor = '{actor}', prev_hash = '{prev}', hash = '{h}' WHERE id = {ev_id};")
        prev = h
    statements.append(f"UPDATE setting SET value = '{rows[-1][0]}:{prev}' WHERE key = 'event_head';")
    shell(ledger, "\n".join(statements))
    assert tsms("check").exit_code == 0  # consistent inside the file
    r = tsms("check", "--against", backup, ok=False)
    assert r.exit_code == 3 and f"事件 {target}" in r.stdout


def test_check_prints_the_head_and_workbooks_record_it(ledger, tmp_path):
    r = tsms_json("check")
    number, _, digest = r["head"].partition(":")
    assert int(number) > 0 and len(digest) == 64
    assert r["head"] in tsms("check").stdout
    book = tmp_path / "2026-10.xlsx"
    tsms("report", "--month", "2026-10", "--xlsx", book)
    assert tsms("check", "--against", book).exit_code == 0


def test_copying_the_file_alone_copies_the_whole_ledger(site, tmp_path):
    """(Attachments live beside the file, in ledger.sqlite3.files/: a ledger without any.)"""
    ledger = site / "ledger.sqlite3"
    for i in range(5):
        log(f"2026-11-1{i} 09:00")
    tsms("assign", NUMBER, "--to", "张三", "--at", "2026-11-10 10:00")
    tsms("resolve", NUMBER, "--result", "好", "--at", "2026-11-10 11:00")
    assert not Path(f"{ledger}-wal").exists() or Path(f"{ledger}-wal").stat().st_size == 0
    copy = tmp_path / "copy.sqlite3"
    shutil.copyfile(ledger, copy)
    assert tsms("--db", copy, "check").exit_code == 0
    assert len(tsms_json("--db", copy, "list", "--limit", "0")) == 5


# ------------------------------------------------------------------ restore and damage


def _damage(path: Path) -> None:
    """Overwrite the tail of every other page after the schema with noise, as a failing
    disk would (the header and the schema page stay: SQLite opens the file)."""
    size = 4096
    pages = path.stat().st_size // size
    with open(path, "r+b") as fh:
        for page in range(2, pages, 2):
            fh.seek(page * size + 2000)
            fh.write(b"\x7f" * 2000)


def test_restore_checks_the_backup_first(ledger, tmp_path):
    backup = tmp_path / "b.sqlite3"
    tsms("backup", backup)
    shell(backup, DROP_CHANGE_TRIGGERS + "UPDATE complaint SET content = '无事' WHERE id = 1;")
    before = ledger.read_bytes()
    r = tsms("restore", backup, "--force", ok=False)
    assert r.exit_code == 3 and "未通过检查" in r.stderr and "--force-unverified" in r.stderr
    assert ledger.read_bytes() == before
    tsms("restore", backup, "--force-unverified")
    assert tsms_json("show", NUMBER)["content"] == "无事"


def test_restore_refuses_a_damaged_backup(ledger, tmp_path):
    backup = tmp_path / "b.sqlite3"
    tsms("backup", backup)
    _damage(backup)
    before = ledger.read_bytes()
    r = tsms("restore", backup, "--force", ok=False)
    assert r.exit_code == 3 and len(r.stderr.strip().splitlines()) == 1
    assert ledger.read_bytes() == before


def test_restore_over_a_ledger_that_moved_on_says_what_it_rolls_back(ledger, tmp_path):
    backup = tmp_path / "b.sqlite3"
    tsms("backup", backup)
    log("2026-11-21 09:00")
    r = tsms("restore", backup, ok=False)
    assert r.exit_code == 2 and "回退账本的 1 个事件" in r.stderr
    tsms("restore", backup, "--force")
    assert len(tsms_json("list", "--limit", "0")) == 2


def test_restore_of_a_backup_that_extends_the_ledger_needs_no_force(ledger, tmp_path):
    old, new = tmp_path / "old.sqlite3", tmp_path / "new.sqlite3"
    tsms("backup", old)
    log("2026-11-21 09:00")
    tsms("backup", new)
    tsms("restore", old, "--force")
    tsms("restore", new)  # nothing of the ledger's is lost
    assert len(tsms_json("list", "--limit", "0")) == 3


def test_a_damaged_ledger_is_reported_not_crashed_on(ledger):
    _damage(ledger)
    r = tsms("check", ok=False)
    assert r.exit_code == 3 and r.stdout.strip() and "Traceback" not in r.stdout + r.stderr
    for args in (["list"], ["overdue", "--as-of", "2026-11-23"], ["log", "--project", "P01", "--category", "dust",
                                                                   "--content", "x", "--at", "2026-11-22 09:00"]):
        r = tsms(*args, ok=False)
        assert r.exit_code == 3, (args, r.exit_code, r.stdout, r.stderr)
        assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


def test_a_writer_killed_inside_its_transaction_leaves_the_ledger_as_before(ledger, tmp_path):
    """The installed command is killed while it holds the write transaction, everything
    written (rows, images, events) but not committed: the ledger is as before the command."""
    import os
    import signal
    import sys
    import time

    before = tsms_json("list", "--limit", "0")
    head = tsms_json("check")["head"]
    marker = tmp_path / "inside"
    exe = Path(sys.executable).parent / "tsms"
    proc = subprocess.Popen([str(exe), "log", "--project", "P01", "--category", "dust", "--content", "扬尘",
                             "--at", "2026-11-22 09:00"], env={**os.environ, "TSMS_PAUSE_INSIDE_WRITE": str(marker)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    assert marker.exists() and proc.poll() is None, proc.communicate()
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert tsms_json("list", "--limit", "0") == before
    assert tsms_json("check")["head"] == head
    assert "SH01-2026-00003" in log("2026-11-22 09:00")


def test_a_backup_says_the_head_it_holds(ledger, tmp_path):
    r = tsms_json("backup", tmp_path / "b.sqlite3")
    assert r["head"] == tsms_json("check")["head"]
    assert r["head"] in tsms("backup", tmp_path / "c.sqlite3").stdout
