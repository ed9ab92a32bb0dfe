"""``tsms check``: is the ledger whole and consistent?

SQLite's own checks (``PRAGMA integrity_check``, ``PRAGMA foreign_key_check``), then the
ledger's invariants: every resolved valid complaint has a revisit deadline, no step before
its predecessor, numbers unique and gap-free per site and year, every complaint has its
``log`` event, open steps match the state, attachments present with the right hash, and the
hash chain of the event table unbroken (an event edited or removed by hand is found).
"""

from __future__ import annotations

import datetime as dt

from tsms.store import engine
from tsms.store.files import file_sha256, stored_path
from tsms.store.unit import GENESIS, chain_hash
from tsms.vocab import t

# (zh, en, SQL returning the numbers that break the rule)
INVARIANTS = [
    ("已处理的有效投诉缺少回访期限", "resolved valid complaint without a revisit deadline",
     "SELECT number FROM complaint c WHERE resolved_at IS NOT NULL AND status != 'rejected' "
     "AND NOT EXISTS (SELECT 1 FROM obligation d WHERE d.complaint_id = c.id AND d.kind = 'revisit')"),
    ("受理早于投诉时间", "accepted before it was received",
     "SELECT number FROM complaint WHERE accepted_at < received_at OR rejected_at < received_at "
     "OR escalated_at < received_at"),
    ("派单早于受理", "assigned before it was accepted",
     "SELECT number FROM complaint WHERE assigned_at < accepted_at"),
    ("处理完毕早于派单", "resolved before it was assigned",
     "SELECT number FROM complaint WHERE status IN ('resolved', 'closed', 'archived') AND resolved_at < assigned_at"),
    ("回访早于处理完毕", "revisited before it was resolved",
     "SELECT number FROM complaint WHERE status IN ('closed', 'archived') AND revisited_at < resolved_at"),
    ("归档早于办结", "archived before it was closed",
     "SELECT number FROM complaint WHERE archived_at < COALESCE(closed_at, rejected_at)"),
    ("状态与时间不符", "status does not match its times",
     "SELECT number FROM complaint WHERE (status IN ('accepted', 'assigned', 'resolved', 'closed', 'archived') "
     "AND accepted_at IS NULL) OR (status IN ('assigned') AND assigned_at IS NULL) "
     "OR (status IN ('resolved', 'closed') AND resolved_at IS NULL) OR (status = 'closed' AND closed_at IS NULL) "
     "OR (status = 'rejected' AND rejected_at IS NULL) OR (status = 'archived' AND archived_at IS NULL)"),
    ("待回访却没有未完成的回访环节", "resolved but no open revisit step",
     "SELECT number FROM complaint c WHERE status = 'resolved' AND NOT EXISTS (SELECT 1 FROM obligation d "
     "WHERE d.complaint_id = c.id AND d.kind = 'revisit' AND d.met_at IS NULL)"),
    ("已登记却没有未完成的受理环节", "received but no open accept step",
     "SELECT number FROM complaint c WHERE status = 'received' AND NOT EXISTS (SELECT 1 FROM obligation d "
     "WHERE d.complaint_id = c.id AND d.kind = 'accept' AND d.met_at IS NULL)"),
    ("环节完成早于起算日", "a step done before it started",
     "SELECT c.number FROM obligation d JOIN complaint c ON c.id = d.complaint_id WHERE d.met_at < d.starts"),
    ("投诉的期限与工程不符", "a complaint's obligation names another project",
     "SELECT c.number FROM obligation d JOIN complaint c ON c.id = d.complaint_id WHERE d.project_id != c.project_id"),
    ("保修单缺少查验期限", "warranty claim without its inspection deadline",
     "SELECT number FROM claim c WHERE NOT EXISTS (SELECT 1 FROM obligation d WHERE d.claim_id = c.id "
     "AND d.kind = 'claim')"),
    ("整改项缺少期限", "rectification without its deadline",
     "SELECT number FROM rectification r WHERE NOT EXISTS (SELECT 1 FROM obligation d "
     "WHERE d.rectification_id = r.id AND d.kind = 'rectification')"),
    ("保修单步骤先后颠倒", "warranty claim steps out of order",
     "SELECT number FROM claim WHERE inspected_at < received_at OR repaired_at < inspected_at "
     "OR accepted_at < repaired_at OR (status = 'accepted' AND accepted_at IS NULL)"),
    ("保修单编号不连续", "warranty claim numbers with gaps",
     "SELECT min(c.number) FROM claim c GROUP BY c.project_id, c.year HAVING count(*) != max(c.seq) OR min(c.seq) != 1"),
    ("整改关闭早于发现", "rectification closed before it was found",
     "SELECT number FROM rectification WHERE closed_at < created_at"),
    ("缺少登记事件", "no log event",
     "SELECT number FROM complaint c WHERE NOT EXISTS (SELECT 1 FROM event e WHERE e.complaint_id = c.id "
     "AND e.action = 'log')"),
]


