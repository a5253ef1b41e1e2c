"""Profiles: YAML files of parameters for the stage notebooks.

A profile (``config/<name>.yaml`` or any YAML file) is a flat mapping ``parameter: value``. Its keys must
be parameters of some stage notebook (their ``parameters`` cell declares them with their defaults) or of
the runner itself (:data:`RUNNER_PARAMETERS`); anything else is an error, so a typo never passes silently.
A notebook receives exactly the profile keys it declares; what a profile leaves out keeps the notebook's
default. ``extends: <profile>`` starts from another profile.

>>> profile = load_profile("default")            # doctest: +SKIP
>>> profile.params["lang"]                         # doctest: +SKIP
'en'
"""

from __future__ import annotations

import ast
import difflib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from exportlab import paths
from exportlab.errors import ProfileError
from exportlab.stages import STAGES

#: Parameters read by the runner, not by a notebook: ``demo`` (``true``, ``false`` or ``"auto"``) says
#: whether ``raw_dir`` holds the synthetic demo data set (see :meth:`Profile.demo_mode`);
#: ``demo_size`` is ``"full"`` or ``"small"``; ``cell_timeout`` is the longest a notebook cell may run
#: (seconds > 0; ``None``: no limit) before its stage fails; ``show_code`` shows the code cells in the
#: HTML reports (hidden by default: the reports are written for readers); ``stages`` lists the stages
#: a run of the profile runs when none are named (``exportlab run --stages``, ``make run STAGES=``);
#: ``None``: every stage; ``figures`` is ``"publication"`` (PNG 300 dpi and SVG) or ``"screen"`` (PNG
#: 150 dpi only; :data:`exportlab.paths.FIGURE_MODES`).
RUNNER_PARAMETERS: dict[str, Any] = {
    "demo": "auto",
    "demo_size": "full",
    "demo_seed": 2021,
    "cell_timeout": 1800,
    "show_code": False,
    "stages": None,
    "figures": "publication",
}
META_KEYS = ("description", "description_ru", "extends")
#: Where the demo data set lives unless a profile names another folder.
DEFAULT_DEMO_DIR = "data/raw/demo"
#: Parameters that are shares (0 to 1) or percentages (0 to 100).
SHARE_PARAMETERS: dict[str, tuple[float, float]] = {
    "traditional_share": (0.0, 1.0),
    "min_share_pct": (0.0, 100.0),
}
LANGUAGES = ("en", "ru")
HS_DIGITS = (2, 4, 6, 8, 10)


@dataclass(frozen=True)
class Profile:
    """A named set of parameters. ``params`` holds only what the profile sets (after ``extends``)."""

    name: str
    path: Path | None
    params: dict[str, Any]
    description: str = ""
    chain: tuple[str, ...] = field(default=())
    #: The description in Russian (``description_ru``), for the index page of a Russian run.
    description_ru: str = ""
    #: ``key -> level`` of the profile file that set it: 0 is the profile itself, 1 the one it
    #: extends, and so on.
    origin: dict[str, int] = field(default_factory=dict)

    def describe(self, lang: str = "en") -> str:
        """The profile's description in ``lang`` (the English one where no Russian is written)."""
        return self.description_ru if lang == "ru" and self.description_ru else self.description

    def runner(self, key: str) -> Any:
        """A runner parameter of this profile, or its default."""
        return self.params.get(key, RUNNER_PARAMETERS[key])

    def origin_file(self, key: str) -> Path | None:
        """The profile file that set ``key`` (``None`` when no file sets it)."""
        level = self.origin.get(key)
        return Path(self.chain[level]) if level is not None and level < len(self.chain) else None

    def demo_mode(self) -> bool | str:
        """``True``, ``False`` or ``"auto"``: does ``raw_dir`` hold the synthetic demo data set?

        ``demo`` applies to the ``raw_dir`` of the same profile file or of a file extending it: a
        profile that names its own ``raw_dir`` does not inherit ``demo: true`` from the profile it
        extends (so ``extends: default`` plus ``raw_dir: data/raw/fcs2021`` reads the user's files),
        unless it sets ``demo_size`` or ``demo_seed`` beside it. ``"auto"``: the default demo folder
        gets the demo, any other folder is read as the user's data.
        """
        value = self.params.get("demo", RUNNER_PARAMETERS["demo"])
        raw_level = self.origin.get("raw_dir")
        if raw_level is None:
            return value
        if "demo" in self.origin and self.origin["demo"] <= raw_level:
            return value
        if value is not False and any(
            self.origin.get(key, raw_level + 1) <= raw_level for key in ("demo_size", "demo_seed")
        ):
            return True
        return "auto"


def cell_source(cell: Mapping[str, Any]) -> str:
    """A notebook cell's source as one string (the file holds a string or a list of lines)."""
    source = cell.get("source", "")
    return source if isinstance(source, str) else "".join(source)


