"""Regional Export Standard: strategic targets, scorecard, plan-graph tracker, KPI system, partner groups.

Sources: the Regional Export Standard 2.0 of the Russian Export Center (the Regional Export Standard: 15 instruments, the
annual plan-graph, strategic targets 2020–2030), the high-tech export KPI system (Yakushev's high-tech export paper, Table 6)
and the reorientation of export between partner groups (the paper on high-tech export under sanctions). All shares are in percent and do not
depend on the currency unit.

Strategic target indicators (``target_values``), per region and year ``t`` with base year ``b``:

* ``nne_export_growth_vs_2020`` = 100 · NNE export(t) / NNE export(b)  (NNE: ``resource == "nne"``)
* ``sme_nne_exporters_growth_vs_2020`` = 100 · SME exporters(t) / SME exporters(b)  (SME table)
* ``sme_share_in_nne_export`` = 100 · SME NNE export(t) / NNE export(t)  (SME table)
* ``export_geography_expansion`` = 100 · (n(t) − n(b)) / (100 − n(b)), n = number of partner countries
  (special partner codes excluded); when n(b) ≥ 100: min(n(t), 100)
* ``leading_industry_share_in_nne_export`` = 100 · max_i NNE_i / NNE  (industry: HS section or chapter)
* ``top5_industries_share_in_nne_export`` = 100 · (sum of the five largest NNE_i) / NNE
* ``hs6_product_positions_growth_vs_2020`` = 100 · m(t) / m(b), m = number of exported HS6 lines

>>> required_instruments("2021-09-30")  # plan-graph: 5 instruments from 1 September
5
>>> industry_of(pd.Series(["270900", "870323"])).tolist()
['V', 'XVII']
"""

from __future__ import annotations

import datetime as dt
import os
import warnings
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from exportlab.hs_sections import load_sections
from exportlab.labels import Label, check_lang, pick, t, vocabulary
from exportlab.regions import region_label
from exportlab.schema import SPECIAL_PARTNERS, exports, require

# ----------------------------------------------------------------------------------------------------
# Package data
# ----------------------------------------------------------------------------------------------------

#: Ids of the Standard's 15 instruments, in the Standard's order (``data/res_instruments.csv``).
INSTRUMENTS: tuple[str, ...] = (
    "export_strategy",
    "responsible_authority",
    "management_team",
    "export_programme",
    "export_council",
    "export_support_centre",
    "presence_abroad",
    "university_training",
    "exporter_database",
    "exporter_training",
    "business_missions",
    "ecommerce",
    "accelerators",
    "popularisation",
    "regional_brands",
)

#: Columns of the implementation table users fill in (one row per region and implemented instrument).
IMPLEMENTATION_COLUMNS: tuple[str, ...] = ("region", "instrument", "implemented_on")


def _data_path(name: str) -> Path:
    return Path(str(resources.files("exportlab") / "data" / name))


def load_instruments() -> pd.DataFrame:
    """The 15 instruments: ``id, number, block, name_en, name_ru``."""
    return pd.read_csv(_data_path("res_instruments.csv"), dtype={"id": str})


def load_strategic_targets() -> pd.DataFrame:
    """Strategic targets 2020–2030 as indicator × year (float, NaN for "base"), with a ``unit`` column."""
    raw = pd.read_csv(_data_path("res_strategic_targets.csv"), dtype=str).set_index("indicator")
    years = [c for c in raw.columns if c.isdigit()]
    values = raw[years].apply(pd.to_numeric, errors="coerce")
    values.columns = [int(c) for c in years]
    values.insert(0, "unit", raw["unit"])
    return values


def load_implementation_plan() -> pd.DataFrame:
    """The annual plan-graph: ``due`` (``MM-DD``) and ``instruments_implemented_min``."""
    return pd.read_csv(_data_path("res_implementation_plan.csv"), dtype={"due": str})


def load_kpi_system() -> pd.DataFrame:
    """The high-tech export KPI system (Yakushev's high-tech export paper, Table 6) with ids, Russian names and bounds."""
    raw = pd.read_csv(_data_path("hightech_kpi_system.csv"))
    known = {k.name_en: k for k in KPI.values()}
    unknown = sorted(set(raw["indicator"]) - set(known))
    if unknown:
        raise ValueError(f"KPI system lists indicator(s) unknown to exportlab: {unknown}")
    raw.insert(0, "id", [known[name].id for name in raw["indicator"]])
    raw["name_ru"] = [known[name].name_ru for name in raw["indicator"]]
    return raw.rename(columns={"indicator": "name_en"})


# ----------------------------------------------------------------------------------------------------
# Industries: HS sections and chapters
# ----------------------------------------------------------------------------------------------------

#: The 21 sections of the Harmonized System: (id, first chapter, last chapter, English, Russian),
#: read from the package data of :mod:`exportlab.hs_sections`.
HS_SECTIONS: tuple[tuple[str, int, int, str, str], ...] = tuple(
    (row.section, int(row.first_chapter), int(row.last_chapter), row.name_en, row.name_ru)
    for row in load_sections().itertuples()
)
_CHAPTER_TO_SECTION: dict[int, str] = {
    chapter: sid for sid, first, last, _en, _ru in HS_SECTIONS for chapter in range(first, last + 1)
}
OTHER_INDUSTRY = "other"

IndustryLevel = Literal["section", "chapter"]


