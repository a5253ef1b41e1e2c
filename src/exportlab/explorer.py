"""The seminar explorer: one self-contained HTML page per run, with no Python and no network.

Students move sliders for the four DAED weights and the two thresholds and see the ranking, the
scatter of the four types and the tile-grid map of types update in the browser. The page is a
Vega-Lite specification (:func:`explorer_spec`, plain JSON) rendered by the Vega, Vega-Lite and
Vega-Embed scripts that ``vl-convert-python`` bundles, inlined into the page: it opens from a USB
stick or a shared folder on a school laptop without any server, CDN or kernel. The same engine
renders the specification to SVG in Python (``vl_convert.vegalite_to_svg``), which the tests use to
read what the page shows.

The page computes what the package computes (:func:`exportlab.daed.daed_index`,
:class:`exportlab.typology.RegionTypes` with the ``quadrants`` rule), from the normalised components
``k1_norm..k4_norm`` of the stage 04 table (the DAED paper, README *Sources*, paper 1):

* index of a region-year: ``DAED = Σ_{i ∈ A} a_i·n(K_i) / Σ_{i ∈ A} a_i`` over the components ``A``
  it has (the weights ``a_i`` are the sliders, rescaled to sum 1);
* thresholds: the ``q``-quantiles (the sliders; linear interpolation as :func:`numpy.quantile`) of the
  index and of the resource share over the region-years the rule is fitted on (the run's
  ``type_base``: the pooled panel, a base year or the year shown);
* types: the quadrant of the region's own position, "high" meaning strictly above a threshold;
* rank: 1 for the highest index of the year shown, equal indices sharing a rank.

:func:`package_view` gives the package's own numbers for the same slider values, to check the page.

>>> import pandas as pd
>>> table = pd.DataFrame({"region": ["RU-TA", "RU-KEM"], "year": 2021,
...                       "k1_norm": [1.0, 0.0], "k2_norm": [0.0, 1.0], "k3_norm": [None, None],
...                       "k4_norm": [0.5, 0.5], "daed_index": [0.6, 0.4],
...                       "resource_share": [0.2, 0.9]})
>>> spec = explorer_spec(table, {"k1": 0.5, "k2": 0.2, "k3": 0.2, "k4": 0.1}, year=2021)
>>> sorted(controls(spec))
['k1', 'k2', 'k4', 'q_daed', 'q_resource']
>>> round(controls(spec)["k1"], 3)
0.625
"""

from __future__ import annotations

import copy
import html
import importlib.metadata
import json
import os
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from exportlab.daed import COMPONENT_LABELS, COMPONENTS, check_weights
from exportlab.labels import check_lang, pick, t
from exportlab.plot.colors import TYPE_COLORS

#: Parameter names of the page's controls: the four weights and the two threshold quantiles.
WEIGHT_PARAMS: dict[str, str] = {c: f"w_{c}" for c in COMPONENTS}
QUANTILE_PARAMS: tuple[str, str] = ("q_daed", "q_resource")
#: Range of the threshold sliders (quantiles of the data the rule is fitted on).
QUANTILE_RANGE: tuple[float, float, float] = (0.05, 0.95, 0.01)
WEIGHT_RANGE: tuple[float, float, float] = (0.0, 1.0, 0.01)
#: Decimals the index is rounded to before ranking (as :data:`exportlab.daed.RANK_DECIMALS`).
RANK_DECIMALS = 12


# ------------------------------------------------------------------------------------ data


def _fit_mask(data: pd.DataFrame, base: Any, year: int) -> pd.Series:
    if base == "pooled":
        return pd.Series(True, index=data.index)
    if base == "each_year":
        return data["year"] == year
    return data["year"] == int(base)


def _tile_grid() -> pd.DataFrame:
    """The package's tile-grid layout (``data/tile_grid.csv``, see :func:`exportlab.geo.tiles`),
    read without importing the map libraries."""
    with resources.files("exportlab").joinpath("data", "tile_grid.csv").open(encoding="utf-8") as f:
        grid = pd.read_csv(f, comment="#", dtype={"iso": str})
    return grid.astype({"row": int, "col": int})