def code_cells(notebook: str | Path) -> list[dict[str, Any]]:
    """The code cells of a notebook file, read as JSON (no kernel, no nbformat validation)."""
    cells = json.loads(Path(notebook).read_text(encoding="utf-8")).get("cells", [])
    return [cell for cell in cells if cell.get("cell_type") == "code"]


def notebook_parameters(notebook: str | Path) -> dict[str, Any]:
    """The parameters a notebook declares: ``name -> default`` from its cell tagged ``parameters``.

    Only plain assignments of literals are allowed there (``year = 2021``, ``lang = "en"``, lists,
    dicts, ``None``), so the defaults can be read without running the notebook.
    """
    notebook = Path(notebook)
    for cell in code_cells(notebook):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            source = cell_source(cell)
            params: dict[str, Any] = {}
            for node in ast.parse(source).body:
                if not (
                    isinstance(node, ast.Assign | ast.AnnAssign)
                    and isinstance(
                        node.targets[0] if isinstance(node, ast.Assign) else node.target, ast.Name
                    )
                ):
                    raise ProfileError(
                        f"{notebook.name}: the parameters cell may hold only assignments, "
                        f"line {node.lineno} is not one"
                    )
                target = node.targets[0] if isinstance(node, ast.Assign) else node.target
                try:
                    params[target.id] = ast.literal_eval(node.value)  # type: ignore[arg-type]
                except ValueError as exc:
                    raise ProfileError(
                        f"{notebook.name}: parameter {target.id!r} (line {node.lineno}) must be a "
                        "literal (number, string, list, dict, True/False/None)"
                    ) from exc
            return params
    raise ProfileError(f"{notebook.name}: no code cell tagged 'parameters'")


def declared_parameters(notebooks: Iterable[str | Path]) -> dict[str, dict[str, Any]]:
    """``parameter -> {notebook name: default}`` over ``notebooks``."""
    declared: dict[str, dict[str, Any]] = {}
    for notebook in notebooks:
        for key, default in notebook_parameters(notebook).items():
            declared.setdefault(key, {})[Path(notebook).name] = default
    return declared


def profile_path(name_or_path: str | Path) -> Path:
    """The YAML file of a profile given by name (``config/<name>.yaml``) or by path."""
    candidate = Path(name_or_path)
    if candidate.suffix in (".yaml", ".yml"):
        resolved = candidate if candidate.is_absolute() else Path.cwd() / candidate
        if not resolved.exists():
            resolved = paths.resolve(candidate)
        if not resolved.exists():
            raise ProfileError(f"profile file not found: {name_or_path}")
        return resolved
    resolved = paths.config_dir() / f"{name_or_path}.yaml"
    if not resolved.exists():
        known = sorted(p.stem for p in paths.config_dir().glob("*.yaml"))
        raise ProfileError(f"unknown profile {str(name_or_path)!r}; known profiles: {known}")
    return resolved


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ProfileError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ProfileError(f"{path}: a profile must be a mapping of parameter: value")
    return data


def load_profile(
    name_or_path: str | Path = "default", notebooks: Iterable[str | Path] | None = None
) -> Profile:
    """Read and validate a profile against the parameters the stage notebooks declare.

    ``notebooks`` defaults to every ``notebooks/*.ipynb`` of the project.
    """
    if notebooks is None:
        notebooks = sorted(paths.notebooks_dir().glob("[0-9][0-9]_*.ipynb"))
    declared = declared_parameters(notebooks)
    chain: list[str] = []
    params: dict[str, Any] = {}
    description = description_ru = ""
    path = profile_path(name_or_path)
    layers = []
    while True:
        if str(path) in chain:
            raise ProfileError(f"profile {path.name}: 'extends' goes round in a circle")
        chain.append(str(path))
        data = _read_yaml(path)
        layers.append((path, data))
        parent = data.get("extends")
        if not parent:
            break
        path = profile_path(parent)
    origin: dict[str, int] = {}
    for level in range(len(layers) - 1, -1, -1):
        layer_path, data = layers[level]
        if (
            "description" in data
        ):  # a layer's own English text replaces the Russian it does not write
            description, description_ru = (
                str(data["description"]),
                str(data.get("description_ru", "")),
            )
        for key, value in data.items():
            if key in META_KEYS:
                continue
            _check_key(layer_path, key, value, declared)
            _check_value(layer_path, key, value)
            params[key] = value
            origin[key] = level
    return Profile(
        name=Path(chain[0]).stem,
        path=Path(chain[0]),
        params=params,
        description=description,
        description_ru=description_ru,
        chain=tuple(chain),
        origin=origin,
    )


