"""Project root discovery and the standard folders.

The project root is the nearest folder above the working directory (or above this package, for an
editable install) that holds ``pyproject.toml`` and ``notebooks/``; ``EXPORTLAB_ROOT`` overrides it. A
notebook therefore finds its data the same way whatever folder JupyterLab was started from.

Every profile has its own output tree, so that runs of different profiles never overwrite each
other: ``data/processed/<profile>/``, ``figures/<profile>/`` and ``reports/<profile>/`` (with
``tables/``). The runner names the profile to its notebooks with ``EXPORTLAB_PROFILE``; a notebook
opened in JupyterLab without it works in the ``default`` profile's tree (``use_profile("seminar")``
switches).

>>> from exportlab import paths
>>> paths.processed_dir("seminar").relative_to(paths.project_root()).as_posix()
'data/processed/seminar'
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

from exportlab.errors import MissingInput

ROOT_ENV = "EXPORTLAB_ROOT"
PROFILE_ENV = "EXPORTLAB_PROFILE"
#: The profile whose tree a notebook uses when no profile is named.
DEFAULT_PROFILE = "default"


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


def tree_name(profile: str | os.PathLike[str]) -> str:
    """The folder name of a profile's output tree: its name (a YAML path gives its file stem).

    >>> tree_name("config/my_study.yaml"), tree_name("seminar")
    ('my_study', 'seminar')
    """
    text = str(profile)
    name = Path(text).stem if text.endswith((".yaml", ".yml")) else text
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("._") or DEFAULT_PROFILE
    return name


#: How a run writes its figures (runner key ``figures``): ``publication`` — PNG at 300 dpi and SVG;
#: ``screen`` — PNG at 150 dpi only (for a projector or a browser: a third of the time).
FIGURE_MODES: dict[str, tuple[tuple[str, ...], int]] = {
    "publication": (("png", "svg"), 300),
    "screen": (("png",), 150),
}
FIGURES_ENV = "EXPORTLAB_FIGURES"


def figure_mode() -> str:
    """The figure mode of this run: ``$EXPORTLAB_FIGURES`` (set by the runner) or ``publication``.

    >>> figure_mode() in FIGURE_MODES
    True
    """
    mode = os.environ.get(FIGURES_ENV) or "publication"
    if mode not in FIGURE_MODES:
        raise ValueError(f"{FIGURES_ENV} must be one of {', '.join(FIGURE_MODES)}, got {mode!r}")
    return mode


BATCH_ENV = "EXPORTLAB_BATCH"


def batch_run() -> bool:
    """True in a kernel the runner started (``$EXPORTLAB_BATCH``): nobody is there to move a slider,
    and the report shows a note where a live widget would be.

    >>> isinstance(batch_run(), bool)
    True
    """
    return os.environ.get(BATCH_ENV) == "1"


def current_profile() -> str:
    """The profile whose tree the package reads and writes: ``$EXPORTLAB_PROFILE`` or ``default``."""
    return tree_name(os.environ.get(PROFILE_ENV) or DEFAULT_PROFILE)


def use_profile(profile: str) -> str:
    """Work in ``profile``'s output tree from now on (in this process and the kernels it starts)."""
    name = tree_name(profile)
    os.environ[PROFILE_ENV] = name
    return name


def raw_dir() -> Path:
    """``data/raw/``: inputs as downloaded, never modified by the code."""
    return _folder("data", "raw")


def processed_dir(profile: str | None = None, *, create: bool = True) -> Path:
    """``data/processed/<profile>/``: Parquet outputs of each stage for the profile's data set."""
    return _folder("data", "processed", tree_name(profile or current_profile()), create=create)


def figures_dir(profile: str | None = None, *, create: bool = True) -> Path:
    """``figures/<profile>/``: publication figures (PNG and SVG)."""
    return _folder("figures", tree_name(profile or current_profile()), create=create)


def reports_dir(profile: str | None = None, *, create: bool = True) -> Path:
    """``reports/<profile>/``: executed notebooks, their HTML, ``index.html`` and ``manifest.json``."""
    return _folder("reports", tree_name(profile or current_profile()), create=create)


def tables_dir(profile: str | None = None, *, create: bool = True) -> Path:
    """``reports/<profile>/tables/``: tables for authors (CSV, XLSX, LaTeX, Markdown)."""
    return _folder("reports", tree_name(profile or current_profile()), "tables", create=create)


def processed_file(name: str, profile: str | None = None) -> Path:
    """``data/processed/<profile>/<name>``, or :class:`MissingInput` naming the stages to run.

    A notebook opened before the stages that write its inputs have run says so instead of failing
    with a bare ``FileNotFoundError``.
    """
    path = processed_dir(profile, create=False) / name
    if path.exists():
        return path
    from exportlab.stages import stages_writing

    stages = stages_writing(f"data/processed/{name}")
    shown = (
        path.relative_to(project_root()).as_posix() if path.is_relative_to(project_root()) else path
    )
    tree = tree_name(profile or current_profile())
    if not stages:
        raise MissingInput(f"{shown} is missing")
    ids = " ".join(stages)
    where = "" if tree == DEFAULT_PROFILE else f" PROFILE={tree}"
    raise MissingInput(
        f'{shown} is missing: run `make run STAGES="{ids}"{where}` (or `exportlab run '
        f"--profile {tree} --stages {ids}`) first; it is written by stage "
        f"{stages[-1]} and the stages it needs"
    )


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
