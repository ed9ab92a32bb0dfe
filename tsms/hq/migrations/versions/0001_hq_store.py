"""The HQ store: the site tables mirrored with a site column, the company, each site's head
and the import log.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "site_project",
        sa.Column("site", sa.String(), primary_key=True),
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("code", sa.String()),
        sa.Column("name", sa.String()),
        sa.Column("kind", sa.String()),
        sa.Column("address", sa.String()),
        sa.Column("client", sa.String()),
        sa.Column("manager", sa.String()),
        sa.Column("phone", sa.String()),
        sa.Column("region", sa.String()),
        sa.Column("completed_on", sa.Date()),
        sa.Column("design_life", sa.Integer()),
        sa.Column("created_at", sa.DateTime(timezone=False)),
        sa.Column("retention", sa.Float()),
        sa.Column("liability_years", sa.Integer()),
        sa.Column("retention_applied_at", sa.DateTime(timezone=False)),
        sa.Column("retention_verified_at", sa.DateTime(timezone=False)),
        sa.Column("retention_returned_at", sa.DateTime(timezone=False)),
        sa.Column("contract_sum", sa.Float()),
        sa.Column("liability_from", sa.Date()),
        sa.Column("retention_reminded_at", sa.DateTime(timezone=False)),
    )
    op.create_table(
        "site_complaint",
        sa.Column("site", sa.String(), primary_key=True),
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("number", sa.String()),
        sa.Column("year", sa.Integer()),
        sa.Column("seq", sa.Integer()),
        sa.Column("project_id", sa.Integer()),
        sa.Column("status", sa.String()),
        sa.Column("channel", sa.String()),
        sa.Column("category", sa.String()),
        sa.Column("urgency", sa.String()),
        sa.Column("serious", sa.Boolean()),
        sa.Column("night_time", sa.Boolean()),
        sa.Column("complainant_org", sa.String()),
        sa.Column("complainant", sa.String()),
        sa.Column("contact", sa.String()),
        sa.Column("address", sa.String()),
        sa.Column("content", sa.String()),
        sa.Column("note", sa.String()),
        sa.Column("received_at", sa.DateTime(timezone=False)),
        sa.Column("occurred_at", sa.DateTime(timezone=False)),
        sa.Column("clerk", sa.String()),
        sa.Column("filled_at", sa.DateTime(timezone=False)),
        sa.Column("accept_dept", sa.String()),
        sa.Column("accept_person", sa.String()),
        sa.Column("accept_opinion", sa.String()),
        sa.Column("accepted_at", sa.DateTime(timezone=False)),
        sa.Column("reject_reason", sa.String()),
        sa.Column("reject_advice", sa.String()),
        sa.Column("rejected_at", sa.DateTime(timezone=False)),
        sa.Column("department", sa.String()),
        sa.Column("assignee", sa.String()),
        sa.Column("handling_opinion", sa.String()),
        sa.Column("assigned_at", sa.DateTime(timezone=False)),
        sa.Column("result", sa.String()),
        sa.Column("resolved_at", sa.DateTime(timezone=False)),
        sa.Column("dept_head", sa.String()),
        sa.Column("escalated_at", sa.DateTime(timezone=False)),
        sa.Column("escalated_to", sa.String()),
        sa.Column("replied_at", sa.DateTime(timezone=False)),
        sa.Column("reply_text", sa.String()),
        sa.Column("revisited_at", sa.DateTime(timezone=False)),
        sa.Column("satisfaction", sa.String()),
        sa.Column("closed_at", sa.DateTime(timezone=False)),
        sa.Column("archived_at", sa.DateTime(timezone=False)),
        sa.Column("reopened", sa.Integer()),
        sa.Column("import_key", sa.String()),
        sa.Column("source_ref", sa.String()),
        sa.Column("voided_at", sa.DateTime(timezone=False)),
        sa.Column("void_reason", sa.String()),
        sa.Column("voided_from", sa.String()),
        sa.Column("previous_result", sa.String()),
        sa.Column("previous_resolved_at", sa.DateTime(timezone=False)),
        sa.Column("received_time_known", sa.Boolean()),
        sa.Column("occurred_time_known", sa.Boolean()),
    )
    op.create_table(
        "site_obligation",
        sa.Column("site", sa.String(), primary_key=True),
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String()),
        sa.Column("complaint_id", sa.Integer()),
        sa.Column("claim_id", sa.Integer()),
        sa.Column("rectification_id", sa.Integer()),
        sa.Column("plan_item_id", sa.Integer()),
        sa.Column("plan_year", sa.Integer()),
        sa.Column("project_id", sa.Integer()),
        sa.Column("starts", sa.Date()),
        sa.Column("due", sa.Date()),
        sa.Column("basis", sa.String()),
        sa.Column("provisional", sa.Boolean()),
        sa.Column("holder", sa.String()),
        sa.Column("met_at", sa.DateTime(timezone=False)),
        sa.Column("due_at", sa.DateTime(timezone=False)),
    )
    op.create_table(
        "site_revisit",
        sa.Column("site", sa.String(), primary_key=True),
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("complaint_id", sa.Integer()),
        sa.Column("at", sa.DateTime(timezone=False)),
        sa.Column("method", sa.String()),
        sa.Column("satisfaction", sa.String()),
        sa.Column("visitor", sa.String()),
        sa.Column("person_met", sa.String()),
        sa.Column("note", sa.String()),
        sa.Column("due", sa.Date()),
    )
    op.create_table(
        "site_claim",
        sa.Column("site", sa.String(), primary_key=True),
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("number", sa.String()),
        sa.Column("project_id", sa.Integer()),
        sa.Column("year", sa.Integer()),
        sa.Column("seq", sa.Integer()),
        sa.Column("part", sa.String()),
        sa.Column("location", sa.String()),
        sa.Column("content", sa.String()),
        sa.Column("complainant", sa.String()),
        sa.Column("contact", sa.String()),
        sa.Column("emergency", sa.Boolean()),
        sa.Column("received_at", sa.DateTime(timezone=False)),
        sa.Column("in_warranty", sa.Boolean()),
        sa.Column("inspected_at", sa.DateTime(timezone=False)),
        sa.Column("cause", sa.String()),
        sa.Column("paid", sa.Boolean()),
        sa.Column("repair_result", sa.String()),
        sa.Column("repaired_at", sa.DateTime(timezone=False)),
        sa.Column("accepted_by", sa.String()),
        sa.Column("accepted_at", sa.DateTime(timezone=False)),
        sa.Column("status", sa.String()),
        sa.Column("clerk", sa.String()),
    )
    op.create_table(
        "site_rectification",
        sa.Column("site", sa.String(), primary_key=True),
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("number", sa.String()),
        sa.Column("project_id", sa.Integer()),
        sa.Column("revisit_id", sa.Integer()),
        sa.Column("content", sa.String()),
        sa.Column("owner", sa.String()),
        sa.Column("created_at", sa.DateTime(timezone=False)),
        sa.Column("closed_at", sa.DateTime(timezone=False)),
        sa.Column("result", sa.String()),
        sa.Column("verified_by", sa.String()),
        sa.Column("year", sa.Integer()),
        sa.Column("seq", sa.Integer()),
    )
    op.create_table(
        "site_quality_revisit",
        sa.Column("site", sa.String(), primary_key=True),
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("plan_item_id", sa.Integer()),
        sa.Column("project_id", sa.Integer()),
        sa.Column("at", sa.DateTime(timezone=False)),
        sa.Column("method", sa.String()),
        sa.Column("visitors", sa.String()),
        sa.Column("person_met", sa.String()),
        sa.Column("found", sa.String()),
        sa.Column("satisfaction", sa.String()),
        sa.Column("scores", sa.String()),
        sa.Column("signed_by", sa.String()),
        sa.Column("note", sa.String()),
    )
    op.create_table(
        "site_plan",
        sa.Column("site", sa.String(), primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("drafted_at", sa.DateTime(timezone=False)),
        sa.Column("drafted_by", sa.String()),
        sa.Column("approved_by", sa.String()),
        sa.Column("approved_at", sa.DateTime(timezone=False)),
    )
    op.create_table(
        "site_plan_item",
        sa.Column("site", sa.String(), primary_key=True),
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("year", sa.Integer()),
        sa.Column("project_id", sa.Integer()),
        sa.Column("kind", sa.String()),
        sa.Column("part", sa.String()),
        sa.Column("method", sa.String()),
        sa.Column("date", sa.Date()),
        sa.Column("staff", sa.String()),
        sa.Column("notified_at", sa.DateTime(timezone=False)),
        sa.Column("done_at", sa.DateTime(timezone=False)),
        sa.Column("edited", sa.Boolean()),
        sa.Column("note", sa.String()),
        sa.Column("amendment", sa.Integer()),
    )
    op.create_table(
        "site_plan_amendment",
        sa.Column("site", sa.String(), primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("number", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("drafted_at", sa.DateTime(timezone=False)),
        sa.Column("drafted_by", sa.String()),
        sa.Column("approved_by", sa.String()),
        sa.Column("approved_at", sa.DateTime(timezone=False)),
    )
    op.create_table(
        "site_warranty_item",
        sa.Column("site", sa.String(), primary_key=True),
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("project_id", sa.Integer()),
        sa.Column("part", sa.String()),
        sa.Column("years", sa.Integer()),
        sa.Column("seasons", sa.Integer()),
        sa.Column("starts", sa.Date()),
        sa.Column("expires", sa.Date()),
        sa.Column("source", sa.String()),
        sa.Column("note", sa.String()),
    )
    op.create_table(
        "site_event",
        sa.Column("site", sa.String(), primary_key=True),
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("at", sa.DateTime(timezone=False)),
        sa.Column("recorded_at", sa.DateTime(timezone=False)),
        sa.Column("actor", sa.String()),
        sa.Column("action", sa.String()),
        sa.Column("complaint_id", sa.Integer()),
        sa.Column("details", sa.String()),
        sa.Column("prev_hash", sa.String()),
        sa.Column("hash", sa.String()),
    )
    op.create_table(
        "hq_company",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=False), nullable=False),
    )
    op.create_table(
        "hq_site",
        sa.Column("site", sa.String(), primary_key=True),
        sa.Column("name", sa.String()),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("head_hash", sa.String(), nullable=False),
        sa.Column("schema_version", sa.Integer(), nullable=False),
        sa.Column("tsms_version", sa.String()),
        sa.Column("bundled_at", sa.DateTime(timezone=False), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=False), nullable=False),
        sa.Column("complaints", sa.Integer(), nullable=False),
        sa.Column("bundle_sha256", sa.String(), nullable=False),
        sa.Column("bundle_name", sa.String()),
    )
    op.create_table(
        "hq_import",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("site", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=False), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("head", sa.String(), nullable=False),
        sa.Column("previous_head", sa.String()),
        sa.Column("first_difference", sa.Integer()),
        sa.Column("reason", sa.Text()),
        sa.Column("bundle_sha256", sa.String(), nullable=False),
        sa.Column("bundle_name", sa.String()),
    )
    op.create_index("ix_site_complaint_resolved", "site_complaint", ["resolved_at"])
    op.create_index("ix_site_complaint_received", "site_complaint", ["received_at"])
    op.create_index("ix_site_obligation_due", "site_obligation", ["due"])
    op.create_index("ix_site_obligation_complaint", "site_obligation", ["site", "complaint_id"])
    op.create_index("ix_site_obligation_open", "site_obligation", ["due"], sqlite_where=sa.text("met_at IS NULL"), postgresql_where=sa.text("met_at IS NULL"))
    op.create_index("ix_site_revisit_at", "site_revisit", ["at"])
    op.create_index("ix_site_claim_received", "site_claim", ["received_at"])
    op.create_index("ix_site_plan_item_date", "site_plan_item", ["date"])
    op.create_index("ix_hq_import_site", "hq_import", ["site", "id"])


def downgrade() -> None:
    for name in ("hq_import", "hq_site", "hq_company", "site_event", "site_warranty_item", "site_plan_amendment",
                 "site_plan_item", "site_plan", "site_quality_revisit", "site_rectification", "site_claim",
                 "site_revisit", "site_obligation", "site_complaint", "site_project"):
        op.drop_table(name)
