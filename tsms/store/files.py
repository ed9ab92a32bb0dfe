"""Where attachments are kept: beside the ledger under their content hash
(``<ledger>.files/ab/abcdef…``, sha256). The same photo attached twice is stored once, a
changed or missing file is found by ``tsms check``, and ``tsms backup`` copies the folder."""

from __future__ import annotations

import hashlib
from pathlib import Path


def store_dir(ledger_path: Path) -> Path:
    return ledger_path.with_name(ledger_path.name + ".files")


def stored_path(ledger_path: Path, sha256: str) -> Path:
    return store_dir(ledger_path) / sha256[:2] / sha256


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
