"""The published 2019 tables of Yakushev's high-tech export paper (Tables 2–5) and their checks.

The paper prints, per segment, each leading region's trajectory index, its export of the group
(thousand USD) and two shares, rounded. :func:`load_published` reads them (package data
``published_trajectory_2019.csv``); :func:`published_consistency` tests whether the printed columns
agree with each other (the national total they imply, within the rounding of the shares) and whether
the index can be the Balassa RCA; :func:`compare_with_published` and :func:`index_reproduction`
compare them with tables computed by :mod:`exportlab.trajectory` from real 2019 data;
:func:`closing_note` sums it up for stage 03. Computing only: the figure is
:func:`exportlab.plot.trajectory.published_consistency`.

>>> published = load_published()
>>> len(published), int(published_consistency(published)["consistent"].sum())
(36, 31)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from importlib import resources

import numpy as np
import pandas as pd

from exportlab.labels import Label, check_lang, t, vocabulary
from exportlab.trajectory import (
    HEADERS,
    METHODS,
    available_segments,
    segment_name,
    short_segment_name,
    trajectory_table,
)

#: Segment ids of the published tables (``published_trajectory_2019.csv``) → the package's segment ids.
PUBLISHED_SEGMENT_IDS: dict[str, str] = {"pharma": "pharmaceuticals"}

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


CONSISTENCY_HEADERS: dict[str, Label] = {
    **HEADERS,
    **vocabulary("article2019.CONSISTENCY_HEADERS"),
}


def format_consistency(consistency: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """:func:`published_consistency` for readers: main columns, yes/no and headers in ``lang``."""
    from exportlab.tables import localize

    keep = [c for c in CONSISTENCY_HEADERS if c in consistency.columns and c != "rank"]
    shown = consistency[["segment", "rank", *[c for c in keep if c != "segment"]]].copy()
    shown["segment"] = [short_segment_name(s, lang) for s in shown["segment"]]
    for column in ("consistent", "region_share_agrees", "index_possible_as_rca"):
        if column in shown:
            shown[column] = [
                t("yes", "да", lang) if v else t("no", "нет", lang) for v in shown[column]
            ]
    return localize(shown, CONSISTENCY_HEADERS, lang)
