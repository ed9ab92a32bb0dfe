"""Drafting the yearly revisit plan for 5,000 completed projects (issue 3: under 3 s beyond
the command's start-up).

    .venv/bin/python bench/plan.py [--projects 5000] [--runs 3]

The ledger is built in bulk: projects completed over the last eight years in four regions,
each with its warranty items as completion acceptance creates them, a tenth with retention
money. Each run drafts the plan afresh (--redraft on a copy of the same ledger), as its
own process; the start-up is the import floor `python -c "import sqlmodel, typer"`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tsms.operations import warranty
from tsms.store import engine as db
from tsms.store.tables import Project, Region
from tsms.vocab import WarrantyPart

REGIONS = {"beijing": ("11-15", "03-15"), "harbin": ("10-20", "04-20"), "shenyang": ("11-01", "03-31"),
           "shanghai": (None, None)}


def build(path: Path, projects: int, seed: int = 3) -> None:
    rng = random.Random(seed)
    db.create(path)
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA synchronous = OFF")
    con.execute("BEGIN")
    con.execute("INSERT INTO setting VALUES ('site_code', 'HQ01'), ('site_name', '基准公司')")
    con.execute("INSERT INTO staff (name, dept, role, created_at) VALUES ('王工', '工程部', 'leader', '2026-01-01 00:00:00')")
    regions = {code: Region(code=code, name=code, heating_start=h, heating_end=e) for code, (h, e) in REGIONS.items()}
    rows, items = [], []
    for pid in range(1, projects + 1):
        completed = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randrange(365 * 9 - 30))
        region = rng.choice(list(REGIONS))
        retention = rng.choice([None] * 9 + [500000.0])
        rows.append((pid, f"P{pid:05d}", f"工程{pid}", region, completed.isoformat(), retention))
        project = Project(id=pid, code=f"P{pid:05d}", name="", completed_on=completed, region=region,
                          design_life=50, retention=retention, liability_years=rng.choice([1, 2]))
        for part in WarrantyPart:
            item = warranty.statutory(project, part.value, regions[region])
            items.append((pid, item.part, item.years, item.seasons, completed.isoformat(),
                          item.expires.isoformat() if item.expires else None, item.source))
    con.executemany("INSERT INTO project (id, code, name, kind, region, completed_on, retention, created_at, design_life)"
                    " VALUES (?, ?, ?, 'building', ?, ?, ?, '2026-01-01 00:00:00', 50)", rows)
    con.executemany("INSERT INTO warranty_item (project_id, part, years, seasons, starts, expires, source)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)", items)
    con.execute("COMMIT")
    con.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        master = Path(tmp) / "plan-master.sqlite3"
        build(master, args.projects)
        env = dict(os.environ, TSMS_NOW="2026-12-10 09:00", TSMS_USER="bench")
        times, items = [], 0
        for run in range(args.runs):
            ledger = Path(tmp) / f"plan-{run}.sqlite3"
            shutil.copy(master, ledger)
            env["TSMS_DB"] = str(ledger)
            t0 = time.perf_counter()
            out = subprocess.run([sys.executable, "-m", "tsms", "plan", "2027", "--json"], env=env, check=True,
                                 capture_output=True, text=True)
            times.append(time.perf_counter() - t0)
            items = out.stdout.count('"kind"')
        median = statistics.median(times)
        floor_db = statistics.median(
            _time([sys.executable, "-c", "import sqlmodel, typer"], env) for _ in range(args.runs))
        print(f"{args.projects:,} projects → {items:,} plan items")
        print(f"  tsms plan 2027          {median:6.2f} s")
        print(f"  start-up (import floor) {floor_db:6.2f} s   → drafting beyond start-up {median - floor_db:5.2f} s")


def _time(cmd, env) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
