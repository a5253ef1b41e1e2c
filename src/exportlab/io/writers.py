"""Atomic writers: a stage output is either the old file or the complete new one, never a half."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd


def _temp_beside(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    return Path(tmp)


def write_parquet(df: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``df`` to ``path`` as Parquet (zstd, no index), via a temporary file and a rename."""
    target = Path(path)
    tmp = _temp_beside(target)
    try:
        df.to_parquet(tmp, index=False, compression="zstd")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def write_json(obj: Any, path: str | os.PathLike[str]) -> Path:
    """Write ``obj`` as indented UTF-8 JSON (sorted keys), via a temporary file and a rename."""
    target = Path(path)
    tmp = _temp_beside(target)
    try:
        tmp.write_text(
            json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n",
            encoding="utf-8",
        )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


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