def _check_value(path: Path, key: str, value: Any) -> None:
    """Values that can be checked without data: languages, levels, limits, shares."""
    problem = None
    if key == "lang" and value not in LANGUAGES:
        problem = f"must be one of {', '.join(map(repr, LANGUAGES))}"
    elif key == "hs_digits" and (isinstance(value, bool) or value not in HS_DIGITS):
        problem = f"must be one of {', '.join(map(str, HS_DIGITS))} (digits of the product code)"
    elif key == "cell_timeout" and value is not None:
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            problem = "must be a number of seconds greater than 0, or null for no limit"
    elif key == "demo" and value not in (True, False, "auto"):
        problem = "must be true, false or auto"
    elif key == "show_code" and not isinstance(value, bool):
        problem = "must be true or false"
    elif key == "demo_size" and value not in ("full", "small"):
        problem = "must be 'full' or 'small'"
    elif key == "demo_seed" and (isinstance(value, bool) or not isinstance(value, int)):
        problem = "must be a whole number"
    elif key == "figures" and value not in paths.FIGURE_MODES:
        problem = f"must be one of {', '.join(map(repr, paths.FIGURE_MODES))}"
    elif key == "stages" and value is not None:
        problem = _stages_problem(value)
    elif key in SHARE_PARAMETERS and value is not None:
        low, high = SHARE_PARAMETERS[key]
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not number or not low <= value <= high:
            unit = "a share" if high == 1 else "a percentage"
            problem = f"is {unit}: it must be between {low:g} and {high:g}"
    if problem:
        raise ProfileError(f"{path.name}: parameter {key!r} {problem}, got {value!r}")


def stage_ids(selection: Iterable[str | int]) -> list[str]:
    """Ids of the stages named by id (``"04"``, ``4``) or notebook name, in stage order.

    >>> stage_ids(["04", 1, "02_hightech_classification"])
    ['01', '02', '04']
    """
    wanted = set()
    for item in selection:
        key = str(item).removesuffix(".ipynb")
        match = [s.id for s in STAGES if key in (s.id, s.id.lstrip("0"), s.name)]
        if not match:
            known = ", ".join(f"{s.id} ({s.name})" for s in STAGES)
            raise ValueError(f"unknown stage {item!r}; stages: {known}")
        wanted.update(match)
    return [s.id for s in STAGES if s.id in wanted]


def _stages_problem(value: Any) -> str | None:
    """What is wrong with a profile's ``stages`` list (``None``: nothing)."""
    if isinstance(value, str | int) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list) or not value:
        return 'must be a list of stage ids such as ["01", "02", "04"], or null for every stage'
    if any(isinstance(item, bool) or not isinstance(item, str | int) for item in value):
        return 'must list stage ids (such as "04") or notebook names'
    try:
        stage_ids(value)
    except ValueError as exc:
        return f"names an {exc}"
    return None


def _check_key(path: Path, key: str, value: Any, declared: Mapping[str, Mapping[str, Any]]) -> None:
    if key in RUNNER_PARAMETERS:
        default = RUNNER_PARAMETERS[key]
        where = "the runner"
    elif key in declared:
        defaults = [d for d in declared[key].values() if d is not None]
        default = defaults[0] if defaults else None
        where = ", ".join(declared[key])
    else:
        known = sorted({*declared, *RUNNER_PARAMETERS})
        close = difflib.get_close_matches(key, known, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise ProfileError(
            f"{path.name}: unknown parameter {key!r}: no stage notebook declares it{hint} "
            f"(known: {', '.join(known)})"
        )
    if default is None or value is None:
        return
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, int | float):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    else:
        return
    if not ok:
        raise ProfileError(
            f"{path.name}: parameter {key!r} should be a {type(default).__name__} like its "
            f"default in {where} ({default!r}), got {value!r}"
        )


def profile(
    name_or_path: str | Path = "default", namespace: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A profile's parameters for a notebook opened by hand (JupyterLab), in one line.

    Returns every stage-notebook parameter with the value the runner would give it under the
    profile (the profile's value, else the notebook's default), read and checked by
    :func:`load_profile`; runner keys (``demo``, ``cell_timeout``, …) are left out. The notebook
    then works in the profile's output tree (:func:`exportlab.paths.use_profile`), so it reads the
    data ``make run PROFILE=<name>`` wrote. ``namespace``: a dict to update with the values too —
    pass ``globals()`` in the cell after the parameters cell to run the notebook as the runner
    would.

    >>> params = profile("seminar")                     # doctest: +SKIP
    >>> params["lang"], params["interactive"]           # doctest: +SKIP
    ('ru', True)
    >>> exportlab.profile("seminar", globals())         # doctest: +SKIP
    """
    loaded = load_profile(name_or_path)
    notebooks = sorted(paths.notebooks_dir().glob("[0-9][0-9]_*.ipynb"))
    values: dict[str, Any] = {}
    for notebook in notebooks:
        for key, default in notebook_parameters(notebook).items():
            values.setdefault(key, default)
    values.update({k: v for k, v in loaded.params.items() if k in values})
    paths.use_profile(loaded.name)
    if namespace is not None:
        namespace.update(values)
    return values
