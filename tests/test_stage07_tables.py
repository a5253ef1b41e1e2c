"""Stage 07's product table for readers: one name column in the run's language, localized headers
and value labels, no internal identifier in either language."""

from __future__ import annotations

import pandas as pd
import pytest

from exportlab import classify, hs, hs_sections, tables
from exportlab import complexity as cx

#: Column names and coded values of the computing tables that a reader must never see.
INTERNAL = {
    "name_en",
    "name_ru",
    "ubiquity",
    "pci",
    "hightech_group",
    "resource",
    "product",
    "nne",
    "raw",
    "energy",
    *classify.GROUPS,
}


def _result_and_meta() -> tuple[cx.ComplexityResult, pd.DataFrame]:
    x = pd.DataFrame(
        [[10, 8, 1, 1, 5], [4, 12, 14, 10, 0], [16, 0, 20, 4, 7], [3, 9, 2, 0, 1]],
        index=["RU-TA", "RU-MOW", "RU-KEM", "RU-SPE"],
        columns=["8517", "3004", "2709", "8802", "0101"],
    )
    meta = pd.DataFrame(
        {
            "hightech_group": ["electronics_telecom", "pharmacy", None, "aerospace", None],
            "resource": ["nne", "nne", "energy", "nne", "raw"],
            "name_en": ["Telephone sets", "Medicaments", "Petroleum oils, crude", None, None],
            "name_ru": [None, "Лекарственные средства", None, None, "Живые животные"],
        },
        index=pd.Index(x.columns, name="product"),
    )
    return cx.complexity(x), meta


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_product_table_shows_no_internal_identifier(lang: str):
    result, meta = _result_and_meta()
    shown = tables.show(cx.products_table(result, meta, lang), lang, headers=cx.HEADERS).data
    headers = list(shown.columns)
    assert not INTERNAL & set(headers), headers
    assert not INTERNAL & set(shown.to_numpy().ravel()), shown
    assert headers[:2] == [cx.HEADERS["product"][lang], cx.HEADERS["name"][lang]]
    assert cx.HEADERS["ubiquity"][lang] in headers and "RCA ≥ 1" in cx.HEADERS["ubiquity"][lang]
    assert sum("name" in h.lower() or "товар" == h.lower() for h in headers) <= 1  # one name column


def test_product_table_names_in_the_run_language_then_the_other_and_labels_classes():
    result, meta = _result_and_meta()
    ru = cx.products_table(result, meta, "ru").set_index("product")
    en = cx.products_table(result, meta, "en").set_index("product")
    assert ru.at["3004", "name"] == "Лекарственные средства"
    assert ru.at["8517", "name"] == "Telephone sets"  # no Russian name: the English one
    assert en.at["0101", "name"] == "Живые животные" and en.at["8802", "name"] == "—"
    assert ru.at["8517", "hightech_group"] == "Электроника и телекоммуникации"
    assert en.at["2709", "resource"] == "Energy products" and en.at["2709", "hightech_group"] == "—"
    assert ru.at["0101", "resource"] == "Сырьевые товары"
    # sorted by PCI, the same rows and numbers in both languages
    assert en.index.tolist() == ru.index.tolist()
    assert en["pci"].is_monotonic_decreasing and en["pci"].equals(ru["pci"])
    assert en["ubiquity"].tolist() == result.ubiquity.reindex(en.index).round().tolist()


def test_a_russian_run_names_products_by_their_chapter_then_in_english():
    """The names table stages 07 and 08 use in Russian runs: the chapter's short Russian name, then the
    product's own English name (the package has Russian names of the chapters only)."""
    result, _ = _result_and_meta()
    trade = pd.DataFrame(
        {"hs6": ["851712", "300490", "270900"], "value_usd": [1.0, 2.0, 3.0], "resource": "nne"}
    )
    names = hs.reader_names("HS2017", "ru")
    meta = cx.product_classes(trade, level="hs4", names=names)
    table = cx.products_table(result, meta, "ru").set_index("product")
    english = hs.names("HS2017")["name_en"]
    for code in ("8517", "2709"):
        chapter = hs_sections.chapter_name(code[:2], "ru")
        assert table.at[code, "name"] == f"{chapter}: {english[code]}"
    assert hs.reader_names("HS2017", "en").equals(hs.names("HS2017"))
    assert (
        names.loc["85", "name_ru"] == hs.chapter_names_ru()["85"]
    )  # chapters keep their own title
    assert table.at["8802", "name"] == "—"  # not in the trade table
