"""``tsms check``: is the ledger whole and consistent?

SQLite's own checks (``PRAGMA integrity_check``, ``PRAGMA foreign_key_check``), then the
ledger's invariants: every resolved valid complaint has a revisit deadline, no step before
its predecessor, numbers unique and gap-free per site and year, every complaint has its
``log`` event, open steps match the state, attachments present with the right hash, and the
hash chain of the event table unbroken (an event edited or removed by hand is found).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from pathlib import Path

from tsms.store import changes, engine
from tsms.store.files import file_sha256, stored_path
from tsms.store.changes import GENESIS, chain_hash
from tsms.errors import TsmsError
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
    ("作废的投诉仍有未完成的环节", "a voided complaint with an open step",
     "SELECT c.number FROM obligation d JOIN complaint c ON c.id = d.complaint_id "
     "WHERE c.status = 'void' AND d.met_at IS NULL"),
    ("作废与作废时间、原因不符", "void without its time and reason, or a time and reason without void",
     "SELECT number FROM complaint WHERE (status = 'void') != (voided_at IS NOT NULL AND void_reason IS NOT NULL)"),
    ("缺少登记事件", "no log event",
     "SELECT number FROM complaint c WHERE NOT EXISTS (SELECT 1 FROM event e WHERE e.complaint_id = c.id "
     "AND e.action = 'log')"),
]


def check(ledger: engine.Ledger, anchor: str | None = None, files_of: Path | None = None,
          attachments: bool = True) -> dict:
    """All problems found, as messages; an empty list means the ledger is sound. ``anchor``
    (``N:HASH``, a backup or a monthly workbook) is a head recorded outside the file: the
    ledger must still extend it. ``files_of``: the ledger whose attachment store to look in
    (a backup being verified before restore: its own files); ``attachments`` False leaves the
    files out (a head-office bundle made without them)."""
    known = read_anchor(anchor) if anchor else None
    problems: list[str] = []
    try:
        raw = ledger.engine.raw_connection()
    except Exception as exc:  # SQLite could not even set the connection up: the file is damaged
        inner = getattr(exc, "orig", None) or exc
        return {"ok": False, "problems": [t("SQLite 无法打开账本:{e}", "SQLite cannot open the ledger: {e}", e=inner)],
                "counts": {}, "head": None}
    try:
        con = raw.driver_connection
        try:
            if _sqlite_checks(con, problems):  # a damaged file: what follows would only repeat it
                return _result(con, problems)
            _invariants(con, problems)
            _numbers(con, problems)
            head = _chain(con, problems)
            if known is not None:
                _against(con, known, problems)
            _derived(con, problems)
        except sqlite3.DatabaseError as exc:  # damage integrity_check did not reach
            problems.append(t("SQLite 读取账本时出错:{e}", "SQLite failed reading the ledger: {e}", e=exc))
            return _result(con, problems)
        if attachments:
            _attachments(con, files_of or ledger.path, problems)
        return {**_result(con, problems), "head": head}
    finally:
        raw.close()


def _result(con, problems: list[str]) -> dict:
    counts = {}
    for table in ("complaint", "event", "attachment"):
        try:
            counts[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        except Exception:
            counts[table] = None
    return {"ok": not problems, "problems": problems, "counts": counts, "head": None}


def _sqlite_checks(con, problems: list[str]) -> bool:
    """SQLite's own checks; True when the file itself is damaged."""
    rows = [r[0] for r in con.execute("PRAGMA integrity_check").fetchall()]
    if rows != ["ok"]:
        problems += [t("SQLite 完整性检查:{r}", "SQLite integrity check: {r}", r=r) for r in rows[:20]]
        return True
    for table, rowid, parent, _ in con.execute("PRAGMA foreign_key_check").fetchall()[:20]:
        if table == "change":  # the chain check says which event is missing
            continue
        problems.append(t("{t} 第 {r} 行引用了不存在的 {p}", "{t} row {r} refers to a missing {p}",
                          t=table, r=rowid, p=parent))
    return False


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


def _chain(con, problems: list[str]) -> str:
    """Every event's hash over the previous one, its content and the images of what it
    changed; the stored head. Returns the head as ``N:HASH``."""
    prev, last_id = GENESIS, 0
    broken = []
    images = con.execute(f"SELECT event_id, {changes.LINE} FROM change WHERE event_id IS NOT NULL "
                         "ORDER BY event_id, id")
    pending = next(images, None)
    for ev_id, at, recorded, actor, action, complaint_id, details, prev_hash, stored in con.execute(
        "SELECT id, at, recorded_at, actor, action, complaint_id, details, prev_hash, hash FROM event ORDER BY id"
    ):
        own = changes.Digest()  # streamed: a migration's event may hold millions of images
        while pending is not None and pending[0] <= ev_id:
            if pending[0] == ev_id:
                own.add(pending[1])
            else:
                broken.append(t("第 {i} 个事件的改动记录没有对应的事件", "changes recorded for event {i}, which does not exist",
                                i=pending[0]))
            pending = next(images, None)
        if prev_hash != prev:
            broken.append(t("事件 {i} 之前的事件被删除或改动", "an event before event {i} was removed or changed", i=ev_id))
        if chain_hash(prev_hash, _time(at), _time(recorded), actor, action, complaint_id, details,
                      own.hexdigest()) != stored:
            broken.append(t("事件 {i} 或它记录的改动被改动过", "event {i} or the changes it records were altered", i=ev_id))
        prev, last_id = stored, ev_id
        if len(broken) > 20:
            break
    if pending is not None and len(broken) <= 20:
        broken.append(t("第 {i} 个事件的改动记录没有对应的事件", "changes recorded for event {i}, which does not exist",
                        i=pending[0]))
    head = con.execute("SELECT value FROM setting WHERE key = 'event_head'").fetchone()
    if last_id and head is None and not broken:
        broken.append(t("账本记录的事件链末尾不见了", "the ledger's record of the chain's head is missing"))
    if head is not None and head[0] != f"{last_id}:{prev}" and not broken:
        broken.append(t("事件链末尾的事件被删除", "events were removed from the end of the chain"))
    problems += broken
    return f"{last_id}:{prev}"


