"""No output ever overwrites data (issue 9): every file tsms writes — ``--xlsx``,
``--rejects``, ``backup`` and the attachment store — is checked before any work, written to
an exclusive temporary file and put in place in one step; a full disk is one line, never
a traceback, and leaves nothing behind."""

import csv
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from conftest import NUMBER, dump, log, on_site, tsms, tsms_json
from tsms.errors import BAD_INPUT, TsmsError
from tsms.store import output

ROOT = Path(__file__).resolve().parent.parent
PHOTO = b"\xff\xd8jpeg" * 1000  # 6 kB, more than the limit below


@pytest.fixture
def ledger(env, templates, monkeypatch):
    """The site with one complaint, a photo attached (so the attachment folder exists) and
    the 2027 plan drafted; TSMS_LANG=en so the tests can read the reasons."""
    def steps():
        log()
        photo = Path(os.environ["TSMS_DB"]).with_name("photo.jpg")
        photo.write_bytes(PHOTO)
        tsms("attach", NUMBER, photo)
        photo.unlink()
        tsms("plan", "2027")

    on_site(templates, env, monkeypatch, "outputs", steps)
    monkeypatch.setenv("TSMS_LANG", "en")
    return env


def _rows_file(folder: Path) -> Path:
    path = folder / "old.csv"
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        csv.writer(fh).writerows([["投诉时间", "投诉内容"], ["2025-03-01 09:00", "夜间噪声"], ["2025-02-30", "日期错"]])
    return path


# what writes a file, given where: each writes something before a refusal could
WRITERS = {
    "report": lambda dest: ["report", "--month", "2026-09", "--as-of", "2026-11-02", "--xlsx", dest],
    "show": lambda dest: ["show", NUMBER, "--xlsx", dest],
    "plan": lambda dest: ["plan", "2027", "--xlsx", dest],
    "import": lambda dest: ["import", "{rows}", "--project", "P01", "--skip-invalid", "--rejects", dest],
    "backup": lambda dest: ["backup", dest],
}


def _args(kind: str, dest, folder: Path) -> list:
    return [str(_rows_file(folder)) if a == "{rows}" else a for a in WRITERS[kind](dest)]


def _outside(folder: Path) -> set[str]:
    """The names in ``folder`` besides the ledger's own files: what a command left there."""
    return {p.name for p in folder.iterdir() if not p.name.startswith("ledger.sqlite3")} - {"old.csv"}


def _one_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


# ------------------------------------------------------------------ refusals, before any work

def _case(folder: Path, case: str) -> tuple[Path, str]:
    """A target that must be refused, made ready in ``folder`` (the ledger's), and the
    reason the refusal gives."""
    ledger = folder / "ledger.sqlite3"
    files = folder / "ledger.sqlite3.files"
    if case == "ledger":
        return ledger, "is the ledger itself"
    if case in ("-wal", "-shm", "-journal"):
        return folder / f"ledger.sqlite3{case}", f"the ledger's {case} file"
    if case == "dotdot":
        (folder / "sub").mkdir()
        return folder / "sub" / ".." / "ledger.sqlite3", "is the ledger itself"
    if case == "symlink":
        (folder / "link.xlsx").symlink_to(ledger)
        return folder / "link.xlsx", "is the ledger itself"
    if case == "folder-symlink":
        (folder / "alias").symlink_to(folder, target_is_directory=True)
        return folder / "alias" / "ledger.sqlite3-wal", "the ledger's -wal file"
    if case == "hard link":
        os.link(ledger, folder / "same.xlsx")
        return folder / "same.xlsx", "is the ledger itself"
    if case == "attachments":
        return files, "the ledger's attachment folder"
    if case == "inside attachments":
        return next(p for p in files.iterdir() if p.is_dir()) / "x.xlsx", "inside the ledger's attachment folder"
    if case == "folder":
        (folder / "out").mkdir()
        return folder / "out", "is a folder"
    if case == "missing parent":
        return folder / "no" / "such" / "x.xlsx", "no such folder"
    raise AssertionError(case)


