"""Every file tsms writes goes through here: ``--xlsx`` workbooks, ``--rejects`` files, the
``backup`` and the attachment store. No output ever overwrites data:

* :func:`target` checks where a file goes before any work is done: never the ledger, its
  ``-wal`` / ``-shm`` / ``-journal``, its attachment folder or anything inside it (compared
  as the system sees them: through ``..``, symbolic and hard links), never a folder, never
  into a folder that does not exist, and never over an existing file unless ``--force``;
* :func:`writing` writes into a temporary file created exclusively beside the target (an
  unpredictable name, ``O_EXCL``: a symbolic link planted there is never followed), puts
  it on disk (fsync), then moves it onto the target in one step. Without ``--force`` that
  last step refuses a target that appeared meanwhile (a hard link, which fails when the
  name exists, where the file system has them). On any failure (an error, Ctrl-C) the
  temporary file is removed; a system error — disk full, quota, read-only, no permission,
  a file-size limit — becomes one line: exit 2 for an output, 3 for the ledger's own
  attachment store.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import shutil
import sys
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path

from tsms.errors import BAD_INPUT, LEDGER_UNUSABLE, TsmsError
from tsms.store.files import store_dir
from tsms.vocab import t

COMPANIONS = ("-wal", "-shm", "-journal")  # SQLite's files beside the ledger
_SPACE = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}
_ACCESS = {errno.EROFS, errno.EACCES, errno.EPERM}
_NO_HARD_LINKS = {errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOSYS, errno.EACCES,
                  getattr(errno, "ENOTSUP", errno.EPERM), getattr(errno, "EOPNOTSUPP", errno.EPERM)}


@dataclass(frozen=True)
class Target:
    """A checked place to write: ``path`` the file as the system resolves its folder,
    ``shown`` as the user named it, ``code`` the exit code of a failure to write it."""

    path: Path
    shown: str
    force: bool = False
    code: int = BAD_INPUT


def target(path: str | Path, *, ledger: Path | None, force: bool = False, option: str = "",
           suffixes: tuple[str, ...] = ()) -> Target:
    """Where an output goes, checked before any work: see the module's docstring. ``option``
    names the option in messages (``--xlsx``); ``suffixes`` the endings accepted."""
    given = os.path.expanduser(os.fspath(path))
    label = f"{option}: " if option else ""
    if not given.strip():
        raise TsmsError(t("{o}请给出文件名", "{o}give a file name", o=label))
    parent, name = os.path.split(os.path.abspath(given))
    real = Path(os.path.realpath(parent)) / name
    if ledger is not None:
        _not_the_ledger(given, real, ledger)
    if os.path.isdir(given):
        raise TsmsError(t("{p} 是文件夹;请给出文件名", "{p} is a folder; give a file name", p=given))
    if not os.path.isdir(parent):
        raise TsmsError(t("目录 {d} 不存在;先建好它,或换一个位置", "no such folder: {d}; create it first or choose another place",
                          d=os.path.dirname(given) or parent))
    if suffixes and not given.lower().endswith(suffixes):
        raise TsmsError(t("{o}文件名应以 {s} 结尾", "{o}the file name must end in {s}", o=label,
                          s=t(" 或 ", " or ").join(suffixes)))
    if os.path.lexists(real) and not force:
        raise TsmsError(_exists(given))
    return Target(real, given, force, BAD_INPUT)


def _exists(shown: str) -> str:
    return t("{p} 已存在;加 --force 覆盖它,或换一个文件名", "{p} exists; add --force to overwrite it, or choose another name",
             p=shown)


def _same(a: str | Path, b: str | Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _not_the_ledger(given: str, real: Path, ledger: Path) -> None:
    """Refuse the ledger, its companions and its attachment folder, however they are named."""
    base = Path(os.path.realpath(ledger))
    files = store_dir(base)
    followed = Path(os.path.realpath(given))  # through a symbolic link at the name itself
    forbidden = [(base, t("账本本身", "the ledger itself"))]
    forbidden += [(base.with_name(base.name + s), t("账本的 {s} 文件", "the ledger's {s} file", s=s)) for s in COMPANIONS]
    forbidden.append((files, t("账本的附件目录", "the ledger's attachment folder")))
    same_folder = _same(real.parent, base.parent)
    for path, what in forbidden:
        if (path in (real, followed) or _same(given, path)
                or same_folder and real.name.casefold() == path.name.casefold()):
            raise TsmsError(t("{p} 是{w};请换一个文件名", "{p} is {w}; choose another file", p=given, w=what))
    inside = followed.is_relative_to(files) or real.is_relative_to(files) or any(
        _same(folder, files) for folder in (real.parent, *real.parent.parents))
    if inside:
        raise TsmsError(t("{p} 在账本的附件目录 {d} 里;请换一个位置", "{p} is inside the ledger's attachment folder {d}; "
                          "choose another place", p=given, d=files))


def failure(out: Target, reason: str, number: int | None = None) -> TsmsError:
    """A system error writing ``out`` as one line with what to do."""
    if number in _SPACE:
        hint = t("腾出磁盘空间,或换一个位置", "free some disk space, or choose another place")
    elif number in _ACCESS:
        hint = t("换一个可以写入的位置", "choose a place you can write to")
    else:
        hint = t("检查磁盘后重试", "check the disk and try again")
    if out.code == LEDGER_UNUSABLE:
        return TsmsError(t("无法写入附件库 {p}:{e};{h};账本未改动", "cannot write to the attachment store {p}: {e}; {h}; "
                           "the ledger is unchanged", p=out.shown, e=reason, h=hint), LEDGER_UNUSABLE)
    return TsmsError(t("无法写入 {p}:{e};{h}", "cannot write {p}: {e}; {h}", p=out.shown, e=reason, h=hint), out.code)


def _os_failure(out: Target, exc: OSError) -> TsmsError:
    return failure(out, exc.strerror or str(exc), exc.errno)


@contextlib.contextmanager
def writing(out: Target, *, by_path: bool = False):
    """Write ``out`` through a temporary file: yields a binary file open for writing, or with
    ``by_path`` the temporary file's path (closed; for SQLite). Put in place when the block
    ends without an error; removed whatever the error."""
    folder = out.path.parent
    try:
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{out.path.name}.", suffix=".part")
    except OSError as exc:
        raise _os_failure(out, exc) from None
    fh = None
    try:
        os.chmod(temp, 0o666 & ~_umask())  # as open() would have made it, not mkstemp's owner-only
        if by_path:
            os.close(fd)
            fd = -1
            yield Path(temp)
            fh = open(temp, "rb+")
        else:
            fh = os.fdopen(fd, "wb")
            fd = -1
            yield fh
        fh.flush()
        os.fsync(fh.fileno())
        fh.close()
        _put_in_place(temp, out)
        temp = None
        _sync_folder(folder)
    except TsmsError:
        raise
    except BaseException as exc:
        _let_go(exc)
        if isinstance(exc, OSError):
            raise _os_failure(out, exc) from None
        raise
    finally:
        if fd >= 0:
            os.close(fd)
        if fh is not None and not fh.closed:
            with contextlib.suppress(OSError):
                fh.close()
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)


def _let_go(exc: BaseException) -> None:
    """What a writer left half-done when it failed (openpyxl's open sheets, a zip archive on
    the temporary file) is released now, quietly, while the file is still open: not at exit,
    where each would print its own error after tsms's one line."""
    hook = sys.unraisablehook
    sys.unraisablehook = lambda _: None
    try:
        traceback.clear_frames(exc.__traceback__)
        gc.collect()
    finally:
        sys.unraisablehook = hook


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _put_in_place(temp: str, out: Target) -> None:
    if out.force:
        os.replace(temp, out.path)
        return
    try:
        os.link(temp, out.path)  # fails when the name exists, even as a dangling link
    except FileExistsError:
        raise TsmsError(_exists(out.shown)) from None
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise
        if os.path.lexists(out.path):  # no hard links here: as close as this file system allows
            raise TsmsError(_exists(out.shown)) from None
        os.replace(temp, out.path)
        return
    with contextlib.suppress(OSError):
        os.unlink(temp)


