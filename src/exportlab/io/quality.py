"""The quality report of an ingest, its tables for readers (English or Russian), and the check for
files written in another currency unit.

A file whose typical value per kilogram is about 1000 times smaller (or larger) than that of the
other files was very likely written in thousand USD (or the weights in tonnes):

    ratio_f = median_f(value_usd / netto_kg) / median over the other files of the same

and a warning is raised when ``ratio_f <= 1 / factor`` or ``ratio_f >= factor`` (``factor`` 100).

>>> stats = pd.DataFrame({"file": ["a", "b", "c"], "usd_per_kg": [2.0, 2.5, 0.0021]})
>>> unit_warnings(stats)
['c: typical value per kg is 1071× smaller than in the other files (thousand USD, or weight in tonnes?)']
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from exportlab.errors import Rejection
from exportlab.labels import Label, pick, vocabulary

#: What each rejection reason means (the key of ``rejected_by_reason``) and what was expected.
REASONS: dict[str, str] = {
    "flow": "a flow ЭК/ИМ, EXP/IMP or export/import",
    "period": "a period MM/YYYY, MM.YYYY, YYYY-MM, YYYYMM, DD.MM.YYYY, YYYY-MM-DD or a year",
    "code": "a commodity code of 1-10 digits, or X… for a confidential code",
    "code_level": "a commodity code at least as fine as the requested HS level",
    "value": "a number (value, USD)",
    "value_negative": "a non-negative value",
    "netto": "a number or nothing (net weight, kg)",
    "netto_negative": "a non-negative net weight",
    "value_ambiguous": "a number with a decimal comma like the other numbers of the file "
    "(a dot, as in 1.000, may be a decimal point or a thousands separator)",
    "netto_ambiguous": "a net weight with a decimal comma like the other numbers of the file "
    "(a dot, as in 1.000, may be a decimal point or a thousands separator)",
    "partner": "an ISO 3166-1 alpha-2 code or a special partner code (docs/data_formats.md)",
    "region": "a region of the region reference",
    "duplicate": "a row that is not an exact copy of an earlier row",
}


def unit_warnings(stats: pd.DataFrame, factor: float = 100.0) -> list[str]:
    """Warnings for files whose median value per kg is ``factor`` times off the other files'.

    ``stats`` has columns ``file`` and ``usd_per_kg`` (the file's median of value / net weight).
    At least two files with a positive median are needed.
    """
    ok = stats[stats["usd_per_kg"] > 0].reset_index(drop=True)
    out: list[str] = []
    if len(ok) < 2:
        return out
    values = ok["usd_per_kg"].to_numpy(dtype=float)
    for i, name in enumerate(ok["file"]):
        others = float(np.median(np.delete(values, i)))
        ratio = values[i] / others
        if ratio <= 1 / factor:
            out.append(
                f"{name}: typical value per kg is {1 / ratio:.0f}× smaller than in the other files "
                "(thousand USD, or weight in tonnes?)"
            )
        elif ratio >= factor:
            out.append(
                f"{name}: typical value per kg is {ratio:.0f}× larger than in the other files "
                "(values in cents, or weight in tonnes written as kg?)"
            )
    return out


@dataclass
class IngestReport:
    """What an ingest read, rejected and wrote (saved as ``quality.json``)."""

    files: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    rows_read: int = 0
    rows_rejected: int = 0
    rows_fine: int = 0
    rows_trade: int = 0
    hs_digits: int = 6
    skip_invalid: bool = False
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    rejections: list[Rejection] = field(default_factory=list)
    unmatched_regions: list[dict[str, Any]] = field(default_factory=list)
    duplicates: int = 0
    restored_codes: int = 0
    confidential_rows: int = 0
    special_partners: dict[str, int] = field(default_factory=dict)
    coverage: pd.DataFrame = field(default_factory=pd.DataFrame)
    totals: pd.DataFrame = field(default_factory=pd.DataFrame)
    warnings: list[str] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)
    engine: str = ""  # "fast" (one typed pass over text) or "general" (see exportlab.io.fast)

    def to_dict(self, max_rejections: int = 1000) -> dict[str, Any]:
        """JSON-ready dictionary (the first ``max_rejections`` rejected rows; all are in the CSV)."""
        return {
            "files": self.files,
            "skipped": self.skipped,
            "rows_read": self.rows_read,
            "rows_rejected": self.rows_rejected,
            "rows_fine": self.rows_fine,
            "rows_trade": self.rows_trade,
            "hs_digits": self.hs_digits,
            "skip_invalid": self.skip_invalid,
            "rejected_by_reason": self.rejected_by_reason,
            "reasons": {k: REASONS[k] for k in self.rejected_by_reason},
            "rejections": [r.__dict__ for r in self.rejections[:max_rejections]],
            "unmatched_regions": self.unmatched_regions,
            "duplicates": self.duplicates,
            "restored_codes": self.restored_codes,
            "confidential_rows": self.confidential_rows,
            "special_partners": self.special_partners,
            "coverage": json.loads(self.coverage.to_json(orient="records")),
            "totals": json.loads(self.totals.to_json(orient="records")),
            "warnings": self.warnings,
            "outputs": self.outputs,
            "engine": self.engine,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IngestReport:
        """Rebuild a report from ``quality.json`` (as written by :func:`exportlab.io.ingest`)."""
        fields = dict(data)
        fields.pop("reasons", None)
        fields["rejections"] = [Rejection(**r) for r in data.get("rejections", [])]
        fields["coverage"] = pd.DataFrame(data.get("coverage", []))
        fields["totals"] = pd.DataFrame(data.get("totals", []))
        return cls(**fields)

    def rejection_frame(self) -> pd.DataFrame:
        """Rejected rows as a table: file, line, column, reason, value."""
        cols = ["file", "line", "column", "reason", "value"]
        return pd.DataFrame([r.__dict__ for r in self.rejections], columns=cols)

    def summary(self) -> pd.DataFrame:
        """One row per file: format, encoding, layout, rows read, rows rejected."""
        cols = ["file", "format", "encoding", "layout", "rows", "rejected", "restored_codes"]
        return pd.DataFrame(self.files, columns=cols)

    def coverage_matrix(self, value: str = "rows") -> pd.DataFrame:
        """Coverage as a region × year table of ``rows`` or ``value_usd``."""
        if self.coverage.empty:
            return pd.DataFrame()
        return self.coverage.pivot_table(
            index="region", columns="year", values=value, aggfunc="sum", fill_value=0
        )


# ------------------------------------------------------------------------ tables for readers

#: Names of the flows in tables and figures (:class:`~exportlab.labels.Label`).
FLOW_NAMES: dict[str, Label] = vocabulary("io.quality.FLOW_NAMES")

#: What was wrong, per rejection reason of :data:`REASONS`, as the reasons table names it.
REJECTED: dict[str, Label] = vocabulary("io.quality.REJECTED")
#: Column headers of the files, reasons and totals tables.
FILE_HEADERS: dict[str, Label] = vocabulary("io.quality.FILE_HEADERS")
REASON_HEADERS: dict[str, Label] = vocabulary("io.quality.REASON_HEADERS")
TOTAL_HEADERS: dict[str, Label] = vocabulary("io.quality.TOTAL_HEADERS")
#: Why a folder's file was skipped: ``io.sources`` writes the English wording into
#: ``IngestReport.skipped``, :func:`skipped_table` shows it in the reader's language.
SKIPPED: dict[str, Label] = vocabulary("io.quality.SKIPPED")
SKIPPED_HEADERS: dict[str, Label] = vocabulary("io.quality.SKIPPED_HEADERS")


def _localized(df: pd.DataFrame, headers: dict[str, Label], lang: str) -> pd.DataFrame:
    return df.rename(columns={key: pick(label, lang) for key, label in headers.items()})


def flow_label(flow: str, lang: str = "en") -> str:
    """The name of a flow in ``lang`` (an unknown flow as it is).

    >>> flow_label("export", "ru")
    'Экспорт'
    """
    return pick(FLOW_NAMES[flow], lang) if flow in FLOW_NAMES else flow


def files_table(report: IngestReport, lang: str = "en") -> pd.DataFrame:
    """Per file: format, encoding, layout, rows read, rows rejected, restored codes."""
    return _localized(report.summary(), FILE_HEADERS, lang)


def reasons_table(report: IngestReport, lang: str = "en") -> pd.DataFrame:
    """Rows rejected by reason (an empty table when nothing was rejected)."""
    rows = [(pick(REJECTED[k], lang), v) for k, v in sorted(report.rejected_by_reason.items())]
    return _localized(pd.DataFrame(rows, columns=["reason", "rows"]), REASON_HEADERS, lang)


def skipped_table(report: IngestReport, lang: str = "en") -> pd.DataFrame:
    """The files skipped and why, in ``lang`` (a reason given by an error is shown as it is).

    >>> r = IngestReport(skipped=[{"file": "raw/README.txt", "reason": "not a data file (by name)"}])
    >>> skipped_table(r, "ru").values.tolist()
    [['raw/README.txt', 'не файл данных (по имени)']]
    """
    by_text = {label["en"]: label for label in SKIPPED.values()}
    rows = [
        (s["file"], pick(by_text[s["reason"]], lang) if s["reason"] in by_text else s["reason"])
        for s in report.skipped
    ]
    return _localized(pd.DataFrame(rows, columns=["file", "reason"]), SKIPPED_HEADERS, lang)


def totals_table(report: IngestReport, lang: str = "en") -> pd.DataFrame:
    """Totals per year and flow: rows, value (million USD), net weight (thousand tonnes).

    >>> r = IngestReport(totals=pd.DataFrame({"year": [2020], "flow": ["export"], "rows": [3],
    ...                                       "value_usd": [2.5e9], "netto_kg": [1e9]}))
    >>> totals_table(r, "ru").columns.tolist()
    ['Год', 'Поток', 'Строк', 'Стоимость, млн долл. США', 'Нетто, тыс. т']
    """
    df = report.totals.copy()
    if df.empty:
        return df
    df["flow"] = [flow_label(f, lang) for f in df["flow"]]
    df["value_usd"] = df["value_usd"] / 1e6
    df["netto_kg"] = df["netto_kg"] / 1e6
    return _localized(df, TOTAL_HEADERS, lang)
