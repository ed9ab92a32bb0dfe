"""Turning answers into output: rich tables on a terminal; plain, tab-separated, uncut lines
with no colour codes for a pipe or cron; one JSON document with --json."""

from __future__ import annotations

import json
import sys

from tsms.fields import COMPLAINT_FIELDS
from tsms.vocab import (
    Category,
    Channel,
    RevisitMethod,
    Role,
    Satisfaction,
    Status,
    StepKind,
    SubjectState,
    Urgency,
    ProjectKind,
    lang,
    t,
)

# field → (中文, English): the complaint's from tsms.fields, and the other records' here
FIELDS = {
    **{f.key: (f.zh, f.en) for f in COMPLAINT_FIELDS},
    "due": ("期限", "due"),
    "days_late": ("逾期天数", "days late"),
    "kind": ("环节", "step"),
    "name": ("姓名", "name"),
    "dept": ("部门", "department"),
    "role": ("职务", "role"),
    "phone": ("电话", "phone"),
    "code": ("代码", "code"),
    "region": ("地区", "region"),
    "client": ("建设单位", "client"),
    "completed_on": ("竣工验收日期", "completion accepted"),
    "design_life": ("合理使用年限", "design life"),
    "at": ("时间", "at"),
    "actor": ("操作人", "by"),
    "action": ("操作", "action"),
    "details": ("内容", "details"),
}

ENUMS = {
    "status": Status, "channel": Channel, "category": Category, "urgency": Urgency,
    "satisfaction": Satisfaction, "kind": StepKind, "role": Role, "method": RevisitMethod,
    "project_kind": ProjectKind, "voided_from": Status,
}

def label(field: str) -> str:
    zh, en = FIELDS.get(field, (field, field.replace("_", " ")))
    return zh if lang() == "zh" else en


