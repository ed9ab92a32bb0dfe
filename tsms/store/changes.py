"""What every event changed: the ledger's state as something the log derives.

Triggers on every table that holds state write an image of each row a statement touches
(the whole row as JSON; NULL for a deleted row) into ``change``. When a write transaction
ends (:func:`seal`), those images are given to the events the command recorded — each
event takes the images written before it, the last one what came after — and every event's
hash covers its images. ``tsms check`` then re-derives the state: for every row of every
tracked table, the last image the events hold must be the row as it is (beancount's idea:
the state is derived, and deriving it again is the check).

What this catches: a row edited, inserted or deleted with the sqlite3 shell (the triggers
record it with no event, or — triggers dropped — the row no longer matches its image), an
image edited (the event's hash breaks). A tsms write that finds a row changed outside
tsms records that in its own ``outside_edit`` event before carrying on, so a later write
never makes a hand edit look like tsms's own. What a file cannot prove alone (the events
*and* every hash after them rewritten) is caught by the head anchored outside the file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

# table → (key column, columns left out of the image). The calendar cache's data is derived
# from the holidays package and re-derived by writes; the confirmation note is the user's.
TRACKED: dict[str, tuple[str, tuple[str, ...]]] = {
    "setting": ("key", ()),
    "project": ("id", ()),
    "staff": ("id", ()),
    "region": ("code", ()),
    "complaint": ("id", ()),
    "obligation": ("id", ()),
    "revisit": ("id", ()),
    "attachment": ("id", ()),
    "calendarday": ("day", ()),
    "calendaryear": ("year", ("package", "data")),
    "warranty_item": ("id", ()),
    "claim": ("id", ()),
    "rectification": ("id", ()),
    "quality_revisit": ("id", ()),
    "plan": ("year", ()),
    "plan_item": ("id", ()),
    "plan_amendment": ("{p}year || '-' || {p}number", ()),
}
# the chain's head is kept in a setting by every event: not state the events derive
UNTRACKED_SETTING = "event_head"

DDL = """
CREATE TABLE change (
    id INTEGER PRIMARY KEY, event_id INTEGER REFERENCES event (id), tbl VARCHAR NOT NULL,
    row_key NOT NULL, image VARCHAR, before VARCHAR);
