"""The stage table and the runner: papermill execution, caching, atomic outputs and the manifest.

Each stage is a notebook with declared inputs and outputs (glob patterns relative to the project root).
:func:`run` executes the stages in order with papermill, passing each notebook the profile parameters it
declares. A stage is skipped when its cache key — notebook bytes, parameters, package code, input files,
the versions of the packages that compute results and the boundary source of the maps — is the one
recorded in ``reports/manifest.json`` and its recorded outputs are still on disk unchanged;
``force=True`` runs it anyway.

Nothing is lost under faults. Before any kernel starts, :func:`preflight` checks the profile's values
and the raw-data folder (the demo generator writes only into a folder it owns). One run at a time holds
the project lock (``reports/.runner/lock``). A stage first moves its earlier outputs aside into a staging
folder under ``reports/.runner/`` with a journal; a failing stage puts them back (also across
filesystems) and raises :class:`StageFailed` naming the notebook and the cell, and the stages that do not
depend on it still run. A run killed in the middle of a stage leaves the journal: the next run puts the
earlier outputs back before it starts (:func:`recover`).

Kernels start ahead of their stage (:mod:`exportlab.kernels`): the next stage's kernel starts, and
imports what its notebook imports, while the current stage runs (stage 01's while the demo data are
written), so a stage's first cell runs at once. Stages run in worker processes when several can run
at the same time (:func:`concurrency`); a chain of stages, as the seminar's, runs in this process.

>>> from exportlab.pipeline import run
>>> manifest = run("seminar")                       # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.metadata
import json
import multiprocessing
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exportlab import __version__, kernels, paths
from exportlab.config import (
    DEFAULT_DEMO_DIR,
    Profile,
    load_profile,
    notebook_parameters,
)
from exportlab.errors import DemoFolderError, ProfileError, ProjectBusy, RunFailed, StageFailed
from exportlab.files import describe_os_error, move_file, write_json, write_json_durable
from exportlab.stages import STAGES, Stage

# papermill and nbconvert load nbformat, whose jsonschema imports every installed format checker;
# rfc3987_syntax (the non-GPL "iri" checker) compiles about 35 grammars at import: 1.6 s of CPU in the
# runner and in each worker process (python-jsonschema/jsonschema#1428). Notebook schemas use no
# "iri" format, so the runner's processes go without that checker.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

KERNEL_NAME = kernels.KERNEL_NAME
REPORTED_PACKAGES = (
    "exportlab",
    "numpy",
    "scipy",
    "pandas",
    "pyarrow",
    "duckdb",
    "pandera",
    "matplotlib",
    "seaborn",
    "geopandas",
    "shapely",
    "pyproj",
    "mapclassify",
    "scikit-learn",
    "statsmodels",
    "papermill",
    "nbconvert",
    "ipykernel",
)
#: Runtime dependencies that run notebooks or show them but compute no result: their versions do not
#: enter the cache key (every other dependency of the package does).
RUNNER_ONLY_PACKAGES = frozenset(
    {
        "papermill",
        "nbconvert",
        "nbformat",
        "ipykernel",
        "ipywidgets",
        "jupyterlab",
        "python-docx",
        "latex2mathml",
    }
)
#: Folder (relative to the project root) of the project lock and the journals of stages in flight.
RUNNER_DIR = "reports/.runner"
JOURNAL = "journal.json"


#: The kernel manager the stages run on (``sys.executable``'s ipykernel, whatever kernelspecs say).
_current_interpreter_kernel_manager = kernels.current_interpreter_kernel_manager


def available_stages(root: Path | None = None) -> list[Stage]:
    """The stages whose notebook exists, in order."""
    root = root or paths.project_root()
    return [s for s in STAGES if (root / "notebooks" / s.notebook).exists()]


def select_stages(selection: Iterable[str] | None, root: Path | None = None) -> list[Stage]:
    """Stages named by id (``"04"``, ``"4"``) or notebook name; all available ones when empty."""
    stages = available_stages(root)
    if not selection:
        return stages
    wanted = []
    for item in selection:
        key = str(item).removesuffix(".ipynb")
        match = [s for s in stages if key in (s.id, s.id.lstrip("0"), s.name)]
        if not match:
            known = ", ".join(f"{s.id} ({s.name})" for s in stages)
            raise ValueError(f"unknown stage {item!r}; stages: {known}")
        wanted.extend(m for m in match if m not in wanted)
    return [s for s in stages if s in wanted]


def in_tree(patterns: Iterable[str], tree: str) -> tuple[str, ...]:
    """Stage patterns in a profile's output tree: ``data/processed/``, ``figures/`` and
    ``reports/`` gain the folder ``<tree>/`` (other paths, e.g. ``{raw_dir}``, are unchanged).

    >>> in_tree(("data/processed/daed.parquet", "reports/tables/daed_*", "{raw_dir}/**/*"), "seminar")
    ('data/processed/seminar/daed.parquet', 'reports/seminar/tables/daed_*', '{raw_dir}/**/*')
    """
    out = []
    for pattern in patterns:
        for prefix in ("data/processed/", "figures/", "reports/"):
            if pattern.startswith(prefix):
                pattern = f"{prefix}{tree}/{pattern[len(prefix) :]}"
                break
        out.append(pattern)
    return tuple(out)


# ---------------------------------------------------------------------------------------- hashing


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _substitute(patterns: Iterable[str], params: dict[str, Any]) -> list[str]:
    """``patterns`` with ``{name}`` replaced by parameter ``name``; unset optional files dropped."""
    out = []
    for pattern in patterns:
        names = re.findall(r"\{(\w+)\}", pattern)
        if any(params.get(name) in (None, "") for name in names):
            continue  # an optional file that is not set
        for name in names:
            pattern = pattern.replace("{" + name + "}", str(params[name]).rstrip("/"))
        out.append(pattern)
    return out


def _glob(patterns: Iterable[str], root: Path) -> list[Path]:
    found: set[Path] = set()
    for pattern in patterns:
        base = Path(pattern)
        if base.is_absolute():
            anchor, rel = Path(base.anchor), str(base.relative_to(base.anchor))
        else:
            anchor, rel = root, pattern
        found.update(
            p
            for p in anchor.glob(rel)
            if p.is_file() and not p.name.startswith(".") and ".ipynb_checkpoints" not in p.parts
        )
    return sorted(found)


def _expand(patterns: Iterable[str], root: Path, params: dict[str, Any]) -> list[Path]:
    """Files matching ``patterns``; ``{name}`` in a pattern is the value of parameter ``name``."""
    return _glob(_substitute(patterns, params), root)


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def file_hashes(files: Iterable[Path], root: Path) -> dict[str, str]:
    """``relative path -> sha256`` of ``files``."""
    return {_rel(f, root): _sha256(f) for f in files}


def package_hash() -> str:
    """One hash over the package's source and data files: a code change re-runs every stage."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".csv", ".yaml", ".yml", ".json", ".md"}:
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def result_package_versions() -> dict[str, str]:
    """Python's version and those of the package's runtime dependencies that compute results.

    They enter every stage's cache key: upgrading pandas or scikit-learn re-runs the stages.
    """
    versions = {"python": platform.python_version()}
    try:
        requirements = importlib.metadata.requires("exportlab") or []
    except importlib.metadata.PackageNotFoundError:
        requirements = []
    for requirement in requirements:
        if ";" in requirement and "extra" in requirement.split(";", 1)[1]:
            continue
        name = re.split(r"[\s<>=!~\[;(]", requirement.strip(), maxsplit=1)[0]
        if not name or name.lower() in RUNNER_ONLY_PACKAGES:
            continue
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def boundary_source(boundaries: Any, root: Path) -> dict[str, Any]:
    """Which boundaries stage 05 would draw on, as it finds them (:func:`exportlab.geo.find_dcw`).

    ``"tiles"``: none; ``"auto"`` / ``"dcw"``: the DCW-GMT file found (path, size, modification time)
    or ``None`` and then the SHA-256 of the simplified copy shipped with the package; a path: the
    file's SHA-256. Installing ``gmt-dcw`` changes it, so the maps re-run.
    """
    if boundaries in (None, "", "tiles"):
        return {"boundaries": "tiles"}
    if boundaries == "shipped":
        from exportlab import geo

        shipped = geo.shipped_boundaries()
        return {"boundaries": "shipped", "shipped": _sha256(shipped) if shipped else None}
    if isinstance(boundaries, str) and boundaries in ("auto", "dcw"):
        from exportlab import geo

        found = geo.find_dcw()
        if found is None:
            shipped = geo.shipped_boundaries()  # what "auto" draws without DCW-GMT
            return {
                "boundaries": boundaries,
                "dcw": None,
                "shipped": _sha256(shipped) if shipped is not None else None,
            }
        info: dict[str, Any] = {"boundaries": boundaries, "dcw": str(found)}
        for name, path in (("file", found), ("states", found.with_name("dcw-states.txt"))):
            with contextlib.suppress(OSError):
                stat = path.stat()
                info[name] = [stat.st_size, stat.st_mtime_ns]
        return info
    path = Path(str(boundaries)).expanduser()
    if not path.is_absolute():
        path = root / path
    return {"boundaries": str(boundaries), "sha256": _sha256(path) if path.is_file() else None}


