"""The provenance file of the processed data (``provenance.json``): synthetic or real, and its source."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from exportlab import paths
from exportlab.errors import IngestError
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


#: The file a raw folder names its origin in (the demo generator writes one, see :mod:`exportlab.demo`).
RAW_PROVENANCE = "PROVENANCE.json"


def raw_provenance(raw: str | os.PathLike[str], source: str | None = None) -> dict[str, Any]:
    """Where the raw data of an ingest came from, for :func:`write_provenance` (stage 01).

    A folder holding ``PROVENANCE.json`` (the demo data set) is described by that file, which must be
    a JSON object with a true/false ``synthetic``; anything else (a user's folder, a file or a zip) is
    real data, ``{"synthetic": False, "source": source}`` (``source`` defaults to the path ``raw``).

    >>> raw_provenance("trade.csv", "data/raw/trade.csv")
    {'synthetic': False, 'source': 'data/raw/trade.csv'}
    """
    raw = Path(raw)
    file = raw / RAW_PROVENANCE
    if not (raw.is_dir() and file.exists()):
        return {"synthetic": False, "source": str(raw) if source is None else source}
    expected = 'a JSON object with "synthetic": true or false'
    try:
        info = json.loads(file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise IngestError(str(file), err.lineno, str(err.colno), expected, note=err.msg) from None
    if not isinstance(info, dict) or not isinstance(info.get("synthetic"), bool):
        got = info.get("synthetic") if isinstance(info, dict) else type(info).__name__
        raise IngestError(str(file), expected=expected, got=got)
    return info
