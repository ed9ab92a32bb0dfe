"""The README walked as a newcomer would: every shell block that starts with ``tsms `` is run,
in order, through the installed command, and none may crash (exit 70, a traceback) or fail
where the README implies success.

How the blocks are run (README: 「README 里的命令」): a block that starts with ``tsms init``
starts a new, empty ledger, and the blocks after it continue on that ledger, as a reader
following the README would; a block before any such block runs on a fresh demo ledger. The
clock (TSMS_NOW) is pinned to a December day and only moves forward: a command dated later
(``--at``) moves it to that moment, as the day the README tells of goes on. Each command is
expected to succeed (exit 0; ``overdue`` may say 1) unless its comment says it is refused
(``# refused …`` / ``# 拒绝 …``: exit 2). Commands that need something from outside the
ledger are allowed to refuse (exit 2) but never to crash: see ``OUTSIDE``. The blocks are
parsed when the test runs, so blocks added later are walked too."""

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tsms import clock

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
START = "2026-12-10 10:00"

# command (a regular expression on the line) → why it may refuse: it needs something the
# reader brings or a service outside the ledger
OUTSIDE = {
    r"^tsms import ": "reads the reader's own old ledger file",
    r"^tsms (hq|bundle)\b": "head office: another store, another machine",
    r"--notify\b(?!.*--dry-run)": "sends to WeCom / DingTalk / e-mail",
    r"^tsms (backup|restore) (/mnt|/media|[A-Z]:)": "a USB stick or another disk",
    r"^tsms attach ": "a photo the reader has",
}


def blocks(text: str) -> list[list[str]]:
    """Every fenced shell block whose first command starts with ``tsms ``: its commands, a
    line continued with a backslash joined into one, comment lines left out."""
    found = []
    for lang, body in re.findall(r"^```(\w*)[^\n]*\n(.*?)^```", text, re.M | re.S):
        if lang not in ("sh", "bash", "shell", "console", ""):
            continue
        lines, current = [], ""
        for raw in body.splitlines():
            current = f"{current} {raw.strip()}" if current else raw.strip()
            if current.endswith("\\"):
                current = current[:-1].rstrip()
                continue
            if current and not current.startswith("#"):
                lines.append(current.removeprefix("$ "))
            current = ""
        if lines and lines[0].startswith("tsms "):
            found.append(lines)
    return found


def comment(line: str) -> str:
    """The comment after a command (``# refused: …``), '' when none: the first ``#`` after a
    space outside quotes, and everything after it (quotes in a comment are just text)."""
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1].isspace()):
            return line[i:].strip()
    return ""


def moment_of(line: str):
    """The moment a command says it happened (--at), if it gives one with a date."""
    note = comment(line)
    try:
        words = shlex.split(line[: len(line) - len(note)] if note else line)
    except ValueError:
        return None
    for i, word in enumerate(words[:-1]):
        if word == "--at":
            try:
                moment, _ = clock.parse_moment(words[i + 1], reference=clock.parse_time(START))
            except Exception:
                return None
            return moment
    return None


def expected(line: str) -> set[int]:
    note = comment(line).lower()
    if "refused" in note or "拒绝" in note:
        return {2}
    if any(re.search(pattern, line) for pattern in OUTSIDE):
        return {0, 1, 2}
    if re.match(r"^tsms (overdue|hq overdue)\b", line):
        return {0, 1}
    return {0}


def test_the_readme_has_blocks_to_walk():
    found = blocks(README.read_text(encoding="utf-8"))
    assert len(found) >= 3 and any(b[0].startswith("tsms init") for b in found)
    assert comment('tsms warranty set P02 mep --years 1   # refused: below 2 years') == "# refused: below 2 years"
    assert expected('tsms warranty set P02 mep --years 1   # refused: below 2 years') == {2}
    assert expected("tsms overdue") == {0, 1} and expected("tsms import x.xlsx --project P01") == {0, 1, 2}


def test_every_readme_command_runs_from_the_installed_command(tmp_path):
    tsms = Path(sys.executable).with_name("tsms")
    assert tsms.exists(), "the tsms command is installed in the venv (pip install -e .)"
    from test_import import BAD, GOOD, write_xlsx

    write_xlsx(tmp_path / "旧台账.xlsx", GOOD + [BAD])  # what a reader brings to `tsms import`
    env = {k: v for k, v in os.environ.items() if not k.startswith("TSMS_") and k not in ("NO_COLOR", "COLUMNS")}
    env["PATH"] = f"{tsms.parent}{os.pathsep}{env.get('PATH', '')}"
    env["TSMS_USER"] = "资料员"
    # a block may say `tsms demo` (the user data directory) or write to ~: both stay in tmp
    env["HOME"] = env["XDG_DATA_HOME"] = str(tmp_path / "home")
    (tmp_path / "home").mkdir()
    now = clock.parse_time(START)
    ledger = None
    ran = []
    for n, block in enumerate(blocks(README.read_text(encoding="utf-8"))):
        if block[0].startswith("tsms init"):
            ledger = tmp_path / f"ledger-{n}.sqlite3"
        elif ledger is None:
            ledger = tmp_path / f"demo-{n}.sqlite3"
            subprocess.run([str(tsms), "demo", "--db", str(ledger)], env={**env, "TSMS_NOW": START},
                           capture_output=True, check=True)
        for line in block:
            if not line.startswith("tsms "):
                continue
            at = moment_of(line)
            if at is not None and at > now:
                now = at
            r = subprocess.run(["bash", "-c", line], cwd=tmp_path, capture_output=True, text=True, encoding="utf-8",
                               env={**env, "TSMS_DB": str(ledger), "TSMS_NOW": now.strftime("%Y-%m-%d %H:%M")})
            said = r.stdout + r.stderr
            assert "Traceback" not in said and r.returncode != 70, (line, said)
            assert r.returncode in expected(line), (line, r.returncode, said)
            if r.returncode == 0:
                assert r.stdout.strip(), (line, "says nothing")
            else:
                assert len(r.stderr.strip().splitlines()) <= 1, (line, r.stderr)
            ran.append(line)
    assert len(ran) >= 20