def page_data(
    table: pd.DataFrame, year: int, base: Any = "pooled", lang: str = "en"
) -> pd.DataFrame:
    """The rows the page holds: the region-years the rule is fitted on and those of ``year``.

    ``table``: the stage 04 DAED table (``region, year, k1_norm..k4_norm, daed_index,
    resource_share``). Only region-years with an index and a resource share are typed by the package,
    so only they are kept. Columns: ``region, name, year, fit, show, k1..k4`` (normalised components,
    empty where the region-year lacks one), ``resource_share``, ``index0`` (the run's index, for the
    tooltip), and the tile-grid cell ``tile_row, tile_col, tile`` (empty for a region off the grid).
    """
    from exportlab.regions import region_label

    check_lang(lang)
    data = table.copy()
    if "year" not in data:
        data["year"] = year
    data = data[data["daed_index"].notna() & data["resource_share"].notna()]
    fit = _fit_mask(data, base, year)
    show = data["year"] == year
    if not show.any():
        raise ValueError(f"no region has a DAED index and a resource share in {year}")
    if not fit.any():
        raise ValueError(f"no region-year to fit the thresholds on (base {base!r})")
    data = data[fit | show].assign(fit=fit[fit | show], show=show[fit | show])
    data = data.sort_values(["year", "region"], kind="stable", ignore_index=True)
    codes = sorted(data["region"].astype(str).unique())
    labels_of = {code: region_label(code, lang) for code in codes}
    taken = pd.Series(list(labels_of.values())).value_counts()
    names = {c: (n if taken[n] == 1 else f"{n} ({c})") for c, n in labels_of.items()}
    grid = _tile_grid()
    label_column = "label_ru" if lang == "ru" and "label_ru" in grid else "label_en"
    grid = grid.set_index("iso")
    out = pd.DataFrame(
        {
            "region": data["region"].astype(str),
            "name": data["region"].astype(str).map(names),
            "year": data["year"].astype("int64"),
            "fit": data["fit"].astype(bool),
            "show": data["show"].astype(bool),
        }
    )
    for c in COMPONENTS:
        column = f"{c}_norm"
        out[c] = data[column].astype("float64") if column in data else np.nan
    out["resource_share"] = data["resource_share"].astype("float64")
    out["index0"] = data["daed_index"].astype("float64")
    cells = grid.reindex(out["region"])
    out["tile_row"] = cells["row"].to_numpy()
    out["tile_col"] = cells["col"].to_numpy()
    labels = cells[label_column] if label_column in cells else cells.index.to_series()
    out["tile"] = labels.to_numpy()
    return out