def _time(value: str):
    """SQLite keeps '2026-09-29 23:10:00.000000'; the hash is over str() of the datetime
    it stands for (no fraction when it is zero)."""
    if len(value) == 26 and value.endswith(".000000") and value[10] == " ":
        return value[:19]
    return str(dt.datetime.fromisoformat(value))


def read_anchor(spec: str) -> list[tuple[int, str]]:
    """A head recorded outside the ledger, as the (event id, hash) pairs it vouches for:
    ``N:HASH`` (printed by ``tsms check``), a backup (every event it holds) or a monthly
    workbook (the head it was made at)."""
    text = spec.strip()
    match = _HEAD.fullmatch(text)
    if match:
        return [(int(match[1]), match[2])]
    path = Path(text).expanduser()
    if not path.is_file():
        raise TsmsError(t("--against {p}:不是 N:哈希,也找不到这个文件(接受 tsms check 打印的 N:哈希、备份或月报工作簿)",
                          "--against {p}: not N:HASH and no such file (give the N:HASH tsms check prints, a backup "
                          "or a monthly workbook)", p=spec))
    with open(path, "rb") as fh:
        magic = fh.read(16)
    if magic.startswith(b"SQLite format 3"):
        try:
            con = sqlite3.connect(engine.file_uri(path), uri=True)
            try:
                return con.execute("SELECT id, hash FROM event ORDER BY id").fetchall()
            finally:
                con.close()
        except sqlite3.DatabaseError as exc:
            raise TsmsError(t("备份 {p} 无法读取:{e}", "the backup {p} cannot be read: {e}", p=path, e=exc)) from None
    if magic.startswith(b"PK"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(path, read_only=True)
            description = wb.properties.description or ""
            wb.close()
        except Exception as exc:  # not a workbook after all
            raise TsmsError(t("{p} 不是可读的工作簿:{e}", "{p} is not a readable workbook: {e}", p=path, e=exc)) from None
        match = _HEAD.search(description)
        if match:
            return [(int(match[1]), match[2])]
        raise TsmsError(t("工作簿 {p} 没有记录账本事件链末尾(不是 tsms 月报)", "the workbook {p} records no ledger head "
                          "(not a tsms monthly workbook)", p=path))
    raise TsmsError(t("{p} 既不是备份也不是工作簿", "{p} is neither a backup nor a workbook", p=path))


_HEAD = re.compile(r"(\d+):([0-9a-f]{64})")


def _against(con, known: list[tuple[int, str]], problems: list[str]) -> None:
    """The ledger still extends the anchored head: the events the anchor vouches for are
    there with the same hashes. Names the first one that differs."""
    if not known:
        return
    if len(known) == 1:  # a head N:HASH (printed by check, kept by a workbook): event N itself
        ev_id, digest = known[0]
        row = con.execute("SELECT hash FROM event WHERE id = ?", (ev_id,)).fetchone()
        if row is None:
            problems.append(t("锚定的事件链末尾是事件 {i},账本里没有这个事件:之后的事件被删除",
                              "the anchored head is event {i}, which the ledger no longer has: events were removed",
                              i=ev_id))
        elif row[0] != digest:
            problems.append(t("事件 {i} 与锚定的事件链末尾不同:它或它之前的事件被改写",
                              "event {i} differs from the anchored head: it or an event before it was rewritten",
                              i=ev_id))
        return
    rows = con.execute("SELECT id, hash FROM event WHERE id <= ? ORDER BY id", (known[-1][0],))
    for (ev_id, digest), row in zip(known, rows):
        if row != (ev_id, digest):
            problems.append(t("事件 {i} 与锚(备份)不同:账本不再延续那份备份", "event {i} differs from the anchor "
                              "(the backup): the ledger no longer extends it", i=ev_id))
            return
    count = con.execute("SELECT count(*) FROM event WHERE id <= ?", (known[-1][0],)).fetchone()[0]
    if count < len(known):
        problems.append(t("锚(备份)有 {n} 个事件,账本只剩 {m} 个:事件 {i} 之后的被删除",
                          "the anchor (the backup) holds {n} events, the ledger {m}: the events after {i} were removed",
                          n=len(known), m=count, i=known[count - 1][0] if count else 0))


# what a table's rows are called in a finding, and how a row is named
ROW_NAMES = {
    "complaint": ("投诉", "complaint", "SELECT number FROM complaint WHERE id = ?"),
    "claim": ("保修单", "warranty claim", "SELECT number FROM claim WHERE id = ?"),
    "rectification": ("整改项", "rectification", "SELECT number FROM rectification WHERE id = ?"),
    "project": ("工程", "project", "SELECT code FROM project WHERE id = ?"),
    "obligation": ("期限", "obligation", None),
    "revisit": ("回访记录", "revisit record", None),
    "attachment": ("附件", "attachment", None),
    "setting": ("设置", "setting", None),
    "staff": ("人员", "staff member", None),
    "plan": ("年度回访计划", "plan", None),
    "plan_item": ("回访计划项", "plan item", None),
}


def _row_name(con, table: str, key) -> str:
    zh, en, sql = ROW_NAMES.get(table, (table, table, None))
    name = key
    if sql is not None:
        row = con.execute(sql, (key,)).fetchone()
        name = row[0] if row else key
    return t("{z} {k}", "{e} {k}", z=zh, e=en, k=name)


def _derived(con, problems: list[str]) -> None:
    """Re-derive the state: every row of every tracked table is the last image the events
    hold of it, every image names a row that exists, no change waits outside an event, and
    no write found a row changed outside tsms."""
    found: list[str] = []
    for table in changes.TRACKED:
        cols = changes.columns(con.execute, table)
        if not cols:
            continue
        key, image = changes.key_expr(table), changes.image_expr(cols)
        where = f" AND {table}.key IS NOT '{changes.UNTRACKED_SETTING}'" if table == "setting" else ""
        # driven from the images (grouped by row in the index's order), each row looked up by
        # its key; then the rows no image names
        logged = (f"SELECT row_key, image, max(id) FROM change WHERE tbl = '{table}' AND event_id IS NOT NULL "
                  f"GROUP BY row_key")
        differ = con.execute(
            f"SELECT l.row_key, l.image IS NULL, json_extract(l.image, '$.number') FROM ({logged}) l "
            f"WHERE l.image IS NOT (SELECT {image} FROM {table} WHERE {key} = l.row_key) LIMIT 21").fetchall()
        zh, en, _ = ROW_NAMES.get(table, (table, table, None))
        for k, deleted_in_log, number in differ:
            if deleted_in_log:
                found.append(t("{r} 不是由 tsms 写入的(事件记录它已删除)", "{r} was not written by tsms (the events say it was deleted)",
                               r=_row_name(con, table, k)))
            elif con.execute(f"SELECT 1 FROM {table} WHERE {key} = ?", (k,)).fetchone() is None:
                found.append(t("{z} {k} 被删除(事件里有它)", "{e} {k} was deleted (the events hold it)",
                               z=zh, e=en, k=number or k))
            else:
                found.append(t("{r} 与事件记录不符(在 tsms 之外被改动)", "{r} differs from what the events say (changed outside tsms)",
                               r=_row_name(con, table, k)))
        qualified = changes.key_expr(table, f"{table}.")
        unlogged = con.execute(
            f"SELECT {qualified} FROM {table} WHERE NOT EXISTS (SELECT 1 FROM change c WHERE c.tbl = '{table}' "
            f"AND c.row_key = +({qualified}) AND c.event_id IS NOT NULL){where} LIMIT 21").fetchall()
        for (k,) in unlogged:
            found.append(t("{r} 不是由 tsms 写入的(事件里没有它)", "{r} was not written by tsms (no event holds it)",
                           r=_row_name(con, table, k)))
    loose = con.execute("SELECT tbl, row_key FROM change WHERE event_id IS NULL ORDER BY id LIMIT 21").fetchall()
    for table, k in loose:
        found.append(t("{r} 在 tsms 之外被改动(有改动、无事件)", "{r} was changed outside tsms (a change with no event)",
                       r=_row_name(con, table, k)))
    for ev_id, details in con.execute("SELECT id, details FROM event WHERE action = 'outside_edit' ORDER BY id"):
        for row in json.loads(details).get("rows", [])[:20]:
            found.append(t("事件 {i}:写入时发现 {r} 曾在 tsms 之外被改动", "event {i}: a write found {r} changed outside tsms",
                           i=ev_id, r=_row_name(con, row["table"], row["row"])))
    if len(found) > 40:
        found = found[:40] + [t("……还有更多", "… and more")]
    problems += found


def _attachments(con, ledger_path: Path, problems: list[str]) -> None:
    for subject, name, sha in con.execute("SELECT subject, name, sha256 FROM attachment ORDER BY id"):
        path = stored_path(ledger_path, sha)
        if not path.exists():
            problems.append(t("{s} 的附件 {n} 不见了", "attachment {n} of {s} is missing", s=subject, n=name))
        elif file_sha256(path) != sha:
            problems.append(t("{s} 的附件 {n} 内容被改动", "attachment {n} of {s} has changed", s=subject, n=name))
