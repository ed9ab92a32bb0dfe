"""The complaint's fields, once: the JSON key, the Chinese label (that of 《涉民投诉处理表》
where it has one) and the English one, where the value comes from, how it is shown, and where
it appears. ``show`` and its form, ``--json``, ``list`` and the workbook's 投诉台账 all read
this table."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    key: str  # the JSON key (English code name)
    zh: str
    en: str
    source: str  # "complaint" or "project": whose attribute ``attr`` (default: key) holds it
    kind: str = "text"  # text | time | bool | int | channel | category | urgency | status | satisfaction
    on_form: bool = True  # always on the form; otherwise shown when it has a value
    attr: str | None = None
    short: str | None = None  # a narrower heading for the ledger sheet

    @property
    def column(self) -> str:
        return self.attr or self.key


COMPLAINT_FIELDS: tuple[Field, ...] = (
    # 《涉民投诉处理表》, in its order
    Field("number", "编号", "number", "complaint"),
    Field("project", "工程代码", "project", "project", attr="code", on_form=False),
    Field("project_name", "工程名称", "project name", "project", attr="name"),
    Field("manager", "项目负责人", "project manager", "project"),
    Field("clerk", "填表人", "clerk", "complaint"),
    Field("filled_at", "填表时间", "filled at", "complaint", "time"),
    Field("complainant_org", "投诉单位", "complainant organisation", "complaint"),
    Field("complainant", "投诉人", "complainant", "complaint"),
    Field("contact", "联系方式", "contact", "complaint"),
    Field("address", "地址", "address", "complaint"),
    Field("received_at", "投诉时间", "received at", "complaint", "time"),
    Field("content", "投诉内容详细说明", "content", "complaint"),
    Field("note", "备注", "note", "complaint"),
    Field("accept_dept", "受理部门", "accepting department", "complaint"),
    Field("accept_person", "受理人", "accepted by", "complaint"),
    Field("accept_opinion", "受理意见", "acceptance opinion", "complaint"),
    Field("department", "处理部门", "handling department", "complaint"),
    Field("assignee", "处理人", "handled by", "complaint"),
    Field("handling_opinion", "处理意见", "handling opinion", "complaint"),
    Field("result", "处理结果", "result", "complaint"),
    Field("resolved_at", "处理完成时间", "completed at", "complaint", "time"),
    Field("previous_result", "上次处理结果", "earlier result", "complaint", on_form=False),
    Field("previous_resolved_at", "上次处理完成时间", "earlier result at", "complaint", "time", on_form=False),
    Field("dept_head", "处理部门负责人", "department head", "complaint"),
    # what tsms adds
    Field("channel", "投诉渠道", "channel", "complaint", "channel"),
    Field("category", "投诉类型", "category", "complaint", "category"),
    Field("urgency", "紧急程度", "urgency", "complaint", "urgency"),
    Field("serious", "重大投诉", "serious", "complaint", "bool", short="重大"),
    Field("night_time", "夜间", "night time", "complaint", "bool"),
    Field("status", "状态", "status", "complaint", "status"),
    Field("occurred_at", "发生时间", "occurred at", "complaint", "time", on_form=False),
    Field("accepted_at", "受理时间", "accepted at", "complaint", "time", on_form=False),
    Field("assigned_at", "派单时间", "assigned at", "complaint", "time", on_form=False),
    Field("rejected_at", "不予受理时间", "rejected at", "complaint", "time", on_form=False),
    Field("reject_reason", "不予受理理由", "reason for rejection", "complaint", on_form=False),
    Field("reject_advice", "告知反映渠道", "where else to turn", "complaint", on_form=False),
    Field("escalated_at", "上报时间", "escalated at", "complaint", "time", on_form=False),
    Field("escalated_to", "上报给", "escalated to", "complaint", on_form=False),
    Field("replied_at", "回复职能部门时间", "answered referrer at", "complaint", "time", on_form=False),
    Field("reply_text", "回复内容", "answer to referrer", "complaint", on_form=False),
    Field("revisited_at", "回访时间", "revisited at", "complaint", "time", on_form=False),
    Field("satisfaction", "满意度", "satisfaction", "complaint", "satisfaction", on_form=False),
    Field("closed_at", "办结时间", "closed at", "complaint", "time", on_form=False),
    Field("archived_at", "归档时间", "archived at", "complaint", "time", on_form=False),
    Field("reopened", "重新处理次数", "times reopened", "complaint", "int", on_form=False),
    Field("voided_at", "作废时间", "voided at", "complaint", "time", on_form=False),
    Field("void_reason", "作废原因", "reason voided", "complaint", on_form=False),
    Field("voided_from", "作废前状态", "status before voiding", "complaint", "status", on_form=False),
)
BY_KEY = {f.key: f for f in COMPLAINT_FIELDS}

# the workbook's 投诉台账: (keys — the first with a value is shown —, column width)
LEDGER_SHEET: tuple[tuple[tuple[str, ...], int], ...] = (
    (("number",), 17), (("project_name",), 18), (("manager",), 10), (("received_at",), 17), (("channel",), 11),
    (("category",), 12), (("urgency",), 9), (("serious",), 6), (("night_time",), 6), (("complainant_org",), 14),
    (("complainant",), 10), (("contact",), 14), (("address",), 18), (("content",), 40), (("accept_dept",), 10),
    (("accept_person",), 10), (("accept_opinion", "reject_reason"), 20), (("accepted_at", "rejected_at"), 17),
    (("department",), 10), (("assignee",), 10), (("handling_opinion",), 24), (("result",), 30),
    (("resolved_at",), 17), (("dept_head",), 12), (("revisited_at",), 17), (("satisfaction",), 9),
    (("status",), 9), (("note",), 20),
)
