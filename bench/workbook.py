"""The monthly workbook on a ledger of 1,000,000 complaints with 10,000 in the month:
peak memory of `tsms report --month 2026-10 --xlsx`, and its time against writing the
very same cells with bare openpyxl in write_only mode.

    .venv/bin/python bench/workbook.py [--size 1000000] [--runs 3] [--dir /tmp/tsms-bench]

The bare script gets the cells (values, number formats and styles — wrap, borders, fonts —,
column widths and row heights, read back from tsms's own output beforehand, not timed) and
only writes them, each distinct style built once and shared by its cells: it is the floor
for any program that writes this workbook with openpyxl. Both run as separate processes;
the figures are medians of --runs, with each process's peak resident memory (ru_maxrss).
The ledger is built once (about 15 minutes, 5 GB) and kept in --dir.
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
styles, sheets = pickle.load(open(sys.argv[1], "rb"))
wb = Workbook(write_only=True)
templates = []
for title, widths, heights, rows in sheets:
    ws = wb.create_sheet(title)
    if not templates:
        for font, fill, border, alignment, fmt in styles:
            cell = WriteOnlyCell(ws)
            cell.font, cell.fill, cell.border, cell.alignment, cell.number_format = font, fill, border, alignment, fmt
            templates.append(cell._style)
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width
    for r, row in enumerate(rows, 1):
        if r in heights:
            ws.row_dimensions[r].height = heights[r]
        out = []
        for value, style, forced_text in row:
            if style or forced_text:
                cell = WriteOnlyCell(ws, value=value)
                if style:
                    cell._style = templates[style]
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


def run(cmd: list[str], env: dict) -> tuple[float, float]:
    """Wall-clock seconds and CPU seconds (user + system) of the command as its own process:
    the CPU figure is what compares on a machine that other work keeps busy."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {stderr.decode()[:500]}")
    return elapsed, usage.ru_utime + usage.ru_stime


def peak(cmd: list[str], env: dict) -> int:
    out = subprocess.run([sys.executable, "-c", PEAK, *cmd], env=env, capture_output=True, text=True, check=True)
    return int(out.stdout.strip()) * 1024  # Linux reports KiB


def cells_of(path: Path) -> tuple[list, list]:
    """The workbook's distinct styles and, per sheet, its widths, row heights and cells as
    (value, style index, stored as text)."""
    from copy import copy

    from openpyxl import load_workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill

    wb = load_workbook(path)
    styles, index = [(Font(), PatternFill(), Border(), Alignment(), "General")], {(): 0}
    sheets = []
    for ws in wb.worksheets:
        rows = []
        for row in ws.iter_rows():
            out = []
            for c in row:
                key = tuple(c._style) if c.has_style else ()
                if key not in index:
                    index[key] = len(styles)
                    styles.append((copy(c.font), copy(c.fill), copy(c.border), copy(c.alignment), c.number_format))
                out.append((c.value, index[key], isinstance(c.value, str) and c.data_type == "s"
                            and c.value[:1] in "=+-@"))
            rows.append(out)
        widths = {k: d.width for k, d in ws.column_dimensions.items() if d.width}
        heights = {r: d.height for r, d in ws.row_dimensions.items() if d.height}
        sheets.append((ws.title, widths, heights, rows))
    wb.close()
    return styles, sheets


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/tsms-bench"))
    args = parser.parse_args()
    args.dir.mkdir(exist_ok=True)
    path = args.dir / f"ledger-{args.size}.sqlite3"
    if not path.exists() or scale._version(path) != scale.SCHEMA_VERSION:
        t0 = time.perf_counter()
        scale.build(path, args.size)
        print(f"built {args.size:,} complaints in {time.perf_counter() - t0:.0f} s")
    env = dict(os.environ, TSMS_DB=str(path), TSMS_NOW="2026-11-20 17:00", TSMS_USER="bench")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.xlsx"
        tsms = [sys.executable, "-m", "tsms", "report", "--month", "2026-10", "--xlsx", str(out), "--force"]
        # a write fills the ledger's calendar cache, as a clerk's daily writes keep it filled
        # (a read computes a missing year in memory and writes nothing)
        subprocess.run([sys.executable, "-m", "tsms", "config", "resolve_low", "10"], env=env,
                       stdout=subprocess.DEVNULL, check=True)
        run(tsms, env)  # warm the page cache
        data = Path(tmp) / "cells.pickle"
        styles, sheets = cells_of(out)
        with open(data, "wb") as fh:
            pickle.dump((styles, sheets), fh)
        bare = [sys.executable, "-c", BARE, str(data), str(Path(tmp) / "bare.xlsx")]
        tsms_runs, bare_runs = [], []
        for _ in range(args.runs):  # alternating, so that both meet the same machine load
            tsms_runs.append(run(tsms, env))
            bare_runs.append(run(bare, env))
        m_tsms_bytes, m_bare_bytes = peak(tsms, env), peak(bare, env)
    rows = sum(len(r) for *_, r in sheets)
    t_tsms = statistics.median(t for t, _ in tsms_runs)
    t_bare = statistics.median(t for t, _ in bare_runs)
    c_tsms = statistics.median(c for _, c in tsms_runs)
    c_bare = statistics.median(c for _, c in bare_runs)
    m_tsms = m_tsms_bytes / 2**20
    m_bare = m_bare_bytes / 2**20
    print(f"ledger {args.size:,} complaints; October 2026: {len(sheets[1][3]) - 2:,} complaints on 投诉台账, "
          f"{rows:,} rows in {len(sheets)} sheets")
    print(f"  tsms report --xlsx     {t_tsms:7.2f} s ({c_tsms:6.2f} s CPU)   peak {m_tsms:6.1f} MiB")
    print(f"  bare openpyxl          {t_bare:7.2f} s ({c_bare:6.2f} s CPU)   peak {m_bare:6.1f} MiB")
    print(f"  ratio                  {t_tsms / t_bare:7.2f}×  ({c_tsms / c_bare:.2f}× CPU)")

if __name__ == "__main__":
    main()
