"""Input checks shared by every operation: who acts, typed text, whole numbers, files named
on the command line, moments that may not lie in the future or before the step they follow.
Raise TsmsError (exit 2) with one line. (Dates, months and years: tsms.clock.)"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import re
import unicodedata
from pathlib import Path

from tsms import clock
from tsms.errors import TsmsError, shown
from tsms.vocab import t

SHORT, LONG = 200, 4000

# The whole numbers the commands take, each with the range it accepts (every one fits
# SQLite's 64-bit integer). The command line checks them as it parses (tsms.cli.app.whole);
# the operations check their own again.
ROWS = (0, 1_000_000_000)          # list --limit (0: all)
AHEAD = (0, 366)                   # overdue --within: working days ahead, as the settings
PLAN_ITEM = (1, 1_000_000_000)     # plan --edit, notify, revisit --plan-item
TERM_YEARS = (1, 200)              # warranty set --years, project add --design-life
TERM_SEASONS = (1, 50)             # warranty set --seasons: heating or cooling periods
LIABILITY_YEARS = (1, 2)           # project add --liability-years (建质〔2017〕138号: at most 2)

_WHOLE = re.compile(r"[+-]?[0-9]+")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９＋－", "0123456789+-")


def actor(by: str | None) -> str:
    """Who acts: --by, else TSMS_USER, else the login name (SPEC §7)."""
    if by is not None:
        return clean(by, "--by", required=True)
    env = os.environ.get("TSMS_USER")
    if env:
        return clean(env, "TSMS_USER", required=True)
    try:
        return getpass.getuser()
    except Exception:  # a bare environment with no login name
        return "unknown"


def clean(
    value: str | None, option: str, *, required: bool = False, limit: int = SHORT, multiline: bool = False
) -> str | None:
    """A typed string, stripped; refused when empty (if required), too long or carrying
    control characters (a line break is allowed in long texts)."""
    if value is None or not value.strip():
        if required:
            raise TsmsError(t("{o} 不能为空", "{o} must not be empty", o=option))
        return None
    value = value.strip()
    if len(value) > limit:
        raise TsmsError(
            t("{o} 太长({n} 字),最多 {m} 字", "{o} is too long ({n} characters); at most {m}",
              o=option, n=len(value), m=limit)
        )
    allowed = "\n\t" if multiline else ""
    for ch in value:
        if ch not in allowed and unicodedata.category(ch) in ("Cc", "Cs"):
            raise TsmsError(
                t("{o} 含有控制字符 {c!r};只能是可打印文字", "{o} contains the control character {c!r}; only printable text is accepted",
                  o=option, c=ch)
            )
    return value


def whole_number(value, option: str, low: int, high: int) -> int:
    """A whole number as typed (ASCII or full-width digits, an optional sign) within
    ``low``–``high``; refused, naming the range, when it is not one or lies outside."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        value = str(value)
    if isinstance(value, str):
        text = value.strip().translate(_FULL_WIDTH)
        if not _WHOLE.fullmatch(text):
            raise TsmsError(t("{o} 的值「{v}」不是整数;可用 {a}–{b}", "{o}: {v!r} is not a whole number; accepted: {a} to {b}",
                              o=option, v=shown(value), a=low, b=high))
        digits = text.lstrip("+-").lstrip("0")
        # beyond 20 digits it is out of any range here: not converted (int() of a long string is slow)
        number = int(text) if len(digits) <= 20 else (high + 1 if text[0] != "-" else low - 1)
    else:
        number = value
    if not low <= number <= high:
        raise TsmsError(t("{o} 的值 {v} 超出范围;可用 {a}–{b}", "{o}: {v} is out of range; accepted: {a} to {b}",
                          o=option, v=shown(value), a=low, b=high))
    return number


def usable_path(value: str | None, option: str) -> Path:
    """A file or folder named on the command line (``~`` expanded), refused in one line when
    it is empty or the system cannot even look it up (a name too long, a NUL byte, a folder
    that may not be searched). Whether it exists is the caller's question."""
    if value is None or not str(value).strip():
        raise TsmsError(t("{o} 不能为空", "{o} must not be empty", o=option))
    try:
        path = Path(value).expanduser()
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        pass
    except (OSError, ValueError, RuntimeError) as exc:  # RuntimeError: ~user with no such user
        reason = getattr(exc, "strerror", None) or str(exc)
        raise TsmsError(t("{o} {p} 无法使用:{e}", "{o} {p}: cannot be used: {e}", o=option, p=shown(value), e=reason)) from None
    return path


def not_future(at: dt.datetime, now: dt.datetime, option: str = "--at") -> dt.datetime:
    if at > now + clock.FUTURE_TOLERANCE:
        raise TsmsError(
            t("{o} {a} 在将来(现在是 {n})", "{o} {a} is in the future (now is {n})",
              o=option, a=clock.short(at), n=clock.short(now))
        )
    return at


def happened(text: str | None, now: dt.datetime, after: dt.datetime | None = None,
             what: str | None = None) -> tuple[dt.datetime, bool]:
    """The moment an action happened and whether its time of day is known: --at (default
    ``now``), never in the future and never before the previous step (``after``). A date
    without a time is that day with the time unknown (midnight); on the previous step's
    day it means that step's moment."""
    at, known = (now, True) if text is None else clock.parse_moment(text, "--at", reference=now)
    if not known and after is not None and at.date() == after.date():
        at = after
    not_future(at, now)
    if after is not None and at < after:
        what = what or t("上一步", "previous step")
        raise TsmsError(
            t("--at {a} 早于上一步({w} {p})", "--at {a} is before the previous step ({w} at {p})",
              a=clock.short(at) if known else at.date().isoformat(), w=what,
              # a step recorded at midnight was a day typed alone: shown as that day
              p=after.date().isoformat() if after.time() == dt.time() else clock.short(after))
        )
    return at, known


def untimed_mark(known: bool, *fields: str) -> dict:
    """An event's mark for the moments it set from a date typed without a time (``--at
    2026-11-20``, see :func:`happened`): those fields hold the day's midnight (or the previous
    step's moment on its day), and are shown as the day alone (queries.complaints and
    queries.aftersales read the mark)."""
    return {} if known else {"untimed": list(fields)}


def happened_at(text: str | None, now: dt.datetime, after: dt.datetime | None = None,
                what: str | None = None) -> dt.datetime:
    """The moment an action happened (see happened)."""
    return happened(text, now, after, what)[0]


def normalise_number(text: str | None) -> str:
    """A number as typed (complaint, claim, rectification, plan item): full-width forms
    folded (ＳＨ０１ → SH01), spaces trimmed, letters upper-case — the one way every
    command reads a number."""
    return unicodedata.normalize("NFKC", text or "").strip().upper()
