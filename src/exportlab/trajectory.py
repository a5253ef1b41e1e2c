"""High-tech export trajectory tables in the layout of Tables 2–5 of Yakushev's high-tech export paper (2019 data).

For a segment (or one high-tech group) and a year, every region gets a *trajectory index*, its export in
the group and three shares, and a verdict on whether it is *export-oriented* in the group. Notation, for
region ``r``, group ``g`` and year ``t`` (values in any currency unit):

- ``X_rg`` export of the group by the region, ``X_r`` the region's total export,
  ``X_g = Σ_r X_rg`` the country's export in the group, ``X = Σ_r X_r`` the country's total export.

Index methods (:data:`METHODS`; the article does not publish its own formula):

- ``growth``        ``X_rg(t) / X_rg(b)``, base year ``b = t − 1`` by default; undefined when
  ``X_rg(b) = 0`` (the region is flagged ``new``).
- ``rca``           Balassa revealed comparative advantage ``(X_rg / X_r) / (X_g / X)``; 1 = the region's
  export is as specialised in the group as the country's.
- ``rca_symmetric`` ``(RCA − 1) / (RCA + 1)`` in ``[−1, 1)`` (Laursen's symmetric RCA); 0 = neutral.

Orientation rule (Yakushev's high-tech export paper): a region is export-oriented in the group when its index is high
(``index ≥ min_index``) AND its share of the country's group export is not negligible
(``100 · X_rg / X_g ≥ min_share_pct``). ``min_index`` is on the ratio scale of ``rca`` and ``growth``;
for ``rca_symmetric`` it is mapped to ``(min_index − 1) / (min_index + 1)``, so ``rca`` and
``rca_symmetric`` always give the same verdicts.

>>> import pandas as pd
>>> trade = pd.DataFrame({"year": [2019] * 4, "region": ["A", "A", "B", "B"], "flow": "export",
...                       "group": ["aerospace", None, "aerospace", None],
...                       "value_usd": [30.0, 70.0, 10.0, 290.0]})
>>> table = trajectory_table(trade, 2019, group="aerospace", region_names=False)
>>> table[["region", "trajectory_index", "region_share_of_group_export_pct"]].round(2).values.tolist()
[['A', 3.0, 75.0], ['B', 0.33, 25.0]]
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from exportlab.labels import check_lang, t
from exportlab.plot.colors import PALETTE
from exportlab.plot.style import spread_labels
from exportlab.regions import region_label

METHODS: tuple[str, ...] = ("growth", "rca", "rca_symmetric")

#: Stable column ids of a trajectory table, in order.
TABLE_COLUMNS: tuple[str, ...] = (
    "rank",
    "region",
    "region_name",
    "trajectory_index",
    "export_kusd",
    "region_share_of_country_export_pct",
    "group_share_of_region_export_pct",
    "region_share_of_group_export_pct",
    "growth_pct",
    "status",
    "export_oriented",
    "reason",
)

#: Column headers for :func:`exportlab.tables.write_table`: ``column -> (english, russian)``.
HEADERS: dict[str, tuple[str, str]] = {
    "rank": ("No.", "№ п/п"),
    "region": ("Region code", "Код региона"),
    "region_name": ("Region", "Регион"),
    "trajectory_index": (
        "High-tech export trajectory index",
        "Индекс высокотехнологичной экспортной траектории",
    ),
    "export_kusd": (
        "Export of the group, thousand USD",
        "Объем экспорта по товарной группе, тыс. долл.",
    ),
    "region_share_of_country_export_pct": (
        "Region's share of the country's export, %",
        "Доля экспорта региона в общем объеме экспорта страны, %",
    ),
    "group_share_of_region_export_pct": (
        "Group's share of the region's export, %",
        "Доля высокотехнологичного экспорта региона в общем объеме экспорта региона, %",
    ),
    "region_share_of_group_export_pct": (
        "Region's share of the country's export of the group, %",
        "Доля региона в экспорте страны по товарной группе, %",
    ),
    "growth_pct": ("Growth over the base year, %", "Прирост к базовому году, %"),
    "status": ("Status", "Статус"),
    "export_oriented": ("Export-oriented", "Экспортоориентированный"),
    "reason": ("Verdict", "Обоснование"),
    # trend and comparison tables
    "n_years": ("Years with export", "Лет с экспортом"),
    "rate_pct": ("Trend growth rate, % a year", "Среднегодовой темп прироста (тренд), %"),
    "ci_low_pct": ("CI low, %", "Нижняя граница ДИ, %"),
    "ci_high_pct": ("CI high, %", "Верхняя граница ДИ, %"),
    "segment": ("Segment", "Сегмент"),
    "segment_name": ("Segment", "Сегмент"),
    "method_a": ("Method A", "Метод A"),
    "method_b": ("Method B", "Метод B"),
    "spearman": ("Spearman rank correlation", "Ранговая корреляция Спирмена"),
    "top_overlap": ("Common regions in the top", "Общих регионов в лидерах"),
    "n_regions": ("Regions", "Регионов"),
}

#: Status of the region's export in the group relative to the base year.
STATUSES: dict[str, tuple[str, str]] = {
    "continuing": ("continuing", "продолжается"),
    "new": ("new (no export in the base year)", "новый (нет экспорта в базовом году)"),
    "exited": ("stopped (none this year)", "прекращен (нет экспорта в этом году)"),
    "absent": ("no export of the group", "нет экспорта группы"),
    "no_base": ("base year not in the data", "базового года нет в данных"),
}

#: Why a region is or is not export-oriented (the rule of Yakushev's high-tech export paper).
REASONS: dict[str, tuple[str, str]] = {
    "oriented": ("high index and a sizeable share", "высокий индекс и значимая доля"),
    "low_share": ("high index, negligible share", "высокий индекс, незначительная доля"),
    "low_index": ("large share, low index", "значимая доля, низкий индекс"),
    "low_both": ("low index and negligible share", "низкий индекс и незначительная доля"),
    "undefined_index": ("index undefined", "индекс не определен"),
}

METHOD_LABELS: dict[str, tuple[str, str]] = {
    "growth": ("Growth index", "Индекс роста"),
    "rca": ("RCA (Balassa)", "RCA (Баласса)"),
    "rca_symmetric": ("Symmetric RCA", "Симметричный RCA"),
}

#: Segment ids of the published tables (``published_trajectory_2019.csv``) → the package's segment ids.
PUBLISHED_SEGMENT_IDS: dict[str, str] = {"pharma": "pharmaceuticals"}

_FALLBACK_SEGMENT_LABELS: dict[str, tuple[str, str]] = {
    "aerospace": ("Aerospace", "Аэрокосмическая промышленность"),
    "computers_electrical_instruments": (
        "Computers and office machinery, electrical equipment, scientific instruments",
        "Компьютеры и оргтехника, электрооборудование и научные приборы",
    ),
    "electronics_telecom": ("Electronics and telecommunications", "Электроника и телекоммуникации"),
    "pharmaceuticals": ("Pharmaceuticals", "Фармацевтика и фармацевтические препараты"),
}


# --------------------------------------------------------------------------------------- labels

_SHORT_SEGMENT_LABELS: dict[str, tuple[str, str]] = {
    "aerospace": ("Aerospace", "Авиакосмос"),
    "computers_electrical_instruments": ("Computers, el. eq., instr.", "Компьютеры, эл., приборы"),
    "electronics_telecom": ("Electronics, telecom", "Электроника, телеком"),
    "pharmaceuticals": ("Pharmaceuticals", "Фармацевтика"),
}


def _short_segment(segment: str, lang: str) -> str:
    if segment in _SHORT_SEGMENT_LABELS:
        return _pick(_SHORT_SEGMENT_LABELS[segment], lang)
    return segment_name(segment, lang)


def _pick(pair: tuple[str, str], lang: str) -> str:
    return t(pair[0], pair[1], lang)


def reason_label(reason: str, lang: str = "en") -> str:
    """The English or Russian wording of a verdict id of :data:`REASONS`."""
    if reason not in REASONS:
        raise ValueError(f"unknown reason {reason!r}; expected one of {sorted(REASONS)}")
    return _pick(REASONS[reason], lang)


def status_label(status: str, lang: str = "en") -> str:
    """The English or Russian wording of a status id of :data:`STATUSES`."""
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}; expected one of {sorted(STATUSES)}")
    return _pick(STATUSES[status], lang)


def method_label(method: str, lang: str = "en") -> str:
    """The English or Russian name of an index method of :data:`METHODS`."""
    _check_method(method)
    return _pick(METHOD_LABELS[method], lang)


def segment_name(segment: str, lang: str = "en") -> str:
    """The name of a segment (from :mod:`exportlab.classify` when it knows it) or a group."""
    check_lang(lang)
    try:
        from exportlab import classify

        if segment not in classify.DEFAULT_SEGMENTS and segment in classify.GROUPS:
            return classify.group_label(segment, lang)
        return classify.segment_label(segment, lang)
    except ImportError:
        pass
    if segment in _FALLBACK_SEGMENT_LABELS:
        return _pick(_FALLBACK_SEGMENT_LABELS[segment], lang)
    return segment


# ------------------------------------------------------------------------------------ the panel


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise ValueError(f"unknown index method {method!r}; expected one of {METHODS}")


def _selection_mask(
    exports: pd.DataFrame,
    segment: str | None,
    group: str | None,
    segments: Mapping[str, Sequence[str]] | None,
) -> pd.Series:
    if (segment is None) == (group is None):
        raise ValueError("give exactly one of segment= or group=")
    if group is not None:
        if "group" not in exports.columns:
            raise ValueError("the trade table has no 'group' column: classify it first (stage 02)")
        return exports["group"] == group
    if segments is not None:
        if segment not in segments:
            raise ValueError(f"segment {segment!r} is not one of {sorted(segments)}")
        if "group" not in exports.columns:
            raise ValueError("the trade table has no 'group' column: classify it first (stage 02)")
        return exports["group"].isin(list(segments[segment]))
    if "segment" not in exports.columns:
        raise ValueError("the trade table has no 'segment' column: classify it first (stage 02)")
    known = set(exports["segment"].dropna().unique())
    if segment not in known:
        raise ValueError(
            f"segment {segment!r} does not occur in the trade table; found {sorted(known)}"
        )
    return exports["segment"] == segment


def export_panel(
    trade: pd.DataFrame,
    segment: str | None = None,
    group: str | None = None,
    segments: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """Export of the selection and total export per year and region, US dollars.

    Returns columns ``year, region, group_usd, total_usd`` for every region with export that year
    (``group_usd`` is 0 where the region exports nothing of the selection). The selection is a
    ``segment`` (the ``segment`` column, or the groups listed in ``segments[segment]``) or one ``group``.
    """
    missing = {"year", "region", "flow", "value_usd"} - set(trade.columns)
    if missing:
        raise ValueError(f"the trade table lacks columns {sorted(missing)}")
    exports = trade.loc[trade["flow"] == "export"]
    if exports.empty:
        raise ValueError("the trade table has no export rows")
    if (exports["value_usd"] < 0).any():
        raise ValueError("export values must not be negative")
    mask = _selection_mask(exports, segment, group, segments).fillna(False).astype(bool)
    frame = pd.DataFrame(
        {
            "year": exports["year"].astype("int64").to_numpy(),
            "region": exports["region"].astype(str).to_numpy(),
            "total_usd": exports["value_usd"].astype(float).to_numpy(),
            "group_usd": exports["value_usd"].where(mask, 0.0).astype(float).to_numpy(),
        }
    )
    panel = frame.groupby(["year", "region"], sort=True, as_index=False)[
        ["group_usd", "total_usd"]
    ].sum()
    return panel.loc[panel["total_usd"] > 0].reset_index(drop=True)


# ------------------------------------------------------------------------------------ the index


def trajectory_index(
    group_export: pd.Series,
    total_export: pd.Series | None = None,
    method: str = "rca",
    base_group_export: pd.Series | None = None,
) -> pd.Series:
    """The trajectory index per region (Series indexed by region) by one of :data:`METHODS`.

    - ``growth``: ``X_rg(t) / X_rg(b)`` with ``base_group_export = X_rg(b)``; NaN where ``X_rg(b) = 0``
      or the region is missing from the base year.
    - ``rca``: ``(X_rg / X_r) / (X_g / X)`` with ``X_g = Σ X_rg`` and ``X = Σ X_r`` over the given regions;
      NaN for every region if the country exports nothing of the group.
    - ``rca_symmetric``: ``(RCA − 1) / (RCA + 1)``.

    Units cancel: values in USD or thousand USD give the same index.

    >>> g = pd.Series({"A": 30.0, "B": 10.0}); x = pd.Series({"A": 100.0, "B": 300.0})
    >>> trajectory_index(g, x, "rca").round(3).to_dict()
    {'A': 3.0, 'B': 0.333}
    >>> trajectory_index(g, x, "rca_symmetric").round(3).to_dict()
    {'A': 0.5, 'B': -0.5}
    """
    _check_method(method)
    group_export = group_export.astype(float)
    if method == "growth":
        if base_group_export is None:
            raise ValueError("method 'growth' needs base_group_export")
        base = base_group_export.astype(float).reindex(group_export.index)
        return (group_export / base.where(base > 0)).rename("trajectory_index")
    if total_export is None:
        raise ValueError(f"method {method!r} needs total_export")
    total = total_export.astype(float).reindex(group_export.index)
    if (total <= 0).any() or total.isna().any():
        raise ValueError("total export must be positive for every region")
    country_share = group_export.sum() / total.sum()
    if country_share <= 0:
        rca = pd.Series(np.nan, index=group_export.index)
    else:
        rca = (group_export / total) / country_share
    if method == "rca_symmetric":
        rca = (rca - 1.0) / (rca + 1.0)
    return rca.rename("trajectory_index")


def index_threshold(method: str, min_index: float) -> float:
    """``min_index`` (ratio scale) on the scale of ``method``: ``(m − 1) / (m + 1)`` for symmetric RCA."""
    _check_method(method)
    if method == "rca_symmetric":
        return (min_index - 1.0) / (min_index + 1.0)
    return float(min_index)


def orientation(
    index: pd.Series,
    share_of_group_pct: pd.Series,
    method: str = "rca",
    min_index: float = 1.0,
    min_share_pct: float = 1.0,
) -> pd.DataFrame:
    """The export-orientation verdict: ``index ≥ min_index`` AND ``share ≥ min_share_pct``.

    Returns ``export_oriented`` (bool) and ``reason`` (a key of :data:`REASONS`): ``oriented``,
    ``low_share`` (high index, negligible share), ``low_index`` (large share, low index), ``low_both``,
    or ``undefined_index``.
    """
    if min_share_pct < 0:
        raise ValueError("min_share_pct must not be negative")
    threshold = index_threshold(method, min_index)
    high = index >= threshold
    large = share_of_group_pct >= min_share_pct
    reason = np.select(
        [index.isna(), high & large, high, large],
        ["undefined_index", "oriented", "low_share", "low_index"],
        default="low_both",
    )
    return pd.DataFrame(
        {"export_oriented": (high & large & index.notna()).astype(bool), "reason": reason},
        index=index.index,
    )


def _status(group_now: pd.Series, base: pd.Series | None) -> pd.Series:
    if base is None:
        return pd.Series("no_base", index=group_now.index)
    conditions = [
        (base > 0) & (group_now > 0),
        (base <= 0) & (group_now > 0),
        (base > 0) & (group_now <= 0),
    ]
    return pd.Series(
        np.select(conditions, ["continuing", "new", "exited"], default="absent"),
        index=group_now.index,
    )


def trajectory_table(
    trade: pd.DataFrame,
    year: int,
    segment: str | None = None,
    group: str | None = None,
    method: str = "rca",
    base_year: int | None = None,
    min_index: float = 1.0,
    min_share_pct: float = 1.0,
    top: int | None = None,
    *,
    segments: Mapping[str, Sequence[str]] | None = None,
    lang: str = "en",
    region_names: bool = True,
) -> pd.DataFrame:
    """The article-layout trajectory table of one segment (or group) and year, ranked by the index.

    One row per region exporting anything in ``year`` (:data:`TABLE_COLUMNS`):
    ``trajectory_index`` by ``method`` (see :func:`trajectory_index`); ``export_kusd = X_rg / 1000``;
    ``region_share_of_country_export_pct = 100·X_r/X``; ``group_share_of_region_export_pct = 100·X_rg/X_r``;
    ``region_share_of_group_export_pct = 100·X_rg/X_g``; ``growth_pct = 100·(X_rg(t)/X_rg(b) − 1)`` with
    ``b = base_year`` (default ``year − 1``); ``status`` (:data:`STATUSES`); the verdict
    ``export_oriented`` with its ``reason`` (:func:`orientation`). ``rank`` is 1 for the highest index
    (ties by export, then region code) and missing where the index is undefined. ``top`` keeps the
    first rows. ``region_name`` is filled from :mod:`exportlab.regions` in ``lang``.
    """
    _check_method(method)
    check_lang(lang)
    if top is not None and top < 1:
        raise ValueError("top must be a positive number of rows or None")
    panel = export_panel(trade, segment, group, segments)
    years = set(panel["year"].unique())
    if year not in years:
        raise ValueError(f"year {year} is not in the trade table; years: {sorted(years)}")
    base_year = year - 1 if base_year is None else int(base_year)
    if base_year == year:
        raise ValueError("base_year must differ from year")
    now = panel.loc[panel["year"] == year].set_index("region")
    group_now, total_now = now["group_usd"], now["total_usd"]
    if base_year in years:
        base = (
            panel.loc[panel["year"] == base_year]
            .set_index("region")["group_usd"]
            .reindex(group_now.index, fill_value=0.0)
        )
    else:
        base = None
    ratio = (
        group_now / base.where(base > 0) if base is not None else pd.Series(np.nan, group_now.index)
    )
    if method == "growth":
        index = ratio.copy()
    else:
        index = trajectory_index(group_now, total_now, method)
    country_group = group_now.sum()
    table = pd.DataFrame(
        {
            "region": group_now.index.astype(str),
            "trajectory_index": index.to_numpy(float),
            "export_kusd": (group_now / 1000.0).to_numpy(float),
            "region_share_of_country_export_pct": (100.0 * total_now / total_now.sum()).to_numpy(
                float
            ),
            "group_share_of_region_export_pct": (100.0 * group_now / total_now).to_numpy(float),
            "region_share_of_group_export_pct": (
                100.0 * group_now / country_group
                if country_group > 0
                else pd.Series(np.nan, group_now.index)
            ).to_numpy(float),
            "growth_pct": (100.0 * (ratio - 1.0)).to_numpy(float),
            "status": _status(group_now, base).to_numpy(),
        }
    )
    verdict = orientation(
        table["trajectory_index"],
        table["region_share_of_group_export_pct"].fillna(0.0),
        method,
        min_index,
        min_share_pct,
    )
    table["export_oriented"] = verdict["export_oriented"].to_numpy(bool)
    table["reason"] = verdict["reason"].to_numpy()
    table = table.sort_values(
        ["trajectory_index", "export_kusd", "region"],
        ascending=[False, False, True],
        na_position="last",
        kind="mergesort",
    ).reset_index(drop=True)
    defined = table["trajectory_index"].notna()
    table.insert(0, "rank", pd.array(np.where(defined, np.arange(1, len(table) + 1), 0)))
    table["rank"] = table["rank"].astype("Int64").mask(~defined)
    if top is not None:
        table = table.head(top).reset_index(drop=True)
    names = (
        [region_label(c, lang, short=False) for c in table["region"]]
        if region_names
        else table["region"].tolist()
    )
    table.insert(2, "region_name", names)
    table.attrs.update(
        {
            "year": int(year),
            "segment": segment,
            "group": group,
            "method": method,
            "base_year": base_year,
            "min_index": float(min_index),
            "min_share_pct": float(min_share_pct),
        }
    )
    return table[list(TABLE_COLUMNS)]


def format_table(table: pd.DataFrame, lang: str = "en", *, codes: bool = False) -> pd.DataFrame:
    """A trajectory table for readers: statuses, verdicts and yes/no in ``lang``, rounded numbers.

    Drops the ``region`` code column unless ``codes``. Headers stay column ids; pass :data:`HEADERS`
    to :func:`exportlab.tables.write_table` to translate them.
    """
    check_lang(lang)
    shown = table.copy()
    if "status" in shown:
        shown["status"] = [status_label(s, lang) for s in shown["status"]]
    if "reason" in shown:
        shown["reason"] = [reason_label(r, lang) for r in shown["reason"]]
    if "export_oriented" in shown:
        shown["export_oriented"] = [
            t("yes", "да", lang) if v else t("no", "нет", lang) for v in shown["export_oriented"]
        ]
    if not codes and "region_name" in shown:
        shown = shown.drop(columns="region")
    return shown


# ---------------------------------------------------------------------------- several segments


def available_segments(trade: pd.DataFrame) -> list[str]:
    """Segment ids present in a classified table, in the order of ``classify.DEFAULT_SEGMENTS``."""
    if "segment" not in trade.columns:
        raise ValueError("the trade table has no 'segment' column: classify it first (stage 02)")
    present = set(trade.loc[trade["flow"] == "export", "segment"].dropna().astype(str).unique())
    try:
        from exportlab.classify import DEFAULT_SEGMENTS

        order = list(DEFAULT_SEGMENTS)
    except ImportError:
        order = list(_FALLBACK_SEGMENT_LABELS)
    return [s for s in order if s in present] + sorted(present - set(order))


def resolve_segments(trade: pd.DataFrame, segments_to_show: str | Sequence[str]) -> list[str]:
    """``"all"`` → every segment in the table; a list → checked against the table."""
    present = available_segments(trade)
    if isinstance(segments_to_show, str):
        if segments_to_show == "all":
            return present
        segments_to_show = [segments_to_show]
    unknown = [s for s in segments_to_show if s not in present]
    if unknown:
        raise ValueError(f"segments {unknown} do not occur in the trade table; found {present}")
    return list(segments_to_show)


def table_title(segment: str, year: int, lang: str = "en") -> str:
    """The caption of an article-layout table."""
    return t(
        f"High-tech export trajectory of regions: {segment_name(segment, 'en')}, {year}",
        f"Высокотехнологичная экспортная траектория субъектов по товарной группе "
        f"«{segment_name(segment, 'ru')}» в {year} году",
        lang,
    )


def trajectory_tables(
    trade: pd.DataFrame,
    year: int,
    segments: str | Sequence[str] = "all",
    **kwargs: object,
) -> dict[str, pd.DataFrame]:
    """:func:`trajectory_table` for each segment (``"all"`` = every segment in the table)."""
    return {
        s: trajectory_table(trade, year, segment=s, **kwargs)  # type: ignore[arg-type]
        for s in resolve_segments(trade, segments)
    }


def write_trajectory_tables(
    tables: Mapping[str, pd.DataFrame],
    year: int,
    lang: str = "en",
    note: str | None = None,
    out_dir: str | os.PathLike[str] | None = None,
) -> dict[str, list[Path]]:
    """Write each table as ``trajectory_<segment>_<year>.{csv,xlsx,tex,md}`` with ``lang`` headers."""
    from exportlab import tables as xtables

    written = {}
    for segment, table in tables.items():
        shown = format_table(table, lang)
        common = {
            "headers": HEADERS,
            "lang": lang,
            "title": table_title(segment, year, lang),
            "note": note,
            "decimals": 2,
        }
        stem = f"trajectory_{segment}_{year}"
        paths = xtables.write_table(shown, stem, out_dir, formats=("csv", "tex", "md"), **common)
        paths += xtables.write_table(
            _without_missing(shown, 2), stem, out_dir, formats=("xlsx",), **common
        )
        written[segment] = sorted(paths)
    return written


def _without_missing(df: pd.DataFrame, decimals: int) -> pd.DataFrame:
    """Rounded numbers, with "—" for missing values (the XLSX writer cannot size empty cells)."""
    out = df.copy()
    for column in out.columns:
        if out[column].isna().any():
            values = out[column]
            if pd.api.types.is_float_dtype(values):
                values = values.round(decimals)
            out[column] = values.astype(object).where(values.notna(), "—")
    return out


# ---------------------------------------------------------------------------- method comparison


def compare_methods(
    trade: pd.DataFrame,
    year: int,
    segment: str | None = None,
    group: str | None = None,
    methods: Sequence[str] = METHODS,
    base_year: int | None = None,
    *,
    segments: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """Every region's index by each method side by side (columns named by method) with the shares."""
    out = None
    for method in methods:
        table = trajectory_table(
            trade, year, segment, group, method, base_year, segments=segments, region_names=False
        ).set_index("region")
        if out is None:
            out = table[
                [
                    "export_kusd",
                    "region_share_of_group_export_pct",
                    "region_share_of_country_export_pct",
                    "status",
                ]
            ].copy()
        out[method] = table["trajectory_index"]
    assert out is not None
    return out.reset_index()


