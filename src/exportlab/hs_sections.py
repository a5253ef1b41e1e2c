"""HS sections and chapters: the 21 sections of the Harmonized System, their chapters and names.

Package data ``data/hs_sections.csv`` and ``data/hs_chapters.csv`` (source note ``hs_sections.md``):
the section of any HS code is the section of its 2-digit chapter; chapters outside the 21 sections (77,
98, 99) and unreadable codes are :data:`OTHER`. Names are short labels in English and Russian;
``hs_chapters.csv`` also holds the official Russian chapter titles (:func:`chapter_titles_ru`, the
Russian product names of :mod:`exportlab.hs`): one table of chapter names.

>>> section_of(["270900", "8802", "99"]).tolist()
['V', 'XVII', 'other']
>>> section_name("XVI", "ru")
'Машины, оборудование, электротехника'
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources

import pandas as pd

from exportlab.labels import check_lang

__all__ = [
    "OTHER",
    "chapter_name",
    "chapter_of",
    "chapter_titles_ru",
    "load_chapters",
    "load_sections",
    "section_name",
    "section_of",
    "section_order",
]

#: Section id of chapters outside the 21 sections and of codes that are not HS codes.
OTHER = "other"
_OTHER_NAMES = {"en": "Other", "ru": "Прочее"}


@cache
def _read(name: str) -> pd.DataFrame:
    with (resources.files("exportlab") / "data" / name).open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


def load_sections() -> pd.DataFrame:
    """The 21 HS sections: ``section`` (I…XXI), ``number``, ``first_chapter``, ``last_chapter``
    (integers), ``name_en``, ``name_ru``; in section order."""
    out = _read("hs_sections.csv").copy()
    for col in ("number", "first_chapter", "last_chapter"):
        out[col] = out[col].astype(int)
    return out


def load_chapters() -> pd.DataFrame:
    """The 96 HS chapters of the 21 sections: ``chapter`` (two digits), ``section``, ``name_en``,
    ``name_ru`` (short labels) and ``title_ru`` (the title of the ТН ВЭД ЕАЭС group)."""
    table = _read("hs_chapters.csv")
    return table[table["section"] != OTHER].reset_index(drop=True)


def chapter_titles_ru() -> pd.Series:
    """Official Russian titles of the HS chapters (groups of ТН ВЭД ЕАЭС), by 2-digit code.

    The 96 chapters of :func:`load_chapters` and chapter 99 (UN Comtrade's "Commodities not
    specified according to kind", translated).

    >>> chapter_titles_ru()["88"]
    'Летательные аппараты, космические аппараты и их части'
    """
    return _read("hs_chapters.csv").set_index("chapter")["title_ru"].rename("name_ru")


@cache
def _chapter_section() -> dict[str, str]:
    chapters = load_chapters()
    return dict(zip(chapters["chapter"], chapters["section"], strict=True))


def chapter_of(codes: Iterable[str]) -> pd.Series:
    """The 2-digit chapter of HS codes at any depth (``"870321"`` → ``"87"``), as text."""
    return pd.Series(list(codes), dtype="string").astype(str).str.strip().str.slice(0, 2)


def section_of(codes: Iterable[str]) -> pd.Series:
    """The HS section (``"I"``…``"XXI"``) of HS codes at any depth; :data:`OTHER` for the rest."""
    return chapter_of(codes).map(_chapter_section()).fillna(OTHER).astype(str)


def section_order() -> list[str]:
    """Section ids in nomenclature order, then :data:`OTHER`."""
    return [*load_sections()["section"], OTHER]


def section_name(section: str, lang: str = "en") -> str:
    """Short name of an HS section in ``lang`` (``"Other"`` / ``"Прочее"`` for :data:`OTHER`)."""
    check_lang(lang)
    table = load_sections().set_index("section")
    if section in table.index:
        return str(table.at[section, f"name_{lang}"])
    if section == OTHER:
        return _OTHER_NAMES[lang]
    raise KeyError(f"unknown HS section {section!r}; expected I…XXI or {OTHER!r}")


def chapter_name(chapter: str, lang: str = "en") -> str:
    """Short name of an HS chapter (two digits) in ``lang``; the code itself when unknown."""
    check_lang(lang)
    table = load_chapters().set_index("chapter")
    chapter = str(chapter).zfill(2)
    return str(table.at[chapter, f"name_{lang}"]) if chapter in table.index else chapter
