"""The canonical trade table and the regional indicator table.

The trade table has one row per region × product × partner × year × flow (SPEC, "Data model"):

========== ============ =====================================================================
column     dtype        meaning
========== ============ =====================================================================
year       int16        calendar year
region     string       ISO 3166-2 code of the region (``RU-TA``) or a code of a user reference
hs6        string       HS 6-digit code of the edition in force that year
partner    string       ISO 3166-1 alpha-2 code, or a special code of :data:`SPECIAL_PARTNERS`
flow       string       ``export`` or ``import``
value_usd  float64      value, US dollars
netto_kg   float64      net weight, kilograms (may be missing)
========== ============ =====================================================================

>>> import pandas as pd
>>> df = pd.DataFrame({"year": [2020], "region": ["RU-TA"], "hs6": ["270900"], "partner": ["CN"],
...                    "flow": ["export"], "value_usd": [1.5e6], "netto_kg": [3.0e6]})
>>> list(coerce_trade(df).dtypes.astype(str))
['int16', 'string', 'string', 'string', 'string', 'float64', 'float64']
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

TRADE_DTYPES: dict[str, str] = {
    "year": "int16",
    "region": "string",
    "hs6": "string",
    "partner": "string",
    "flow": "string",
    "value_usd": "float64",
    "netto_kg": "float64",
}
TRADE_COLUMNS: tuple[str, ...] = tuple(TRADE_DTYPES)
TRADE_KEY: tuple[str, ...] = ("year", "region", "hs6", "partner", "flow")
FLOWS: tuple[str, ...] = ("export", "import")

#: Partner codes that are not ISO 3166-1 countries but occur in customs data.
SPECIAL_PARTNERS: dict[str, str] = {
    "NNN": "unknown country (FCS)",
    "XX": "unknown or confidential partner",
    "EU": "European Union, not broken down by country (FCS)",
    "QQ": "ship stores and bunkering",
    "QU": "countries and territories not specified",
    "ZZ": "not specified",
}

INDICATOR_DTYPES: dict[str, str] = {
    "region": "string",
    "year": "int16",
    "indicator": "string",
    "value": "float64",
}
INDICATOR_COLUMNS: tuple[str, ...] = tuple(INDICATOR_DTYPES)


@dataclass(frozen=True)
class Indicator:
    """A regional indicator: its unit and English / Russian names."""

    unit: str
    name_en: str
    name_ru: str


#: Regional indicators the stages understand (the ``indicator`` column of the indicator table).
INDICATORS: dict[str, Indicator] = {
    "population": Indicator("persons", "Population", "Численность населения"),
    "grp_rub": Indicator("RUB", "Gross regional product", "Валовой региональный продукт"),
    "grp_per_capita_rub": Indicator("RUB per person", "GRP per capita", "ВРП на душу населения"),
    "unemployment_pct": Indicator("%", "Unemployment rate", "Уровень безработицы"),
    "investment_per_capita_rub": Indicator(
        "RUB per person", "Fixed investment per capita", "Инвестиции в основной капитал на душу"
    ),
    "rnd_spending_rub": Indicator(
        "RUB", "Domestic R&D spending", "Внутренние затраты на исследования и разработки"
    ),
    "mining_share_grp_pct": Indicator(
        "% of GRP", "Mining share of GRP", "Доля добычи полезных ископаемых в ВРП"
    ),
    "nne_support_rub": Indicator(
        "RUB",
        "State and regional support of NNE export",
        "Государственная и региональная поддержка ННЭ",
    ),
    "sme_exporters": Indicator("firms", "SME exporters", "Число экспортёров — субъектов МСП"),
    "sme_nne_export_usd": Indicator("USD", "NNE export of SMEs", "Несырьевой экспорт МСП"),
    "total_export_usd": Indicator("USD", "Total export", "Экспорт, всего"),
    "shipped_output_rub": Indicator(
        "RUB", "Shipped goods of own production", "Отгружено товаров собственного производства"
    ),
    "innovative_output_rub": Indicator(
        "RUB", "Innovative goods and services", "Инновационные товары, работы, услуги"
    ),
    "rnd_it_export_usd": Indicator(
        "USD", "Export of R&D and IT services", "Экспорт услуг НИОКР и ИТ"
    ),
    "budget_revenue_rub": Indicator(
        "RUB", "Consolidated budget revenue", "Доходы консолидированного бюджета"
    ),
    "sales_revenue_rub": Indicator("RUB", "Sales revenue", "Выручка от реализации"),
    # Rosstat's regional tables (exportlab.io.rosstat); trade totals by region of registration
    "total_import_usd": Indicator("USD", "Total import", "Импорт, всего"),
    "export_cis_usd": Indicator("USD", "Export to CIS countries", "Экспорт в страны СНГ"),
    "export_noncis_usd": Indicator(
        "USD", "Export to non-CIS countries", "Экспорт в страны дальнего зарубежья"
    ),
    "import_cis_usd": Indicator("USD", "Import from CIS countries", "Импорт из стран СНГ"),
    "import_noncis_usd": Indicator(
        "USD", "Import from non-CIS countries", "Импорт из стран дальнего зарубежья"
    ),
    "area_km2": Indicator("km²", "Area", "Площадь территории"),
    "fixed_investment_rub": Indicator("RUB", "Fixed investment", "Инвестиции в основной капитал"),
    "shipped_mining_rub": Indicator(
        "RUB", "Shipped goods: mining and quarrying", "Отгружено: добыча полезных ископаемых"
    ),
    "shipped_manufacturing_rub": Indicator(
        "RUB", "Shipped goods: manufacturing", "Отгружено: обрабатывающие производства"
    ),
    "shipped_energy_rub": Indicator(
        "RUB",
        "Shipped goods: electricity, gas and steam supply",
        "Отгружено: обеспечение электроэнергией, газом и паром",
    ),
    "shipped_water_rub": Indicator(
        "RUB",
        "Shipped goods: water supply, sewerage, waste",
        "Отгружено: водоснабжение, водоотведение, отходы",
    ),
    "labour_force": Indicator("persons", "Labour force", "Численность рабочей силы"),
    "employed": Indicator("persons", "Employed", "Занятые"),
    "unemployed": Indicator("persons", "Unemployed", "Безработные"),
    "employment_rate_pct": Indicator("%", "Employment rate", "Уровень занятости"),
    "registered_unemployed": Indicator(
        "persons", "Registered unemployed", "Зарегистрированные безработные"
    ),
    "registered_unemployment_pct": Indicator(
        "%", "Registered unemployment rate", "Уровень зарегистрированной безработицы"
    ),
    # derived from the above (exportlab.schema.derive)
    "export_per_capita_usd": Indicator("USD per person", "Export per capita", "Экспорт на душу"),
    "export_noncis_share_pct": Indicator(
        "% of export", "Export to non-CIS countries, share", "Доля экспорта в дальнее зарубежье"
    ),
    "mining_share_shipments_pct": Indicator(
        "% of industrial shipments",
        "Mining share of industrial shipments",
        "Доля добычи полезных ископаемых в отгрузке промышленности",
    ),
}


#: The columns every measure of export rows needs (:func:`exports`).
EXPORT_COLUMNS: tuple[str, ...] = ("year", "region", "value_usd")


def require(
    df: pd.DataFrame, columns: Iterable[str], what: str = "trade table", hint: str | None = None
) -> None:
    """Raise ``ValueError`` naming the ``columns`` that ``df`` lacks (in the order given).

    ``what`` names the table in the message; ``hint`` is added after a semicolon (what table is
    expected, which stage writes it).

    >>> require(pd.DataFrame({"year": [2020]}), ["year", "region", "value_usd"])
    Traceback (most recent call last):
    ...
    ValueError: trade table lacks column(s) ['region', 'value_usd']
    """
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what} lacks column(s) {missing}" + (f"; {hint}" if hint else ""))


def exports(
    trade: pd.DataFrame,
    extra: Iterable[str] = (),
    *,
    needs: Iterable[str] = EXPORT_COLUMNS,
    select: bool = False,
    positive: bool = True,
    hint: str | None = None,
) -> pd.DataFrame:
    """The export rows of ``trade`` (a copy), after checking its columns.

    The table must hold ``needs`` (default :data:`EXPORT_COLUMNS`) and ``extra``
    (:func:`require`); rows are those with ``flow == "export"`` (every row of a table without a
    ``flow`` column: a file of one flow) and, with ``positive``, a value above 0 (US dollars).
    ``select`` keeps only the required columns. ``year`` comes back as int64, ``region`` as str.

    >>> t = pd.DataFrame({"year": [2020, 2020, 2020], "region": ["RU-TA"] * 3,
    ...                   "flow": ["export", "import", "export"], "value_usd": [2.0, 5.0, 0.0]})
    >>> exports(t, select=True).to_dict("list")
    {'year': [2020], 'region': ['RU-TA'], 'value_usd': [2.0]}
    """
    need = list(dict.fromkeys([*needs, *extra]))
    require(trade, need, hint=hint)
    rows = trade
    if "flow" in rows.columns:
        rows = rows[rows["flow"] == "export"]
    if positive:
        rows = rows[rows["value_usd"] > 0]
    rows = rows.loc[:, need].copy() if select else rows.copy()
    if "year" in rows.columns:
        rows["year"] = rows["year"].astype("int64")
    if "region" in rows.columns:
        rows["region"] = rows["region"].astype(str)
    return rows


def coerce_trade(df: pd.DataFrame) -> pd.DataFrame:
    """Return the canonical columns of ``df`` in order, with the canonical dtypes."""
    require(df, TRADE_COLUMNS, hint=f"expected {list(TRADE_COLUMNS)}")
    return df.loc[:, list(TRADE_COLUMNS)].astype(TRADE_DTYPES)


def coerce_indicators(df: pd.DataFrame) -> pd.DataFrame:
    """Return the indicator table's columns in order, with their dtypes."""
    require(df, INDICATOR_COLUMNS, "indicator table", f"expected {list(INDICATOR_COLUMNS)}")
    return df.loc[:, list(INDICATOR_COLUMNS)].astype(INDICATOR_DTYPES)