def methods_agreement(
    trade: pd.DataFrame,
    year: int,
    segments: str | Sequence[str] = "all",
    methods: Sequence[str] = METHODS,
    base_year: int | None = None,
    top: int = 10,
) -> pd.DataFrame:
    """How far the index methods agree, per segment and pair of methods.

    Over the regions exporting the segment in ``year``: ``spearman``, the rank correlation of the two
    indices where both are defined (``rca`` and ``rca_symmetric`` are a monotone transform of each other,
    so theirs is 1); ``top_overlap``, the number of regions in both top-``top`` lists; ``n_regions``,
    regions with both indices defined.
    """
    rows = []
    for segment in resolve_segments(trade, segments):
        wide = compare_methods(trade, year, segment, methods=methods, base_year=base_year)
        wide = wide.loc[wide["export_kusd"] > 0]
        for i, a in enumerate(methods):
            for b in methods[i + 1 :]:
                both = wide[[a, b]].dropna()
                rho = both[a].corr(both[b], method="spearman") if len(both) > 2 else np.nan
                top_a = set(wide.dropna(subset=[a]).nlargest(top, a)["region"])
                top_b = set(wide.dropna(subset=[b]).nlargest(top, b)["region"])
                rows.append(
                    {
                        "segment": segment,
                        "method_a": a,
                        "method_b": b,
                        "spearman": float(rho),
                        "top_overlap": len(top_a & top_b),
                        "n_regions": len(both),
                    }
                )
    columns = ["segment", "method_a", "method_b", "spearman", "top_overlap", "n_regions"]
    return pd.DataFrame(rows, columns=columns)


