"""The demo generator never deletes or overwrites a user's files (checked before any kernel starts).

Every combination of ``demo`` (true / false / auto / unset), ``raw_dir`` (the default demo folder, a
folder of user files inside the project, one outside it, the project itself) and ``exportlab demo DIR``
leaves every user file byte for byte as it was; the runner's pre-flight says what it will do.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest
from conftest import copy_project

from exportlab import demo, pipeline
from exportlab.cli import main
from exportlab.config import load_profile
from exportlab.errors import ProfileError

_GENERATE = demo.generate_trade


@functools.cache
def _small_trade():
    trade = _GENERATE(size="small", seed=5)
    return trade[trade["region"].isin(["RU-MOW", "RU-TA", "RU-KEM"])].reset_index(drop=True)


@pytest.fixture(autouse=True)
def quick_demo(monkeypatch: pytest.MonkeyPatch):
    """The generator on a few regions: the same files and folder handling, written in a blink."""
    monkeypatch.setattr(demo, "generate_trade", lambda size="full", seed=2021: _small_trade())


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = copy_project(tmp_path / "project")
    monkeypatch.setenv("EXPORTLAB_ROOT", str(root))
    user = root / "data" / "raw" / "fcs2021"
    user.mkdir(parents=True)
    (user / "DATTSVT_2021.txt").write_bytes(
        b"napr\tperiod\tnastranapr\n\xd0\xad\xd0\x9a\t01/2021\tCN\n"
    )
    (user / "experts.csv").write_text("expert,component,rank\nA,k1,1\n")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / "notes.md").write_text("my notes\n")
    outside = tmp_path / "elsewhere" / "fcs"
    outside.mkdir(parents=True)
    (outside / "export_2021.csv").write_text("year,region\n2021,RU-TA\n")
    return root


def _user_files(root: Path) -> dict[str, bytes]:
    """Every file under the scratch folder except the ones the demo or the runner own."""
    base = root.parent
    files = {}
    for path in sorted(base.rglob("*")):
        rel = path.relative_to(base).as_posix()
        if path.is_file() and not rel.startswith(("project/data/raw/demo", "project/reports")):
            files[rel] = path.read_bytes()
    return files


def _profile(root: Path, text: str, name: str = "mine") -> Path:
    path = root / "config" / f"{name}.yaml"
    path.write_text(text)
    return path


def _raw(root: Path, which: str) -> str:
    return {
        "default": "data/raw/demo",
        "inside": "data/raw/fcs2021",
        "outside": str(root.parent / "elsewhere" / "fcs"),
        "project": ".",
    }[which]


RAW_DIRS = ("default", "inside", "outside", "project")
DEMOS = ("true", "false", "auto", None)
#: (raw_dir, demo) -> what happens: "demo" (demo written/read), "user" (user data read), "stop".
EXPECTED = {
    **{(raw, "true"): "stop" for raw in ("inside", "outside", "project")},
    ("default", "true"): "demo",
    **{(raw, "false"): "user" for raw in ("inside", "outside")},
    ("default", "false"): "stop",  # no such folder, and the profile says not to write the demo
    **{(raw, demo_): "user" for raw in ("inside", "outside") for demo_ in ("auto", None)},
    **{("default", demo_): "demo" for demo_ in ("auto", None)},
    **{("project", demo_): "stop" for demo_ in ("false", "auto", None)},
}


@pytest.mark.parametrize("extends", [True, False], ids=["extends-default", "standalone"])
@pytest.mark.parametrize("demo_value", DEMOS, ids=[str(d) for d in DEMOS])
@pytest.mark.parametrize("raw", RAW_DIRS)
def test_user_files_survive_every_combination(project: Path, raw: str, demo_value, extends: bool):
    lines = ["extends: default"] if extends else []
    lines.append(f"raw_dir: {json.dumps(_raw(project, raw))}")
    if demo_value is not None:
        lines.append(f"demo: {demo_value}")
    lines += ["experts_file: null", "implementation_file: null"]
    _profile(project, "\n".join(lines) + "\n")
    before = _user_files(project)
    messages: list[str] = []
    expected = EXPECTED[(raw, demo_value)]
    profile = load_profile("mine")
    if expected == "stop":
        with pytest.raises(ProfileError) as caught:
            pipeline.prepare_inputs(profile, messages.append)
        message = str(caught.value)
        assert "raw_dir" in message
        assert "mine.yaml" in message
        if raw == "project":
            assert "holds the project's" in message
        elif demo_value == "true":
            assert "set demo: false in config/mine.yaml" in message
    else:
        plan = pipeline.prepare_inputs(profile, messages.append)
        assert plan.synthetic is (expected == "demo")
        if expected == "demo":
            assert demo.inspect_folder(project / "data" / "raw" / "demo").state == "demo"
    assert _user_files(project) == before
    assert not (project / "data" / "raw" / "fcs2021" / demo.PROVENANCE_FILE).exists()


def test_readme_example_without_demo_false_reads_the_users_files(project: Path):
    """The README's "Your own data" profile, with and without ``demo: false``."""
    for text in (
        "extends: default\nraw_dir: data/raw/fcs2021\ndemo: false\nyear: 2021\n",
        "extends: default\nraw_dir: data/raw/fcs2021\nyear: 2021\n",
    ):
        _profile(project, text + "experts_file: null\nimplementation_file: null\n")
        profile = load_profile("mine")
        assert profile.demo_mode() in (False, "auto")
        plan = pipeline.preflight(profile)
        assert (plan.synthetic, plan.write_demo, plan.state) == (False, False, "user")


