"""``tsms backup`` and ``tsms restore``: through SQLite's online backup API, never a file
copy, so a backup taken while a clerk or cron is writing is a consistent ledger."""

from __future__ import annotations

import errno
import sqlite3
import tempfile
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
    source = sqlite3.connect(db.file_uri(src), uri=True, timeout=db.BUSY_TIMEOUT_MS / 1000)
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
    last = _events(out.path, last=True)  # the head it holds: tsms check --against this backup
    return {"backup": str(target), "size": out.path.stat().st_size, "attachments_copied": files,
            "at": ledger.now(), "head": f"{last[0][0]}:{last[0][1]}" if last else None}


def restore(source: str, db_option: str | None, force: bool = False, force_unverified: bool = False) -> dict:
    """Replace the ledger with a backup, after proving the backup sound: it is copied to a
    staging file beside the ledger, brought to this schema and checked (refused, exit 3,
    unless ``force_unverified``); a ledger whose events the backup does not extend (it moved
    on since, or is another ledger) is replaced only with ``force``, saying how many events
    would be rolled back. A ledger the backup extends is replaced without asking."""
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
    if target.exists() and target.resolve() == src.resolve():
        raise TsmsError(t("备份就是账本本身", "the backup is the ledger itself"))
    target.parent.mkdir(parents=True, exist_ok=True)
    cannot_write = (lambda text, _: TsmsError(
        t("无法写入账本 {p}:{e};账本保持原样", "cannot write the ledger {p}: {e}; it is as it was", p=target, e=text),
        LEDGER_UNUSABLE))
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".tsms-restore-") as folder:
        staged = Path(folder) / "staged.sqlite3"
        _online_copy(src, staged, cannot_write)
        problems = _verify(staged, src)
        if problems and not force_unverified:
            raise TsmsError(t("备份 {p} 未通过检查({n} 项,首项:{x});账本未改动。确需恢复请加 --force-unverified",
                              "the backup {p} fails check ({n} problems, the first: {x}); the ledger is unchanged. "
                              "Add --force-unverified to restore it anyway", p=src, n=len(problems), x=problems[0]),
                            LEDGER_UNUSABLE)
        rolled_back = _rolled_back(target, staged)
        if rolled_back and not force:
            raise TsmsError(rolled_back)
        # the attachments first (the restored ledger never refers to a file not yet there; one
        # copied for a restore that then fails is unreferenced, harmless), then the ledger: into
        # the live file, under SQLite's locks, readers see old or new
        files = _copy_files(src, target, LEDGER_UNUSABLE, [])
        _online_copy(staged, target, cannot_write)
    return {"restored": str(target), "from": str(src), "schema_version": SCHEMA_VERSION,
            "attachments_copied": files, "verified": not problems}


def _verify(staged: Path, src: Path) -> list[str]:
    """The backup, staged and brought to this schema, through check (its own attachments)."""
    from tsms.store import integrity

    try:
        db.migrate(staged)
        ledger = db.Ledger(staged)
        try:
            return integrity.check(ledger, files_of=src)["problems"]
        finally:
            ledger.close()
    except TsmsError as exc:
        return [exc.message]


def _rolled_back(target: Path, staged: Path) -> str | None:
    """Why replacing ``target`` needs --force, or None when the backup extends it."""
    if not target.exists() or target.stat().st_size == 0:
        return None
    if _version_of(target) == 0:
        return t("{p} 已存在且不是 tsms 账本;确需替换请加 --force", "{p} exists and is not a tsms ledger; add --force to replace it",
                 p=target)
    try:
        mine = _events(target)
    except sqlite3.DatabaseError as exc:
        return t("账本 {p} 无法读取({e});确需用备份替换请加 --force", "the ledger {p} cannot be read ({e}); add --force to "
                 "replace it with the backup", p=target, e=exc)
    theirs = _events(staged)
    shared = 0
    for a, b in zip(mine, theirs):
        if a != b:
            break
        shared += 1
    if shared == len(mine):
        return None
    return t("恢复会回退账本的 {n} 个事件(账本有 {m} 个,与备份相同的只到第 {s} 个),之后的编号会被重新使用;确需恢复请加 --force",
             "restoring would roll back {n} of the ledger's {m} events (the backup shares its first {s}) and reissue "
             "their numbers; add --force to restore anyway", n=len(mine) - shared, m=len(mine), s=shared)


def _events(path: Path, last: bool = False) -> list[tuple]:
    """The (id, hash) of every event of a ledger file, or of its last one (``last``: of a
    backup just written, which nobody else has open: read as immutable, leaving no -wal or
    -shm beside it)."""
    mode = "immutable=1" if last else "mode=ro"
    con = sqlite3.connect(db.file_uri(path, mode), uri=True, timeout=db.BUSY_TIMEOUT_MS / 1000)
    try:
        if last:
            return con.execute("SELECT id, hash FROM event ORDER BY id DESC LIMIT 1").fetchall()
        return con.execute("SELECT id, hash FROM event ORDER BY id").fetchall()
    finally:
        con.close()


def _version_of(path: Path) -> int:
    """The schema version of a tsms ledger, 0 for anything else; a damaged SQLite file is
    refused here (exit 3): nothing can be verified or restored from it."""
    try:
        con = sqlite3.connect(db.file_uri(path), uri=True)
        try:
            version = con.execute("PRAGMA user_version").fetchone()[0]
            if version and con.execute("SELECT value FROM setting WHERE key = 'site_code'").fetchone() is None:
                return 0
            return version
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        with open(path, "rb") as fh:
            if fh.read(16) == b"SQLite format 3\x00":
                raise TsmsError(t("{p} 已损坏:{e}", "{p} is damaged: {e}", p=path, e=exc), LEDGER_UNUSABLE) from None
        return 0
