"""The HQ store's tables (SQLAlchemy Core, one definition for SQLite and PostgreSQL).

The site's tables that head office reads are mirrored column for column from the site's
own schema (``tsms.store.tables``) with a ``site`` column first and the site in every
primary key: a site's rows are its own ledger's rows, keyed by site. The Alembic history in
``tsms/hq/migrations`` builds the same tables (tests/test_hq.py holds the two together), so
a later site schema change that head office must follow fails that test until a migration
adds it. Plus the store's own tables: the company, each site's accepted head, the imports.
"""

from __future__ import annotations

from sqlalchemy import (Boolean, Column, Date, DateTime, Float, Index, Integer, MetaData, String, Table, Text,
                        literal_column)

from tsms.store import tables as site_tables

metadata = MetaData()

# the site tables head office copies (SPEC §9: complaints, obligations, revisits, claims,
# rectifications, plan, warranty, retention — on the project row — and the events)
MIRRORED = ("project", "complaint", "obligation", "revisit", "claim", "rectification", "quality_revisit", "plan",
            "plan_item", "plan_amendment", "warranty_item", "event",
            # and the site's calendar: working days are counted at head office as the site counts them
            "calendarday", "calendaryear")


def _column_type(column):
    name = type(column.type).__name__
    if name in ("Integer", "BigInteger"):
        return Integer()
    if name == "Boolean":
        return Boolean()
    if name == "Date":
        return Date()
    if name == "DateTime":
        return DateTime(timezone=False)
    if name in ("Float", "Numeric"):
        return Float()
    return String()


def _mirror(name: str) -> Table:
    source = site_tables.Table.metadata.tables[name]
    columns = [Column("site", String(), primary_key=True)]
    for column in source.columns:
        # every other column may be empty: head office keeps what the site holds, and checks
        # the site's rules by running the site's check on the snapshot, not by constraints
        columns.append(Column(column.name, _column_type(column), primary_key=column.primary_key,
                              autoincrement=False, nullable=not column.primary_key))
    return Table(f"site_{name}", metadata, *columns)


MIRRORS: dict[str, Table] = {name: _mirror(name) for name in MIRRORED}
project, complaint, obligation, revisit, claim = (MIRRORS[n] for n in ("project", "complaint", "obligation",
                                                                      "revisit", "claim"))
rectification, plan, plan_item, event = (MIRRORS[n] for n in ("rectification", "plan", "plan_item", "event"))

Index("ix_site_complaint_received", complaint.c.received_at)
Index("ix_site_complaint_resolved", complaint.c.resolved_at)
# a period's deadlines (the report), the open ones (overdue), a complaint's (its latest revisit)
Index("ix_site_obligation_due", obligation.c.due)
Index("ix_site_obligation_open", obligation.c.due, sqlite_where=literal_column("met_at IS NULL"),
      postgresql_where=literal_column("met_at IS NULL"))
Index("ix_site_obligation_complaint", obligation.c.site, obligation.c.complaint_id)
Index("ix_site_revisit_at", revisit.c.at)
Index("ix_site_claim_received", claim.c.received_at)
Index("ix_site_plan_item_date", plan_item.c.date)

company = Table(
    "hq_company", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("name", String(), nullable=False),
    Column("created_at", DateTime(timezone=False), nullable=False),
)

# each site's accepted head and the bundle it came in
site = Table(
    "hq_site", metadata,
    Column("site", String(), primary_key=True),
    Column("name", String()),
    Column("events", Integer, nullable=False),
    Column("head_hash", String(), nullable=False),
    Column("schema_version", Integer, nullable=False),
    Column("tsms_version", String()),
    Column("bundled_at", DateTime(timezone=False), nullable=False),
    Column("imported_at", DateTime(timezone=False), nullable=False),
    Column("complaints", Integer, nullable=False),
    Column("bundle_sha256", String(), nullable=False),
    Column("bundle_name", String()),
)

# every import that changed something, and every divergence accepted on purpose (who, why)
imports = Table(
    "hq_import", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("site", String(), nullable=False),
    Column("at", DateTime(timezone=False), nullable=False),
    Column("actor", String(), nullable=False),
    Column("action", String(), nullable=False),  # import | accept_divergence
    Column("head", String(), nullable=False),
    Column("previous_head", String()),
    Column("first_difference", Integer),
    Column("reason", Text()),
    Column("bundle_sha256", String(), nullable=False),
    Column("bundle_name", String()),
)
Index("ix_hq_import_site", imports.c.site, imports.c.id)
