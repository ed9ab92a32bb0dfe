"""Attachments: photos and scans filed under a complaint, a warranty claim, a rectification
or a planned revisit, stored by content (tsms.store.files)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from sqlmodel import select

from tsms.checks import clean, normalise_number
from tsms.errors import TsmsError
from tsms.store import engine, output
from tsms.store.files import file_sha256, store_dir, stored_path
from tsms.store.tables import Attachment, Complaint, PlanItem, Rectification
from tsms.store.unit import Context, writing
from tsms.vocab import t

MAX_BYTES = 50 * 1024 * 1024


def attach(ledger: engine.Ledger, number: str, paths: list[str], by: str | None = None) -> list[dict]:
    """Attach files to a complaint, a warranty claim, a rectification or a planned revisit
    (its plan item, ``2027-12``): all of them, or none."""
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
        try:
            digest = file_sha256(path)
        except OSError as exc:  # a device, a file that may not be read
            raise TsmsError(t("无法读取 {p}:{e}", "cannot read {p}: {e}", p=raw, e=exc.strerror or exc)) from None
        files.append((path, size, digest))
    # Files are stored before the transaction commits; a command that fails after that
    # leaves an unreferenced file, harmless, never a reference to a missing one.
    with writing(ledger, by) as ctx:
        session, who = ctx.session, ctx.who
        complaint_id, subject = _subject(ctx, number)
        at = ctx.now()
        out = []
        for path, size, sha in files:
            # on disk before the ledger refers to it
            output.copy_in(path, stored_path(ledger.path, sha), shown=str(store_dir(ledger.path)))
            name = clean(path.name, "FILE", required=True)
            session.add(Attachment(complaint_id=complaint_id, subject=subject, name=name, sha256=sha, size=size,
                                   added_at=at, added_by=who))
            out.append({"number": subject, "name": name, "sha256": sha, "size": size})
        ctx.event("attach", at, complaint_id, details={"files": out})
        return out


def _subject(ctx: Context, number: str) -> tuple[int | None, str]:
    """What a number names: (complaint id or None, the subject the attachment is filed under)."""
    key = normalise_number(number)
    c = ctx.session.exec(select(Complaint).where(Complaint.number == key)).first()
    if c is not None:
        return c.id, c.number
    try:
        return None, ctx.claim(key).number
    except TsmsError:
        pass
    rect = ctx.session.exec(select(Rectification).where(Rectification.number == key)).first()
    if rect is not None:
        return None, rect.number
    year, _, item_id = key.partition("-")
    if re.fullmatch(r"[0-9]{4}", year) and re.fullmatch(r"[0-9]{1,18}", item_id):
        item = ctx.session.get(PlanItem, int(item_id))
        if item is not None and item.year == int(year):
            return None, f"{item.year}-{item.id}"
    try:  # a complaint's short form (7, 2026-7) last: a plan item's 2027-12 wins
        c = ctx.complaint(key)
        return c.id, c.number
    except TsmsError:
        pass
    raise TsmsError(t("「{n}」不是投诉、保修单、整改项或回访计划项的编号", "{n!r} is not the number of a complaint, claim, "
                      "rectification or plan item", n=number))