def stage_environment(
    stage: Stage, params: dict[str, Any], declared: dict[str, Any], root: Path
) -> dict[str, Any]:
    """What changes a stage's outputs beyond its notebook, parameters and input files."""
    env: dict[str, Any] = {"packages": result_package_versions()}
    if "boundaries" in declared:
        env["boundaries"] = boundary_source(params.get("boundaries", declared["boundaries"]), root)
    return env


def cache_key(
    stage: Stage,
    params: dict[str, Any],
    inputs: dict[str, str],
    code: str,
    root: Path,
    environment: dict[str, Any] | None = None,
) -> str:
    """The hash that decides whether a stage must run again."""
    payload = {
        "notebook": _sha256(root / "notebooks" / stage.notebook),
        "params": params,
        "inputs": inputs,
        "code": code,
        "version": __version__,
        "environment": environment or {},
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


# ---------------------------------------------------------------------------------------- preflight


@dataclass(frozen=True)
class InputPlan:
    """What the run will read: ``raw_dir``, whether it holds (or will get) the demo data set."""

    raw_dir: Path
    demo_mode: bool | str
    state: str
    write_demo: bool
    synthetic: bool
    years: tuple[int, ...] | None
    notes: tuple[str, ...] = ()


def _set_where(profile: Profile, key: str, root: Path) -> str:
    source = profile.origin_file(key) or profile.path
    return f" (set in {_rel(source, root)})" if source else ""


def _profile_file(profile: Profile, root: Path) -> str:
    return _rel(profile.path, root) if profile.path else "the profile"


def _demo_file(path: Path, root: Path) -> bool:
    """Whether ``path`` lies in a folder the demo generator wrote."""
    from exportlab import demo

    for folder in path.parents:
        if (folder / demo.PROVENANCE_FILE).is_file():
            return demo.inspect_folder(folder, check_contents=False).state == "demo"
        if folder == root or folder == folder.parent:
            return False
    return False


def _holds(outer: Path, inner: Path) -> bool:
    return outer == inner or outer in inner.parents


NO_TRADE = "no product-level trade data (stage 01 found no trade table in raw_dir)"


def no_trade(root: Path, tree: str = paths.DEFAULT_PROFILE) -> bool:
    """Whether stage 01 wrote an empty ``trade.parquet`` (raw_dir held Rosstat tables only):
    every later stage needs product-level trade and is skipped, not failed."""
    path = root / "data" / "processed" / tree / "trade.parquet"
    if not path.is_file():
        return False
    try:
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows == 0
    except Exception:  # an unreadable table is stage 02's error to report
        return False


def data_years(root: Path, tree: str = paths.DEFAULT_PROFILE) -> tuple[int, ...] | None:
    """Years of ``data/processed/<tree>/trade.parquet`` as plain ints (``None``: no table)."""
    path = root / "data" / "processed" / tree / "trade.parquet"
    if not path.is_file():
        return None
    try:
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        column = pq.read_table(path, columns=["year"]).column("year")
        return tuple(sorted(int(y) for y in pc.unique(column).to_pylist() if y is not None))
    except Exception:  # an unreadable table is stage 02's error to report, with its own message
        return None


def _format_years(years: Sequence[int]) -> str:
    return ", ".join(str(int(y)) for y in years)


def check_year(year: Any, years: Sequence[int] | None, where: str) -> None:
    """Raise :class:`ProfileError` when ``year`` is not one of ``years`` (plain ints in the message).

    >>> check_year(2021, (2020, 2021), "the data")
    >>> check_year(2030, (2020, 2021), "the data")
    Traceback (most recent call last):
    ...
    exportlab.errors.ProfileError: year 2030 is not in the data; years there: 2020, 2021
    """
    if year is None or not years:
        return
    if isinstance(year, bool) or not isinstance(year, int) or int(year) not in set(years):
        raise ProfileError(f"year {year!r} is not in {where}; years there: {_format_years(years)}")


def preflight(
    profile: Profile, stages: Sequence[Stage] | None = None, root: Path | None = None
) -> InputPlan:
    """Check the profile against the raw data before any kernel starts; decide about the demo.

    ``raw_dir`` must not hold the project itself or its outputs. The demo data set is written only
    into a folder the demo owns (missing, empty, or written by the demo and unchanged): a profile
    that asks for the demo (:meth:`Profile.demo_mode`) over a folder holding the user's files stops
    here, naming the folder and the key to change; ``demo: "auto"`` reads such a folder as the user's
    data. ``year`` is checked against the years of the data where they are known (the demo's, or the
    processed table when stage 01 is not part of the run). Raises :class:`ProfileError`; changes
    nothing on disk.
    """
    from exportlab import demo

    root = root or paths.project_root()
    stages = list(stages) if stages is not None else available_stages(root)
    declared: dict[str, Any] = {}
    for stage in stages:
        for key, value in notebook_parameters(root / "notebooks" / stage.notebook).items():
            declared.setdefault(key, value)
    values = {**declared, **profile.params}
    raw_value = str(profile.params.get("raw_dir", declared.get("raw_dir", DEFAULT_DEMO_DIR)))
    raw_dir = Path(raw_value).expanduser()
    raw_dir = raw_dir if raw_dir.is_absolute() else root / raw_dir
    shown = f"raw_dir {raw_value!r}{_set_where(profile, 'raw_dir', root)}"
    profile_file = _profile_file(profile, root)
    ingests = any(s.id == "01" for s in stages)
    real_raw, real_root = raw_dir.resolve(), root.resolve()
    for name in ("data/processed", "reports", "figures", "notebooks"):
        if _holds(real_raw, (real_root / name).resolve()):
            raise ProfileError(
                f"{shown} is {raw_dir}, which holds the project's {name}/ folder: name the folder "
                f"of your raw data files in raw_dir ({profile_file}); nothing was changed"
            )
    folder = demo.inspect_folder(raw_dir)
    mode = profile.demo_mode()
    default_dir = real_raw == (real_root / DEFAULT_DEMO_DIR).resolve()
    wanted = mode is True or (mode == "auto" and default_dir and folder.state != "user")
    size, seed = profile.runner("demo_size"), profile.runner("demo_seed")
    notes: list[str] = []
    if wanted and folder.state == "user":
        raise ProfileError(
            f"{shown}: {demo.refusal(folder)}. The profile asks for the synthetic demo data set "
            f"there (demo: true{_set_where(profile, 'demo', root)}): set demo: false in "
            f"{profile_file} to analyse these files, or point raw_dir at a new folder for the demo"
        )
    if not wanted and ingests and folder.state in ("missing", "empty"):
        what = "does not exist" if folder.state == "missing" else "is an empty folder"
        hint = (
            "put your data files there or point raw_dir at them"
            if mode is False
            else f"put your data files there, or set demo: true in {profile_file} to write the "
            "synthetic demo data set there"
        )
        raise ProfileError(f"{shown} {what} ({raw_dir}): {hint}")
    write = wanted and not (folder.state == "demo" and (folder.size, folder.seed) == (size, seed))
    synthetic = wanted or folder.state == "demo"
    if not synthetic and ingests:
        for key in ("experts_file", "implementation_file", "proximity_file", "product_names_file"):
            value = values.get(key)
            if not value:
                continue
            path = Path(str(value)).expanduser()
            path = path if path.is_absolute() else root / path
            if path.is_file() and _demo_file(path.resolve(), real_root):
                raise ProfileError(
                    f"{key} {value!r}{_set_where(profile, key, root)} is a file of the synthetic "
                    f"demo data set, but {shown} holds your data: set {key}: null in "
                    f"{profile_file} (or name your own file)"
                )
    if wanted:
        years: tuple[int, ...] | None = tuple(demo.YEARS)
    elif folder.state == "demo" and folder.provenance.get("years"):
        years = tuple(int(y) for y in folder.provenance["years"])
    elif not ingests:
        years = data_years(root, paths.tree_name(profile.name))
    else:
        years = None  # known once stage 01 has read the files
    if "year" in declared and years:
        where = (
            "the demo data set"
            if synthetic
            else f"data/processed/{paths.tree_name(profile.name)}/trade.parquet"
        )
        check_year(values.get("year"), years, where)
    return InputPlan(raw_dir, mode, folder.state, write, synthetic, years, tuple(notes))


def prepare_inputs(
    profile: Profile,
    log: Callable[[str], None] = print,
    stages: Sequence[Stage] | None = None,
    root: Path | None = None,
) -> InputPlan:
    """:func:`preflight`, then write (or regenerate) the demo data set when the plan says so."""

    root = root or paths.project_root()
    plan = preflight(profile, stages, root)
    _write_demo(plan, profile, log, root)
    return plan


def _write_demo(plan: InputPlan, profile: Profile, log: Callable[[str], None], root: Path) -> None:
    """Write (or regenerate) the demo data set when ``plan`` says so."""
    from exportlab import demo

    if plan.write_demo:
        started = time.perf_counter()
        size, seed = profile.runner("demo_size"), profile.runner("demo_seed")
        try:
            demo.write_demo(plan.raw_dir, size=size, seed=seed)
        except DemoFolderError as exc:
            raise ProfileError(str(exc)) from None
        again = "rewritten" if plan.state == "demo" else "written"
        log(
            f"demo data ({size}, seed {seed}) {again} to {_rel(plan.raw_dir, root)} "
            f"({time.perf_counter() - started:.1f} s)"
        )


# ---------------------------------------------------------------------------------------- the lock


@contextlib.contextmanager
def project_lock(
    root: Path,
    *,
    wait: bool = True,
    log: Callable[[str], None] = print,
    what: str = "",
):
    """Hold the project's run lock (``reports/.runner/lock``, ``fcntl.flock``) for the block.

    A second run in the same project waits for the first to finish, saying so (``wait=False``: raises
    :class:`ProjectBusy`). The lock file names the process holding it.
    """
    import fcntl

    folder = root / RUNNER_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "lock"
    with path.open("a+", encoding="utf-8") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            message = f"another exportlab run holds the lock of this project ({holder}; {path})"
            if not wait:
                raise ProjectBusy(f"{message}; try again when it has finished") from None
            log(f"{message}: waiting for it to finish (Ctrl-C to stop waiting)")
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            log("the other run has finished; starting")
        fh.seek(0)
        fh.truncate()
        fh.write(
            f"pid {os.getpid()}{', ' + what if what else ''}, since {time.strftime('%H:%M:%S')}\n"
        )
        fh.flush()
        try:
            yield path
        finally:
            fh.seek(0)
            fh.truncate()
            fh.flush()
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


# ---------------------------------------------------------------------------------------- journal


def _process_start(pid: int) -> str | None:
    """The start time of process ``pid`` (Linux ``/proc``), to tell it from a later one with its id."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[-1].split()
    if fields[0] in ("Z", "X"):
        return "ended"  # a zombie: it has ended, only its exit status is left
    return fields[19]


def _alive(pid: int, started: str | None) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    now = _process_start(pid)
    if now == "ended":
        return False
    if started is not None:
        if now is not None and now != started:
            return False  # the id now belongs to another process
        if now is None and Path("/proc").is_dir():
            return False
    return True


def _write_journal(staging: Path, journal: dict[str, Any]) -> None:
    write_json_durable(journal, staging / JOURNAL)


def _put_back(root: Path, staging: Path, patterns: Sequence[str], running: bool) -> None:
    """Restore the outputs set aside in ``staging/backup``.

    ``running``: the stage's notebook had started, so whatever now matches its output patterns is
    from that run and goes first. Otherwise (killed while setting aside) only missing files return.
    """
    backup = staging / "backup"
    if running:
        for path in _glob(patterns, root):
            path.unlink()
    if not backup.is_dir():
        return
    for saved in sorted(p for p in backup.rglob("*") if p.is_file()):
        target = root / saved.relative_to(backup)
        if running or not target.exists():
            move_file(saved, target)


def _drop_staging(staging: Path) -> None:
    """Remove a staging folder: its journal first (the stage is then settled), then the rest."""
    (staging / JOURNAL).unlink(missing_ok=True)
    shutil.rmtree(staging, ignore_errors=True)


def recover(root: Path, log: Callable[[str], None] = print, patience: float = 60.0) -> list[str]:
    """Settle the stages an earlier run left in flight (killed, or its restore failed).

    For each journal in ``reports/.runner/``: wait for the processes it names to end (a kernel of a
    killed run stops within about a second), remove what the interrupted stage wrote, put its earlier
    outputs back and remove the staging folder. Call it holding the project lock. Returns the ids.
    """
    folder = root / RUNNER_DIR
    if not folder.is_dir():
        return []
    settled = []
    for staging in sorted(p for p in folder.iterdir() if p.is_dir()):
        journal_path = staging / JOURNAL
        if not journal_path.exists():
            if not (staging / "backup").exists():
                shutil.rmtree(staging, ignore_errors=True)  # created, nothing set aside yet
            continue
        try:
            journal = json.loads(journal_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        deadline = time.monotonic() + patience
        told = False
        for pid, started in journal.get("processes", []):
            while _alive(int(pid), started):
                if time.monotonic() > deadline:
                    raise ProjectBusy(
                        f"process {pid} of an earlier run of stage {journal.get('stage')} is still "
                        f"running; stop it, then run again (its journal: {journal_path})"
                    )
                if not told:
                    log(
                        f"stage {journal.get('stage')}: process {pid} of an earlier run is still "
                        "running; waiting for it to end"
                    )
                    told = True
                time.sleep(0.2)
        running = journal.get("phase") == "running"
        _put_back(root, staging, journal.get("outputs", []), running)
        _drop_staging(staging)
        log(
            f"stage {journal.get('stage')}: an earlier run stopped in the middle of it; its earlier "
            "outputs were put back"
        )
        settled.append(str(journal.get("stage")))
    return settled


# ---------------------------------------------------------------------------------------- running


def _package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in REPORTED_PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return versions


def _git_commit(root: Path) -> str | None:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return commit + ("-dirty" if dirty else "")


def _read_manifest(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _failing_cell(executed: Path) -> tuple[str | None, str]:
    """The failing cell as ``"N (In [k])"``, N counted from 1 over the notebook's own cells."""
    try:
        nb = json.loads(executed.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None, "the notebook could not be executed"
    position = 0
    for cell in nb.get("cells", []):
        tags = cell.get("metadata", {}).get("tags", [])
        if "injected-parameters" in tags or "papermill-error-cell-tag" in tags:
            continue
        position += 1
        for output in cell.get("outputs", []) or []:
            if output.get("output_type") == "error":
                count = cell.get("execution_count")
                label = f"{position} (In [{count}])" if count else str(position)
                return label, f"{output.get('ename')}: {output.get('evalue')}"
    return None, "unknown error"


def _write_html(
    executed: Path,
    target: Path,
    stage: Stage | None = None,
    params: dict[str, Any] | None = None,
    root: Path | None = None,
    *,
    show_code: bool = False,
    profile_name: str | None = None,
) -> None:
    """The stage's HTML report (:func:`exportlab.report.write_report`): code hidden unless
    ``show_code``, the parameters once as a table, no external scripts."""
    from exportlab import report

    defaults: dict[str, Any] | None = None
    docs: dict[str, str] = {}
    if stage is not None and root is not None:
        source = root / "notebooks" / stage.notebook
        defaults = notebook_parameters(source)
    values = {**(defaults or {}), **(params or {})}
    lang = values.get("lang", "en")
    if stage is not None and root is not None:
        docs = report.parameter_docs(source, lang if lang in ("en", "ru") else "en")
    title = None
    if stage is not None:
        label = stage.label(lang)
        title = f"{stage.id} · {label}" if label else stage.name
    report.write_report(
        executed,
        target,
        lang=lang if lang in ("en", "ru") else "en",
        show_code=show_code,
        parameters=params,
        defaults=defaults,
        profile=profile_name,
        docs=docs,
        title=title,
    )


def concurrency(stages: Sequence[Stage]) -> int:
    """The most of ``stages`` that can run at the same time: the largest set of them none of which
    needs another (directly or through others), as :class:`_Run` starts them.

    >>> from exportlab.stages import STAGES
    >>> concurrency([s for s in STAGES if s.id in ("01", "02", "04")]), concurrency(STAGES)
    (1, 5)
    """
    ids = [s.id for s in stages]
    below = {s.id: _dependents(s.id, stages) for s in stages}
    best: list[str] = []

    def grow(chosen: list[str], rest: list[str]) -> None:
        nonlocal best
        if len(chosen) > len(best):
            best = list(chosen)
        for n, candidate in enumerate(rest):
            if len(chosen) + len(rest) - n <= len(best):
                return
            if all(candidate not in below[c] and c not in below[candidate] for c in chosen):
                grow([*chosen, candidate], rest[n + 1 :])

    grow([], ids)
    return max(1, len(best))


def _dependents(stage_id: str, stages: Sequence[Stage]) -> set[str]:
    """Ids of the stages that depend on ``stage_id``, directly or through others."""
    found: set[str] = set()
    frontier = {stage_id}
    while frontier:
        frontier = {s.id for s in stages if set(s.after) & frontier} - found
        found |= frontier
    return found


def _code_level_hint(stage: Stage, params: dict[str, Any], error: str) -> str:
    """Stage 01 rejecting codes coarser than ``hs_digits``: say to lower it, not to drop the rows."""
    if stage.id != "01":
        return error
    try:
        from exportlab.io.quality import REASONS
    except ImportError:  # pragma: no cover - the reason table moved
        return error
    if REASONS.get("code_level", "\0") not in error or "hs_digits" in error:
        return error
    digits = params.get("hs_digits", 6)
    return (
        f"{error} — the codes in the data are shorter than hs_digits = {digits}: set hs_digits to "
        "the number of digits the codes have (e.g. hs_digits: 4) in the profile; skip_invalid "
        "would drop every such row"
    )


def _preload_reports() -> None:
    """Import what writing a stage's HTML report needs (nbconvert, its filters, the report module)."""
    with contextlib.suppress(Exception):
        import nbconvert
        import nbconvert.exporters.html  # noqa: F401

        from exportlab import report  # noqa: F401


def _preload_runner() -> None:
    """Import papermill and the report writer (a stage needs both)."""
    with contextlib.suppress(Exception):
        import papermill  # noqa: F401
    _preload_reports()


def _warm_worker(root: str, notebooks: Sequence[str]) -> None:
    """A worker's first task: start its spare kernel for ``notebooks``, then import papermill and
    the report writer while the kernel starts."""
    kernels.prepare_spare(root, notebooks)
    _preload_runner()


def _worker_init() -> None:
    """Worker processes die with the runner (Linux): a killed run leaves no stage running."""
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def execute_stage(
    stage: Stage,
    params: dict[str, Any],
    root: Path,
    *,
    progress: bool | dict = True,
    cell_timeout: float | None = None,
    show_code: bool = False,
    profile_name: str | None = None,
    recorded: Iterable[str] | None = None,
    warm: Sequence[str] = (),
) -> list[Path]:
    """Run one stage notebook with papermill; return its output files. Raises :class:`StageFailed`.

    Everything is read and written in the profile's output tree (:func:`exportlab.paths.tree_name`
    of ``profile_name``: ``data/processed/<tree>/``, ``figures/<tree>/``, ``reports/<tree>/``).
    The HTML report hides the code unless ``show_code`` (:mod:`exportlab.report`). ``recorded``:
    the files the stage's last run wrote (its manifest): those the new run does not write again are
    removed; any other file matching the output patterns (one the runner did not write) is put
    back where it was.

    The stage's earlier outputs are moved aside into a staging folder under ``reports/.runner/``
    with a journal; on failure they are put back (a copy where the folders are on different
    filesystems), and a disk-full or permission error is a :class:`StageFailed` naming the file.
    ``cell_timeout``: seconds a cell may run (``None``: no limit); a cell that runs longer, or a
    kernel that stops answering, fails the stage instead of leaving it waiting.

    The notebook runs on this process's spare kernel when one was started for it
    (:mod:`exportlab.kernels`), else on a new one. ``warm``: notebooks of the stages that may come
    next; a spare kernel is started for them (with their imports) while this stage runs.
    """
    tree = paths.tree_name(profile_name or paths.DEFAULT_PROFILE)
    with _profile_env(tree):  # the kernel works in the profile's tree
        return _execute_stage(
            stage, params, root, tree, progress, cell_timeout, show_code, recorded, warm
        )


def _execute_stage(
    stage: Stage,
    params: dict[str, Any],
    root: Path,
    tree: str,
    progress: bool | dict,
    cell_timeout: float | None,
    show_code: bool,
    recorded: Iterable[str] | None,
    warm: Sequence[str] = (),
) -> list[Path]:
    profile_name = tree
    reports = root / "reports" / tree
    runner = root / RUNNER_DIR
    patterns = _substitute(in_tree(stage.outputs, tree), params)
    recorded_files = set(recorded or ())
    try:
        runner.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f"{stage.id}.", dir=runner))
    except OSError as exc:
        raise StageFailed(
            stage, None, describe_os_error(exc, "the staging folder could not be made"), None
        ) from None
    journal: dict[str, Any] = {
        "stage": stage.id,
        "notebook": stage.notebook,
        "outputs": patterns,
        "recorded": sorted(recorded_files),
        "phase": "setting aside",
        "processes": [[os.getpid(), _process_start(os.getpid())]],
    }
    backup = staging / "backup"
    try:
        _write_journal(staging, journal)
        # A stage's outputs are exactly what its last successful run wrote: no stale files remain.
        for path in _glob(patterns, root):
            move_file(path, backup / _rel(path, root))
        journal["phase"] = "running"
        _write_journal(staging, journal)
    except OSError as exc:
        error = describe_os_error(exc, "setting the earlier outputs aside failed")
        try:
            _put_back(root, staging, patterns, running=False)
        except OSError as again:
            raise StageFailed(stage, None, error, None, _kept_note(staging, again)) from None
        _drop_staging(staging)
        raise StageFailed(stage, None, error, None) from None

    executed = staging / stage.notebook
    failure: str | None = None  # the error, when the exception itself says it best
    manager: Any = None
    start_error: Exception | None = None
    try:
        # the spare kernel started (and warmed) while the stage before ran, else a new one (it
        # starts while papermill is imported)
        manager = kernels.SPARE.take(root) or kernels.start_kernel(root)
    except Exception as exc:
        start_error = exc
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    try:
        if start_error is not None:
            raise start_error
        # the kernel's process is in the journal before the notebook's first cell runs
        pid = kernels.kernel_pid(manager)
        if pid:
            journal["processes"].append([pid, _process_start(pid)])
            with contextlib.suppress(OSError):
                _write_journal(staging, journal)
        if warm:  # the next stage's kernel starts while this one runs
            kernels.SPARE.prepare(root, [root / "notebooks" / name for name in warm])
        if "nbconvert" not in sys.modules:  # the report writer loads while the notebook runs
            threading.Thread(target=_preload_reports, daemon=True).start()
        pm.execute_notebook(
            str(root / "notebooks" / stage.notebook),
            str(executed),
            parameters=params,
            kernel_name=KERNEL_NAME,
            language="python",
            cwd=str(root),
            progress_bar=progress,
            request_save_on_cell_execute=False,
            km=manager,
            execution_timeout=cell_timeout,
        )
    except PapermillExecutionError as exc:
        failure, authoritative = f"{exc.ename}: {exc.evalue}", True
    except OSError as exc:
        failure, authoritative = describe_os_error(exc, "the notebook could not be run"), False
    except Exception as exc:
        failure, authoritative = f"{type(exc).__name__}: {exc}", False
    except BaseException:  # Ctrl-C: put the earlier outputs back, then stop
        if manager is not None:
            kernels.shutdown_kernel(manager, now=True)
        with contextlib.suppress(OSError):
            _put_back(root, staging, patterns, running=True)
            _drop_staging(staging)
        raise
    if manager is not None:
        if failure is None:  # it ends while the report is written
            kernels.request_shutdown(manager)
        else:  # a kernel that failed may be stuck: killed
            kernels.shutdown_kernel(manager, now=True)
    if failure is None:
        try:
            _write_html(
                executed,
                reports / f"{stage.name}.html",
                stage,
                params,
                root,
                show_code=show_code,
                profile_name=profile_name,
            )
            move_file(executed, reports / stage.notebook)
            (reports / f"{stage.name}.failed.ipynb").unlink(missing_ok=True)
            if manager is not None:
                kernels.shutdown_kernel(manager)  # it has ended before its outputs are listed
                manager = None
            outputs = _glob(patterns, root)
        except OSError as exc:
            failure, authoritative = (
                describe_os_error(exc, "the executed notebook could not be saved"),
                True,
            )
        else:
            try:
                # files the runner did not write (no manifest names them) go back where they were
                foreign = _restore_foreign(root, backup, recorded_files)
            except OSError as exc:
                raise StageFailed(
                    stage, None, describe_os_error(exc, "restoring files failed"), None
                ) from None
            _drop_staging(staging)
            return [p for p in outputs if p not in foreign]
        finally:
            if manager is not None:  # the report could not be written: the kernel ends anyway
                kernels.shutdown_kernel(manager)
    failed: Path | None = reports / f"{stage.name}.failed.ipynb"
    cell, error = None, failure
    try:
        if executed.exists():
            move_file(executed, failed)
            cell, from_notebook = _failing_cell(failed)
            if not authoritative:
                error = from_notebook
        else:
            failed = None
    except OSError:
        failed = None
    error = _code_level_hint(stage, params, error)
    try:
        _put_back(root, staging, patterns, running=True)
    except OSError as exc:
        raise StageFailed(stage, cell, error, failed, _kept_note(staging, exc)) from None
    _drop_staging(staging)
    raise StageFailed(stage, cell, error, failed)


