"""``tsms hq import BUNDLE``: a site's bundle verified, then loaded in one transaction.

Verified before anything is written: the file is a whole zip with its manifest; the
snapshot's sha256 is the manifest's; the manifest's head is the snapshot's last event and its
site the snapshot's; the snapshot passes the site's own ``check`` (SQLite's integrity, the
state re-derived from the events, the hash chain) — a site's ledger from an older tsms is
brought to this schema in the temporary copy first, as the site's own tsms would on upgrade. Then, against what head office already
holds for the site (head N:H): the snapshot's event N must still have hash H. A bundle that
does not extend it (a site that restored an old backup and carried on, or rewrote its
history) is refused naming the first event that differs — unless ``--accept-divergence
--reason`` accepts it on purpose, which is recorded with who and why. An older head is
stale and ignored; the same head changes nothing. Loading replaces the site's rows.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import tempfile
import zipfile
import zlib
from pathlib import Path

from sqlalchemy import delete, insert, select

from tsms import clock
from tsms.errors import BAD_INPUT, LEDGER_UNUSABLE, TsmsError, shown
from tsms.hq import tables
from tsms.hq.store import Hq
from tsms.store import bundle as bundles
from tsms.store import engine as site_engine
from tsms.store import integrity
from tsms.store.files import store_dir
from tsms.store.schema import SCHEMA_VERSION
from tsms.vocab import t

CHUNK = 5000


def _refused(name: str, zh: str, en: str, **kw) -> TsmsError:
    return TsmsError(t("{b}:拒绝导入:" + zh, "{b}: refused: " + en, b=name, **kw), LEDGER_UNUSABLE)


def _not_whole(path: Path, name: str) -> TsmsError:
    """Why a file is no readable zip, in words: a site's ledger or backup sent instead of a
    bundle, or a bundle cut short or damaged on the way (never zipfile's English)."""
    try:
        with open(path, "rb") as f:
            start = f.read(16)
    except OSError:
        start = b""
    if start == b"SQLite format 3\x00":
        return _refused(name, "这是工地账本或备份(SQLite 文件),不是工地包;请在工地运行 tsms bundle 文件夹,寄回它写出的 .tsms 文件",
                        "this is a site's ledger or backup (a SQLite file), not a bundle; run tsms bundle FOLDER at "
                        "the site and send the .tsms file it writes")
    if start.startswith(b"PK"):
        return _refused(name, "工地包已损坏或不完整(zip 内容校验不符,可能在传送中截断或改动);请工地重新打包",
                        "the bundle is damaged or truncated (its zip does not check out; cut short or changed on "
                        "the way); ask the site to bundle again")
    return _refused(name, "不是完整的 tsms 工地包(不是 zip 文件,或开头已截断);接受 tsms bundle 写出的 .tsms 文件",
                    "not a whole tsms bundle (no zip file, or its start is cut off); accepted: the .tsms file tsms "
                    "bundle writes")


class Snapshot:
    """A bundle unpacked into a temporary folder: its manifest and the snapshot's path."""

    def __init__(self, path: Path, folder: Path):
        self.path, self.name = path, path.name
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
                if bundles.MANIFEST not in names or bundles.SNAPSHOT not in names:
                    raise _refused(self.name, "不是 tsms 工地包(缺少 manifest.json 或 ledger.sqlite3)",
                                   "not a tsms bundle (no manifest.json or ledger.sqlite3)")
                try:
                    self.manifest = json.loads(zf.read(bundles.MANIFEST).decode("utf-8"))
                except (ValueError, UnicodeDecodeError):
                    raise _refused(self.name, "manifest.json 不可读", "manifest.json cannot be read") from None
                self._manifest_fields()
                self.ledger = folder / bundles.SNAPSHOT
                self.sha256 = _extract(zf, bundles.SNAPSHOT, self.ledger)
                files = [n for n in names if n.startswith(bundles.FILES) and not n.endswith("/")]
                for n in files:
                    relative = n[len(bundles.FILES):]
                    if ".." in relative.split("/") or relative.startswith("/"):
                        raise _refused(self.name, "附件路径不合法:{n}", "an attachment with a bad path: {n}", n=shown(n))
                    target = store_dir(self.ledger) / relative
                    target.parent.mkdir(parents=True, exist_ok=True)
                    _extract(zf, n, target)
                self.with_files = bool(files)
        except (zipfile.BadZipFile, zlib.error, EOFError):
            raise _not_whole(path, self.name) from None
        except OSError as exc:
            raise TsmsError(t("{b}:无法读取:{e}", "{b}: cannot be read: {e}", b=self.name,
                              e=exc.strerror or exc), BAD_INPUT) from None

    def _manifest_fields(self) -> None:
        m = self.manifest
        needed = ("format", "format_version", "site_code", "schema_version", "events", "head", "sha256", "made_at")
        if not isinstance(m, dict) or m.get("format") != bundles.FORMAT or any(k not in m for k in needed):
            raise _refused(self.name, "manifest.json 不是 tsms 工地包的清单", "manifest.json is not a tsms bundle's")
        if m["format_version"] != bundles.FORMAT_VERSION:
            raise _refused(self.name, "工地包格式版本 {v},本程序只认识 {k};请升级 tsms",
                           "bundle format version {v}; this tsms knows {k}: upgrade tsms",
                           v=m["format_version"], k=bundles.FORMAT_VERSION)
        try:
            self.made_at = dt.datetime.fromisoformat(str(m["made_at"])).replace(tzinfo=None)
        except ValueError:
            raise _refused(self.name, "manifest.json 的 made_at 不是时间", "manifest.json's made_at is not a time") \
                from None

    def verify(self) -> dict:
        """The snapshot is the one the manifest describes, and sound. Returns its facts."""
        m = self.manifest
        if self.sha256 != m["sha256"]:
            raise _refused(self.name, "快照的 sha256 与清单不符(文件在途中被改动或损坏)",
                           "the snapshot's sha256 is not the manifest's (changed or damaged on the way)")
        try:
            con = sqlite3.connect(f"file:{self.ledger}?mode=ro", uri=True)
            try:
                version = con.execute("PRAGMA user_version").fetchone()[0]
                site = con.execute("SELECT value FROM setting WHERE key = 'site_code'").fetchone()
                name = con.execute("SELECT value FROM setting WHERE key = 'site_name'").fetchone()
                last = con.execute("SELECT id, hash FROM event ORDER BY id DESC LIMIT 1").fetchone()
            finally:
                con.close()
        except sqlite3.DatabaseError as exc:
            raise _refused(self.name, "快照不是可读的账本:{e}", "the snapshot is not a readable ledger: {e}", e=exc) from None
        if version > SCHEMA_VERSION:
            raise _refused(self.name, "账本结构版本 {v},本程序只认识到 {k};请在总部升级 tsms",
                           "the ledger's schema version is {v}; this tsms knows up to {k}: upgrade tsms at head office",
                           v=version, k=SCHEMA_VERSION)
        if site is None or site[0] != m["site_code"]:
            raise _refused(self.name, "清单的工地 {m} 不是快照的工地 {s}", "the manifest's site {m} is not the snapshot's {s}",
                           m=m["site_code"], s=site[0] if site else "-")
        if last is None:
            raise _refused(self.name, "快照没有任何事件", "the snapshot holds no event")
        head = f"{last[0]}:{last[1]}"
        if head != m["head"]:
            raise _refused(self.name, "清单的事件链末尾 {m} 不是快照的最后一个事件 {s}",
                           "the manifest's head {m} is not the snapshot's last event {s}", m=_short(m["head"]),
                           s=_short(head))
        if version < SCHEMA_VERSION:
            # a site still on an older tsms: the temporary copy is brought to this schema (the
            # migrations append their own events after the site's head) and checked as such;
            # head office keeps the site's events up to its head only
            try:
                site_engine.migrate(self.ledger)
            except TsmsError as exc:
                raise _refused(self.name, "旧版本账本无法升级:{e}", "the older ledger cannot be upgraded: {e}",
                               e=exc.message) from None
        ledger = site_engine.Ledger(self.ledger)
        try:
            result = integrity.check(ledger, attachments=self.with_files)
        finally:
            ledger.close()
        if not result["ok"]:
            more = len(result["problems"]) - 1
            raise _refused(self.name, "快照未通过检查:{p}{m}", "the snapshot fails check: {p}{m}",
                           p=result["problems"][0], m=t("(另有 {n} 处)", " (and {n} more)", n=more) if more else "")
        return {"site": m["site_code"], "name": name[0] if name else m.get("site_name"), "events": last[0],
                "hash": last[1], "schema_version": version, "complaints": result["counts"]["complaint"]}


def _extract(zf: zipfile.ZipFile, member: str, target: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with zf.open(member) as src, open(target, "wb") as dst:
        for block in iter(lambda: src.read(1 << 20), b""):
            h.update(block)
            dst.write(block)
    return h.hexdigest()


def _short(head) -> str:
    if not head:
        return "-"
    n, _, h = shown(head, 200).partition(":")
    return f"{n}:{h[:8]}"


def _first_difference(conn, site: str, ledger: Path) -> int:
    """The first event whose hash head office holds differently from the snapshot (or that
    one of them lacks)."""
    ev = tables.event
    held = conn.execute(select(ev.c.id, ev.c.hash).where(ev.c.site == site).order_by(ev.c.id)
                        .execution_options(yield_per=CHUNK))
    con = sqlite3.connect(f"file:{ledger}?mode=ro", uri=True)
    try:
        theirs = con.execute("SELECT id, hash FROM event ORDER BY id")
        n = 0
        for mine, other in zip(held, theirs):
            if tuple(mine) != tuple(other):
                return min(mine[0], other[0])
            n = mine[0]
        return n + 1
    finally:
        con.close()
        held.close()


def _hash_of(ledger: Path, event_id: int) -> str | None:
    con = sqlite3.connect(f"file:{ledger}?mode=ro", uri=True)
    try:
        row = con.execute("SELECT hash FROM event WHERE id = ?", (event_id,)).fetchone()
        return row[0] if row else None
    finally:
        con.close()


def run(hq: Hq, path: str, *, accept_divergence: bool = False, reason: str | None = None, by: str,
        now: dt.datetime | None = None) -> dict:
    """Verify and load one bundle. Returns {bundle, site, outcome, head, previous_head, …};
    ``outcome``: imported | accepted_divergence | same | stale. Raises TsmsError (exit 3)
    when the bundle is refused; nothing is written then."""
    now = now or clock.now()
    source = Path(path).expanduser()
    with tempfile.TemporaryDirectory(prefix=".tsms-hq-") as folder:
        snap = Snapshot(source, Path(folder))
        facts = snap.verify()
        site = facts["site"]
        head = f"{facts['events']}:{facts['hash']}"
        answer = {"bundle": str(source), "site": site, "head": head, "previous_head": None,
                  "first_difference": None}
        with hq.write() as conn:
            hq.lock_site(conn, site)
            s = tables.site
            held = conn.execute(select(s.c.events, s.c.head_hash).where(s.c.site == site)).first()
            diverged = None
            if held is not None:
                n, h = held
                answer["previous_head"] = f"{n}:{h}"
                if facts["events"] <= n:
                    ev = tables.event
                    mine = conn.execute(select(ev.c.hash).where(ev.c.site == site, ev.c.id == facts["events"])).first()
                    if mine is not None and mine[0] == facts["hash"]:
                        return {**answer, "outcome": "same" if facts["events"] == n else "stale"}
                    diverged = _first_difference(conn, site, snap.ledger)
                elif _hash_of(snap.ledger, n) != h:
                    diverged = _first_difference(conn, site, snap.ledger)
            if diverged is not None:
                answer["first_difference"] = diverged
                if not accept_divergence and diverged == 1:  # not even the ledger's creation is the same
                    raise _refused(
                        snap.name, "{s} 的工地包与总部已有的 {s} 从第 1 个事件(建账)起就不同(总部 {h},工地包 {k}):"
                        "这是另一本账 — 别的工地用了同一工地代码,或工地重新建了账;请核对工地代码,确需替换请加 "
                        "--accept-divergence --reason 原因",
                        "{s}'s bundle differs from head office's {s} from event 1 (the ledger's creation) on (head "
                        "office {h}, the bundle {k}): another ledger — another site with the same code, or the site "
                        "made its ledger anew; check the site code, or add --accept-divergence --reason WHY to replace "
                        "it on purpose", s=site, h=_short(answer["previous_head"]), k=_short(head))
                if not accept_divergence:
                    raise _refused(
                        snap.name, "{s} 的事件 {i} 与总部已有的不同(总部 {h},工地包 {k}):工地恢复了旧备份后继续记账,"
                        "或改写了历史;确需接受请加 --accept-divergence --reason 原因",
                        "{s}'s event {i} differs from what head office holds (head office {h}, the bundle {k}): the "
                        "site restored an older backup and carried on, or rewrote its history; to accept it on purpose "
                        "add --accept-divergence --reason WHY", s=site, i=diverged, h=_short(answer["previous_head"]),
                        k=_short(head))
            _replace(hq, conn, site, snap.ledger, facts["events"])
            conn.execute(delete(s).where(s.c.site == site))
            conn.execute(insert(s).values(
                site=site, name=facts["name"], events=facts["events"], head_hash=facts["hash"],
                schema_version=facts["schema_version"], tsms_version=str(snap.manifest.get("tsms_version") or ""),
                bundled_at=snap.made_at, imported_at=now, complaints=facts["complaints"],
                bundle_sha256=snap.sha256, bundle_name=snap.name))
            conn.execute(insert(tables.imports).values(
                site=site, at=now, actor=by, action="accept_divergence" if diverged is not None else "import",
                head=head, previous_head=answer["previous_head"], first_difference=diverged,
                reason=reason if diverged is not None else None, bundle_sha256=snap.sha256, bundle_name=snap.name))
        return {**answer, "outcome": "accepted_divergence" if diverged is not None else "imported",
                "complaints": facts["complaints"]}


def _replace(hq: Hq, conn, site: str, ledger: Path, events: int) -> None:
    """The site's rows replaced by the snapshot's: deleted by site, then copied in bulk
    (PostgreSQL: COPY; SQLite: executemany); the events up to the site's head (an older
    site's snapshot, upgraded here, has the migrations' events after it)."""
    con = sqlite3.connect(f"file:{ledger}?mode=ro", uri=True)
    try:
        for name, table in tables.MIRRORS.items():
            conn.execute(delete(table).where(table.c.site == site))
            theirs = {row[1] for row in con.execute(f"PRAGMA table_info({name})")}
            if not theirs:
                continue
            cols = [c.name for c in table.columns if c.name != "site" and c.name in theirs]
            upto = f" WHERE id <= {int(events)}" if name == "event" else ""
            rows = con.execute(f"SELECT {', '.join(cols)} FROM {name}{upto}")
            target = ", ".join(["site", *cols])
            if hq.dialect == "postgresql":
                raw = conn.connection.driver_connection
                with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({target}) FROM STDIN") as copy:
                    while True:
                        chunk = rows.fetchmany(CHUNK)
                        if not chunk:
                            break
                        for row in chunk:
                            copy.write_row((site, *row))
            else:
                sql = f"INSERT INTO {table.name} ({target}) VALUES ({', '.join('?' * (len(cols) + 1))})"
                while True:
                    chunk = rows.fetchmany(CHUNK)
                    if not chunk:
                        break
                    conn.exec_driver_sql(sql, [(site, *row) for row in chunk])
    finally:
        con.close()


def check_paths(paths: list[str]) -> list[Path]:
    """Every BUNDLE given exists as a file (else exit 2 before anything is imported)."""
    out = []
    for p in paths:
        path = Path(p).expanduser()
        if not path.is_file():
            raise TsmsError(t("找不到工地包 {p}(接受 tsms bundle 写出的 .tsms 文件)", "no such bundle: {p} (give the .tsms "
                              "files tsms bundle writes)", p=shown(p, 300)), BAD_INPUT)
        out.append(path)
    return out
