"""Input checks shared by every operation: who acts, typed text, moments that may not lie in
the future or before the step they follow. Raise TsmsError (exit 2) with one line."""

from __future__ import annotations

import datetime as dt
import getpass
import os
import unicodedata

from tsms import clock
from tsms.errors import TsmsError
from tsms.vocab import t

SHORT, LONG = 200, 4000


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


def not_future(at: dt.datetime, now: dt.datetime, option: str = "--at") -> dt.datetime:
    if at > now + clock.FUTURE_TOLERANCE:
        raise TsmsError(
            t("{o} {a} 在将来(现在是 {n})", "{o} {a} is in the future (now is {n})",
              o=option, a=clock.short(at), n=clock.short(now))
        )
    return at


def happened_at(text: str | None, now: dt.datetime, after: dt.datetime | None = None,
                what: str | None = None) -> dt.datetime:
    """The moment an action happened: --at (default ``now``), never in the future and never
    before the previous step (``after``). A bare date on the previous step's day means
    that step's moment."""
    at = now if text is None else clock.parse_time(text, "--at", reference=now)
    if text is not None and after is not None and clock.is_bare_date(text) and at.date() == after.date():
        at = after
    not_future(at, now)
    if after is not None and at < after:
        what = what or t("上一步", "previous step")
        raise TsmsError(
            t("--at {a} 早于上一步({w} {p})", "--at {a} is before the previous step ({w} at {p})",
              a=clock.short(at), w=what, p=clock.short(after))
        )
    return at


def normalise_number(text: str | None) -> str:
    """A number as typed (complaint, claim, rectification, plan item): full-width forms
    folded (ＳＨ０１ → SH01), spaces trimmed, letters upper-case — the one way every
    command reads a number."""
    return unicodedata.normalize("NFKC", text or "").strip().upper()
