"""The pip path (pyproject.toml) and the conda path (environment.yml) list the same packages."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
# conda-forge names that differ from PyPI names
CONDA_TO_PYPI = {"python-duckdb": "duckdb", "netcdf4": "netcdf4", "adjusttext": "adjusttext"}
NOT_RUNTIME = {"python", "pip", "dcw-gmt", "pytest", "pytest-xdist", "hypothesis", "ruff"}


def _name(requirement: str) -> str:
    name = re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower()
    return name.replace("_", "-")


def _bound(requirement: str) -> str:
    match = re.search(r">=\s*([\w.]+)", requirement)
    return match.group(1) if match else ""


def test_environment_lists_the_same_runtime_packages_as_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    pip = {_name(r): _bound(r) for r in project["dependencies"]}
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    conda = {}
    for item in env["dependencies"]:
        if isinstance(item, str):
            name = _name(item)
            name = CONDA_TO_PYPI.get(name, name)
            if name not in NOT_RUNTIME:
                conda[name] = _bound(item)
    assert conda == pip


def test_environment_lists_the_boundaries_package_and_dev_tools():
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    names = {_name(i) for i in env["dependencies"] if isinstance(i, str)}
    assert {"dcw-gmt", "pytest", "pytest-xdist", "hypothesis", "ruff"} <= names
