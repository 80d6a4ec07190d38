"""Where a roster came from: the tool's version and a fingerprint of the data it was made from,
so a printed roster can be traced and reproduced."""

from __future__ import annotations

import hashlib
from pathlib import Path

from rotation import __version__

TABLE_SUFFIXES = {".csv", ".xlsx"}


def data_digest(path: Path) -> str:
    """SHA-256 of the data at ``path``: a workbook's bytes, or every table file of a folder,
    name and bytes, in name order (so renaming or editing any table changes it)."""
    digest = hashlib.sha256()
    if path.is_dir():
        for file in sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in TABLE_SUFFIXES):
            digest.update(file.name.encode("utf-8") + b"\0")
            digest.update(hashlib.sha256(file.read_bytes()).digest())
    else:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def provenance(data_path: Path) -> dict[str, str]:
    """What the report records besides the solver's parameters."""
    return {"version": __version__, "data_sha256": data_digest(data_path)}
