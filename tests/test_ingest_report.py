"""Stage 01's quality-report tables and figures, and where the raw data came from (provenance)."""

from __future__ import annotations

import json

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from exportlab.errors import IngestError, Rejection
from exportlab.io import quality
from exportlab.io.provenance import raw_provenance
from exportlab.io.quality import IngestReport
from exportlab.plot import ingest as plot_ingest


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def report() -> IngestReport:
    return IngestReport(
        files=[
            {
                "file": "a.csv",
                "format": "text",
                "encoding": "cp1251",
                "layout": "dattsvt",
                "rows": 10,
                "rejected": 2,
                "restored_codes": 1,
            }
        ],
        rejections=[
            Rejection("a.csv", 3, "tnved", "a code", "88"),
            Rejection("a.csv", 4, "st", "a", "x"),
        ],
        rejected_by_reason={"value": 1, "code": 1},
        coverage=pd.DataFrame(
            {
                "region": ["RU-TA", "RU-TA", "RU-MOW"],
                "year": [2020, 2021, 2021],
                "rows": [3, 4, 1],
                "value_usd": [1.0, 2.0, 5.0],
            }
        ),
        totals=pd.DataFrame(
            {
                "year": [2020, 2021, 2021],
                "flow": ["export", "export", "import"],
                "rows": [3, 4, 1],
                "value_usd": [2.5e9, 3e9, 1e9],
                "netto_kg": [1e9, 2e9, 5e8],
            }
        ),
    )


def test_files_table_headers(report):
    ru = quality.files_table(report, "ru")
    assert ru.columns.tolist() == [
        "Файл",
        "Формат",
        "Кодировка",
        "Макет",
        "Прочитано строк",
        "Отклонено",
        "Коды с восстановленным нулём",
    ]
    assert ru.iloc[0].tolist() == ["a.csv", "text", "cp1251", "dattsvt", 10, 2, 1]
    assert quality.files_table(report, "en").columns[0] == "File"


def test_reasons_table_every_reason_translated(report):
    ru = quality.reasons_table(report, "ru")
    assert ru.values.tolist() == [["неверный код ТН ВЭД", 1], ["стоимость не число", 1]]
    en = quality.reasons_table(report, "en")
    assert en.values.tolist() == [["invalid commodity code", 1], ["value is not a number", 1]]
    assert set(quality.REJECTED) == set(quality.REASONS)  # every reason is named in both languages
    empty = quality.reasons_table(IngestReport(), "en")
    assert empty.empty and empty.columns.tolist() == ["Reason", "Rows"]


def test_totals_table_units(report):
    ru = quality.totals_table(report, "ru")
    assert ru.columns.tolist() == [
        "Год",
        "Поток",
        "Строк",
        "Стоимость, млн долл. США",
        "Нетто, тыс. т",
    ]
    # 2.5e9 USD = 2 500 million USD; 1e9 kg = 1 000 thousand t
    assert ru.iloc[0].tolist() == [2020, "Экспорт", 3, 2500.0, 1000.0]
    assert ru["Поток"].tolist() == ["Экспорт", "Экспорт", "Импорт"]
    assert quality.flow_label("transit", "ru") == "transit"  # an unknown flow is shown as it is


def test_coverage_heatmap(report):
    fig = plot_ingest.coverage_heatmap(report, "ru")
    ax = fig.axes[0]
    assert ax.get_title() == "Покрытие: регион × год"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2020", "2021"]
    # RU-MOW has no row in 2020: that cell is empty (NaN), not zero
    image = ax.images[0].get_array()
    assert image.mask[0, 0] and not image.mask[0, 1]
    empty = plot_ingest.coverage_heatmap(IngestReport(), "en")
    assert empty.axes[0].texts[0].get_text() == "no data"


def test_totals_bars(report):
    fig = plot_ingest.totals_bars(report, "en")
    ax = fig.axes[0]
    heights = sorted(round(p.get_height(), 6) for p in ax.patches)
    assert heights == [0.0, 1.0, 2.5, 3.0]  # billion USD; no import in 2020
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Export", "Import"]


def test_raw_provenance_demo_folder_and_user_data(tmp_path):
    demo = tmp_path / "demo"
    demo.mkdir()
    (demo / "PROVENANCE.json").write_text(
        json.dumps({"synthetic": True, "source": "demo", "seed": 7}), encoding="utf-8"
    )
    assert raw_provenance(demo, "data/raw/demo") == {"synthetic": True, "source": "demo", "seed": 7}
    user = tmp_path / "user"
    user.mkdir()
    assert raw_provenance(user, "data/raw/user") == {"synthetic": False, "source": "data/raw/user"}
    # a single file or zip: real data named by the path given (or the path itself)
    file = user / "trade.csv"
    file.write_text("x\n", encoding="utf-8")
    assert raw_provenance(file) == {"synthetic": False, "source": str(file)}


def test_raw_provenance_bad_file_names_file_line_and_column(tmp_path):
    (tmp_path / "PROVENANCE.json").write_text('{"synthetic": true,\n "source": }', encoding="utf-8")
    with pytest.raises(IngestError, match=r"PROVENANCE.json, line 2, column \"12\""):
        raw_provenance(tmp_path)
    (tmp_path / "PROVENANCE.json").write_text('{"source": "x"}', encoding="utf-8")
    with pytest.raises(IngestError, match="synthetic"):
        raw_provenance(tmp_path)


def test_skipped_files_are_named_in_russian(tmp_path):
    # every reason the folder reader writes has its Russian wording (the tables cannot drift apart)
    from exportlab import io as xio

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "README.txt").write_text("notes\n", encoding="utf-8")
    (raw / "experts.csv").write_text("expert,k1,k2,k3,k4\nA,1,2,3,4\n", encoding="utf-8")
    (raw / "other.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (raw / "x.tsv").write_text(
        "napr\tperiod\tnastranapr\ttnved\tedizm\tStoim\tNetto\tKol\tSubject\tdistrict\n"
        "ЭК\t01/2021\tCN\t8471300000\t\t100,5\t1\t0\t46000 - МОСКОВСКАЯ ОБЛАСТЬ\t\n",
        encoding="utf-8",
    )
    report = xio.ingest([raw], tmp_path / "out")
    en = quality.skipped_table(report, "en")
    ru = quality.skipped_table(report, "ru")
    assert len(ru) == len(report.skipped) >= 3
    assert ru.columns.tolist() == ["Файл", "Причина"]
    assert set(en["Reason"]) == {s["reason"] for s in report.skipped}
    assert all(
        not any("a" <= ch <= "z" for ch in reason.replace("read_indicators", ""))
        for reason in ru["Причина"]
    )