def _records(data: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready rows: NaN as null, numpy scalars as Python ones."""
    rows = []
    for row in data.to_dict("records"):
        clean = {}
        for key, value in row.items():
            if isinstance(value, float | np.floating) and not np.isfinite(value):
                clean[key] = None
            elif isinstance(value, np.integer):
                clean[key] = int(value)
            elif isinstance(value, np.floating):
                clean[key] = float(value)
            elif isinstance(value, np.bool_):
                clean[key] = bool(value)
            elif value is pd.NA or value is None:
                clean[key] = None
            else:
                clean[key] = value
        rows.append(clean)
    return rows


# ------------------------------------------------------------------------------- the spec


def _start_quantiles(table: pd.DataFrame, model: Any, year: int) -> tuple[float, float]:
    """Slider start values, on the sliders' steps: the run's quantile rules (median = 0.5), or the
    quantile position of a mean or a set value on the fitted data
    (:meth:`exportlab.typology.RegionTypes.threshold_quantiles` of the run's rule, fitted as
    quadrants: the page types by quadrants, with the same thresholds)."""
    data = table[table["daed_index"].notna() & table["resource_share"].notna()]
    rule = model.clone(method="quadrants").fit(data)
    low, high, step = QUANTILE_RANGE
    starts = [
        float(min(max(round(q / step) * step, low), high))
        for q in rule.threshold_quantiles(data, year)
    ]
    return round(starts[0], 2), round(starts[1], 2)


def _quantile_steps(feature: str, q: str, tag: str) -> list[dict[str, Any]]:
    """Vega-Lite transforms for the ``q``-quantile of ``feature`` over the fitted rows, as
    :func:`numpy.quantile` (linear): ``h = (n-1)q``, ``lo = ⌊h⌋``, ``g = h - lo``, then
    ``a + (b-a)g`` (``g < 0.5``) or ``b - (b-a)(1-g)`` with ``a, b`` the ``lo``-th and next values."""
    rn = f"_rn_{tag}"
    return [
        {
            "window": [{"op": "row_number", "as": rn}],
            "sort": [{"field": "_order", "order": "ascending"}, {"field": feature}],
        },
        {"calculate": f"(datum._n - 1) * {q}", "as": f"_h_{tag}"},
        {"calculate": f"floor(datum._h_{tag})", "as": f"_lo_{tag}"},
        {"calculate": f"datum._h_{tag} - datum._lo_{tag}", "as": f"_g_{tag}"},
        {"calculate": f"min(datum._lo_{tag} + 1, datum._n - 1)", "as": f"_hi_{tag}"},
        {
            "calculate": f"datum._ok && datum.{rn} - 1 == datum._lo_{tag} ? datum.{feature} : 0",
            "as": f"_a_{tag}",
        },
        {
            "calculate": f"datum._ok && datum.{rn} - 1 == datum._hi_{tag} ? datum.{feature} : 0",
            "as": f"_b_{tag}",
        },
        {
            "joinaggregate": [
                {"op": "sum", "field": f"_a_{tag}", "as": f"_sa_{tag}"},
                {"op": "sum", "field": f"_b_{tag}", "as": f"_sb_{tag}"},
            ]
        },
        {
            "calculate": (
                f"datum._g_{tag} >= 0.5 ? datum._sb_{tag} - (datum._sb_{tag} - datum._sa_{tag}) "
                f"* (1 - datum._g_{tag}) : datum._sa_{tag} + (datum._sb_{tag} - datum._sa_{tag}) "
                f"* datum._g_{tag}"
            ),
            "as": f"thr_{tag}",
        },
    ]


def _transforms(use: list[str], type_names: list[str]) -> list[dict[str, Any]]:
    """The computation of the page, in the order of the package: index, thresholds, types, rank."""
    # weights over the components with data, rescaled to sum 1, then per region-year over the
    # components it has (exportlab.daed.effective_weights and row_weights)
    total = " + ".join(WEIGHT_PARAMS[c] for c in use)
    steps: list[dict[str, Any]] = [
        {"calculate": f"({total}) > 0 ? {WEIGHT_PARAMS[c]} / ({total}) : 0", "as": f"_w_{c}"}
        for c in use
    ]
    have = " + ".join(f"(isValid(datum.{c}) ? datum._w_{c} : 0)" for c in use)
    steps.append({"calculate": have, "as": "_wsum"})
    terms = " + ".join(
        f"(isValid(datum.{c}) ? datum.{c} : 0) * ((isValid(datum.{c}) ? datum._w_{c} : 0) "
        "/ datum._wsum)"
        for c in use
    )
    steps += [
        {"calculate": f"datum._wsum > 0 ? {terms} : null", "as": "daed_index"},
        {"calculate": "datum.fit && isValid(datum.daed_index)", "as": "_ok"},
        {"calculate": "datum._ok ? 0 : 1", "as": "_order"},
        {"calculate": "datum._ok ? 1 : 0", "as": "_one"},
        {"joinaggregate": [{"op": "sum", "field": "_one", "as": "_n"}]},
        *_quantile_steps("daed_index", "q_daed", "daed"),
        *_quantile_steps("resource_share", "q_resource", "res"),
        {"filter": "datum.show && isValid(datum.daed_index)"},
        {
            "calculate": (
                "datum.daed_index > datum.thr_daed ? (datum.resource_share > datum.thr_res ? 2 : 1)"
                " : (datum.resource_share > datum.thr_res ? 4 : 3)"
            ),
            "as": "type",
        },
        {"calculate": f"{json.dumps(['', *type_names])}[datum.type]", "as": "type_name"},
        {
            "calculate": f"round(datum.daed_index * 1e{RANK_DECIMALS}) / 1e{RANK_DECIMALS}",
            "as": "_rounded",
        },
        {
            "window": [{"op": "rank", "as": "rank"}],
            "sort": [{"field": "_rounded", "order": "descending"}],
        },
        {"calculate": "datum.resource_share * 100", "as": "resource_pct"},
    ]
    return steps


def _field(name: str, kind: str, title: str | None, **extra: Any) -> dict[str, Any]:
    return {"field": name, "type": kind, "title": title, **extra}


def explorer_spec(
    table: pd.DataFrame,
    weights: Mapping[str, float] | pd.Series | None = None,
    model: Any = None,
    year: int | None = None,
    lang: str = "en",
    *,
    title: str | None = None,
) -> dict[str, Any]:
    """The Vega-Lite specification of the explorer (a dict): sliders, ranking, scatter, tile map.

    ``table``: the stage 04 DAED table; ``weights``: the run's weights (the sliders start there;
    default: the shipped defaults); ``model``: the run's :class:`~exportlab.typology.RegionTypes`
    (its thresholds start the sliders, its ``base`` says which region-years the thresholds are
    quantiles of; the page always types by quadrants); ``year``: the year shown (default the last).
    Components without data in ``table`` get no slider.
    """
    from exportlab.daed import default_weights
    from exportlab.typology import RegionTypes, type_label

    check_lang(lang)
    model = RegionTypes() if model is None else model
    years = sorted(int(y) for y in table.loc[table["daed_index"].notna(), "year"].unique())
    if not years:
        raise ValueError("the DAED table has no index")
    year = years[-1] if year is None else int(year)
    data = page_data(table, year, model.base, lang)
    use = [c for c in COMPONENTS if data[c].notna().any()]
    w = check_weights(default_weights() if weights is None else weights)
    if float(w[use].sum()) <= 0:
        raise ValueError(f"the components with data {use} have zero total weight")
    w_use = w[use] / float(w[use].sum())
    q_daed, q_res = _start_quantiles(table, model, year)
    type_names = [type_label(k, lang) for k in (1, 2, 3, 4)]

    def slider(name: str, value: float, label: str, bounds: tuple[float, float, float]) -> dict:
        low, high, step = bounds
        bind = {
            "input": "range",
            "min": low,
            "max": high,
            "step": step,
            "name": f"{label} ",
            "element": "#controls",
        }
        return {"name": name, "value": value, "bind": bind}

    params = [
        slider(
            WEIGHT_PARAMS[c],
            float(w_use[c]),  # exact: the page starts at the report's numbers
            pick(COMPONENT_LABELS[c], lang),
            WEIGHT_RANGE,
        )
        for c in use
    ]
    params.append(
        slider(
            "q_daed",
            q_daed,
            t("DAED threshold, quantile", "Порог ДАЭД, квантиль", lang),
            QUANTILE_RANGE,
        )
    )
    params.append(
        slider(
            "q_resource",
            q_res,
            t("Resource-share threshold, quantile", "Порог сырьевой доли, квантиль", lang),
            QUANTILE_RANGE,
        )
    )
    type_title = t("Type", "Тип", lang)
    index_title = t("DAED index", "Индекс ДАЭД", lang)
    resource_title = t("Resource share, %", "Сырьевая доля, %", lang)
    color = _field(
        "type_name",
        "nominal",
        type_title,
        scale={"domain": type_names, "range": [TYPE_COLORS[k] for k in (1, 2, 3, 4)]},
        legend={"orient": "top", "direction": "vertical"},
    )
    tooltip = [
        _field("rank", "quantitative", t("Rank", "Место", lang)),
        _field("name", "nominal", t("Region", "Регион", lang)),
        _field("region", "nominal", t("Code", "Код", lang)),
        _field("daed_index", "quantitative", index_title, format=".3f"),
        _field("resource_pct", "quantitative", resource_title, format=".1f"),
        _field("type_name", "nominal", type_title),
    ]
    n_shown = int(data["show"].sum())
    ranking = {
        "name": "ranking",
        "title": t(f"Ranking, {year}", f"Рейтинг, {year}", lang),
        "width": 260,
        "height": {"step": 12} if n_shown > 1 else 40,
        "mark": {"type": "bar"},
        "encoding": {
            "y": _field(
                "name",
                "nominal",
                None,
                sort={"field": "rank", "op": "min", "order": "ascending"},
                axis={"labelLimit": 170},
            ),
            "x": _field("daed_index", "quantitative", index_title),
            "color": color,
            "tooltip": tooltip,
        },
    }
    rule = {"type": "rule", "strokeDash": [4, 3], "color": "#555555"}
    scatter = {
        "name": "scatter",
        "title": t(f"Four types of regions, {year}", f"Четыре типа регионов, {year}", lang),
        "width": 380,
        "height": 300,
        "layer": [
            {
                "mark": {"type": "circle", "size": 60, "opacity": 0.85},
                "encoding": {
                    "x": _field("daed_index", "quantitative", index_title),
                    "y": _field("resource_pct", "quantitative", resource_title),
                    "color": color,
                    "tooltip": tooltip,
                },
            },
            {"mark": rule, "encoding": {"x": {"field": "thr_daed", "aggregate": "min"}}},
            {
                "transform": [{"calculate": "datum.thr_res * 100", "as": "thr_pct"}],
                "mark": rule,
                "encoding": {"y": {"field": "thr_pct", "aggregate": "min"}},
            },
        ],
    }
    tile_x = _field("tile_col", "ordinal", None, axis=None)
    tile_y = _field("tile_row", "ordinal", None, axis=None)
    tiles = {
        "name": "tiles",
        "title": t(
            f"Map of types (tile grid), {year}", f"Карта типов (сетка плиток), {year}", lang
        ),
        "width": {"step": 38},
        "height": {"step": 24},
        "transform": [{"filter": "isValid(datum.tile_row)"}],
        "layer": [
            {
                "mark": {"type": "rect", "stroke": "white", "strokeWidth": 1},
                "encoding": {"x": tile_x, "y": tile_y, "color": color, "tooltip": tooltip},
            },
            {
                "mark": {"type": "text", "fontSize": 7, "color": "#111111"},
                "encoding": {"x": tile_x, "y": tile_y, "text": {"field": "tile"}},
            },
        ],
    }
    return {
        "title": title or "",
        "data": {"values": _records(data)},
        "params": params,
        # the computation runs once for all three views, before they split
        "transform": _transforms(use, type_names),
        "hconcat": [ranking, {"vconcat": [scatter, tiles]}],
        "config": {"view": {"stroke": None}, "legend": {"labelLimit": 260}},
        "usermeta": {
            "exportlab": {
                "year": year,
                "base": model.base if isinstance(model.base, str) else int(model.base),
                "components": use,
                "lang": lang,
                "off_grid": sorted(
                    data.loc[data["show"] & data["tile_row"].isna(), "region"].unique().tolist()
                ),
            }
        },
    }


def controls(spec: Mapping[str, Any]) -> dict[str, float]:
    """The values of the page's sliders in ``spec``: the weights ``k1..k4`` (of the components with
    data) and the threshold quantiles ``q_daed``, ``q_resource``."""
    names = {v: k for k, v in WEIGHT_PARAMS.items()} | {q: q for q in QUANTILE_PARAMS}
    return {
        names[p["name"]]: float(p["value"]) for p in spec.get("params", []) if p["name"] in names
    }


def set_controls(
    spec: Mapping[str, Any],
    weights: Mapping[str, float] | None = None,
    quantiles: tuple[float, float] | None = None,
) -> dict[str, Any]:
    """A copy of ``spec`` with its sliders set: ``weights`` (any non-negative numbers; the page
    rescales them over the components with data) and the threshold ``quantiles`` (DAED, resource).
    """
    out = copy.deepcopy(dict(spec))
    values: dict[str, float] = {}
    if weights is not None:
        values.update({WEIGHT_PARAMS[c]: float(v) for c, v in weights.items()})
    if quantiles is not None:
        values.update(dict(zip(QUANTILE_PARAMS, map(float, quantiles), strict=True)))
    for param in out.get("params", []):
        if param["name"] in values:
            param["value"] = values[param["name"]]
    return out


# ------------------------------------------------------------------ the package's numbers


def package_view(
    table: pd.DataFrame,
    weights: Mapping[str, float],
    quantiles: tuple[float, float],
    base: Any = "pooled",
    year: int | None = None,
    normalisation: str = "minmax",
) -> pd.DataFrame:
    """The package's ranking and types for slider values: :func:`exportlab.daed.daed_index` with
    ``weights`` and :class:`exportlab.typology.RegionTypes` (quadrants, thresholds ``q<quantile>``,
    ``base``) — what the page must show. Returns ``region, daed_index, rank, type`` of ``year``
    sorted by rank and region.
    """
    from exportlab.daed import available_components, daed_index
    from exportlab.typology import TYPE_COLUMNS, RegionTypes

    use = available_components(table)
    w = {c: float(weights.get(c, 0.0)) for c in COMPONENTS}
    base_cols = [c for c in ("region", "year", *COMPONENTS, "resource_share") if c in table]
    df = daed_index(
        table[base_cols].drop(columns=list(TYPE_COLUMNS), errors="ignore"),
        w,
        normalisation,
        use=use,
    )
    years = sorted(int(y) for y in df.loc[df["daed_index"].notna(), "year"].unique())
    year = years[-1] if year is None else int(year)
    typed = df[df["daed_index"].notna() & df["resource_share"].notna()]
    if base == "each_year":
        typed = typed[typed["year"] == year]
        base = year
    model = RegionTypes("quadrants", tuple(f"q{q:g}" for q in quantiles), base)
    typed = pd.concat([typed, model.fit(typed).predict(typed)], axis=1)
    shown = typed[typed["year"] == year]
    return shown[["region", "daed_index", "rank", "type"]].sort_values(
        ["rank", "region"], ignore_index=True
    )


# ------------------------------------------------------------------------------- the page


#: Environment variable naming the folder of the bundled scripts (default
#: ``$XDG_CACHE_HOME/exportlab`` or ``~/.cache/exportlab``).
CACHE_ENV = "EXPORTLAB_CACHE"
#: A cached bundle must hold this name (the function it exports); anything else is bundled again.
_BUNDLE_MARK = "vegaEmbed"


def cache_dir() -> Path:
    """Where the bundled scripts are kept between runs (see :data:`CACHE_ENV`)."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "exportlab"


