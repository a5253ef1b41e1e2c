"""Four region types from the DAED index and resource specialisation (the DAED paper).

=====  ===================  ==============================  ==========================================
type   DAED                 resource specialisation         profile
=====  ===================  ==============================  ==========================================
1      high                 low                             balanced, non-resource sectors dominate
2      high                 high                            resource sector with growing processing
3      low                  low                             weak export system, SMEs on local markets
4      low                  high                            mono-resource, primary processing
=====  ===================  ==============================  ==========================================

The rule is stated and fitted once (:class:`RegionTypes`): "high" and "low" are explicit
thresholds on both axes (medians by default, or quantiles, or values), fitted on the pooled panel,
a base year or each year, so that a type means the same in every year. Three methods: the
quadrants of those thresholds (the default: a reader checks each type by eye on the scatter),
k-means with k = 4 and Ward's clustering on the percentile ranks of (DAED, resource share).
Clusters take the four types one-to-one from their members (:func:`name_clusters`, Hungarian
assignment); a region whose own quadrant differs from its cluster's type is *borderline*.
Fitting sorts the regions first and uses a fixed ``random_state``, so the types do not depend on
the input order. Validation: :func:`type_summary` (agreement with the own quadrant per year),
:func:`agreement` (adjusted Rand index between methods), :func:`silhouette`,
:func:`bootstrap_stability`. Policy: :data:`POLICY_INSTRUMENTS`, :func:`region_sheet`. Dynamics:
:func:`transition_matrix`, :func:`moved_regions`. The scatter of the types, the region sheet's
bars and the teaching explorer are drawn by :mod:`exportlab.plot.typology`.

>>> import pandas as pd
>>> df = pd.DataFrame({"region": list("ABCDEFGH"),
...                    "daed_index": [0.9, 0.8, 0.85, 0.7, 0.2, 0.1, 0.15, 0.3],
...                    "resource_share": [0.1, 0.2, 0.9, 0.8, 0.1, 0.2, 0.9, 0.8]})
>>> classify_regions(df, method="quadrants").tolist()
[1, 1, 2, 2, 3, 3, 4, 4]
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
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

from exportlab.daed import COMPONENT_LABELS, COMPONENTS, K3_BASIS_LABELS
from exportlab.labels import Label, check_lang, number, pick, t, vocabulary
from exportlab.regions import region_label

Method = Literal["kmeans", "ward", "quadrants"]
METHODS: tuple[str, ...] = ("kmeans", "ward", "quadrants")
#: Feature scalings clusters are found on: percentile ranks or z-scores.
SCALINGS: tuple[str, ...] = ("rank", "standard")
SCALING_LABELS: dict[str, Label] = vocabulary("typology.SCALING_LABELS")
TYPES: tuple[int, ...] = (1, 2, 3, 4)
#: Columns :meth:`RegionTypes.predict` adds to a table.
TYPE_COLUMNS: tuple[str, ...] = ("type", "quadrant", "borderline")
FEATURES: tuple[str, str] = ("daed_index", "resource_share")

#: Position of each type's corner in the (DAED, resource share) plane: +1 high, −1 low.
TYPE_CORNERS: dict[int, tuple[int, int]] = {1: (1, -1), 2: (1, 1), 3: (-1, -1), 4: (-1, 1)}

METHOD_LABELS: dict[str, Label] = vocabulary("typology.METHOD_LABELS")


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
#: from ``data/policy_instruments.yaml`` (the DAED paper in our own words).
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

#: A threshold rule: ``"median"`` (or ``None``), ``"mean"``, a quantile ``"q0.25"``, or a value
#: in the feature's own units (DAED index; resource share as a fraction, 0.3 = 30%).
ThresholdSpec = str | float | int | None
#: Where thresholds and clusters are fitted: ``"pooled"`` (every year of the panel together),
#: a base year, or ``"each_year"`` (refitted every year; types then do not compare over time).
Base = str | int


def parse_threshold(spec: ThresholdSpec) -> tuple[str, float]:
    """A threshold rule as ``(kind, parameter)``: ``("quantile", q)``, ``("mean", nan)`` or
    ``("value", x)``.

    >>> parse_threshold("median"), parse_threshold("q0.25"), parse_threshold(0.3)
    (('quantile', 0.5), ('quantile', 0.25), ('value', 0.3))
    """
    if spec is None:
        return "quantile", 0.5
    if isinstance(spec, bool):
        raise ValueError(f"threshold must be 'median', 'mean', 'q<0..1>' or a number, got {spec!r}")
    if isinstance(spec, int | float | np.integer | np.floating):
        if not np.isfinite(spec):
            raise ValueError(f"threshold value must be finite, got {spec!r}")
        return "value", float(spec)
    text = str(spec).strip().lower()
    if text == "median":
        return "quantile", 0.5
    if text == "mean":
        return "mean", float("nan")
    if text.startswith("q"):
        try:
            q = float(text[1:])
        except ValueError:
            q = float("nan")
        if 0.0 < q < 1.0:
            return "quantile", q
    raise ValueError(
        f"threshold must be 'median', 'mean', a quantile such as 'q0.25' (0 < q < 1) or a "
        f"number in the feature's units, got {spec!r}"
    )


def threshold_value(spec: ThresholdSpec, values: Iterable[float]) -> float:
    """The threshold a rule gives on ``values`` (NaN ignored; quantiles interpolate linearly).

    >>> threshold_value("median", [1.0, 2.0, 10.0]), threshold_value("q0.5", [1.0, 3.0])
    (2.0, 2.0)
    """
    kind, param = parse_threshold(spec)
    if kind == "value":
        return param
    x = np.asarray(list(values), dtype="float64")
    x = x[np.isfinite(x)]
    if not len(x):
        raise ValueError("no values to set a threshold on")
    return float(x.mean()) if kind == "mean" else float(np.quantile(x, param))


def threshold_rule_label(spec: ThresholdSpec, lang: str = "en") -> str:
    """Words for a threshold rule: "median", "25th percentile", "set value"."""
    kind, param = parse_threshold(spec)
    if kind == "value":
        return t("set value", "заданное значение", lang)
    if kind == "mean":
        return t("mean", "среднее", lang)
    if param == 0.5:
        return t("median", "медиана", lang)
    return t(f"{100 * param:g}th percentile", f"{100 * param:g}-й процентиль", lang)


def quadrant_of(high_daed: Any, high_resource: Any) -> np.ndarray:
    """Type of the quadrant a position lies in: 1 high/low, 2 high/high, 3 low/low, 4 low/high
    (DAED / resource share; "high" = strictly above the threshold)."""
    hx, hy = np.asarray(high_daed, dtype=bool), np.asarray(high_resource, dtype=bool)
    return np.select([hx & ~hy, hx & hy, ~hx & ~hy], [1, 2, 3], default=4)


def name_clusters(
    points: np.ndarray | pd.DataFrame,
    labels: Iterable[Any],
    thresholds: tuple[float, float],
) -> dict[Any, int]:
    """One-to-one names of (at most four) clusters, from their members.

    ``points``: the members' (DAED, resource share) in the features' units, ``labels`` their
    clusters, ``thresholds`` the (DAED, resource) lines of the quadrants. ``count[c, k]`` is the
    number of members of cluster ``c`` whose own quadrant is type ``k``; the Hungarian algorithm
    (``scipy.optimize.linear_sum_assignment``) picks the distinct types that maximise
    ``Σ_c count[c, type(c)]``, i.e. the number of regions whose type is their own quadrant. Ties
    go to the type whose corner (:data:`TYPE_CORNERS`) the cluster's median points at.

    >>> import numpy as np
    >>> pts = np.array([[0.9, 0.1], [0.8, 0.2], [0.9, 0.9], [0.1, 0.1], [0.2, 0.9], [0.6, 0.8]])
    >>> name_clusters(pts, ["a", "a", "b", "c", "d", "b"], (0.5, 0.5))
    {'a': 1, 'b': 2, 'c': 3, 'd': 4}
    """
    x = np.asarray(points, dtype="float64")
    labels = np.asarray(list(labels))
    clusters = sorted(set(labels.tolist()))
    if len(clusters) > len(TYPES):
        raise ValueError(f"one-to-one naming needs at most 4 clusters, got {len(clusters)}")
    quads = quadrant_of(x[:, 0] > thresholds[0], x[:, 1] > thresholds[1])
    counts = np.array([[np.sum((labels == c) & (quads == k)) for k in TYPES] for c in clusters])
    medians = np.array([np.median(x[labels == c], axis=0) for c in clusters])
    offsets = medians - np.asarray(thresholds, dtype="float64")
    spread = np.abs(offsets).max(axis=0)
    spread[spread == 0] = 1.0
    corners = np.array([TYPE_CORNERS[k] for k in TYPES], dtype="float64")
    tie = (offsets / spread) @ corners.T  # in [-2, 2]; × 0.01 never outweighs one member
    rows, cols = linear_sum_assignment(-(counts + 0.01 * tie))
    return {clusters[r]: TYPES[c] for r, c in zip(rows, cols, strict=True)}


def _one_thread() -> contextlib.AbstractContextManager[Any]:
    """OpenMP and BLAS limited to one thread for a block (threadpoolctl, installed with
    scikit-learn). k-means on a few hundred region-years gains nothing from threads, and their
    spin-waits cost seconds on a busy machine; scikit-learn's k-means gives the same result for
    any number of threads."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - installed with scikit-learn
        return contextlib.nullcontext()
    return threadpool_limits(limits=1)


