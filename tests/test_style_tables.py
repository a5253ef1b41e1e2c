"""Bilingual labels, deterministic figure files, and table export."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import openpyxl
import pandas as pd
import pytest

from exportlab import style, tables


def test_t_picks_language_and_rejects_others():
    assert style.t("Export", "Экспорт", "en") == "Export"
    assert style.t("Export", "Экспорт", "ru") == "Экспорт"
    with pytest.raises(ValueError, match="lang"):
        style.t("Export", "Экспорт", "de")


def test_source_note_says_synthetic_in_both_languages():
    assert "SYNTHETIC" in style.source_note("en", synthetic=True)
    assert "СИНТЕТИЧЕСКИЕ" in style.source_note("ru", synthetic=True, source="ФТС")
    assert style.source_note("en", synthetic=False, source="FCS") == "Source: FCS"


def _figure() -> plt.Figure:
    style.apply_style()
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3], [2, 1, 3], label="Экспорт")
    ax.set_title("Высокотехнологичный экспорт")
    ax.legend()
    return fig


def test_save_figure_is_byte_identical(tmp_path: Path):
    first = style.save_figure(_figure(), "f", tmp_path / "a", formats=("png", "svg", "pdf"))
    second = style.save_figure(_figure(), "f", tmp_path / "b", formats=("png", "svg", "pdf"))
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    assert not [p for p in (tmp_path / "a").iterdir() if p.name.startswith(".")]


@pytest.fixture
def table() -> pd.DataFrame:
    return pd.DataFrame({"region": ["RU-TA", "RU-MOW"], "export_kusd": [1234.56, 98765.4]})


HEADERS = {"region": ("Region", "Регион"), "export_kusd": ("Export, kUSD", "Экспорт, тыс. долл.")}


def test_write_table_all_formats_with_russian_headers(tmp_path: Path, table: pd.DataFrame):
    written = tables.write_table(
        table, "t", tmp_path, headers=HEADERS, lang="ru", title="Таблица", note="Источник: ФТС"
    )
    assert [p.suffix for p in written] == [".csv", ".xlsx", ".tex", ".md"]
    assert (tmp_path / "t.csv").read_text(encoding="utf-8").splitlines()[0] == (
        'Регион,"Экспорт, тыс. долл."'
    )
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    assert sheet["A1"].value == "Таблица"
    assert sheet["B3"].value == "Экспорт, тыс. долл."
    assert sheet["B4"].value == pytest.approx(1234.56)
    assert "\\toprule" in (tmp_path / "t.tex").read_text(encoding="utf-8")
    markdown = (tmp_path / "t.md").read_text(encoding="utf-8")
    assert "| Регион | Экспорт, тыс. долл. |" in markdown and "98 765.4" in markdown


def test_write_table_is_byte_identical(tmp_path: Path, table: pd.DataFrame):
    tables.write_table(table, "t", tmp_path / "a", headers=HEADERS, lang="en")
    tables.write_table(table, "t", tmp_path / "b", headers=HEADERS, lang="en")
    for ext in tables.FORMATS:
        assert (tmp_path / "a" / f"t.{ext}").read_bytes() == (
            tmp_path / "b" / f"t.{ext}"
        ).read_bytes()


def test_unknown_format_is_an_error(tmp_path: Path, table: pd.DataFrame):
    with pytest.raises(ValueError, match="unknown table format"):
        tables.write_table(table, "t", tmp_path, formats=("docx",))


def test_points_to_name_keeps_an_elliptic_gap_around_named_points():
    # a is highlighted, so named first; c (farthest from the median point after d) sits 6 % of the
    # x range and 1 % of the y range from a: outside a circle of radius 5 % but inside an ellipse of
    # half-axes 10 % x 5 %, where it gives way to o, the next farthest
    x = np.array([0.0, 0.06, 0.5, 0.52, 0.55, 1.0])
    y = np.array([0.0, 0.01, 0.5, 0.52, 0.48, 1.0])
    names = ["a", "c", "m", "n", "o", "d"]
    named = {
        gap: [
            n
            for n, s in zip(names, style.points_to_name(x, y, names, 2, ["a"], gap), strict=True)
            if s
        ]
        for gap in (0.0, 0.05, (0.1, 0.05))
    }
    assert named == {0.0: ["a", "c", "d"], 0.05: ["a", "c", "d"], (0.1, 0.05): ["a", "o", "d"]}
