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
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from exportlab import classify, schema
from exportlab.labels import Label, check_lang, pick, t, vocabulary
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

#: Column headers for :func:`exportlab.tables.write_table`: ``column -> Label``.
HEADERS: dict[str, Label] = vocabulary("trajectory.HEADERS")

#: Status of the region's export in the group relative to the base year.
STATUSES: dict[str, dict[str, str]] = vocabulary("trajectory.STATUSES")

#: Why a region is or is not export-oriented (the rule of Yakushev's high-tech export paper).
REASONS: dict[str, dict[str, str]] = vocabulary("trajectory.REASONS")

METHOD_LABELS: dict[str, dict[str, str]] = vocabulary("trajectory.METHOD_LABELS")


# --------------------------------------------------------------------------------------- labels

_SHORT_SEGMENT_LABELS: dict[str, dict[str, str]] = vocabulary("trajectory._SHORT_SEGMENT_LABELS")


def short_segment_name(segment: str, lang: str = "en") -> str:
    """The short name of a segment for figure labels (:func:`segment_name` for any other id).

    >>> short_segment_name("pharmaceuticals", "ru")
    'Фармацевтика'
    """
    if segment in _SHORT_SEGMENT_LABELS:
        return pick(_SHORT_SEGMENT_LABELS[segment], lang)
    return segment_name(segment, lang)


def reason_label(reason: str, lang: str = "en") -> str:
    """The English or Russian wording of a verdict id of :data:`REASONS`."""
    if reason not in REASONS:
        raise ValueError(f"unknown reason {reason!r}; expected one of {sorted(REASONS)}")
    return pick(REASONS[reason], lang)


def status_label(status: str, lang: str = "en") -> str:
    """The English or Russian wording of a status id of :data:`STATUSES`."""
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}; expected one of {sorted(STATUSES)}")
    return pick(STATUSES[status], lang)


def method_label(method: str, lang: str = "en") -> str:
    """The English or Russian name of an index method of :data:`METHODS`."""
    _check_method(method)
    return pick(METHOD_LABELS[method], lang)


def segment_name(segment: str, lang: str = "en") -> str:
    """The name of a segment (:func:`exportlab.classify.segment_label`) or of a high-tech group."""
    check_lang(lang)
    if segment not in classify.DEFAULT_SEGMENTS and segment in classify.GROUPS:
        return classify.group_label(segment, lang)
    return classify.segment_label(segment, lang)


# ------------------------------------------------------------------------------------ the panel


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise ValueError(f"unknown index method {method!r}; expected one of {METHODS}")


def _selection_mask(
    exports: pd.DataFrame,
    segment: str | None,
    group: str | None,
    segment_groups: Mapping[str, Sequence[str]] | None,
) -> pd.Series:
    if (segment is None) == (group is None):
        raise ValueError("give exactly one of segment= or group=")
    if group is not None:
        if "group" not in exports.columns:
            raise ValueError("the trade table has no 'group' column: classify it first (stage 02)")
        return exports["group"] == group
    if segment_groups is not None:
        if segment not in segment_groups:
            raise ValueError(f"segment {segment!r} is not one of {sorted(segment_groups)}")
        if "group" not in exports.columns:
            raise ValueError("the trade table has no 'group' column: classify it first (stage 02)")
        return exports["group"].isin(list(segment_groups[segment]))
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
    segment_groups: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """Export of the selection and total export per year and region, US dollars.

    Returns columns ``year, region, group_usd, total_usd`` for every region with export that year
    (``group_usd`` is 0 where the region exports nothing of the selection). The selection is a
    ``segment`` (the ``segment`` column, or the groups listed in ``segment_groups[segment]``) or one
    ``group``.
    """
    exports = schema.exports(trade, needs=("year", "region", "flow", "value_usd"), positive=False)
    if exports.empty:
        raise ValueError("the trade table has no export rows")
    if (exports["value_usd"] < 0).any():
        raise ValueError("export values must not be negative")
    mask = _selection_mask(exports, segment, group, segment_groups).fillna(False).astype(bool)
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
    segment_groups: Mapping[str, Sequence[str]] | None = None,
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

    ``segment_groups`` (segment id → high-tech groups, the profile's ``segments`` mapping) defines
    ``segment`` by its groups instead of the table's ``segment`` column; ``segments`` elsewhere in this
    module is always a selection of segment ids (``"all"`` or a list, :func:`resolve_segments`).
    """
    _check_method(method)
    check_lang(lang)
    if top is not None and top < 1:
        raise ValueError("top must be a positive number of rows or None")
    panel = export_panel(trade, segment, group, segment_groups)
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
    order = list(classify.DEFAULT_SEGMENTS)
    return [s for s in order if s in present] + sorted(present - set(order))


def resolve_segments(trade: pd.DataFrame, segments: str | Sequence[str]) -> list[str]:
    """The selection ``segments``: ``"all"`` → every segment in the table; a list (or one id) →
    checked against the table."""
    present = available_segments(trade)
    if isinstance(segments, str):
        if segments == "all":
            return present
        segments = [segments]
    unknown = [s for s in segments if s not in present]
    if unknown:
        raise ValueError(f"segments {unknown} do not occur in the trade table; found {present}")
    return list(segments)


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
    segment_groups: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """Every region's index by each method side by side (columns named by method) with the shares."""
    out = None
    for method in methods:
        table = trajectory_table(
            trade,
            year,
            segment,
            group,
            method,
            base_year,
            segment_groups=segment_groups,
            region_names=False,
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
    segment_groups: Mapping[str, Sequence[str]] | None = None,
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
    panel = export_panel(trade, segment, group, segment_groups)
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
        "last_export_kusd": {
            "en": "Export in the last year, thousand USD",
            "ru": "Экспорт в последнем году, тыс. долл.",
        },
        "flag": {"en": "Trend", "ru": "Тренд"},
    }
    return localize(shown, headers, lang)