#: Shipments by activity (Rosstat's industrial table 16.3): the denominator of the mining share.
SHIPMENTS: tuple[str, ...] = (
    "shipped_mining_rub",
    "shipped_manufacturing_rub",
    "shipped_energy_rub",
    "shipped_water_rub",
)

#: derived indicator -> (numerator, denominators summed, factor)
DERIVED: dict[str, tuple[str, tuple[str, ...], float]] = {
    "export_per_capita_usd": ("total_export_usd", ("population",), 1.0),
    "export_noncis_share_pct": ("export_noncis_usd", ("total_export_usd",), 100.0),
    "investment_per_capita_rub": ("fixed_investment_rub", ("population",), 1.0),
    "mining_share_shipments_pct": ("shipped_mining_rub", SHIPMENTS, 100.0),
}


def derive(indicators: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Add the :data:`DERIVED` indicators that the table lacks and its inputs allow.

    The formulas are listed in :mod:`exportlab.indicators` (which names this function too). Returns
    the table and the keys added. A ratio is computed only where its numerator and every
    denominator are present for the region and year and the denominator is positive.
    """
    if indicators.empty:
        return coerce_indicators(indicators), []
    wide = indicators.pivot_table(
        index=["region", "year"], columns="indicator", values="value", aggfunc="last"
    )
    present = set(indicators["indicator"].astype(str))
    parts, added = [indicators], []
    for key, (num, dens, factor) in DERIVED.items():
        if key in present or num not in wide or any(d not in wide for d in dens):
            continue
        denom = wide[list(dens)].sum(axis=1, min_count=len(dens))
        denom = denom.where(wide[list(dens)].notna().all(axis=1))
        value = (factor * wide[num] / denom.where(denom > 0)).dropna()
        if value.empty:
            continue
        frame = value.rename("value").reset_index()
        frame["indicator"] = key
        parts.append(frame)
        added.append(key)
    out = pd.concat(parts, ignore_index=True)
    return coerce_indicators(out), added


def indicator_wide(indicators: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    """The long indicator table as region × indicator (one year) or (region, year) × indicator."""
    df = indicators if year is None else indicators[indicators["year"] == year]
    index = ["region"] if year is not None else ["region", "year"]
    return df.pivot_table(index=index, columns="indicator", values="value", aggfunc="sum")
