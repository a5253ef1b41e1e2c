"""Atomic writers: a stage output is either the old file or the complete new one, never a half."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd


def current_umask() -> int:
    """The process umask (read without changing it)."""
    current = os.umask(0)
    os.umask(current)
    return current


def _temp_beside(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    os.chmod(
        tmp, 0o666 & ~current_umask()
    )  # the mode a plain open() would give, not mkstemp's 0600
    return Path(tmp)


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path beside ``path``; renamed onto ``path`` when the block succeeds.

    >>> with atomic_path("/tmp/example.txt") as tmp:
    ...     _ = tmp.write_text("complete")
    """
    target = Path(path)
    tmp = _temp_beside(target)
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write_bytes(data: bytes, path: str | os.PathLike[str]) -> Path:
    """Write ``data`` to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_parquet(df: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``df`` to ``path`` as Parquet (zstd, no index), via a temporary file and a rename."""
    with atomic_path(path) as tmp:
        df.to_parquet(tmp, index=False, compression="zstd")
    return Path(path)


def write_json(obj: Any, path: str | os.PathLike[str]) -> Path:
    """Write ``obj`` as indented UTF-8 JSON (sorted keys), via a temporary file and a rename."""
    text = json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n"
    return atomic_write_bytes(text.encode("utf-8"), path)


def write_provenance(
    info: Mapping[str, Any], processed_dir: str | os.PathLike[str] | None = None
) -> Path:
    """Write ``provenance.json`` (``synthetic``, ``source``, …) for the stages after ingestion."""
    if processed_dir is None:
        from exportlab import paths

        processed_dir = paths.processed_dir()
    return write_json(dict(info), Path(processed_dir) / "provenance.json")


def load_provenance(processed_dir: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Provenance of the processed data: ``{"synthetic": bool, "source": str, ...}``.

    Data of unknown origin (no ``provenance.json``) is reported as not synthetic, with an empty source.
    """
    if processed_dir is None:
        from exportlab import paths

        processed_dir = paths.processed_dir()
    path = Path(processed_dir) / "provenance.json"
    if not path.exists():
        return {"synthetic": False, "source": ""}
    return json.loads(path.read_text(encoding="utf-8"))