def industry_of(hs6: pd.Series, level: IndustryLevel = "section") -> pd.Series:
    """Industry of each HS code: the HS section (``"I"``…``"XXI"``) or the 2-digit chapter (``"84"``).

    Chapters outside the 21 sections (77, 98, 99) map to ``"other"``.
    """
    if level not in ("section", "chapter"):
        raise ValueError(f"industry_level must be 'section' or 'chapter', got {level!r}")
    chapter = hs6.astype(str).str[:2]
    if level == "chapter":
        return chapter
    number = pd.to_numeric(chapter, errors="coerce")
    return number.map(_CHAPTER_TO_SECTION).fillna(OTHER_INDUSTRY).astype(str)


# ----------------------------------------------------------------------------------------------------
# Strategic targets
# ----------------------------------------------------------------------------------------------------

#: Target indicators of the Standard (keys of ``res_strategic_targets.csv``) with labels.
TARGET_LABELS: dict[str, Label] = vocabulary("standard.TARGET_LABELS")
#: Indicators computed along the targets for information (no target).
INFO_LABELS: dict[str, Label] = vocabulary("standard.INFO_LABELS")
#: How a value is compared with its target, by the unit of the target table.
COMPARISON: dict[str, str] = {
    "pct_of_2020": ">=",
    "pct_min": ">=",
    "pct_of_gap_to_100_countries": ">=",
    "pct_max": "<",
}
#: Status of a scorecard cell.
STATUS_LABELS: dict[str, Label] = vocabulary("standard.STATUS_LABELS")
#: Units of the target table whose value is measured against the base year.
BASE_YEAR_UNITS: tuple[str, ...] = ("pct_of_2020", "pct_of_gap_to_100_countries")
SCORECARD_HEADERS: dict[str, Label] = vocabulary("standard.SCORECARD_HEADERS")
COUNTRY_GAP_GOAL = 100


#: The columns the targets need, and what the message of a table without them says.
_TARGET_COLUMNS = ("year", "region", "hs6", "partner", "flow", "value_usd")
_TARGET_HINT = (
    "the targets need the classified trade table "
    "(stage 02: canonical columns plus hs_edition, group, segment, resource)"
)


def _exports(trade: pd.DataFrame, needs: Iterable[str] = ()) -> pd.DataFrame:
    return exports(trade, needs, needs=_TARGET_COLUMNS, hint=_TARGET_HINT)


def _grid_frame(trade: pd.DataFrame) -> pd.MultiIndex:
    return pd.MultiIndex.from_product(
        [sorted(trade["region"].astype(str).unique()), sorted(trade["year"].astype(int).unique())],
        names=["region", "year"],
    )


def _vs_base(series: pd.Series, base_year: int) -> pd.Series:
    """100 · x(t) / x(base) per region; NaN where the base is 0 or missing."""
    base = (
        series.xs(base_year, level="year")
        if base_year in series.index.get_level_values("year")
        else None
    )
    if base is None:
        return pd.Series(np.nan, index=series.index)
    base = base.where(base > 0)
    aligned = base.reindex(series.index.get_level_values("region")).to_numpy()
    return 100 * series / aligned


def _indicator_series(indicators: pd.DataFrame | None, name: str) -> pd.Series | None:
    if indicators is None:
        return None
    require(indicators, ("region", "year", "indicator", "value"), "indicator table")
    rows = indicators[indicators["indicator"] == name]
    if rows.empty:
        return None
    keys = [rows["region"].astype(str), rows["year"].astype(int)]
    out = rows["value"].astype(float).groupby(keys).sum()
    out.index.names = ["region", "year"]
    return out


