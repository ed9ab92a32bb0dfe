"""An event of a complaint's history as a sentence in the user's language: 「登记:噪声,电话,
李女士 138****5678」「派单:张三(工程部)」「处理完毕:已停止夜间施工」. Each action a complaint
records (``ctx.event`` in tsms.operations) has its sentence; an action without one reads as
its label and a list of labelled values, never raw keys. Contacts and addresses come masked
(render.privacy); ``history --json`` keeps the raw details."""

from __future__ import annotations

from tsms.render.privacy import masked
from tsms.render.terminal import FIELDS, value_text
from tsms.vocab import Category, Channel, RevisitMethod, Satisfaction, Urgency, lang, t

# an event's action → (中文, English)
ACTIONS = {
    "log": ("登记", "logged"), "accept": ("受理", "accepted"), "reject": ("不予受理", "rejected"),
    "assign": ("派单", "assigned"), "reassign": ("改派", "reassigned"), "resolve": ("处理完毕", "resolved"),
    "revisit": ("回访", "revisited"), "escalate": ("上报", "escalated"), "reply": ("回复职能部门", "answered referrer"),
    "archive": ("归档", "archived"), "attach": ("附件", "attached"), "outside_edit": ("账本外的修改", "edited outside tsms"),
    "recompute": ("期限重算", "deadlines recomputed"), "import": ("导入", "imported"),
    "edit": ("更正", "corrected"), "void": ("作废", "voided"),
}

# the keys an event's details use, beyond the complaint's fields → (中文, English)
KEYS = {
    **FIELDS,
    "project": ("工程", "project"), "accept_due": ("受理期限", "accept by"), "resolve_due": ("处理期限", "resolve by"),
    "reply_due": ("回复期限", "answer referrer by"), "revisit_due": ("回访期限", "revisit by"),
    "dept": ("部门", "department"), "opinion": ("意见", "opinion"), "reason": ("理由", "reason"),
    "advice": ("告知反映渠道", "where else to turn"), "to": ("给", "to"), "head": ("部门负责人", "department head"),
    "on_time": ("按时", "on time"), "method": ("方式", "method"), "met": ("被回访人", "met"),
    "reopened": ("重新处理", "reopened"), "text": ("回复内容", "answer"), "files": ("附件", "files"),
    "imported_from": ("导入自", "imported from"), "row": ("行", "row"), "source_number": ("原编号", "old number"),
    "rows": ("行", "rows"), "moved": ("变动", "moved"), "name": ("名称", "name"), "size": ("大小", "size"),
    "file": ("文件", "file"), "imported": ("导入", "imported"), "already_imported": ("已导入过", "already imported"),
    "invalid": ("不合格", "invalid"),
}
ENUM_KEYS = {"channel": Channel, "category": Category, "urgency": Urgency, "satisfaction": Satisfaction,
             "method": RevisitMethod}

def _sep() -> tuple[str, str, str]:
    return (":", ",", ";") if lang() == "zh" else (": ", ", ", "; ")


def _key(key: str) -> str:
    zh, en = KEYS.get(key, (key, key.replace("_", " ")))
    return zh if lang() == "zh" else en


def _value(key: str, value) -> str:
    """A detail's value as a person reads it."""
    colon, comma, _ = _sep()
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if key in ENUM_KEYS and isinstance(value, str):
        try:
            return ENUM_KEYS[key](value).label
        except ValueError:
            return value
    if isinstance(value, dict):
        return comma.join(f"{_key(k)} {_value(k, v)}" for k, v in value.items() if _value(k, v))
    if isinstance(value, (list, tuple)):
        return comma.join(v.get("name") or _value("", v) if isinstance(v, dict) else _value(key, v) for v in value)
    return value_text(key, value)


def _labelled(details: dict, keys=None) -> list[str]:
    """``label value`` for each detail with a value (all, or the ``keys`` given)."""
    colon = _sep()[0]
    out = []
    for key in keys if keys is not None else details:
        text = _value(key, details.get(key))
        if text:
            out.append(f"{_key(key)}{colon}{text}")
    return out


def _late(d: dict) -> str:
    return t("(逾期)", " (late)") if d.get("on_time") is False else ""


def _dues(d: dict) -> list[str]:
    return _labelled(d, [k for k in ("accept_due", "resolve_due", "reply_due", "revisit_due") if k in d])


def sentence(action: str, details: dict) -> str:
    """One event as a sentence: its action's label, what it did, the deadlines it set."""
    colon, comma, semi = _sep()
    d = masked({k: v for k, v in (details or {}).items() if k != "untimed"})  # shown by the time alone
    name = ACTIONS.get(action)
    head = t(*name) if name else action.replace("_", " ").replace(".", " ")
    what: list[str] = []  # after the colon, joined by commas
    extra: list[str] = []  # after, joined by semicolons
    if action == "log" and "imported_from" in d:
        what = [t("导入自 {f} 第 {r} 行", "imported from {f}, row {r}", f=d["imported_from"], r=d.get("row"))]
        if d.get("source_number"):
            extra = _labelled(d, ["source_number"])
    elif action == "log":
        person = " ".join(str(x) for x in (d.get("complainant"), d.get("contact")) if x)
        what = [x for x in (_value("category", d.get("category")), _value("channel", d.get("channel")),
                            _value("urgency", d.get("urgency")) if d.get("urgency") not in (None, "normal") else "",
                            d.get("complainant_org") or "", person, d.get("address") or "",
                            t("重大投诉", "serious") if d.get("serious") else "",
                            t("夜间", "night time") if d.get("night_time") else "") if x]
        extra = _dues(d)
    elif action in ("accept",):
        what = [d["dept"]] if d.get("dept") else []
        extra = _labelled(d, ["opinion"]) + _dues(d)
    elif action == "reject":
        what = [d["reason"]] if d.get("reason") else []
        extra = _labelled(d, ["advice"]) + _dues(d)
    elif action in ("assign", "reassign"):
        what = [f"{d.get('to') or ''}" + (t("({x})", " ({x})", x=d["dept"]) if d.get("dept") else "")]
        extra = _labelled(d, ["opinion"]) + _dues(d)
    elif action == "resolve":
        what = [(d.get("result") or "") + _late(d)]
        extra = _labelled(d, ["opinion", "head"]) + _dues(d)
    elif action == "revisit":
        what = [x for x in (_value("method", d.get("method")), _value("satisfaction", d.get("satisfaction"))) if x]
        what[-1:] = [w + _late(d) for w in what[-1:]]
        extra = _labelled(d, ["met", "note"]) + ([t("重新处理", "reopened")] if d.get("reopened") else [])
    elif action == "escalate":
        what = [(d.get("to") or "") + _late(d)]
        extra = _labelled(d, ["note"])
    elif action == "reply":
        what = [(d.get("text") or "") + _late(d)]
    elif action == "archive":
        what = []
    elif action == "attach":
        what = [f["name"] for f in d.get("files") or [] if isinstance(f, dict) and f.get("name")]
    else:
        extra = _labelled(d)
    what = [w for w in what if w]
    text = head + (colon + comma.join(what) if what else "")
    return semi.join([text, *extra]) if extra else text
