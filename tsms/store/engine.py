"""Opening the ledger: where it is, SQLite settings, migrations, write transactions.

SQLite for a person and a cron job at once: WAL, ``synchronous=FULL`` (a ledger writes
rarely and must not lose a commit), a busy timeout, and ``BEGIN IMMEDIATE`` for every
write (SQLAlchemy's documented recipe for the pysqlite driver: take over BEGIN from the
driver so that the write lock is taken at the start of the transaction).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import sys
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.exc import OperationalError, DatabaseError
from sqlmodel import Session

from tsms.checks import usable_path
from tsms.errors import LEDGER_UNUSABLE, TsmsError
from tsms.store import changes
from tsms.store.schema import CHANGES_FROM, MIGRATIONS, SCHEMA_VERSION
from tsms.vocab import t

BUSY_TIMEOUT_MS = 30_000




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


def file_uri(path, query: str = "mode=ro") -> str:
    """An SQLite URI for a file: its name escaped, so that a ? # or % in it (a backup named
    「?」) is part of the name, not the query."""
    from urllib.parse import quote

    return f"file:{quote(str(path), safe='/')}?{query}"


def resolve_path(db: str | None) -> Path:
    """The ledger file: --db, else TSMS_DB, else the user data directory (a name the system
    cannot look up is refused in one line, checks.usable_path). A site ledger is a SQLite
    file: a database URL here is refused (it would otherwise become a file of that name)."""
    if db:
        return usable_path(_not_a_url(db, "--db"), "--db")
    env = os.environ.get("TSMS_DB")
    return usable_path(_not_a_url(env, "TSMS_DB"), "TSMS_DB") if env else default_path()


def _not_a_url(value: str, option: str) -> str:
    scheme = value.split("://", 1)[0] if "://" in value else ""
    if scheme and scheme.replace("+", "").replace("-", "").replace(".", "").isalnum():
        raise TsmsError(t("{o} {v}:工地账本是一个 SQLite 文件,请给出文件路径;总部库(PostgreSQL 等)用 tsms hq --hq 或 TSMS_HQ",
                          "{o} {v}: a site ledger is a SQLite file, give its path; the head-office store (PostgreSQL "
                          "…) is given to tsms hq with --hq or TSMS_HQ", o=option, v=scheme + "://…"))
    return value


def _unusable(message: str) -> TsmsError:
    return TsmsError(message, LEDGER_UNUSABLE)


def _schema_version(path: Path) -> int:
    try:
        con = sqlite3.connect(file_uri(path), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            return con.execute("PRAGMA user_version").fetchone()[0]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise _unusable(
            t("账本 {p} 无法打开:{e}", "the ledger {p} cannot be opened: {e}", p=path, e=exc)
        ) from None


def default_now() -> dt.datetime:
    """The clock every operation reads unless its ledger was opened with another one."""
    from tsms import clock

    return clock.now()


class Ledger:
    """An open ledger file: an engine whose transactions are deferred for reading and
    ``BEGIN IMMEDIATE`` for writing, and the clock its operations read (``now``: the
    wall clock or TSMS_NOW by default; ``tsms demo`` passes its own)."""

    def __init__(self, path: Path, now=None):
        self.path = path
        self.now = now or default_now
        self._begin = "BEGIN"
        self.wrote = False
        self.engine = create_engine(f"sqlite:///{path}")
        _OPEN.append(self)

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
                self.wrote = True
        finally:
            self._begin = "BEGIN"

    def close(self) -> None:
        """End of the command: after a write, copy the WAL into the file (so that the
        ``.sqlite3`` file alone is the whole ledger: copying it copies everything), then
        close every connection (the last one to close removes the WAL)."""
        if self in _OPEN:
            _OPEN.remove(self)
        try:
            if self.wrote:
                with self.engine.connect() as con:
                    con.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        except DatabaseError:  # another process holds it: the last to close checkpoints
            pass
        finally:
            self.engine.dispose()


_OPEN: list[Ledger] = []


def close_all() -> None:
    """Close every ledger this process opened (the CLI calls it when a command ends)."""
    for ledger in list(_OPEN):
        ledger.close()


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
        if getattr(exc.orig, "sqlite_errorname", "").startswith(("SQLITE_FULL", "SQLITE_IOERR")):
            raise _unusable(t("账本 {p} 无法写入:{e};腾出磁盘空间后重试(账本保持原样)",
                              "the ledger {p} cannot be written: {e}; free some disk space and try again "
                              "(the ledger is as it was)", p=path, e=text)) from None
        raise _unusable(t("账本 {p} 无法使用:{e}", "the ledger {p} cannot be used: {e}", p=path, e=text)) from None
    except DatabaseError as exc:
        raise _unusable(
            t("账本 {p} 已损坏:{e}", "the ledger {p} is damaged: {e}", p=path, e=exc.orig)
        ) from None


def migrate(path: Path, now=None) -> int:
    """Apply the migrations the ledger lacks, each in its own transaction; refuse a newer
    ledger. Returns the version the ledger is at. A step that needs today (obligations owed
    from now on) reads ``now``, the ledger's clock."""
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
            name, ddl, *code = MIGRATIONS[number - 1]
            con.execute("BEGIN IMMEDIATE")
            try:
                if con.execute("PRAGMA user_version").fetchone()[0] >= number:
                    con.execute("ROLLBACK")  # another process applied it meanwhile
                    continue
                floor = changes.high_water(con.execute) if number > CHANGES_FROM else 0
                for statement in _statements(ddl):
                    con.execute(statement)
                for step in code:  # a step that needs more than SQL (the rules, say)
                    step(con, (now or default_now)())
                if number >= CHANGES_FROM:  # what the migration changed, and the triggers anew
                    changes.install(con.execute, (now or default_now)(), name, floor)
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


def create(path: Path, now=None) -> Ledger:
    """Create a new ledger file at the current schema."""
    path.parent.mkdir(parents=True, exist_ok=True)
    migrate(path, now)
    return Ledger(path, now)


def open_existing(db: str | None, now=None) -> Ledger:
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
        migrate(path, now)
    return Ledger(path, now)