@cache
def _bundle(vl_version: str | None) -> str:
    """Vega, Vega-Lite and Vega-Embed as one script (bundled by ``vl-convert-python``).

    Bundling takes about 2 s of CPU, so the result is kept in :func:`cache_dir` under the
    vl-convert version (the bundle depends on nothing else) and read from there by later runs; a
    folder that cannot be written just means bundling every time.
    """
    import vl_convert as vlc

    from exportlab.files import atomic_write_bytes

    version = importlib.metadata.version("vl-convert-python")
    path = cache_dir() / f"vega-bundle-{version}-{vl_version or 'latest'}.js"
    try:
        text = path.read_text(encoding="utf-8")
        if _BUNDLE_MARK in text:
            return text
    except (OSError, UnicodeDecodeError):
        pass
    text = vlc.javascript_bundle(vl_version=vl_version)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(text.encode("utf-8"), path)
    except OSError:
        pass
    return text


def rule_text(spec: Mapping[str, Any], lang: str = "en", method: str = "quadrants") -> list[str]:
    """The page's statement of what it computes (paragraphs), in ``lang``."""
    meta = spec.get("usermeta", {}).get("exportlab", {})
    base = meta.get("base", "pooled")
    year = meta.get("year")
    comps = ", ".join(c.upper() for c in meta.get("components", COMPONENTS))
    if base == "pooled":
        fitted = t(
            "all region-years of the panel together (pooled, as the report)",
            "всем регионо-годам панели вместе (объединённая панель, как в отчёте)",
            lang,
        )
    elif base == "each_year":
        fitted = t(f"the regions of {year}", f"регионам {year} года", lang)
    else:
        fitted = t(f"the regions of the base year {base}", f"регионам базового {base} года", lang)
    lines = [
        t(
            f"Index: DAED = Σ a_i·n(K_i) / Σ a_i over the components the region has ({comps}); "
            "n(K_i) are the components normalised across the regions of a year, as in the report; "
            "the weights a_i are the sliders (rescaled to sum 1).",
            f"Индекс: ДАЭД = Σ a_i·n(K_i) / Σ a_i по компонентам, которые есть у региона ({comps}); "
            "n(K_i) — компоненты, нормированные по регионам года, как в отчёте; веса a_i — "
            "ползунки (приводятся к сумме 1).",
            lang,
        ),
        t(
            "Types: quadrants on the chosen thresholds. A threshold is the chosen quantile (0.5 = "
            f"median) of the index or of the resource share over {fitted}; “high” means strictly "
            "above it. 1 high DAED, low resource share; 2 high, high; 3 low, low; 4 low DAED, high "
            "resource share. The dashed lines of the scatter are the thresholds. Rank 1 = the "
            "highest index; equal indices share a rank.",
            "Типы — квадранты по выбранным порогам. Порог — выбранный квантиль (0,5 = медиана) "
            f"индекса или сырьевой доли по {fitted}; «высокий» — строго выше порога. 1 — высокий "
            "ДАЭД, низкая сырьевая доля; 2 — высокий, высокая; 3 — низкий, низкая; 4 — низкий "
            "ДАЭД, высокая сырьевая доля. Пунктир на диаграмме — пороги. Место 1 — наибольший "
            "индекс; равные индексы делят место.",
            lang,
        ),
        t(
            "Set at least one weight above zero: with every weight at zero there is no index.",
            "Хотя бы один вес должен быть больше нуля: при всех нулевых весах индекса нет.",
            lang,
        ),
    ]
    if method != "quadrants":
        lines.append(
            t(
                f"The report types regions by {method} clustering; this page shows the quadrant "
                "rule, which a reader can check on the scatter.",
                f"В отчёте типы получены кластеризацией ({method}); эта страница показывает "
                "правило квадрантов, которое читатель проверяет по диаграмме.",
                lang,
            )
        )
    return lines


PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; margin: 1.5em;
       color: #222; max-width: 80em; }}
h1 {{ font-size: 1.4em; margin-bottom: 0.2em; }}
p {{ line-height: 1.4; margin: 0.4em 0; }}
.note {{ color: #555; font-size: 0.9em; }}
#controls {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(30em, 1fr));
             gap: 0.3em 1.5em; margin: 1em 0; padding: 0.6em; background: #f4f4f4; }}
.vega-bind label {{ display: flex; align-items: center; gap: 0.4em; }}
.vega-bind-name {{ min-width: 17em; }}
</style>
</head>
<body>
<h1>{title}</h1>
{paragraphs}
<div id="controls"></div>
<div id="explorer"></div>
<noscript>{noscript}</noscript>
<script>{bundle}</script>
<script>
const spec = {spec};
vegaEmbed("#explorer", spec, {{mode: "vega-lite", actions: false, renderer: "svg"{locale}}})
  .catch(function (error) {{
    document.getElementById("explorer").textContent = String(error);
  }});
</script>
</body>
</html>
"""

#: d3-format locale of the Russian page: decimal comma, narrow space between thousands.
RU_FORMAT = {"decimal": ",", "thousands": "\u202f", "grouping": [3], "currency": ["", "\u00a0₽"]}


def explorer_html(
    spec: Mapping[str, Any],
    lang: str = "en",
    *,
    title: str | None = None,
    note: str = "",
    method: str = "quadrants",
) -> str:
    """The self-contained page: ``spec``, the rule it computes, ``note`` (e.g. the data source
    line) and the inlined Vega/Vega-Lite/Vega-Embed scripts; no external URL is loaded."""
    check_lang(lang)
    title = title or t("DAED explorer", "Исследование индекса ДАЭД", lang)
    paragraphs = [f"<p>{html.escape(line)}</p>" for line in rule_text(spec, lang, method)]
    if note:
        paragraphs.append(f'<p class="note">{html.escape(note)}</p>')
    spec_json = json.dumps(spec, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    locale = f", formatLocale: {json.dumps(RU_FORMAT, ensure_ascii=False)}" if lang == "ru" else ""
    return PAGE.format(
        lang=lang,
        title=html.escape(title),
        paragraphs="\n".join(paragraphs),
        noscript=html.escape(
            t(
                "The explorer needs JavaScript switched on in the browser.",
                "Для работы страницы в браузере должен быть включён JavaScript.",
                lang,
            )
        ),
        bundle=_bundle(None).replace("</script", "<\\/script"),
        spec=spec_json,
        locale=locale,
    )


def write_explorer(
    table: pd.DataFrame,
    path: str | os.PathLike[str] | None = None,
    *,
    weights: Mapping[str, float] | pd.Series | None = None,
    model: Any = None,
    year: int | None = None,
    lang: str = "en",
    note: str = "",
) -> Path:
    """Write the explorer page of a run (atomically) and return its path.

    ``path`` defaults to ``daed_explorer.html`` in :func:`exportlab.paths.reports_dir`.

    >>> write_explorer(table, weights=w, model=types_model, year=2021, lang="ru")  # doctest: +SKIP
    PosixPath('.../reports/daed_explorer.html')
    """
    from exportlab import paths
    from exportlab.files import atomic_write_bytes

    target = Path(path) if path is not None else paths.reports_dir() / "daed_explorer.html"
    spec = explorer_spec(table, weights, model, year, lang)
    method = getattr(model, "method", "quadrants")
    page = explorer_html(spec, lang, note=note, method=method)
    return atomic_write_bytes(page.encode("utf-8"), target)
