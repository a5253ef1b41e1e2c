"""Profiles: validated against the parameters the notebooks declare."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from exportlab.config import (
    declared_parameters,
    load_profile,
    notebook_parameters,
    stage_ids,
)
from exportlab.errors import ProfileError

REPO = Path(__file__).resolve().parents[1]


def _notebook(path: Path, source: str) -> Path:
    nb = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": "# t"},
            {
                "cell_type": "code",
                "metadata": {"tags": ["parameters"]},
                "source": source,
                "outputs": [],
                "execution_count": None,
            },
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "config").mkdir()
    monkeypatch.setenv("EXPORTLAB_ROOT", str(tmp_path))
    _notebook(tmp_path / "notebooks" / "01_a.ipynb", 'lang = "en"  # labels\nyear = 2021\n')
    _notebook(tmp_path / "notebooks" / "02_b.ipynb", "year = 2021\nweights = None\nk: int = 4\n")
    return tmp_path


def test_notebook_parameters_reads_literal_defaults(project: Path):
    assert notebook_parameters(project / "notebooks" / "02_b.ipynb") == {
        "year": 2021,
        "weights": None,
        "k": 4,
    }


def test_parameters_cell_with_code_is_rejected(project: Path):
    bad = _notebook(project / "notebooks" / "03_c.ipynb", "import os\nx = 1\n")
    with pytest.raises(ProfileError, match="only assignments"):
        notebook_parameters(bad)


def test_parameter_default_must_be_a_literal(project: Path):
    bad = _notebook(project / "notebooks" / "03_c.ipynb", "x = len('ab')\n")
    with pytest.raises(ProfileError, match="must be a literal"):
        notebook_parameters(bad)


def test_declared_parameters_lists_notebooks(project: Path):
    declared = declared_parameters(sorted((project / "notebooks").glob("*.ipynb")))
    assert declared["year"] == {"01_a.ipynb": 2021, "02_b.ipynb": 2021}


def test_profile_with_extends_and_known_keys(project: Path):
    (project / "config" / "base.yaml").write_text("lang: ru\nyear: 2019\ndemo: false\n")
    (project / "config" / "child.yaml").write_text("extends: base\nyear: 2020\n")
    profile = load_profile("child")
    assert profile.params == {"lang": "ru", "year": 2020, "demo": False}
    assert profile.runner("demo") is False
    assert profile.runner("demo_size") == "full"


def test_unknown_key_is_an_error_with_suggestion(project: Path):
    (project / "config" / "typo.yaml").write_text("yaer: 2019\n")
    with pytest.raises(ProfileError, match=r"unknown parameter 'yaer'.*did you mean year"):
        load_profile("typo")


def test_wrong_type_is_an_error(project: Path):
    (project / "config" / "bad.yaml").write_text("year: '2019'\n")
    with pytest.raises(ProfileError, match="should be a int"):
        load_profile("bad")


def test_unknown_profile_lists_known_ones(project: Path):
    (project / "config" / "one.yaml").write_text("year: 2019\n")
    with pytest.raises(ProfileError, match=r"known profiles: \['one'\]"):
        load_profile("two")


def test_circular_extends_is_an_error(project: Path):
    (project / "config" / "a.yaml").write_text("extends: b\n")
    (project / "config" / "b.yaml").write_text("extends: a\n")
    with pytest.raises(ProfileError, match="circle"):
        load_profile("a")


def test_profile_by_path(project: Path, tmp_path: Path):
    path = tmp_path / "mine.yaml"
    path.write_text("lang: ru\n")
    assert load_profile(path).params == {"lang": "ru"}


@pytest.mark.parametrize("name", ["default", "article2019", "seminar"])
def test_shipped_profiles_are_valid(name: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("EXPORTLAB_ROOT", str(REPO))
    profile = load_profile(name)
    assert profile.params["lang"] in ("en", "ru")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("lang: de", "'lang' must be one of 'en', 'ru'"),
        ("cell_timeout: 0", "'cell_timeout' must be a number of seconds greater than 0"),
        ("cell_timeout: -5", "greater than 0, or null"),
        ("traditional_share: 1.5", "'traditional_share' is a share: it must be between 0 and 1"),
        ("traditional_share: -0.1", "between 0 and 1"),
        ("min_share_pct: 150", "'min_share_pct' is a percentage: it must be between 0 and 100"),
        ("hs_digits: 5", "'hs_digits' must be one of 2, 4, 6, 8, 10"),
        ("demo: 'yes'", "'demo' must be true, false or auto"),
        ("demo_size: huge", "'demo_size' must be 'full' or 'small'"),
    ],
)
def test_values_are_checked_before_any_kernel_starts(project: Path, line: str, expected: str):
    _notebook(
        project / "notebooks" / "03_c.ipynb",
        "traditional_share = 0.8\nmin_share_pct = 1.0\nhs_digits = 6\n",
    )
    (project / "config" / "bad.yaml").write_text(line + "\n")
    with pytest.raises(ProfileError, match=re.escape(expected)):
        load_profile("bad")


@pytest.mark.parametrize(
    "line", ["cell_timeout: null", "cell_timeout: 0.5", "traditional_share: 1", "demo: auto"]
)
def test_valid_values_pass(project: Path, line: str):
    _notebook(project / "notebooks" / "03_c.ipynb", "traditional_share = 0.8\n")
    (project / "config" / "ok.yaml").write_text(line + "\n")
    load_profile("ok")


def test_demo_is_inherited_only_with_the_raw_dir_it_was_set_with(project: Path):
    _notebook(project / "notebooks" / "03_c.ipynb", 'raw_dir = "data/raw/demo"\n')
    (project / "config" / "base.yaml").write_text("demo: true\nraw_dir: data/raw/demo\n")
    (project / "config" / "own.yaml").write_text("extends: base\nraw_dir: data/raw/mine\n")
    (project / "config" / "own_demo.yaml").write_text(
        "extends: base\nraw_dir: data/raw/d2\ndemo_size: small\n"
    )
    (project / "config" / "child.yaml").write_text("extends: base\nyear: 2020\n")
    (project / "config" / "off.yaml").write_text("extends: own\ndemo: false\n")
    assert load_profile("base").demo_mode() is True
    assert load_profile("own").demo_mode() == "auto"  # a raw_dir of its own: the user's data
    assert load_profile("own_demo").demo_mode() is True  # describes the demo it wants there
    assert load_profile("child").demo_mode() is True  # same raw_dir as base
    assert load_profile("off").demo_mode() is False
    assert load_profile("own").origin_file("raw_dir").name == "own.yaml"


def test_a_stage_list_with_an_unknown_id_names_the_file_and_the_stages(project: Path):
    (project / "config" / "lesson.yaml").write_text('stages: ["01", "02", "09"]\n')
    with pytest.raises(ProfileError) as caught:
        load_profile("lesson")
    message = str(caught.value)
    assert message.startswith("lesson.yaml: parameter 'stages'")
    assert "unknown stage '09'" in message and "04 (04_daed_index_clusters)" in message


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("stages: []", "'stages' must be a list of stage ids"),
        ("stages: true", "'stages' must be a list of stage ids"),
        ("stages: [null]", "'stages' must list stage ids"),
        ("stages: {a: 1}", "'stages' must be a list of stage ids"),
    ],
)
def test_a_stage_list_must_list_stages(project: Path, line: str, expected: str):
    (project / "config" / "bad.yaml").write_text(line + "\n")
    with pytest.raises(ProfileError, match=re.escape(expected)):
        load_profile("bad")


def test_a_stage_list_takes_ids_numbers_and_notebook_names(project: Path):
    (project / "config" / "ok.yaml").write_text('stages: ["04", 1, 02_hightech_classification]\n')
    profile = load_profile("ok")
    assert stage_ids(profile.runner("stages")) == ["01", "02", "04"]
    (project / "config" / "all.yaml").write_text("year: 2021\n")
    assert load_profile("all").runner("stages") is None  # every stage


def test_profile_description_in_the_language_of_the_run(tmp_path):
    """The index page of a Russian run describes the profile in Russian; a profile that writes its own
    English description does not inherit its parent's Russian one."""
    from exportlab.config import load_profile

    seminar = load_profile("seminar")
    assert seminar.describe("ru").startswith("Небольшой и быстрый профиль")
    assert seminar.describe("en").startswith("Small and fast")
    assert load_profile("default").describe("ru") == load_profile("default").description
    child = tmp_path / "lesson.yaml"
    child.write_text("description: My own lesson.\nextends: seminar\n", encoding="utf-8")
    assert load_profile(child).describe("ru") == "My own lesson."