def _standardise(data: pd.DataFrame) -> np.ndarray:
    return StandardScaler().fit_transform(data.to_numpy(dtype="float64"))


@dataclass
class _Unit:
    """One fitted unit: thresholds, and for clusters the scaler, centroids and their types."""

    thresholds: tuple[float, float]
    n: int
    scaling: str = "rank"
    reference: np.ndarray | None = None  # fit data (rank) or its mean and sd (standard)
    centroids: np.ndarray | None = None
    types: dict[int, int] = field(default_factory=dict)

    def fit_scaling(self, x: np.ndarray) -> np.ndarray:
        if self.scaling == "rank":
            self.reference = np.sort(x, axis=0)
        else:
            sd = x.std(axis=0)
            self.reference = np.vstack([x.mean(axis=0), np.where(sd > 0, sd, 1.0)])
        return self.transform(x)

    def transform(self, x: np.ndarray) -> np.ndarray:
        """Rank: percentile ranks within the fit data (ties: mean rank, as ``rank(pct=True)``);
        standard: z-scores with the fit data's mean and sd."""
        ref = self.reference
        if self.scaling == "standard":
            return (x - ref[0]) / ref[1]
        n = len(ref)
        cols = [
            (
                np.searchsorted(ref[:, j], x[:, j], "left")
                + np.searchsorted(ref[:, j], x[:, j], "right")
                + 1
            )
            / (2 * n)
            for j in range(x.shape[1])
        ]
        return np.column_stack(cols)

    def predict(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        quads = quadrant_of(x[:, 0] > self.thresholds[0], x[:, 1] > self.thresholds[1])
        if self.centroids is None:
            return quads, quads, np.full(len(x), -1)
        z = self.transform(x)
        dist = ((z[:, None, :] - self.centroids[None, :, :]) ** 2).sum(axis=2)
        cluster = dist.argmin(axis=1)
        types = np.array([self.types[int(c)] for c in cluster], dtype="int64")
        return types, quads, cluster


class RegionTypes:
    """The four region types by a stated rule, fitted once and applied to any year.

    ``method``: ``"quadrants"`` (the type is the quadrant of the region's own position — a reader
    can check it against the dashed lines of the scatter), ``"kmeans"`` (k-means, k = 4; ``n_init``
    starts, fixed ``random_state``) or ``"ward"`` (Ward's hierarchical clustering into 4
    clusters). Clusters are found on the ``scaling`` of (DAED, resource share): ``"rank"``
    (default: percentile ranks within the fit data — scale-free, robust to the skew of the index
    and to the many regions without resource export) or ``"standard"`` (z-scores). ``thresholds``: the rules of "high" on the
    two axes (:func:`parse_threshold`; median by default; "high" = strictly above). ``base``:
    the data they are fitted on — ``"pooled"`` (all region-years together, so a type means the
    same in every year and the transition matrix shows real moves), a base year, or
    ``"each_year"`` (refitted per year, the cross-section view).

    Clusters are named one-to-one from their members (:func:`name_clusters`). Any region-year is
    typed by the fit: clusters by the nearest centroid in the fit's scaled units.
    :meth:`predict` returns ``type``, ``quadrant`` (the type of its own position) and
    ``borderline`` (``type != quadrant``: the cluster's type is not that of the region's own
    position). Regions are sorted before fitting, so the result does not depend on row order.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"region": list("ABCDEFGH"), "year": 2021,
    ...                    "daed_index": [0.9, 0.8, 0.85, 0.7, 0.2, 0.1, 0.15, 0.3],
    ...                    "resource_share": [0.1, 0.2, 0.9, 0.8, 0.1, 0.2, 0.9, 0.8]})
    >>> RegionTypes().fit_predict(df)["type"].tolist()  # median quadrants
    [1, 1, 2, 2, 3, 3, 4, 4]
    >>> km = RegionTypes("kmeans").fit_predict(df)  # H (0.3, 0.8) joins the cluster of C and D
    >>> km["type"].tolist(), km["borderline"].tolist()
    ([1, 1, 2, 2, 3, 3, 4, 2], [False, False, False, False, False, False, False, True])
    """

    def __init__(
        self,
        method: Method = "quadrants",
        thresholds: tuple[ThresholdSpec, ThresholdSpec] | None = ("median", "median"),
        base: Base = "pooled",
        *,
        features: tuple[str, str] = FEATURES,
        scaling: str = "rank",
        random_state: int = 0,
        n_init: int = 50,
    ) -> None:
        if method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {method!r}")
        if scaling not in SCALINGS:
            raise ValueError(f"scaling must be one of {SCALINGS}, got {scaling!r}")
        if method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {method!r}")
        if thresholds is None:
            thresholds = ("median", "median")
        thresholds = tuple(thresholds)
        if len(thresholds) != 2:
            raise ValueError(f"thresholds must be a pair (daed, resource), got {thresholds!r}")
        for spec in thresholds:
            parse_threshold(spec)
        if not (base in ("pooled", "each_year") or _is_year(base)):
            raise ValueError(f"base must be 'pooled', 'each_year' or a year, got {base!r}")
        self.method = method
        self.thresholds = thresholds
        self.base = int(base) if _is_year(base) else base
        self.features = tuple(features)
        self.scaling = scaling
        self.random_state = random_state
        self.n_init = n_init
        self.units_: dict[int | None, _Unit] = {}
        self.fit_years_: list[int] = []

    def __repr__(self) -> str:
        return (
            f"RegionTypes(method={self.method!r}, thresholds={self.thresholds!r}, "
            f"base={self.base!r})"
        )

    def clone(self, **changes: Any) -> RegionTypes:
        """An unfitted copy, with ``changes`` to its settings."""
        kwargs = {
            "method": self.method,
            "thresholds": self.thresholds,
            "base": self.base,
            "features": self.features,
            "scaling": self.scaling,
            "random_state": self.random_state,
            "n_init": self.n_init,
        }
        kwargs.update(changes)
        return RegionTypes(**kwargs)

    # -- fitting -----------------------------------------------------------------------------

    def _frame(self, panel: pd.DataFrame, check_unique: bool = True) -> pd.DataFrame:
        missing = [c for c in ("region", *self.features) if c not in panel.columns]
        if missing:
            raise ValueError(f"table lacks column(s) {missing}")
        data = panel[["region", *self.features]].copy()
        data["region"] = data["region"].astype(str)
        data["year"] = panel["year"].astype("int64") if "year" in panel else 0
        if check_unique and data.duplicated(["region", "year"]).any():
            dup = data.loc[data.duplicated(["region", "year"]), "region"].iloc[0]
            raise ValueError(
                f"region {dup!r} occurs more than once in a year: one row per region and year"
            )
        return data

    def _fit_unit(self, data: pd.DataFrame) -> _Unit:
        data = data.dropna(subset=list(self.features)).sort_values(
            ["region", "year"], kind="stable"
        )
        x = data[list(self.features)].to_numpy(dtype="float64")
        if not len(x):
            raise ValueError("no region has both the DAED index and the resource share")
        thr = (
            threshold_value(self.thresholds[0], x[:, 0]),
            threshold_value(self.thresholds[1], x[:, 1]),
        )
        unit = _Unit(thresholds=thr, n=len(x))
        if self.method == "quadrants":
            return unit
        if len(np.unique(x, axis=0)) < len(TYPES):
            raise ValueError(
                f"clustering into 4 types needs at least 4 distinct regions, got {len(x)} rows"
            )
        unit.scaling = self.scaling
        z = unit.fit_scaling(x)
        if self.method == "kmeans":
            km = KMeans(n_clusters=4, n_init=self.n_init, random_state=self.random_state)
            with _one_thread():
                labels = km.fit_predict(z)
        else:
            labels = AgglomerativeClustering(n_clusters=4, linkage="ward").fit_predict(z)
        cents = np.array([z[labels == k].mean(axis=0) for k in range(4)])
        # members by nearest centroid, as any other region-year will be typed
        labels = ((z[:, None, :] - cents[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)
        unit.centroids = cents
        names = name_clusters(x, labels, thr)
        # a centroid that attracts no member keeps the type no other cluster took
        free = [k for k in TYPES if k not in names.values()]
        unit.types = {int(c): names.get(c) or free.pop(0) for c in range(4)}
        return unit

    def fit(self, panel: pd.DataFrame, *, _check: bool = True) -> RegionTypes:
        """Fit thresholds (and clusters) on ``panel``: ``region``, the two features and ``year``
        (a table without ``year`` is one cross-section). Returns ``self``."""
        data = self._frame(panel, _check)
        years = sorted(int(y) for y in data.dropna(subset=list(self.features))["year"].unique())
        if not years:
            raise ValueError("no region has both the DAED index and the resource share")
        self.units_ = {}
        if self.base == "pooled":
            self.units_[None] = self._fit_unit(data)
            self.fit_years_ = years
        elif self.base == "each_year":
            for year in years:
                self.units_[year] = self._fit_unit(data[data["year"] == year])
            self.fit_years_ = years
        else:
            if self.base not in years:
                raise ValueError(f"base year {self.base} is not in the data (years {years})")
            self.units_[None] = self._fit_unit(data[data["year"] == self.base])
            self.fit_years_ = [int(self.base)]
        return self

    def _unit(self, year: int | None) -> _Unit:
        if not self.units_:
            raise ValueError("RegionTypes is not fitted: call fit(panel) first")
        if None in self.units_:
            return self.units_[None]
        if year not in self.units_:
            raise ValueError(
                f"year {year} was not fitted (base 'each_year', years {self.fit_years_})"
            )
        return self.units_[year]

    def predict(self, panel: pd.DataFrame) -> pd.DataFrame:
        """``type``, ``quadrant`` (Int64) and ``borderline`` (boolean) per row of ``panel``
        (aligned with its index); rows lacking a feature get ``<NA>``."""
        data = self._frame(panel, check_unique=False)
        out = pd.DataFrame(
            {
                "type": pd.array([pd.NA] * len(data), dtype="Int64"),
                "quadrant": pd.array([pd.NA] * len(data), dtype="Int64"),
                "borderline": pd.array([pd.NA] * len(data), dtype="boolean"),
            },
            index=panel.index,
        )
        valid = data[list(self.features)].notna().all(axis=1).to_numpy()
        for year in sorted(data.loc[valid, "year"].unique()):
            rows = valid & (data["year"] == year).to_numpy()
            x = data.loc[rows, list(self.features)].to_numpy(dtype="float64")
            types, quads, _ = self._unit(int(year) if None not in self.units_ else None).predict(x)
            out.loc[rows, "type"] = types
            out.loc[rows, "quadrant"] = quads
            out.loc[rows, "borderline"] = types != quads
        return out

    def fit_predict(self, panel: pd.DataFrame) -> pd.DataFrame:
        """:meth:`fit` and :meth:`predict` on the same panel."""
        return self.fit(panel).predict(panel)

    # -- reporting -----------------------------------------------------------------------------

    def thresholds_for(self, year: int | None = None) -> tuple[float, float]:
        """The (DAED, resource share) thresholds that type ``year`` (any year unless each_year)."""
        return self._unit(year).thresholds

    def threshold_quantiles(
        self, panel: pd.DataFrame, year: int | None = None
    ) -> tuple[float, float]:
        """Where the fitted thresholds lie in the data they were fitted on, as quantiles (0–1): a
        quantile rule gives its own ``q``; a mean or a set value gives the share of the fit rows at
        or below it (0.5 when there are none). ``panel``: the table the rule was fitted on;
        ``year``: the year whose thresholds are meant (``base="each_year"``). The explorers'
        threshold sliders start there.

        >>> df = pd.DataFrame({"region": list("ABCD"), "daed_index": [0.1, 0.2, 0.3, 0.4],
        ...                    "resource_share": [0.1, 0.2, 0.3, 0.4]})
        >>> RegionTypes(thresholds=("q0.3", 0.25)).fit(df).threshold_quantiles(df)
        (0.3, 0.5)
        """
        each_year = self.base == "each_year"
        thresholds = self.thresholds_for(year if each_year else None)
        data = self._frame(panel, check_unique=False).dropna(subset=list(self.features))
        if each_year:
            data = data[data["year"] == year]
        elif self.base != "pooled":
            data = data[data["year"] == self.base]
        out = []
        for spec, thr, feature in zip(self.thresholds, thresholds, self.features, strict=True):
            kind, q = parse_threshold(spec)
            if kind != "quantile":
                values = data[feature].to_numpy(dtype="float64")
                q = float(np.mean(values <= thr)) if len(values) else 0.5
            out.append(q)
        return out[0], out[1]

    def base_label(self, lang: str = "en") -> str:
        """Where the rule was fitted, in words."""
        check_lang(lang)
        if self.base == "pooled":
            span = _span(self.fit_years_)
            return t(
                f"the pooled panel {span}",
                f"объединённой панели {span}",
                lang,
            )
        if self.base == "each_year":
            return t("each year separately", "каждому году отдельно", lang)
        return t(f"the base year {self.base}", f"базовому {self.base} году", lang)

    def describe(self, lang: str = "en", year: int | None = None) -> str:
        """The rule in a sentence or two, with the threshold values (for tables and figures)."""
        check_lang(lang)
        x_thr, y_thr = self.thresholds_for(year)
        x_rule, y_rule = (threshold_rule_label(s, lang) for s in self.thresholds)
        lines = t(
            f"“high” means above the threshold: DAED index > {x_thr:.3g} ({x_rule}), "
            f"resource share > {100 * y_thr:.1f}% ({y_rule})",
            f"«высокий» — выше порога: индекс ДАЭД > {number(x_thr, '.3g', 'ru')} ({x_rule}), "
            f"сырьевая доля > {number(100 * y_thr, '.1f', 'ru')}% ({y_rule})",
            lang,
        )
        fitted = self.base_label(lang)
        if self.method == "quadrants":
            head = t(
                f"Types by quadrants of the (DAED, resource share) plane, thresholds fitted on "
                f"{fitted}",
                f"Типы по квадрантам плоскости (ДАЭД, сырьевая доля), пороги определены по "
                f"{fitted}",
                lang,
            )
        else:
            name = pick(METHOD_LABELS[self.method], lang)
            scaled = pick(SCALING_LABELS[self.scaling], lang)
            head = t(
                f"Types by {name} clustering (4 clusters, {scaled}) fitted on "
                f"{fitted}; each cluster takes, one-to-one, the type of the quadrant most of its "
                "members lie in, and a region whose own quadrant differs is marked borderline",
                f"Типы по кластерам ({name}, 4 кластера, {scaled}), построенным "
                f"по {fitted}; каждому кластеру взаимно однозначно присвоен тип квадранта, где "
                "лежит большинство его регионов, регион с другим собственным квадрантом помечен "
                "как пограничный",
                lang,
            )
        tail = ""
        if self.base == "each_year":
            tail = t(
                ". Refitted every year: a change of type mixes real moves with refitting.",
                ". Пересчитываются каждый год: смена типа смешивает реальные сдвиги и пересчёт.",
                lang,
            )
        elif self.base == "pooled" or _is_year(self.base):
            tail = t(
                ". The same rule types every year, so changes of type are real moves.",
                ". Одно правило для всех лет, поэтому смена типа — реальный сдвиг.",
                lang,
            )
        return f"{head}; {lines}{tail}"


def _is_year(value: Any) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _span(years: list[int]) -> str:
    if not years:
        return ""
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


def add_types(table: pd.DataFrame, model: RegionTypes) -> pd.DataFrame:
    """``table`` with ``type``, ``quadrant`` and ``borderline`` from ``model`` fitted on it
    (earlier type columns are replaced). Returns a new table."""
    base = table.drop(columns=[c for c in TYPE_COLUMNS if c in table.columns])
    out = pd.concat([base, model.fit(base).predict(base)], axis=1)
    out.attrs = dict(table.attrs)
    return out


def classify_regions(
    df: pd.DataFrame,
    method: Method = "quadrants",
    random_state: int = 0,
    *,
    features: tuple[str, str] = FEATURES,
    n_init: int = 50,
    thresholds: tuple[ThresholdSpec, ThresholdSpec] | None = None,
) -> pd.Series:
    """Type 1–4 of each region of one year (a :class:`RegionTypes` fitted on ``df`` alone).

    ``df``: one row per region with ``region`` and ``features``. ``thresholds``: rules or values
    of "high" (default medians). Returns an ``Int64`` Series aligned with ``df``'s rows; regions
    with a missing feature get ``<NA>``.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"region": list("ABCD"), "daed_index": [0.9, 0.8, 0.2, 0.1],
    ...                    "resource_share": [0.1, 0.9, 0.2, 0.8]})
    >>> classify_regions(df).tolist()
    [1, 2, 3, 4]
    """
    if "year" in df.columns and df["year"].nunique() > 1:
        raise ValueError("classify_regions types one year: use RegionTypes for a panel")
    data = df.drop(columns="year") if "year" in df.columns else df
    _check_unique_regions(data)
    model = RegionTypes(
        method, thresholds, "pooled", features=features, random_state=random_state, n_init=n_init
    )
    return model.fit_predict(data)["type"].rename("type")


def _check_unique_regions(df: pd.DataFrame) -> None:
    if "region" in df.columns and df["region"].duplicated().any():
        dup = df.loc[df["region"].duplicated(), "region"].iloc[0]
        raise ValueError(
            f"region {dup!r} occurs more than once: classify one year at a time (RegionTypes)"
        )


def classify_panel(
    df: pd.DataFrame,
    method: Method = "quadrants",
    random_state: int = 0,
    *,
    base: Base = "pooled",
    **kwargs: Any,
) -> pd.Series:
    """Types per region and year: a :class:`RegionTypes` fitted on ``base`` (default the pooled
    panel) and applied to every year of ``df``. Returns an ``Int64`` Series aligned with ``df``."""
    if "year" not in df.columns:
        raise ValueError("panel table lacks column 'year'")
    model = RegionTypes(
        method, kwargs.pop("thresholds", None), base, random_state=random_state, **kwargs
    )
    return model.fit_predict(df)["type"].rename("type")


def agreement(
    df: pd.DataFrame,
    methods: Iterable[str] = METHODS,
    random_state: int = 0,
    *,
    thresholds: tuple[ThresholdSpec, ThresholdSpec] | None = None,
    base: Base = "pooled",
    features: tuple[str, str] = FEATURES,
    scaling: str = "rank",
) -> pd.DataFrame:
    """Adjusted Rand index between the types of each pair of methods over the region-years of
    ``df`` (1 = identical partitions, ≈0 = chance agreement). Rows and columns are the methods."""
    methods = list(methods)
    data = df.dropna(subset=list(features))
    types = {
        m: RegionTypes(
            m, thresholds, base, features=features, scaling=scaling, random_state=random_state
        )
        .fit_predict(data)["type"]
        .to_numpy(dtype="int64")
        for m in methods
    }
    matrix = [[adjusted_rand_score(types[a], types[b]) for b in methods] for a in methods]
    return pd.DataFrame(matrix, index=methods, columns=methods)


def type_summary(table: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """Per year: regions typed, regions of each type, quadrants populated, agreement (share of
    regions whose type is their own quadrant) and borderline regions.

    ``table``: ``year, type, quadrant, borderline`` (the DAED table after :class:`RegionTypes`).
    With ``lang`` the headers are labels.
    """
    rows = []
    for year, g in table.dropna(subset=["type"]).groupby("year", sort=True):
        row: dict[str, Any] = {"year": int(year), "regions": len(g)}
        for k in TYPES:
            row[f"type_{k}"] = int((g["type"] == k).sum())
        row["quadrants_populated"] = int(g["quadrant"].nunique())
        row["agreement"] = float((g["type"] == g["quadrant"]).mean())
        row["borderline"] = int(g["borderline"].fillna(False).sum())
        rows.append(row)
    out = pd.DataFrame(rows)
    if lang is not None and not out.empty:
        names = {
            "year": t("Year", "Год", lang),
            "regions": t("Regions typed", "Регионов", lang),
            "quadrants_populated": t("Quadrants populated", "Заполненных квадрантов", lang),
            "agreement": t("Type = own quadrant, share", "Тип = свой квадрант, доля", lang),
            "borderline": t("Borderline", "Пограничных", lang),
        }
        names.update({f"type_{k}": type_label(k, lang) for k in TYPES})
        out = out.rename(columns=names)
    return out


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
    model: RegionTypes | Method = "quadrants",
    n_boot: int = 200,
    random_state: int = 0,
    *,
    n_init: int = 4,
) -> pd.DataFrame:
    """How stable each region's type is when the set of regions is resampled.

    Draw ``n_boot`` bootstrap samples of regions (with replacement; a region enters with all its
    years), refit ``model`` (its thresholds, base and clusters; k-means with ``n_init`` starts) on
    each, type *every* region-year with that fit, and count how often it keeps its full-sample
    type: ``stability(r, t) = #{b : type_b(r, t) = type(r, t)} / n_boot`` (a resample too small
    to cluster counts as a change). Returns ``region, [year,] type, stability`` sorted by region
    (and year).
    """
    if n_boot < 1:
        raise ValueError(f"n_boot must be at least 1, got {n_boot}")
    if isinstance(model, str):
        model = RegionTypes(model, random_state=random_state)
    has_year = "year" in df.columns
    data = df.dropna(subset=list(model.features)).copy()
    data["region"] = data["region"].astype(str)
    sort = ["region", "year"] if has_year else ["region"]
    data = data.sort_values(sort, ignore_index=True)
    full = model.clone().fit(data).predict(data)["type"].to_numpy(dtype="int64")
    regions = sorted(data["region"].unique())
    rows_of = {r: np.flatnonzero(data["region"].to_numpy() == r) for r in regions}
    rng = np.random.default_rng(random_state)
    refit = model.clone(n_init=n_init)
    same = np.zeros(len(data))
    for _ in range(n_boot):
        pick = rng.integers(0, len(regions), size=len(regions))
        idx = np.concatenate([rows_of[regions[i]] for i in pick])
        try:
            refit.fit(data.iloc[idx], _check=False)
        except ValueError:
            continue  # too few distinct regions to cluster (or a base year lost)
        same += refit.predict(data)["type"].to_numpy(dtype="int64") == full
    out = data[sort].copy()
    out["type"] = full
    out["stability"] = same / n_boot
    return out.reset_index(drop=True)


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
    resource share, type and its label and — when the table has them — the region's own quadrant,
    the borderline mark ("yes" where the two differ, else "no"), the K3 scale by its name and the
    components used ("K1, K2, K4"), sorted by rank (ties by code). Headers: ``exportlab.daed.HEADERS``."""
    check_lang(lang)
    df = table[(table["year"] == year) & table["daed_index"].notna()].copy()
    if df.empty:
        raise ValueError(f"no DAED index for year {year}")
    df = df.sort_values(["rank", "region"])
    df["region_name"] = [region_label(r, lang) for r in df["region"]]
    df["type_label"] = [type_label(int(k), lang) if pd.notna(k) else "" for k in df["type"]]
    columns = ["rank", "region", "region_name", "k1", "k2", "k3", "k4", "daed_index"]
    columns += ["resource_share", "type", "type_label"]
    if "borderline" in df:
        df["quadrant"] = df["quadrant"].astype("Int64")
        df["borderline"] = [
            t("yes", "да", lang) if _flag(flag) else t("no", "нет", lang)
            for flag in df["borderline"]
        ]
        columns += ["quadrant", "borderline"]
    if "k3_basis" in df:
        df["k3_basis"] = [
            pick(K3_BASIS_LABELS[b], lang) if b in K3_BASIS_LABELS else (b or "—")
            for b in df["k3_basis"].fillna("")
        ]
    if "index_components" in df:
        df["index_components"] = [
            ", ".join(c.upper() for c in str(used).split(",") if c) if pd.notna(used) else "—"
            for used in df["index_components"]
        ]
    columns += [c for c in ("k3_basis", "index_components") if c in df]
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
    label: Callable[[str], str] | None = None,
    thresholds: tuple[float, float] | None = None,
) -> str:
    """One page on a region as Markdown: its components, index and rank, type, its own position
    against the ``thresholds`` (a borderline region — cluster type not that of its own quadrant —
    is said so), peers of the same type (closest DAED index first) and the policy instruments for
    its type.

    ``table``: the DAED table with ``type`` (``region, year, k1..k4, daed_index, rank,
    resource_share, type`` and, from :class:`RegionTypes`, ``quadrant, borderline``). ``label``
    names a region code (default: its short name in ``lang``), as in the other figures and tables.
    """
    check_lang(lang)
    label = label or (lambda code: region_label(code, lang))
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
        f"## {label(region)} ({region}), {year}",
        "",
        f"**{t('DAED index', 'Индекс ДАЭД', lang)}:** {number(r['daed_index'], '.3f', lang)} — "
        f"{t('rank', 'место', lang)} {int(r['rank'])} {t('of', 'из', lang)} {ranked}",
        "",
        f"**{t('Resource specialisation', 'Сырьевая специализация', lang)}:** "
        f"{number(100 * r['resource_share'], '.1f', lang)}%",
        "",
        f"**{t('Type', 'Тип', lang)}:** {type_label(type_, lang, short=False)} "
        f"({type_label(type_, lang)}). {POLICY_INSTRUMENTS[type_]['profile'][lang]}",
        "",
        *_position_lines(r, lang, thresholds),
        f"| {t('Component', 'Компонента', lang)} | {t('Value', 'Значение', lang)} | "
        f"{t('Normalised', 'Нормированное', lang)} | {t('Median of regions', 'Медиана регионов', lang)} |",
        "|:---|---:|---:|---:|",
    ]
    for c in COMPONENTS:
        norm = r.get(f"{c}_norm", np.nan)
        med = year_df[f"{c}_norm"].median() if f"{c}_norm" in year_df else np.nan
        cells = [
            "—" if pd.isna(v) else number(v, spec, lang)
            for v, spec in ((r[c], ".4g"), (norm, ".3f"), (med, ".3f"))
        ]
        lines.append(f"| {pick(COMPONENT_LABELS[c], lang)} | {' | '.join(cells)} |")
    peers = year_df[(year_df["type"] == type_) & (year_df["region"] != region)].copy()
    peers["distance"] = (peers["daed_index"] - r["daed_index"]).abs()
    peers = peers.sort_values(["distance", "region"]).head(n_peers)
    lines += ["", f"**{t('Peers of the same type', 'Регионы того же типа', lang)}:** "]
    lines.append(
        ", ".join(
            f"{label(p)} ({number(v, '.3f', lang)})"
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


def _flag(value: Any) -> bool:
    """A nullable boolean as a plain bool (missing is False)."""
    return False if pd.isna(value) else bool(value)


def _position_lines(r: pd.Series, lang: str, thresholds: tuple[float, float] | None) -> list[str]:
    """The region's own quadrant against the thresholds, and the borderline note."""
    lines: list[str] = []
    if thresholds is not None:
        x_thr, y_thr = thresholds
        high, low = t("high", "высокий", lang), t("low", "низкий", lang)
        hx, hy = r["daed_index"] > x_thr, r["resource_share"] > y_thr
        lines += [
            f"**{t('Own position', 'Собственное положение', lang)}:** "
            f"{t('DAED', 'ДАЭД', lang)} {number(r['daed_index'], '.3f', lang)} {'>' if hx else '≤'} "
            f"{number(x_thr, '.3f', lang)} "
            f"({high if hx else low}), {t('resource share', 'сырьевая доля', lang)} "
            f"{number(100 * r['resource_share'], '.1f', lang)}% {'>' if hy else '≤'} "
            f"{number(100 * y_thr, '.1f', lang)}% "
            f"({high if hy else low}).",
            "",
        ]
    if "borderline" in r.index and _flag(r["borderline"]):
        quad = int(r["quadrant"])
        lines += [
            f"**{t('Borderline', 'Пограничный', lang)}:** "
            + t(
                f"its cluster has type {int(r['type'])}, but its own position lies in the quadrant "
                f"of type {quad} ({type_label(quad, lang)}): read the policy of both types.",
                f"его кластер имеет тип {int(r['type'])}, а собственное положение — в квадранте "
                f"типа {quad} ({type_label(quad, lang)}): учитывайте инструменты обоих типов.",
                lang,
            ),
            "",
        ]
    return lines
