"""``tsms backup`` and ``tsms restore``: through SQLite's online backup API, never a file
copy, so a backup taken while a clerk or cron is writing is a consistent ledger."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from pathlib import Path

from tsms.errors import LEDGER_UNUSABLE, TsmsError
from tsms.store import engine as db
from tsms.store.files import store_dir
from tsms.store.schema import SCHEMA_VERSION
from tsms.vocab import t


def _copy_files(src_ledger: Path, dest_ledger: Path) -> int:
    """Copy the attachment store; files are content-named, so existing ones are kept."""
    src, dest = store_dir(src_ledger), store_dir(dest_ledger)
    copied = 0
    if not src.is_dir():
        return 0
    for path in src.rglob("*"):
        if path.is_file() and not path.name.endswith(".part"):
            target = dest / path.relative_to(src)
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target.with_suffix(".part"))
                os.replace(target.with_suffix(".part"), target)
                copied += 1
    return copied


def _online_copy(src: Path, dest: Path) -> None:
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True, timeout=db.BUSY_TIMEOUT_MS / 1000)
    target = sqlite3.connect(dest, timeout=db.BUSY_TIMEOUT_MS / 1000)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def backup(ledger: db.Ledger, dest: str, force: bool = False) -> dict:
    target = Path(dest).expanduser()
    if target.is_dir():
        stamp = ledger.now().strftime("%Y%m%d-%H%M%S")
        target = target / f"{ledger.path.stem}-{stamp}.sqlite3"
    if target.resolve() == ledger.path.resolve():
        raise TsmsError(t("备份不能写到账本本身", "the backup cannot be the ledger itself"))
    if target.exists() and not force:
        raise TsmsError(t("{p} 已存在;加 --force 覆盖", "{p} exists; add --force to overwrite it", p=target))
    if not target.parent.is_dir():
        raise TsmsError(t("目录 {p} 不存在", "no such folder: {p}", p=target.parent))
    partial = target.with_name(target.name + ".part")
    try:
        partial.unlink(missing_ok=True)
        _online_copy(ledger.path, partial)
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as exc:  # a folder that may not be written, a full disk
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise TsmsError(t("无法写出备份 {p}:{e}", "cannot write the backup {p}: {e}", p=target,
                          e=getattr(exc, "strerror", None) or exc)) from None
    files = _copy_files(ledger.path, target)
    return {"backup": str(target), "size": target.stat().st_size, "attachments_copied": files,
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
    _online_copy(src, target)  # into the live file, under SQLite's locks: readers see old or new
    files = _copy_files(src, target)
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
