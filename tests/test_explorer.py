"""The seminar explorer page: self-contained, rendered by the same engine, the package's numbers."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
import vl_convert as vlc

from exportlab import daed, explorer, paths, typology
from exportlab.plot.colors import TYPE_COLORS

# regions on the tile grid, and one code outside it (another country's reference)
REGIONS = [
    "RU-MOW",
    "RU-SPE",
    "RU-TA",
    "RU-KEM",
    "RU-KHM",
    "RU-YAN",
    "RU-SVE",
    "RU-NVS",
    "RU-KDA",
    "RU-ROS",
    "RU-BA",
    "RU-PER",
    "RU-SA",
    "RU-KYA",
    "RU-IRK",
    "RU-AMU",
    "RU-KLU",
    "RU-TUL",
    "RU-YAR",
    "RU-ORE",
    "RU-SAM",
    "RU-ULY",
    "RU-CHE",
    "RU-TYU",
    "XX-01",
]
YEARS = (2019, 2020, 2021)


def _table(seed: int = 7) -> pd.DataFrame:
    """A DAED table as stage 04 writes it: components of realistic ranges, K3 missing for a few
    region-years (no support data), many regions without resource export."""
    rng = np.random.default_rng(seed)
    rows = []
    for year in YEARS:
        for i, region in enumerate(REGIONS):
            rows.append(
                {
                    "region": region,
                    "year": year,
                    "k1": rng.uniform(0.0, 0.3),
                    "k2": rng.uniform(0.0, 0.2),
                    "k3": np.nan if i % 7 == 3 else rng.lognormal(0.0, 1.0),
                    "k4": rng.uniform(0.1, 0.9),
                    "resource_share": 0.0 if i % 3 == 0 else rng.uniform(0.0, 1.0),
                }
            )
    comps = pd.DataFrame(rows)
    weights = {"k1": 0.35, "k2": 0.3, "k3": 0.2, "k4": 0.15}
    return daed.daed_index(comps, weights, "minmax")


def _model(table: pd.DataFrame, base="pooled", thresholds=("median", "median")):
    return typology.RegionTypes("quadrants", thresholds, base).fit(table)


# ------------------------------------------------------------------------- reading the page


def _bars(svg: str) -> pd.DataFrame:
    """The ranking as the rendered SVG shows it: one row per bar, top to bottom, with the rank,
    the code and the index of its label (English or Russian titles) and the type of its colour."""
    root = ET.fromstring(svg)
    colour_type = {colour: k for k, colour in TYPE_COLORS.items()}
    rows = []
    for group in root.iter("{http://www.w3.org/2000/svg}g"):
        if "ranking_marks" not in (group.get("class") or ""):
            continue
        for path in group:
            fields = dict(
                part.split(": ", 1) for part in path.get("aria-label").split("; ") if ": " in part
            )
            top = float(re.match(r"M[-\d.e]+,([-\d.e]+)", path.get("d")).group(1))
            rows.append(
                {
                    "y": top,
                    "region": fields.get("Code", fields.get("Код")),
                    "rank": int(fields.get("Rank", fields.get("Место"))),
                    "daed_index": float(fields.get("DAED index", fields.get("Индекс ДАЭД"))),
                    "type": colour_type[path.get("fill")],
                }
            )
    assert rows, "the SVG has no ranking bars"
    return pd.DataFrame(rows).sort_values("y", kind="stable", ignore_index=True)


def _shown(spec: dict) -> pd.DataFrame:
    return _bars(vlc.vegalite_to_svg(spec))


def _compare(page: pd.DataFrame, package: pd.DataFrame) -> None:
    page = page.sort_values(["rank", "region"], ignore_index=True)
    assert page["region"].tolist() == package["region"].tolist()
    assert page["rank"].tolist() == package["rank"].astype(int).tolist()
    assert page["type"].tolist() == package["type"].astype(int).tolist()
    np.testing.assert_allclose(page["daed_index"], package["daed_index"], rtol=0, atol=1e-9)


# ------------------------------------------------------------------------------ hand values


def test_hand_computed_ranking_thresholds_and_types():
    """Four regions, one year, K1 and K2 only (weights 3:1 → 0.75, 0.25).

    A: 0.75·1 + 0.25·0 = 0.75; B: 0.75·0 + 0.25·1 = 0.25; C: 0.75·0.5 + 0.25·0.5 = 0.5;
    D: 0.75·0.2 + 0.25·0.2 = 0.2. Median of (0.2, 0.25, 0.5, 0.75) = 0.375: A, C high.
    Resource shares (0.1, 0.9, 0.8, 0.0), median 0.45: B, C high → A 1, B 4, C 2, D 3.
    """
    table = pd.DataFrame(
        {
            "region": ["RU-TA", "RU-KEM", "RU-SVE", "RU-MOW"],
            "year": 2021,
            "k1_norm": [1.0, 0.0, 0.5, 0.2],
            "k2_norm": [0.0, 1.0, 0.5, 0.2],
            "k3_norm": np.nan,
            "k4_norm": np.nan,
            "daed_index": [0.5, 0.5, 0.5, 0.5],
            "resource_share": [0.1, 0.9, 0.8, 0.0],
        }
    )
    spec = explorer.explorer_spec(table, {"k1": 3, "k2": 1, "k3": 0, "k4": 0}, year=2021)
    assert explorer.controls(spec) == {"k1": 0.75, "k2": 0.25, "q_daed": 0.5, "q_resource": 0.5}
    shown = _shown(spec)
    assert shown["region"].tolist() == ["RU-TA", "RU-SVE", "RU-KEM", "RU-MOW"]
    assert shown["rank"].tolist() == [1, 2, 3, 4]
    assert shown["daed_index"].tolist() == pytest.approx([0.75, 0.5, 0.25, 0.2])
    assert shown["type"].tolist() == [1, 2, 4, 3]
    # a lower DAED threshold (q = 0.2: 0.2 + 0.6·0.05 = 0.23) makes B high too: type 2
    moved = _shown(explorer.set_controls(spec, quantiles=(0.2, 0.5)))
    assert moved.set_index("region").loc["RU-KEM", "type"] == 2
    assert moved.set_index("region").loc["RU-MOW", "type"] == 3


# ------------------------------------------------------------------- the package's numbers


SETTINGS = [
    ({"k1": 1.0, "k2": 0.0, "k3": 0.0, "k4": 0.0}, (0.5, 0.5)),
    ({"k1": 0.25, "k2": 0.25, "k3": 0.25, "k4": 0.25}, (0.3, 0.7)),
    ({"k1": 0.1, "k2": 0.2, "k3": 0.6, "k4": 0.1}, (0.65, 0.4)),
]


@pytest.mark.parametrize(("weights", "quantiles"), SETTINGS, ids=["k1-only", "equal", "k3-heavy"])
def test_page_shows_the_package_ranking_and_types(weights, quantiles):
    table = _table()
    model = _model(table)
    spec = explorer.explorer_spec(table, {"k1": 0.4, "k2": 0.3, "k3": 0.2, "k4": 0.1}, model, 2021)
    shown = _shown(explorer.set_controls(spec, weights, quantiles))
    package = explorer.package_view(table, weights, quantiles, "pooled", 2021)
    assert len(shown) == len(REGIONS)
    _compare(shown, package)
    # the bars run from rank 1 at the top down
    assert shown["rank"].is_monotonic_increasing


@pytest.mark.parametrize("base", [2020, "each_year"])
def test_thresholds_follow_the_run_base(base):
    table = _table(seed=11)
    model = _model(table, base=base)
    spec = explorer.explorer_spec(table, None, model, 2021)
    weights, quantiles = {"k1": 0.2, "k2": 0.5, "k3": 0.1, "k4": 0.2}, (0.45, 0.6)
    shown = _shown(explorer.set_controls(spec, weights, quantiles))
    _compare(shown, explorer.package_view(table, weights, quantiles, base, 2021))


def test_default_view_is_the_report():
    """With the run's weights and median thresholds the page shows the report's rank and type."""
    table = _table(seed=3)
    # weights as experts' ranks give them (no short decimal): the sliders start exactly there
    weights = {"k1": 5 / 14, "k2": 4.4 / 14, "k3": 2.8 / 14, "k4": 1.8 / 14}
    table = daed.daed_index(table[["region", "year", "k1", "k2", "k3", "k4"]], weights).merge(
        table[["region", "year", "resource_share"]]
    )
    model = typology.RegionTypes()
    typed = typology.add_types(table, model)
    spec = explorer.explorer_spec(typed, weights, model, 2021)
    assert explorer.controls(spec) == {**weights, "q_daed": 0.5, "q_resource": 0.5}
    report = typed[typed["year"] == 2021].sort_values(["rank", "region"], ignore_index=True)
    _compare(_shown(spec), report[["region", "daed_index", "rank", "type"]])


def test_sliders_start_at_the_run_thresholds():
    table = _table()
    spec = explorer.explorer_spec(table, None, _model(table, thresholds=("q0.6", 0.5)), 2021)
    values = explorer.controls(spec)
    assert values["q_daed"] == 0.6
    shares = table["resource_share"].dropna()
    assert values["q_resource"] == pytest.approx(round(float(np.mean(shares <= 0.5)), 2))


def test_components_without_data_get_no_slider_and_weights_rescale():
    table = _table()
    table["k3_norm"] = np.nan
    spec = explorer.explorer_spec(table, {"k1": 0.4, "k2": 0.3, "k3": 0.2, "k4": 0.1})
    values = explorer.controls(spec)
    assert "k3" not in values
    assert values["k1"] == pytest.approx(0.5)
    assert values["k4"] == pytest.approx(0.125)


def test_regions_off_the_tile_grid_are_named():
    table = _table()
    spec = explorer.explorer_spec(table, None, year=2021)
    assert spec["usermeta"]["exportlab"]["off_grid"] == ["XX-01"]


def test_spec_compiles_and_states_its_rule_in_both_languages():
    table = _table()
    for lang, words in (("en", "quadrants on the chosen thresholds"), ("ru", "квадранты")):
        spec = explorer.explorer_spec(table, None, lang=lang)
        vega = vlc.vegalite_to_vega(spec)
        assert {s["name"] for s in vega["signals"]} >= {"w_k1", "w_k4", "q_daed", "q_resource"}
        page = explorer.explorer_html(spec, lang, note="synthetic demo data")
        assert words in page
        assert f'<html lang="{lang}">' in page


# ------------------------------------------------------------------------- self-contained


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


def _external(page: str) -> list[str]:
    """Everything in the page that would load from elsewhere."""
    parser = _Links()
    parser.feed(page)
    found = []
    for tag, attrs in parser.tags:
        for name in ("src", "href", "data", "srcset", "poster"):
            if attrs.get(name):
                found.append(f"<{tag} {name}={attrs[name]}>")
        if tag in ("link", "iframe", "object", "embed", "base"):
            found.append(f"<{tag}>")
    found += [m for style in parser.styles for m in re.findall(r"url\([^)]*\)|@import", style)]
    found += re.findall(r"<script[^>]*\bsrc\s*=", page, flags=re.IGNORECASE)
    found += re.findall(r"""\bimport\s*\(\s*["']https?:""", page)
    return found


def test_page_loads_nothing_from_elsewhere(tmp_path, monkeypatch):
    monkeypatch.setenv("EXPORTLAB_ROOT", str(tmp_path))
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "pyproject.toml").write_text("")
    table = _table()
    path = explorer.write_explorer(table, weights=None, model=_model(table), lang="ru", note="x")
    assert path == paths.reports_dir() / "daed_explorer.html"
    page = path.read_text(encoding="utf-8")
    assert _external(page) == []
    assert "vegaEmbed(" in page and len(page) > 500_000  # the libraries are inlined
    assert _external('<script src="https://cdn.example/vega.js"></script>')  # the check bites


