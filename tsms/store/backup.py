"""``tsms backup`` and ``tsms restore``: through SQLite's online backup API, never a file
copy, so a backup taken while a clerk or cron is writing is a consistent ledger."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from tsms.errors import BAD_INPUT, LEDGER_UNUSABLE, TsmsError
from tsms.store import engine as db
from tsms.store import output
from tsms.store.files import store_dir
from tsms.store.schema import SCHEMA_VERSION
from tsms.vocab import t


def _copy_files(src_ledger: Path, dest_ledger: Path, code: int, created: list[Path]) -> int:
    """Copy the attachment store; files are content-named, so existing ones are kept. What
    is copied is listed in ``created`` (removed again if the command fails)."""
    src, dest = store_dir(src_ledger), store_dir(dest_ledger)
    copied = 0
    if not src.is_dir():
        return 0
    for path in sorted(src.rglob("*")):
        if path.is_file() and not path.name.endswith(".part"):
            copied += output.copy_in(path, dest / path.relative_to(src), code=code, created=created)
    return copied


def _online_copy(src: Path, dest: Path, cannot_write) -> None:
    """SQLite's backup API from ``src`` (read only) into ``dest``. An error reading the
    ledger is the ledger's (exit 3); one writing ``dest`` is ``cannot_write(text, errno)``."""
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True, timeout=db.BUSY_TIMEOUT_MS / 1000)
    try:
        target = sqlite3.connect(dest, timeout=db.BUSY_TIMEOUT_MS / 1000)
        try:
            source.backup(target)
        finally:
            target.close()
    except sqlite3.Error as exc:
        name = getattr(exc, "sqlite_errorname", "")
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
            raise TsmsError(t("账本 {p} 被占用过久,请稍后再试", "the ledger {p} stayed locked too long; try again", p=src),
                            LEDGER_UNUSABLE) from None
        if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
            raise TsmsError(t("账本 {p} 已损坏:{e}", "the ledger {p} is damaged: {e}", p=src, e=exc),
                            LEDGER_UNUSABLE) from None
        space = name.startswith(("SQLITE_FULL", "SQLITE_IOERR_WRITE", "SQLITE_IOERR_FSYNC", "SQLITE_IOERR_TRUNCATE"))
        raise cannot_write(str(exc), errno.ENOSPC if space else None) from None
    finally:
        source.close()


def backup(ledger: db.Ledger, dest: str, force: bool = False) -> dict:
    """The backup goes through tsms.store.output: checked before anything is copied, written
    to a temporary file beside DEST with its attachments, put in place last."""
    target = Path(dest).expanduser()
    if target.is_dir():
        stamp = ledger.now().strftime("%Y%m%d-%H%M%S")
        target = target / f"{ledger.path.stem}-{stamp}.sqlite3"
    out = output.target(target, ledger=ledger.path, force=force)
    created: list[Path] = []
    try:
        with output.writing(out, by_path=True) as partial:
            _online_copy(ledger.path, partial, lambda text, number: output.failure(out, text, number))
            files = _copy_files(ledger.path, out.path, BAD_INPUT, created)
    except BaseException:
        output.discard(created)
        raise
    return {"backup": str(target), "size": out.path.stat().st_size, "attachments_copied": files,
            "at": ledger.now()}


def restore(source: str, db_option: str | None, force: bool = False) -> dict:
    src = Path(source).expanduser()
    if not src.is_file():
        raise TsmsError(t("找不到备份 {p}", "no such backup: {p}", p=src))
    version = _version_of(src)
    if version == 0:
        raise TsmsError(t("{p} 不是 tsms 账本", "{p} is not a tsms ledger", p=src))
    if version > SCHEMA_VERSION:
        raise TsmsError(
            t("备份 {p} 的结构版本为 {v},本程序只认识到 {k}", "the backup {p} has schema version {v}; this tsms knows up to {k}",
              p=src, v=version, k=SCHEMA_VERSION), LEDGER_UNUSABLE)
    target = db.resolve_path(db_option)
    if target.exists() and target.stat().st_size > 0 and not force:
        raise TsmsError(t("账本 {p} 已存在;确认要用备份替换它,请加 --force", "the ledger {p} exists; add --force to replace it with the backup",
                          p=target))
    if target.resolve() == src.resolve():
        raise TsmsError(t("备份就是账本本身", "the backup is the ledger itself"))
    target.parent.mkdir(parents=True, exist_ok=True)
    # the attachments first (the restored ledger never refers to a file not yet there; one
    # copied for a restore that then fails is unreferenced, harmless), then the ledger: into
    # the live file, under SQLite's locks, readers see old or new
    files = _copy_files(src, target, LEDGER_UNUSABLE, [])
    _online_copy(src, target, lambda text, _: TsmsError(
        t("无法写入账本 {p}:{e};账本保持原样", "cannot write the ledger {p}: {e}; it is as it was", p=target, e=text),
        LEDGER_UNUSABLE))
    db.migrate(target)
    return {"restored": str(target), "from": str(src), "schema_version": SCHEMA_VERSION,
            "attachments_copied": files}


def _version_of(path: Path) -> int:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            version = con.execute("PRAGMA user_version").fetchone()[0]
            if version and con.execute("SELECT value FROM setting WHERE key = 'site_code'").fetchone() is None:
                return 0
            return version
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return 0
