"""Bilingual labels, deterministic figure files, and table export."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
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
