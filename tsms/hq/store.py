"""Opening the HQ store: where it is (``--hq`` / ``TSMS_HQ`` / beside the default ledger),
the engine for SQLite or PostgreSQL, its Alembic migrations, write transactions, and the
engine's errors as one line and exit 3.

A bare path means an embedded SQLite file (``sqlite:///PATH``); ``postgresql://`` and
``postgresql+psycopg://`` URLs go to PostgreSQL through psycopg 3. On SQLite the store is
used like a ledger (WAL, a busy timeout, ``BEGIN IMMEDIATE`` for writes, so imports wait
their turn); on PostgreSQL imports of different sites run at once, and two imports of one
site wait for each other on an advisory lock held to the end of the transaction.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from sqlalchemy import create_engine, event, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError

from tsms.checks import usable_path
from tsms.errors import BAD_INPUT, LEDGER_UNUSABLE, TsmsError
from tsms.hq import tables
from tsms.store import engine as site_engine
from tsms.vocab import t

BUSY_TIMEOUT_MS = 30_000
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# the last revision of the Alembic history (a test holds it to the history): opening a store
# compares with it, so that a daily command does not import Alembic, only `hq init` does
REVISIONS = ("0001", "0002", "0003")
REVISION = REVISIONS[-1]


def default_url() -> str:
    """``hq.sqlite3`` in the user data directory, beside the default ledger."""
    return f"sqlite:///{site_engine.default_path().with_name('hq.sqlite3')}"


def resolve_url(given: str | None) -> str:
    """--hq, else TSMS_HQ, else the default: a SQLAlchemy URL (sqlite or postgresql) or a
    path (an embedded SQLite file). Anything else is refused naming what is accepted."""
    option = "--hq" if given else "TSMS_HQ"
    value = given or os.environ.get("TSMS_HQ")
    if not value:
        return default_url()
    if "://" not in value:
        path = usable_path(value, option)
        return f"sqlite:///{Path(path).expanduser().resolve()}"
    try:
        url = make_url(value)
    except ArgumentError:
        url = None
    if url is None or url.get_backend_name() not in ("sqlite", "postgresql"):
        raise TsmsError(t("{o} 不认识 {v}:接受文件路径、sqlite:///路径 或 postgresql+psycopg://用户@主机/库",
                          "{o}: {v} is not understood; give a path, sqlite:///PATH or postgresql+psycopg://USER@HOST/DB",
                          o=option, v=_hidden(value)), BAD_INPUT)
    if url.get_backend_name() == "postgresql" and url.get_driver_name() not in ("psycopg", "psycopg2", ""):
        raise TsmsError(t("{o}:PostgreSQL 请用 postgresql+psycopg:// (psycopg 3)", "{o}: use postgresql+psycopg:// "
                          "(psycopg 3) for PostgreSQL", o=option), BAD_INPUT)
    if url.get_backend_name() == "sqlite" and (not url.database or url.database == ":memory:"
                                                or url.query.get("mode") == "memory"):
        # an in-memory store would be made, reported new and lost as the command ends
        raise TsmsError(t("{o} {v}:总部库要存在文件里,请给出文件路径(sqlite:///路径)或 postgresql+psycopg://用户@主机/库",
                          "{o} {v}: the HQ store must be kept in a file; give sqlite:///PATH or "
                          "postgresql+psycopg://USER@HOST/DB", o=option, v=_hidden(value)), BAD_INPUT)
    if url.get_backend_name() == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


def _hidden(text: str) -> str:
    try:
        return make_url(text).render_as_string(hide_password=True)
    except Exception:
        return text.split("@")[-1]


class Hq:
    """An open HQ store: the engine, its dialect and how to name it in messages."""

    def __init__(self, url: str):
        self.url = url
        self.engine = create_engine(url, future=True)
        self.dialect = self.engine.dialect.name
        self.shown = self.engine.url.render_as_string(hide_password=True)
        self._begin = "BEGIN"
        _OPEN.append(self)
        if self.dialect == "sqlite":
            path = self.engine.url.database
            self.path = Path(path) if path else None

            @event.listens_for(self.engine, "connect")
            def _connect(dbapi_connection, _record):
                dbapi_connection.isolation_level = None
                cur = dbapi_connection.cursor()
                cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                cur.execute("PRAGMA synchronous = FULL")
                cur.close()

            @event.listens_for(self.engine, "begin")
            def _begin(conn):
                conn.exec_driver_sql(self._begin)
        else:
            self.path = None

    @contextlib.contextmanager
    def read(self):
        with self.errors(), self.engine.connect() as conn:
            yield conn

    @contextlib.contextmanager
    def write(self):
        """One write transaction: all of it is committed, or nothing."""
        self._begin = "BEGIN IMMEDIATE"
        try:
            with self.errors(), self.engine.begin() as conn:
                self._begin = "BEGIN"
                yield conn
        finally:
            self._begin = "BEGIN"

    @contextlib.contextmanager
    def errors(self):
        """The engine's errors as one line, exit 3 (the store cannot be used), the password hidden."""
        try:
            yield
        except TsmsError:
            raise
        except DBAPIError as exc:
            inner = str(getattr(exc, "orig", exc)).strip().splitlines()
            raise TsmsError(t("总部库 {u} 无法使用:{e}", "the HQ store {u} cannot be used: {e}", u=self.shown,
                              e=inner[0] if inner else type(exc).__name__), LEDGER_UNUSABLE) from None
        except SQLAlchemyError as exc:
            raise TsmsError(t("总部库 {u} 无法使用:{e}", "the HQ store {u} cannot be used: {e}", u=self.shown,
                              e=str(exc).splitlines()[0]), LEDGER_UNUSABLE) from None

    def lock_site(self, conn, site: str) -> None:
        """Two imports of one site wait for each other (PostgreSQL: an advisory lock to the end
        of the transaction; SQLite: every write already holds the file's write lock)."""
        if self.dialect == "postgresql":
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext(%(s)s))", {"s": f"tsms-hq-site:{site}"})

    def close(self) -> None:
        """End of the command: every connection closed (on SQLite the last one folds the WAL
        into the file, which is then the whole store)."""
        if self in _OPEN:
            _OPEN.remove(self)
        self.engine.dispose()


