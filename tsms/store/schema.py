"""The ledger's schema: an ordered list of migrations, each applied in its own transaction
(tsms.store.engine.migrate). The SQLModel classes in tsms.store.tables mirror the result; a
test checks that they agree column for column."""

from __future__ import annotations

from tsms.store import changes

# Each step runs in its own transaction and is recorded in PRAGMA user_version and in the
# schema_migration table. Never edit a released step: add a new one.
MIGRATIONS: list[tuple[str, str]] = [
    (
        "v1: core ledger",
        """
CREATE TABLE setting (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
CREATE TABLE project (
    id INTEGER PRIMARY KEY, code VARCHAR NOT NULL UNIQUE, name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL, address VARCHAR, client VARCHAR, manager VARCHAR, phone VARCHAR,
    region VARCHAR, completed_on DATE, design_life INTEGER NOT NULL DEFAULT 50,
    created_at DATETIME NOT NULL);
CREATE TABLE staff (
    id INTEGER PRIMARY KEY, name VARCHAR NOT NULL UNIQUE, dept VARCHAR NOT NULL,
    role VARCHAR NOT NULL, phone VARCHAR, project_id INTEGER REFERENCES project (id),
    created_at DATETIME NOT NULL);
CREATE TABLE complaint (
    id INTEGER PRIMARY KEY, number VARCHAR NOT NULL UNIQUE, year INTEGER NOT NULL,
    seq INTEGER NOT NULL, project_id INTEGER NOT NULL REFERENCES project (id),
    status VARCHAR NOT NULL, channel VARCHAR NOT NULL, category VARCHAR NOT NULL,
    urgency VARCHAR NOT NULL, serious BOOLEAN NOT NULL DEFAULT 0,
    night_time BOOLEAN NOT NULL DEFAULT 0, complainant_org VARCHAR, complainant VARCHAR,
    contact VARCHAR, address VARCHAR, content VARCHAR NOT NULL, note VARCHAR,
    received_at DATETIME NOT NULL, occurred_at DATETIME, clerk VARCHAR NOT NULL,
    filled_at DATETIME NOT NULL, accept_dept VARCHAR, accept_person VARCHAR,
    accept_opinion VARCHAR, accepted_at DATETIME, reject_reason VARCHAR,
    reject_advice VARCHAR, rejected_at DATETIME, department VARCHAR, assignee VARCHAR, handling_opinion VARCHAR,
    assigned_at DATETIME, result VARCHAR, resolved_at DATETIME, dept_head VARCHAR,
    escalated_at DATETIME, escalated_to VARCHAR, replied_at DATETIME, reply_text VARCHAR,
    revisited_at DATETIME, satisfaction VARCHAR, closed_at DATETIME, archived_at DATETIME,
    reopened INTEGER NOT NULL DEFAULT 0,
    UNIQUE (year, seq));
CREATE INDEX ix_complaint_status ON complaint (status);
CREATE INDEX ix_complaint_project ON complaint (project_id);
CREATE INDEX ix_complaint_received ON complaint (received_at);
CREATE TABLE revisit (
    id INTEGER PRIMARY KEY, complaint_id INTEGER NOT NULL REFERENCES complaint (id),
    at DATETIME NOT NULL, method VARCHAR NOT NULL, satisfaction VARCHAR NOT NULL,
    visitor VARCHAR NOT NULL, person_met VARCHAR, note VARCHAR, due DATE);
CREATE INDEX ix_revisit_complaint ON revisit (complaint_id);
CREATE TABLE deadline (
    id INTEGER PRIMARY KEY, complaint_id INTEGER NOT NULL REFERENCES complaint (id),
    kind VARCHAR NOT NULL, starts DATE NOT NULL, due DATE NOT NULL,
    provisional BOOLEAN NOT NULL DEFAULT 0, done_at DATETIME);
CREATE INDEX ix_deadline_complaint ON deadline (complaint_id);
CREATE INDEX ix_deadline_open_due ON deadline (due) WHERE done_at IS NULL;
CREATE TABLE event (
    id INTEGER PRIMARY KEY, at DATETIME NOT NULL, recorded_at DATETIME NOT NULL,
    actor VARCHAR NOT NULL, action VARCHAR NOT NULL,
    complaint_id INTEGER REFERENCES complaint (id), details VARCHAR NOT NULL,
    prev_hash VARCHAR NOT NULL, hash VARCHAR NOT NULL);
CREATE INDEX ix_event_complaint ON event (complaint_id);
CREATE TRIGGER event_append_only_update BEFORE UPDATE ON event
    BEGIN SELECT RAISE(ABORT, 'the event table is append-only'); END;
CREATE TRIGGER event_append_only_delete BEFORE DELETE ON event
    BEGIN SELECT RAISE(ABORT, 'the event table is append-only'); END;
CREATE TABLE calendarday (day DATE PRIMARY KEY, working BOOLEAN NOT NULL, note VARCHAR NOT NULL);
CREATE TABLE calendaryear (year INTEGER PRIMARY KEY, confirmed_note VARCHAR, package VARCHAR, data VARCHAR);
""",
    ),
    (
        "v2: attachments, list by status in date order",
        """
CREATE TABLE attachment (
    id INTEGER PRIMARY KEY, complaint_id INTEGER REFERENCES complaint (id),
    subject VARCHAR NOT NULL, name VARCHAR NOT NULL, sha256 VARCHAR NOT NULL,
    size INTEGER NOT NULL, added_at DATETIME NOT NULL, added_by VARCHAR NOT NULL);
CREATE INDEX ix_attachment_subject ON attachment (subject);
CREATE INDEX ix_complaint_status_received ON complaint (status, received_at);
DROP INDEX ix_complaint_status;
""",
    ),
    (
        "v3: reports by period, imported rows",
        """
ALTER TABLE complaint ADD COLUMN import_key VARCHAR;
ALTER TABLE complaint ADD COLUMN source_ref VARCHAR;
CREATE UNIQUE INDEX ix_complaint_import_key ON complaint (import_key) WHERE import_key IS NOT NULL;
CREATE INDEX ix_complaint_resolved ON complaint (resolved_at);
CREATE INDEX ix_deadline_kind_due ON deadline (kind, due);
CREATE INDEX ix_deadline_done_at ON deadline (done_at) WHERE done_at IS NOT NULL;
CREATE INDEX ix_revisit_at ON revisit (at);
""",
    ),
    (
        "v4: warranty items, regions with heating periods, retention money",
        """
CREATE TABLE region (
    code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, heating_start VARCHAR, heating_end VARCHAR,
    cooling_start VARCHAR, cooling_end VARCHAR);
INSERT INTO region VALUES ('beijing', '北京', '11-15', '03-15', NULL, NULL);
INSERT INTO region VALUES ('harbin', '哈尔滨', '10-20', '04-20', NULL, NULL);
INSERT INTO region VALUES ('shenyang', '沈阳', '11-01', '03-31', NULL, NULL);
INSERT INTO region VALUES ('qingdao', '青岛', '11-16', '04-05', NULL, NULL);
INSERT INTO region VALUES ('shanghai', '上海', NULL, NULL, NULL, NULL);
CREATE TABLE warranty_item (
    id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL REFERENCES project (id), part VARCHAR NOT NULL,
    years INTEGER, seasons INTEGER, starts DATE NOT NULL, expires DATE, source VARCHAR NOT NULL,
    note VARCHAR, UNIQUE (project_id, part));
ALTER TABLE project ADD COLUMN retention NUMERIC;
ALTER TABLE project ADD COLUMN liability_years INTEGER NOT NULL DEFAULT 1;
""",
    ),
    (
        "v5: warranty claims, retention money, the revisit plan, quality revisits, rectifications",
        """
CREATE TABLE claim (
    id INTEGER PRIMARY KEY, number VARCHAR NOT NULL UNIQUE, project_id INTEGER NOT NULL REFERENCES project (id),
    year INTEGER NOT NULL, seq INTEGER NOT NULL, part VARCHAR NOT NULL, location VARCHAR, content VARCHAR NOT NULL,
    complainant VARCHAR, contact VARCHAR, emergency BOOLEAN NOT NULL DEFAULT 0, received_at DATETIME NOT NULL,
    inspect_due DATE NOT NULL, in_warranty BOOLEAN NOT NULL, inspected_at DATETIME, cause VARCHAR,
    paid BOOLEAN NOT NULL DEFAULT 0, repair_result VARCHAR, repaired_at DATETIME, accepted_by VARCHAR,
    accepted_at DATETIME, status VARCHAR NOT NULL, clerk VARCHAR NOT NULL, UNIQUE (project_id, year, seq));
CREATE INDEX ix_claim_open_due ON claim (inspect_due) WHERE inspected_at IS NULL;
ALTER TABLE project ADD COLUMN retention_applied_at DATETIME;
ALTER TABLE project ADD COLUMN retention_verified_at DATETIME;
ALTER TABLE project ADD COLUMN retention_returned_at DATETIME;
CREATE TABLE plan (year INTEGER PRIMARY KEY, drafted_at DATETIME NOT NULL, drafted_by VARCHAR NOT NULL,
    approved_by VARCHAR, approved_at DATETIME);
CREATE TABLE plan_item (
    id INTEGER PRIMARY KEY, year INTEGER NOT NULL REFERENCES plan (year),
    project_id INTEGER NOT NULL REFERENCES project (id), kind VARCHAR NOT NULL, part VARCHAR NOT NULL DEFAULT '',
    method VARCHAR NOT NULL, date DATE NOT NULL, staff VARCHAR, notify_by DATE NOT NULL, notified_at DATETIME,
    done_at DATETIME, edited BOOLEAN NOT NULL DEFAULT 0, note VARCHAR, UNIQUE (year, project_id, kind, part));
CREATE INDEX ix_plan_item_date ON plan_item (date);
CREATE TABLE quality_revisit (
    id INTEGER PRIMARY KEY, plan_item_id INTEGER REFERENCES plan_item (id),
    project_id INTEGER NOT NULL REFERENCES project (id), at DATETIME NOT NULL, method VARCHAR NOT NULL,
    visitors VARCHAR NOT NULL, person_met VARCHAR, found VARCHAR, satisfaction VARCHAR, scores VARCHAR,
    signed_by VARCHAR, note VARCHAR);
CREATE TABLE rectification (
    id INTEGER PRIMARY KEY, number VARCHAR NOT NULL UNIQUE, project_id INTEGER NOT NULL REFERENCES project (id),
    revisit_id INTEGER REFERENCES quality_revisit (id), content VARCHAR NOT NULL, owner VARCHAR,
    created_at DATETIME NOT NULL, due DATE NOT NULL, closed_at DATETIME, result VARCHAR, verified_by VARCHAR);
CREATE INDEX ix_rectification_open_due ON rectification (due) WHERE closed_at IS NULL;
""",
    ),
    (
        "v6: one table of obligations for every deadline",
        """
CREATE TABLE obligation (
    id INTEGER PRIMARY KEY, kind VARCHAR NOT NULL,
    complaint_id INTEGER REFERENCES complaint (id), claim_id INTEGER REFERENCES claim (id),
    rectification_id INTEGER REFERENCES rectification (id), plan_item_id INTEGER REFERENCES plan_item (id),
    plan_year INTEGER, project_id INTEGER REFERENCES project (id),
    starts DATE NOT NULL, due DATE NOT NULL, basis VARCHAR NOT NULL DEFAULT '',
    provisional BOOLEAN NOT NULL DEFAULT 0, holder VARCHAR, met_at DATETIME);
INSERT INTO obligation (id, kind, complaint_id, project_id, starts, due, basis, provisional, holder, met_at)
    SELECT d.id, d.kind, d.complaint_id, c.project_id, d.starts, d.due, c.urgency, d.provisional,
        CASE d.kind WHEN 'resolve' THEN COALESCE(c.assignee, c.accept_person, c.clerk)
                    WHEN 'accept' THEN c.clerk ELSE COALESCE(c.accept_person, c.clerk) END,
        d.done_at
    FROM deadline d JOIN complaint c ON c.id = d.complaint_id ORDER BY d.id;
INSERT INTO obligation (kind, claim_id, project_id, starts, due, basis, holder, met_at)
    SELECT 'claim', cl.id, cl.project_id, date(cl.received_at), cl.inspect_due,
        CASE WHEN cl.emergency THEN 'emergency' ELSE '' END, p.manager, cl.inspected_at
    FROM claim cl JOIN project p ON p.id = cl.project_id ORDER BY cl.id;
INSERT INTO obligation (kind, rectification_id, project_id, starts, due, basis, holder, met_at)
    SELECT 'rectification', r.id, r.project_id, date(r.created_at), r.due,
        CASE WHEN p.completed_on IS NOT NULL AND p.completed_on <= date(r.created_at) THEN 'warranty'
             ELSE 'construction' END, r.owner, r.closed_at
    FROM rectification r JOIN project p ON p.id = r.project_id ORDER BY r.id;
INSERT INTO obligation (kind, plan_item_id, project_id, starts, due, holder, met_at)
    SELECT 'notice', i.id, i.project_id, i.date, i.notify_by, i.staff, COALESCE(i.notified_at, i.done_at)
    FROM plan_item i ORDER BY i.id;
INSERT INTO obligation (kind, plan_item_id, project_id, starts, due, holder, met_at)
    SELECT 'planned_revisit', i.id, i.project_id, i.date, i.date, i.staff, i.done_at
    FROM plan_item i WHERE i.kind != 'first' ORDER BY i.id;
CREATE INDEX ix_obligation_open_due ON obligation (due) WHERE met_at IS NULL;
CREATE INDEX ix_obligation_kind_due ON obligation (kind, due);
CREATE INDEX ix_obligation_met_at ON obligation (met_at) WHERE met_at IS NOT NULL;
CREATE INDEX ix_obligation_complaint ON obligation (complaint_id) WHERE complaint_id IS NOT NULL;
CREATE INDEX ix_obligation_claim ON obligation (claim_id) WHERE claim_id IS NOT NULL;
CREATE INDEX ix_obligation_rectification ON obligation (rectification_id) WHERE rectification_id IS NOT NULL;
CREATE INDEX ix_obligation_plan_item ON obligation (plan_item_id) WHERE plan_item_id IS NOT NULL;
CREATE INDEX ix_obligation_project ON obligation (project_id, kind);
DROP TABLE deadline;
DROP INDEX ix_claim_open_due;
ALTER TABLE claim DROP COLUMN inspect_due;
DROP INDEX ix_rectification_open_due;
ALTER TABLE rectification DROP COLUMN due;
ALTER TABLE rectification ADD COLUMN year INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rectification ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE plan_item DROP COLUMN notify_by;
""",
        lambda con, now: _v6_by_the_rules(con, now),
    ),
    (
        "v7: obligations counted in hours (urgent complaints); retention money by 138号; plan amendments",
        """
ALTER TABLE obligation ADD COLUMN due_at DATETIME;
ALTER TABLE project ADD COLUMN contract_sum NUMERIC;
ALTER TABLE project ADD COLUMN liability_from DATE;
ALTER TABLE project ADD COLUMN retention_reminded_at DATETIME;
ALTER TABLE plan_item ADD COLUMN amendment INTEGER NOT NULL DEFAULT 0;
CREATE TABLE plan_amendment (
    year INTEGER NOT NULL REFERENCES plan (year), number INTEGER NOT NULL, drafted_at DATETIME NOT NULL,
    drafted_by VARCHAR NOT NULL, approved_by VARCHAR, approved_at DATETIME, PRIMARY KEY (year, number));
""",
    ),
    (
        # store.changes: triggers write row images; engine.migrate installs them after this
        # and every later migration and records the state the ledger held as the log's start
        "v8: every event carries the row images it changed (check re-derives the state)",
        changes.DDL,
    ),
    (
        "v9: corrections as events (void, the earlier result of a reopened complaint)",
        """
ALTER TABLE complaint ADD COLUMN voided_at DATETIME;
ALTER TABLE complaint ADD COLUMN void_reason VARCHAR;
ALTER TABLE complaint ADD COLUMN voided_from VARCHAR;
ALTER TABLE complaint ADD COLUMN previous_result VARCHAR;
ALTER TABLE complaint ADD COLUMN previous_resolved_at DATETIME;
CREATE INDEX ix_complaint_filled ON complaint (filled_at);
UPDATE complaint SET previous_result = result, previous_resolved_at = resolved_at
    WHERE reopened > 0 AND status = 'assigned' AND resolved_at IS NOT NULL;
""",
    ),
    (
        # a date typed or imported without a time keeps midnight in received_at/occurred_at;
        # these say the time of day is unknown (never night-time, shown without 00:00)
        "v10: whether a complaint's time of day is known",
        """
ALTER TABLE complaint ADD COLUMN received_time_known BOOLEAN NOT NULL DEFAULT 1;
ALTER TABLE complaint ADD COLUMN occurred_time_known BOOLEAN NOT NULL DEFAULT 1;
""",
    ),
    (
        # tsms.operations.intake: re-importing a corrected file updates the complaints from the
        # same rows; complaints imported before learn their file from their log event and their
        # key from the old number they kept, else their time and complainant
        "v11: an imported complaint's source file and row key",
        """
ALTER TABLE complaint ADD COLUMN import_source VARCHAR;
ALTER TABLE complaint ADD COLUMN import_row VARCHAR;
UPDATE complaint SET
    import_source = (SELECT json_extract(e.details, '$.imported_from') FROM event e
                     WHERE e.complaint_id = complaint.id AND e.action = 'log' ORDER BY e.id LIMIT 1),
    import_row = COALESCE(source_ref, strftime('%Y-%m-%d %H:%M', received_at) || '|' || COALESCE(complainant, ''))
    WHERE import_key IS NOT NULL;
CREATE INDEX ix_complaint_import_row ON complaint (import_source, import_row) WHERE import_source IS NOT NULL;
""",
    ),
]

