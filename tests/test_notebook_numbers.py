"""Numbers the notebooks write into printed lines and titles go through ``labels.number`` (the decimal
comma and thin-space thousands of Russian runs), never through ``round()`` or a format spec."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from exportlab.labels import number

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("0*.ipynb")) + sorted(
    (REPO / "notebooks" / "seminar").glob("*.ipynb")
)
#: Calls whose arguments readers see: printed lines, bilingual texts, displayed objects.
SHOWN = {"print", "t", "display", "Markdown"}
#: Format specs that write a number with separators of their own (``:,``, ``:.3f``, ``:g``, ``:%``).
NUMERIC_SPEC = set(",.efgn%")


def _name(call: ast.Call) -> str:
    return getattr(call.func, "id", None) or getattr(call.func, "attr", "")


def bypasses(source: str) -> list[str]:
    """Places in a code cell where a number reaches a shown text without :func:`labels.number`:
    ``round()`` or ``.round()`` inside a shown call, or an f-string field with a numeric format spec.

    >>> bypasses('print(t("Rho:", "Ро:", lang), round(rho, 3))')
    ['round(rho, 3)']
    >>> bypasses('print(t("Rho:", "Ро:", lang), number(rho, ".3f", lang))')
    []
    """
    found: list[str] = []
    for call in ast.walk(ast.parse(source)):
        if not (isinstance(call, ast.Call) and _name(call) in SHOWN):
            continue
        for node in ast.walk(call):
            if isinstance(node, ast.Call) and node is not call and _name(node) == "round":
                found.append(ast.unparse(node))
            elif isinstance(node, ast.FormattedValue) and node.format_spec is not None:
                spec = ast.unparse(node.format_spec)
                if NUMERIC_SPEC & set(spec.lstrip("f").strip("'\"")):
                    found.append(ast.unparse(node))
    return sorted(set(found))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_shown_numbers_go_through_labels_number(path: Path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    found = {
        index: bypasses("".join(cell["source"]))
        for index, cell in enumerate(cells)
        if cell["cell_type"] == "code" and "parameters" not in cell["metadata"].get("tags", [])
    }
    found = {index: places for index, places in found.items() if places}
    assert not found, f"{path.name}: numbers bypass labels.number in cells {found}"


def test_the_check_finds_what_it_should():
    assert bypasses('print(f"{n:,} rows")')
    assert bypasses('title=t(f"above {x:g}%", f"выше {x:g}%", lang)')
    assert bypasses("display(frame.round(3))")
    assert not bypasses('print(t("Year", "Год", lang), year, len(rows))')
    assert not bypasses('key = {"w": f"{w:.3f}"}\nprint(key)')  # a record for a test, not prose
    assert not bypasses('style.save_figure(fig, f"daed_{year:d}")')  # a file name


def test_number_writes_the_russian_separators():
    assert number(117233, ",d", "ru") == "117\xa0233"
    assert number(-0.0577, ".3f", "ru") == "-0,058"
    assert number(117233, ",d", "en") == "117,233"
