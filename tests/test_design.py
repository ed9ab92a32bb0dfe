"""Tests that keep the design honest: imports go one way with no circles, and the SQLModel
classes agree with the schema the migrations build."""

import ast
import sqlite3
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "tsms"

# a layer may import itself and the layers listed (SPEC/ARCHITECTURE: cli → operations |
# queries → store → rules; render is used by cli only; rules imports only vocab and errors)
BASE = {"tsms", "tsms.errors", "tsms.vocab", "tsms.clock", "tsms.checks", "tsms.fields"}
ALLOWED = {
    "base": {"base"},
    "rules": {"rules", "base"},  # of the base, only vocab and errors (RULES_MAY_IMPORT)
    "store": {"store", "rules", "base"},
    "operations": {"operations", "store", "rules", "base"},
    "queries": {"queries", "store", "rules", "base"},
    "render": {"render", "base"},
    "deliver": {"deliver", "base"},
    # head office: its own store over the site's store, the site's rules and queries' labels
    "hq": {"hq", "queries", "store", "rules", "base"},
    "cli": {"cli", "operations", "queries", "store", "rules", "render", "deliver", "hq", "base"},
}
RULES_MAY_IMPORT = {"tsms.errors", "tsms.vocab"}


def _modules() -> dict[str, Path]:
    out = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def layer(module: str) -> str:
    if module in BASE:
        return "base"
    if module == "tsms.__main__":
        return "cli"
    return module.split(".")[1]


def imports_of(module: str) -> set[str]:
    """Every tsms module ``module`` imports, at the top or inside a function."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        else:
            continue
        found |= {n for n in names if n.split(".")[0] == "tsms" and n in MODULES and n != module}
    return found


GRAPH = {m: imports_of(m) for m in MODULES}


def test_the_layers_are_the_ones_we_name():
    assert {layer(m) for m in MODULES} <= set(ALLOWED)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_go_one_way(module):
    against = sorted(i for i in GRAPH[module] if layer(i) not in ALLOWED[layer(module)])
    assert not against, f"{module} ({layer(module)}) imports against the direction: {against}"
    if layer(module) == "rules":
        outside = sorted(i for i in GRAPH[module] if layer(i) != "rules" and i not in RULES_MAY_IMPORT)
        assert not outside, f"{module} is a rule and imports {outside}"


def test_no_import_circles():
    seen, stack, circles = set(), [], []

    def visit(m):
        if m in stack:
            circles.append(stack[stack.index(m):] + [m])
            return
        if m in seen:
            return
        stack.append(m)
        for n in sorted(GRAPH[m]):
            visit(n)
        stack.pop()
        seen.add(m)

    for m in sorted(GRAPH):
        visit(m)
    assert not circles, "import circles: " + "; ".join(" → ".join(c) for c in circles)


def test_the_checker_sees_an_arrow_against_the_direction(tmp_path, monkeypatch):
    """The direction test would fail if a rule imported the storage layer."""
    bad = tmp_path / "bad.py"
    bad.write_text("from tsms.store import unit\n", encoding="utf-8")
    monkeypatch.setitem(MODULES, "tsms.rules.bad", bad)
    found = imports_of("tsms.rules.bad")
    assert found == {"tsms.store.unit"} and layer("tsms.store.unit") not in ALLOWED["rules"]


def test_tables_and_migrated_schema_agree(tmp_path):
    """The promise in tsms.store.tables: the SQLModel classes and the schema the migrations
    build agree, table for table and column for column, NOT NULL included."""
    from sqlmodel import SQLModel

    import tsms.store.tables  # noqa: F401  (registers the tables)
    from tsms.store import engine

    engine.create(tmp_path / "ledger.sqlite3")
    con = sqlite3.connect(tmp_path / "ledger.sqlite3")
    try:
        tables = {name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        tables.discard("schema_migration")
        assert tables == set(SQLModel.metadata.tables)
        for name, table in SQLModel.metadata.tables.items():
            schema = {row[1]: row for row in con.execute(f"PRAGMA table_info({name})")}
            assert set(schema) == set(table.columns.keys()), name
            for column in table.columns:
                _, _, _, notnull, _, pk = schema[column.name]
                if not pk:
                    assert bool(notnull) == (not column.nullable), f"{name}.{column.name}"
                assert bool(pk) == column.primary_key, f"{name}.{column.name}"
    finally:
        con.close()
