"""How fast a clerk's commands answer, against the floor `python -c "import sqlmodel, typer"`.

Run with the virtual environment's own interpreter (a version-manager shim in front of
python3 adds ~0.1 s to every start):

    .venv/bin/python bench/clerk.py [--runs 11]

Each command runs as its own process, as a clerk types it, with stdout to a pipe; the
figure is the median wall time. The target (issue 2): log, show and assign within 1.3×
the floor.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(cmd: list[str], env: dict, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        samples.append(time.perf_counter() - start)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.decode()}")
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    py = sys.executable
    tsms = [py, "-m", "tsms"]
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, TSMS_DB=str(Path(tmp) / "bench.sqlite3"), TSMS_USER="bench", TSMS_LANG="zh")
        run = lambda *a: subprocess.run([*tsms, *a], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: E731
        run("init", "--site", "SH01", "--name", "基准")
        run("project", "add", "P01", "--name", "基准工程")
        run("staff", "add", "张三", "--dept", "工程部")
        for i in range(args.runs + 2):
            run("log", "--category", "noise", "--content", f"第{i}件", "--at", "2026-09-29 10:00")
        counter = iter(range(2, 10_000))
        typed = iter(range(10_000))  # each timed log a new complaint (the same one twice is refused)
        commands = {
            "log": lambda: [*tsms, "log", "--category", "dust", "--content", f"扬尘{next(typed)}", "--from", "李女士",
                            "--contact", "13812345678", "--at", "2026-10-09 09:00"],
            "assign": lambda: [*tsms, "assign", f"SH01-2026-{next(counter):05d}", "--to", "张三",
                               "--at", "2026-09-30 08:30"],
            "show": lambda: [*tsms, "show", "SH01-2026-00001"],
            "help": lambda: [*tsms, "--help"],
        }
        floor = timed([py, "-c", "import sqlmodel, typer"], env, args.runs)
        print(f"python {sys.version.split()[0]}  runs={args.runs}  (median wall time per process)")
        print(f"{'command':<10}{'seconds':>9}{'× floor':>9}")
        print(f"{'floor':<10}{floor:>9.3f}{1:>9.2f}")
        for name, build in commands.items():
            samples = []
            for _ in range(args.runs):
                start = time.perf_counter()
                subprocess.run(build(), env=env, check=True, stdout=subprocess.PIPE)
                samples.append(time.perf_counter() - start)
            m = statistics.median(samples)
            print(f"{name:<10}{m:>9.3f}{m / floor:>9.2f}")


if __name__ == "__main__":
    main()
