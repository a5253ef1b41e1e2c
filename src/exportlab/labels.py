"""Bilingual vocabulary: the language switch, the one way of picking a label, sources and citations.

Every text a user sees (tables, figure labels, legends, narrative) goes through :func:`t` or
:func:`pick`, so that a run can be read in English or Russian (``lang="en"`` or ``"ru"``). The five
papers the method comes from are :data:`REFERENCES`; :func:`source_note` is the line under a figure
or a table. Nothing here draws: the plotting layer is :mod:`exportlab.plot`.

>>> t("Export, million USD", "Экспорт, млн долл. США", "ru")
'Экспорт, млн долл. США'
>>> pick({"en": "Leaders", "ru": "Лидеры"}, "ru")
'Лидеры'
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from typing import Literal, TypedDict

Lang = Literal["en", "ru"]
LANGS: tuple[str, ...] = ("en", "ru")


class Label(TypedDict):
    """The one shape of a bilingual label: ``{"en": "Region", "ru": "Регион"}``, read with :func:`pick`.

    A plain dict (so vocabulary tables are literals, JSON and YAML as they are) whose keys the type
    checker knows.
    """

    en: str
    ru: str


def check_lang(lang: str) -> Lang:
    """Return ``lang`` if it is ``"en"`` or ``"ru"``; raise ``ValueError`` otherwise."""
    if lang not in LANGS:
        raise ValueError(f"lang must be 'en' or 'ru', got {lang!r}")
    return lang  # type: ignore[return-value]


def t(en: str, ru: str, lang: str) -> str:
    """The English or the Russian text, by ``lang``."""
    return en if check_lang(lang) == "en" else ru


def number(value: float, spec: str, lang: str) -> str:
    """``format(value, spec)`` with the separators of ``lang``: ``1,234.5`` in English, ``1 234,5``
    (no-break space, decimal comma) in Russian — for numbers inside figure texts and sentences, as the
    tables have them.

    >>> number(0.05812, ".3g", "ru"), number(7.2, ".1f", "en"), number(12345.6, ",.1f", "ru")
    ('0,0581', '7.2', '12\\xa0345,6')
    """
    text = format(value, spec)
    if check_lang(lang) == "ru":
        text = text.replace(",", "\xa0").replace(".", ",")
    return text


def pick(label: Mapping[str, str], lang: str) -> str:
    """The ``lang`` entry of a bilingual label ``{"en": ..., "ru": ...}`` (the one label shape)."""
    return label[check_lang(lang)]


@cache
def _vocabulary_rows() -> dict[str, dict[str, Label]]:
    """All tables of ``data/vocabulary.csv``, read once: ``table -> key -> Label``, in file order."""
    tables: dict[str, dict[str, Label]] = {}
    text = files("exportlab").joinpath("data/vocabulary.csv").read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    for line, row in enumerate(reader, start=2):
        table, key, en, ru = row["table"], row["key"], row["en"], row["ru"]
        entries = tables.setdefault(table, {})
        if key in entries or not en or not ru:
            raise ValueError(
                f"data/vocabulary.csv, line {line}: duplicate key or empty text: {table} {key}"
            )
        entries[key] = {"en": en, "ru": ru}
    return tables


def vocabulary(table: str) -> dict[str, Label]:
    """One table of the bilingual vocabulary, ``key -> Label``, as ``data/vocabulary.csv`` holds it.

    Every header, value label and legend name of the concept modules lives in that one file (columns
    ``table, key, en, ru``; a table is named ``module.CONSTANT`` after the constant that holds it), so a
    translator reads and corrects the English and Russian wording side by side. Returns a new dict.

    >>> vocabulary("trajectory.STATUSES")["new"]["ru"]
    'новый (нет экспорта в базовом году)'
    """
    try:
        entries = _vocabulary_rows()[table]
    except KeyError:
        raise KeyError(f"no vocabulary table {table!r} in data/vocabulary.csv") from None
    return {key: {"en": label["en"], "ru": label["ru"]} for key, label in entries.items()}


#: The five papers and documents the method comes from, as their own text gives them (the copies the
#: project works from hold no title page for some: a missing field is ``None``, never guessed).
#: ``title_ru`` is the Russian title; ``title_ru_printed`` is False when the copy prints none and the
#: title is worded from the paper's abstract or aim. ``title_en`` is the English title printed with the
#: paper (001, 004) or a translation.
REFERENCES: dict[str, dict[str, str | bool | None]] = {
    "daed": {
        "authors_en": None,
        "authors_ru": None,
        "title_ru": "Организационно-экономический механизм повышения диверсификационной активности "
        "экспортной деятельности (ДАЭД) регионов сырьевой специализации",
        "title_en": "Organizational and economic mechanism to enhance diversification activity in export "
        "operations of resource-based regions",
        "title_ru_printed": False,
        "venue_en": None,
        "venue_ru": None,
        "year": None,
        "short_en": "the DAED paper (diversification activity of export of resource regions)",
        "short_ru": "статья о ДАЭД (диверсификационная активность экспортной деятельности регионов "
        "сырьевой специализации)",
    },
    "hightech2019": {
        "authors_en": "Yakushev N.O.",
        "authors_ru": "Якушев Н.О.",
        "title_ru": "Оценка высокотехнологичного экспорта в субъектах РФ и предложения по его развитию",
        "title_en": "High-tech export assessment in Russia's entities and proposals for its development",
        "title_ru_printed": False,
        "venue_en": None,
        "venue_ru": None,
        "year": None,
        "short_en": "Yakushev N.O., High-tech export assessment in Russia's entities (2019 data)",
        "short_ru": "Якушев Н.О., Оценка высокотехнологичного экспорта в субъектах РФ (данные 2019 г.)",
    },
    "sanctions": {
        "authors_en": None,
        "authors_ru": None,
        "title_ru": "Факторы развития высокотехнологичного экспорта России в новых геополитических "
        "условиях",
        "title_en": "Factors of the development of Russia's high-tech export under the new geopolitical "
        "conditions",
        "title_ru_printed": False,
        "venue_en": "Ufa Federal Research Centre of the Russian Academy of Sciences (state assignment "
        "for 2024)",
        "venue_ru": "УФИЦ РАН (государственное задание на 2024 г.)",
        "year": "2024",
        "short_en": "the paper on the factors of Russia's high-tech export under sanctions (2024)",
        "short_ru": "статья о факторах развития высокотехнологичного экспорта России (2024)",
    },
    "export_standard": {
        "authors_en": "Russian Export Center",
        "authors_ru": "АО «Российский экспортный центр»",
        "title_ru": "Стандарт по обеспечению благоприятных условий для развития экспортной "
        "деятельности в субъектах Российской Федерации (Региональный экспортный стандарт)",
        "title_en": "Standard for favourable conditions for export activity in the constituent entities "
        "of the Russian Federation (Regional Export Standard)",
        "title_ru_printed": True,
        "venue_en": "Russian Export Center (national project “International cooperation and export”)",
        "venue_ru": "АО «Российский экспортный центр» (национальный проект «Международная кооперация "
        "и экспорт»)",
        "year": None,
        "short_en": "Regional Export Standard, Russian Export Center",
        "short_ru": "Региональный экспортный стандарт, Российский экспортный центр",
    },
    "smart": {
        "authors_en": "Kurmanov N.A., Mutaliyeva L.M., Baxultanov D.E.",
        "authors_ru": "Kurmanov N.A., Mutaliyeva L.M., Baxultanov D.E.",
        "title_ru": "Научное обоснование модели «умная специализация» к процессу инновационного "
        "развития сырьевого региона",
        "title_en": "Scientific justification of the «smart specialization» model for the process of "
        "innovative development of the raw materials region",
        "title_ru_printed": False,
        "venue_en": "L.N. Gumilyov Eurasian National University, Nur-Sultan (grant AP08052209)",
        "venue_ru": "Евразийский национальный университет им. Л.Н. Гумилёва, Нур-Султан "
        "(грант AP08052209)",
        "year": None,
        "short_en": "Kurmanov N.A. et al., smart specialisation of a raw materials region",
        "short_ru": "Kurmanov N.A. и др., «умная специализация» сырьевого региона",
    },
}


def cite(key: str, lang: str = "en", *, short: bool = True) -> str:
    """A reference of :data:`REFERENCES` in ``lang``: short (for figure notes) or in full.

    >>> cite("hightech2019", "en")
    "Yakushev N.O., High-tech export assessment in Russia's entities (2019 data)"
    >>> cite("smart", "ru", short=False).startswith("Kurmanov N.A., Mutaliyeva L.M., Baxultanov D.E.")
    True
    """
    ref = REFERENCES[key]
    if short:
        return str(ref[f"short_{check_lang(lang)}"])
    lang = check_lang(lang)
    title = str(ref["title_ru"]) if lang == "ru" else str(ref["title_en"])
    parts = [str(ref[f"authors_{lang}"])] if ref[f"authors_{lang}"] else []
    parts.append(f"«{title}»" if lang == "ru" else f"“{title}”")
    if ref[f"venue_{lang}"]:
        parts.append(str(ref[f"venue_{lang}"]))
    if ref["year"]:
        parts.append(str(ref["year"]))
    return ", ".join(parts)


def source_note(
    lang: str, synthetic: bool = False, source: str | None = None, method: str | None = None
) -> str:
    """The line under a figure or table: the data source, the method's paper, a synthetic-data warning.

    ``method`` is a key of :data:`REFERENCES` (``"daed"``, ``"hightech2019"``, ``"sanctions"``,
    ``"export_standard"``, ``"smart"``).

    >>> source_note("en", method="daed")
    'Method: the DAED paper (diversification activity of export of resource regions)'
    """
    parts = []
    if source:
        parts.append(t("Source: ", "Источник: ", lang) + source)
    if method:
        parts.append(t("Method: ", "Метод: ", lang) + cite(method, lang))
    if synthetic:
        parts.append(
            t(
                "SYNTHETIC DEMO DATA — not real statistics",
                "СИНТЕТИЧЕСКИЕ ДЕМОНСТРАЦИОННЫЕ ДАННЫЕ — не реальная статистика",
                lang,
            )
        )
    return ". ".join(parts)