_OPEN: list[Hq] = []


def close_all() -> None:
    """Close every HQ store this process opened (the CLI calls it when a command ends)."""
    for hq in list(_OPEN):
        hq.close()


def _alembic_config(conn):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    return config


def revision(hq: Hq) -> str | None:
    """The store's Alembic revision (its ``alembic_version`` table), None for an empty store."""
    with hq.read() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return row[0] if row else None


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config(None)).get_current_head()


def upgrade(hq: Hq) -> tuple[str | None, str]:
    """Run the migrations the store lacks (each in its own transaction). Returns (before, after)."""
    from alembic import command

    if hq.path is not None:  # as `tsms init` makes the ledger's folder
        try:
            hq.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise TsmsError(t("无法建立总部库的目录 {d}:{e}", "cannot make the HQ store's folder {d}: {e}",
                              d=hq.path.parent, e=exc.strerror or exc), BAD_INPUT) from None
    before = revision(hq)
    with hq.errors(), hq.engine.connect() as conn:
        if hq.dialect == "sqlite":  # set once, kept by the file: reading commands never write
            conn.connection.driver_connection.execute("PRAGMA journal_mode = WAL")  # outside any transaction
        if hq.dialect == "postgresql":  # one `hq init` at a time
            with conn.begin():
                conn.exec_driver_sql("SELECT pg_advisory_lock(hashtext('tsms-hq-migrate'))")
        try:
            command.upgrade(_alembic_config(conn), "head")
            conn.commit()
        finally:
            if hq.dialect == "postgresql":
                conn.exec_driver_sql("SELECT pg_advisory_unlock(hashtext('tsms-hq-migrate'))")
                conn.commit()
    return before, head_revision()


def open_hq(given: str | None) -> Hq:
    """An HQ store made by ``tsms hq init`` and at this tsms's revision (exit 3 otherwise)."""
    hq = Hq(resolve_url(given))
    if hq.path is not None and not hq.path.exists():
        raise TsmsError(t("总部库 {u} 不存在;先运行 tsms hq init --company 名称", "no HQ store at {u}; run tsms hq init "
                          "--company NAME first", u=hq.path), LEDGER_UNUSABLE)
    current = revision(hq)
    if current is None:
        raise TsmsError(t("{u} 还不是总部库;先运行 tsms hq init --company 名称", "{u} is not an HQ store yet; run tsms hq "
                          "init --company NAME first", u=hq.shown), LEDGER_UNUSABLE)
    latest = REVISION
    if current != latest:
        if current not in REVISIONS:
            raise TsmsError(t("总部库 {u} 由更新版本的 tsms 建立(版本 {r});请升级 tsms", "the HQ store {u} was made by a "
                              "newer tsms (revision {r}); upgrade tsms", u=hq.shown, r=current), LEDGER_UNUSABLE)
        raise TsmsError(t("总部库 {u} 需要升级(版本 {r} → {k});运行 tsms hq init", "the HQ store {u} needs upgrading "
                          "(revision {r} → {k}); run tsms hq init", u=hq.shown, r=current, k=latest), LEDGER_UNUSABLE)
    return hq


def company(conn) -> str | None:
    row = conn.execute(select(tables.company.c.name).where(tables.company.c.id == 1)).first()
    return row[0] if row else None


def table_names(hq: Hq) -> set[str]:
    with hq.read() as conn:
        return set(inspect(conn).get_table_names())
