"""Profiles: validated against the parameters the notebooks declare."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exportlab.config import (
    ProfileError,
    declared_parameters,
    load_profile,
    notebook_parameters,
)

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
