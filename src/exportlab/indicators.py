"""Indicators computed from Rosstat's regional tables: per-capita values, shares, K4 and the
resource specialisation proxy, the regional profile table and its maps, and the reconciliation of
FCS trade with Rosstat's export totals.

Derived indicators (:func:`exportlab.schema.derive`, also named :func:`derive` here; same region and
year; units of :data:`exportlab.schema.INDICATORS`):

* ``export_per_capita_usd = total_export_usd / population``;
* ``export_noncis_share_pct = 100 · export_noncis_usd / total_export_usd``;
* ``investment_per_capita_rub = fixed_investment_rub / population``;
* ``mining_share_shipments_pct = 100 · shipped_mining / (mining + manufacturing + energy + water)``,
  the shipments of Rosstat's industrial table 16.3. It is the **proxy** of resource specialisation:
  the test of Kurmanov et al. is the mining share of GRP (``mining_share_grp_pct``, > 30 %), which the yearbook
  does not publish by region (*Regions of Russia* has GRP by activity). Shipments are gross output,
  not value added, so the proxy is higher than the GRP share for the same region.

**K4** (ISEU, the DAED paper) of the ``russia2021`` profile, :data:`K4_SPEC`: GRP per capita (+),
unemployment rate (−) and fixed investment per capita (+), each min–max normalised across the
regions of the year (unemployment reversed: ``(max − x)/(max − min)``), combined with equal weights
1/3 (:func:`exportlab.daed.iseu`). A region lacking one of the three gets no K4.

>>> ind = pd.DataFrame({"region": ["A", "A", "A"], "year": 2021,
...     "indicator": ["total_export_usd", "export_noncis_usd", "population"],
...     "value": [2.0e9, 1.5e9, 1.0e6]})
>>> out, added = derive(ind)
>>> out.set_index("indicator").loc[added, "value"].to_dict()
{'export_per_capita_usd': 2000.0, 'export_noncis_share_pct': 75.0}
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from exportlab.labels import Label, pick, t, vocabulary
from exportlab.schema import DERIVED, SHIPMENTS, derive, exports  # noqa: F401 (derive is named here too)

#: K4 of the russia2021 profile: ``indicator -> (direction, weight)`` for :func:`exportlab.daed.iseu`.
K4_SPEC: dict[str, tuple[int, float]] = {
    "grp_per_capita_rub": (+1, 1 / 3),
    "unemployment_pct": (-1, 1 / 3),
    "investment_per_capita_rub": (+1, 1 / 3),
}


def k4(
    indicators: pd.DataFrame,
    year: int,
    spec: Mapping[str, tuple[int, float]] | None = None,
    normalisation: str = "minmax",
) -> pd.Series:
    """K4 (ISEU) per region in ``year`` from :data:`K4_SPEC` (or ``spec``), 0–1 with min–max.

    >>> ind = pd.DataFrame({"region": list("ABAB") + list("AB"), "year": 2021,
    ...     "indicator": ["grp_per_capita_rub"] * 2 + ["unemployment_pct"] * 2
    ...                  + ["investment_per_capita_rub"] * 2,
    ...     "value": [1.0, 3.0, 5.0, 4.0, 10.0, 10.0]})
    >>> k4(ind, 2021).round(3).to_dict()
    {'A': 0.167, 'B': 0.833}
    """
    from exportlab.daed import iseu

    spec = dict(K4_SPEC if spec is None else spec)
    have = set(indicators["indicator"].astype(str)) if len(indicators) else set()
    if not set(spec) <= have:
        return pd.Series(dtype="float64", name="k4")
    out = iseu(
        indicators,
        spec,
        per_capita=(),
        normalisation=normalisation,
        years=[int(year)],
        carry_forward=False,
    )
    out = out[out["year"] == int(year)].set_index("region")["k4"]
    return out.dropna().rename("k4")


def values(indicators: pd.DataFrame, indicator: str, year: int) -> pd.Series:
    """One indicator in one year, indexed by region (empty when absent)."""
    rows = indicators[(indicators["indicator"] == indicator) & (indicators["year"] == int(year))]
    return rows.set_index("region")["value"].astype("float64").rename(indicator)


#: Columns of :func:`profile_table`: column -> (indicator or computed, english, russian).
PROFILE_COLUMNS: dict[str, Label] = vocabulary("indicators.PROFILE_COLUMNS")
_THOUSANDS = ("grp_per_capita_rub", "investment_per_capita_rub")


def profile_table(
    indicators: pd.DataFrame, year: int, lang: str = "en", reference=None
) -> pd.DataFrame:
    """The regions by export per capita, non-CIS share, GRP per capita, K4 and the resource proxy.

    One row per region with any of the values in ``year``, ranked by export per capita (largest
    first; regions without it last). Roubles per capita in thousands. Columns are the keys of
    :data:`PROFILE_COLUMNS` after ``rank, region, name``.
    """
    from exportlab.regions import region_names

    cols = {}
    for key in PROFILE_COLUMNS:
        series = k4(indicators, year) if key == "k4" else values(indicators, key, year)
        if key in _THOUSANDS:
            series = series / 1e3
        cols[key] = series
    table = pd.DataFrame(cols)
    table = table.dropna(how="all")
    table = table.sort_values(
        ["export_per_capita_usd", "grp_per_capita_rub"], ascending=False, na_position="last"
    )
    names = region_names(lang=lang, short=True, reference=reference)
    table.insert(0, "name", [names.get(code, code) for code in table.index])
    table.index.name = "region"
    table = table.reset_index()
    table.insert(0, "rank", range(1, len(table) + 1))
    return table


def profile_headers() -> dict[str, Label]:
    """Bilingual headers of :func:`profile_table` for :func:`exportlab.tables.write_table`."""
    return {
        "rank": {"en": "Rank", "ru": "Место"},
        "region": {"en": "Code", "ru": "Код"},
        "name": {"en": "Region", "ru": "Регион"},
        **PROFILE_COLUMNS,
    }


#: Maps of real indicators: map name -> (indicator, title en, title ru, unit en, unit ru, scale).
MAPS: dict[str, tuple[str, str, str, str, str, float]] = {
    "export_per_capita": (
        "export_per_capita_usd",
        "Export per capita",
        "Экспорт на душу населения",
        "USD per person",
        "долл. США на человека",
        1.0,
    ),
    "export_noncis_share": (
        "export_noncis_share_pct",
        "Export to non-CIS countries",
        "Экспорт в страны дальнего зарубежья",
        "% of the region's export",
        "% экспорта региона",
        1.0,
    ),
    "grp_per_capita": (
        "grp_per_capita_rub",
        "GRP per capita",
        "ВРП на душу населения",
        "thousand RUB per person",
        "тыс. руб. на человека",
        1e-3,
    ),
}


def map_values(indicators: pd.DataFrame, year: int) -> dict[str, pd.Series]:
    """The values of each map of :data:`MAPS` in ``year``, by region, in the map's unit.

    Keys are the map names; a Series is empty when the indicator has no value in ``year``. The maps
    are drawn by :func:`exportlab.plot.indicators.indicator_maps`.

    >>> ind = pd.DataFrame({"region": ["A"], "year": 2021, "indicator": "grp_per_capita_rub",
    ...                     "value": [450_000.0]})
    >>> map_values(ind, 2021)["grp_per_capita"].to_dict()
    {'A': 450.0}
    """
    return {name: values(indicators, spec[0], year) * spec[5] for name, spec in MAPS.items()}


# ------------------------------------------------------------------------------- reconciliation

#: Default threshold of :func:`reconcile_exports`: relative difference, per cent.
RECONCILE_THRESHOLD_PCT = 5.0
#: ... and the absolute difference below which a region is never flagged, USD.
RECONCILE_MIN_USD = 1.0e6


def reconcile_exports(
    trade: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    threshold_pct: float = RECONCILE_THRESHOLD_PCT,
    min_usd: float = RECONCILE_MIN_USD,
) -> pd.DataFrame:
    """FCS export per region against Rosstat's ``total_export_usd``, for the years both have.

    ``difference_pct = 100 · (fcs − rosstat) / rosstat``; a region is ``flagged`` when
    ``|difference_pct| > threshold_pct`` and ``|fcs − rosstat| > min_usd``. Regions present in one
    source only are listed with the other value missing (and flagged). Both count export by the
    region where the exporter is registered, not where the goods were produced
    (:func:`reconcile_note`).

    >>> trade = pd.DataFrame({"year": [2021, 2021], "region": ["A", "B"], "flow": "export",
    ...                       "value_usd": [100e6, 50e6]})
    >>> ind = pd.DataFrame({"region": ["A", "B"], "year": 2021, "indicator": "total_export_usd",
    ...                     "value": [100.5e6, 60e6]})
    >>> out = reconcile_exports(trade, ind)
    >>> out["region"].tolist(), out["difference_pct"].round(1).tolist(), out["flagged"].tolist()
    (['B', 'A'], [-16.7, -0.5], [True, False])
    """
    cols = [
        "region",
        "year",
        "fcs_export_usd",
        "rosstat_export_usd",
        "difference_usd",
        "difference_pct",
        "flagged",
    ]
    if trade.empty or indicators.empty:
        return pd.DataFrame(columns=cols)
    fcs = exports(trade, positive=False).groupby(["region", "year"])["value_usd"].sum()
    fcs = fcs.rename("fcs_export_usd")
    ros = indicators[indicators["indicator"] == "total_export_usd"]
    ros = ros.groupby(["region", "year"])["value"].sum().rename("rosstat_export_usd")
    years = set(fcs.index.get_level_values("year").astype(int)) & set(
        ros.index.get_level_values("year").astype(int)
    )
    if not years:
        return pd.DataFrame(columns=cols)
    fcs.index = fcs.index.set_levels(fcs.index.levels[1].astype(int), level=1)
    ros.index = ros.index.set_levels(ros.index.levels[1].astype(int), level=1)
    both = pd.concat([fcs, ros], axis=1).reset_index()
    both = both[both["year"].isin(years)].copy()
    both["difference_usd"] = both["fcs_export_usd"] - both["rosstat_export_usd"]
    base = both["rosstat_export_usd"].where(both["rosstat_export_usd"] > 0)
    both["difference_pct"] = 100.0 * both["difference_usd"] / base
    both["flagged"] = both["difference_usd"].isna() | (
        (both["difference_pct"].abs() > threshold_pct)
        | (both["difference_pct"].isna() & (both["difference_usd"] != 0))
    ) & (both["difference_usd"].abs() > min_usd)
    both = both.assign(_abs=both["difference_usd"].abs()).sort_values(
        ["flagged", "year", "_abs"], ascending=[False, True, False]
    )
    return both.loc[:, cols].reset_index(drop=True)


def reconcile_note(lang: str = "en", threshold_pct: float = RECONCILE_THRESHOLD_PCT) -> str:
    """What the reconciliation compares and why the two sources may differ."""
    return t(
        "FCS customs data and Rosstat's regional export both count export by the region where the "
        "exporter (the party to the foreign-trade contract) is registered, not where the goods were "
        "produced: a Moscow-registered trader's oil counts for Moscow. Differences come from "
        "revisions, confidential product lines, trade with EAEU members (from statistical "
        f"reports) and the files supplied. Regions off by more than {threshold_pct:g} % "
        f"(and {RECONCILE_MIN_USD / 1e6:g} mln USD) are flagged.",
        "Данные ФТС и региональный экспорт Росстата учитывают экспорт по субъекту, в котором "
        "зарегистрирован экспортёр (участник внешнеторгового контракта), а не по месту "
        "производства товара: нефть трейдера, зарегистрированного в Москве, учитывается в Москве. "
        "Расхождения возникают из-за уточнений данных, конфиденциальных товарных позиций, "
        "торговли с государствами ЕАЭС (по данным статистической отчётности) и состава "
        f"загруженных файлов. Отмечены регионы с расхождением более {threshold_pct:g} % "
        f"(и более {RECONCILE_MIN_USD / 1e6:g} млн долл. США).",
        lang,
    )


# ---------------------------------------------------------------------------- stage 01 tables


def profile_year(indicators: pd.DataFrame, year: int) -> int:
    """``year`` when the table has any of the mapped indicators in it, else the latest year that
    has most of them (official statistics lag: a 2023 profile may find 2021 values only)."""
    keys = [spec[0] for spec in MAPS.values()]
    rows = indicators[indicators["indicator"].isin(keys)] if len(indicators) else indicators
    if rows.empty or int(year) in set(rows["year"].astype(int)):
        return int(year)
    counts = rows.groupby("year")["indicator"].nunique()
    return int(counts[counts == counts.max()].index.max())


def source_label(report, lang: str = "en") -> str | None:
    """The source line of tables and maps made from Rosstat's tables (None without any)."""
    if not getattr(report, "tables", None):
        return None
    return t(
        "Rosstat, Russian Statistical Yearbook (regional tables)",
        "Росстат, Российский статистический ежегодник (региональные таблицы)",
        lang,
    )


