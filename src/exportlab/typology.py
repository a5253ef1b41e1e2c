"""Four region types from the DAED index and resource specialisation (seed 000).

=====  ===================  ==============================  ==========================================
type   DAED                 resource specialisation         profile
=====  ===================  ==============================  ==========================================
1      high                 low                             balanced, non-resource sectors dominate
2      high                 high                            resource sector with growing processing
3      low                  low                             weak export system, SMEs on local markets
4      low                  high                            mono-resource, primary processing
=====  ===================  ==============================  ==========================================

Three ways to draw the line (:func:`classify_regions`): k-means with k = 4 and Ward hierarchical
clustering on the standardised pair (DAED, resource share), and the median-split quadrants (or
given thresholds). Clusters get a type from their centroids (:func:`name_clusters`). Fitting sorts the
regions first and uses a fixed ``random_state``, so the types do not depend on the input order.
Validation: :func:`agreement` (adjusted Rand index between methods), :func:`silhouette`,
:func:`bootstrap_stability`. Policy: :data:`POLICY_INSTRUMENTS`, :func:`region_sheet`. Dynamics:
:func:`classify_panel`, :func:`transition_matrix`, :func:`moved_regions`.

>>> import pandas as pd
>>> df = pd.DataFrame({"region": list("ABCDEFGH"),
...                    "daed_index": [0.9, 0.8, 0.85, 0.7, 0.2, 0.1, 0.15, 0.3],
...                    "resource_share": [0.1, 0.2, 0.9, 0.8, 0.1, 0.2, 0.9, 0.8]})
>>> classify_regions(df, method="quadrants").tolist()
[1, 1, 2, 2, 3, 3, 4, 4]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import cache
from importlib import resources
from typing import Any, Literal

import numpy as np
import pandas as pd
import yaml
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import AgglomerativeClustering, KMeans
from sklearn.metrics import adjusted_rand_score, silhouette_samples, silhouette_score
from sklearn.preprocessing import StandardScaler

from exportlab.regions import region_label
from exportlab.style import TYPE_COLORS, check_lang, name_points, t, type_colors

Method = Literal["kmeans", "ward", "quadrants"]
METHODS: tuple[str, ...] = ("kmeans", "ward", "quadrants")
TYPES: tuple[int, ...] = (1, 2, 3, 4)
FEATURES: tuple[str, str] = ("daed_index", "resource_share")

#: Position of each type's corner in the (DAED, resource share) plane: +1 high, −1 low.
TYPE_CORNERS: dict[int, tuple[int, int]] = {1: (1, -1), 2: (1, 1), 3: (-1, -1), 4: (-1, 1)}

METHOD_LABELS: dict[str, tuple[str, str]] = {
    "kmeans": ("k-means", "k-средних"),
    "ward": ("Ward", "Уорд"),
    "quadrants": ("Median quadrants", "Квадранты по медианам"),
}


# --------------------------------------------------------------------------------------------
# labels and policy instruments
# --------------------------------------------------------------------------------------------


@cache
def _load_instruments() -> dict[int, dict[str, Any]]:
    path = resources.files("exportlab").joinpath("data/policy_instruments.yaml")
    with path.open("r", encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return {int(k): v for k, v in data.items()}


#: Per type: ``name``, ``short``, ``profile`` ({en, ru}) and ``instruments`` (list of {en, ru});
#: from ``data/policy_instruments.yaml`` (seed 000 in our own words).
POLICY_INSTRUMENTS: dict[int, dict[str, Any]] = _load_instruments()


def _check_type(type_: int) -> int:
    if type_ not in TYPES:
        raise ValueError(f"region type must be 1, 2, 3 or 4, got {type_!r}")
    return int(type_)


def type_label(type_: int, lang: str = "en", short: bool = True) -> str:
    """Name of a region type: short (``"1 Diversified non-resource"``) or long.

    >>> type_label(4, "ru")
    '4 Моноресурсные'
    """
    check_lang(lang)
    entry = POLICY_INSTRUMENTS[_check_type(type_)]
    return entry["short" if short else "name"][lang]


def policy_instruments(type_: int, lang: str = "en") -> list[str]:
    """The policy instruments for a region type, in ``lang``."""
    check_lang(lang)
    return [item[lang] for item in POLICY_INSTRUMENTS[_check_type(type_)]["instruments"]]


def instruments_table(lang: str = "en") -> pd.DataFrame:
    """All types with their profile and instruments, one row per instrument."""
    rows = [
        {
            t("Type", "Тип", lang): type_label(k, lang, short=False),
            t("Instrument", "Инструмент", lang): item,
        }
        for k in TYPES
        for item in policy_instruments(k, lang)
    ]
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# classification
# --------------------------------------------------------------------------------------------


def _prepare(df: pd.DataFrame, features: Iterable[str]) -> pd.DataFrame:
    features = list(features)
    missing = [c for c in ("region", *features) if c not in df.columns]
    if missing:
        raise ValueError(f"table lacks column(s) {missing}")
    if df["region"].duplicated().any():
        dup = df.loc[df["region"].duplicated(), "region"].iloc[0]
        raise ValueError(
            f"region {dup!r} occurs more than once: classify one year at a time (classify_panel)"
        )
    data = df[["region", *features]].copy()
    data["region"] = data["region"].astype(str)
    return data.sort_values("region").set_index("region")


def name_clusters(
    centroids: pd.DataFrame,
    reference: Mapping[str, float] | pd.Series | None = None,
    *,
    one_to_one: bool = False,
    features: tuple[str, str] = FEATURES,
) -> dict[Any, int]:
    """Map clusters to types 1–4 from their centroids.

    ``centroids``: one row per cluster, columns ``features`` (DAED, resource share).
    ``reference``: the point that separates high from low (default: the mean of the centroids; pass
    the medians or overall means of the data). A centroid's offset ``d = (ΔDAED, Δresource)`` from it
    is compared with each type's corner (:data:`TYPE_CORNERS`: type 1 = (+, −), 2 = (+, +),
    3 = (−, −), 4 = (−, +)).

    * ``one_to_one=False`` (default): each cluster gets the type of the quadrant its centroid lies
      in (signs of ``d``; ties at the reference count as low). Two clusters may share a type, and a
      type may stay empty: the data, not the method, decides;
    * ``one_to_one=True`` (at most 4 clusters): the assignment of distinct types that maximises
      ``Σ d·corner`` over the offsets scaled to [−1, 1] per axis (Hungarian algorithm), so four
      clusters always give four types.

    >>> import pandas as pd
    >>> c = pd.DataFrame({"daed_index": [0.8, 0.2, 0.7, 0.1], "resource_share": [0.1, 0.2, 0.9, 0.8]},
    ...                  index=["a", "b", "c", "d"])
    >>> name_clusters(c)
    {'a': 1, 'b': 3, 'c': 2, 'd': 4}
    """
    missing = [f for f in features if f not in centroids.columns]
    if missing:
        raise ValueError(f"centroids lack column(s) {missing}")
    cents = centroids[list(features)].astype("float64")
    if reference is None:
        ref = cents.mean()
    else:
        ref = pd.Series({f: float(pd.Series(reference)[f]) for f in features})
    offsets = (cents - ref).to_numpy()
    if not one_to_one:
        names = {}
        for label, (dx, dy) in zip(cents.index, offsets, strict=True):
            high_daed, high_res = dx > 0, dy > 0
            names[label] = {(True, False): 1, (True, True): 2, (False, False): 3}.get(
                (high_daed, high_res), 4
            )
        return names
    if len(cents) > len(TYPES):
        raise ValueError(f"one-to-one naming needs at most 4 clusters, got {len(cents)}")
    # scale the two axes alike so neither dominates the assignment
    spread = np.abs(offsets).max(axis=0)
    spread[spread == 0] = 1.0
    scaled = offsets / spread
    corners = np.array([TYPE_CORNERS[k] for k in TYPES], dtype="float64")
    score = scaled @ corners.T
    rows, cols = linear_sum_assignment(-score)
    return {cents.index[r]: TYPES[c] for r, c in zip(rows, cols, strict=True)}


def _standardise(data: pd.DataFrame) -> np.ndarray:
    return StandardScaler().fit_transform(data.to_numpy(dtype="float64"))


def _fit_types(
    data: pd.DataFrame,
    method: str,
    random_state: int,
    n_init: int,
    thresholds: tuple[float | None, float | None] | None,
    one_to_one: bool = False,
) -> pd.Series:
    """Types of the regions in ``data`` (index region, two feature columns, no NaN)."""
    x_name, y_name = data.columns[:2]
    if method == "quadrants":
        x_thr = y_thr = None
        if thresholds is not None:
            x_thr, y_thr = thresholds
        x_thr = data[x_name].median() if x_thr is None else x_thr
        y_thr = data[y_name].median() if y_thr is None else y_thr
        high_x = data[x_name] > x_thr
        high_y = data[y_name] > y_thr
        types = np.select(
            [high_x & ~high_y, high_x & high_y, ~high_x & ~high_y], [1, 2, 3], default=4
        )
        return pd.Series(types, index=data.index, name="type")
    if len(data) < len(TYPES):
        raise ValueError(f"clustering into 4 types needs at least 4 regions, got {len(data)}")
    z = _standardise(data)
    if method == "kmeans":
        labels = KMeans(n_clusters=4, n_init=n_init, random_state=random_state).fit_predict(z)
    elif method == "ward":
        labels = AgglomerativeClustering(n_clusters=4, linkage="ward").fit_predict(z)
    else:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    cents = pd.DataFrame(z, index=data.index, columns=[x_name, y_name]).groupby(labels).mean()
    # relative to the overall means (0 after standardising): robust when half the regions share
    # one value (no resource export at all), which would put the median on the boundary
    reference = pd.Series(0.0, index=[x_name, y_name])
    names = name_clusters(cents, reference, one_to_one=one_to_one, features=(x_name, y_name))
    return pd.Series([names[k] for k in labels], index=data.index, name="type")


def classify_regions(
    df: pd.DataFrame,
    method: Method = "kmeans",
    random_state: int = 0,
    *,
    features: tuple[str, str] = FEATURES,
    n_init: int = 50,
    thresholds: tuple[float | None, float | None] | None = None,
    one_to_one: bool = False,
) -> pd.Series:
    """Type 1–4 of each region of one year.

    ``df``: one row per region with ``region`` and ``features`` (DAED index, resource share).

    * ``"kmeans"``: k-means, k = 4, on the standardised features (``n_init`` starts, fixed
      ``random_state``);
    * ``"ward"``: Ward hierarchical clustering into 4 clusters on the standardised features;
    * ``"quadrants"``: high = above the median (or above ``thresholds = (daed, resource)`` in the
      features' own units; ``None`` for either keeps its median).

    Clusters are named by :func:`name_clusters` relative to the overall means (``one_to_one``: force
    four distinct types). Regions are sorted before
    fitting, so the result does not depend on row order. Regions with a missing feature get
    ``<NA>``. Returns an ``Int64`` Series aligned with ``df``'s rows.
    """
    data = _prepare(df, features)
    valid = data.dropna()
    types = _fit_types(valid, method, random_state, n_init, thresholds, one_to_one)
    by_region = types.reindex(data.index).astype("Int64")
    out = df["region"].astype(str).map(by_region)
    return pd.Series(out.to_numpy(), index=df.index, name="type", dtype="Int64")


def classify_panel(
    df: pd.DataFrame,
    method: Method = "kmeans",
    random_state: int = 0,
    **kwargs: Any,
) -> pd.Series:
    """Types per region and year: :func:`classify_regions` applied to each year of ``df``
    (``region, year`` and the features). Returns an ``Int64`` Series aligned with ``df``."""
    if "year" not in df.columns:
        raise ValueError("panel table lacks column 'year'")
    parts = [
        classify_regions(g, method, random_state, **kwargs)
        for _, g in df.groupby("year", sort=True)
    ]
    if not parts:
        return pd.Series(dtype="Int64", name="type")
    return pd.concat(parts).reindex(df.index).astype("Int64")


def agreement(
    df: pd.DataFrame,
    methods: Iterable[str] = METHODS,
    random_state: int = 0,
    **kwargs: Any,
) -> pd.DataFrame:
    """Adjusted Rand index between the types of each pair of methods (1 = identical partitions,
    ≈0 = chance agreement). Rows and columns are the methods."""
    methods = list(methods)
    data = _prepare(df, kwargs.get("features", FEATURES)).dropna().reset_index()
    types = {m: classify_regions(data, m, random_state, **kwargs).to_numpy() for m in methods}
    matrix = [[adjusted_rand_score(types[a], types[b]) for b in methods] for a in methods]
    return pd.DataFrame(matrix, index=methods, columns=methods)


def silhouette(
    df: pd.DataFrame,
    types: pd.Series,
    *,
    features: tuple[str, str] = FEATURES,
    per_region: bool = False,
) -> float | pd.Series:
    """Mean silhouette of the ``types`` partition on the standardised features (−1…1; above ~0.5 a
    clear structure, below ~0.25 none). ``per_region=True`` returns each region's silhouette."""
    data = df[["region", *features]].copy()
    data["type"] = np.asarray(types)
    data = data.dropna()
    if data["type"].nunique() < 2:
        raise ValueError("silhouette needs at least two types")
    z = _standardise(data[list(features)])
    labels = data["type"].astype(int).to_numpy()
    if per_region:
        return pd.Series(silhouette_samples(z, labels), index=data["region"], name="silhouette")
    return float(silhouette_score(z, labels))


def bootstrap_stability(
    df: pd.DataFrame,
    method: Method = "kmeans",
    n_boot: int = 200,
    random_state: int = 0,
    *,
    features: tuple[str, str] = FEATURES,
    n_init: int = 4,
    one_to_one: bool = False,
) -> pd.DataFrame:
    """How stable each region's type is when the set of regions is resampled.

    Draw ``n_boot`` bootstrap samples of regions (with replacement), fit the method on each, type
    *every* region with that fit (k-means/Ward: nearest named centroid on the full-sample scale;
    quadrants: the sample's medians), and count how often a region keeps its full-sample type:
    ``stability(r) = #{b : type_b(r) = type(r)} / n_boot``. Returns ``region, type, stability``
    sorted by region.
    """
    if n_boot < 1:
        raise ValueError(f"n_boot must be at least 1, got {n_boot}")
    data = _prepare(df, features).dropna()
    full = _fit_types(data, method, random_state, 50, None, one_to_one)
    scaler = StandardScaler().fit(data.to_numpy(dtype="float64"))
    z_all = scaler.transform(data.to_numpy(dtype="float64"))
    rng = np.random.default_rng(random_state)
    n = len(data)
    same = np.zeros(n)
    for _ in range(n_boot):
        idx = rng.integers(0, n, size=n)
        sample = data.iloc[idx]
        if method == "quadrants":
            med = sample.median()
            high_x = data.iloc[:, 0] > med.iloc[0]
            high_y = data.iloc[:, 1] > med.iloc[1]
            boot = np.select(
                [high_x & ~high_y, high_x & high_y, ~high_x & ~high_y], [1, 2, 3], default=4
            )
        else:
            z = z_all[idx]
            if len(np.unique(z, axis=0)) < 4:
                continue
            if method == "kmeans":
                labels = KMeans(n_clusters=4, n_init=n_init, random_state=random_state).fit_predict(
                    z
                )
            else:
                labels = AgglomerativeClustering(n_clusters=4, linkage="ward").fit_predict(z)
            cents = pd.DataFrame(z, columns=list(features)).groupby(labels).mean()
            reference = pd.Series(z.mean(axis=0), index=list(features))
            names = name_clusters(cents, reference, one_to_one=one_to_one, features=features)
            dist = ((z_all[:, None, :] - cents.to_numpy()[None, :, :]) ** 2).sum(axis=2)
            boot = np.array([names[cents.index[j]] for j in dist.argmin(axis=1)])
        same += boot == full.to_numpy()
    return pd.DataFrame(
        {"region": data.index, "type": full.to_numpy(), "stability": same / n_boot}
    ).reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# dynamics
# --------------------------------------------------------------------------------------------


def transition_matrix(
    types_a: pd.Series, types_b: pd.Series, *, lang: str | None = None
) -> pd.DataFrame:
    """Counts of regions moving from type ``i`` (rows, ``types_a``) to type ``j`` (columns,
    ``types_b``); both Series indexed by region, only regions typed in both count. All four types
    appear. With ``lang`` the axes carry type labels.

    >>> import pandas as pd
    >>> a = pd.Series({"A": 1, "B": 3}); b = pd.Series({"A": 1, "B": 1})
    >>> int(transition_matrix(a, b).loc[3, 1])
    1
    """
    both = pd.concat([types_a.rename("a"), types_b.rename("b")], axis=1, join="inner").dropna()
    counts = pd.crosstab(both["a"].astype(int), both["b"].astype(int))
    counts = counts.reindex(index=list(TYPES), columns=list(TYPES), fill_value=0)
    counts.index.name, counts.columns.name = "from", "to"
    if lang is not None:
        counts = counts.rename(
            index=lambda k: type_label(k, lang), columns=lambda k: type_label(k, lang)
        )
        counts.index.name = t("from \\ to", "из \\ в", lang)
    return counts


def moved_regions(types_a: pd.Series, types_b: pd.Series) -> pd.DataFrame:
    """Regions whose type differs between ``types_a`` and ``types_b`` (Series indexed by region):
    ``region, type_from, type_to``, sorted by region."""
    both = pd.concat([types_a.rename("type_from"), types_b.rename("type_to")], axis=1, join="inner")
    both = both.dropna()
    moved = both[both["type_from"] != both["type_to"]].astype(int)
    moved.index.name = "region"
    return moved.reset_index().sort_values("region", ignore_index=True)


def year_table(table: pd.DataFrame, year: int, lang: str = "en") -> pd.DataFrame:
    """The DAED ranking of ``year`` for authors: rank, region code and name, K1–K4, index,
    resource share, type and its label, sorted by rank. Headers: ``exportlab.daed.HEADERS``."""
    check_lang(lang)
    df = table[(table["year"] == year) & table["daed_index"].notna()].copy()
    if df.empty:
        raise ValueError(f"no DAED index for year {year}")
    df = df.sort_values(["rank", "region"])
    df["region_name"] = [region_label(r, lang) for r in df["region"]]
    df["type_label"] = [type_label(int(k), lang) if pd.notna(k) else "" for k in df["type"]]
    columns = ["rank", "region", "region_name", "k1", "k2", "k3", "k4", "daed_index"]
    columns += ["resource_share", "type", "type_label"]
    return df[columns].reset_index(drop=True)


def default_transition_years(
    table: pd.DataFrame, year: int, transition_years: Iterable[int] | None = None
) -> tuple[int, int]:
    """``transition_years`` as a pair, or (first year with an index, ``year``)."""
    if transition_years is not None:
        first, last = (int(y) for y in transition_years)
        return first, last
    years = sorted(int(y) for y in table.loc[table["daed_index"].notna(), "year"].unique())
    if not years:
        raise ValueError("the DAED table has no year with an index")
    return years[0], int(year)


def types_of_year(table: pd.DataFrame, year: int) -> pd.Series:
    """The ``type`` column of one year as a Series indexed by region."""
    df = table[table["year"] == year]
    return df.set_index(df["region"].astype(str))["type"]


# --------------------------------------------------------------------------------------------
# region sheet
# --------------------------------------------------------------------------------------------


def region_sheet(
    region: str,
    year: int,
    table: pd.DataFrame,
    lang: str = "en",
    *,
    n_peers: int = 8,
    label: Callable[[str, str], str] = region_label,
) -> str:
    """One page on a region as Markdown: its components, index and rank, type, peers of the same
    type (closest DAED index first) and the policy instruments for its type.

    ``table``: the DAED table with ``type`` (``region, year, k1..k4, daed_index, rank,
    resource_share, type``).
    """
    check_lang(lang)
    from exportlab.daed import COMPONENT_LABELS, COMPONENTS

    year_df = table[table["year"] == year]
    row = year_df[year_df["region"] == region]
    if row.empty:
        raise ValueError(f"region {region!r} has no DAED row for {year}")
    r = row.iloc[0]
    if pd.isna(r.get("type")) or pd.isna(r.get("daed_index")):
        raise ValueError(f"region {region!r} has no index or type for {year} (history incomplete?)")
    type_ = int(r["type"])
    ranked = year_df["daed_index"].notna().sum()
    lines = [
        f"## {label(region, lang)} ({region}), {year}",
        "",
        f"**{t('DAED index', 'Индекс ДАЭД', lang)}:** {r['daed_index']:.3f} — "
        f"{t('rank', 'место', lang)} {int(r['rank'])} {t('of', 'из', lang)} {ranked}",
        "",
        f"**{t('Resource specialisation', 'Сырьевая специализация', lang)}:** "
        f"{100 * r['resource_share']:.1f}%",
        "",
        f"**{t('Type', 'Тип', lang)}:** {type_label(type_, lang, short=False)} "
        f"({type_label(type_, lang)}). {POLICY_INSTRUMENTS[type_]['profile'][lang]}",
        "",
        f"| {t('Component', 'Компонента', lang)} | {t('Value', 'Значение', lang)} | "
        f"{t('Normalised', 'Нормированное', lang)} | {t('Median of regions', 'Медиана регионов', lang)} |",
        "|:---|---:|---:|---:|",
    ]
    for c in COMPONENTS:
        norm = r.get(f"{c}_norm", np.nan)
        med = year_df[f"{c}_norm"].median() if f"{c}_norm" in year_df else np.nan
        lines.append(f"| {t(*COMPONENT_LABELS[c], lang)} | {r[c]:.4g} | {norm:.3f} | {med:.3f} |")
    peers = year_df[(year_df["type"] == type_) & (year_df["region"] != region)].copy()
    peers["distance"] = (peers["daed_index"] - r["daed_index"]).abs()
    peers = peers.sort_values(["distance", "region"]).head(n_peers)
    lines += ["", f"**{t('Peers of the same type', 'Регионы того же типа', lang)}:** "]
    lines.append(
        ", ".join(
            f"{label(p, lang)} ({v:.3f})"
            for p, v in zip(peers["region"], peers["daed_index"], strict=True)
        )
        or t("none", "нет", lang)
    )
    lines += [
        "",
        f"**{t('Policy instruments for this type', 'Инструменты для этого типа', lang)}:**",
        "",
    ]
    lines += [f"- {item}" for item in policy_instruments(type_, lang)]
    return "\n".join(lines) + "\n"


def region_sheet_figure(
    region: str,
    year: int,
    table: pd.DataFrame,
    lang: str = "en",
    *,
    label: Callable[[str, str], str] = region_label,
):
    """Bars of the region's normalised components beside the mean of its type and the median of
    all regions in ``year``."""
    import matplotlib.pyplot as plt

    from exportlab.daed import COMPONENT_LABELS, COMPONENTS

    year_df = table[table["year"] == year]
    row = year_df[year_df["region"] == region]
    if row.empty or pd.isna(row["type"].iloc[0]):
        raise ValueError(f"region {region!r} has no typed DAED row for {year}")
    type_ = int(row["type"].iloc[0])
    cols = [f"{c}_norm" for c in COMPONENTS]
    values = pd.DataFrame(
        {
            label(region, lang): row[cols].iloc[0].to_numpy(dtype="float64"),
            t("Type mean", "Среднее по типу", lang): year_df.loc[year_df["type"] == type_, cols]
            .mean()
            .to_numpy(),
            t("Median of regions", "Медиана регионов", lang): year_df[cols].median().to_numpy(),
        },
        index=[t(*COMPONENT_LABELS[c], lang) for c in COMPONENTS],
    )
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    width = 0.27
    x = np.arange(len(values))
    colors = [TYPE_COLORS[type_], "#bbbbbb", "#555555"]
    for i, (name, color) in enumerate(zip(values.columns, colors, strict=True)):
        ax.bar(x + (i - 1) * width, values[name], width, label=name, color=color)
    ax.set_xticks(x, [s.replace(" ", "\n", 2) for s in values.index], fontsize=7)
    ax.set_ylabel(t("Normalised value", "Нормированное значение", lang))
    ax.set_title(f"{label(region, lang)}, {year}: {type_label(type_, lang)}", fontsize=10)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.grid(axis="x", visible=False)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------------------------
# figures and the interactive explorer
# --------------------------------------------------------------------------------------------


def scatter_types(
    df: pd.DataFrame,
    lang: str = "en",
    *,
    type_col: str = "type",
    thresholds: tuple[float | None, float | None] | None = None,
    label: Callable[[str, str], str] | None = region_label,
    title: str | None = None,
    max_labels: int | None = 45,
    highlight: Iterable[str] = (),
    ax=None,
):
    """Scatter of regions in the (DAED index, resource share) plane coloured by type, with the
    quadrant lines (medians, or ``thresholds``) and region labels kept apart by adjustText.

    With many regions only ``max_labels`` are named, those farthest from the median point (in
    standardised units), plus the ``highlight`` regions; ``max_labels=None`` names all.
    Returns the figure."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    check_lang(lang)
    data = df.dropna(subset=["daed_index", "resource_share"]).sort_values("region")
    if data.empty:
        raise ValueError("nothing to plot: no region has both the index and the resource share")
    if ax is None:
        fig, ax = plt.subplots(figsize=(9, 6.5))
    else:
        fig = ax.figure
    x = data["daed_index"].to_numpy(dtype="float64")
    y = 100 * data["resource_share"].to_numpy(dtype="float64")
    types = (
        data[type_col].astype("Int64") if type_col in data else pd.Series(pd.NA, index=data.index)
    )
    ax.scatter(x, y, c=type_colors(types), s=28, edgecolors="white", linewidths=0.5, zorder=3)
    if (
        np.ptp(y) < 1.0
    ):  # (almost) no spread in resource share, e.g. grains only: a readable % range
        ax.set_ylim(max(-2.0, float(y.min()) - 5.0), min(102.0, float(y.max()) + 5.0))
    x_thr, y_thr = (None, None) if thresholds is None else thresholds
    x_line = float(np.median(x)) if x_thr is None else float(x_thr)
    y_line = float(np.median(y)) if y_thr is None else 100 * float(y_thr)
    ax.axvline(x_line, color="#444444", linestyle="--", linewidth=0.8, zorder=1)
    ax.axhline(y_line, color="#444444", linestyle="--", linewidth=0.8, zorder=1)
    if label is not None:
        regions = data["region"].astype(str)
        name_points(ax, x, y, regions, lambda r: label(r, lang), max_labels, highlight, fontsize=6)
    handles = [
        Line2D([], [], marker="o", linestyle="", color=TYPE_COLORS[k], label=type_label(k, lang))
        for k in TYPES
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    line_label = (
        t("dashed: medians", "пунктир: медианы", lang)
        if thresholds is None
        else t("dashed: thresholds", "пунктир: пороги", lang)
    )
    ax.set_xlabel(t("DAED index", "Индекс ДАЭД", lang) + f" ({line_label})")
    ax.set_ylabel(
        t("Resource specialisation, % of export", "Сырьевая специализация, % экспорта", lang)
    )
    ax.set_title(title or t("Four types of regions", "Четыре типа регионов", lang))
    fig.tight_layout()
    return fig


def interactive_explorer(
    components: pd.DataFrame,
    lang: str = "en",
    *,
    weights: Mapping[str, float] | pd.Series | None = None,
    normalisation: str = "minmax",
    method: Method = "quadrants",
    top: int = 15,
):
    """ipywidgets UI for teaching: sliders for the four weights and the two thresholds, a method
    choice; the ranking, the types and the scatter update live.

    ``components``: one year of ``region, k1..k4, resource_share``. Returns the widget (display it).
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    from exportlab.daed import (
        COMPONENT_LABELS,
        COMPONENTS,
        check_weights,
        daed_index,
        default_weights,
    )

    check_lang(lang)
    w0 = check_weights(default_weights() if weights is None else weights)
    data = components.copy()
    if "year" not in data:
        data["year"] = 0
    sliders = {
        c: widgets.FloatSlider(
            value=float(w0[c]),
            min=0.0,
            max=1.0,
            step=0.05,
            description=c.upper(),
            tooltip=t(*COMPONENT_LABELS[c], lang),
            continuous_update=False,
        )
        for c in COMPONENTS
    }
    daed_thr = widgets.FloatSlider(
        value=0.5,
        min=0.0,
        max=1.0,
        step=0.05,
        continuous_update=False,
        description=t("DAED q", "ДАЭД q", lang),
        tooltip=t("quantile of the DAED threshold", "квантиль порога ДАЭД", lang),
    )
    res_thr = widgets.FloatSlider(
        value=0.5,
        min=0.0,
        max=1.0,
        step=0.05,
        continuous_update=False,
        description=t("Resource q", "Сырьё q", lang),
        tooltip=t("quantile of the resource threshold", "квантиль порога сырья", lang),
    )
    choice = widgets.Dropdown(
        options=[(t(*METHOD_LABELS[m], lang), m) for m in METHODS],
        value=method,
        description=t("Method", "Метод", lang),
    )
    out = widgets.Output()

    def view() -> list[Any]:
        """What the output area shows for the current settings: a message, or table and figure."""
        w = {c: s.value for c, s in sliders.items()}
        if sum(w.values()) <= 0:
            return [
                t(
                    "Set at least one weight above zero.",
                    "Задайте хотя бы один вес больше нуля.",
                    lang,
                )
            ]
        df = daed_index(data, w, normalisation)
        thresholds = (
            float(df["daed_index"].quantile(daed_thr.value)),
            float(df["resource_share"].quantile(res_thr.value)),
        )
        df["type"] = classify_regions(
            df, choice.value, thresholds=thresholds if choice.value == "quadrants" else None
        )
        shown = df.sort_values("rank").head(top)
        table = pd.DataFrame(
            {
                t("Rank", "Место", lang): shown["rank"].to_numpy(),
                t("Region", "Регион", lang): [region_label(r, lang) for r in shown["region"]],
                t("DAED index", "Индекс ДАЭД", lang): shown["daed_index"].round(3).to_numpy(),
                t("Type", "Тип", lang): [type_label(int(k), lang) for k in shown["type"]],
            }
        )
        fig = scatter_types(
            df, lang, thresholds=thresholds if choice.value == "quadrants" else None
        )
        plt.close(fig)
        return [table, fig]

    def redraw(*_: Any) -> None:
        items = view()
        with out:
            out.clear_output(wait=True)
            for item in items:
                display(item)

    # the first view is set as the widget's state, not captured from the running cell: a notebook
    # runner (papermill) then has no output capture to follow, which could leave it waiting
    for item in view():
        out.append_display_data(item)
    for widget in (*sliders.values(), daed_thr, res_thr, choice):
        widget.observe(redraw, names="value")
    controls = widgets.VBox(
        [
            widgets.HBox(list(sliders.values())[:2]),
            widgets.HBox(list(sliders.values())[2:]),
            widgets.HBox([daed_thr, res_thr]),
            choice,
        ]
    )
    return widgets.VBox([controls, out])
