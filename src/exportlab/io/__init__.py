"""Reading raw inputs into the canonical tables, and writing stage outputs atomically.

* :func:`ingest` — FCS DATTSVT (text, xlsx, dbf, zip), the older annual FCS layout and tidy files
  into ``trade.parquet`` / ``trade_fine.parquet`` / ``quality.json`` (see ``docs/data_formats.md``);
* :func:`read_indicators` — tidy long or fedstat wide indicator tables into the long indicator table;
* :func:`read_regional_indicators` — Rosstat's regional tables (.docx, .xlsx, .xls) and indicator
  files, checked against the country totals (:mod:`exportlab.io.rosstat`);
* :func:`load_quality` — the quality report written by :func:`ingest`;
* atomic writers (:func:`write_parquet`, :func:`write_json`) and the provenance file.
"""

from exportlab.io.errors import IngestError, Rejection
from exportlab.io.fedstat import read_indicators, wide_to_long
from exportlab.io.ingest import ingest, load_quality, load_region_reference
from exportlab.io.partners import FCS_EXTRA_PARTNERS, is_partner, partner_codes
from exportlab.io.quality import IngestReport, unit_warnings
from exportlab.io.rosstat import IndicatorReport, read_regional_indicators, write_indicators
from exportlab.io.writers import (
    load_provenance,
    write_json,
    write_parquet,
    write_provenance,
)

__all__ = [
    "FCS_EXTRA_PARTNERS",
    "IngestError",
    "IndicatorReport",
    "IngestReport",
    "Rejection",
    "ingest",
    "is_partner",
    "load_provenance",
    "load_quality",
    "load_region_reference",
    "partner_codes",
    "read_indicators",
    "read_regional_indicators",
    "unit_warnings",
    "wide_to_long",
    "write_indicators",
    "write_json",
    "write_parquet",
    "write_provenance",
]
