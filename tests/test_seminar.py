"""The seminar: one-line profile loading, the exercise notebooks and the teacher's guide."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from conftest import copy_project

import exportlab
from exportlab import paths, pipeline
from exportlab.config import RUNNER_PARAMETERS, load_profile, notebook_parameters, stage_ids
from exportlab.errors import ProfileError
from exportlab.stages import stages_writing

REPO = Path(__file__).resolve().parents[1]
SEMINAR = REPO / "notebooks" / "seminar"
EXERCISES, ANSWERS = SEMINAR / "exercises.ipynb", SEMINAR / "answers.ipynb"
GUIDE = REPO / "docs" / "teaching.md"
PROFILE_LINE = 'exportlab.profile("seminar", globals())'


@pytest.fixture
def restore_profile(monkeypatch: pytest.MonkeyPatch):
    """``profile()`` switches the output tree for the process: put the environment back after."""
    monkeypatch.delenv(paths.PROFILE_ENV, raising=False)
    yield
    monkeypatch.delenv(paths.PROFILE_ENV, raising=False)


# ------------------------------------------------------------------ exportlab.profile()


def test_profile_gives_the_values_the_runner_would(restore_profile):
    params = exportlab.profile("seminar")
    stages = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    declared = {k for nb in stages for k in notebook_parameters(nb)}
    assert set(params) == declared  # every notebook parameter, no runner key
    assert not set(RUNNER_PARAMETERS) & set(params)
    seminar = load_profile("seminar").params
    assert params["lang"] == seminar["lang"] == "ru"
    assert params["interactive"] is True and params["n_boot"] == seminar["n_boot"]
    assert params["raw_dir"] == "data/raw/demo_small"
    # a key the profile leaves to the notebooks keeps the notebook's default
    assert (
        params["year"]
        == notebook_parameters(REPO / "notebooks" / "04_daed_index_clusters.ipynb")["year"]
    )
    assert paths.current_profile() == "seminar"
    assert paths.processed_dir(create=False) == paths.project_root() / "data/processed/seminar"


def test_profile_fills_a_namespace_in_one_line(restore_profile):
    namespace: dict = {"lang": "en", "unrelated": 1}
    returned = exportlab.profile("seminar", namespace)
    assert namespace["lang"] == "ru" and namespace["unrelated"] == 1
    assert {k: namespace[k] for k in returned} == returned


def test_profile_rejects_an_unknown_profile(restore_profile):
    with pytest.raises(ProfileError, match="unknown profile 'seminr'"):
        exportlab.profile("seminr")
    assert paths.current_profile() == "default"  # nothing switched


# ------------------------------------------------------------------ the seminar notebooks


def _code(path: Path) -> list[nbformat.NotebookNode]:
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def _tags(cell) -> set[str]:
    return set(cell.metadata.get("tags", []))


@pytest.mark.parametrize("path", [EXERCISES, ANSWERS], ids=lambda p: p.name)
def test_seminar_notebooks_are_committed_without_outputs(path: Path):
    for index, cell in enumerate(_code(path)):
        assert not cell.get("outputs"), f"{path.name}: cell {index} has outputs"
        assert cell.get("execution_count") is None, f"{path.name}: cell {index} has a count"
    assert PROFILE_LINE in _code(path)[0].source  # the one line that loads the profile


def test_exercises_hold_no_answers():
    exercises, answers = _code(EXERCISES), _code(ANSWERS)
    answer_code = [c.source for c in answers if "answer" in _tags(c)]
    assert len(answer_code) >= 8
    assert [c.source for c in exercises if "setup" in _tags(c)] == [
        c.source for c in answers if "setup" in _tags(c)
    ]
    for cell in exercises:
        assert "answer" not in _tags(cell)
        if "setup" in _tags(cell):
            continue
        code = [line for line in cell.source.splitlines() if line.strip()]
        assert all(line.lstrip().startswith("#") for line in code), cell.source
    text = "\n".join(c.source for c in exercises)
    for source in answer_code:
        for line in source.splitlines():
            if len(line.strip()) > 25:
                assert line.strip() not in text, f"an answer line is in the exercises: {line}"
    # as many tasks as answers, in the same order
    titles = [
        re.match(r"## (\d+)\.", c.source)
        for c in nbformat.read(EXERCISES, as_version=4).cells
        if c.cell_type == "markdown"
    ]
    assert [int(m.group(1)) for m in titles if m] == list(range(1, 9))


def test_seminar_notebooks_are_not_pipeline_stages():
    assert all(s.notebook.count("/") == 0 for s in pipeline.STAGES)
    names = {p.name for p in pipeline.available_stages(REPO)}
    assert not {"exercises.ipynb", "answers.ipynb"} & names
    profile = load_profile("seminar")  # their variables are no profile keys
    assert "params" not in profile.params


# ------------------------------------------------------------------ the lesson's stages


def test_the_seminar_runs_the_lessons_stages_and_every_stage_they_need():
    listed = stage_ids(load_profile("seminar").runner("stages"))
    # the lesson reads the stage 04 report and the explorer page stage 04 writes
    lesson = stages_writing("reports/daed_explorer.html")
    assert "04" in lesson and set(lesson) <= set(listed)
    by_id = {s.id: s for s in pipeline.STAGES}
    assert all(set(by_id[i].after) <= set(listed) for i in listed)  # nothing it needs left out
    assert listed == ["01", "02", "04"]  # and nothing the lesson does not use


def _stage_table_project(tmp_path: Path) -> Path:
    root = copy_project(tmp_path / "project")
    (root / "config" / "two.yaml").write_text('extends: default\nstages: ["02", "01"]\n')
    return root


@pytest.mark.parametrize(
    ("profile", "named", "expected"),
    [
        ("seminar", None, ["01", "02", "04"]),
        ("seminar", ["03"], ["03"]),  # make run PROFILE=seminar STAGES=03
        ("two", None, ["01", "02"]),
        ("default", None, [s.id for s in pipeline.STAGES]),
    ],
)
def test_a_run_without_named_stages_runs_the_profiles_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, profile, named, expected
):
    root = _stage_table_project(tmp_path)
    monkeypatch.setenv("EXPORTLAB_ROOT", str(root))
    monkeypatch.delenv(paths.PROFILE_ENV, raising=False)
    chosen: list[list[str]] = []
    monkeypatch.setattr(
        pipeline,
        "_run_locked",
        lambda p, selected, *a, **k: chosen.append([s.id for s in selected]),
    )
    pipeline.run(profile, named, progress=False, log=lambda m: None)
    assert chosen == [expected]


def test_k_means_on_one_thread_gives_the_types_of_any_thread_count():
    """typology fits k-means on one thread (fast on a busy machine): the same clusters."""
    from sklearn.cluster import KMeans

    from exportlab import typology

    rng = np.random.default_rng(7)
    panel = pd.DataFrame(
        {
            "region": [f"R{i:02d}" for i in range(60)] * 4,
            "year": np.repeat([2018, 2019, 2020, 2021], 60),
            "daed_index": rng.uniform(0.0, 1.0, 240),
            "resource_share": rng.beta(0.6, 1.2, 240),
        }
    )
    model = typology.RegionTypes("kmeans").fit(panel)
    unit = model.units_[None]
    z = unit.transform(panel.sort_values(["region", "year"])[list(typology.FEATURES)].to_numpy())
    labels = KMeans(n_clusters=4, n_init=50, random_state=0).fit_predict(z)  # threads as found
    cents = np.array([z[labels == k].mean(axis=0) for k in range(4)])
    assert np.array_equal(unit.centroids, cents)


# ------------------------------------------------------------------ a seminar, for real


@pytest.fixture(scope="module")
def seminar_run(tmp_path_factory: pytest.TempPathFactory):
    """The seminar profile's own stages (01, 02 and 04) in a scratch project."""
    root = copy_project(tmp_path_factory.mktemp("seminar") / "project")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EXPORTLAB_ROOT", str(root))
        mp.delenv(paths.PROFILE_ENV, raising=False)
        mp.setattr(pipeline, "package_hash", lambda: "package")
        manifest = pipeline.run("seminar", progress=False, jobs=1, log=lambda m: None)
        assert manifest["run"]["stages"] == ["01", "02", "04"]
        yield root