SCHEMA_VERSION = len(MIGRATIONS)
# from this version on, engine.migrate (re)installs the change triggers after each migration
CHANGES_FROM = 8


def _v6_by_the_rules(con, now) -> None:
    """What v6 cannot say in SQL: the obligations whose deadline needs the rules (the
    plans owed, the first revisit after completion, the retention money and its
    verification) and the rectifications' year and sequence, read from their numbers."""
    import datetime as dt

    from tsms import rules

    for rid, number in con.execute("SELECT id, number FROM rectification").fetchall():
        head, _, seq = number.rpartition("-")
        con.execute("UPDATE rectification SET year = ?, seq = ? WHERE id = ?",
                    (int(head[-4:]), int(seq), rid))
    rows = con.execute(
        "SELECT id, completed_on, created_at, manager, retention, retention_applied_at, retention_verified_at, "
        "liability_years FROM project WHERE completed_on IS NOT NULL").fetchall()
    plans = {year: approved for year, approved in con.execute("SELECT year, approved_at FROM plan")}
    owed = []
    if rows:  # a plan a year from the first 31 December after a finished project was entered
        first = int(min(r[2] for r in rows)[:4]) + 1
        owed = range(first, max([first, now.year + rules.PLANS_AHEAD, *plans]) + 1)
    for year in owed:
        con.execute("INSERT INTO obligation (kind, plan_year, starts, due, met_at) VALUES ('plan', ?, ?, ?, ?)",
                    (year, f"{year - 1}-12-01", rules.plan_deadline(year).isoformat(), plans.get(year)))
    if not rows:
        return
    from tsms.store import calendar_source

    local = {dt.date.fromisoformat(day): rules.LocalDay(bool(working), note)
             for day, working, note in con.execute("SELECT day, working, note FROM calendarday")}
    confirmed = {y for (y,) in con.execute("SELECT year FROM calendaryear WHERE confirmed_note IS NOT NULL")}
    cal = rules.WorkCalendar(calendar_source.year_from_package, local, confirmed)
    for pid, completed, created, manager, retention, applied, verified, years in rows:
        completed = dt.date.fromisoformat(completed)
        if retention is not None:
            con.execute("INSERT INTO obligation (kind, project_id, starts, due, basis, holder, met_at) "
                        "VALUES ('retention', ?, ?, ?, ?, ?, ?)",
                        (pid, completed.isoformat(), rules.liability_end(completed, years).isoformat(), str(years),
                         manager, applied))
        first = rules.first_revisit_deadline(completed, cal)
        if first.due >= dt.date.fromisoformat(created[:10]):  # the ledger knew the project in time
            met = con.execute("SELECT min(at) FROM quality_revisit WHERE project_id = ? AND at >= ?",
                              (pid, completed.isoformat())).fetchone()[0]
            con.execute("INSERT INTO obligation (kind, project_id, starts, due, provisional, holder, met_at) "
                        "VALUES ('first_revisit', ?, ?, ?, ?, ?, ?)",
                        (pid, completed.isoformat(), first.due.isoformat(), first.provisional, manager, met))
        if retention is not None and applied is not None:
            start = dt.date.fromisoformat(applied[:10])
            verify = rules.retention_verify_deadline(start, cal)
            con.execute("INSERT INTO obligation (kind, project_id, starts, due, provisional, holder, met_at) "
                        "VALUES ('retention_verify', ?, ?, ?, ?, ?, ?)",
                        (pid, start.isoformat(), verify.due.isoformat(), verify.provisional, manager, verified))