def target_values(
    trade: pd.DataFrame,
    base_year: int = 2020,
    industry_level: IndustryLevel = "section",
    indicators: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Values of the Standard's target indicators per region and year (formulas in the module doc).

    ``trade`` is the classified trade table (needs ``resource``); ``indicators`` the long regional
    indicator table, from which ``sme_exporters`` and ``sme_nne_export_usd`` are used when present
    (the SME targets are absent from the result otherwise). Every region × year of ``trade`` appears;
    a region without export in a year has NNE export 0, growth 0 % and undefined industry shares.
    Returns the long table ``region, year, indicator, value``.
    """
    rows = _exports(trade, ["resource"])
    grid = _grid_frame(trade)
    nne = rows[rows["resource"] == "nne"]
    nne_total = nne.groupby(["region", "year"])["value_usd"].sum().reindex(grid, fill_value=0.0)
    out: dict[str, pd.Series] = {"nne_export_usd": nne_total}
    out["nne_export_growth_vs_2020"] = _vs_base(nne_total, base_year)

    countries = rows[~rows["partner"].astype(str).isin(SPECIAL_PARTNERS)]
    n_countries = (
        countries.groupby(["region", "year"])["partner"].nunique().reindex(grid, fill_value=0)
    )
    out["export_countries"] = n_countries.astype(float)
    out["export_geography_expansion"] = _geography_progress(n_countries.astype(float), base_year)

    industry = industry_of(nne["hs6"], industry_level)
    by_industry = nne.groupby([nne["region"], nne["year"], industry])["value_usd"].sum()
    by_industry.index.names = ["region", "year", "industry"]
    ranked = by_industry.groupby(level=["region", "year"], group_keys=False).apply(
        lambda s: s.sort_values(ascending=False)
    )
    leading = ranked.groupby(level=["region", "year"]).apply(lambda s: s.iloc[0]).reindex(grid)
    top5 = ranked.groupby(level=["region", "year"]).apply(lambda s: s.iloc[:5].sum()).reindex(grid)
    denominator = nne_total.where(nne_total > 0)
    out["leading_industry_share_in_nne_export"] = 100 * leading / denominator
    out["top5_industries_share_in_nne_export"] = 100 * top5 / denominator

    positions = rows.groupby(["region", "year"])["hs6"].nunique().reindex(grid, fill_value=0)
    out["hs6_product_positions"] = positions.astype(float)
    out["hs6_product_positions_growth_vs_2020"] = _vs_base(positions.astype(float), base_year)

    sme_exporters = _indicator_series(indicators, "sme_exporters")
    if sme_exporters is not None:
        out["sme_nne_exporters_growth_vs_2020"] = _vs_base(sme_exporters, base_year)
    sme_export = _indicator_series(indicators, "sme_nne_export_usd")
    if sme_export is not None:
        aligned = denominator.reindex(sme_export.index)
        out["sme_share_in_nne_export"] = 100 * sme_export / aligned

    frames = [
        series.rename("value").reset_index().assign(indicator=name) for name, series in out.items()
    ]
    table = pd.concat(frames, ignore_index=True)[["region", "year", "indicator", "value"]]
    table["value"] = table["value"].astype(float)
    return table.sort_values(["indicator", "region", "year"], ignore_index=True)


def _geography_progress(n: pd.Series, base_year: int) -> pd.Series:
    years = n.index.get_level_values("year")
    if base_year not in years:
        return pd.Series(np.nan, index=n.index)
    base = n.xs(base_year, level="year").reindex(n.index.get_level_values("region")).to_numpy()
    gap = COUNTRY_GAP_GOAL - base
    with np.errstate(divide="ignore", invalid="ignore"):
        progress = np.where(
            gap > 0, 100 * (n.to_numpy() - base) / gap, np.minimum(n.to_numpy(), 100.0)
        )
    return pd.Series(progress, index=n.index)


def target_for(indicator: str, year: int, targets: pd.DataFrame | None = None) -> float:
    """Target of ``indicator`` for ``year``; years after the last column keep the last target, years
    before the first have none (NaN), as has the ``base`` year of the geography target."""
    table = load_strategic_targets() if targets is None else targets
    if indicator not in table.index:
        raise KeyError(
            f"unknown target indicator {indicator!r}; expected one of {list(table.index)}"
        )
    years = [c for c in table.columns if isinstance(c, int)]
    if year < min(years):
        return float("nan")
    return float(table.loc[indicator, min(year, max(years))])


def _status(value: float, target: float, comparison: str) -> str:
    if pd.isna(target):
        return "no_target"
    if pd.isna(value):
        return "no_data"
    ok = value >= target if comparison == ">=" else value < target
    return "met" if ok else "not_met"


def scorecard(
    values: pd.DataFrame,
    year: int,
    targets: pd.DataFrame | None = None,
    regions: Sequence[str] | None = None,
    base_year: int | None = None,
) -> pd.DataFrame:
    """Region × target indicator for ``year``: value, target, rule and status.

    Every region (``regions`` or those of ``values``) gets every target indicator of the target table;
    indicators without a value (e.g. SME targets with no SME table) are ``no_data``. When
    ``base_year`` is given and ``values`` have no row of it, the indicators measured against the base
    year (:data:`BASE_YEAR_UNITS`) are ``no_base_year`` instead.
    Status: ``met`` / ``not_met`` / ``no_data`` / ``no_base_year`` / ``no_target`` (the base year of a
    progress target). Columns: ``region, indicator, value, target, comparison, status``.
    """
    table = load_strategic_targets() if targets is None else targets
    regions = sorted(values["region"].unique()) if regions is None else list(regions)
    rows = values[values["year"] == year].set_index(["region", "indicator"])["value"]
    no_base = base_year is not None and not has_base_year(values, base_year)
    records = []
    for region in regions:
        for indicator in table.index:
            value = rows.get((region, indicator), np.nan)
            target = target_for(indicator, year, table)
            comparison = COMPARISON[table.loc[indicator, "unit"]]
            status = _status(value, target, comparison)
            if no_base and table.loc[indicator, "unit"] in BASE_YEAR_UNITS and status == "no_data":
                status = "no_base_year"
            records.append((region, indicator, float(value), target, comparison, status))
    return pd.DataFrame(
        records, columns=["region", "indicator", "value", "target", "comparison", "status"]
    )


def has_base_year(values: pd.DataFrame, base_year: int) -> bool:
    """Whether a table with a ``year`` column (trade or target values) holds ``base_year``."""
    return int(base_year) in set(values["year"].astype(int))


def base_year_note(values: pd.DataFrame, base_year: int, lang: str = "en") -> str:
    """A sentence for readers when the base year is absent from the data; ``""`` when present.

    >>> base_year_note(pd.DataFrame({"year": [2023, 2024]}), 2020)
    'No base-year data: 2020 is not in the data (2023–2024); the targets measured against it read "no base-year data".'
    """
    if has_base_year(values, base_year):
        return ""
    years = sorted(int(y) for y in values["year"].unique())
    span = f"{years[0]}–{years[-1]}" if years else "—"
    return t(
        f"No base-year data: {base_year} is not in the data ({span}); "
        'the targets measured against it read "no base-year data".',
        f"Нет данных за базовый год: {base_year} отсутствует в данных ({span}); "
        "цели, измеряемые относительно него, отмечены «нет данных за базовый год».",
        lang,
    )


def rank_regions(card: pd.DataFrame) -> pd.DataFrame:
    """Regions ranked by the number of targets met (ties share the best rank), then by the share met.

    Columns: ``region, targets_met, targets_assessed, share_met`` (%, of assessed), ``rank``.
    """
    assessed = card["status"].isin(["met", "not_met"])
    out = pd.DataFrame(
        {
            "targets_met": (card["status"] == "met").groupby(card["region"]).sum(),
            "targets_assessed": assessed.groupby(card["region"]).sum(),
        }
    )
    out["share_met"] = (
        100 * out["targets_met"] / out["targets_assessed"].where(out["targets_assessed"] > 0)
    )
    out["rank"] = out["targets_met"].rank(method="min", ascending=False).astype(int)
    out = out.reset_index().sort_values(
        ["rank", "share_met", "region"], ascending=[True, False, True]
    )
    return out.reset_index(drop=True)


def localize_card(
    card: pd.DataFrame, lang: str = "en", labels: Mapping[str, Label] | None = None
) -> pd.DataFrame:
    """``card`` with readable indicator names, region names and statuses in ``lang`` (for tables)."""
    check_lang(lang)
    names = {
        **TARGET_LABELS,
        **INFO_LABELS,
        **{k.id: {"en": k.name_en, "ru": k.name_ru} for k in KPI.values()},
    }
    names.update(labels or {})
    out = card.copy()
    out.insert(1, "region_name", [region_label(r, lang) for r in out["region"]])
    out.insert(
        3, "indicator_name", [pick(names[i], lang) if i in names else i for i in out["indicator"]]
    )
    out["status"] = [pick(STATUS_LABELS[s], lang) for s in out["status"]]
    return out


# ----------------------------------------------------------------------------------------------------
# Implementation tracker (plan-graph)
# ----------------------------------------------------------------------------------------------------

DateLike = str | dt.date | pd.Timestamp


def _as_date(value: DateLike) -> dt.date:
    try:
        return pd.Timestamp(value).date()
    except (ValueError, TypeError) as err:
        raise ValueError(f"not a date: {value!r} (expected ISO format YYYY-MM-DD)") from err


def required_instruments(reporting_date: DateLike, plan: pd.DataFrame | None = None) -> int:
    """Instruments the plan-graph requires at ``reporting_date``: the value of the latest ``due``
    (``MM-DD`` of the same year) on or before the date; 0 before the first due date.

    >>> required_instruments("2022-01-31"), required_instruments("2022-02-01")
    (0, 2)
    """
    plan = load_implementation_plan() if plan is None else plan
    date = _as_date(reporting_date)
    required = 0
    for due, minimum in zip(plan["due"], plan["instruments_implemented_min"], strict=True):
        month, day = (int(p) for p in str(due).split("-"))
        if dt.date(date.year, month, day) <= date:
            required = max(required, int(minimum))
    return required


def read_implementation(
    source: str | os.PathLike[str] | pd.DataFrame | None, *, missing_ok: bool = False
) -> pd.DataFrame | None:
    """Read and check an implementation table (``region, instrument, implemented_on``; CSV or XLSX).

    Extra columns (instrument names of the template) are dropped; rows without a date are
    instruments not yet implemented and are dropped. Unknown instrument ids and unparseable dates
    raise ``ValueError`` naming the rows. With ``missing_ok`` an absent file (or ``None`` / ``""``)
    gives ``None``: the plan-graph then has no data, rather than every region failing it.
    """
    if source is None or (isinstance(source, str) and not source.strip()):
        if missing_ok:
            return None
        raise ValueError("no implementation table given")
    if not isinstance(source, pd.DataFrame) and missing_ok and not Path(source).is_file():
        return None
    if isinstance(source, pd.DataFrame):
        df = source.copy()
    else:
        path = Path(source)
        df = (
            pd.read_excel(path, dtype=str, engine="openpyxl")
            if path.suffix in (".xlsx", ".xls")
            else pd.read_csv(path, dtype=str)
        )
    missing = [c for c in IMPLEMENTATION_COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(
            f"implementation table lacks column(s) {missing}; expected {list(IMPLEMENTATION_COLUMNS)}"
        )
    df = df[list(IMPLEMENTATION_COLUMNS)].copy()
    df = df[df["implemented_on"].notna() & (df["implemented_on"].astype(str).str.strip() != "")]
    unknown = sorted(set(df["instrument"].astype(str)) - set(INSTRUMENTS))
    if unknown:
        raise ValueError(f"unknown instrument id(s) {unknown}; expected one of {list(INSTRUMENTS)}")
    dates = pd.to_datetime(
        df["implemented_on"].astype(str).str.strip(), errors="coerce", format="ISO8601"
    )
    bad = df.index[dates.isna()].tolist()
    if bad:
        raise ValueError(
            f"implemented_on is not an ISO date (YYYY-MM-DD) in row(s) {bad[:10]}: "
            f"{df.loc[bad[:3], 'implemented_on'].tolist()}"
        )
    df["region"] = df["region"].astype(str)
    df["instrument"] = df["instrument"].astype(str)
    df["implemented_on"] = dates.dt.normalize()
    return df.reset_index(drop=True)


def check_implementation(
    implementation: pd.DataFrame,
    reporting_date: DateLike,
    plan: pd.DataFrame | None = None,
    regions: Sequence[str] | None = None,
    window: Literal["cumulative", "year"] = "cumulative",
) -> pd.DataFrame:
    """Compare the instruments implemented by ``reporting_date`` with the plan-graph.

    ``window="cumulative"``: an instrument counts once implemented on or before the date (one-off
    instruments stay implemented). ``window="year"``: only implementations dated in the calendar year of
    the reporting date count (annual instruments are confirmed each year, so their re-confirmation is a
    new row). Columns: ``region, implemented, required, status, next_due, next_required``.
    """
    if window not in ("cumulative", "year"):
        raise ValueError(f"window must be 'cumulative' or 'year', got {window!r}")
    impl = read_implementation(implementation)
    plan = load_implementation_plan() if plan is None else plan
    date = pd.Timestamp(_as_date(reporting_date))
    done = impl[impl["implemented_on"] <= date]
    if window == "year":
        done = done[done["implemented_on"].dt.year == date.year]
    counts = done.groupby("region")["instrument"].nunique()
    regions = sorted(impl["region"].unique()) if regions is None else list(regions)
    required = required_instruments(date, plan)
    upcoming = [
        (dt.date(date.year, *(int(p) for p in str(due).split("-"))), int(n))
        for due, n in zip(plan["due"], plan["instruments_implemented_min"], strict=True)
    ]
    later = [(d, n) for d, n in upcoming if d > date.date() and n > required]
    next_due, next_required = later[0] if later else (pd.NaT, np.nan)
    out = pd.DataFrame({"region": regions})
    out["implemented"] = [int(counts.get(r, 0)) for r in regions]
    out["required"] = required
    out["status"] = np.where(out["implemented"] >= required, "met", "not_met")
    out["next_due"] = pd.Timestamp(next_due) if not pd.isna(next_due) else pd.NaT
    out["next_required"] = next_required
    return out


def implementation_template(regions: Sequence[str]) -> pd.DataFrame:
    """An empty implementation table to fill: one row per region × instrument, with instrument names."""
    names = load_instruments().set_index("id")
    rows = [
        (r, i, names.loc[i, "name_en"], names.loc[i, "name_ru"], "")
        for r in regions
        for i in INSTRUMENTS
    ]
    return pd.DataFrame(
        rows, columns=["region", "instrument", "name_en", "name_ru", "implemented_on"]
    )


def write_implementation_template(
    regions: Sequence[str],
    out_dir: str | os.PathLike[str] | None = None,
    stem: str = "res_implementation_template",
) -> list[Path]:
    """Write :func:`implementation_template` as CSV and XLSX (default ``reports/tables/``)."""
    from exportlab import tables

    return tables.write_table(
        implementation_template(regions), stem, out_dir, formats=("csv", "xlsx")
    )


# ----------------------------------------------------------------------------------------------------
# High-tech export KPI system (Yakushev's high-tech export paper, Table 6)
# ----------------------------------------------------------------------------------------------------


class KpiDefinition:
    """One KPI of the system: id, names and the inputs it needs."""

    def __init__(self, id: str, name_en: str, name_ru: str, inputs: str) -> None:
        self.id, self.name_en, self.name_ru, self.inputs = id, name_en, name_ru, inputs

    def __repr__(self) -> str:
        return f"KpiDefinition({self.id!r})"


KPI: dict[str, KpiDefinition] = {
    k.id: k
    for k in (
        KpiDefinition(
            "nne_share_in_export",
            "Share of non-resource exports in the region's total exports",
            "Удельный вес несырьевого экспорта в валовых объемах всего экспорта региона",
            "trade",
        ),
        KpiDefinition(
            "sme_share_in_nne_export",
            "Share of SME exporters' exports in the region's non-resource exports",
            "Удельный вес экспорта предприятий МСП в общих объемах несырьевого экспорта региона",
            "trade, sme_nne_export_usd",
        ),
        KpiDefinition(
            "rnd_it_export_share_in_grp",
            "Share of R&D and IT product exports in GRP",
            "Удельный вес экспорта продукции сегмента R&D и IT в ВРП",
            "rnd_it_export_usd, grp_rub, exchange rate",
        ),
        KpiDefinition(
            "hightech_export_share_in_shipped_output",
            "Share of high-tech exports in the region's shipped output",
            "Удельный вес высокотехнологичного экспорта в общих объемах отгруженной продукции региона",
            "trade, shipped_output_rub, exchange rate",
        ),
        KpiDefinition(
            "hightech_export_share_in_innovative_output",
            "Share of high-tech exports in the region's innovative output",
            "Удельный вес высокотехнологичного экспорта в объемах инновационной продукции региона",
            "trade, innovative_output_rub, exchange rate",
        ),
        KpiDefinition(
            "power_engineering_share_in_export",
            "Share of power-engineering products in the region's exports",
            "Доля продукции энергомашиностроения в общих объемах экспорта региона",
            "trade",
        ),
        KpiDefinition(
            "hightech_export_share_in_country_sales",
            "Share of the region's high-tech exports in the country's sales revenue",
            "Доля высокотехнологичного экспорта региона в выручке от продажи товаров страны",
            "trade, sales_revenue_rub (all regions), exchange rate",
        ),
        KpiDefinition(
            "rnd_it_export_share_in_costs",
            "Share of the region's R&D and IT exports in production and sales costs",
            "Доля экспорта региона R&D и IT в затратах на производство и продажу продукции",
            "rnd_it_export_usd, production_costs_rub, exchange rate",
        ),
        KpiDefinition(
            "hightech_growth_vs_budget_revenue",
            "Growth of the region's high-tech exports relative to growth of regional budget revenue",
            "Темп роста высокотехнологичного экспорта региона к темпам роста доходов бюджета региона",
            "trade, budget_revenue_rub",
        ),
        KpiDefinition(
            "power_engineering_growth_vs_world",
            "Growth of the region's power-engineering exports relative to world growth",
            "Темп роста экспорта энергомашиностроительной продукции региона к темпам роста в мире",
            "trade, world growth of power-engineering export",
        ),
    )
}

#: HS headings of power-engineering products (энергомашиностроение): nuclear reactors, boilers and
#: their auxiliary plant (8401–8405), steam, hydraulic and gas turbines (8406, 8410, 8411), engines
#: and motors n.e.s. (8412), electric motors and generators, generating sets, converters (8501–8504).
POWER_ENGINEERING_HS4: tuple[str, ...] = (
    "8401", "8402", "8403", "8404", "8405", "8406", "8410", "8411", "8412",
    "8501", "8502", "8503", "8504",
)  # fmt: skip

#: Bank of Russia official USD rate, annual average of daily rates, RUB per USD (cbr.ru).
RUB_PER_USD_CBR: dict[int, float] = {
    2013: 31.85,
    2014: 38.42,
    2015: 60.96,
    2016: 67.03,
    2017: 58.35,
    2018: 62.71,
    2019: 64.74,
    2020: 72.15,
    2021: 73.65,
    2022: 68.55,
    2023: 85.25,
}


def kpi_values(
    trade: pd.DataFrame,
    year: int,
    indicators: pd.DataFrame | None = None,
    fx_rate: Mapping[int, float] | None = None,
    world_power_growth_pct: Mapping[int, float] | None = None,
    power_hs4: Iterable[str] = POWER_ENGINEERING_HS4,
) -> pd.DataFrame:
    """Values of the high-tech export KPIs per region for ``year`` (NaN where inputs are missing).

    High-tech export: rows with a non-null ``group`` (stage 02). ``fx_rate`` (national currency per
    USD by year, e.g. :data:`RUB_PER_USD_CBR`) converts USD export for the ratios to GRP, shipped and
    innovative output, sales revenue and costs; without it those KPIs are NaN. Growth KPIs compare
    ``year`` with ``year - 1``: 100 · (HT(t)/HT(t−1)) / (B(t)/B(t−1)) with B the budget revenue, and
    100 · (PE(t)/PE(t−1)) / (world growth % / 100). ``production_costs_rub`` is read from the indicator
    table when present. Returns the long table ``region, year, indicator, value``.
    """
    rows = _exports(trade, ["resource", "group"])
    regions = sorted(trade["region"].astype(str).unique())
    power_hs4 = tuple(power_hs4)

    def per_region(mask: pd.Series, y: int) -> pd.Series:
        sel = rows[mask & (rows["year"] == y)]
        return sel.groupby("region")["value_usd"].sum().reindex(regions, fill_value=0.0)

    everything = pd.Series(True, index=rows.index)
    hightech = rows["group"].notna()
    power = rows["hs6"].astype(str).str[:4].isin(power_hs4)
    total = per_region(everything, year)
    nne = per_region(rows["resource"] == "nne", year)
    ht = per_region(hightech, year)
    pe = per_region(power, year)
    total_pos = total.where(total > 0)

    def ind(name: str, y: int = year) -> pd.Series:
        series = _indicator_series(indicators, name)
        if series is None:
            return pd.Series(np.nan, index=regions)
        return (
            series.xs(y, level="year").reindex(regions)
            if y in series.index.get_level_values("year")
            else pd.Series(np.nan, index=regions)
        )

    fx = {int(k): float(v) for k, v in (fx_rate or {}).items()}
    rate = fx.get(year, np.nan)
    out: dict[str, pd.Series] = {}
    out["nne_share_in_export"] = 100 * nne / total_pos
    out["sme_share_in_nne_export"] = 100 * ind("sme_nne_export_usd") / nne.where(nne > 0)
    out["rnd_it_export_share_in_grp"] = 100 * ind("rnd_it_export_usd") * rate / ind("grp_rub")
    out["hightech_export_share_in_shipped_output"] = 100 * ht * rate / ind("shipped_output_rub")
    out["hightech_export_share_in_innovative_output"] = (
        100 * ht * rate / ind("innovative_output_rub")
    )
    out["power_engineering_share_in_export"] = 100 * pe / total_pos
    country_sales = ind("sales_revenue_rub").sum(min_count=1)
    out["hightech_export_share_in_country_sales"] = 100 * ht * rate / country_sales
    out["rnd_it_export_share_in_costs"] = (
        100 * ind("rnd_it_export_usd") * rate / ind("production_costs_rub")
    )
    ht_prev = per_region(hightech, year - 1)
    ht_growth = ht / ht_prev.where(ht_prev > 0)
    budget_growth = ind("budget_revenue_rub") / ind("budget_revenue_rub", year - 1)
    out["hightech_growth_vs_budget_revenue"] = 100 * ht_growth / budget_growth
    pe_prev = per_region(power, year - 1)
    world = {int(k): float(v) for k, v in (world_power_growth_pct or {}).items()}.get(year, np.nan)
    out["power_engineering_growth_vs_world"] = (
        100 * (pe / pe_prev.where(pe_prev > 0)) / (world / 100)
    )
    frames = [
        pd.DataFrame(
            {"region": regions, "year": year, "indicator": k, "value": v.to_numpy(dtype=float)}
        )
        for k, v in out.items()
    ]
    return pd.concat(frames, ignore_index=True)


def kpi_scorecard(values: pd.DataFrame, system: pd.DataFrame | None = None) -> pd.DataFrame:
    """KPI values against their bounds: met when ``lower ≤ value`` (and ``value ≤ upper`` if given).

    Columns: ``region, block, indicator, value, lower, upper, status`` (``met``/``not_met``/``no_data``).
    """
    system = load_kpi_system() if system is None else system
    merged = values.merge(
        system[["id", "block", "lower", "upper"]], left_on="indicator", right_on="id"
    )
    value, lower, upper = merged["value"], merged["lower"], merged["upper"]
    ok = (value >= lower) & (upper.isna() | (value <= upper))
    merged["status"] = np.where(value.isna(), "no_data", np.where(ok, "met", "not_met"))
    order = {k: i for i, k in enumerate(system["id"])}
    merged = merged.sort_values(
        ["region", "indicator"], key=lambda s: s.map(order) if s.name == "indicator" else s
    )
    return merged[
        ["region", "block", "indicator", "value", "lower", "upper", "status"]
    ].reset_index(drop=True)


# ----------------------------------------------------------------------------------------------------
# Partner groups and reorientation of markets (the paper on high-tech export under sanctions)
# ----------------------------------------------------------------------------------------------------

#: Partner groups in display order; membership is assigned in :data:`GROUP_PRIORITY` order.
PARTNER_GROUPS: tuple[str, ...] = (
    "eu",
    "west",
    "eaeu_cis",
    "china",
    "other_brics",
    "asia_pacific",
    "mena",
    "rest_of_world",
    "unspecified",
)
GROUP_PRIORITY: tuple[str, ...] = (
    "unspecified",
    "eu",
    "west",
    "eaeu_cis",
    "china",
    "other_brics",
    "mena",
    "asia_pacific",
    "rest_of_world",
)
GROUP_NAMES: dict[str, Label] = vocabulary("standard.GROUP_NAMES")
#: Members fixed by treaty that country_converter does not classify.
EAEU: tuple[str, ...] = ("AM", "BY", "KG", "KZ", "RU")
FORMER_CIS: tuple[str, ...] = ("GE", "TM", "UA")
BRICS_2011: tuple[str, ...] = ("BR", "CN", "IN", "RU", "ZA")
CHINA: tuple[str, ...] = ("CN", "HK", "MO")
#: OECD members counted as non-Western in the West / non-West split (Latin America, Turkey).
OECD_NON_WESTERN: tuple[str, ...] = ("CL", "CO", "CR", "MX", "TR")
WESTERN_EXTRA: tuple[str, ...] = ("AD", "MC", "SM", "VA", "LI", "GI", "FO", "GL", "TW", "SG")
MENA_UN_REGIONS: tuple[str, ...] = ("Northern Africa", "Western Asia")
MENA_EXTRA: tuple[str, ...] = ("IR",)
ASIA_PACIFIC_UN_REGIONS: tuple[str, ...] = (
    "Eastern Asia",
    "South-eastern Asia",
    "Southern Asia",
    "Central Asia",
    "Australia and New Zealand",
    "Melanesia",
    "Micronesia",
    "Polynesia",
)


def _country_classification() -> pd.DataFrame:
    """country_converter's classification table, read as text (ISO2 regexes like ``^GB$|^UK$``
    reduced to the first code)."""
    import country_converter

    path = Path(country_converter.__file__).with_name("country_data.tsv")
    df = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    df["ISO2"] = df["ISO2"].str.extract(r"([A-Z0-9]{2})", expand=False)
    return df[df["ISO2"].notna() & (df["obsolete"] == "")]


def build_partner_groups(classification: pd.DataFrame | None = None) -> dict[str, Any]:
    """Partner groups from country_converter's classifications, each country in exactly one group.

    Assignment in priority order: ``unspecified`` (special customs codes, e.g. ``NNN``, ``XX``) →
    ``eu`` (EU27, plus the FCS code ``EU``) → ``west`` (G7, EEA, OECD members except Latin America and
    Turkey, European microstates, Taiwan, Singapore) → ``eaeu_cis`` (EAEU, CIS, former members GE, TM, UA)
    → ``china`` (CN, HK, MO) → ``other_brics`` (BRICS of 2011 without China and Russia: BR, IN, ZA) →
    ``mena`` (UN regions Northern Africa and Western Asia, and Iran) → ``asia_pacific`` (APEC and the UN
    regions of East, South-East, South and Central Asia and Oceania) → ``rest_of_world`` (every other
    ISO 3166-1 code). Returns ``{"groups": {id: {"name_en", "name_ru", "members"}}}``.
    """
    import pycountry

    df = _country_classification() if classification is None else classification
    iso2 = set(df["ISO2"]) | {c.alpha_2 for c in pycountry.countries}

    def col(name: str) -> set[str]:
        return set(df.loc[df[name] != "", "ISO2"])

    def region(names: Iterable[str]) -> set[str]:
        return set(df.loc[df["UNregion"].isin(list(names)), "ISO2"])

    candidates: dict[str, set[str]] = {
        "unspecified": set(SPECIAL_PARTNERS) - {"EU"},
        "eu": col("EU27") | {"EU"},
        "west": col("G7") | col("EEA") | (col("OECD") - set(OECD_NON_WESTERN)) | set(WESTERN_EXTRA),
        "eaeu_cis": set(EAEU) | col("CIS") | set(FORMER_CIS),
        "china": set(CHINA),
        "other_brics": set(BRICS_2011),
        "mena": region(MENA_UN_REGIONS) | set(MENA_EXTRA),
        "asia_pacific": col("APEC") | region(ASIA_PACIFIC_UN_REGIONS),
        "rest_of_world": iso2,
    }
    taken: set[str] = set()
    members: dict[str, list[str]] = {}
    for group in GROUP_PRIORITY:
        own = candidates[group] - taken
        members[group] = sorted(own)
        taken |= own
    return {
        "groups": {
            g: {
                "name_en": GROUP_NAMES[g]["en"],
                "name_ru": GROUP_NAMES[g]["ru"],
                "members": members[g],
            }
            for g in PARTNER_GROUPS
        }
    }


def write_partner_groups(path: str | os.PathLike[str] | None = None) -> Path:
    """Write :func:`build_partner_groups` as YAML (default: the package's ``partner_groups.yaml``)."""
    import yaml

    target = _data_path("partner_groups.yaml") if path is None else Path(path)
    header = (
        "# Partner groups for the reorientation of export (exportlab.standard.build_partner_groups).\n"
        "# Built from country_converter's classifications (EU27, G7, EEA, OECD, CIS, APEC, UN regions)\n"
        "# and treaty lists (EAEU, BRICS 2011); each ISO 3166-1 alpha-2 code is in exactly one group.\n"
        "# Regenerate with: python -c 'from exportlab import standard; standard.write_partner_groups()'\n"
    )
    text = yaml.safe_dump(build_partner_groups(), allow_unicode=True, sort_keys=False, width=100)
    target.write_text(header + text, encoding="utf-8")
    return target


@cache
def _load_groups_cached(path: str) -> dict[str, Any]:
    import yaml

    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def load_partner_groups(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Partner groups from YAML (default: the shipped ``partner_groups.yaml``)."""
    target = _data_path("partner_groups.yaml") if path is None else Path(path)
    groups = _load_groups_cached(str(target))
    if "groups" not in groups:
        raise ValueError(f"{target}: expected a mapping with key 'groups'")
    return groups


def partner_group_map(groups: Mapping[str, Any] | None = None) -> dict[str, str]:
    """``partner code -> group id``; raises ``ValueError`` if a code is in two groups."""
    groups = load_partner_groups() if groups is None else groups
    mapping: dict[str, str] = {}
    for gid, spec in groups["groups"].items():
        for code in spec["members"]:
            if code in mapping:
                raise ValueError(f"partner {code} is in groups {mapping[code]!r} and {gid!r}")
            mapping[code] = gid
    return mapping


def uncovered_partners(
    partners: Iterable[str], groups: Mapping[str, Any] | None = None
) -> list[str]:
    """Partner codes of the data that belong to no group (empty when the groups cover the data)."""
    mapping = partner_group_map(groups)
    return sorted({str(p) for p in partners} - set(mapping))


def assign_partner_groups(
    partners: pd.Series, groups: Mapping[str, Any] | None = None, uncovered: str = "uncovered"
) -> pd.Series:
    """Group id of each partner code; codes in no group get ``uncovered`` and a warning naming them."""
    mapping = partner_group_map(groups)
    out = partners.astype(str).map(mapping)
    missing = sorted(set(partners[out.isna()].astype(str)))
    if missing:
        warnings.warn(f"partner code(s) in no partner group: {missing}", stacklevel=2)
    return out.fillna(uncovered)


def reorientation_shares(
    trade: pd.DataFrame,
    groups: Mapping[str, Any] | None = None,
    level: Literal["country", "region"] = "country",
    country: str = "country",
) -> pd.DataFrame:
    """Export by partner group and year, with its share of the total (0–1), for the country (sum of all
    regions, labelled ``country``) or per region. Columns: ``region, year, group, value_usd, share``."""
    if level not in ("country", "region"):
        raise ValueError(f"level must be 'country' or 'region', got {level!r}")
    rows = _exports(trade)
    rows["group"] = assign_partner_groups(rows["partner"], groups)
    if level == "country":
        rows["region"] = country
    values = rows.groupby(["region", "year", "group"])["value_usd"].sum()
    present = [g for g in (*PARTNER_GROUPS, "uncovered") if g in set(rows["group"])]
    keys = sorted(set(zip(rows["region"], rows["year"], strict=True)))
    index = pd.MultiIndex.from_tuples(
        [(r, y, g) for r, y in keys for g in present], names=["region", "year", "group"]
    )
    values = values.reindex(index, fill_value=0.0)
    share = values / values.groupby(level=["region", "year"]).transform("sum")
    return pd.DataFrame({"value_usd": values, "share": share}).reset_index()


def partner_concentration(
    trade: pd.DataFrame, level: Literal["country", "region"] = "country"
) -> pd.DataFrame:
    """Partner HHI and number of partner countries per year (country) or region and year.

    Special partner codes (``schema.SPECIAL_PARTNERS``: unknown, confidential) are left out.
    """
    from exportlab import diversification

    if level == "country":
        trade = trade.assign(region="country")
    countries = trade[~trade["partner"].astype(str).isin(SPECIAL_PARTNERS)]
    out = diversification.concentration(countries, by="partner")
    return out.rename(columns={"hhi": "partner_hhi", "n_active": "n_partners"})


def reorientation_map_table(shares: pd.DataFrame, year: int) -> pd.DataFrame:
    """Map-ready table for ``year``: one row per region, one column per group with its share (0–1)."""
    rows = shares[shares["year"] == year]
    if rows.empty:
        raise ValueError(f"no reorientation shares for year {year}")
    wide = rows.pivot(index="region", columns="group", values="share")
    wide = wide[[g for g in (*PARTNER_GROUPS, "uncovered") if g in wide.columns]]
    return wide.reset_index().rename_axis(columns=None)