CREATE INDEX ix_change_row ON change (tbl, row_key, id);
CREATE INDEX ix_change_event ON change (event_id);
CREATE TABLE tracked_table (tbl VARCHAR PRIMARY KEY, columns VARCHAR NOT NULL);
"""

_TIME = "%Y-%m-%d %H:%M:%S.%f"
# json.dumps(…, ensure_ascii=False), built once (json.dumps builds an encoder per call for
# any non-default option: a third of check's time on a big ledger)
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode

GENESIS = "0" * 64


def chain_hash(prev_hash: str, at, recorded_at, who: str, action: str, complaint_id: int | None,
               details: str, changes: str = "") -> str:
    """sha256 over the previous hash, an event's content and the digest of the row images
    it changed (store.changes.digest; events from before images were kept have none):
    editing or removing an event, or what it changed, breaks every hash after it. Times are
    hashed as ``str(datetime)``; ``check`` reads them back from SQLite's text and passes
    datetimes too."""
    fields = [prev_hash, str(at), str(recorded_at), who, action, complaint_id, details]
    if changes:
        fields.append(changes)
    return hashlib.sha256(_ENCODE(fields).encode()).hexdigest()


def columns(run, table: str) -> list[str]:
    skip = TRACKED[table][1]
    return [row[1] for row in run(f"PRAGMA table_info({table})").fetchall() if row[1] not in skip]


def key_expr(table: str, prefix: str = "") -> str:
    key = TRACKED[table][0]
    return key.format(p=prefix) if "{p}" in key else f"{prefix}{key}"


def image_expr(cols: list[str], prefix: str = "") -> str:
    """The row as JSON, the same text from a trigger (prefix NEW./OLD.) and from a query."""
    return "json_object(" + ", ".join(f"'{c}', {prefix}{c}" for c in cols) + ")"


def install(run, now: dt.datetime, reason: str, floor: int) -> None:
    """(Re)create the triggers after a migration and record an image of every row of each
    table whose columns changed (all of them the first time), sealed into one event with
    whatever the migration itself changed (the changes after ``floor``): the state the
    ledger held when it was upgraded is where the log starts."""
    known = dict(run("SELECT tbl, columns FROM tracked_table").fetchall())
    existing = {r[0] for r in run("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()}
    for table in TRACKED:
        if table not in existing:
            continue
        cols = columns(run, table)
        for op in ("ins", "upd", "del"):
            run(f"DROP TRIGGER IF EXISTS change_{table}_{op}")
        new_key, old_key = key_expr(table, "NEW."), key_expr(table, "OLD.")
        new_img, old_img = image_expr(cols, "NEW."), image_expr(cols, "OLD.")
        when_new = f" WHEN NEW.key IS NOT '{UNTRACKED_SETTING}'" if table == "setting" else ""
        when_old = f" WHEN OLD.key IS NOT '{UNTRACKED_SETTING}'" if table == "setting" else ""
        run(f"CREATE TRIGGER change_{table}_ins AFTER INSERT ON {table}{when_new} BEGIN "
            f"INSERT INTO change (tbl, row_key, image) VALUES ('{table}', {new_key}, {new_img}); END")
        also = f"NEW.key IS NOT '{UNTRACKED_SETTING}' AND " if table == "setting" else ""
        run(f"CREATE TRIGGER change_{table}_upd AFTER UPDATE ON {table} "
            f"WHEN {also}({new_img} IS NOT {old_img} OR {new_key} IS NOT {old_key}) BEGIN "
            f"INSERT INTO change (tbl, row_key, image, before) SELECT '{table}', {old_key}, NULL, {old_img} "
            f"WHERE {new_key} IS NOT {old_key}; "
            f"INSERT INTO change (tbl, row_key, image, before) VALUES ('{table}', {new_key}, {new_img}, {old_img}); END")
        run(f"CREATE TRIGGER change_{table}_del AFTER DELETE ON {table}{when_old} BEGIN "
            f"INSERT INTO change (tbl, row_key, image, before) VALUES ('{table}', {old_key}, NULL, {old_img}); END")
        signature = ",".join(cols)
        if known.get(table) != signature:
            where = f" WHERE key IS NOT '{UNTRACKED_SETTING}'" if table == "setting" else ""
            # a table imaged before: each row's new image starts from its image under the old
            # columns (when they are all still there), so that a row the log holds is not taken
            # for one changed outside tsms, and one that was still is
            old = known[table].split(",") if known.get(table) else None
            before = image_expr(old) if old and set(old) <= set(cols) else "NULL"
            if old and before == "NULL":  # a column gone: the row as the log last held it
                before = (f"(SELECT c.image FROM change c WHERE c.tbl = '{table}' AND c.row_key = "
                          f"+({key_expr(table, f'{table}.')}) AND c.event_id IS NOT NULL ORDER BY c.id DESC LIMIT 1)")
            run(f"INSERT INTO change (tbl, row_key, image, before) SELECT '{table}', {key_expr(table)}, "
                f"{image_expr(cols)}, {before} FROM {table}{where}")
            run("INSERT OR REPLACE INTO tracked_table VALUES (?, ?)", (table, signature))
    seal(run, [{"at": now, "recorded_at": now, "actor": "tsms", "action": "migrate", "complaint_id": None,
                "details": {"migration": reason}, "upto": None}], floor, now)


def head(run) -> str | None:
    """The chain's head, ``N:HASH`` (event count and last hash), or None before any event."""
    row = run("SELECT id, hash FROM event ORDER BY id DESC LIMIT 1").fetchone()
    return f"{row[0]}:{row[1]}" if row else None


def high_water(run) -> int:
    return run("SELECT coalesce(max(id), 0) FROM change").fetchone()[0]


# one change as the text an event's hash covers: table, key (SQL-quoted), image (JSON, or
# empty for a deleted row); built by SQLite for the writer and for check alike
LINE = "tbl || char(31) || quote(row_key) || char(31) || coalesce(image, '')"


class Digest:
    """What an event's hash covers of its changes (:data:`LINE` of each, in order), fed one
    line at a time: "" for none, so the events written before changes were kept hash as
    they always did."""

    def __init__(self):
        self._h, self._n = hashlib.sha256(), 0

    def add(self, line: str) -> None:
        self._h.update(line.encode())
        self._h.update(b"\x1e")
        self._n += 1

    def hexdigest(self) -> str:
        return self._h.hexdigest() if self._n else ""


def digest(lines) -> str:
    """:class:`Digest` of ``lines``."""
    d = Digest()
    for line in lines:
        d.add(line)
    return d.hexdigest()


