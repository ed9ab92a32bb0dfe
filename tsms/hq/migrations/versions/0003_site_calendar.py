"""Each site's calendar at head office: the official days its ledger recorded (tsms calendar
set), the years it confirmed and the package years it had cached — so a measure counted in
working days (days to resolve) is counted at head office with the site's own calendar.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "site_calendarday",
        sa.Column("site", sa.String(), primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True, autoincrement=False),
        sa.Column("working", sa.Boolean()),
        sa.Column("note", sa.String()),
    )
    op.create_table(
        "site_calendaryear",
        sa.Column("site", sa.String(), primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("confirmed_note", sa.String()),
        sa.Column("package", sa.String()),
        sa.Column("data", sa.String()),
    )


def downgrade() -> None:
    op.drop_table("site_calendaryear")
    op.drop_table("site_calendarday")