def tables_read(report, lang: str = "en") -> pd.DataFrame:
    """One row per table read: file, table, year, indicators, rows by level, notes and warnings."""
    rows = [
        {
            t("file", "файл", lang): table.file,
            t("table", "таблица", lang): table.table,
            t("year", "год", lang): table.year if table.year is not None else "",
            t("indicators", "показатели", lang): ", ".join(
                dict.fromkeys(c["indicator"] for c in table.columns)
            ),
            t("subjects", "субъекты", lang): sum(
                table.rows.get(k, 0) for k in ("subject", "subject_less_ao", "ao_within_subject")
            ),
            t("notes", "примечания", lang): "; ".join(table.notes + table.warnings),
        }
        for table in report.tables
    ]
    return pd.DataFrame(rows)


def checks_table(report, lang: str = "en") -> pd.DataFrame:
    """The total checks of :meth:`exportlab.io.rosstat.IndicatorReport.checks_frame`, labelled."""

    checks = report.checks_frame()
    names = {
        "file": {"en": "file", "ru": "файл"},
        "table": {"en": "table", "ru": "таблица"},
        "indicator": {"en": "indicator", "ru": "показатель"},
        "year": {"en": "year", "ru": "год"},
        "subjects": {"en": "sum of subjects", "ru": "сумма по субъектам"},
        "n": {"en": "subjects summed", "ru": "число субъектов"},
        "country": {"en": "Russian Federation", "ru": "Российская Федерация"},
        "difference": {"en": "difference", "ru": "разница"},
        "tolerance": {"en": "rounding tolerance", "ru": "допуск округления"},
        "missing": {"en": "missing cells", "ru": "пропуски"},
        "status": {"en": "status", "ru": "результат"},
    }
    return checks.rename(columns={k: pick(label, lang) for k, label in names.items()})


def reconciliation_table(reconciliation: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """:func:`reconcile_exports` with region names and labelled columns, values in mln USD."""
    from exportlab.regions import region_names

    out = reconciliation.copy()
    for col in ("fcs_export_usd", "rosstat_export_usd", "difference_usd"):
        out[col] = out[col] / 1e6
    names = region_names(lang=lang, short=True)
    out.insert(1, "name", [names.get(code, code) for code in out["region"]])
    names = {
        "region": {"en": "code", "ru": "код"},
        "name": {"en": "region", "ru": "регион"},
        "year": {"en": "year", "ru": "год"},
        "fcs_export_usd": {"en": "FCS export, mln USD", "ru": "экспорт по ФТС, млн долл."},
        "rosstat_export_usd": {
            "en": "Rosstat export, mln USD",
            "ru": "экспорт по Росстату, млн долл.",
        },
        "difference_usd": {"en": "difference, mln USD", "ru": "разница, млн долл."},
        "difference_pct": {"en": "difference, %", "ru": "разница, %"},
        "flagged": {"en": "above threshold", "ru": "выше порога"},
    }
    return out.rename(columns={k: pick(label, lang) for k, label in names.items()})
