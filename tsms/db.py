"""Opening the ledger: where it is, SQLite settings, migrations, write transactions.

SQLite for a person and a cron job at once: WAL, ``synchronous=FULL`` (a ledger writes
rarely and must not lose a commit), a busy timeout, and ``BEGIN IMMEDIATE`` for every
write (SQLAlchemy's documented recipe for the pysqlite driver: take over BEGIN from the
driver so that the write lock is taken at the start of the transaction).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.exc import OperationalError, DatabaseError
from sqlmodel import Session

from tsms.errors import LEDGER_UNUSABLE, TsmsError
from tsms.vocab import t

BUSY_TIMEOUT_MS = 30_000

# Each step runs in its own transaction and is recorded in PRAGMA user_version and in the
# schema_migration table. Never edit a released step: add a new one.
MIGRATIONS: list[tuple[str, str]] = [
    (
        "v1: core ledger",
        """
CREATE TABLE setting (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
CREATE TABLE project (
    id INTEGER PRIMARY KEY, code VARCHAR NOT NULL UNIQUE, name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL, address VARCHAR, client VARCHAR, manager VARCHAR, phone VARCHAR,
    region VARCHAR, completed_on DATE, design_life INTEGER NOT NULL DEFAULT 50,
    created_at DATETIME NOT NULL);
CREATE TABLE staff (
    id INTEGER PRIMARY KEY, name VARCHAR NOT NULL UNIQUE, dept VARCHAR NOT NULL,
    role VARCHAR NOT NULL, phone VARCHAR, project_id INTEGER REFERENCES project (id),
    created_at DATETIME NOT NULL);
CREATE TABLE complaint (
    id INTEGER PRIMARY KEY, number VARCHAR NOT NULL UNIQUE, year INTEGER NOT NULL,
    seq INTEGER NOT NULL, project_id INTEGER NOT NULL REFERENCES project (id),
    status VARCHAR NOT NULL, channel VARCHAR NOT NULL, category VARCHAR NOT NULL,
    urgency VARCHAR NOT NULL, serious BOOLEAN NOT NULL DEFAULT 0,
    night_time BOOLEAN NOT NULL DEFAULT 0, complainant_org VARCHAR, complainant VARCHAR,
    contact VARCHAR, address VARCHAR, content VARCHAR NOT NULL, note VARCHAR,
    received_at DATETIME NOT NULL, occurred_at DATETIME, clerk VARCHAR NOT NULL,
    filled_at DATETIME NOT NULL, accept_dept VARCHAR, accept_person VARCHAR,
    accept_opinion VARCHAR, accepted_at DATETIME, reject_reason VARCHAR,
    reject_advice VARCHAR, rejected_at DATETIME, department VARCHAR, assignee VARCHAR, handling_opinion VARCHAR,
    assigned_at DATETIME, result VARCHAR, resolved_at DATETIME, dept_head VARCHAR,
    escalated_at DATETIME, escalated_to VARCHAR, replied_at DATETIME, reply_text VARCHAR,
    revisited_at DATETIME, satisfaction VARCHAR, closed_at DATETIME, archived_at DATETIME,
    reopened INTEGER NOT NULL DEFAULT 0,
    UNIQUE (year, seq));
CREATE INDEX ix_complaint_status ON complaint (status);
CREATE INDEX ix_complaint_project ON complaint (project_id);
CREATE INDEX ix_complaint_received ON complaint (received_at);
CREATE TABLE revisit (
    id INTEGER PRIMARY KEY, complaint_id INTEGER NOT NULL REFERENCES complaint (id),
    at DATETIME NOT NULL, method VARCHAR NOT NULL, satisfaction VARCHAR NOT NULL,
    visitor VARCHAR NOT NULL, person_met VARCHAR, note VARCHAR, due DATE);
CREATE INDEX ix_revisit_complaint ON revisit (complaint_id);
CREATE TABLE deadline (
    id INTEGER PRIMARY KEY, complaint_id INTEGER NOT NULL REFERENCES complaint (id),
    kind VARCHAR NOT NULL, starts DATE NOT NULL, due DATE NOT NULL,
    provisional BOOLEAN NOT NULL DEFAULT 0, done_at DATETIME);
CREATE INDEX ix_deadline_complaint ON deadline (complaint_id);
CREATE INDEX ix_deadline_open_due ON deadline (due) WHERE done_at IS NULL;
CREATE TABLE event (
    id INTEGER PRIMARY KEY, at DATETIME NOT NULL, recorded_at DATETIME NOT NULL,
    actor VARCHAR NOT NULL, action VARCHAR NOT NULL,
    complaint_id INTEGER REFERENCES complaint (id), details VARCHAR NOT NULL,
    prev_hash VARCHAR NOT NULL, hash VARCHAR NOT NULL);
CREATE INDEX ix_event_complaint ON event (complaint_id);
CREATE TRIGGER event_append_only_update BEFORE UPDATE ON event
    BEGIN SELECT RAISE(ABORT, 'the event table is append-only'); END;
CREATE TRIGGER event_append_only_delete BEFORE DELETE ON event
    BEGIN SELECT RAISE(ABORT, 'the event table is append-only'); END;
CREATE TABLE calendarday (day DATE PRIMARY KEY, working BOOLEAN NOT NULL, note VARCHAR NOT NULL);
CREATE TABLE calendaryear (year INTEGER PRIMARY KEY, confirmed_note VARCHAR, package VARCHAR, data VARCHAR);
""",
    ),
    (
        "v2: attachments, list by status in date order",
        """
CREATE TABLE attachment (
    id INTEGER PRIMARY KEY, complaint_id INTEGER REFERENCES complaint (id),
    subject VARCHAR NOT NULL, name VARCHAR NOT NULL, sha256 VARCHAR NOT NULL,
    size INTEGER NOT NULL, added_at DATETIME NOT NULL, added_by VARCHAR NOT NULL);
CREATE INDEX ix_attachment_subject ON attachment (subject);
CREATE INDEX ix_complaint_status_received ON complaint (status, received_at);
DROP INDEX ix_complaint_status;
""",
    ),
    (
        "v3: reports by period, imported rows",
        """
ALTER TABLE complaint ADD COLUMN import_key VARCHAR;
ALTER TABLE complaint ADD COLUMN source_ref VARCHAR;
CREATE UNIQUE INDEX ix_complaint_import_key ON complaint (import_key) WHERE import_key IS NOT NULL;
CREATE INDEX ix_complaint_resolved ON complaint (resolved_at);
CREATE INDEX ix_deadline_kind_due ON deadline (kind, due);
CREATE INDEX ix_deadline_done_at ON deadline (done_at) WHERE done_at IS NOT NULL;
CREATE INDEX ix_revisit_at ON revisit (at);
""",
    ),
    (
        "v4: warranty items, regions with heating periods, retention money",
        """
CREATE TABLE region (
    code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, heating_start VARCHAR, heating_end VARCHAR,
    cooling_start VARCHAR, cooling_end VARCHAR);
INSERT INTO region VALUES ('beijing', '北京', '11-15', '03-15', NULL, NULL);
INSERT INTO region VALUES ('harbin', '哈尔滨', '10-20', '04-20', NULL, NULL);
INSERT INTO region VALUES ('shenyang', '沈阳', '11-01', '03-31', NULL, NULL);
INSERT INTO region VALUES ('qingdao', '青岛', '11-16', '04-05', NULL, NULL);
INSERT INTO region VALUES ('shanghai', '上海', NULL, NULL, NULL, NULL);
CREATE TABLE warranty_item (
    id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL REFERENCES project (id), part VARCHAR NOT NULL,
    years INTEGER, seasons INTEGER, starts DATE NOT NULL, expires DATE, source VARCHAR NOT NULL,
    note VARCHAR, UNIQUE (project_id, part));
ALTER TABLE project ADD COLUMN retention NUMERIC;
ALTER TABLE project ADD COLUMN liability_years INTEGER NOT NULL DEFAULT 1;
""",
    ),
    (
        "v5: warranty claims, retention money, the revisit plan, quality revisits, rectifications",
        """
CREATE TABLE claim (
    id INTEGER PRIMARY KEY, number VARCHAR NOT NULL UNIQUE, project_id INTEGER NOT NULL REFERENCES project (id),
    year INTEGER NOT NULL, seq INTEGER NOT NULL, part VARCHAR NOT NULL, location VARCHAR, content VARCHAR NOT NULL,
    complainant VARCHAR, contact VARCHAR, emergency BOOLEAN NOT NULL DEFAULT 0, received_at DATETIME NOT NULL,
    inspect_due DATE NOT NULL, in_warranty BOOLEAN NOT NULL, inspected_at DATETIME, cause VARCHAR,
    paid BOOLEAN NOT NULL DEFAULT 0, repair_result VARCHAR, repaired_at DATETIME, accepted_by VARCHAR,
    accepted_at DATETIME, status VARCHAR NOT NULL, clerk VARCHAR NOT NULL, UNIQUE (project_id, year, seq));
CREATE INDEX ix_claim_open_due ON claim (inspect_due) WHERE inspected_at IS NULL;
ALTER TABLE project ADD COLUMN retention_applied_at DATETIME;
ALTER TABLE project ADD COLUMN retention_verified_at DATETIME;
ALTER TABLE project ADD COLUMN retention_returned_at DATETIME;
CREATE TABLE plan (year INTEGER PRIMARY KEY, drafted_at DATETIME NOT NULL, drafted_by VARCHAR NOT NULL,
    approved_by VARCHAR, approved_at DATETIME);
CREATE TABLE plan_item (
    id INTEGER PRIMARY KEY, year INTEGER NOT NULL REFERENCES plan (year),
    project_id INTEGER NOT NULL REFERENCES project (id), kind VARCHAR NOT NULL, part VARCHAR NOT NULL DEFAULT '',
    method VARCHAR NOT NULL, date DATE NOT NULL, staff VARCHAR, notify_by DATE NOT NULL, notified_at DATETIME,
    done_at DATETIME, edited BOOLEAN NOT NULL DEFAULT 0, note VARCHAR, UNIQUE (year, project_id, kind, part));
CREATE INDEX ix_plan_item_date ON plan_item (date);
CREATE TABLE quality_revisit (
    id INTEGER PRIMARY KEY, plan_item_id INTEGER REFERENCES plan_item (id),
    project_id INTEGER NOT NULL REFERENCES project (id), at DATETIME NOT NULL, method VARCHAR NOT NULL,
    visitors VARCHAR NOT NULL, person_met VARCHAR, found VARCHAR, satisfaction VARCHAR, scores VARCHAR,
    signed_by VARCHAR, note VARCHAR);
CREATE TABLE rectification (
    id INTEGER PRIMARY KEY, number VARCHAR NOT NULL UNIQUE, project_id INTEGER NOT NULL REFERENCES project (id),
    revisit_id INTEGER REFERENCES quality_revisit (id), content VARCHAR NOT NULL, owner VARCHAR,
    created_at DATETIME NOT NULL, due DATE NOT NULL, closed_at DATETIME, result VARCHAR, verified_by VARCHAR);
CREATE INDEX ix_rectification_open_due ON rectification (due) WHERE closed_at IS NULL;
""",
    ),
]

SCHEMA_VERSION = len(MIGRATIONS)


def default_path() -> Path:
    """The user data directory: %APPDATA%\\tsms on Windows, else $XDG_DATA_HOME/tsms or
    ~/.local/share/tsms (a bare cron environment has HOME, or the password database)."""
    if sys.platform == "win32" and os.environ.get("APPDATA"):
        base = Path(os.environ["APPDATA"])
    elif os.environ.get("XDG_DATA_HOME"):
        base = Path(os.environ["XDG_DATA_HOME"])
    else:
        base = Path(os.path.expanduser("~")) / ".local" / "share"
    return base / "tsms" / "ledger.sqlite3"


def resolve_path(db: str | None) -> Path:
    chosen = db or os.environ.get("TSMS_DB") or None
    return Path(chosen).expanduser() if chosen else default_path()


def _unusable(message: str) -> TsmsError:
    return TsmsError(message, LEDGER_UNUSABLE)


def _schema_version(path: Path) -> int:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            return con.execute("PRAGMA user_version").fetchone()[0]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise _unusable(
            t("账本 {p} 无法打开:{e}", "the ledger {p} cannot be opened: {e}", p=path, e=exc)
        ) from None


class Ledger:
    """An open ledger file: an engine whose transactions are deferred for reading and
    ``BEGIN IMMEDIATE`` for writing."""

    def __init__(self, path: Path):
        self.path = path
        self._begin = "BEGIN"
        self.engine = create_engine(f"sqlite:///{path}")

        @event.listens_for(self.engine, "connect")
        def _connect(dbapi_connection, _record):
            dbapi_connection.isolation_level = None
            cur = dbapi_connection.cursor()
            cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA synchronous = FULL")
            cur.execute("PRAGMA foreign_keys = ON")
            cur.close()

        @event.listens_for(self.engine, "begin")
        def _begin(conn):
            conn.exec_driver_sql(self._begin)

    @contextlib.contextmanager
    def read(self):
        with _translate_errors(self.path), Session(self.engine) as session:
            yield session

    @contextlib.contextmanager
    def write(self):
        """One write transaction: all of it is committed, or nothing."""
        self._begin = "BEGIN IMMEDIATE"
        try:
            with _translate_errors(self.path), Session(self.engine) as session:
                yield session
                session.commit()
        finally:
            self._begin = "BEGIN"


@contextlib.contextmanager
def _translate_errors(path: Path):
    try:
        yield
    except OperationalError as exc:
        text = str(exc.orig)
        if "locked" in text or "busy" in text:
            raise _unusable(
                t("账本 {p} 被占用过久,请稍后再试", "the ledger {p} stayed locked too long; try again", p=path)
            ) from None
        raise _unusable(t("账本 {p} 无法使用:{e}", "the ledger {p} cannot be used: {e}", p=path, e=text)) from None
    except DatabaseError as exc:
        raise _unusable(
            t("账本 {p} 已损坏:{e}", "the ledger {p} is damaged: {e}", p=path, e=exc.orig)
        ) from None


def migrate(path: Path) -> int:
    """Apply the migrations the ledger lacks, each in its own transaction; refuse a newer
    ledger. Returns the version the ledger is at."""
    con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        version = con.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise _unusable(
                t(
                    "账本 {p} 的结构版本为 {v},本程序只认识到 {k};请升级 tsms",
                    "the ledger {p} has schema version {v}; this tsms knows up to {k}: upgrade tsms",
                    p=path,
                    v=version,
                    k=SCHEMA_VERSION,
                )
            )
        if version == 0:
            con.execute("PRAGMA journal_mode = WAL")
        for number in range(version + 1, SCHEMA_VERSION + 1):
            name, ddl = MIGRATIONS[number - 1]
            con.execute("BEGIN IMMEDIATE")
            try:
                if con.execute("PRAGMA user_version").fetchone()[0] >= number:
                    con.execute("ROLLBACK")  # another process applied it meanwhile
                    continue
                for statement in _statements(ddl):
                    con.execute(statement)
                con.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migration "
                    "(version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at DATETIME NOT NULL)"
                )
                con.execute(
                    "INSERT INTO schema_migration VALUES (?, ?, datetime('now', '+8 hours'))",
                    (number, name),
                )
                con.execute(f"PRAGMA user_version = {number}")
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return SCHEMA_VERSION
    except sqlite3.DatabaseError as exc:
        raise _unusable(
            t("账本 {p} 无法打开:{e}", "the ledger {p} cannot be opened: {e}", p=path, e=exc)
        ) from None
    finally:
        con.close()


def _statements(ddl: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies whole."""
    out, buf = [], []
    for line in ddl.strip().splitlines():
        buf.append(line)
        joined = "\n".join(buf).strip()
        if joined.endswith(";") and sqlite3.complete_statement(joined):
            out.append(joined)
            buf = []
    if "".join(buf).strip():
        out.append("\n".join(buf))
    return out


def create(path: Path) -> Ledger:
    """Create a new ledger file at the current schema."""
    path.parent.mkdir(parents=True, exist_ok=True)
    migrate(path)
    return Ledger(path)


def open_existing(db: str | None) -> Ledger:
    """Open the ledger named by --db / TSMS_DB / the default, upgrading an older one."""
    path = resolve_path(db)
    if not path.exists():
        raise _unusable(
            t(
                "找不到账本 {p};先运行 tsms init --site 代码 --name 名称,或用 --db/TSMS_DB 指定",
                "no ledger at {p}; run tsms init --site CODE --name NAME, or give --db / TSMS_DB",
                p=path,
            )
        )
    version = _schema_version(path)
    if version == 0:
        raise _unusable(
            t("{p} 不是 tsms 账本", "{p} is not a tsms ledger", p=path)
        )
    if version != SCHEMA_VERSION:
        migrate(path)
    return Ledger(path)
