"""Speed at scale: a ledger of 100,000 and of 1,000,000 complaints, and how fast the daily
commands answer on it, against the floor `python -c "import sqlmodel, typer"`.

    .venv/bin/python bench/scale.py                 # 100k and 1M (builds take a few minutes)
    .venv/bin/python bench/scale.py --sizes 100000 --runs 5

The ledgers are built in bulk (straight SQL, one transaction) with a realistic mix: ten
years of complaints, almost all closed or archived, the last weeks in every state, the
obligations and the hash-chained events that tsms itself would have written. They are kept
in bench/out/ and reused while the schema is the same. Each figure is the median of
--runs runs, each command its own process with stdout to a pipe.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

from tsms import rules
from tsms.store import calendar_source
from tsms.store import engine as db
from tsms.store.schema import SCHEMA_VERSION
from tsms.store import changes
from tsms.store.changes import chain_hash

OUT = Path(__file__).resolve().parent / "out"
AS_OF = dt.date(2026, 11, 20)
CATEGORIES = ["noise", "dust", "night_work", "traffic", "waste", "drainage", "damage", "safety", "quality",
              "schedule", "service", "other"]
CHANNELS = ["phone"] * 6 + ["visit", "letter", "email", "hotline", "hotline", "referral"]
URGENCY = ["normal"] * 6 + ["high", "high", "urgent", "low"]
PEOPLE = ["张三", "李四", "王五", "赵六", "陈静"]


def _ts(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.000000")


def build(path: Path, size: int, seed: int = 1, busy_month: int = 10_000, site: str = "SH01") -> None:
    rng = random.Random(seed)
    path.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    db.create(path)
    cal = rules.WorkCalendar(calendar_source.year_from_package)
    settings = rules.DeadlineSettings()
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA synchronous = OFF")  # a bulk build, not a clerk's write
    con.execute("BEGIN")
    floor = changes.high_water(con.execute)  # the images the migrations' own events hold
    now = _ts(dt.datetime(2026, 11, 20, 8, 0))
    con.execute("INSERT INTO setting VALUES (?, ?), ('site_name', ?)", ("site_code", site, f"基准工地 {site}"))
    con.executemany("INSERT INTO project (id, code, name, kind, created_at, design_life) VALUES (?, ?, ?, 'building', ?, 50)",
                    [(i, f"P{i:02d}", f"工程{i}", now) for i in range(1, 21)])
    con.executemany("INSERT INTO staff (name, dept, role, created_at) VALUES (?, '工程部', 'member', ?)",
                    [(p, now) for p in PEOPLE])
    start = dt.datetime(2016, 12, 1)
    span = (dt.datetime(2026, 11, 20, 8, 0) - start).total_seconds()
    recent = dt.datetime(2026, 10, 20)
    seqs: dict[int, int] = {}
    # the chain goes on from the ledger's first event (the migration's)
    event_id, prev_hash = con.execute("SELECT id, hash FROM event ORDER BY id DESC LIMIT 1").fetchone()
    complaints, deadlines, events, revisits = [], [], [], []

    def event(at, actor, action, cid, details):
        nonlocal prev_hash, event_id
        event_id += 1
        body = json.dumps(details, ensure_ascii=False, sort_keys=True)
        digest = chain_hash(prev_hash, at, dt.datetime(2026, 11, 20, 8, 0), actor, action, cid, body)
        events.append((event_id, _ts(at), now, actor, action, cid, body, prev_hash, digest))
        prev_hash = digest

    # October 2026 gets `busy_month` complaints (the workbook benchmark's month); the rest
    # are spread over ten years
    busy = min(busy_month, size)
    october, october_span = dt.datetime(2026, 10, 1), 31 * 86400
    spread = []
    while len(spread) < size - busy:  # every month but the busy one
        moment = start + dt.timedelta(seconds=rng.random() * span)
        if (moment.year, moment.month) != (2026, 10):
            spread.append(moment)
    moments = sorted(spread
                     + [october + dt.timedelta(seconds=rng.random() * october_span) for _ in range(busy)])
    for cid, received in enumerate(moments, 1):
        received = received.replace(microsecond=0)
        seq = seqs[received.year] = seqs.get(received.year, 0) + 1
        number = f"{site}-{received.year}-{seq:05d}"
        urgency = rng.choice(URGENCY)
        channel = rng.choice(CHANNELS)
        category = rng.choice(CATEGORIES)
        person = rng.choice(PEOPLE)
        night = category in ("noise", "night_work") and (received.hour >= 22 or received.hour < 6)
        if received < recent:
            state = "archived" if rng.random() < 0.6 else ("closed" if rng.random() < 0.95 else "rejected")
        else:
            state = rng.choice(["received", "accepted", "assigned", "assigned", "resolved", "closed", "rejected"])
        accepted = received + dt.timedelta(hours=rng.randint(1, 20))
        resolved = accepted + dt.timedelta(days=rng.randint(0, 6), hours=rng.randint(1, 8))
        revisited = resolved + dt.timedelta(days=rng.randint(0, 3), hours=2)
        row = dict(id=cid, number=number, year=received.year, seq=seq, project_id=rng.randint(1, 20),
                   status=state, channel=channel, category=category, urgency=urgency, serious=0,
                   night_time=int(night), complainant=f"居民{cid % 997}", contact=f"138{cid % 10**8:08d}",
                   address=f"某小区{cid % 50}号楼", content=f"{category} 投诉第{cid}件", received_at=_ts(received),
                   clerk="资料员", filled_at=_ts(received), accepted_at=None, rejected_at=None, reject_reason=None,
                   assignee=None, department=None, assigned_at=None, resolved_at=None, result=None,
                   revisited_at=None, satisfaction=None, closed_at=None, archived_at=None)
        event(received, "资料员", "log", cid, {"number": number})

        def step(kind, starts, done=None):
            if received < recent:
                due = starts + dt.timedelta(days=7)
                prov = 0
            else:
                d = rules.step_deadline(kind, starts, urgency, cal, settings)
                due, prov = d.due, int(d.provisional)
            holder = (person if kind == "resolve" and state != "accepted" else "资料员")
            deadlines.append((cid, row["project_id"], kind, starts.isoformat(), due.isoformat(), urgency, prov, holder,
                              _ts(done) if done else None))

        if state == "received":
            step("accept", received.date())
        elif state == "rejected":
            step("accept", received.date(), accepted)
            row.update(rejected_at=_ts(accepted), reject_reason="不属本工地")
            event(accepted, "资料员", "reject", cid, {"reason": "不属本工地"})
        else:
            step("accept", received.date(), accepted)
            row.update(accepted_at=_ts(accepted))
            if state == "accepted":
                step("resolve", accepted.date())
                event(accepted, "资料员", "accept", cid, {})
            else:
                row.update(assignee=person, department="工程部", assigned_at=_ts(accepted))
                event(accepted, "资料员", "assign", cid, {"to": person})
                if state == "assigned":
                    step("resolve", accepted.date())
                else:
                    step("resolve", accepted.date(), resolved)
                    row.update(resolved_at=_ts(resolved), result="已处理")
                    event(resolved, person, "resolve", cid, {"result": "已处理"})
                    answer = rng.choice(["satisfied"] * 7 + ["basic"] * 2 + ["unsatisfied"])
                    if state == "resolved":
                        step("revisit", resolved.date())
                    else:
                        step("revisit", resolved.date(), revisited)
                        row.update(revisited_at=_ts(revisited), satisfaction=answer, closed_at=_ts(revisited))
                        revisits.append((cid, _ts(revisited), rng.choice(["phone", "phone", "visit"]), answer,
                                         "资料员", row["complainant"], None, None))
                        event(revisited, "资料员", "revisit", cid, {"satisfaction": answer})
                        if state == "archived":
                            row.update(archived_at=_ts(revisited + dt.timedelta(days=30)))
        complaints.append(row)
        if len(complaints) >= 20000:
            _flush(con, complaints, deadlines, events, revisits)
    _flush(con, complaints, deadlines, events, revisits)
    # the triggers imaged every row written above; one event takes them, as the v8 migration
    # does for a ledger that grew before images were kept
    moment = dt.datetime(2026, 11, 20, 8, 0)
    changes.seal(con.execute, [{"at": moment, "recorded_at": moment, "actor": "bench", "action": "migrate",
                                "complaint_id": None, "details": {"migration": "bench build"}, "upto": None}],
                 floor, moment)
    con.execute("COMMIT")
    con.execute("ANALYZE")
    con.close()


def _flush(con, complaints, deadlines, events, revisits):
    if complaints:
        cols = list(complaints[0])
        con.executemany(f"INSERT INTO complaint ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                        [tuple(r[c] for c in cols) for r in complaints])
    con.executemany("INSERT INTO obligation (complaint_id, project_id, kind, starts, due, basis, provisional, holder, "
                    "met_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", deadlines)
    con.executemany("INSERT INTO event VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", events)
    con.executemany("INSERT INTO revisit (complaint_id, at, method, satisfaction, visitor, person_met, note, due) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", revisits)
    revisits.clear()
    complaints.clear()
    deadlines.clear()
    events.clear()


def median_time(cmd: list[str], env: dict, runs: int, ok=(0, 1)) -> float:
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        samples.append(time.perf_counter() - t0)
        if proc.returncode not in ok:
            raise SystemExit(f"{' '.join(cmd)} → {proc.returncode}: {proc.stderr.decode()[:500]}")
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    py = sys.executable
    tsms = [py, "-m", "tsms"]
    print(f"python {sys.version.split()[0]}, median of {args.runs} runs, seconds (× floor)")
    for size in [int(s) for s in args.sizes.split(",")]:
        path = OUT / f"ledger-{size}.sqlite3"
        if args.rebuild or not path.exists() or _version(path) != SCHEMA_VERSION:
            t0 = time.perf_counter()
            build(path, size)
            print(f"built {size:,} complaints in {time.perf_counter() - t0:.0f} s ({path.stat().st_size >> 20} MiB)")
        env = dict(os.environ, TSMS_DB=str(path), TSMS_NOW="2026-11-20 17:00", TSMS_USER="bench")
        subprocess.run([*tsms, "config", "resolve_low", "10"], env=env, stdout=subprocess.DEVNULL)  # a write: fills the calendar cache
        floor = median_time([py, "-c", "import sqlmodel, typer"], env, args.runs)
        rows = [("floor", floor)]
        rows.append(("log", median_time([*tsms, "log", "--project", "P01", "--category", "noise", "--content", "基准",
                                         "--at", "2026-11-20 09:00", "--again"], env, args.runs)))
        rows.append(("show", median_time([*tsms, "show", "SH01-2026-00001"], env, args.runs)))
        rows.append(("list --status assigned", median_time([*tsms, "list", "--status", "assigned"], env, args.runs)))
        rows.append(("overdue", median_time([*tsms, "overdue"], env, args.runs)))
        help_out = subprocess.run([*tsms, "--help"], env=env, capture_output=True, text=True).stdout
        if " report " in help_out:
            rows.append(("report --month", median_time([*tsms, "report", "--month", "2026-10"], env, args.runs)))
        else:
            rows.append(("report --month", None))
        # check re-derives every row from the events and verifies the whole chain: one run
        rows.append(("check (one run)", median_time([*tsms, "check"], env, 1)))
        print(f"\n{size:,} complaints")
        for name, secs in rows:
            if secs is None:
                print(f"  {name:<24}{'(not built yet)':>12}")
            else:
                print(f"  {name:<24}{secs:>8.3f}  {secs / floor:>5.2f}×")


def _version(path: Path) -> int:
    con = sqlite3.connect(path)
    try:
        return con.execute("PRAGMA user_version").fetchone()[0]
    finally:
        con.close()


if __name__ == "__main__":
    main()