CASES = ["ledger", "-wal", "-shm", "-journal", "dotdot", "symlink", "folder-symlink", "hard link", "attachments",
         "inside attachments", "folder", "missing parent"]


@pytest.mark.parametrize("kind", sorted(WRITERS))
@pytest.mark.parametrize("case", CASES)
def test_a_target_that_is_the_ledger_or_no_file_is_refused_even_with_force(ledger, kind, case):
    if kind == "backup" and case == "folder":
        pytest.skip("a folder is where backup names its file")
    dest, reason = _case(ledger, case)
    wal = ledger / "ledger.sqlite3-wal"
    before, wal_before, left = dump(ledger), wal.read_bytes() if wal.exists() else None, _outside(ledger)
    r = tsms(*_args(kind, dest, ledger), "--force", ok=False)
    assert r.exit_code == BAD_INPUT and reason in _one_line(r), r.stderr
    assert dump(ledger) == before and (wal.read_bytes() if wal.exists() else None) == wal_before
    assert _outside(ledger) == left
    assert tsms("check").exit_code == 0


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_an_existing_file_is_kept_unless_force(ledger, tmp_path, kind):
    dest = tmp_path / ("existing.sqlite3" if kind == "backup" else "existing.xlsx")
    dest.write_bytes(b"keep me")
    before = dump(ledger)
    r = tsms(*_args(kind, dest, tmp_path), ok=False)
    assert r.exit_code == BAD_INPUT and "exists; add --force" in _one_line(r)
    assert dest.read_bytes() == b"keep me" and dump(ledger) == before
    assert not [p for p in tmp_path.iterdir() if ".part" in p.name]
    tsms(*_args(kind, dest, tmp_path), "--force")
    assert dest.read_bytes() != b"keep me"
    if kind == "backup":
        con = sqlite3.connect(dest)
        assert con.execute("SELECT count(*) FROM complaint").fetchone()[0] == 1
        con.close()
    else:
        assert openpyxl.load_workbook(dest).sheetnames


@pytest.mark.parametrize("case", ["ledger", "existing"])
def test_the_checks_come_before_any_work(ledger, monkeypatch, case):
    """A refused target is refused before the workbook is built or the import read."""
    from tsms.operations import intake
    from tsms.queries import aftersales, complaints, reports

    def never(*_, **__):
        raise AssertionError("work done before the target was checked")

    for module, name in ((reports, "build"), (complaints, "show"), (aftersales, "plan"), (intake, "read_table")):
        monkeypatch.setattr(module, name, never)
    dest, reason = ledger / "ledger.sqlite3", "is the ledger itself"
    if case == "existing":
        dest, reason = ledger / "existing.xlsx", "exists; add --force"
        dest.write_bytes(b"keep me")
    for kind in ("report", "show", "plan", "import"):
        r = tsms(*_args(kind, dest, ledger), ok=False)
        assert r.exit_code == BAD_INPUT and reason in _one_line(r), (kind, r.stderr)


def test_rejects_cannot_be_the_file_imported(ledger):
    rows = _rows_file(ledger)
    content, before = rows.read_bytes(), dump(ledger)
    r = tsms("import", rows, "--project", "P01", "--skip-invalid", "--rejects", rows.with_suffix(".csv"), "--force",
             ok=False)
    assert r.exit_code == BAD_INPUT and "the file being imported" in _one_line(r)
    assert rows.read_bytes() == content and dump(ledger) == before