# ------------------------------------------------------------------------- a real browser


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _headless(browser: str, *args: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                "--virtual-time-budget=15000",
                *args,
            ],
            capture_output=True,
            text=True,
            timeout=180,
        )


def test_page_renders_in_headless_chromium(tmp_path):
    browser = _chromium()
    if browser is None:
        pytest.skip("chromium is not installed (Debian: apt-get install chromium)")
    table = _table()
    model = _model(table)
    weights = {"k1": 0.4, "k2": 0.3, "k3": 0.2, "k4": 0.1}
    page = tmp_path / "explorer.html"
    explorer.write_explorer(table, page, weights=weights, model=model, year=2021, lang="en")
    dom = _headless(browser, "--dump-dom", page.as_uri()).stdout
    assert "Ranking, 2021" in dom
    assert dom.count("role-mark ranking_marks") == 1
    assert dom.count('type="range"') == 6  # four weights, two thresholds
    svg = re.search(r"<svg.*?</svg>", dom, flags=re.DOTALL).group(0)
    package = explorer.package_view(table, weights, (0.5, 0.5), "pooled", 2021)
    _compare(_bars(svg.replace("&nbsp;", " ")), package)
    shot = tmp_path / "shot.png"
    _headless(browser, "--window-size=1300,1000", f"--screenshot={shot}", page.as_uri())
    assert shot.is_file() and shot.stat().st_size > 20_000  # not a blank page


def test_spec_is_json():
    spec = explorer.explorer_spec(_table())
    assert json.loads(json.dumps(spec)) == spec


def test_bundled_scripts_are_kept_between_runs(tmp_path, monkeypatch):
    monkeypatch.setenv(explorer.CACHE_ENV, str(tmp_path / "cache"))
    explorer._bundle.cache_clear()
    first = explorer._bundle(None)
    (kept,) = (tmp_path / "cache").glob("vega-bundle-*.js")
    assert kept.read_text(encoding="utf-8") == first
    explorer._bundle.cache_clear()

    def no_bundling(**_):
        raise AssertionError("bundled again although the cache holds the scripts")

    monkeypatch.setattr(vlc, "javascript_bundle", no_bundling)
    assert explorer._bundle(None) == first
    explorer._bundle.cache_clear()
    kept.write_text("not the scripts", encoding="utf-8")  # a damaged cache is bundled again
    monkeypatch.setattr(vlc, "javascript_bundle", lambda **_: first)
    assert explorer._bundle(None) == first and kept.read_text(encoding="utf-8") == first
    explorer._bundle.cache_clear()
