"""The bilingual vocabulary file: every table is used, complete in both languages, and read as written."""

from __future__ import annotations

import ast
import csv
import importlib
import re
from collections import Counter
from importlib.resources import files
from pathlib import Path

import pytest

from exportlab import labels

SRC = Path(labels.__file__).parent
CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)
#: Russian texts that are rightly the same as the English: acronyms, symbols and method names.
SAME_IN_BOTH = re.compile(r"^[A-Z0-9 ()≥≤%.,/\-–]+$")


def _rows() -> list[dict[str, str]]:
    text = files("exportlab").joinpath("data/vocabulary.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _tables_used_in_src() -> Counter[str]:
    used: Counter[str] = Counter()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "vocabulary"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                used[node.args[0].value] += 1
    return used


def test_every_table_is_used_once_and_every_used_table_exists():
    in_file = {row["table"] for row in _rows()}
    used = _tables_used_in_src()
    assert set(used) == in_file
    assert all(n == 1 for n in used.values()), used.most_common(3)


def test_table_is_named_after_the_constant_that_holds_it():
    for table in {row["table"] for row in _rows()}:
        module, name = table.rsplit(".", 1)
        held = getattr(importlib.import_module(f"exportlab.{module}"), name)
        entries = labels.vocabulary(table)
        assert all(held[key] == label for key, label in entries.items()), table


def test_keys_unique_and_both_languages_written():
    rows = _rows()
    keys = Counter((row["table"], row["key"]) for row in rows)
    assert keys.most_common(1)[0][1] == 1
    for row in rows:
        assert row["en"].strip() == row["en"] and row["en"], row
        assert row["ru"].strip() == row["ru"] and row["ru"], row
        assert CYRILLIC.search(row["ru"]) or SAME_IN_BOTH.match(row["ru"]), row
        assert not CYRILLIC.search(row["en"]) or "ЭК/ИМ" in row["en"], row


def test_vocabulary_returns_a_copy_and_names_a_missing_table():
    first = labels.vocabulary("trajectory.STATUSES")
    first["new"]["en"] = "changed"
    assert (
        labels.vocabulary("trajectory.STATUSES")["new"]["en"] == "new (no export in the base year)"
    )
    with pytest.raises(KeyError, match="no vocabulary table 'nowhere.X'"):
        labels.vocabulary("nowhere.X")


def test_quoted_commas_survive():
    assert labels.vocabulary("io.quality.TOTAL_HEADERS")["value_usd"] == {
        "en": "Value, million USD",
        "ru": "Стоимость, млн долл. США",
    }
