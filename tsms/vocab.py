"""Enumerations with their Chinese and English labels, and the user's language.

Kept free of heavy imports: the CLI's help text and argument checks use it before any
database code is loaded.
"""

from __future__ import annotations

import difflib
import os
import unicodedata
from enum import Enum

from tsms.errors import TsmsError, shown

_LANG = {"value": None}


def set_lang(lang: str | None) -> None:
    """Choose the language of labels and messages: 'zh' (default) or 'en'."""
    if lang is None:
        _LANG["value"] = None
        return
    value = lang.strip().lower()
    if value in ("zh", "cn", "zh_cn", "zh-cn", "中文"):
        _LANG["value"] = "zh"
    elif value in ("en", "en_us", "en-us", "english"):
        _LANG["value"] = "en"
    else:
        raise TsmsError(t("没有语言「{l}」;可用:zh(中文), en(English)", "unknown language {l!r}; accepted: zh, en",
                          l=lang))


def lang() -> str:
    if _LANG["value"] is None:
        env = os.environ.get("TSMS_LANG", "").strip().lower()
        return "en" if env.startswith("en") else "zh"
    return _LANG["value"]


def t(zh: str, en: str, **params) -> str:
    """The message in the user's language, formatted with params."""
    text = en if lang() == "en" else zh
    return text.format(**params) if params else text


class Vocab(str, Enum):
    """A str enum whose members carry a Chinese label; parse() takes either form."""

    def __new__(cls, value: str, zh: str, *aliases: str):
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.zh = zh
        obj.aliases = aliases
        return obj

    @property
    def label(self) -> str:
        return self.zh if lang() == "zh" else self.value.replace("_", " ")

    @classmethod
    def what(cls) -> str:
        return t(cls.__zh_name__, cls.__en_name__)

    @classmethod
    def choices(cls) -> str:
        return ", ".join(f"{m.value}/{m.zh}" for m in cls)

    @classmethod
    def help(cls) -> str:
        """An option's help: what the value is, then the values (投诉类型 / category: noise/噪声, …)."""
        return f"{cls.__zh_name__} / {cls.__en_name__}: {cls.choices()}"

    @staticmethod
    def fold(text: str) -> str:
        """A value as typed, folded: full-width forms, case, spaces, ``-`` for ``_``."""
        return unicodedata.normalize("NFKC", text).strip().lower().replace("-", "_").replace(" ", "_")

    @classmethod
    def _words(cls) -> dict[str, "Vocab"]:
        """Every word that names a member: its code, its label, its synonyms (beside it)."""
        words: dict[str, Vocab] = {}
        for member in cls:
            for word in (member.value, member.zh, *member.aliases):
                words.setdefault(cls.fold(word), member)
        return words

    @classmethod
    def parse(cls, text: str | None, option: str | None = None, also: tuple[str, ...] = ()):
        """The member ``text`` names — its code, its Chinese label or a common synonym —
        or a refusal suggesting the nearest values. ``also``: further words the caller
        accepts itself (named in the refusal; never returned)."""
        if text is None:
            return None
        words = cls._words()
        key = cls.fold(text)
        if key in words:
            return words[key]
        near = suggest(key, list(words) + [cls.fold(w) for w in also])
        # equally close words: the one whose value's Chinese label is nearer first (电活 → 电话, not 电邮)
        score = lambda w: difflib.SequenceMatcher(None, key, w).ratio()  # noqa: E731
        near.sort(key=lambda w: (-round(score(w), 6), -score(cls.fold(words[w].zh)) if w in words else 0))
        hint = ""
        if near:
            named = []
            for word in near:
                shown_as = f"{words[word].value}/{words[word].zh}" if word in words else word
                if shown_as not in named:
                    named.append(shown_as)
            hint = t("是不是 {s}?", "did you mean {s}? ", s=t("、", ", ").join(named))
        where = f"{option} " if option else ""
        accepted = cls.choices() + "".join(f", {w}" for w in also)
        raise TsmsError(
            t(
                "{where}不认识的{what}「{v}」;{h}可用:{c}",
                "{where}unknown {what} {v!r}; {h}accepted: {c}",
                where=where,
                what=cls.what(),
                v=shown(text),
                h=hint,
                c=accepted,
            )
        )


