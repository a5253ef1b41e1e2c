"""The source papers' authors, publishers and years are those their own text prints: each field of
``labels.REFERENCES`` is checked against the project's copies of the papers (``../shared/seeds/``,
beside the repository; skipped where they are absent). A Russian field in Cyrillic must be printed
in Cyrillic; where a copy prints a name in Latin letters only, the Russian citation keeps it so."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from exportlab.labels import REFERENCES

COPIES = Path(__file__).resolve().parents[2] / "shared" / "seeds"
#: The copy of each paper, by the number its file name starts with.
COPY_OF = {"daed": "000", "hightech2019": "001", "sanctions": "002", "export_standard": "003",
           "smart": "004"}  # fmt: skip
CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


def _text(key: str) -> str:
    if not COPIES.is_dir():
        pytest.skip("../shared/seeds is not present (the papers' text)")
    (path,) = COPIES.glob(f"{COPY_OF[key]}_*.txt")
    # the copies are extracted PDF text: words broken at line ends, runs of spaces
    return " ".join(path.read_text(encoding="utf-8").replace("-\n", "").split())


@pytest.mark.parametrize("key", sorted(REFERENCES))
def test_authors_publisher_and_year_are_printed_in_the_paper(key: str):
    text, ref = _text(key), REFERENCES[key]
    people = [
        n for n in str(ref["authors_en"] or "").split(", ") if re.fullmatch(r"\S+ (\w\.)+", n)
    ]
    if ref["authors_en"] and key != "export_standard":  # the Standard's author is an organisation
        assert people
        for name in people:
            surname, initials = name.rsplit(" ", 1)
            assert surname in text and initials.replace(".", "") in text.replace(".", ""), name
    if ref["year"]:
        assert str(ref["year"]) in text
    if key == "smart":  # the copy prints its authors in Latin letters only: no Cyrillic guess
        assert not CYRILLIC.search(str(ref["authors_ru"]))
        assert "AP08052209" in text and "AP08052209" in str(ref["venue_ru"])
    if key == "export_standard":
        assert str(ref["authors_ru"]) in text
    if key == "sanctions":
        assert "УФИЦ РАН" in text and "УФИЦ РАН" in str(ref["venue_ru"])
