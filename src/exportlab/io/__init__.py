"""Reading raw inputs into the canonical tables.

* :func:`ingest` — FCS DATTSVT (text, xlsx, dbf, zip), the older annual FCS layout and tidy files
  into ``trade.parquet`` / ``trade_fine.parquet`` / ``quality.json`` (see ``docs/data_formats.md``);
* :func:`read_indicators` — tidy long or fedstat wide indicator tables into the long indicator table;
* :func:`read_regional_indicators` — Rosstat's regional tables (.docx, .xlsx, .xls) and indicator
  files, checked against the country totals (:mod:`exportlab.io.rosstat`);
* :func:`load_quality` — the quality report written by :func:`ingest`;
* :func:`load_provenance` / :func:`write_provenance` — the provenance file of the processed data.

Errors are in :mod:`exportlab.errors` (:class:`~exportlab.errors.IngestError`), the atomic writers
(``write_parquet``, ``write_json``) in :mod:`exportlab.files`.
"""

from exportlab.io.fedstat import read_indicators, wide_to_long
from exportlab.io.ingest import ingest, load_quality
from exportlab.io.partners import FCS_EXTRA_PARTNERS, is_partner, partner_codes
from exportlab.io.provenance import load_provenance, write_provenance
from exportlab.io.quality import IngestReport, unit_warnings
from exportlab.io.rosstat import IndicatorReport, read_regional_indicators, write_indicators

__all__ = [
    "FCS_EXTRA_PARTNERS",
    "IndicatorReport",
    "IngestReport",
    "ingest",
    "is_partner",
    "load_provenance",
    "load_quality",
    "partner_codes",
    "read_indicators",
    "read_regional_indicators",
    "unit_warnings",
    "wide_to_long",
    "write_indicators",
    "write_provenance",
]
