"""Attachments: photos and scans kept beside the ledger under their content hash.

``<ledger>.files/ab/abcdef…`` (sha256): the same photo attached twice is stored once, a
changed or missing file is found by ``tsms check``, and ``tsms backup`` copies the folder.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from tsms import clock, db
from tsms.errors import TsmsError
from tsms.ledger import Context, actor, clean
from tsms.models import Attachment
from tsms.vocab import t

MAX_BYTES = 50 * 1024 * 1024


def store_dir(ledger_path: Path) -> Path:
    return ledger_path.with_name(ledger_path.name + ".files")


def stored_path(ledger_path: Path, sha256: str) -> Path:
    return store_dir(ledger_path) / sha256[:2] / sha256


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def attach(ledger: db.Ledger, number: str, paths: list[str], by: str | None = None) -> list[dict]:
    """Attach files to a complaint: all of them, or none."""
    from tsms.claims import _find as find_claim
    from tsms.lifecycle import find

    if not paths:
        raise TsmsError(t("请给出要附加的文件", "give the files to attach"))
    files = []
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.is_file():
            raise TsmsError(t("找不到文件 {p}", "no such file: {p}", p=raw))
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise TsmsError(t("{p} 太大({m} MB 以内)", "{p} is too large (at most {m} MB)", p=raw, m=MAX_BYTES >> 20))
        files.append((path, size, file_sha256(path)))
    who = actor(by)
    # Files are stored before the transaction commits; a command that fails after that
    # leaves an unreferenced file, harmless, never a reference to a missing one.
    with ledger.write() as session:
        ctx = Context(session, who)
        try:
            c = find(ctx, number)
            complaint_id, subject = c.id, c.number
        except TsmsError:  # not a complaint: a warranty claim
            c = find_claim(ctx, number)
            complaint_id, subject = None, c.number
        at = clock.now()
        out = []
        for path, size, sha in files:
            target = stored_path(ledger.path, sha)
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp = target.with_suffix(".part")
                shutil.copyfile(path, tmp)
                with open(tmp, "rb+") as fh:  # on disk before the ledger refers to it
                    os.fsync(fh.fileno())
                os.replace(tmp, target)
            name = clean(path.name, "FILE", required=True)
            session.add(Attachment(complaint_id=complaint_id, subject=subject, name=name, sha256=sha, size=size,
                                   added_at=at, added_by=who))
            out.append({"number": subject, "name": name, "sha256": sha, "size": size})
        ctx.event("attach", at, complaint_id, details={"files": out})
        return out