def check(ledger: engine.Ledger) -> dict:
    """All problems found, as messages; an empty list means the ledger is sound."""
    problems: list[str] = []
    raw = ledger.engine.raw_connection()
    try:
        con = raw.driver_connection
        _sqlite_checks(con, problems)
        if problems:  # a damaged file: the invariants below would only repeat it
            return _result(con, problems)
        _invariants(con, problems)
        _numbers(con, problems)
        _chain(con, problems)
        _attachments(con, ledger, problems)
        return _result(con, problems)
    finally:
        raw.close()


def _result(con, problems: list[str]) -> dict:
    counts = {}
    for table in ("complaint", "event", "attachment"):
        try:
            counts[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        except Exception:
            counts[table] = None
    return {"ok": not problems, "problems": problems, "counts": counts}


def _sqlite_checks(con, problems: list[str]) -> None:
    rows = [r[0] for r in con.execute("PRAGMA integrity_check").fetchall()]
    if rows != ["ok"]:
        problems += [t("SQLite 完整性检查:{r}", "SQLite integrity check: {r}", r=r) for r in rows[:20]]
    for table, rowid, parent, _ in con.execute("PRAGMA foreign_key_check").fetchall()[:20]:
        problems.append(t("{t} 第 {r} 行引用了不存在的 {p}", "{t} row {r} refers to a missing {p}",
                          t=table, r=rowid, p=parent))


def _invariants(con, problems: list[str]) -> None:
    for zh, en, sql in INVARIANTS:
        numbers = [r[0] for r in con.execute(sql + " LIMIT 21").fetchall()]
        if numbers:
            more = "…" if len(numbers) > 20 else ""
            problems.append(f"{t(zh, en)}: {', '.join(numbers[:20])}{more}")


def _numbers(con, problems: list[str]) -> None:
    row = con.execute("SELECT value FROM setting WHERE key = 'site_code'").fetchone()
    if row is None:
        problems.append(t("账本没有工地代码", "the ledger has no site code"))
        return
    site = row[0]
    for year, count, low, high in con.execute(
        "SELECT year, count(*), min(seq), max(seq) FROM complaint GROUP BY year"
    ):
        if low != 1 or high != count:
            problems.append(t("{y} 年的编号不连续:{n} 件,序号 {a}–{b}", "numbers of {y} have gaps: {n} complaints, {a} to {b}",
                              y=year, n=count, a=low, b=high))
    bad = [r[0] for r in con.execute(
        "SELECT number FROM complaint WHERE number != ? || '-' || year || '-' || printf('%05d', seq) LIMIT 20",
        (site,),
    )]
    if bad:
        problems.append(t("编号与工地/年份/序号不符:{n}", "numbers that do not match site, year and sequence: {n}",
                          n=", ".join(bad)))


def _chain(con, problems: list[str]) -> None:
    prev, last_id = GENESIS, 0
    broken = []
    for ev_id, at, recorded, actor, action, complaint_id, details, prev_hash, stored in con.execute(
        "SELECT id, at, recorded_at, actor, action, complaint_id, details, prev_hash, hash FROM event ORDER BY id"
    ):
        if prev_hash != prev:
            broken.append(t("事件 {i} 之前的事件被删除或改动", "an event before event {i} was removed or changed", i=ev_id))
        if chain_hash(prev_hash, _time(at), _time(recorded), actor, action, complaint_id, details) != stored:
            broken.append(t("事件 {i} 被改动过", "event {i} was changed", i=ev_id))
        prev, last_id = stored, ev_id
        if len(broken) > 20:
            break
    head = con.execute("SELECT value FROM setting WHERE key = 'event_head'").fetchone()
    if head is not None and head[0] != f"{last_id}:{prev}" and not broken:
        broken.append(t("事件链末尾的事件被删除", "events were removed from the end of the chain"))
    problems += broken


def _time(value: str) -> dt.datetime:
    """SQLite keeps '2026-09-29 23:10:00.000000'; the hash is over the datetime it stands for."""
    return dt.datetime.fromisoformat(value)


def _attachments(con, ledger: engine.Ledger, problems: list[str]) -> None:
    for subject, name, sha in con.execute("SELECT subject, name, sha256 FROM attachment ORDER BY id"):
        path = stored_path(ledger.path, sha)
        if not path.exists():
            problems.append(t("{s} 的附件 {n} 不见了", "attachment {n} of {s} is missing", s=subject, n=name))
        elif file_sha256(path) != sha:
            problems.append(t("{s} 的附件 {n} 内容被改动", "attachment {n} of {s} has changed", s=subject, n=name))
