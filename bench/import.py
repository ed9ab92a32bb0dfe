"""Importing a 20,000-row legacy ledger (issue 12: 43 s of a blank screen before).

    .venv/bin/python bench/import.py [--rows 20000] [--runs 3]

The workbook is built like a site's ledger: a title row, a two-row header with merged
parents (处理情况 over four columns, 回访情况 over two), 序号, dates as date cells and as text
(2025.3.5, 2025年3月5日), phones as numbers, a blank row every 50, a 合计 row; a third of
the rows handled and revisited, a third handled, a third open. Each run imports it into a
fresh site ledger as its own process (`tsms import … --json`), then re-imports the same file
(nothing to do) and a --dry-run; the start-up is the import floor `python -c "import
sqlmodel, typer"`. Prints wall time and peak memory (ru_maxrss of the child).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TSMS = str(Path(sys.executable).with_name("tsms"))


def build(path: Path, rows: int, seed: int = 12) -> None:
    from openpyxl import Workbook

    rng = random.Random(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("台账")
    ws.append(["某某路新建工程涉民投诉台账"])
    ws.append(["序号", "投诉时间", "投诉人", "联系电话", "地址", "投诉内容", "投诉类型", "处理情况", None, None, None,
               "回访情况", None, "备注"])
    ws.append([None] * 7 + ["处理部门", "处理人", "处理结果", "处理时间", "回访时间", "满意度", None])
    start = dt.datetime(2025, 1, 1, 8, 0)
    kinds = ["噪音", "扬尘", "质量", "排水", "渣土", "交通"]
    for n in range(1, rows + 1):
        received = start + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 300))
        when = [received, f"{received.year}.{received.month}.{received.day}",
                f"{received.year}年{received.month}月{received.day}日"][n % 3]
        state = n % 3
        handled = received + dt.timedelta(days=rng.randrange(1, 5))
        row = [n, when, f"投诉人{n}", 13800000000 + n, f"某小区{n % 40}号楼", f"第{n}件投诉:施工{kinds[n % 6]}问题",
               kinds[n % 6]]
        if state == 0:
            row += [None] * 6
        else:
            row += ["工程部", "张三", "已处理完毕", handled.strftime("%Y-%m-%d %H:%M")]
            row += ([(handled + dt.timedelta(days=1)).strftime("%Y-%m-%d"), "满意"] if state == 1 else [None, None])
        row.append(None)
        ws.append(row)
        if n % 50 == 0:
            ws.append([])
    ws.append(["合计", None, None, None, None, f"{rows}件"])
    wb.save(path)


def site(path: Path) -> None:
    env = {**os.environ, "TSMS_DB": str(path)}
    for args in (["init", "--site", "SH01", "--name", "bench"], ["project", "add", "P01", "--name", "一期"],
                 ["staff", "add", "张三", "--dept", "工程部", "--role", "leader"]):
        subprocess.run([TSMS, *args], env=env, check=True, capture_output=True)


CPU: list[float] = []


def timed(args: list[str], env: dict) -> tuple[float, float, dict]:
    """Wall seconds, peak MiB so far, the JSON answer; the child's CPU seconds go to CPU (on a
    busy machine the CPU time says more than the wall time)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    if done.returncode not in (0,):
        raise SystemExit(f"{' '.join(args)} → {done.returncode}\n{done.stderr}")
    return seconds, after.ru_maxrss / 1024, json.loads(done.stdout) if done.stdout.startswith("{") else {}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    a = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        book = tmp / "台账.xlsx"
        build(book, a.rows)
        floor = []
        for _ in range(a.runs):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", "import sqlmodel, typer"], check=True)
            floor.append(time.perf_counter() - started)
        first, again, dry = [], [], []
        cpu_first, cpu_again, cpu_dry = [], [], []
        peak = 0.0
        for run in range(a.runs):
            ledger = tmp / f"l{run}.sqlite3"
            site(ledger)
            env = {**os.environ, "TSMS_DB": str(ledger), "TSMS_NOW": "2026-11-23 09:00", "TSMS_USER": "bench"}
            args = [TSMS, "import", str(book), "--project", "P01", "--json"]
            s, mem, r = timed(args, env)
            assert r["imported"] == a.rows and r["totals"] == 1, r.get("imported")
            first.append(s)
            cpu_first.append(CPU[-1])
            peak = max(peak, mem)
            s, mem, r = timed(args, env)
            assert r["unchanged"] == a.rows
            again.append(s)
            cpu_again.append(CPU[-1])
            s, mem, r = timed([*args, "--dry-run"], env)
            dry.append(s)
            cpu_dry.append(CPU[-1])
        floor_s = statistics.median(floor)
        print(f"rows {a.rows:,} (title, two-row merged header, blank rows, a total row)")
        print(f"start-up floor `import sqlmodel, typer`  {floor_s:.2f} s")
        print(f"import into an empty site ledger        {statistics.median(first):.2f} s "
              f"({statistics.median(first) - floor_s:.2f} s beyond start-up), CPU {statistics.median(cpu_first):.2f} s")
        print(f"re-import, nothing changed              {statistics.median(again):.2f} s, "
              f"CPU {statistics.median(cpu_again):.2f} s")
        print(f"--dry-run                               {statistics.median(dry):.2f} s, "
              f"CPU {statistics.median(cpu_dry):.2f} s")
        print(f"peak memory of a child (ru_maxrss)      {peak:.0f} MiB")


if __name__ == "__main__":
    main()
