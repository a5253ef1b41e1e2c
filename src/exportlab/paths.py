"""Project root discovery and the standard folders.

The project root is the nearest folder above the working directory (or above this package, for an
editable install) that holds ``pyproject.toml`` and ``notebooks/``; ``EXPORTLAB_ROOT`` overrides it. A
notebook therefore finds its data the same way whatever folder JupyterLab was started from.

>>> from exportlab import paths
>>> paths.processed_dir().name
'processed'
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

ROOT_ENV = "EXPORTLAB_ROOT"


def _is_root(folder: Path) -> bool:
    return (folder / "pyproject.toml").is_file() and (folder / "notebooks").is_dir()


@cache
def _find_root(start: str) -> Path:
    for folder in (Path(start), *Path(start).parents):
        if _is_root(folder):
            return folder
    package_dir = Path(__file__).resolve().parent
    for folder in package_dir.parents:
        if _is_root(folder):
            return folder
    return Path(start)


def project_root() -> Path:
    """The project root: ``$EXPORTLAB_ROOT`` or the nearest folder with ``pyproject.toml`` and ``notebooks/``."""
    env = os.environ.get(ROOT_ENV)
    if env:
        return Path(env).resolve()
    return _find_root(str(Path.cwd().resolve()))


def _folder(*parts: str, create: bool = True) -> Path:
    path = project_root().joinpath(*parts)
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def raw_dir() -> Path:
    """``data/raw/``: inputs as downloaded, never modified by the code."""
    return _folder("data", "raw")


def processed_dir() -> Path:
    """``data/processed/``: Parquet outputs of each stage."""
    return _folder("data", "processed")


def figures_dir() -> Path:
    """``figures/``: publication figures (PNG and SVG)."""
    return _folder("figures")


def reports_dir() -> Path:
    """``reports/``: executed notebooks, their HTML and ``manifest.json``."""
    return _folder("reports")


def tables_dir() -> Path:
    """``reports/tables/``: tables for authors (CSV, XLSX, LaTeX, Markdown)."""
    return _folder("reports", "tables")


def notebooks_dir() -> Path:
    """``notebooks/``: the stage notebooks."""
    return _folder("notebooks", create=False)


def config_dir() -> Path:
    """``config/``: the YAML profiles."""
    return _folder("config", create=False)


def resolve(path: str | os.PathLike[str]) -> Path:
    """A path from a profile: absolute as given, relative to the project root otherwise."""
    path = Path(path).expanduser()
    return path if path.is_absolute() else project_root() / path