def _restore_foreign(root: Path, backup: Path, recorded: set[str]) -> set[Path]:
    """Move the set-aside files that no manifest records back, where the run wrote none in their
    place; return their paths. Recorded files left in the backup are dropped with it: the stage
    no longer writes them."""
    restored: set[Path] = set()
    if not backup.is_dir():
        return restored
    for saved in sorted(p for p in backup.rglob("*") if p.is_file()):
        rel = saved.relative_to(backup).as_posix()
        target = root / rel
        if rel in recorded or target.exists():
            continue
        move_file(saved, target)
        restored.add(target)
    return restored


def _kept_note(staging: Path, exc: OSError) -> str:
    return (
        f"the earlier outputs could not all be put back ({describe_os_error(exc, 'restoring')}); they are "
        f"kept in {staging / 'backup'} and the next run puts them back"
    )


def run(
    profile: str | Path | Profile = "default",
    stages: Iterable[str] | None = None,
    *,
    force: bool = False,
    progress: bool = True,
    jobs: int | None = None,
    log: Callable[[str], None] = print,
    wait: bool = True,
    show_code: bool | None = None,
) -> dict[str, Any]:
    """Run the pipeline; return the manifest (also written to ``reports/manifest.json``).

    The HTML reports hide the code cells unless ``show_code`` (default: the profile's runner key
    ``show_code``, itself false by default); switching it re-renders the reports of unchanged stages
    from their executed notebooks without running them again.

    Before any kernel starts: the project lock is taken (another run in the project: wait for it, or
    with ``wait=False`` raise :class:`ProjectBusy`), stages an earlier run left in flight are settled
    (:func:`recover`) and the profile is checked against the data (:func:`preflight`).
    ``stages``: ids or notebook names; none given, the profile's runner key ``stages`` (e.g. the
    seminar's lesson stages), and without it every stage.
    Stages run as soon as the stages they depend on (``Stage.after``) are done, up to ``jobs`` at a
    time in worker processes (default: the number of CPU cores, at most 4); ``jobs=1`` runs them one by
    one in order. A failing stage stops only the stages that depend on it; the others still run, and
    :class:`RunFailed` then lists the failed stages and those not run because of them. The manifest
    is written after every stage, so a run stopped half-way keeps what it finished.
    """
    root = paths.project_root()
    os.environ["EXPORTLAB_ROOT"] = str(root)
    if not isinstance(profile, Profile):
        profile = load_profile(profile)
    os.environ.setdefault("PYTHONHASHSEED", "0")
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    if not stages:  # none named: the profile's own list (runner key ``stages``), else every stage
        stages = profile.runner("stages")
        stages = [stages] if isinstance(stages, str | int) else stages
    selected = select_stages(stages, root)
    with (
        # kernels and workers use its tree and its figure mode
        _profile_env(paths.tree_name(profile.name), profile.runner("figures")),
        project_lock(root, wait=wait, log=log, what=f"profile {profile.name}"),
    ):
        recover(root, log)
        return _run_locked(
            profile,
            selected,
            root,
            force=force,
            progress=progress,
            jobs=jobs,
            log=log,
            show_code=show_code,
        )