# ----------------------------------------------------------------------------------- the trend


#: Columns of :func:`growth_trend`, in order.
TREND_COLUMNS: tuple[str, ...] = (
    "region",
    "n_years",
    "first_year",
    "last_year",
    "last_export_kusd",
    "slope",
    "intercept",
    "rate_pct",
    "ci_low_pct",
    "ci_high_pct",
    "flag",
)


def growth_trend(
    trade: pd.DataFrame,
    segment: str | None = None,
    group: str | None = None,
    years: Iterable[int] | None = None,
    min_years: int = 3,
    alpha: float = 0.05,
    *,
    segments: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """Log-linear growth of each region's export of the selection: OLS ``ln X_rg(t) = a + b·t + ε``.

    Fitted on the years with positive export (statsmodels OLS). ``rate_pct = 100·(e^b − 1)`` is the
    average annual growth, ``ci_low_pct``/``ci_high_pct`` its ``1 − alpha`` confidence interval
    (t distribution, ``n_years − 2`` degrees of freedom). Regions with fewer than ``min_years`` positive
    years get ``flag = "too_few_years"`` and no estimate. ``intercept`` and ``slope`` give the fitted
    line in USD. Sorted by ``last_export_kusd``, largest first.

    Example: 100, 200, 400 USD in three consecutive years → ``rate_pct = 100`` (doubling a year).
    """
    from statsmodels.regression.linear_model import OLS
    from statsmodels.tools import add_constant

    if min_years < 3:
        raise ValueError("min_years must be at least 3 (two points leave no degrees of freedom)")
    panel = export_panel(trade, segment, group, segments)
    if years is not None:
        panel = panel.loc[panel["year"].isin(list(years))]
    positive = panel.loc[panel["group_usd"] > 0]
    last_year = int(panel["year"].max()) if len(panel) else None
    rows = []
    for region, part in positive.groupby("region", sort=True):
        part = part.sort_values("year")
        x = part["year"].to_numpy(float)
        y = np.log(part["group_usd"].to_numpy(float))
        last = part.loc[part["year"] == last_year, "group_usd"]
        row = {
            "region": region,
            "n_years": len(part),
            "first_year": int(x[0]),
            "last_year": int(x[-1]),
            "last_export_kusd": float(last.iloc[0]) / 1000.0 if len(last) else 0.0,
            "slope": np.nan,
            "intercept": np.nan,
            "rate_pct": np.nan,
            "ci_low_pct": np.nan,
            "ci_high_pct": np.nan,
            "flag": "too_few_years",
        }
        if len(part) >= min_years:
            fit = OLS(y, add_constant(x - x[0])).fit()
            lo, hi = fit.conf_int(alpha=alpha)[1]
            b = float(fit.params[1])
            row.update(
                slope=b,
                intercept=float(fit.params[0]) - b * x[0],
                rate_pct=100.0 * math.expm1(b),
                ci_low_pct=100.0 * math.expm1(float(lo)),
                ci_high_pct=100.0 * math.expm1(float(hi)),
                flag="ok",
            )
        rows.append(row)
    out = pd.DataFrame(rows, columns=list(TREND_COLUMNS))
    return out.sort_values(
        ["last_export_kusd", "region"], ascending=[False, True], kind="mergesort"
    ).reset_index(drop=True)


# ----------------------------------------------------------------------- the published tables


PUBLISHED_SHARE_COLUMNS: tuple[str, ...] = (
    "region_share_of_country_export_pct",
    "group_share_of_region_export_pct",
)


def _decimals(text: str) -> int:
    text = str(text).strip()
    return len(text.split(".", 1)[1]) if "." in text else 0


def load_published(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Tables 2–5 of Yakushev's high-tech export paper (2019 data) as published (package data ``published_trajectory_2019.csv``).

    Columns: ``segment`` (package segment ids), ``rank``, ``region_ru``, ``trajectory_index``,
    ``export_kusd``, ``region_share_of_country_export_pct``, ``group_share_of_region_export_pct``, and
    for each share ``<share>_decimals``, the number of decimals printed (the rounding interval).
    """
    if path is None:
        source = resources.files("exportlab") / "data" / "published_trajectory_2019.csv"
        with resources.as_file(source) as file:
            raw = pd.read_csv(file, dtype=str, keep_default_na=False)
    else:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    raw = raw.rename(
        columns={"hightech_share_of_region_export_pct": "group_share_of_region_export_pct"}
    )
    out = pd.DataFrame(
        {
            "segment": [PUBLISHED_SEGMENT_IDS.get(s, s) for s in raw["segment"]],
            "rank": raw["rank"].astype(int).to_numpy(),
            "region_ru": raw["region_ru"].astype(str).to_numpy(),
        }
    )
    for column in ("trajectory_index", "export_kusd", *PUBLISHED_SHARE_COLUMNS):
        out[column] = raw[column].astype(float).to_numpy()
    for column in PUBLISHED_SHARE_COLUMNS:
        out[f"{column}_decimals"] = [_decimals(v) for v in raw[column]]
    return out


def _bounds(values: pd.Series, decimals: pd.Series) -> tuple[pd.Series, pd.Series]:
    half = 0.5 * 10.0 ** (-decimals.astype(float))
    return (values - half).clip(lower=0.0), values + half


def published_consistency(
    published: pd.DataFrame, reference_busd: float | None = None
) -> pd.DataFrame:
    """Do the published columns agree with each other? One row per published row.

    The group export and the two shares imply the region's and the country's total export:
    ``implied_region_export_musd = export_kusd / (group_share/100) / 1000`` and
    ``implied_country_export_busd = implied_region_export_musd / (region_share/100) / 1000``.
    The printed shares are rounded, so each implies an interval (``implied_low_busd``,
    ``implied_high_busd``, from the share ± half a unit of the last printed decimal). A row is
    ``consistent`` when its interval contains ``reference_busd`` (default: the median of the point
    estimates). ``region_share_agrees``: the region prints the same share of the country's export in
    every table where it appears. Tests of the index: ``rca_upper_bound = 100 / region_share`` (RCA can
    never exceed ``X / X_r``), ``index_possible_as_rca``, and ``implied_country_group_share_pct =
    group_share / index``, which would be one number per segment if the index were RCA.
    """
    needed = {"segment", "region_ru", "export_kusd", *PUBLISHED_SHARE_COLUMNS}
    missing = needed - set(published.columns)
    if missing:
        raise ValueError(f"the published table lacks columns {sorted(missing)}")
    region_share = published["region_share_of_country_export_pct"].astype(float)
    group_share = published["group_share_of_region_export_pct"].astype(float)
    export = published["export_kusd"].astype(float)
    zero = 0
    r_dec = published.get(
        "region_share_of_country_export_pct_decimals", pd.Series(zero, published.index)
    )
    g_dec = published.get(
        "group_share_of_region_export_pct_decimals", pd.Series(zero, published.index)
    )
    r_lo, r_hi = _bounds(region_share, r_dec)
    g_lo, g_hi = _bounds(group_share, g_dec)
    region_musd = export / (group_share / 100.0) / 1000.0
    country_busd = region_musd / (region_share / 100.0) / 1000.0
    low = export / (g_hi / 100.0) / (r_hi / 100.0) / 1e6
    with np.errstate(divide="ignore"):
        high = export / (g_lo / 100.0) / (r_lo / 100.0) / 1e6
    high = high.replace([np.inf], np.nan)
    reference = float(country_busd.median()) if reference_busd is None else float(reference_busd)
    spread = published.groupby("region_ru")["region_share_of_country_export_pct"].transform(
        "nunique"
    )
    out = published[
        [c for c in ("segment", "rank", "region_ru", "trajectory_index") if c in published]
    ].copy()
    out["export_kusd"] = export
    out["region_share_of_country_export_pct"] = region_share
    out["group_share_of_region_export_pct"] = group_share
    out["implied_region_export_musd"] = region_musd
    out["implied_country_export_busd"] = country_busd
    out["implied_low_busd"] = low
    out["implied_high_busd"] = high
    out["reference_busd"] = reference
    out["consistent"] = (low <= reference) & ((high >= reference) | high.isna())
    out["region_share_agrees"] = spread == 1
    if "trajectory_index" in published:
        index = published["trajectory_index"].astype(float)
        # RCA_r = (X_rg/X_r)/(X_g/X) ≤ X/X_r: a region cannot exceed 100 / its share of the export
        out["rca_upper_bound"] = 100.0 / r_lo.where(r_lo > 0)
        out["index_possible_as_rca"] = (index <= out["rca_upper_bound"]) | r_lo.eq(0)
        # if the index were RCA, group_share / index = X_g/X would be the same for every region
        out["implied_country_group_share_pct"] = group_share / index
        out["implied_country_group_share_low_pct"] = g_lo / index
        out["implied_country_group_share_high_pct"] = g_hi / index
    return out.reset_index(drop=True)


def _default_matcher() -> Callable[[str], str | None]:
    try:
        from exportlab.regions import match_region
    except ImportError as exc:  # pragma: no cover - depends on the regions module
        raise ValueError("pass region_matcher=: exportlab.regions is not available") from exc
    return match_region


def _match_or_none(matcher: Callable[[str], str | None], name: str) -> str | None:
    try:
        return matcher(name)
    except (KeyError, ValueError):
        return None


PUBLISHED_COMPARED: tuple[str, ...] = (
    "trajectory_index",
    "export_kusd",
    "region_share_of_country_export_pct",
    "group_share_of_region_export_pct",
)


def compare_with_published(
    computed: pd.DataFrame,
    published: pd.DataFrame,
    segment: str | None = None,
    region_matcher: Callable[[str], str | None] | None = None,
) -> pd.DataFrame:
    """Computed vs published values for each published row of one segment.

    ``computed`` is a full :func:`trajectory_table` (``top=None``) of the segment; ``published`` the
    output of :func:`load_published`. Russian region names are turned into codes by ``region_matcher``
    (default :func:`exportlab.regions.match_region`). For each column of :data:`PUBLISHED_COMPARED`:
    ``<col>_published``, ``<col>_computed`` and ``<col>_rel_diff_pct = 100·(computed/published − 1)``;
    plus ``rank_published`` and ``rank_computed``.
    """
    segment = segment or computed.attrs.get("segment")
    if segment is None:
        raise ValueError("give segment= (the computed table does not name its segment)")
    matcher = region_matcher or _default_matcher()
    rows = published.loc[published["segment"] == segment].reset_index(drop=True)
    if rows.empty:
        raise ValueError(f"no published rows for segment {segment!r}")
    codes = [_match_or_none(matcher, name) for name in rows["region_ru"]]
    by_region = computed.set_index("region")
    out = pd.DataFrame(
        {
            "segment": segment,
            "region_ru": rows["region_ru"],
            "region": codes,
            "rank_published": rows["rank"],
            "rank_computed": [
                by_region["rank"].get(c, pd.NA) if c is not None else pd.NA for c in codes
            ],
        }
    )
    for column in PUBLISHED_COMPARED:
        pub = rows[column].astype(float)
        comp = pd.Series([by_region[column].get(c, np.nan) for c in codes], dtype=float)
        out[f"{column}_published"] = pub
        out[f"{column}_computed"] = comp
        out[f"{column}_rel_diff_pct"] = 100.0 * (comp / pub.where(pub != 0) - 1.0)
    return out


def index_reproduction(
    trade: pd.DataFrame,
    published: pd.DataFrame,
    year: int = 2019,
    methods: Sequence[str] = METHODS,
    base_year: int | None = None,
    region_matcher: Callable[[str], str | None] | None = None,
    tolerance_pct: float = 5.0,
) -> pd.DataFrame:
    """Which index method, if any, reproduces the published index, per segment.

    For each segment of ``published`` present in ``trade`` and each method: ``n_matched`` published rows
    found in the data, ``spearman`` between the published and computed index, ``median_abs_diff_pct``
    (median of ``|computed/published − 1|``, %) and ``reproduces`` (that median ≤ ``tolerance_pct``).
    """
    present = set(available_segments(trade))
    rows = []
    for segment in [s for s in dict.fromkeys(published["segment"]) if s in present]:
        for method in methods:
            table = trajectory_table(
                trade, year, segment=segment, method=method, base_year=base_year, region_names=False
            )
            cmp = compare_with_published(table, published, segment, region_matcher)
            both = cmp[["trajectory_index_published", "trajectory_index_computed"]].dropna()
            diff = cmp["trajectory_index_rel_diff_pct"].abs().median()
            rows.append(
                {
                    "segment": segment,
                    "method": method,
                    "n_matched": len(both),
                    "spearman": float(both.iloc[:, 0].corr(both.iloc[:, 1], method="spearman"))
                    if len(both) > 2
                    else np.nan,
                    "median_abs_diff_pct": float(diff),
                    "reproduces": bool(diff <= tolerance_pct),
                }
            )
    return pd.DataFrame(rows)


def combined_table(tables: Mapping[str, pd.DataFrame], lang: str = "en") -> pd.DataFrame:
    """All segments' tables in one frame for display: segment name first, headers in ``lang``."""
    from exportlab.tables import localize

    parts = [
        format_table(table, lang).assign(segment_name=segment_name(segment, lang))
        for segment, table in tables.items()
    ]
    if not parts:  # no segment in the data (e.g. no high-tech export): an empty table
        empty = format_table(pd.DataFrame(columns=list(TABLE_COLUMNS)), lang)
        return localize(
            empty.assign(segment_name=pd.Series(dtype=object))[["segment_name", *empty.columns]],
            HEADERS,
            lang,
        )
    frame = pd.concat(parts, ignore_index=True)
    frame = frame[["segment_name", *[c for c in frame.columns if c != "segment_name"]]]
    return localize(frame, HEADERS, lang)


def format_agreement(agreement: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """:func:`methods_agreement` for readers: segment and method names in ``lang``."""
    shown = agreement.copy()
    shown["segment"] = [segment_name(s, lang) for s in shown["segment"]]
    for column in ("method_a", "method_b"):
        shown[column] = [method_label(m, lang) for m in shown[column]]
    return shown


def growth_trends(
    trade: pd.DataFrame, segments: str | Sequence[str] = "all", top: int | None = 10
) -> pd.DataFrame:
    """:func:`growth_trend` of each segment stacked, the ``top`` leaders by last-year export of each."""
    parts = []
    for segment in resolve_segments(trade, segments):
        trend = growth_trend(trade, segment)
        parts.append((trend if top is None else trend.head(top)).assign(segment=segment))
    if not parts:  # no segment in the data: the columns of growth_trend, no rows
        return pd.DataFrame(columns=["segment", *TREND_COLUMNS])
    frame = pd.concat(parts, ignore_index=True)
    return frame[["segment", *[c for c in frame.columns if c != "segment"]]]


def format_trends(trends: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """:func:`growth_trends` for readers: names in ``lang``, the fit's internals dropped."""
    from exportlab.tables import localize

    shown = trends.drop(columns=["slope", "intercept", "first_year", "last_year"]).copy()
    shown.insert(1, "region_name", [region_label(c, lang, short=False) for c in shown["region"]])
    shown = shown.drop(columns="region")
    shown["segment"] = [segment_name(s, lang) for s in shown["segment"]]
    shown["flag"] = [
        t("ok", "оценен", lang) if f == "ok" else t("too few years", "мало лет", lang)
        for f in shown["flag"]
    ]
    headers = {
        **HEADERS,
        "last_export_kusd": (
            "Export in the last year, thousand USD",
            "Экспорт в последнем году, тыс. долл.",
        ),
        "flag": ("Trend", "Тренд"),
    }
    return localize(shown, headers, lang)


def save_trend_figures(
    trade: pd.DataFrame,
    segments: str | Sequence[str] = "all",
    lang: str = "en",
    note: str = "",
    top: int = 6,
    figures_dir: str | os.PathLike[str] | None = None,
) -> dict[str, Figure]:
    """Draw :func:`plot_trends` per segment, add ``note`` and save ``trajectory_trends_<segment>``."""
    from exportlab.plot import style

    figures = {}
    for segment in resolve_segments(trade, segments):
        fig = plot_trends(trade, segment, top=top, lang=lang)
        style.add_note(fig, note)
        style.save_figure(fig, f"trajectory_trends_{segment}", figures_dir)
        figures[segment] = fig
    return figures


def compare_if_real(
    trade: pd.DataFrame,
    published: pd.DataFrame,
    synthetic: bool,
    year: int = 2019,
    methods: Sequence[str] = METHODS,
    region_matcher: Callable[[str], str | None] | None = None,
) -> pd.DataFrame | None:
    """:func:`index_reproduction` when the data are real and hold ``year``; ``None`` otherwise."""
    if synthetic or year not in set(trade["year"].astype(int).unique()):
        return None
    return index_reproduction(trade, published, year, methods, region_matcher=region_matcher)


def closing_note(
    consistency: pd.DataFrame, reproduction: pd.DataFrame | None = None, lang: str = "en"
) -> str:
    """The closing note of the article check (Markdown): consistency and which index method fits."""
    check_lang(lang)
    n = len(consistency)
    good = int(consistency["consistent"].sum())
    bad = consistency.loc[~consistency["consistent"]]
    bad_rows = ", ".join(
        f"{r.region_ru} ({segment_name(r.segment, lang)})" for r in bad.itertuples()
    )
    disagree = sorted(set(consistency.loc[~consistency["region_share_agrees"], "region_ru"]))
    reference = float(consistency["reference_busd"].iloc[0])
    lines = [
        t(
            f"- {good} of {n} published rows are internally consistent: the group export and the two "
            f"shares imply a national total export whose rounding interval contains {reference:.0f} bn USD.",
            f"- {good} из {n} опубликованных строк внутренне согласованы: экспорт группы и две доли "
            f"дают общий экспорт страны, интервал округления которого содержит {reference:.0f} млрд долл.",
            lang,
        )
    ]
    if bad_rows:
        lines.append(
            t(f"- Inconsistent rows: {bad_rows}.", f"- Несогласованные строки: {bad_rows}.", lang)
        )
    if disagree:
        lines.append(
            t(
                f"- Regions printed with different shares of the country's export in different tables: "
                f"{', '.join(disagree)}.",
                f"- Регионы с разной долей в экспорте страны в разных таблицах: {', '.join(disagree)}.",
                lang,
            )
        )
    if "index_possible_as_rca" in consistency:
        impossible = consistency.loc[~consistency["index_possible_as_rca"]]
        # even with the rounding intervals, the smallest factor separating the implied X_g/X values
        spread = consistency.groupby("segment")[
            ["implied_country_group_share_low_pct", "implied_country_group_share_high_pct"]
        ].apply(
            lambda g: (
                g["implied_country_group_share_low_pct"].max()
                / g["implied_country_group_share_high_pct"].min()
            )
        )
        lines.append(
            t(
                f"- The published index is not the Balassa RCA: {len(impossible)} rows exceed the largest "
                f"RCA their share of the country's export allows (100 / share), and if it were RCA the ratio "
                f"group share / index would be one number per segment, yet even within the rounding of "
                f"the printed shares it varies by a factor of {spread.min():.0f}–{spread.max():.0f}. Values above 1 everywhere rule out the symmetric "
                f"RCA (bounded by 1).",
                f"- Опубликованный индекс не является RCA Баласса: в {len(impossible)} строках он больше "
                f"максимально возможного при доле региона в экспорте страны (100 / доля), а отношение "
                f"«доля группы / индекс» было бы одинаковым в сегменте, но даже с учетом "
                f"округления различается в {spread.min():.0f}–{spread.max():.0f} раз. Значения больше 1 исключают симметричный RCA "
                f"(он меньше 1).",
                lang,
            )
        )
    if reproduction is None:
        lines.append(
            t(
                "- No real 2019 FCS data are loaded, so the growth index cannot be tested against the "
                "article here; load real FCS data for 2018–2019 and run the `article2019` profile.",
                "- Реальных данных ФТС за 2019 год нет, поэтому индекс роста здесь проверить нельзя; "
                "загрузите данные ФТС за 2018–2019 годы и запустите профиль `article2019`.",
                lang,
            )
        )
    else:
        fits = reproduction.loc[reproduction["reproduces"]]
        methods = ", ".join(sorted(set(fits["method"]))) or t("none", "ни один", lang)
        lines.append(
            t(
                f"- Index methods reproducing the published index (median deviation within tolerance): "
                f"{methods}.",
                f"- Методы, воспроизводящие опубликованный индекс (медианное отклонение в пределах "
                f"допуска): {methods}.",
                lang,
            )
        )
    return "\n".join(lines)


CONSISTENCY_HEADERS: dict[str, tuple[str, str]] = {
    **HEADERS,
    "region_ru": ("Region (as printed)", "Регион (как в статье)"),
    "implied_region_export_musd": (
        "Implied region's export, mln USD",
        "Экспорт региона по расчету, млн долл.",
    ),
    "implied_country_export_busd": (
        "Implied country's export, bn USD",
        "Экспорт страны по расчету, млрд долл.",
    ),
    "implied_low_busd": ("low, bn USD", "мин., млрд долл."),
    "implied_high_busd": ("high, bn USD", "макс., млрд долл."),
    "consistent": ("Consistent", "Согласована"),
    "region_share_agrees": ("Same share in all tables", "Одна доля во всех таблицах"),
    "rca_upper_bound": ("Largest possible RCA", "Макс. возможный RCA"),
    "index_possible_as_rca": ("Index possible as RCA", "Индекс возможен как RCA"),
    "implied_country_group_share_pct": (
        "Group share / index (= country's group share if RCA), %",
        "Доля группы / индекс (= доля группы в стране, если RCA), %",
    ),
}


def format_consistency(consistency: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """:func:`published_consistency` for readers: main columns, yes/no and headers in ``lang``."""
    from exportlab.tables import localize

    keep = [c for c in CONSISTENCY_HEADERS if c in consistency.columns and c != "rank"]
    shown = consistency[["segment", "rank", *[c for c in keep if c != "segment"]]].copy()
    shown["segment"] = [_short_segment(s, lang) for s in shown["segment"]]
    for column in ("consistent", "region_share_agrees", "index_possible_as_rca"):
        if column in shown:
            shown[column] = [
                t("yes", "да", lang) if v else t("no", "нет", lang) for v in shown[column]
            ]
    return localize(shown, CONSISTENCY_HEADERS, lang)


def plot_published_consistency(consistency: pd.DataFrame, lang: str = "en") -> Figure:
    """Each published row's implied national export (bn USD) with its rounding interval, by table."""
    check_lang(lang)
    frame = consistency.reset_index(drop=True)
    fig = Figure(figsize=(7.5, 0.22 * len(frame) + 1.6), layout="constrained")
    ax = fig.subplots()
    y = np.arange(len(frame))[::-1]
    for flag, color in ((True, PALETTE[0]), (False, PALETTE[1])):
        pick = (frame["consistent"] == flag).to_numpy()
        point = frame.loc[pick, "implied_country_export_busd"].to_numpy()
        low = frame.loc[pick, "implied_low_busd"].to_numpy()
        high = (
            frame.loc[pick, "implied_high_busd"].fillna(frame["implied_high_busd"].max()).to_numpy()
        )
        ax.errorbar(
            point,
            y[pick],
            xerr=[point - low, high - point],
            fmt="o",
            ms=3.5,
            color=color,
            lw=1,
            capsize=2,
            label=t("consistent", "согласована", lang)
            if flag
            else t("inconsistent", "не согласована", lang),
        )
    ax.axvline(frame["reference_busd"].iloc[0], color="#555555", ls=":", lw=1)
    labels = [
        f"{_short_segment(s, lang)} · {r}"
        for s, r in zip(frame["segment"], frame["region_ru"], strict=True)
    ]
    ax.set_yticks(y, labels, fontsize=6.5)
    ax.set_xscale("log")
    _plain_log_axis(ax.xaxis)
    ax.set_xlabel(
        t(
            "Country's total export implied by the row, bn USD (log scale)",
            "Общий экспорт страны, следующий из строки, млрд долл. (лог. шкала)",
            lang,
        )
    )
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(
        t(
            "Published 2019 tables: do the columns agree?",
            "Опубликованные таблицы 2019 года: согласованы ли столбцы?",
            lang,
        )
    )
    _note_space(fig)
    return fig


# -------------------------------------------------------------------------------------- charts


def _short_names(codes: Sequence[str], lang: str) -> list[str]:
    return [region_label(c, lang, short=True) for c in codes]


def _note_space(fig: Figure) -> None:
    """Leave room at the bottom of a constrained-layout figure for the source line."""
    fig.get_layout_engine().set(rect=(0, 0.035, 1, 0.965))


def plot_trends(
    trade: pd.DataFrame,
    segment: str | None = None,
    group: str | None = None,
    top: int = 6,
    lang: str = "en",
    *,
    trend: pd.DataFrame | None = None,
    segments: Mapping[str, Sequence[str]] | None = None,
    ncols: int = 3,
) -> Figure:
    """Small multiples of the leaders' export of the selection over the years, with the OLS trend.

    Leaders are the ``top`` regions by export in the last year. Each panel: the export (million USD,
    or thousand USD when every value is small), the fitted curve ``exp(a + b·t)`` of
    :func:`growth_trend` and its annual rate with the confidence interval.
    """
    check_lang(lang)
    if top < 1:
        raise ValueError("top must be positive")
    panel = export_panel(trade, segment, group, segments)
    if trend is None:
        trend = growth_trend(trade, segment, group, segments=segments)
    leaders = trend.loc[trend["last_export_kusd"] > 0].head(top)
    n = max(len(leaders), 1)
    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    fig = Figure(figsize=(3.3 * ncols, 2.4 * nrows + 0.9), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, sharex=True)
    names = _short_names(leaders["region"].tolist(), lang)
    years = sorted(panel["year"].unique())
    chosen = panel.loc[panel["region"].isin(leaders["region"])]
    millions = chosen["group_usd"].max() >= 1e7 if len(chosen) else False
    divisor, unit = (
        (1e6, t("million USD", "млн долл.", lang))
        if millions
        else (1e3, t("thousand USD", "тыс. долл.", lang))
    )
    grid = np.linspace(min(years), max(years), 50) if years else np.array([])
    for ax, (_, row), name in zip(axes.flat, leaders.iterrows(), names, strict=False):
        series = (
            panel.loc[panel["region"] == row["region"]]
            .set_index("year")["group_usd"]
            .reindex(years, fill_value=0.0)
        )
        ax.plot(years, (series / divisor).to_numpy(), "o-", color=PALETTE[0], lw=1.5, ms=3.5)
        peak = float(series.max() / divisor)
        if row["flag"] == "ok":
            inside = grid[(grid >= row["first_year"]) & (grid <= row["last_year"])]
            fitted = np.exp(row["intercept"] + row["slope"] * inside) / divisor
            peak = max(peak, float(fitted.max()))
            ax.plot(
                inside,
                fitted,
                "--",
                color=PALETTE[1],
                lw=1.2,
            )
            label = t(
                f"trend {row['rate_pct']:+.1f}% a year\n95% CI [{row['ci_low_pct']:+.0f}; "
                f"{row['ci_high_pct']:+.0f}]",
                f"тренд {row['rate_pct']:+.1f}% в год\n95% ДИ [{row['ci_low_pct']:+.0f}; "
                f"{row['ci_high_pct']:+.0f}]",
                lang,
            )
        else:
            label = t("too few years for a trend", "мало лет для тренда", lang)
        ax.set_ylim(bottom=0, top=peak * 1.35 or 1.0)
        ax.set_title(name, fontsize=9)
        ax.text(0.03, 0.97, label, transform=ax.transAxes, va="top", fontsize=7, color=PALETTE[1])
        ax.xaxis.set_major_locator(_year_locator())
    for ax in list(axes.flat)[len(leaders) :]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel(unit)
    title = _wrap(segment_name(segment or group or "", lang), 70)
    fig.suptitle(
        t(f"Leaders' export: {title}", f"Экспорт регионов-лидеров: {title}", lang),
        fontsize=11,
        fontweight="bold",
    )
    _note_space(fig)
    return fig


def _year_locator():
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(integer=True, nbins=5)


class _PlainLogFormatter:
    """Plain numbers (``0.01``, ``2``, ``10``) on a log axis; minor ticks labelled on short axes."""

    def __new__(cls, minor: bool = False):
        from matplotlib.ticker import Formatter

        class Plain(Formatter):
            def __call__(self, x, pos=None):
                if x <= 0 or not np.isfinite(x):
                    return ""
                if minor:
                    vmin, vmax = sorted(self.axis.get_view_interval())
                    if vmin <= 0 or math.log10(vmax / vmin) > 1.2:
                        return ""
                    mantissa = x / 10 ** math.floor(math.log10(x) + 1e-9)
                    keep = range(2, 10) if math.log10(vmax / vmin) < 0.5 else (2, 3, 5)
                    if not any(abs(mantissa - m) < 1e-6 for m in keep):
                        return ""
                return f"{x:g}"

        return Plain()


def _plain_log_axis(axis) -> None:
    axis.set_major_formatter(_PlainLogFormatter())
    axis.set_minor_formatter(_PlainLogFormatter(minor=True))


def plot_methods(
    trade: pd.DataFrame,
    year: int,
    segments: str | Sequence[str] = "all",
    lang: str = "en",
    base_year: int | None = None,
    min_index: float = 1.0,
    min_share_pct: float = 1.0,
    labels: int = 5,
    ncols: int = 2,
) -> Figure:
    """The index methods side by side: per segment, RCA (x) against the growth index (y), log scales.

    Marker area is the region's share of the country's group export; the top axis of each panel reads
    the symmetric RCA (a monotone transform of RCA, same ranking). Dotted lines mark ``min_index`` and
    no growth; filled markers are regions export-oriented by RCA (``share ≥ min_share_pct``). The
    ``labels`` regions with the highest RCA are named. Regions new in the group (no export in the base
    year) have no growth index and are not drawn.
    """
    check_lang(lang)
    chosen = resolve_segments(trade, segments)
    n = len(chosen)
    if n == 0:
        from exportlab.plot.charts import no_data_figure

        return no_data_figure(
            t(
                f"Trajectory index methods compared, {year}",
                f"Сравнение методов расчета индекса траектории, {year}",
                lang,
            ),
            t(
                "No export of the high-tech segments in the data",
                "В данных нет экспорта высокотехнологичных сегментов",
                lang,
            ),
        )
    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    fig = Figure(figsize=(4.8 * ncols, 4.0 * nrows + 0.6), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    base = base_year or year - 1
    for ax, segment in zip(axes.flat, chosen, strict=False):
        wide = compare_methods(trade, year, segment, base_year=base_year)
        wide = wide.loc[(wide["rca"] > 0) & (wide["growth"] > 0)]
        oriented = (wide["rca"] >= min_index) & (
            wide["region_share_of_group_export_pct"] >= min_share_pct
        )
        sizes = 12 + 6 * wide["region_share_of_group_export_pct"].clip(upper=60)
        for flag, face in ((True, PALETTE[0]), (False, "white")):
            pick = oriented == flag
            ax.scatter(
                wide.loc[pick, "rca"],
                wide.loc[pick, "growth"],
                s=sizes[pick],
                facecolor=face,
                edgecolor=PALETTE[0],
                linewidth=0.8,
                alpha=0.85,
                zorder=3,
            )
        ax.set_xscale("log")
        ax.set_yscale("log")
        _plain_log_axis(ax.xaxis)
        _plain_log_axis(ax.yaxis)
        ax.tick_params(which="minor", labelsize=6)
        ax.axvline(min_index, ls=":", color="#555555", lw=1)
        ax.axhline(1.0, ls=":", color="#555555", lw=1)
        leaders = wide.nlargest(labels, "rca")
        names = _short_names(leaders["region"].tolist(), lang)
        texts = [
            ax.text(row["rca"], row["growth"], name, fontsize=7, zorder=4)
            for (_, row), name in zip(leaders.iterrows(), names, strict=True)
        ]
        spread_labels(ax, texts, leaders["rca"], leaders["growth"], wide["rca"], wide["growth"])
        ax.set_title(_wrap(segment_name(segment, lang), 45), fontsize=9)
        ax.set_xlabel(t("RCA (Balassa), log scale", "RCA (Баласса), лог. шкала", lang))
        ax.set_ylabel(
            t(
                f"Growth index {year}/{base}, log scale",
                f"Индекс роста {year}/{base}, лог. шкала",
                lang,
            )
        )
        _add_symmetric_axis(ax, lang)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    fig.suptitle(
        t(
            f"Trajectory index methods compared, {year} (filled: export-oriented by RCA)",
            f"Сравнение методов расчета индекса траектории, {year} "
            f"(закрашены экспортоориентированные по RCA)",
            lang,
        ),
        fontsize=11,
        fontweight="bold",
    )
    _note_space(fig)
    return fig


def _add_symmetric_axis(ax, lang: str) -> None:
    def forward(r):
        r = np.asarray(r, float)
        return (r - 1) / (r + 1)

    def inverse(s):
        s = np.asarray(s, float)
        return (1 + s) / np.clip(1 - s, 1e-9, None)

    top = ax.secondary_xaxis("top", functions=(forward, inverse))
    top.set_xscale("linear")
    top.grid(False)
    top.set_xlabel(t("symmetric RCA", "симметричный RCA", lang), fontsize=7)
    top.tick_params(labelsize=6)


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text
