"""The README stays true: its two commands, and every command of the tool."""

import re
from pathlib import Path

from tsms.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_test_command_is_what_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert f"    {ci}\n" in README


def test_readme_shows_the_demo_command():
    assert "pip install . && .venv/bin/tsms demo" in README


def test_every_command_is_in_the_readme():
    names = [c.name or c.callback.__name__.replace("_", "-") for c in app.registered_commands]
    names += [g.name for g in app.registered_groups]
    missing = [n for n in names if not re.search(rf"`{n}[ `]", README)]
    assert not missing, missing
