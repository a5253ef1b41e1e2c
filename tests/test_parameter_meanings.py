"""Every parameter a stage notebook declares has a meaning in English (its comment) and in Russian."""

from __future__ import annotations

import csv
import io
import re
from importlib import resources

from exportlab import report
from exportlab.config import notebook_parameters
from exportlab.paths import notebooks_dir
from exportlab.stages import STAGES


def _rows() -> list[dict[str, str]]:
    text = resources.files("exportlab").joinpath("data/parameters_ru.csv").read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_every_declared_parameter_has_both_meanings():
    missing = []
    for stage in STAGES:
        notebook = notebooks_dir() / stage.notebook
        english = report.parameter_docs(notebook)
        russian = report.parameter_meanings_ru(stage.id)
        for name in notebook_parameters(notebook):
            if not english.get(name):
                missing.append(f"{stage.id} {name}: no English comment")
            if not re.search("[а-яё]", russian.get(name, ""), re.IGNORECASE):
                missing.append(f"{stage.id} {name}: no Russian meaning")
    assert missing == []


def test_no_meaning_for_a_parameter_nobody_declares():
    declared = {
        stage.id: set(notebook_parameters(notebooks_dir() / stage.notebook)) for stage in STAGES
    }
    every = set().union(*declared.values())
    stale = [
        (r["stage"], r["name"])
        for r in _rows()
        if (
            r["name"] not in declared.get(r["stage"], set())
            if r["stage"]
            else r["name"] not in every
        )
    ]
    assert stale == []


def test_russian_report_table_shows_the_russian_meaning(tmp_path):
    notebook = notebooks_dir() / "04_daed_index_clusters.ipynb"
    docs = report.parameter_docs(notebook, "ru")
    assert docs["n_boot"].startswith("число бутстреп-выборок")
    html = report.parameters_html({"n_boot": 50}, {"n_boot": 200}, "ru", docs=docs)
    assert "<th>описание</th>" in html and "число бутстреп-выборок" in html
    english = report.parameters_html(
        {"n_boot": 50}, {"n_boot": 200}, "en", docs=report.parameter_docs(notebook)
    )
    assert "<th>meaning</th>" in english and "bootstrap resamples" in english