def test_demo_files_of_the_default_profile_are_not_mixed_into_user_data(project: Path):
    pipeline.prepare_inputs(load_profile("default"), lambda m: None)  # the quick start ran once
    _profile(project, "extends: default\nraw_dir: data/raw/fcs2021\n")
    with pytest.raises(ProfileError, match=r"experts_file .*synthetic demo.*experts_file: null"):
        pipeline.preflight(load_profile("mine"))


def test_asking_for_the_demo_over_user_files_names_folder_and_key(project: Path):
    _profile(project, "extends: default\nraw_dir: data/raw/fcs2021\ndemo: true\n")
    with pytest.raises(ProfileError) as caught:
        pipeline.preflight(load_profile("mine"))
    message = str(caught.value)
    assert "data/raw/fcs2021" in message and "DATTSVT_2021.txt" in message
    assert "set demo: false in config/mine.yaml" in message


def test_a_missing_user_folder_stops_instead_of_running_on_synthetic_data(project: Path):
    _profile(project, "extends: default\nraw_dir: data/raw/fcs2022\n")
    with pytest.raises(ProfileError, match=r"fcs2022.* does not exist.*demo: true"):
        pipeline.preflight(load_profile("mine"))
    assert not (project / "data" / "raw" / "fcs2022").exists()


def test_demo_size_beside_raw_dir_asks_for_the_demo(project: Path):
    """The seminar profile: its own folder and ``demo_size``, ``demo: true`` inherited."""
    profile = load_profile("seminar")
    assert profile.demo_mode() is True
    plan = pipeline.prepare_inputs(profile, lambda m: None)
    assert plan.write_demo and demo.inspect_folder(project / "data/raw/demo_small").size == "small"


def test_changing_demo_size_or_seed_regenerates_the_demo(project: Path):
    messages: list[str] = []
    pipeline.prepare_inputs(load_profile("default"), messages.append)
    folder = project / "data" / "raw" / "demo"
    first = (folder / "experts.csv").read_bytes()
    assert pipeline.prepare_inputs(load_profile("default"), messages.append).write_demo is False
    _profile(project, "extends: default\ndemo_seed: 7\n", "seeded")
    plan = pipeline.prepare_inputs(load_profile("seeded"), messages.append)
    assert plan.write_demo and demo.inspect_folder(folder).seed == 7
    assert (folder / "experts.csv").read_bytes() != first
    assert any("rewritten" in m for m in messages)
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]


