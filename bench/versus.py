"""This tsms against another build of it (say the previous release), command by command, in
alternating rounds so that both meet the same machine load.

    git worktree add /tmp/prev <rev> && python3 -m venv /tmp/prev/.venv && /tmp/prev/.venv/bin/pip install /tmp/prev
    .venv/bin/python bench/versus.py /tmp/prev/.venv/bin/python [--rounds 21] [--ledger-this A --ledger-other B]

Each side gets a small ledger of its own (or the given ledgers, e.g. bench/scale.py's 1M one
built by each side). Prints the median wall and CPU (user + system) seconds of each command
as its own process, CPU relative to the other build, and each side's ratio to the floor
`python -c "import sqlmodel, typer"`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time


def run(cmd: list[str], env: dict) -> tuple[float, float]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - t0, usage.ru_utime + usage.ru_stime


def small_ledger(py: str, env: dict, complaints: int) -> None:
    tsms = [py, "-m", "tsms"]
    for args in (["init", "--site", "SH01", "--name", "基准"], ["project", "add", "P01", "--name", "工程"],
                 ["staff", "add", "张三", "--dept", "工程部"]):
        subprocess.run(tsms + args, env=env, check=True, stdout=subprocess.DEVNULL)
    for i in range(complaints):  # each a new complaint (the same one typed twice is refused)
        subprocess.run(tsms + ["log", "--project", "P01", "--category", "dust", "--content", f"扬尘{i}",
                               "--at", "2026-11-20 09:00"], env=env, check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("other", help="the other build's python (its venv has tsms installed)")
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--ledger-this")
    parser.add_argument("--ledger-other")
    args = parser.parse_args()
    sides = {}
    for name, py, ledger in (("this", sys.executable, args.ledger_this), ("other", args.other, args.ledger_other)):
        env = dict(os.environ, TSMS_NOW="2026-11-20 17:00", TSMS_USER="bench",
                   TSMS_DB=ledger or os.path.join(tempfile.mkdtemp(), "ledger.sqlite3"))
        if ledger is None:
            small_ledger(py, env, args.rounds + 2)
        subprocess.run([py, "-m", "tsms", "log", "--project", "P01", "--category", "noise", "--content", "预热",
                        "--at", "2026-11-20 09:00"], env=env, check=True, stdout=subprocess.DEVNULL)
        sides[name] = (py, env, [3])
    commands = {
        "floor": lambda py, n: [py, "-c", "import sqlmodel, typer"],
        "log": lambda py, n: [py, "-m", "tsms", "log", "--project", "P01", "--category", "dust", "--content", f"扬尘第{n}次",
                              "--at", "2026-11-20 10:00"],
        "assign": lambda py, n: [py, "-m", "tsms", "assign", f"SH01-2026-{n:05d}", "--to", "张三",
                                 "--at", "2026-11-20 11:00"],
        "show": lambda py, n: [py, "-m", "tsms", "show", "SH01-2026-00001"],
        "list --status assigned": lambda py, n: [py, "-m", "tsms", "list", "--status", "assigned"],
        "overdue": lambda py, n: [py, "-m", "tsms", "overdue"],
        "report --month": lambda py, n: [py, "-m", "tsms", "report", "--month", "2026-10"],
        "--help": lambda py, n: [py, "-m", "tsms", "--help"],
    }
    results = {(side, c): [] for side in sides for c in commands}
    for r in range(args.rounds):
        for name, command in commands.items():
            for side in (("this", "other") if r % 2 else ("other", "this")):
                py, env, counter = sides[side]
                if name == "assign":
                    counter[0] += 1
                results[(side, name)].append(run(command(py, counter[0]), env))
    med = {key: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for key, v in results.items()}
    print(f"{'command':<24}{'this wall':>10}{'other wall':>11}{'this cpu':>10}{'other cpu':>10}"
          f"{'this/other':>11}{'this×floor':>11}{'other×floor':>12}")
    for name in commands:
        (tw, tc), (ow, oc) = med[("this", name)], med[("other", name)]
        print(f"{name:<24}{tw:>10.3f}{ow:>11.3f}{tc:>10.3f}{oc:>10.3f}{tc / oc:>11.2f}"
              f"{tc / med[('this', 'floor')][1]:>11.2f}{oc / med[('other', 'floor')][1]:>12.2f}")


if __name__ == "__main__":
    main()
