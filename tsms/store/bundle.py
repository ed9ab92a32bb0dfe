"""``tsms bundle DEST``: what a site sends head office — one file (a zip) holding a
consistent snapshot of the ledger (SQLite's online backup API, safe while others write) and
a manifest saying what it is: format, site, schema and tsms versions, the chain's head
(event count and hash) and the snapshot's sha256. Attachments only with ``--with-files``.

The file is named after the head, ``SITE-NNNNNN-HASH8.tsms``: the same head gives the same
name, so a bundle whose head is already in DEST is not written again (nothing new since).
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import zipfile
from pathlib import Path

from tsms.errors import TsmsError
from tsms.store import backup, output
from tsms.store import engine as db
from tsms.store.files import file_sha256, store_dir
from tsms.vocab import t

FORMAT = "tsms-bundle"
FORMAT_VERSION = 1
SNAPSHOT = "ledger.sqlite3"
MANIFEST = "manifest.json"
FILES = "files/"
SUFFIX = ".tsms"


def file_name(site: str, events: int, head_hash: str) -> str:
    return f"{site}-{events:06d}-{head_hash[:8]}{SUFFIX}"


def _snapshot_facts(path: Path) -> dict:
    """Site, schema version and head of the snapshot itself (not of the live ledger, which
    may have moved on while the snapshot was taken)."""
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal to go with it
        settings = dict(con.execute("SELECT key, value FROM setting WHERE key IN ('site_code', 'site_name')"))
        last = con.execute("SELECT id, hash FROM event ORDER BY id DESC LIMIT 1").fetchone()
        return {"site_code": settings.get("site_code"), "site_name": settings.get("site_name"),
                "schema_version": con.execute("PRAGMA user_version").fetchone()[0],
                "events": last[0] if last else 0, "head_hash": last[1] if last else "0" * 64,
                "complaints": con.execute("SELECT count(*) FROM complaint").fetchone()[0]}
    finally:
        con.close()


def bundle(ledger: db.Ledger, dest: str, with_files: bool = False, force: bool = False) -> dict:
    """Write the bundle into the folder DEST (or to DEST itself, a name ending in .tsms).
    Returns what was done: ``written`` False when DEST already holds this head's bundle."""
    from tsms import __version__

    given = Path(dest).expanduser()
    if not given.is_dir() and not given.name.lower().endswith(SUFFIX):
        if not given.parent.is_dir() or given.suffix:
            raise TsmsError(t("{p}:请给出已有的文件夹,或以 .tsms 结尾的文件名", "{p}: give an existing folder, or a file "
                              "name ending in .tsms", p=dest))
        raise TsmsError(t("文件夹 {p} 不存在;先建好它", "no such folder: {p}; create it first", p=dest))
    with tempfile.TemporaryDirectory(prefix=".tsms-bundle-") as folder:
        snapshot = Path(folder) / SNAPSHOT
        backup._online_copy(ledger.path, snapshot, lambda text, number: TsmsError(
            t("无法写入临时快照:{e}", "cannot write the temporary snapshot: {e}", e=text)))
        facts = _snapshot_facts(snapshot)
        name = file_name(facts["site_code"], facts["events"], facts["head_hash"])
        target = given / name if given.is_dir() else given
        if target.exists() and not force and given.is_dir():
            return {"bundle": str(target), "written": False, "site": facts["site_code"],
                    "head": f"{facts['events']}:{facts['head_hash']}"}
        out = output.target(target, ledger=ledger.path, force=force, option="DEST", suffixes=(SUFFIX,))
        files = sorted(p for p in store_dir(ledger.path).rglob("*") if p.is_file() and not p.name.endswith(".part")) \
            if with_files and store_dir(ledger.path).is_dir() else []
        manifest = {
            "format": FORMAT, "format_version": FORMAT_VERSION,
            "site_code": facts["site_code"], "site_name": facts["site_name"],
            "schema_version": facts["schema_version"], "tsms_version": __version__,
            "events": facts["events"], "head": f"{facts['events']}:{facts['head_hash']}",
            "complaints": facts["complaints"],
            "snapshot": SNAPSHOT, "sha256": file_sha256(snapshot), "size": snapshot.stat().st_size,
            "made_at": ledger.now().isoformat(timespec="seconds"), "files": len(files),
        }
        with output.writing(out) as fh:
            with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
                zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
                zf.write(snapshot, SNAPSHOT)
                root = store_dir(ledger.path)
                for path in files:
                    zf.write(path, FILES + path.relative_to(root).as_posix())
    return {"bundle": str(target), "written": True, "site": manifest["site_code"], "head": manifest["head"],
            "events": manifest["events"], "complaints": manifest["complaints"], "sha256": manifest["sha256"],
            "files": len(files)}