def test_an_edited_demo_folder_is_not_regenerated(project: Path):
    pipeline.prepare_inputs(load_profile("default"), lambda m: None)
    folder = project / "data" / "raw" / "demo"
    (folder / "my_extra.csv").write_text("keep me")
    _profile(project, "extends: default\ndemo_seed: 7\n", "seeded")
    with pytest.raises(ProfileError, match="my_extra.csv"):
        pipeline.prepare_inputs(load_profile("seeded"), lambda m: None)
    assert (folder / "my_extra.csv").read_text() == "keep me"
    assert demo.inspect_folder(folder, check_contents=False).seed == 2021


@pytest.mark.parametrize("where", ["inside", "outside", "project", "nonempty-own-name"])
def test_cli_demo_refuses_a_folder_it_does_not_own(
    project: Path, where: str, capsys: pytest.CaptureFixture[str]
):
    target = {
        "inside": project / "data" / "raw" / "fcs2021",
        "outside": project.parent / "elsewhere" / "fcs",
        "project": project,
        "nonempty-own-name": project / "data" / "raw" / "demo",
    }[where]
    if where == "nonempty-own-name":
        target.mkdir(parents=True)
        (target / "dattsvt_2015.csv").write_text("my own file with a demo name\n")
    before = _user_files(project)
    snapshot = {p: p.read_bytes() for p in target.rglob("*") if p.is_file()}
    assert main(["demo", str(target), "--size", "small"]) == 2
    assert "demo did not write" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in target.rglob("*") if p.is_file()} == snapshot
    assert _user_files(project) == before


def test_cli_demo_writes_into_a_new_or_empty_folder_and_rewrites_its_own(
    project: Path, tmp_path: Path
):
    before = _user_files(project)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["demo", str(empty), "--size", "small", "--seed", "3"]) == 0
    assert demo.inspect_folder(empty).state == "demo"
    assert main(["demo", str(empty), "--size", "small", "--seed", "4"]) == 0
    assert demo.inspect_folder(empty).seed == 4
    assert main(["demo", str(tmp_path / "new" / "demo"), "--size", "small"]) == 0
    after = _user_files(project)
    assert {name: after.get(name) for name in before} == before


def test_raw_dir_holding_the_project_outputs_is_refused(project: Path):
    for raw in (".", "data"):
        _profile(project, f"extends: default\nraw_dir: {raw!r}\ndemo: false\n")
        with pytest.raises(ProfileError, match="holds the project's data/processed/ folder"):
            pipeline.preflight(load_profile("mine"))


@pytest.mark.slow
def test_readme_example_runs_stage_01_on_the_users_files(tmp_path: Path, monkeypatch):
    """End to end: user files (a copy of the demo's CSVs, no provenance) read as user data."""
    monkeypatch.undo()
    root = copy_project(tmp_path / "project")
    monkeypatch.setenv("EXPORTLAB_ROOT", str(root))
    source = demo.write_demo(tmp_path / "source", size="small", seed=11)
    user = root / "data" / "raw" / "fcs2021"
    user.mkdir(parents=True)
    for name in ("dattsvt_2020.csv", "dattsvt_2021.csv"):
        (user / name).write_bytes((source / name).read_bytes())
    before = {p.name: p.read_bytes() for p in user.iterdir()}
    _profile(root, "extends: default\nraw_dir: data/raw/fcs2021\nyear: 2021\n")
    manifest = pipeline.run("mine", ["01"], progress=False, jobs=1, log=lambda m: None)
    assert manifest["run"]["ran"] == ["01"]
    assert {p.name: p.read_bytes() for p in user.iterdir()} == before
    assert not (root / "data" / "raw" / "demo").exists()
    provenance = json.loads((root / "data" / "processed" / "mine" / "provenance.json").read_text())
    assert provenance["synthetic"] is False
