"""Bilingual labels, deterministic figure files, and table export."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from exportlab import tables
from exportlab.labels import source_note, t
from exportlab.plot import style


def test_t_picks_language_and_rejects_others():
    assert t("Export", "Экспорт", "en") == "Export"
    assert t("Export", "Экспорт", "ru") == "Экспорт"
    with pytest.raises(ValueError, match="lang"):
        t("Export", "Экспорт", "de")


def test_source_note_says_synthetic_in_both_languages():
    assert "SYNTHETIC" in source_note("en", synthetic=True)
    assert "СИНТЕТИЧЕСКИЕ" in source_note("ru", synthetic=True, source="ФТС")
    assert source_note("en", synthetic=False, source="FCS") == "Source: FCS"


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


HEADERS = {
    "region": {"en": "Region", "ru": "Регион"},
    "export_kusd": {"en": "Export, kUSD", "ru": "Экспорт, тыс. долл."},
}


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


# ------------------------------------------------------------------ tables for readers (tables.show)


def _cells(styler) -> list[list[str]]:
    return styler.data.values.tolist()


def test_show_localizes_headers_drops_a_bare_index_and_formats_numbers():
    frame = pd.DataFrame(
        {
            "region": ["RU-TA", "RU-MOW"],
            "year": [2021, 2021],
            "value_usd": [159180.638077, np.nan],
            "share": [0.12345, 0.5],
            "type_from": [1, 2],
        },
        index=[131, 307],  # positions a filter left: no column for readers
    )
    en = tables.show(frame, "en")
    assert list(en.data.columns) == ["Region", "Year", "Value, USD", "Share", "Type before"]
    assert _cells(en) == [
        ["RU-TA", "2021", "159,181", "0.123", "1"],
        ["RU-MOW", "2021", "—", "0.500", "2"],
    ]
    ru = tables.show(
        frame, "ru", headers={"value_usd": {"en": "Export, USD", "ru": "Экспорт, долл. США"}}
    )
    assert list(ru.data.columns)[2] == "Экспорт, долл. США"
    assert _cells(ru)[0][2:4] == ["159\xa0181", "0,123"]
    html = en.to_html()
    assert "NaN" not in html and "131" not in html


def test_show_keeps_a_labelled_index_as_a_column_and_never_cuts_text():
    long_text = "Grants to SME start-ups and local logistics for small export lots " * 3
    frame = pd.DataFrame({"instrument": [long_text]}, index=pd.Index(["k1"], name="component"))
    shown = tables.show(frame, "en")
    assert list(shown.data.columns) == ["Component", "Instrument"]
    assert _cells(shown) == [["k1", long_text]]
    assert "…" not in shown.to_html()


def test_show_dates_booleans_coded_values_and_row_limit():
    frame = pd.DataFrame(
        {
            "next_due": pd.to_datetime(["2022-06-30", None]),
            "ok": [True, False],
            "status": ["met", "not_met"],
        }
    )
    labels = {
        "status": {
            "met": {"en": "met", "ru": "выполнено"},
            "not_met": {"en": "not met", "ru": "не выполнено"},
        }
    }
    shown = tables.show(frame, "ru", values=labels, max_rows=1)
    assert _cells(shown) == [["2022-06-30", "да", "выполнено"]]
    assert "первые 1 из 2 строк" in shown.to_html()
    assert "NaT" not in tables.show(frame, "en").to_html()


def test_show_says_what_an_empty_table_means():
    empty = pd.DataFrame(columns=["file", "line", "reason"])
    shown = tables.show(
        empty, "ru", empty={"en": "No rejected rows", "ru": "Отклонённых строк нет"}
    )
    assert shown.message == "Отклонённых строк нет"
    assert "Отклонённых строк нет" in shown._repr_html_()
    assert tables.show(empty, "en").message == "No rows"


def test_labels_in_the_old_tuple_shape_fail_loudly_naming_the_key(tmp_path: Path, table):
    old = {"region": ("Region", "Регион")}
    message = r"headers\['region'\] must be a label \{'en': \.\.\., 'ru': \.\.\.\}, got the tuple"
    with pytest.raises(TypeError, match=message):
        tables.localize(table, old, "en")
    with pytest.raises(TypeError, match=message):
        tables.write_table(table, "t", tmp_path, headers=old)
    with pytest.raises(TypeError, match=message):
        tables.show(table, "en", headers=old)
    with pytest.raises(TypeError, match=r"values\['status'\]\['met'\] must be a label"):
        tables.show(table, "en", values={"status": {"met": ("met", "выполнен")}})
    with pytest.raises(TypeError, match=r"empty must be a label"):
        tables.show(table.iloc[:0], "en", empty=("No rows", "Нет строк"))
    assert not list(tmp_path.iterdir())  # nothing written before the error
    assert tables.show(table.iloc[:0], "en", empty="No rows").message == "No rows"


def test_written_files_are_no_cell_output(tmp_path: Path):
    written = tables.write_table(pd.DataFrame({"a": [1]}), "t", tmp_path, formats=("csv",))
    assert written == [tmp_path / "t.csv"] and written._ipython_display_() is None
    saved = style.save_figure(_figure(), "f", tmp_path, formats=("png",), close=True)
    assert saved == [tmp_path / "f.png"] and saved.figure is not None


def test_save_figures_writes_a_dict_of_figures_in_order_and_displays_each(
    tmp_path: Path, monkeypatch
):
    first, second = _figure(), _figure()
    saved = style.save_figures({"b": first, "a": second}, tmp_path, formats=("png", "svg"))
    names = ["b.png", "b.svg", "a.png", "a.svg"]
    assert [p.name for p in saved] == names
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)
    shown = []
    monkeypatch.setattr("IPython.display.display", shown.append)
    saved._ipython_display_()
    assert shown == [first, second]
    assert style.save_figures({}, tmp_path) == []


@given(st.floats(1e-3, 1e9), st.integers(0, 4))
def test_format_number_round_trips_in_both_languages(value: float, decimals: int):
    en = tables.format_number(value, decimals, "en")
    ru = tables.format_number(value, decimals, "ru")
    assert float(en.replace(",", "")) == pytest.approx(round(value, decimals), abs=10**-decimals)
    assert ru.replace("\xa0", "").replace(",", ".") == en.replace(",", "")


def test_a_column_named_after_a_year_but_holding_amounts_keeps_its_separators():
    """ "Export in the base year" holds money, not years: 793 785 573, while years stay 2015."""
    frame = pd.DataFrame(
        {"year": [2015, 2019], "base": [793785573, 1234], "base_year": [2018, 2019]}
    )
    headers = {
        "year": {"en": "Year", "ru": "Год"},
        "base": {"en": "Export in the base year, USD", "ru": "Экспорт в базовом году, долл. США"},
        "base_year": {"en": "Base year", "ru": "Базовый год"},
    }
    for lang, amount in (("ru", "793\xa0785\xa0573"), ("en", "793,785,573")):
        shown = tables.show(frame, lang, headers=headers).data
        assert shown.iloc[:, 0].tolist() == ["2015", "2019"]
        assert shown.iloc[0, 1] == amount
        assert shown.iloc[:, 2].tolist() == ["2018", "2019"]