def _execute(path: Path, root: Path) -> nbformat.NotebookNode:
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(root)}}
    ).execute()
    return notebook


@pytest.mark.slow
def test_answers_run_and_the_guide_quotes_them(seminar_run: Path, monkeypatch):
    monkeypatch.setenv("EXPORTLAB_ROOT", str(seminar_run))
    monkeypatch.delenv(paths.PROFILE_ENV, raising=False)
    notebook = _execute(seminar_run / "notebooks" / "seminar" / "answers.ipynb", seminar_run)
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    (key_cell,) = [c for c in notebook.cells if "key" in _tags(c)]
    key = ast.literal_eval(key_cell.outputs[0]["text"].strip())
    widgets = [
        o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    ]
    assert widgets, "the live explorer cell shows the sliders with the seminar's parameters"
    english, russian = (
        " ".join(part.split())
        for part in GUIDE.read_text(encoding="utf-8").split("## Русская версия")
    )
    for phrase in _phrases(key, "en"):
        assert phrase in english, f"docs/teaching.md (English) does not say: {phrase}"
    for phrase in _phrases(key, "ru"):
        assert phrase in russian, f"docs/teaching.md (Russian) does not say: {phrase}"


def _ordinal(n: int) -> str:
    """33rd, 41st, 9th."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _phrases(key: dict, lang: str) -> list[str]:
    """What the guide must say, in each language, for the answers the notebook computed."""
    n = key["types"]
    if lang == "en":
        return [
            f"(`{key['leader']}`), index {key['leader_index']}",
            f"Tatarstan (`RU-TA`) is {_ordinal(key['tatarstan_rank'])} of 85",
            f"Kendall's W = {key['kendall_w']}",
            f"exact p = {key['p_exact']}",
            f"with K1 alone {key['k1_only_zero']} of 85 regions have an index of 0",
            f"Tatarstan jumps to {_ordinal(key['k1_only_tatarstan'])}",
            f"{key['equal_top10_kept']} of the 10 leaders stay",
            f"DAED index {key['daed_threshold']}, resource share {key['resource_threshold']}",
            f"{n[1]} regions of type 1, {n[2]} of type 2, {n[3]} of type 3 and {n[4]} of type 4",
            f"quantile moves {key['q75_changed']} regions",
            f"{key['transition_changed']} regions changed type",
            f"partitions is {key['ari_kmeans']}",
            f"k-means marks {key['kmeans_borderline']} regions",
        ]
    return [
        f"(`{key['leader']}`), индекс {key['leader_index']}",
        f"(`RU-TA`) — {key['tatarstan_rank']}-е место из 85",
        f"W Кендалла = {key['kendall_w']}",
        f"точное p = {key['p_exact']}",
        f"у {key['k1_only_zero']} из 85 регионов индекс равен 0",
        f"Татарстан поднимается на {key['k1_only_tatarstan']}-е место",
        f"{key['equal_top10_kept']} из 10 лидеров остаются",
        f"индекс ДАЭД {key['daed_threshold']}, сырьевая доля {key['resource_threshold']}",
        f"регионов типа 1 — {n[1]}, типа 2 — {n[2]}, типа 3 — {n[3]}, типа 4 — {n[4]}",
        f"тип меняется у {key['q75_changed']} регион",
        f"тип сменился у {key['transition_changed']} регион",
        f"k-средним — {key['ari_kmeans']}",
        f"собственным квадрантом) — {key['kmeans_borderline']}.",
    ]


@pytest.mark.slow
def test_stage_04_writes_the_page_with_the_report_numbers(seminar_run: Path):
    import vl_convert as vlc
    from test_explorer import _bars, _external

    reports = seminar_run / "reports" / "seminar"
    page = (reports / "daed_explorer.html").read_text(encoding="utf-8")
    assert _external(page) == []
    manifest = json.loads((reports / "manifest.json").read_text(encoding="utf-8"))
    assert "reports/seminar/daed_explorer.html" in manifest["stages"]["04"]["outputs"]
    spec = json.loads(re.search(r"const spec = (\{.*?\});\n", page, flags=re.DOTALL).group(1))
    shown = _bars(vlc.vegalite_to_svg(spec))
    report = pd.read_parquet(seminar_run / "data" / "processed" / "seminar" / "daed.parquet")
    year = spec["usermeta"]["exportlab"]["year"]
    report = report[report["year"] == year].sort_values(["rank", "region"], ignore_index=True)
    shown = shown.sort_values(["rank", "region"], ignore_index=True)
    assert shown["region"].tolist() == report["region"].tolist()
    assert shown["rank"].tolist() == report["rank"].astype(int).tolist()
    assert shown["type"].tolist() == report["type"].astype(int).tolist()
