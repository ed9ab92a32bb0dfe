"""The installed command as cron and a clerk's shell run it: separate processes."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


def tsms_exe() -> str:
    exe = BIN / ("tsms.exe" if os.name == "nt" else "tsms")
    if not exe.exists():
        pytest.skip("the tsms console script is not installed next to this interpreter")
    return str(exe)


def run(args, env, **kw):
    return subprocess.run([tsms_exe(), *args], env=env, capture_output=True, text=True, encoding="utf-8", **kw)


def test_help_imports_no_database_or_heavy_libraries():
    code = (
        "import sys\n"
        "sys.argv = ['tsms', '--help']\n"
        "from tsms.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('sqlalchemy', 'sqlmodel', 'openpyxl', 'holidays', 'rich.console') if m in sys.modules]\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8")
    assert "HEAVY []" in proc.stderr, proc.stderr
    assert "overdue" in proc.stdout


def test_bare_cron_environment(tmp_path):
    """cron: no HOME, no LANG, no TERM; output to a pipe; exit code says what is late."""
    env = {"PATH": os.defpath, "TSMS_DB": str(tmp_path / "l.sqlite3"), "TSMS_NOW": "2026-10-12 07:00"}
    assert run(["init", "--site", "SH01", "--name", "工地"], env).returncode == 0
    assert run(["project", "add", "P01", "--name", "工程"], env).returncode == 0
    assert run(["staff", "add", "张三", "--dept", "工程部"], env).returncode == 0
    logged = run(["log", "--category", "noise", "--content", "夜间打桩", "--at", "2026-09-29 23:10"], env)
    assert logged.returncode == 0 and logged.stdout.strip() == "SH01-2026-00001"
    assert run(["assign", "SH01-2026-00001", "--to", "张三", "--at", "2026-09-30 08:30"], env).returncode == 0
    assert run(["resolve", "SH01-2026-00001", "--result", "停工", "--at", "2026-09-30 15:00"], env).returncode == 0
    late = run(["overdue"], env)
    assert late.returncode == 1, late.stderr
    assert "SH01-2026-00001" in late.stdout and "\x1b[" not in late.stdout
    lines = late.stdout.splitlines()
    assert lines[0] == "# 截至 2026-10-12:逾期 1 项"  # the mail says as of when; a script skips '#'
    # due Friday 10-09: late 3 days, 2 of them working days (the make-up Saturday 10-10, Monday 10-12)
    assert lines[2].split("\t")[:7] == ["回访", "SH01-2026-00001", "P01", "2026-10-09", "2", "3", "逾期"]
    items = json.loads(run(["overdue", "--json"], env).stdout)
    assert items[0]["days_late"] == 3
    bad = run(["overdue", "--as-of", "tomorrow-ish"], env)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr


def test_python_dash_m(tmp_path):
    env = dict(os.environ, TSMS_DB=str(tmp_path / "x.sqlite3"))
    proc = subprocess.run([sys.executable, "-m", "tsms", "--version"], env=env, capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.startswith("tsms ")


def test_hostile_input_through_the_installed_command(site):
    """A sample of the hostile input of test_hostile and test_inputs through the console
    script itself (main(): the argv check, the error boundary, the exit code), the processes
    run side by side: one line on stderr, exit 2, the ledger unchanged."""
    from conftest import dump

    big_cell = site / "big-cell.csv"
    big_cell.write_text("投诉时间,投诉内容\n2025-03-01," + "长" * 131_073 + "\n", encoding="utf-8")
    huge = "1" + "0" * 30
    cases = [
        ["list", "--limit", huge],
        ["report", "--month", "9999-12"],
        ["notify", "--", "-" + huge],
        ["log", "--category", "noise", "--content", "噪声", "--at", "0001-01-01"],
        ["import", str(big_cell), "--project", "P01"],
        ["backup", "a" * 5000],
    ]
    env = dict(os.environ, HOME=str(site))
    before = dump(site)
    procs = [subprocess.Popen([tsms_exe(), *args], env=env, cwd=site, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, encoding="utf-8") for args in cases]
    for args, proc in zip(cases, procs):
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 2, (args[:3], proc.returncode, err)
        assert err.count("\n") == 1 and err.startswith("tsms: ") and "Traceback" not in out + err, (args[:3], err)
        assert len(err) < 400, (args[:3], err)
    assert dump(site) == before