def test_the_default_rejects_file_is_not_overwritten(ledger):
    rows = _rows_file(ledger)
    (ledger / "old-rejects.xlsx").write_bytes(b"last time's")
    before = dump(ledger)
    r = tsms("import", rows, "--project", "P01", "--skip-invalid", ok=False)
    assert r.exit_code == BAD_INPUT and "old-rejects.xlsx exists" in _one_line(r)
    assert dump(ledger) == before and (ledger / "old-rejects.xlsx").read_bytes() == b"last time's"
    r = tsms_json("import", rows, "--project", "P01", "--skip-invalid", "--force")
    assert r["imported"] == 1 and r["rejects"].endswith("old-rejects.xlsx")
    assert openpyxl.load_workbook(ledger / "old-rejects.xlsx").active["A3"].value == 3


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_a_symlink_planted_at_a_guessable_temporary_name_is_not_followed(ledger, tmp_path, kind):
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"untouched")
    name = "b.sqlite3" if kind == "backup" else "b.xlsx"
    planted = [tmp_path / f"{name}.part", tmp_path / f".{name}.part", tmp_path / f"{name}.tmp"]
    for path in planted:
        path.symlink_to(victim)
    (tmp_path / "to-ledger.part").symlink_to(ledger / "ledger.sqlite3")
    before = dump(ledger)
    tsms(*_args(kind, tmp_path / name, tmp_path))
    assert victim.read_bytes() == b"untouched" and all(p.is_symlink() for p in planted)
    assert (tmp_path / name).is_file() and not (tmp_path / name).is_symlink()
    if kind != "import":
        assert dump(ledger) == before
    made = _outside(tmp_path) - {name, "victim.txt", "to-ledger.part", *(p.name for p in planted)}
    assert made == ({f"{name}.files"} if kind == "backup" else set())  # and no temporary file


def test_attach_does_not_follow_a_symlink_planted_in_the_store(ledger, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"untouched")
    photo = tmp_path / "new.jpg"
    photo.write_bytes(b"another photo")
    from tsms.store.files import file_sha256, stored_path

    stored = stored_path(ledger / "ledger.sqlite3", file_sha256(photo))
    stored.parent.mkdir(parents=True, exist_ok=True)
    planted = stored.with_suffix(".part")
    planted.symlink_to(victim)
    tsms("attach", NUMBER, photo)
    assert victim.read_bytes() == b"untouched" and planted.is_symlink()
    assert stored.read_bytes() == b"another photo" and tsms("check").exit_code == 0


# ------------------------------------------------------------------ the last step

def _target(folder: Path) -> output.Target:
    return output.target(folder / "out.bin", ledger=folder / "ledger.sqlite3")


def test_a_target_that_appears_meanwhile_is_kept(tmp_path):
    out = _target(tmp_path)
    with pytest.raises(TsmsError) as refused:
        with output.writing(out) as fh:
            fh.write(b"new")
            out.path.write_bytes(b"someone else's")
    assert "--force" in refused.value.message and refused.value.code == BAD_INPUT
    assert out.path.read_bytes() == b"someone else's"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]


def test_without_hard_links_the_last_step_still_refuses(tmp_path, monkeypatch):
    """A file system without hard links (FAT, some shares): the target is checked again
    right before the move."""
    def no_links(*_):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    with output.writing(_target(tmp_path)) as fh:
        fh.write(b"first")
    assert (tmp_path / "out.bin").read_bytes() == b"first"
    (tmp_path / "out.bin").unlink()
    out = _target(tmp_path)
    with pytest.raises(TsmsError):
        with output.writing(out) as fh:
            fh.write(b"second")
            out.path.write_bytes(b"someone else's")
    assert (tmp_path / "out.bin").read_bytes() == b"someone else's"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]


@pytest.mark.parametrize("error", [KeyboardInterrupt, ValueError, OSError])
def test_any_failure_removes_the_temporary_file(tmp_path, error):
    out = _target(tmp_path)
    with pytest.raises((error, TsmsError)):
        with output.writing(out) as fh:
            fh.write(b"half")
            raise error()
    with pytest.raises(TsmsError):
        with output.writing(out, by_path=True) as path:
            path.write_bytes(b"half")
            raise OSError(28, "No space left on device")
    assert list(tmp_path.iterdir()) == []


def test_the_written_file_has_the_usual_permissions(tmp_path):
    with output.writing(_target(tmp_path)) as fh:
        fh.write(b"x")
    mask = os.umask(0)
    os.umask(mask)
    assert (tmp_path / "out.bin").stat().st_mode & 0o777 == 0o666 & ~mask


# ------------------------------------------------------------------ a full disk

