"""The monthly workbook on a ledger of 1,000,000 complaints with 10,000 in the month:
peak memory of `tsms report --month 2026-10 --xlsx`, and its time against writing the
very same cells with bare openpyxl in write_only mode.

    .venv/bin/python bench/workbook.py [--size 1000000] [--runs 3]

The bare script gets the cells (values and number formats, read back from tsms's own
output beforehand, not timed) and only writes them: it is the floor for any program that
writes this workbook with openpyxl. Both run as separate processes; the figures are
medians of --runs, with each process's peak resident memory (ru_maxrss).
"""

from __future__ import annotations

import argparse
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scale  # noqa: E402

BARE = r"""
import pickle, sys
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
sheets = pickle.load(open(sys.argv[1], "rb"))
wb = Workbook(write_only=True)
for title, rows in sheets:
    ws = wb.create_sheet(title)
    for row in rows:
        out = []
        for value, fmt, forced_text in row:
            if fmt != "General" or forced_text:
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = fmt
                if forced_text:
                    cell.data_type = "s"
                out.append(cell)
            else:
                out.append(value)
        ws.append(out)
wb.save(sys.argv[2])
"""


# Peak memory is read by a small wrapper process: Linux keeps a process's maximum resident
# size across fork and exec, so a child of this (large) benchmark process would report
# this process's own peak.
PEAK = (
    "import resource, subprocess, sys\n"
    "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def run(cmd: list[str], env: dict) -> tuple[float, int]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.decode()[:500]}")
    return elapsed, 0


def peak(cmd: list[str], env: dict) -> int:
    out = subprocess.run([sys.executable, "-c", PEAK, *cmd], env=env, capture_output=True, text=True, check=True)
    return int(out.stdout.strip()) * 1024  # Linux reports KiB


def cells_of(path: Path) -> list:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    sheets = []
    for ws in wb.worksheets:
        rows = []
        for row in ws.iter_rows():
            rows.append([(c.value, getattr(c, "number_format", None) or "General",
                          isinstance(c.value, str) and c.value.startswith("=")) for c in row])
        sheets.append((ws.title, rows))
    wb.close()
    return sheets


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    scale.OUT.mkdir(exist_ok=True)
    path = scale.OUT / f"ledger-{args.size}.sqlite3"
    if not path.exists() or scale._version(path) != scale.SCHEMA_VERSION:
        t0 = time.perf_counter()
        scale.build(path, args.size)
        print(f"built {args.size:,} complaints in {time.perf_counter() - t0:.0f} s")
    env = dict(os.environ, TSMS_DB=str(path), TSMS_NOW="2026-11-20 17:00", TSMS_USER="bench")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.xlsx"
        tsms = [sys.executable, "-m", "tsms", "report", "--month", "2026-10", "--xlsx", str(out)]
        run(tsms, env)  # warm the page cache and the calendar cache
        tsms_runs = [run(tsms, env) for _ in range(args.runs)]
        data = Path(tmp) / "cells.pickle"
        sheets = cells_of(out)
        with open(data, "wb") as fh:
            pickle.dump(sheets, fh)
        bare = [sys.executable, "-c", BARE, str(data), str(Path(tmp) / "bare.xlsx")]
        bare_runs = [run(bare, env) for _ in range(args.runs)]
        m_tsms_bytes, m_bare_bytes = peak(tsms, env), peak(bare, env)
    rows = sum(len(r) for _, r in sheets)
    t_tsms = statistics.median(t for t, _ in tsms_runs)
    t_bare = statistics.median(t for t, _ in bare_runs)
    m_tsms = m_tsms_bytes / 2**20
    m_bare = m_bare_bytes / 2**20
    print(f"ledger {args.size:,} complaints; October 2026: {len(sheets[1][1]) - 2:,} complaints, {rows:,} rows in "
          f"{len(sheets)} sheets")
    print(f"  tsms report --xlsx     {t_tsms:7.2f} s   peak {m_tsms:6.1f} MiB")
    print(f"  bare openpyxl          {t_bare:7.2f} s   peak {m_bare:6.1f} MiB")
    print(f"  ratio                  {t_tsms / t_bare:7.2f}×")


if __name__ == "__main__":
    main()