def seal(run, events: list[dict], floor: int, recorded_at: dt.datetime) -> list[int]:
    """Write the transaction's events (in order) and give each the changes made since the
    previous one (``upto``: the last change id when the event was recorded; the last event
    also takes everything after). Changes with ids up to ``floor`` were there before the
    transaction began and are left alone. A row whose first change in the transaction
    starts from a state the log does not hold was changed outside tsms: an ``outside_edit``
    event says so first. Returns the new events' ids. The work is done by SQLite and the
    images are streamed, so imaging a big ledger (a migration) holds none of them in memory."""
    # every change after ``floor`` is this transaction's: found by rowid (NOT INDEXED keeps
    # SQLite from walking a whole index of a big ledger's images instead)
    tables = [r[0] for r in run("SELECT DISTINCT tbl FROM change NOT INDEXED WHERE id > ?", (floor,))]
    if tables and not events:
        events = [{"at": recorded_at, "recorded_at": recorded_at, "actor": "tsms", "action": "housekeeping",
                   "complaint_id": None, "details": {"tables": sorted(tables)}, "upto": None}]
    outside = _outside(run, floor) if tables else []
    if outside:
        events = [{"at": recorded_at, "recorded_at": recorded_at, "actor": events[0]["actor"] if events else "tsms",
                   "action": "outside_edit", "complaint_id": None, "details": {"rows": outside}, "upto": floor}] + events
    prev = run("SELECT hash FROM event ORDER BY id DESC LIMIT 1").fetchone()
    prev_hash = prev[0] if prev else GENESIS
    ids, lo = [], floor
    for i, ev in enumerate(events):
        # event k takes (upto of k-1, upto of k]; the last one the rest
        hi = None if i == len(events) - 1 or ev["upto"] is None else max(ev["upto"], lo)
        span, args = ("id > ?", (lo,)) if hi is None else ("id > ? AND id <= ?", (lo, hi))
        empty = hi is not None and hi <= lo  # nothing changed since the previous event (many events at once)
        if tables and not empty:  # a row changed twice by one event keeps its last image
            run(f"DELETE FROM change WHERE {span} AND id NOT IN (SELECT max(id) FROM change NOT INDEXED "
                f"WHERE {span} GROUP BY tbl, row_key)", args + args)
        if tables and not empty:
            lines = run(f"SELECT {LINE} FROM change NOT INDEXED WHERE {span} ORDER BY id", args)
            digest_ = digest(line for (line,) in lines)
        else:
            digest_ = ""
        body = json.dumps(ev["details"] or {}, ensure_ascii=False, sort_keys=True, default=str)
        at, recorded = ev["at"], ev["recorded_at"]
        h = chain_hash(prev_hash, at, recorded, ev["actor"], ev["action"], ev["complaint_id"], body, digest_)
        cur = run("INSERT INTO event (at, recorded_at, actor, action, complaint_id, details, prev_hash, hash) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                  (at.strftime(_TIME), recorded.strftime(_TIME), ev["actor"], ev["action"], ev["complaint_id"], body,
                   prev_hash, h))
        event_id = cur.lastrowid
        if digest_:
            run(f"UPDATE change SET event_id = ?, before = NULL WHERE {span}", (event_id,) + args)
        ids.append(event_id)
        prev_hash = h
        lo = hi if hi is not None else lo
    if ids:
        run("INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)", (UNTRACKED_SETTING, f"{ids[-1]}:{prev_hash}"))
    return ids


def _outside(run, floor: int) -> list[dict]:
    """Rows whose state before this transaction (the ``before`` of their first change in it)
    is not the last image the log holds."""
    rows = run(
        "SELECT p.tbl, p.row_key, p.before, (SELECT s.image FROM change s WHERE s.tbl = p.tbl AND s.row_key = p.row_key "
        "AND s.event_id IS NOT NULL ORDER BY s.id DESC LIMIT 1) AS logged FROM change p NOT INDEXED "
        "WHERE p.id > ? AND p.id = (SELECT min(q.id) FROM change q WHERE q.tbl = p.tbl "
        "AND q.row_key = p.row_key AND q.event_id IS NULL AND q.id > ?) AND logged IS NOT p.before LIMIT 1000",
        (floor, floor)).fetchall()
    return [{"table": table, "row": key, "logged": logged, "found": before} for table, key, before, logged in rows]