def suggest(word: str, candidates: list[str], n: int = 3) -> list[str]:
    """The candidates closest to ``word`` (difflib; works on Chinese names too), best first.
    A candidate that contains the word, or is contained in it, counts as close."""
    if not word:
        return []
    near = difflib.get_close_matches(word, candidates, n=n, cutoff=0.5)
    for candidate in candidates:
        if len(near) >= n:
            break
        if candidate not in near and len(word) >= 2 and len(candidate) >= 2 and (word in candidate or candidate in word):
            near.append(candidate)
    return near


class Channel(Vocab):
    __zh_name__, __en_name__ = "投诉渠道", "channel"
    phone = "phone", "电话", "来电", "电话投诉", "tel"
    visit = "visit", "来访", "上门投诉", "当面"
    letter = "letter", "书信", "来信", "信件", "信访"
    email = "email", "电子邮件", "邮件", "电邮", "e_mail", "mail"
    fax = "fax", "传真"
    hotline = "hotline", "12345热线", "12345", "热线", "市民热线", "市长热线", "政务热线"
    referral = "referral", "主管部门转办", "转办", "转办件", "部门转办"


REFERRED_CHANNELS = (Channel.hotline, Channel.referral)


class Category(Vocab):
    __zh_name__, __en_name__ = "投诉类型", "category"
    noise = "noise", "噪声", "噪音", "噪声扰民", "噪音扰民", "扰民"
    dust = "dust", "扬尘", "灰尘", "粉尘", "灰大"
    night_work = "night_work", "夜间施工", "夜间作业", "夜施", "夜间", "夜间扰民"
    traffic = "traffic", "交通/占道", "交通", "占道", "堵路", "占道施工", "交通拥堵"
    waste = "waste", "渣土/垃圾", "渣土", "垃圾", "建筑垃圾", "渣土车", "遗撒"
    drainage = "drainage", "排水/污水", "排水", "污水", "积水", "排污"
    damage = "damage", "振动/房屋损坏", "振动", "震动", "房屋损坏", "房屋开裂", "开裂", "裂缝"
    safety = "safety", "安全隐患", "安全", "隐患"
    quality = "quality", "工程质量", "质量", "质量问题", "施工质量"
    schedule = "schedule", "工期", "进度", "工期延误", "延期"
    service = "service", "服务态度", "态度", "服务"
    other = "other", "其他", "其它"


NIGHT_CATEGORIES = (Category.noise, Category.night_work)


class Urgency(Vocab):
    __zh_name__, __en_name__ = "紧急程度", "urgency"
    urgent = "urgent", "紧急", "特急", "加急", "急件"
    high = "high", "较急", "急", "比较急"
    normal = "normal", "一般", "普通", "平件"
    low = "low", "较低", "不急", "缓"


class Status(Vocab):
    __zh_name__, __en_name__ = "状态", "status"
    received = "received", "已登记", "登记", "待受理", "未受理"
    accepted = "accepted", "已受理", "受理"
    assigned = "assigned", "已派单", "处理中", "派单"
    resolved = "resolved", "处理完毕", "已处理", "待回访"
    closed = "closed", "已办结", "办结", "已关闭"
    archived = "archived", "已归档", "归档"
    rejected = "rejected", "不予受理", "已驳回", "驳回"
    void = "void", "作废", "已作废"


# list --status: the word for every complaint still in hand (a state whose step is open)
OPEN_STATUS = ("open", "未办结", "在办", "未完成")
OPEN_STATES = (Status.received, Status.accepted, Status.assigned, Status.resolved)


class SubjectState(Vocab):
    """The state an after-sales obligation's subject is in (a complaint's is its Status)."""

    __zh_name__, __en_name__ = "状态", "state"
    notified = "notified", "已报修"
    open = "open", "待整改"
    planned = "planned", "已列入计划"
    completed = "completed", "已竣工验收"
    can_apply = "can_apply", "可申请"
    applied = "applied", "已申请"
    approved = "approved", "已认可"
    draft = "draft", "草稿待批准"
    missing = "missing", "未编制"


