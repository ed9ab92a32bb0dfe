"""The ledger's tables. The schema itself is created by the migrations in tsms.store.schema;
tests/test_design.py checks that these classes and the migrated schema agree column for column.

Enumerated columns hold the English code names of tsms.vocab; times are China Standard
Time without an offset (the ledger keeps one zone); deadlines are dates.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from pydantic import ConfigDict
from sqlalchemy import DateTime
from sqlmodel import Field, SQLModel

from tsms.vocab import ProjectKind, Role, Status


def moment(required: bool = False):
    """A naive China Standard Time column (sqlmodel's default would insist on an offset)."""
    return Field(sa_type=DateTime(timezone=False)) if required else Field(default=None, sa_type=DateTime(timezone=False))


class Table(SQLModel):
    """Tables are written by the ledger's own code and never validated through pydantic, so
    the validation schema is built only if something asks for it (saves start-up time)."""

    model_config = ConfigDict(defer_build=True)


class Setting(Table, table=True):
    key: str = Field(primary_key=True)
    value: str


class Project(Table, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    name: str
    kind: str = ProjectKind.building.value
    address: Optional[str] = None
    client: Optional[str] = None
    manager: Optional[str] = None
    phone: Optional[str] = None
    region: Optional[str] = None
    completed_on: Optional[dt.date] = None
    design_life: int = 50
    created_at: dt.datetime = moment(required=True)
    retention: Optional[float] = None  # 工程质量保证金, yuan
    liability_years: int = 1  # 缺陷责任期: 1 year unless the contract says up to 2 (建质〔2017〕138号)
    retention_applied_at: Optional[dt.datetime] = moment()  # the contractor's application for the return
    retention_verified_at: Optional[dt.datetime] = moment()  # the client's verification (within 14 days)
    retention_returned_at: Optional[dt.datetime] = moment()
    contract_sum: Optional[float] = None  # the settled contract sum, yuan (the 3 % cap, 138号 第七条)
    liability_from: Optional[dt.date] = None  # the defect liability period's start when not completed_on (第八条)
    retention_reminded_at: Optional[dt.datetime] = moment()  # the reminder (催告) to a silent client (第十条)


class Staff(Table, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    dept: str
    role: str = Role.member.value
    phone: Optional[str] = None
    project_id: Optional[int] = Field(default=None, foreign_key="project.id")
    created_at: dt.datetime = moment(required=True)


class Complaint(Table, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    number: str = Field(unique=True)
    year: int
    seq: int
    project_id: int = Field(foreign_key="project.id")
    status: str = Status.received.value
    channel: str
    category: str
    urgency: str
    serious: bool = False
    night_time: bool = False
    complainant_org: Optional[str] = None
    complainant: Optional[str] = None
    contact: Optional[str] = None
    address: Optional[str] = None
    content: str
    note: Optional[str] = None
    received_at: dt.datetime = moment(required=True)
    occurred_at: Optional[dt.datetime] = moment()
    clerk: str
    filled_at: dt.datetime = moment(required=True)
    accept_dept: Optional[str] = None
    accept_person: Optional[str] = None
    accept_opinion: Optional[str] = None
    accepted_at: Optional[dt.datetime] = moment()
    reject_reason: Optional[str] = None
    reject_advice: Optional[str] = None
    rejected_at: Optional[dt.datetime] = moment()
    department: Optional[str] = None
    assignee: Optional[str] = None
    handling_opinion: Optional[str] = None
    assigned_at: Optional[dt.datetime] = moment()
    result: Optional[str] = None
    resolved_at: Optional[dt.datetime] = moment()
    dept_head: Optional[str] = None
    escalated_at: Optional[dt.datetime] = moment()
    escalated_to: Optional[str] = None
    replied_at: Optional[dt.datetime] = moment()
    reply_text: Optional[str] = None
    revisited_at: Optional[dt.datetime] = moment()
    satisfaction: Optional[str] = None
    closed_at: Optional[dt.datetime] = moment()
    archived_at: Optional[dt.datetime] = moment()
    reopened: int = 0
    import_key: Optional[str] = None  # sha256 of an imported row: importing a file twice adds nothing twice
    source_ref: Optional[str] = None  # the row's number in the ledger it was imported from
    voided_at: Optional[dt.datetime] = moment()  # 作废: an entry that should never have been made
    void_reason: Optional[str] = None
    voided_from: Optional[str] = None  # the status it had when voided
    previous_result: Optional[str] = None  # 上次处理结果: the result before an unsatisfied revisit reopened it
    previous_resolved_at: Optional[dt.datetime] = moment()
    # a date without a time: received_at/occurred_at hold its midnight, the time is unknown
    received_time_known: bool = True
    occurred_time_known: bool = True
    # an imported complaint's source (the file's name) and its row's key there (编号, 序号, or
    # time and complainant): a re-import of the corrected file updates it
    import_source: Optional[str] = None
    import_row: Optional[str] = None


class Revisit(Table, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id")
    at: dt.datetime = moment(required=True)
    method: str
    satisfaction: str
    visitor: str
    person_met: Optional[str] = None
    note: Optional[str] = None
    due: Optional[dt.date] = None


class Obligation(Table, table=True):
    """Every deadline tsms tracks, of every kind (SPEC §3): what it is about (one of the
    subject columns; ``project_id`` whenever a project is concerned), the kind, the day the
    rule counts from, the due date (the last day still on time), whether it rests on an
    unconfirmed year, who holds it and when it was met. ``basis`` is what the rule needs
    besides the start (a complaint's urgency, an emergency claim …), so that an open
    obligation can be recomputed from its row alone. ``overdue``, the report's late list
    and notifications are filters over this table."""

    id: Optional[int] = Field(default=None, primary_key=True)
    kind: str
    complaint_id: Optional[int] = Field(default=None, foreign_key="complaint.id")
    claim_id: Optional[int] = Field(default=None, foreign_key="claim.id")
    rectification_id: Optional[int] = Field(default=None, foreign_key="rectification.id")
    plan_item_id: Optional[int] = Field(default=None, foreign_key="plan_item.id")
    plan_year: Optional[int] = None
    project_id: Optional[int] = Field(default=None, foreign_key="project.id")
    starts: dt.date
    due: dt.date
    basis: str = ""
    provisional: bool = False
    holder: Optional[str] = None
    met_at: Optional[dt.datetime] = moment()
    due_at: Optional[dt.datetime] = moment()  # a limit in hours (an urgent complaint): the moment it runs out


class Event(Table, table=True):
    """The audit trail: appended, never updated or deleted (triggers refuse both)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    at: dt.datetime = moment(required=True)
    recorded_at: dt.datetime = moment(required=True)
    actor: str
    action: str
    complaint_id: Optional[int] = Field(default=None, foreign_key="complaint.id")
    details: str = "{}"
    prev_hash: str
    hash: str


class Change(Table, table=True):
    """A row image written by a trigger (store.changes); sealed into an event by the write
    that made it (event_id), or left without one by an edit outside tsms."""

    id: Optional[int] = Field(default=None, primary_key=True)
    event_id: Optional[int] = Field(default=None, foreign_key="event.id")
    tbl: str
    row_key: str
    image: Optional[str] = None
    before: Optional[str] = None


class TrackedTable(Table, table=True):
    """The columns each tracked table's images hold (a migration that changes them re-images the table)."""

    __tablename__ = "tracked_table"

    tbl: str = Field(primary_key=True)
    columns: str


class CalendarDay(Table, table=True):
    """An official day recorded in the ledger (tsms calendar set); wins over the package."""

    day: dt.date = Field(primary_key=True)
    working: bool
    note: str = ""


class CalendarYear(Table, table=True):
    """A year confirmed by the ledger (tsms calendar confirm), or a cached package year."""

    year: int = Field(primary_key=True)
    confirmed_note: Optional[str] = None
    package: Optional[str] = None
    data: Optional[str] = None


class Attachment(Table, table=True):
    """A file kept beside the ledger under its content hash (``<ledger>.files/ab/abcdef…``)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    complaint_id: Optional[int] = Field(default=None, foreign_key="complaint.id")
    subject: str
    name: str
    sha256: str
    size: int
    added_at: dt.datetime = moment(required=True)
    added_by: str


class Region(Table, table=True):
    """A region's heating (and cooling) period by month and day, e.g. 11-15 → 03-15."""

    code: str = Field(primary_key=True)
    name: str
    heating_start: Optional[str] = None
    heating_end: Optional[str] = None
    cooling_start: Optional[str] = None
    cooling_end: Optional[str] = None


class WarrantyItem(Table, table=True):
    """One part of a completed project under warranty (《建设工程质量管理条例》 第四十条)."""

    __tablename__ = "warranty_item"
    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id")
    part: str
    years: Optional[int] = None
    seasons: Optional[int] = None
    starts: dt.date
    expires: Optional[dt.date] = None  # the last day covered; None while the contract's term is missing
    source: str  # statute | contract | needs_term
    note: Optional[str] = None


class Claim(Table, table=True):
    """A warranty claim (保修单): notice → inspection (cause) → repair → acceptance."""

    id: Optional[int] = Field(default=None, primary_key=True)
    number: str = Field(unique=True)
    project_id: int = Field(foreign_key="project.id")
    year: int
    seq: int
    part: str
    location: Optional[str] = None
    content: str
    complainant: Optional[str] = None
    contact: Optional[str] = None
    emergency: bool = False
    received_at: dt.datetime = moment(required=True)
    in_warranty: bool
    inspected_at: Optional[dt.datetime] = moment()
    cause: Optional[str] = None
    paid: bool = False
    repair_result: Optional[str] = None
    repaired_at: Optional[dt.datetime] = moment()
    accepted_by: Optional[str] = None
    accepted_at: Optional[dt.datetime] = moment()
    status: str
    clerk: str


class Plan(Table, table=True):
    year: int = Field(primary_key=True)
    drafted_at: dt.datetime = moment(required=True)
    drafted_by: str
    approved_by: Optional[str] = None
    approved_at: Optional[dt.datetime] = moment()


class PlanItem(Table, table=True):
    __tablename__ = "plan_item"
    id: Optional[int] = Field(default=None, primary_key=True)
    year: int = Field(foreign_key="plan.year")
    project_id: int = Field(foreign_key="project.id")
    kind: str
    part: str = ""
    method: str
    date: dt.date
    staff: Optional[str] = None
    notified_at: Optional[dt.datetime] = moment()
    done_at: Optional[dt.datetime] = moment()
    edited: bool = False
    note: Optional[str] = None
    amendment: int = 0  # 0: the plan as approved; n: its n-th amendment (增补)


class PlanAmendment(Table, table=True):
    """Items added to an approved plan, approved on their own (SPEC §5: an amendment, not a late plan)."""

    __tablename__ = "plan_amendment"
    year: int = Field(primary_key=True, foreign_key="plan.year")
    number: int = Field(primary_key=True)
    drafted_at: dt.datetime = moment(required=True)
    drafted_by: str
    approved_by: Optional[str] = None
    approved_at: Optional[dt.datetime] = moment()


class QualityRevisit(Table, table=True):
    __tablename__ = "quality_revisit"
    id: Optional[int] = Field(default=None, primary_key=True)
    plan_item_id: Optional[int] = Field(default=None, foreign_key="plan_item.id")
    project_id: int = Field(foreign_key="project.id")
    at: dt.datetime = moment(required=True)
    method: str
    visitors: str
    person_met: Optional[str] = None
    found: Optional[str] = None
    satisfaction: Optional[str] = None
    scores: Optional[str] = None
    signed_by: Optional[str] = None
    note: Optional[str] = None


class Rectification(Table, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    number: str = Field(unique=True)
    project_id: int = Field(foreign_key="project.id")
    revisit_id: Optional[int] = Field(default=None, foreign_key="quality_revisit.id")
    content: str
    owner: Optional[str] = None
    created_at: dt.datetime = moment(required=True)
    closed_at: Optional[dt.datetime] = moment()
    result: Optional[str] = None
    verified_by: Optional[str] = None
    year: int = 0
    seq: int = 0
