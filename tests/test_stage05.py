"""Stage 05 in a scratch project: polygon maps on a machine without DCW-GMT (the shipped copy),
the boundary source named in the report and under the maps, and part of the stage's cache key."""

from __future__ import annotations

import os
import re
from html import unescape
from pathlib import Path

import pytest
from conftest import copy_project

from exportlab import config, geo, pipeline
from exportlab.pipeline import run

pytestmark = pytest.mark.slow

STAGES = ["01", "02", "04", "05"]


def _report_text(root: Path) -> str:
    (report,) = [p for p in (root / "reports").rglob("05_maps.html") if p.is_file()]
    return unescape(re.sub(r"<[^>]+>", " ", report.read_text(encoding="utf-8")))


def _maps(root: Path, kind: str) -> list[Path]:
    return sorted(p for p in (root / "figures").rglob(f"map_*_{kind}.png") if p.is_file())


def test_stage05_draws_polygons_without_dcw_and_reruns_when_it_is_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    installed = geo.find_dcw()
    root = copy_project(tmp_path / "project")
    monkeypatch.setenv("EXPORTLAB_ROOT", str(root))
    # edits to the package while the test runs must not count as changes
    monkeypatch.setattr(pipeline, "package_hash", lambda: "package")
    empty = tmp_path / "no-dcw"
    empty.mkdir()
    monkeypatch.setenv(geo.DCW_ENV, str(empty))  # the kernels inherit it: a machine without DCW

    first = run("seminar", STAGES, progress=False, jobs=1, log=lambda m: None)
    assert not first["stages"]["05"]["cache_hit"]
    polygons = _maps(root, "polygons")
    assert {p.name for p in polygons} >= {
        "map_daed_index_polygons.png",
        "map_region_types_polygons.png",
        "map_resource_share_polygons.png",
        "map_hightech_share_polygons.png",
    }
    assert all(p.stat().st_size > 50_000 for p in polygons)
    text = _report_text(root)
    assert "Карты построены на полигонах регионов (DCW-GMT)" in text
    assert "упрощённая копия из поставки exportlab (допуск 1 км)" in text
    assert "apt install gmt-dcw" in text  # how to get the full file
    # the seminar writes screen figures (runner key figures: PNG at 150 dpi, no SVG)
    assert not list((root / "figures").rglob("map_daed_index_polygons.svg"))

    again = run("seminar", STAGES, progress=False, jobs=1, log=lambda m: None)
    assert all(s["cache_hit"] for s in again["stages"].values())

    if installed is None:
        return
    # the full DCW-GMT file appears: only the stages that draw maps run again, and say so
    monkeypatch.setenv(geo.DCW_ENV, os.fspath(installed))
    full = run("seminar", STAGES, progress=False, jobs=1, log=lambda m: None)
    with_maps = [
        s.id
        for s in pipeline.select_stages(STAGES, root)
        if "boundaries" in config.notebook_parameters(root / "notebooks" / s.notebook)
    ]
    assert "05" in with_maps
    assert sorted(k for k, s in full["stages"].items() if not s["cache_hit"]) == with_maps
    text = _report_text(root)
    assert "DCW-GMT 2.1.1 (LGPL), полный файл, установленный на этом компьютере" in text
    # the note names the full file, not the shipped copy (the narrative explains both)
    assert "упрощённая копия из поставки exportlab (допуск 1 км)" not in text
