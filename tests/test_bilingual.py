"""Bilingual throughout: narrative cells in both languages, reports in the run's, figures' numbers."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import matplotlib
import nbformat
import pytest
from conftest import copy_project
from matplotlib.figure import Figure
from test_reports import check_report, parse_report

from exportlab import pipeline, report
from exportlab.pipeline import run
from exportlab.plot import style
from exportlab.stages import STAGES

matplotlib.use("Agg")

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("0*.ipynb"))
CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


def cyrillic_share(text: str) -> float:
    """Share of the letters of ``text`` that are Cyrillic (0 when it has no letters)."""
    letters = [ch for ch in text if ch.isalpha()]
    return sum(bool(CYRILLIC.match(ch)) for ch in letters) / len(letters) if letters else 0.0


def _markdown(path: Path) -> list[nbformat.NotebookNode]:
    nb = nbformat.read(str(path), as_version=4)
    return [c for c in nb.cells if c.cell_type == "markdown"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_narrative_cell_has_an_english_and_a_russian_twin(path: Path):
    cells = _markdown(path)
    assert cells
    tags = [c.metadata.get("tags", []) for c in cells]
    assert all(("lang-en" in t) != ("lang-ru" in t) for t in tags), f"{path.name}: untagged cell"
    english = [c for c in cells if "lang-en" in c.metadata["tags"]]
    russian = {c.id: c for c in cells if "lang-ru" in c.metadata["tags"]}
    assert len(english) == len(russian)
    for cell in english:
        twin = russian[f"{cell.id}-ru"[:64]]
        assert cyrillic_share(twin.source) > 0.6, f"{path.name} {twin.id} is not Russian"
        assert cyrillic_share(cell.source) < 0.3, f"{path.name} {cell.id} is not English"
        # the same formulas and the same parameter names in both
        assert re.findall(r"`[a-z_]+`", twin.source) == re.findall(r"`[a-z_]+`", cell.source) or (
            set(re.findall(r"`[a-z_]+`", twin.source)) == set(re.findall(r"`[a-z_]+`", cell.source))
        ), f"{path.name} {cell.id}: code names differ"
        assert twin.source.count("$") == cell.source.count("$"), f"{path.name} {cell.id}: formulas"


def _notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('lang = "en"')
    params.metadata["tags"] = ["parameters"]
    en = nbformat.v4.new_markdown_cell("## Totals per year")
    en.metadata["tags"] = ["lang-en"]
    ru = nbformat.v4.new_markdown_cell("## Итоги по годам")
    ru.metadata["tags"] = ["lang-ru"]
    both = nbformat.v4.new_markdown_cell("DAED / ДАЭД")
    nb.cells = [params, en, ru, both, nbformat.v4.new_code_cell("1 + 1")]
    return nb


@pytest.mark.parametrize(
    ("lang", "kept", "dropped"), [("en", "Totals", "Итоги"), ("ru", "Итоги", "Totals")]
)
def test_report_keeps_the_narrative_of_its_language_only(lang: str, kept: str, dropped: str):
    prepared = report.prepare(_notebook(), lang=lang, parameters={"lang": lang})
    text = " ".join(c.source for c in prepared.cells if c.cell_type == "markdown")
    assert kept in text and dropped not in text and "DAED / ДАЭД" in text
    assert len([c for c in prepared.cells if c.cell_type == "code"]) == 1


def test_every_stage_has_a_russian_title():
    for stage in STAGES:
        assert stage.label("en") == stage.title
        assert cyrillic_share(stage.label("ru")) > 0.8, stage.id


def _tick_figure(values: list[float]) -> tuple[list[str], bytes]:
    fig = Figure(figsize=(3, 2))
    ax = fig.add_subplot()
    ax.plot(values, values)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    labels = [t.get_text() for t in ax.get_yticklabels()]
    return labels, buffer.getvalue()


def test_russian_figures_use_a_decimal_comma_and_english_ones_stay_as_they_were():
    try:
        style.apply_style()
        before_labels, before = _tick_figure([0.5, 1.5, 2.5])
        style.apply_style("ru")
        ru_labels, ru = _tick_figure([0.5, 1.5, 2.5])
        assert any("," in label for label in ru_labels) and not any("." in x for x in ru_labels)
        assert ru_labels == [label.replace(".", ",") for label in before_labels]
        style.apply_style("en")
        en_labels, en = _tick_figure([0.5, 1.5, 2.5])
        assert en_labels == before_labels and en == before and ru != before
    finally:
        style.apply_style("en")


# ------------------------------------------------------------------ whole runs in a scratch project


def _visible_text(path: Path) -> str:
    return " ".join(parse_report(path).text)


@pytest.mark.slow
def test_russian_reports_read_in_russian_and_english_ones_show_no_russian_narrative(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    root = copy_project(tmp_path / "project")
    (root / "config" / "seminar_en.yaml").write_text("extends: seminar\nlang: en\n")
    monkeypatch.setenv("EXPORTLAB_ROOT", str(root))
    monkeypatch.setattr(pipeline, "package_hash", lambda: "package")
    stages = pipeline.available_stages(root)
    every = [s.id for s in stages]  # the seminar runs its lesson's stages unless others are named

    run("seminar", every, progress=False, log=lambda m: None)
    reports = root / "reports" / "seminar"
    shares = {}
    for stage in stages:
        page = reports / f"{stage.name}.html"
        check_report(page)
        shares[stage.id] = cyrillic_share(_visible_text(page))
    # every stage, stage 08 too: Russian runs name products by their HS chapter (the shipped
    # Russian names stop there), so no report quotes English product names at length
    low = {k: round(v, 3) for k, v in shares.items() if v < 0.6}
    assert not low, f"reports of the Russian run under 60 % Cyrillic letters: {low}"
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert all(stage.label("ru") in index for stage in stages)

    run("seminar_en", every, progress=False, log=lambda m: None)
    for stage in stages:
        source = nbformat.read(str(root / "notebooks" / stage.notebook), as_version=4)
        russian = [
            c.source.splitlines()[0]
            for c in source.cells
            if "lang-ru" in c.metadata.get("tags", [])
        ]
        html = (root / "reports" / "seminar_en" / f"{stage.name}.html").read_text(encoding="utf-8")
        assert json.dumps(stage.title)[1:-1] in html or stage.title in html
        shown = [
            line for line in russian if line.lstrip("#* ").strip() and line.lstrip("#* ") in html
        ]
        assert not shown, f"{stage.name}: Russian narrative in the English report: {shown}"
