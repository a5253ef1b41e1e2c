"""Sources and citation: the five papers are named where users read, CITATION.cff is well formed,
the glossary covers its terms in both languages, and no user-facing text says "seed 00…"."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
import yaml

from exportlab.labels import REFERENCES, cite, source_note

REPO = Path(__file__).resolve().parents[1]
SEED_WORDING = re.compile(r"seed\s+0\d\d|seed\s+paper|\bthe\s+seed\b|project\s+seed", re.IGNORECASE)


def _notebooks() -> list[Path]:
    return sorted((REPO / "notebooks").glob("*.ipynb"))


def _strings_shown(path: Path) -> list[tuple[int, str]]:
    """String constants of a module other than docstrings (bare string statements)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bare = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in bare
    ]


# --------------------------------------------------------------------------------------------------
# No "seed" wording where users read


@pytest.mark.parametrize("path", _notebooks(), ids=lambda p: p.stem)
def test_notebook_text_never_says_seed(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for i, cell in enumerate(notebook["cells"]):
        text = "".join(cell["source"])
        tags = cell.get("metadata", {}).get("tags", [])
        if cell["cell_type"] == "markdown" or "parameters" in tags:
            assert not SEED_WORDING.search(text), f"{path.name} cell {i}: {text[:200]}"


def test_labels_and_headers_never_say_seed():
    """Labels, table headers and messages are string constants of the package (not docstrings)."""
    found = [
        f"{path.relative_to(REPO)}:{line}: {text[:80]}"
        for path in sorted((REPO / "src" / "exportlab").rglob("*.py"))
        for line, text in _strings_shown(path)
        if SEED_WORDING.search(text)
    ]
    assert not found, found


def test_documents_and_profiles_never_say_seed():
    paths = [
        REPO / "README.md",
        *sorted((REPO / "docs").glob("*.md")),
        *sorted((REPO / "config").glob("*.yaml")),
        *sorted((REPO / "src" / "exportlab" / "data").glob("*.md")),
        *sorted((REPO / "src" / "exportlab" / "data").glob("*.yaml")),
        *sorted((REPO / "src" / "exportlab" / "data").glob("*.csv")),
    ]
    found = [
        f"{p.relative_to(REPO)}:{n}"
        for p in paths
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if SEED_WORDING.search(line)
    ]
    assert not found, found


def test_the_pattern_catches_what_it_should():
    for text in ("seed 001", "Seed 004 defines", "the seed paper", "project seed `001_x.txt`"):
        assert SEED_WORDING.search(text), text
    for text in ("demo_seed: 2021", "seed=0", "oil seeds", "a random seed", "seeded"):
        assert not SEED_WORDING.search(text), text


# --------------------------------------------------------------------------------------------------
# The papers named


def test_readme_names_the_five_papers_and_how_to_cite():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    sources = readme[readme.index("## Sources") : readme.index("## How to cite")]
    for ref in REFERENCES.values():
        assert ref["title_ru"] in sources and ref["title_en"] in sources, ref["title_en"]
        if ref["authors_en"]:
            assert ref["authors_en"] in sources
    assert "## How to cite" in readme and "CITATION.cff" in readme
    assert "docs/glossary.md" in readme


def test_notebook_introductions_name_their_papers():
    def intro(stem: str) -> str:
        (path,) = (REPO / "notebooks").glob(f"{stem}_*.ipynb")
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        return "".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")

    assert "Yakushev" in intro("02") and "Yakushev" in intro("03")
    assert REFERENCES["daed"]["title_ru"][:40] in intro("04").replace("\n", " ")
    assert "Regional Export Standard" in intro("06") and "Yakushev" in intro("06")
    assert "Kurmanov" in intro("07")


def test_cite_and_source_note():
    assert cite("hightech2019", "ru") == (
        "Якушев Н.О., Оценка высокотехнологичного экспорта в субъектах РФ (данные 2019 г.)"
    )
    full = cite("sanctions", "en", short=False)
    assert full.endswith(", 2024") and "“Factors of the development" in full
    assert cite("daed", "ru", short=False).startswith("«Организационно-экономический")
    note = source_note("ru", synthetic=True, source="ФТС", method="export_standard")
    assert note == (
        "Источник: ФТС. Метод: Региональный экспортный стандарт, Российский экспортный центр. "
        "СИНТЕТИЧЕСКИЕ ДЕМОНСТРАЦИОННЫЕ ДАННЫЕ — не реальная статистика"
    )
    assert source_note("en") == ""
    with pytest.raises(KeyError):
        cite("nope", "en")


# --------------------------------------------------------------------------------------------------
# CITATION.cff and the glossary


def test_citation_file_is_cff_1_2_0_with_the_papers_as_references():
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    assert {"message", "title", "authors"} <= set(cff) and cff["type"] == "software"
    assert cff["license"] == "MIT"
    project = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert f'version = "{cff["version"]}"' in project
    references = cff["references"]
    for ref in references:
        assert {"type", "title", "authors"} <= set(ref), ref.get("title")
        assert ref["authors"] and all(
            ("name" in a) or ("family-names" in a) for a in ref["authors"]
        )
    titles = " ".join(" ".join(str(r["title"]).split()) for r in references)
    # the Russian title, or the English one printed with a paper whose Russian title is not printed
    field = {"smart": "title_en"}
    for key, ref in REFERENCES.items():
        wanted = " ".join(str(ref[field.get(key, "title_ru")]).split())
        assert wanted in titles, key


def test_glossary_defines_each_term_in_english_and_russian():
    text = (REPO / "docs" / "glossary.md").read_text(encoding="utf-8")
    english, russian = text.split("## English", 1)[1].split("## Русский", 1)
    for term in ("DAED", "K1–K4", "NNE", "RCA", "ECI"):
        assert f"**{term}**" in english, term
    for term in ("ДАЭД", "K1–K4", "ННЭ", "RCA", "ECI"):
        assert f"**{term}**" in russian, term
    for k in ("K1", "K2", "K3", "K4"):
        assert f"**{k}**" in english and f"**{k}**" in russian
    cyrillic = sum("а" <= ch.lower() <= "я" for ch in russian)
    assert cyrillic > 0.6 * sum(ch.isalpha() for ch in russian)
