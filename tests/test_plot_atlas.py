"""The plotting layer of stage 08: each figure draws in both languages with its labels, and the
product-space figure is byte-identical when drawn twice."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from exportlab import basket, newproducts, outcomes, productspace, sophistication, strategy
from exportlab import complexity as cx
from exportlab import survival as sv
from exportlab.labels import source_note
from exportlab.plot import basket as pb
from exportlab.plot import newproducts as pn
from exportlab.plot import outcomes as po
from exportlab.plot import productspace as pps
from exportlab.plot import sophistication as psoph
from exportlab.plot import strategy as pst
from exportlab.plot import style
from exportlab.plot import survival as psv


def _texts(fig) -> str:
    out = [t.get_text() for t in fig.findobj(matplotlib.text.Text)]
    return "\n".join(out)


@pytest.fixture(scope="module")
def trade() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    regions = [f"RU-{c}" for c in ("TA", "MOW", "KEM", "SPE", "NVS", "SVE")]
    products = ["100190", "270900", "300490", "840991", "870323", "880240", "720839", "120510"]
    rows = []
    for year in (2019, 2020, 2021):
        for r in regions:
            for p in products:
                for partner in ("CN", "TR", "KZ"):
                    if rng.random() < 0.55:
                        v = float(rng.integers(1, 1000)) * 1e4
                        rows.append((year, r, p, partner, "export", v, v / rng.integers(1, 50)))
    cols = ["year", "region", "hs6", "partner", "flow", "value_usd", "netto_kg"]
    return pd.DataFrame(rows, columns=cols)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_every_figure_draws_with_labels_in_lang(trade, lang, tmp_path):
    style.apply_style()
    res = cx.complexity(cx.export_matrix(trade, 2021, level="hs4", as_frame=True)[0])
    nodes, edges = productspace.cached_space(productspace.dataset_proximity(trade, "hs4"), None)
    ov = productspace.region_overlay(
        res, "RU-TA", res.rca.columns.to_series().map(len).astype(float), n_opportunities=2
    )
    word = {"en": "HS section", "ru": "Раздел ТН ВЭД"}[lang]
    fig = pps.product_space(nodes, edges, ov, lang=lang, title="x", label=str, n_labels=2)
    assert word in _texts(fig) and ("RCA ≥ 1" in _texts(fig))
    fig = pb.treemap(basket.basket(trade, "RU-TA", 2021, level="hs4", lang=lang), lang=lang)
    assert word in _texts(fig)
    ch = basket.basket_change(trade, "RU-TA", 2019, 2021, lang=lang)
    fig = pb.basket_change(ch, 2019, 2021, lang=lang)
    assert {"en": "Export, million USD", "ru": "Экспорт, млн долл. США"}[lang] in _texts(fig)
    soph = sophistication.sophistication_table(
        res.rca,
        income=pd.Series(dict.fromkeys(res.regions, 1.0)) * np.arange(1, 7),
        eci=res.eci,
        lang=lang,
    )
    fig = psoph.expy_vs_eci(soph, y="expy", lang=lang, highlight=["RU-TA"])
    assert {"en": "Economic complexity", "ru": "Индекс экономической"}[lang] in _texts(fig)
    fig = psoph.expy_vs_eci(soph.drop(columns="expy"), y=None, lang=lang, title="t")
    assert {"en": "no EXPY", "ru": "EXPY не рассчитан"}[lang] in _texts(fig)
    new = newproducts.new_products(trade, 2019, 2021, level="hs4")
    fig = pn.new_products_bars(
        newproducts.new_products_summary(new, trade, 2021, lang=lang), lang=lang
    )
    assert {"en": "Diversification grade", "ru": "Оценка диверсификации"}[lang] in _texts(fig)
    km = sv.kaplan_meier(sv.spells(trade), {"RU-TA": 1, "RU-KEM": 4})
    fig = psv.survival_curves(km, names={1: "one", 4: "four"}, lang=lang)
    assert {"en": "All regions", "ru": "Все регионы"}[lang] in _texts(fig)
    fig = po.penetration_bars(outcomes.penetration_summary(trade, 2021, lang=lang), lang=lang)
    assert {"en": "Weighted by export", "ru": "Взвешенное по экспорту"}[lang] in _texts(fig)
    uv = outcomes.unit_value_change(trade, 2019, 2021).query("region == 'RU-TA'")
    fig = po.unit_value_dumbbell(uv, 2019, 2021, lang=lang)
    assert {"en": "USD per kg", "ru": "долл. за кг"}[lang] in _texts(fig)
    table = strategy.strategy_table(res, pd.Series({"RU-TA": 1, "RU-KEM": 4}), lang=lang)
    fig = pst.strategy_quadrants(table, lang=lang, highlight=["RU-TA"])
    assert strategy.APPROACH_LABELS["strategic_bets"][lang] in _texts(fig)
    plt.close("all")


def test_product_space_figure_is_byte_identical(trade, tmp_path):
    style.apply_style()
    res = cx.complexity(cx.export_matrix(trade, 2021, level="hs4", as_frame=True)[0])
    files = []
    for run in ("a", "b"):
        nodes, edges = productspace.cached_space(productspace.dataset_proximity(trade, "hs4"), None)
        ov = productspace.region_overlay(res, "RU-TA", res.rca.sum(), n_opportunities=3)
        fig = pps.product_space(nodes, edges, ov, lang="ru", note=source_note("ru", True))
        files.append(style.save_figure(fig, "ps", tmp_path / run, close=True))
    for a, b in zip(*files, strict=True):
        assert a.read_bytes() == b.read_bytes()
