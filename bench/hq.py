"""Head office at scale: 200 site bundles of 5,000 complaints each (1,000,000 in all) imported
into PostgreSQL, then `hq report --month` and `hq overdue` on the million.

    .venv/bin/python bench/hq.py                        # 200 × 5,000, a throwaway PostgreSQL
    .venv/bin/python bench/hq.py --sites 20 --size 2000 # smaller
    .venv/bin/python bench/hq.py --pg postgresql+psycopg://tsms@db/tsms_bench   # a server of yours (an empty DB)

The site ledgers are built in bulk by bench/scale.py's generator (ten years of complaints,
the last weeks in every state, hash-chained events that pass `tsms check`), one per site
code S001…, with 50 complaints of each site in October 2026 (10,000 for the company at 200
sites); they and their bundles are kept in bench/out/hq/ and reused. Each `tsms hq import`
is its own process (start-up, verification — sha256, the site's check — and loading), timed
by the wall clock; the reports are medians of --runs runs. Without --pg a throwaway
PostgreSQL is started as .ci/run does (fsync off: the figures are for the work, not the disk).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scale  # noqa: E402  (the bulk generator)

OUT = Path(__file__).resolve().parent / "out" / "hq"
TSMS = Path(sys.executable).with_name("tsms")
MONTH, AS_OF = "2026-10", "2026-11-20"


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def start_postgres() -> tuple[str, callable]:
    bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    initdb = bins[-1] if bins else Path(shutil.which("initdb") or "initdb")
    pg_ctl = initdb.with_name("pg_ctl")
    folder = Path(tempfile.mkdtemp(prefix="tsms-bench-pg."))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    subprocess.run(_as_postgres([str(initdb), "-D", f"{folder}/data", "-A", "trust", "-U", "postgres", "-E", "UTF8",
                                 "--no-sync"]), check=True, capture_output=True)
    options = (f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off -c full_page_writes=off "
               f"-c synchronous_commit=off -c shared_buffers=256MB -c max_wal_size=4GB")
    subprocess.run(_as_postgres([str(pg_ctl), "-D", f"{folder}/data", "-l", f"{folder}/log", "-w", "-o", options,
                                 "start"]), check=True, capture_output=True)
    import psycopg

    with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres", autocommit=True) as con:
        con.execute("CREATE DATABASE tsms_hq_bench")

    def stop():
        subprocess.run(_as_postgres([str(pg_ctl), "-D", f"{folder}/data", "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)

    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/tsms_hq_bench", stop


def bundles(sites: int, size: int) -> list[Path]:
    """One ledger and one bundle per site, built once (reused while the schema is the same)."""
    from tsms.store import bundle, engine

    ledgers, outbox = OUT / f"ledgers-{size}", OUT / f"bundles-{size}"
    ledgers.mkdir(parents=True, exist_ok=True)
    outbox.mkdir(parents=True, exist_ok=True)
    made = []
    started = time.perf_counter()
    for n in range(1, sites + 1):
        code = f"S{n:03d}"
        found = sorted(outbox.glob(f"{code}-*.tsms"))
        if found:
            made.append(found[-1])
            continue
        path = ledgers / f"{code}.sqlite3"
        if not path.exists() or scale._version(path) != scale.SCHEMA_VERSION:
            scale.build(path, size, seed=n, busy_month=50, site=code)
        ledger = engine.open_existing(str(path))
        made.append(Path(bundle.bundle(ledger, str(outbox))["bundle"]))
        ledger.close()
        if n % 20 == 0:
            print(f"  {n} sites built and bundled ({time.perf_counter() - started:.0f} s)", flush=True)
    return made


CPU: list[float] = []  # the CPU seconds (user + system) of each process timed, beside its wall time


def timed(cmd: list[str], env: dict, ok=(0,)) -> float:
    """The wall time of ``cmd`` as its own process; its CPU time goes to CPU."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    r = subprocess.run(cmd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    if r.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd)} → {r.returncode}\n{r.stderr}")
    return elapsed


def measured(cmd: list[str], env: dict, runs: int, ok=(0,)) -> str:
    """Median wall and CPU seconds of ``runs`` runs."""
    walls, cpus = [], []
    for _ in range(runs):
        walls.append(timed(cmd, env, ok))
        cpus.append(CPU[-1])
    return f"{statistics.median(walls):.2f} s (CPU {statistics.median(cpus):.2f} s)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=200)
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pg", help="a PostgreSQL URL (an empty database); default: a throwaway server")
    args = parser.parse_args()

    print(f"building {args.sites} site ledgers of {args.size:,} complaints and their bundles …", flush=True)
    made = bundles(args.sites, args.size)
    size_mb = statistics.median(p.stat().st_size for p in made) / 1e6
    url, stop = (args.pg, lambda: None) if args.pg else start_postgres()
    try:
        env = {**os.environ, "TSMS_HQ": url, "TSMS_NOW": f"{AS_OF} 08:00", "TSMS_USER": "bench"}
        subprocess.run([str(TSMS), "hq", "init", "--company", "基准公司"], env=env, check=True, capture_output=True)
        times, cpus = [], []
        started = time.perf_counter()
        for n, path in enumerate(made, 1):
            times.append(timed([str(TSMS), "hq", "import", str(path)], env))
            cpus.append(CPU[-1])
            if n % 20 == 0:
                print(f"  {n} imported ({time.perf_counter() - started:.0f} s)", flush=True)
        floor = measured([sys.executable, "-c", "import sqlmodel, typer"], env, args.runs)
        again = measured([str(TSMS), "hq", "import", str(made[0])], env, args.runs)
        report = measured([str(TSMS), "hq", "report", "--month", MONTH, "--as-of", AS_OF, "--json"], env, args.runs)
        overdue = measured([str(TSMS), "hq", "overdue", "--as-of", AS_OF, "--json"], env, args.runs, ok=(0, 1))
        status = measured([str(TSMS), "hq", "status", "--json"], env, args.runs)
        late = subprocess.run([str(TSMS), "hq", "overdue", "--as-of", AS_OF, "--json"], env=env,
                              capture_output=True, text=True).stdout.count('"late": true')
    finally:
        stop()
    total = args.sites * args.size
    print(f"\n{args.sites} sites × {args.size:,} complaints = {total:,} in PostgreSQL (bundles of {size_mb:.1f} MB)")
    print("wall time (CPU time of the tsms process, PostgreSQL's own work not included)")
    print(f"floor `import sqlmodel, typer`        {floor}")
    print(f"hq import, one bundle (its process)   median {statistics.median(times):.2f} s "
          f"(CPU {statistics.median(cpus):.2f} s), max {max(times):.2f} s, first {times[0]:.2f} s, "
          f"last {times[-1]:.2f} s; all {sum(times):.0f} s")
    print(f"hq import of a bundle held already    {again}")
    print(f"hq report --month {MONTH}              {report}")
    print(f"hq overdue ({late:,} late)             {overdue}")
    print(f"hq status                             {status}")


if __name__ == "__main__":
    main()
