"""The command line: parse, call one operation or query, render. No SQL and no rules here.

Start-up matters (a clerk types commands all day): these modules import only typer and
tsms's light modules; the storage layer, rich and holidays are imported inside the commands
that need them (a test checks ``sys.modules`` after ``tsms --help``).
"""

import gc
import sys
from typing import List

from tsms.cli import admin, aftersales, complaints, hq, office  # noqa: F401  (each registers its commands)
from tsms.cli.app import STATE, app

__all__ = ["app", "main"]


def _keep_only_invoked(argv: List[str]) -> None:
    """Typer converts every registered command into a click command at each start; a
    clerk's command needs only its own (saves ~10 ms of a ~0.4 s start). Help for the
    whole tool, or an unknown word, keeps them all."""
    i = 0
    while i < len(argv):
        word = argv[i]
        if word in ("--db", "--lang"):
            i += 2
        elif word.startswith("-"):
            i += 1
        else:
            break
    else:
        return
    wanted = argv[i]
    names = {c.name or c.callback.__name__.replace("_", "-"): c for c in app.registered_commands}
    groups = {g.name: g for g in app.registered_groups}
    if wanted in names:
        app.registered_commands, app.registered_groups = [names[wanted]], []
    elif wanted in groups:
        app.registered_commands, app.registered_groups = [], [groups[wanted]]


def main() -> None:
    # Start-up allocates hundreds of thousands of long-lived objects (SQLAlchemy, pydantic,
    # typer); letting the cyclic collector walk them costs ~10% of a clerk's command. It is
    # off until the ledger is open, then the start-up objects are frozen out of its way.
    gc.disable()
    STATE["gc_paused"] = True
    try:
        _keep_only_invoked(sys.argv[1:])
        app()
    finally:  # whichever command ran, and however it ended
        if STATE.pop("gc_paused", False):
            gc.enable()


if __name__ == "__main__":
    main()