LIMIT = 1024  # bytes: no file the child writes may grow past this


def _limited(folder: Path, *args, limit: int = LIMIT) -> subprocess.CompletedProcess:
    """tsms in a child process that cannot write past ``limit`` bytes into any file: a full disk
    without root or a tmpfs (RLIMIT_FSIZE, with SIGXFSZ ignored so that a write fails with
    EFBIG instead of killing the process). The ledger is held open here meanwhile, so that
    its shared-memory file exists already and the child only has to read it."""
    resource = pytest.importorskip("resource")

    def full_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    hold = sqlite3.connect(folder / "ledger.sqlite3")
    try:
        hold.execute("SELECT count(*) FROM complaint").fetchone()
        return subprocess.run([sys.executable, "-m", "tsms", *map(str, args)], env=env, preexec_fn=full_disk,
                              capture_output=True, text=True, timeout=120)
    finally:
        hold.close()


def _counts(folder: Path) -> tuple:
    con = sqlite3.connect(folder / "ledger.sqlite3")
    try:
        return tuple(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("complaint", "event", "attachment"))
    finally:
        con.close()


needs_limits = pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="POSIX file-size limits")


@needs_limits
@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_a_full_disk_while_writing_an_output(ledger, kind):
    rows = _rows_file(ledger)
    before, counts, left = dump(ledger), _counts(ledger), _outside(ledger)
    dest = ledger / ("out.sqlite3" if kind == "backup" else "out.xlsx")
    r = _limited(ledger, *[rows if a == "{rows}" else a for a in WRITERS[kind](dest)])
    assert r.returncode == BAD_INPUT, r.stderr
    line = _one_line(r)
    assert "cannot write" in line and "out." in line and "free some disk space" in line
    assert _outside(ledger) == left  # no temporary file, no half output, no backup folder
    assert dump(ledger) == before and _counts(ledger) == counts
    assert tsms("check").exit_code == 0


@needs_limits
def test_a_full_disk_while_attaching(ledger, tmp_path):
    photo = tmp_path / "big.jpg"
    photo.write_bytes(b"\x00photo" * 1000)
    store = ledger / "ledger.sqlite3.files"
    before, counts, stored = dump(ledger), _counts(ledger), sorted(store.rglob("*"))
    r = _limited(ledger, "attach", NUMBER, photo)
    assert r.returncode == 3, r.stderr
    line = _one_line(r)
    assert "attachment store" in line and "the ledger is unchanged" in line
    assert sorted(store.rglob("*")) == stored  # no temporary file, no new folder
    assert dump(ledger) == before and _counts(ledger) == counts
    assert tsms("check").exit_code == 0


@needs_limits
def test_a_full_disk_while_writing_the_ledger(ledger):
    before, counts, left = dump(ledger), _counts(ledger), _outside(ledger)
    r = _limited(ledger, "log", "--project", "P01", "--category", "noise", "--content", "磁盘满了",
                 "--at", "2026-11-20 10:00")
    assert r.returncode == 3, r.stderr
    assert "the ledger" in _one_line(r) and "free some disk space" in _one_line(r)
    assert dump(ledger) == before and _counts(ledger) == counts and _outside(ledger) == left
    assert tsms("check").exit_code == 0


@needs_limits
def test_a_backup_whose_attachments_do_not_fit_leaves_no_backup(ledger, tmp_path):
    """The ledger's copy fits, a large photo does not: no backup file, no half attachment
    folder (a backup without its attachments would restore a ledger that fails check)."""
    con = sqlite3.connect(ledger / "ledger.sqlite3")
    size = con.execute("PRAGMA page_count").fetchone()[0] * con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    photo = tmp_path / "large.jpg"
    photo.write_bytes(os.urandom(size + 64 * 1024))
    tsms("attach", NUMBER, photo)
    photo.unlink()
    left = _outside(ledger)
    r = _limited(ledger, "backup", ledger / "out.sqlite3", limit=size + 32 * 1024)
    assert r.returncode == BAD_INPUT and "cannot write" in _one_line(r), r.stderr
    assert _outside(ledger) == left
