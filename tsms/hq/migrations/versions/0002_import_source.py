"""The site schema's v11 (where an imported complaint came from: the source file and its
row) followed by head office: two columns on site_complaint.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("site_complaint") as batch:
        batch.add_column(sa.Column("import_source", sa.String()))
        batch.add_column(sa.Column("import_row", sa.String()))


def downgrade() -> None:
    with op.batch_alter_table("site_complaint") as batch:
        batch.drop_column("import_row")
        batch.drop_column("import_source")