def _sync_folder(folder: Path) -> None:
    """The new name on disk too (POSIX; elsewhere the folder cannot be opened: skipped)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def copy_in(source: Path, dest: Path, *, code: int = LEDGER_UNUSABLE, created: list[Path] | None = None,
            shown: str | None = None) -> bool:
    """Copy ``source`` into a content-named store (the ledger's, exit 3 on failure, or a
    backup's, exit 2) at ``dest`` unless it is there already; ``shown`` names the store in
    messages. The folders and the file made are appended to ``created`` (for
    :func:`discard`); the folders made for a copy that failed are removed. True when copied."""
    if dest.exists():
        return False
    out = Target(dest, shown or str(dest), force=True, code=code)
    made = [p for p in (dest.parent, *dest.parent.parents) if not p.exists()][::-1]
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        with writing(out) as fh, open(source, "rb") as src:
            shutil.copyfileobj(src, fh, 1 << 20)
    except OSError as exc:
        discard(made)
        raise _os_failure(out, exc) from None
    except BaseException:
        discard(made)
        raise
    if created is not None:
        created.extend([*made, dest])
    return True


def discard(created: list[Path]) -> None:
    """Remove what a failed command made (files, then the folders that are empty), newest first."""
    for path in reversed(created):
        with contextlib.suppress(OSError):
            if path.is_dir() and not path.is_symlink():
                path.rmdir()
            else:
                path.unlink()
    created.clear()
