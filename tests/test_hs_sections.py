"""One table of HS chapter names: short labels, official Russian titles and the sections."""

from __future__ import annotations

from importlib import resources

from exportlab import hs, hs_sections, standard


def test_chapter_titles_cover_the_chapters_and_99():
    titles = hs_sections.chapter_titles_ru()
    chapters = hs_sections.load_chapters()
    assert titles.index.tolist() == [*chapters["chapter"], "99"]
    assert (titles.loc[chapters["chapter"]].to_numpy() == chapters["title_ru"].to_numpy()).all()
    assert titles["99"] == "Товары, не классифицированные по виду"
    assert titles.str.len().gt(0).all() and titles.index.is_unique
    # the short label is never longer than the official title
    assert (chapters["name_ru"].str.len() <= chapters["title_ru"].str.len()).all()
    assert hs_sections.chapter_name("99", "ru") == "99"  # no short label outside the sections


def test_every_reader_of_chapter_names_reads_the_same_file():
    assert hs.chapter_names_ru().equals(hs_sections.chapter_titles_ru())
    assert hs.names("HS2017").loc["88", "name_ru"] == hs_sections.chapter_titles_ru()["88"]
    sections = hs_sections.load_sections()
    assert standard.HS_SECTIONS == tuple(
        sections[["section", "first_chapter", "last_chapter", "name_en", "name_ru"]].itertuples(
            index=False, name=None
        )
    )
    data = resources.files("exportlab") / "data"
    assert not (data / "hs_chapters_ru.csv").is_file()