def value_text(field: str, value) -> str:
    """A value as a person reads it: enum labels, 是/否, times without seconds and offset."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return t("是", "yes") if value else t("否", "no")
    enum = ENUMS.get(field)
    if enum is not None:
        for vocab in (enum, SubjectState) if field == "status" else (enum,):
            try:
                return vocab(value).label
            except ValueError:
                continue
        return str(value)
    if isinstance(value, str) and len(value) == 25 and value[10] == "T" and value.endswith("+08:00"):
        return value[:16].replace("T", " ")
    return str(value)


def region_text(code: str | None, name: str | None) -> str:
    """A region as a person reads it: its name (上海) in Chinese, its code (shanghai) in English."""
    if not code:
        return ""
    return t(name or code, code)


def is_terminal() -> bool:
    return sys.stdout.isatty()


def console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def _json_default(value):
    import datetime as dt

    if isinstance(value, dt.datetime):
        from tsms.clock import iso

        return iso(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def print_json(data) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=_json_default) + "\n")


def line(text: str) -> None:
    sys.stdout.write(text + "\n")


def table(title: str | None, columns: list[str], rows: list[list[str]], footer: str | None = None,
          kinds: list[str] | None = None, styles: list | None = None, optional: list[int] | None = None,
          room: int = 8) -> None:
    """A table on a terminal, fitted to its width; tab-separated lines with a header
    elsewhere (never cut, never coloured).

    ``kinds`` says, per column, how a cell may give way on a narrow terminal: ``keep`` (a
    number, a date, a name: never broken), ``words`` (broken only at a space or between CJK
    characters), ``spaces`` (broken only at a space: a name and a phone number), ``cut``
    (free text: one line, shortened with an ellipsis). ``styles`` gives
    each row a colour for what needs attention: a style name for the whole row, or a dict
    {column: style}, or None. ``optional`` names the columns a narrow terminal may leave
    out, first the first, so that each row stays one line (a pipe always gets them all);
    ``room``: the width the free text should keep before an optional column may stay."""
    if not is_terminal():
        line("\t".join(columns))
        for row in rows:
            line("\t".join(_one_line(cell) for cell in row))
        if footer:
            line(footer)
        return
    out = fit_table(title, columns, [[_one_line(c) for c in row] for row in rows], footer,
                    kinds or [WORDS] * len(columns), styles or [None] * len(rows), terminal_width(), colour(),
                    optional or [], room)
    sys.stdout.write("".join(text + "\n" for text in out))


KEEP, WORDS, SPACES, CUT = "keep", "words", "spaces", "cut"
GAPS = (2, 1)  # spaces between columns: two when the table fits so, else one
CUT_MIN = 8  # a free-text column is not narrowed below this (or its header)
WORDS_MIN = 8  # nor a column of labels
ANSI = {"late": "31", "serious": "1;31", "provisional": "33", "soon": "33", "header": "1"}
_COLOUR = {"off": False}


def no_colour() -> None:
    """--no-color: plain text even on a terminal."""
    _COLOUR["off"] = True


def colour() -> bool:
    """Colour only on a terminal, and never with NO_COLOR set to a non-empty value (no-color.org) or --no-color."""
    import os

    return not _COLOUR["off"] and not os.environ.get("NO_COLOR") and is_terminal()


def terminal_width() -> int:
    import shutil

    return max(20, shutil.get_terminal_size((80, 24)).columns)


def char_width(ch: str) -> int:
    import unicodedata

    if unicodedata.combining(ch) or ch in "\u200b\u200d\ufe0f":
        return 0
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def width(text: str) -> int:
    """Display width: a CJK (wide or full-width) character counts two columns."""
    if text.isascii():
        return len(text)
    return sum(char_width(ch) for ch in text)


# Chinese line-breaking (行首行尾禁则, GB/T 15834 and W3C clreq): no line starts with a
# closing mark, no line ends with an opening one
CLOSING = set(",。、;:?!)」』》〉】〕〗”’…·%‰,.;:?!)]}>»°")
OPENING = set("(「『《〈【〔〖“‘([{<«")


def _pieces(text: str, cjk: bool = True) -> list[str]:
    """The unbreakable pieces of a ``words`` cell: runs of narrow characters between spaces,
    and each wide character on its own (with ``cjk``; else a run of them too), a closing
    mark kept with what it closes and an opening mark with what it opens. A space is kept
    as its own piece (" ")."""
    out: list[str] = []
    for piece in _raw_pieces(text, cjk):
        if out and piece != " " and out[-1] != " " and (piece[0] in CLOSING or out[-1][-1] in OPENING):
            out[-1] += piece
        else:
            out.append(piece)
    return out


def _raw_pieces(text: str, cjk: bool) -> list[str]:
    out: list[str] = []
    run = ""
    for ch in text:
        if ch == " ":
            if run:
                out.append(run)
            out.append(" ")
            run = ""
        elif cjk and char_width(ch) == 2:
            if run:
                out.append(run)
            out.append(ch)
            run = ""
        else:
            run += ch
    if run:
        out.append(run)
    return out


def _widest_piece(text: str, cjk: bool = True) -> int:
    return max((width(p) for p in _pieces(text, cjk) if p != " "), default=0)


def wrap(text: str, limit: int, rest: int | None = None, cjk: bool = True) -> list[str]:
    """``text`` in lines of at most ``limit`` columns (``rest`` for the lines after the
    first), broken only at spaces and (with ``cjk``) between wide characters (a piece wider
    than the limit stays whole on its own line)."""
    lines: list[str] = []
    current, used = "", 0
    for piece in _pieces(text, cjk):
        if lines and rest is not None:
            limit = rest
        if piece == " ":
            if current and used + 1 <= limit:
                current, used = current + " ", used + 1
            elif current:
                lines.append(current.rstrip())
                current, used = "", 0
            continue
        w = width(piece)
        if used + w > limit and current.strip():
            cut = _phrase_end(current, limit) if cjk and char_width(piece[0]) == 2 else None
            if cut is not None:  # a phrase ends near the line's end: break there, not inside a word (处理期/限)
                lines.append(current[:cut].rstrip())
                current = current[cut:]
                used = width(current)
            else:
                lines.append(current.rstrip())
                current, used = "", 0
        current, used = current + piece, used + w
    if current.strip() or not lines:
        lines.append(current.rstrip())
    return lines


_PHRASE_ENDS = "\uff0c\uff1b\uff1a\u3001\u3002,;:"  # ，；：、。 and their narrow forms


def _phrase_end(line: str, limit: int) -> int | None:
    """Where ``line`` (about to be broken between two Chinese characters) may rather end:
    just after its last phrase mark (,;:、。), when what follows the mark is short (at most
    ten columns and a third of the line) and holds no space (a space is a break already)."""
    for k in range(len(line) - 1, 0, -1):
        if line[k] in _PHRASE_ENDS:
            tail = line[k + 1:]
            if tail and " " not in tail and width(tail) <= min(10, limit // 3):
                return k + 1
            return None
    return None


def shorten(text: str, limit: int) -> str:
    """One line of at most ``limit`` columns, ending in … when cut."""
    if width(text) <= limit:
        return text
    out, used = "", 0
    for ch in text:
        w = char_width(ch)
        if used + w > limit - 1:
            break
        out, used = out + ch, used + w
    return out + "…"


def _pad(text: str, size: int) -> str:
    return text + " " * max(0, size - width(text))


def fit_table(title, columns, rows, footer, kinds, styles, limit: int, coloured: bool,
              optional: list[int] | tuple = (), room: int = 8) -> list[str]:
    """The lines of a table fitted to ``limit`` columns (see :func:`table`). Optional columns
    are left out, in their order, while the rows would not fit one line each; when even the
    narrowest layout is too wide, the free-text columns go on a line of their own under each
    row, shortened to the width."""
    if optional:
        def one_line(keep):  # each cell on one line, a header wrapped to no less than 4 columns
            need = [max([_widest_piece(columns[i]), min(width(columns[i]), 4)]
                        + [width(r[i]) if kinds[i] != CUT else min(width(r[i]), max(room, CUT_MIN)) for r in rows])
                    for i in keep]
            return sum(need) + GAPS[-1] * (len(keep) - 1) <= limit

        keep = list(range(len(columns)))
        for i in optional:
            if one_line(keep):
                break
            keep.remove(i)
        if len(keep) < len(columns):
            pick = lambda seq: [seq[i] for i in keep]  # noqa: E731
            styles = [{keep.index(k): v for k, v in s.items() if k in keep} if isinstance(s, dict) else s
                      for s in styles]
            columns, kinds, rows = pick(columns), pick(kinds), [pick(r) for r in rows]
    n = len(columns)
    natural = [max([width(columns[i])] + [width(r[i]) for r in rows]) for i in range(n)]
    head_min = [_widest_piece(c) for c in columns]
    minimum = []
    for i, kind in enumerate(kinds):
        if kind == KEEP:  # a header wraps to no fewer than two CJK characters a line
            minimum.append(max([head_min[i], min(width(columns[i]), 4)] + [width(r[i]) for r in rows]))
        elif kind == CUT:
            minimum.append(min(natural[i], max(head_min[i], CUT_MIN)))
        elif kind == SPACES:
            minimum.append(max([head_min[i]] + [_widest_piece(r[i], cjk=False) for r in rows]))
        else:  # no narrower than four CJK characters: a column of one character a line reads badly
            minimum.append(max([head_min[i], min(natural[i], WORDS_MIN)] + [_widest_piece(r[i]) for r in rows]))
    shown = list(range(n))
    below: list[int] = []
    for gap in GAPS:
        if sum(minimum) + gap * (n - 1) <= limit:
            break
    else:  # too narrow even so: the free text under each row
        below = [i for i in range(n) if kinds[i] == CUT]
        shown = [i for i in range(n) if kinds[i] != CUT]
        gap = GAPS[-1]
    if gap != GAPS[-1] and sum(natural) + gap * (n - 1) > limit >= sum(natural) + GAPS[-1] * (n - 1):
        gap = GAPS[-1]  # one space between columns keeps every cell whole
    soft = list(minimum)  # every header word whole
    if sum(minimum[i] for i in shown) + gap * (len(shown) - 1) > limit:
        # still too wide: a header word may be shortened (…) to its column's cells
        for i in shown:
            cells = max([width(r[i]) if kinds[i] == KEEP else _widest_piece(r[i]) for r in rows], default=0)
            minimum[i] = max(cells, min(minimum[i], 4))
    # last of all, a long word after a name (an e-mail address) may be shortened (…): never
    # the name, never below a phone number's width
    spaced_floor = {i: max([head_min[i], 11] + [width(r[i].split(" ")[0]) for r in rows])
                    for i in shown if kinds[i] == SPACES}
    widths = {i: natural[i] for i in shown}
    excess = sum(widths.values()) + gap * (len(shown) - 1) - limit
    # a free text shortened, then headers and labels wrapped, then a header word shortened
    for group, floor in ((CUT, minimum), (SPACES, minimum), (KEEP, soft), (WORDS, soft), (KEEP, minimum),
                         (WORDS, minimum), (SPACES, [spaced_floor.get(i, m) for i, m in enumerate(minimum)])):
        while excess > 0:
            candidates = [i for i in shown if kinds[i] == group and widths[i] > floor[i]]
            if not candidates:
                break
            widest = max(candidates, key=lambda i: widths[i])
            step = min(excess, widths[widest] - floor[widest]) if group == CUT else 1
            widths[widest] -= step
            excess -= step

    def paint(text: str, style) -> str:
        return f"\x1b[{ANSI[style]}m{text}\x1b[0m" if coloured and style and text.strip() else text

    def render_row(cells: list[str], kinds_used, style, header=False) -> list[str]:
        columns_lines = []
        for i in shown:
            if kinds_used[i] == CUT and not header:
                columns_lines.append([shorten(cells[i], widths[i])])
            elif kinds_used[i] == KEEP and not header:
                columns_lines.append([cells[i]])
            elif kinds_used[i] == SPACES and not header:
                columns_lines.append([shorten(piece, widths[i]) for piece in wrap(cells[i], widths[i], cjk=False)])
            else:
                columns_lines.append([shorten(piece, widths[i]) for piece in wrap(cells[i], widths[i])])
        height = max(len(c) for c in columns_lines)
        out = []
        for k in range(height):
            parts = []
            for pos, i in enumerate(shown):
                text = columns_lines[pos][k] if k < len(columns_lines[pos]) else ""
                padded = _pad(text, widths[i]) if pos < len(shown) - 1 else text
                cell_style = style.get(i) if isinstance(style, dict) else style
                parts.append(paint(padded, "header" if header else cell_style))
            out.append((" " * gap).join(parts).rstrip())
        for i in below:
            if not header and cells[i]:
                cell_style = style.get(i) if isinstance(style, dict) else style
                out.append("  " + paint(shorten(cells[i], limit - 2), cell_style))
        return out

    lines: list[str] = []
    if title:
        lines.extend(wrap(title, limit))
    lines.extend(render_row(columns, kinds, None, header=True))
    total = sum(widths.values()) + gap * (len(shown) - 1)
    lines.append("-" * min(total, limit))
    for row, style in zip(rows, styles):
        lines.extend(render_row(row, kinds, style))
    if footer:
        lines.extend(wrap(footer, limit))
    return lines


def pairs(title: str | None, items: list[tuple[str, str]]) -> None:
    """Label: value lines. On a terminal the labels are aligned by display width and each
    value wraps under its own column within the terminal's width (bold labels only where
    colour is on); elsewhere tab-separated lines, never cut, never coloured."""
    if not is_terminal():
        if title:
            line(title)
        for key, value in items:
            line(f"{key}\t{_one_line(value)}")
        return
    sys.stdout.write("".join(text + "\n" for text in fit_pairs(title, items, terminal_width(), colour())))


def fit_pairs(title: str | None, items: list[tuple[str, str]], limit: int, coloured: bool) -> list[str]:
    """The lines of a label-value view within ``limit`` columns (see :func:`pairs`)."""
    gap = 2
    # the labels as wide as they are, unless that leaves the values less than 20 columns
    widest_value = max((width(part) for _, v in items for part in str(v).split("\n")), default=0)
    label_width = min(max((width(k) for k, _ in items), default=0), max(4, limit - gap - min(widest_value, 20)))
    room = max(10, limit - label_width - gap)
    lines: list[str] = []
    if title:
        lines.extend(f"\x1b[1m{row}\x1b[0m" if coloured else row for row in wrap(title, limit))
    for key, value in items:
        labels = wrap(key, label_width) if width(key) > label_width else [key]
        values: list[str] = []
        for paragraph in str(value).replace("\r", "").replace("\t", " ").split("\n"):
            for row in wrap(paragraph, room):
                values.extend(_chop(row, room))
        for k in range(max(len(labels), len(values))):
            name = labels[k] if k < len(labels) else ""
            text = values[k] if k < len(values) else ""
            padded = _pad(name, label_width)
            if coloured and name:
                padded = f"\x1b[1m{name}\x1b[0m" + " " * (label_width - width(name))
            lines.append((padded + " " * gap + text).rstrip())
    return lines


def _chop(text: str, limit: int) -> list[str]:
    """A line wider than ``limit`` (a long path, a URL: one word) in pieces that fit, cut
    after a "/" where there is one."""
    out: list[str] = []
    while width(text) > limit:
        used, cut, slash = 0, 0, 0
        for i, ch in enumerate(text):
            used += char_width(ch)
            if used > limit:
                break
            cut = i + 1
            if ch == "/":
                slash = i + 1
        cut = slash if slash > limit // 2 else max(1, cut)
        out.append(text[:cut])
        text = text[cut:]
    return out + [text]


def _one_line(value) -> str:
    return str(value).replace("\r", " ").replace("\n", " ⏎ ").replace("\t", " ")


def _escape(value) -> str:
    from rich.markup import escape

    return escape(str(value))