@contextlib.contextmanager
def _profile_env(tree: str, figures: str | None = None):
    """``EXPORTLAB_PROFILE`` set to ``tree`` (and ``EXPORTLAB_FIGURES`` to ``figures`` if given) for
    the block, then as they were: the kernels and worker processes started in it inherit them, and
    ``EXPORTLAB_BATCH`` (:func:`exportlab.paths.batch_run`: no live widgets)."""
    values = {paths.PROFILE_ENV: tree, paths.BATCH_ENV: "1"}
    if figures is not None:
        values[paths.FIGURES_ENV] = figures
    before = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield tree
    finally:
        for key, value in before.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _run_locked(
    profile: Profile, selected: list[Stage], root: Path, **options: Any
) -> dict[str, Any]:
    """Run ``selected`` under the project lock: plan, execute and record each stage, then the index.

    ``options`` are the keyword arguments of :class:`_Run` (``force``, ``progress``, ``jobs``, ``log``,
    ``show_code``).
    """
    log = options["log"]
    started_all = time.perf_counter()
    plan = preflight(profile, selected, root)
    state = _Run(profile, selected, root, **options)
    try:
        if plan.write_demo:
            # stage 01 reads what is being written, so it runs: its kernel starts meanwhile
            state.warm_first()
        _write_demo(plan, profile, log, root)
    except BaseException:
        state.close()
        raise
    state.loop()
    manifest = state.manifest
    ran = [
        s.id
        for s in selected
        if s.id in state.done
        and not manifest["stages"][s.id].get("cache_hit")
        and not manifest["stages"][s.id].get("skipped")
    ]
    manifest["run"] = {"stages": [s.id for s in selected], "ran": ran}
    manifest["total_seconds"] = round(time.perf_counter() - started_all, 2)
    if state.failures:
        manifest["failed"] = [f.stage.id for f in state.failures]
        manifest["blocked"] = state.blocked
    write_json(manifest, state.manifest_path)
    _write_index(manifest, root, state.tree, profile, log)
    if state.failures:
        raise RunFailed(state.failures, state.blocked, ran)
    return manifest


