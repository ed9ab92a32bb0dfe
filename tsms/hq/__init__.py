"""Head office (总部, SPEC §9): the site ledgers' bundles verified and consolidated into one
store keyed by site — an embedded SQLite file by default, PostgreSQL when the company
outgrows one machine — and the company-wide views over it (status, overdue, report).

    store      opening the HQ store (TSMS_HQ / --hq), its Alembic migrations, write transactions
    tables     the store's tables: the site tables mirrored with a ``site`` column, and its own
    intake     ``hq import``: a bundle verified (sha256, check, the chain, the head HQ holds) and loaded
    views      ``hq status``, ``hq overdue``, ``hq report``: read-only, plain dicts
"""
