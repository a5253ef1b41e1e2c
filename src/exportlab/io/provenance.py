"""The provenance file of the processed data (``provenance.json``): synthetic or real, and its source."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from exportlab import paths
from exportlab.files import write_json


def write_provenance(
    info: Mapping[str, Any], processed_dir: str | os.PathLike[str] | None = None
) -> Path:
    """Write ``provenance.json`` (``synthetic``, ``source``, …) for the stages after ingestion."""
    if processed_dir is None:
        processed_dir = paths.processed_dir()
    return write_json(dict(info), Path(processed_dir) / "provenance.json")


def load_provenance(processed_dir: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Provenance of the processed data: ``{"synthetic": bool, "source": str, ...}``.

    Data of unknown origin (no ``provenance.json``) is reported as not synthetic, with an empty source.
    """
    if processed_dir is None:
        processed_dir = paths.processed_dir()
    path = Path(processed_dir) / "provenance.json"
    if not path.exists():
        return {"synthetic": False, "source": ""}
    return json.loads(path.read_text(encoding="utf-8"))