class _Run:
    """One run's state: the manifest being written, the stages pending, running, done and failed.

    Stages start as soon as the stages they need are done (those that others wait for first), up to
    ``jobs`` at a time: in this process with ``jobs=1``, in spawned worker processes otherwise.
    """

    def __init__(
        self,
        profile: Profile,
        selected: list[Stage],
        root: Path,
        *,
        force: bool,
        progress: bool,
        jobs: int | None,
        log: Callable[[str], None],
        show_code: bool | None,
    ) -> None:
        self.profile, self.selected, self.root, self.force, self.log = (
            profile,
            selected,
            root,
            force,
            log,
        )
        # never more workers than stages that can run at once: a chain (the seminar's 01, 02, 04)
        # runs in this process, with no worker to start
        self.jobs = max(1, min(jobs or os.cpu_count() or 1, 4, concurrency(selected)))
        self.show_code = bool(profile.runner("show_code")) if show_code is None else show_code
        self.tree = paths.tree_name(profile.name)
        self.reports = root / "reports" / self.tree
        self.manifest_path = self.reports / "manifest.json"
        self.previous = _read_manifest(self.manifest_path).get("stages", {})
        self.code = package_hash()
        self.manifest: dict[str, Any] = {
            "profile": profile.name,
            "profile_file": _rel(profile.path, root) if profile.path else None,
            "parameters": profile.params,
            "git_commit": _git_commit(root),
            "packages": _package_versions(),
            "platform": platform.platform(),
            "jobs": self.jobs,
            "stages": dict(self.previous),
        }
        self.timeout = profile.runner("cell_timeout")
        # Cell progress bars need a terminal; in logs (CI, pipes) the stage lines are the progress.
        self.progress = progress and sys.stderr.isatty()
        self.number = {stage.id: n for n, stage in enumerate(selected, start=1)}
        self.downstream = {s.id: len(_dependents(s.id, selected)) for s in selected}
        self.declared = {
            s.id: notebook_parameters(root / "notebooks" / s.notebook) for s in selected
        }
        self.failures: list[StageFailed] = []
        self.blocked: dict[str, list[str]] = {}
        self.pending = list(selected)
        self.done: set[str] = set()
        self.running: dict[Any, tuple[Stage, tuple, float, int]] = {}
        self.executor: ProcessPoolExecutor | None = None
        self.spares = 0  # spare kernels started for stages to come (kernels.SPARE of a process)
        self.warming: Any = None  # a worker starting the first stage's spare kernel

    def header(self, stage: Stage) -> str:
        return f"[{self.number[stage.id]}/{len(self.selected)}] stage {stage.id} {stage.name}"

    def plan(self, stage: Stage) -> tuple[dict[str, Any], dict[str, str], str] | None:
        """The stage's parameters, inputs and cache key; None when it can be skipped."""
        root, tree = self.root, self.tree
        if stage.id != "01" and no_trade(root, tree):
            self.log(f"{self.header(stage)}: skipped, {NO_TRADE}")
            self.manifest["stages"][stage.id] = {
                "skipped": NO_TRADE,
                "cache_hit": False,
                "seconds": 0.0,
            }
            return None
        declared = self.declared[stage.id]
        params = {k: v for k, v in self.profile.params.items() if k in declared}
        inputs = file_hashes(
            _expand(in_tree(stage.inputs, tree), root, {**declared, **params}), root
        )
        environment = stage_environment(stage, params, declared, root)
        environment["figures"] = self.profile.runner("figures")
        key = cache_key(stage, params, inputs, self.code, root, environment)
        old = self.previous.get(stage.id, {})
        outputs_ok = bool(old.get("outputs")) and all(
            (root / rel).exists() and _sha256(root / rel) == digest
            for rel, digest in old.get("outputs", {}).items()
        )
        if self.force or old.get("cache_key") != key or not outputs_ok:
            return params, inputs, key
        self.log(f"{self.header(stage)}: unchanged, skipped")
        self.manifest["stages"][stage.id] = {**old, "cache_hit": True, "seconds": 0.0}
        executed = self.reports / stage.notebook
        if bool(old.get("show_code", False)) != self.show_code and executed.is_file():
            _write_html(
                executed,
                self.reports / f"{stage.name}.html",
                stage,
                params,
                root,
                show_code=self.show_code,
                profile_name=self.profile.name,
            )
            self.manifest["stages"][stage.id]["show_code"] = self.show_code
        return None

    def record(self, stage: Stage, planned: tuple, outputs: list[Path], seconds: float) -> None:
        params, inputs, key = planned
        self.log(f"{self.header(stage)}: done in {seconds:.1f} s")
        self.manifest["stages"][stage.id] = {
            "notebook": f"notebooks/{stage.notebook}",
            "report": f"reports/{self.tree}/{stage.name}.html",
            "parameters": params,
            "inputs": inputs,
            "outputs": file_hashes(outputs, self.root),
            "cache_key": key,
            "cache_hit": False,
            "seconds": round(seconds, 2),
            "show_code": self.show_code,
        }
        write_json(self.manifest, self.manifest_path)  # a run stopped later keeps this stage
        self.finished(stage)

    def finished(self, stage: Stage) -> None:
        self.done.add(stage.id)
        if stage.id == "01":
            # once stage 01 has read the data, ``year`` is checked before the next stages start
            # (a spare kernel started meanwhile has only imported modules; it is stopped)
            declaring = [
                self.declared[s.id]
                for s in self.selected
                if s.id != "01" and "year" in self.declared[s.id]
            ]
            if declaring:
                year = self.profile.params.get("year", declaring[0]["year"])
                check_year(
                    year,
                    data_years(self.root, self.tree),
                    f"data/processed/{self.tree}/trade.parquet",
                )

    def fail(self, exc: StageFailed) -> None:
        self.log(f"{self.header(exc.stage)}: failed")
        self.failures.append(exc)
        old = self.manifest["stages"].pop(exc.stage.id, None)
        if old and old.get("outputs"):
            # the earlier outputs were put back: still recorded (so that a later run can remove
            # them), but with no cache key, so the stage runs again
            self.manifest["stages"][exc.stage.id] = {
                "notebook": old.get("notebook"),
                "report": old.get("report"),
                "outputs": old["outputs"],
                "failed": True,
                "cache_hit": False,
                "seconds": 0.0,
                "note": "the last run of this stage failed; these outputs are of the run before",
            }

    def _failed_ids(self) -> set[str]:
        return {f.stage.id for f in self.failures} | set(self.blocked)

    def _can_start(self, stage: Stage) -> bool:
        return all(d in self.done or d not in self.number for d in stage.after)

    def block_dependents(self) -> None:
        """Take out of the queue every stage that needs a failed one, naming the root causes."""
        failed_ids = self._failed_ids()
        for stage in list(self.pending):
            causes = [d for d in stage.after if d in failed_ids]
            if causes:
                self.pending.remove(stage)
                roots = sorted(
                    {c for c in causes if c not in self.blocked}
                    | {r for c in causes if c in self.blocked for r in self.blocked[c]}
                )
                self.blocked[stage.id] = roots
                self.log(f"{self.header(stage)}: not run (stage {', '.join(roots)} failed)")
                failed_ids.add(stage.id)

    def _pool(self) -> ProcessPoolExecutor:
        if self.executor is None:
            self.executor = ProcessPoolExecutor(
                max_workers=self.jobs,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_worker_init,
            )
        return self.executor

    def _next_up(self, starting: Stage) -> list[Stage]:
        """Pending stages that can start once those running (and ``starting``) are done, the
        critical path first: the stages a spare kernel started now would serve."""
        busy = {s.id for s, *_ in self.running.values()} | {starting.id} | self.done
        candidates = [
            s
            for s in self.pending
            if s is not starting and all(d in busy or d not in self.number for d in s.after)
        ]
        return sorted(candidates, key=lambda s: -self.downstream[s.id])

    def _warm_for(self, starting: Stage) -> tuple[str, ...]:
        """The notebook a spare kernel started with ``starting`` is warmed for (empty: start none).

        One spare per stage expected to follow, counting those already started; a stage starting
        takes one (its process's, if that process has one)."""
        self.spares = max(0, self.spares - 1)
        following = self._next_up(starting)
        if len(following) <= self.spares:
            return ()
        self.spares += 1
        return (following[self.spares - 1].notebook,)

    def warm_first(self) -> None:
        """Start the kernel of the first stage to run now (while the demo data are written)."""
        ready = sorted(
            (s for s in self.pending if self._can_start(s)), key=lambda s: -self.downstream[s.id]
        )
        if not ready or ready[0].id != "01":  # only stage 01 reads the demo data set
            return
        notebooks = [str(self.root / "notebooks" / ready[0].notebook)]
        if self.jobs == 1:
            kernels.prepare_spare(str(self.root), notebooks)
            # papermill and the report writer load while the demo is written
            threading.Thread(target=_preload_runner, daemon=True).start()
        else:
            self.warming = self._pool().submit(_warm_worker, str(self.root), notebooks)
        self.spares = 1

    def close(self) -> None:
        """Stop the worker processes and the spare kernels (none outlives the run)."""
        if self.warming is not None:
            with contextlib.suppress(Exception):
                self.warming.result()
            self.warming = None
        if self.executor is not None:
            self.executor.shutdown(wait=True)  # a worker's spare kernel ends with it
            self.executor = None
        kernels.SPARE.close()
        self.spares = 0

    def start_ready(self) -> None:
        """Start the stages whose inputs are done, critical path first, while a slot is free."""
        ready = sorted(
            (s for s in self.pending if self._can_start(s)), key=lambda s: -self.downstream[s.id]
        )
        for stage in ready:
            if len(self.running) >= self.jobs:
                break
            self.pending.remove(stage)
            planned = self.plan(stage)
            if planned is None:
                self.finished(stage)
                continue
            self.log(f"{self.header(stage)}: running")
            started = time.perf_counter()
            slot = min(set(range(self.jobs)) - {r[3] for r in self.running.values()}, default=0)
            bar = {"desc": f"stage {stage.id}", "position": slot, "leave": False}
            call = functools.partial(
                execute_stage,
                stage,
                planned[0],
                self.root,
                progress=self.progress and bar,
                cell_timeout=self.timeout,
                show_code=self.show_code,
                profile_name=self.profile.name,
                recorded=sorted(self.previous.get(stage.id, {}).get("outputs", {})),
                warm=self._warm_for(stage),
            )
            if self.jobs == 1:
                try:
                    outputs = call()
                except StageFailed as exc:
                    self.fail(exc)
                    return
                self.record(stage, planned, outputs, time.perf_counter() - started)
                continue
            if self.warming is not None:
                # the worker holding the first stage's kernel is free again: the stage goes to it
                with contextlib.suppress(Exception):
                    self.warming.result()
                self.warming = None
            self.running[self._pool().submit(call)] = (stage, planned, started, slot)

    def collect(self) -> None:
        """Wait for a running stage to end; record it or its failure."""
        finished_futures, _ = wait(list(self.running), return_when=FIRST_COMPLETED)
        for future in finished_futures:
            stage, planned, started, _ = self.running.pop(future)
            try:
                outputs = future.result()
            except StageFailed as exc:
                self.fail(exc)
                continue
            except Exception as exc:  # the worker process died (killed, out of memory)
                error = f"the worker process running it stopped ({type(exc).__name__}: {exc})"
                self.fail(StageFailed(stage, None, error, None))
                continue
            self.record(stage, planned, outputs, time.perf_counter() - started)

    def loop(self) -> None:
        try:
            while self.pending or self.running:
                self.block_dependents()
                self.start_ready()
                if self.running:
                    self.collect()
                elif not any(
                    self._can_start(s) or set(s.after) & self._failed_ids() for s in self.pending
                ):
                    break
        finally:
            pooled = self.executor is not None
            self.close()
            if pooled:
                recover(self.root, self.log)  # what a worker that died left in flight


def _write_index(
    manifest: dict[str, Any], root: Path, tree: str, profile: Profile, log: Callable[[str], None]
) -> None:
    """``reports/<tree>/index.html``: every stage report with a thumbnail, parameters, timings."""
    from exportlab import report

    lang = profile.params.get("lang", "en")
    titles = {s.id: s.label(lang) for s in STAGES}
    try:
        report.write_index(
            manifest,
            root,
            root / "reports" / tree / "index.html",
            lang=lang if lang in ("en", "ru") else "en",
            titles=titles,
            description=profile.describe(lang),
        )
    except OSError as exc:
        log(describe_os_error(exc, "the index page could not be written"))
