"""The stage notebooks: committed without outputs, thin, and consistent with the default profile."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
import yaml

from exportlab.config import RUNNER_PARAMETERS, notebook_parameters
from exportlab.stages import STAGES

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def test_there_are_stage_notebooks():
    assert NOTEBOOKS, "no notebooks in notebooks/"
    names = {s.notebook for s in STAGES}
    assert {p.name for p in NOTEBOOKS} <= names, "every notebook is a stage of the pipeline"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path: Path):
    for index, cell in enumerate(_cells(path)):
        if cell["cell_type"] == "code":
            assert not cell.get("outputs"), f"{path.name}: cell {index} has outputs"
            assert cell.get("execution_count") is None, f"{path.name}: cell {index} has a count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_code_cell_is_the_parameters_cell(path: Path):
    code = [c for c in _cells(path) if c["cell_type"] == "code"]
    assert "parameters" in code[0].get("metadata", {}).get("tags", [])
    assert "lang" in notebook_parameters(path)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_thin(path: Path):
    """Logic belongs in src/exportlab/ where it is tested: no functions, classes or loops here."""
    for index, cell in enumerate(_cells(path)):
        if cell["cell_type"] != "code":
            continue
        source = "\n".join(
            line for line in _source(cell).splitlines() if not line.lstrip().startswith(("%", "!"))
        )
        for node in ast.walk(ast.parse(source)):
            assert not isinstance(
                node, ast.FunctionDef | ast.ClassDef | ast.For | ast.While | ast.AsyncFunctionDef
            ), f"{path.name}: cell {index} holds a {type(node).__name__}; move it into exportlab"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_finds_files_through_exportlab_paths(path: Path):
    text = "\n".join(_source(c) for c in _cells(path) if c["cell_type"] == "code")
    assert "import exportlab" in text or "from exportlab" in text
    assert "os.chdir" not in text and "../" not in text


def test_default_profile_matches_notebook_defaults():
    """Opened in JupyterLab, a notebook runs with the default profile's values."""
    profile = yaml.safe_load((REPO / "config" / "default.yaml").read_text(encoding="utf-8"))
    for path in NOTEBOOKS:
        for key, default in notebook_parameters(path).items():
            if key in profile:
                assert profile[key] == default, f"{path.name}: {key} = {default!r} vs profile"
    for key in profile:
        if key not in ("description", "extends", *RUNNER_PARAMETERS):
            assert any(key in notebook_parameters(p) for p in NOTEBOOKS), key