class Satisfaction(Vocab):
    __zh_name__, __en_name__ = "满意度", "satisfaction"
    satisfied = "satisfied", "满意", "非常满意", "很满意"
    basic = "basic", "基本满意", "比较满意", "较满意", "一般"
    unsatisfied = "unsatisfied", "不满意", "很不满意", "非常不满意", "不满"


class RevisitMethod(Vocab):
    __zh_name__, __en_name__ = "回访方式", "revisit method"
    phone = "phone", "电话", "电话回访", "来电"
    visit = "visit", "上门", "上门回访", "走访", "现场", "现场回访", "登门"
    email = "email", "电子邮件", "邮件", "邮件回访", "电邮", "e_mail", "mail"
    questionnaire = "questionnaire", "问卷", "问卷调查", "调查问卷", "问卷回访"
    meeting = "meeting", "座谈会", "座谈", "会议"
    unrecorded = "unrecorded", "旧台账未记录"  # an imported revisit whose old ledger does not say how

    @classmethod
    def choices(cls) -> str:  # what a clerk may record: never 「未记录」 for a revisit made in tsms
        return ", ".join(f"{m.value}/{m.zh}" for m in cls if m.value != "unrecorded")


class ProjectKind(Vocab):
    __zh_name__, __en_name__ = "工程类别", "project kind"
    building = "building", "建筑工程"
    municipal = "municipal", "市政工程"
    decoration = "decoration", "装修装饰工程"


class Role(Vocab):
    __zh_name__, __en_name__ = "职务", "role"
    leader = "leader", "组长"
    deputy = "deputy", "副组长"
    member = "member", "组员"


class StepKind(Vocab):
    """A step that has a deadline; overdue lists these."""

    __zh_name__, __en_name__ = "环节", "step"
    accept = "accept", "受理"
    escalate = "escalate", "上报"
    resolve = "resolve", "处理"
    reply = "reply", "回复转办部门"
    revisit = "revisit", "回访"
    claim = "claim", "保修查验"
    rectification = "rectification", "整改"
    notice = "notice", "通知顾客"
    planned_revisit = "planned_revisit", "计划回访"
    first_revisit = "first_revisit", "竣工后首次回访"
    plan = "plan", "回访计划审批"
    retention = "retention", "质保金可申请返还"
    retention_verify = "retention_verify", "质保金核实"
    retention_return = "retention_return", "质保金返还"


class WarrantyPart(Vocab):
    """Parts of a building under warranty, 《建设工程质量管理条例》 第四十条."""

    __zh_name__, __en_name__ = "保修部位", "warranty part"
    structure = "structure", "地基基础和主体结构", "主体结构", "结构"
    waterproofing = "waterproofing", "防水", "屋面防水", "防渗漏"
    heating = "heating", "供热系统", "供热", "采暖"
    cooling = "cooling", "供冷系统", "供冷"
    mep = "mep", "电气管线、给排水管道", "水电", "电气管线", "给排水管道"
    equipment = "equipment", "设备安装", "设备"
    decoration = "decoration", "装修工程", "装修"
    other = "other", "其他"


class Cause(Vocab):
    """What caused a defect: only a construction defect is free warranty work (办法第九、十三条)."""

    __zh_name__, __en_name__ = "原因", "cause"
    construction = "construction", "施工质量", "施工"
    misuse = "misuse", "使用不当"
    third_party = "third_party", "第三方", "第三方原因"
    force_majeure = "force_majeure", "不可抗力"
    other = "other", "其他"


class ClaimState(Vocab):
    """Where a warranty claim stands (the owner reports, the contractor inspects, repairs,
    the owner accepts: 《房屋建筑工程质量保修办法》 第九–十二条)."""

    __zh_name__, __en_name__ = "保修单状态", "claim state"
    notified = "notified", "已报修"
    inspected = "inspected", "已查验"
    repaired = "repaired", "已维修"
    accepted = "accepted", "已验收"


class PlanKind(Vocab):
    __zh_name__, __en_name__ = "回访类型", "revisit kind"
    first = "first", "竣工后首次", "首次"
    routine = "routine", "例行"
    seasonal = "seasonal", "季节性"
    technical = "technical", "技术性"
    pre_expiry = "pre_expiry", "保修期满前"
    retention = "retention", "质保金到期前"
    one_to_one = "one_to_one", "一对一"
