"""Every error exportlab raises on purpose derives from ExportlabError and its old built-in base."""

from __future__ import annotations

import pickle
from pathlib import Path
from types import SimpleNamespace

import pytest

from exportlab import errors

BUILTIN_BASE = {
    "IngestError": ValueError,
    "UnknownRegionError": ValueError,
    "NotARegionError": ValueError,
    "AggregateRegionError": ValueError,
    "ProfileError": ValueError,
    "DemoFolderError": ValueError,
    "MissingInput": FileNotFoundError,
    "StageFailed": RuntimeError,
    "RunFailed": RuntimeError,
    "ProjectBusy": RuntimeError,
}


@pytest.mark.parametrize("name", sorted(BUILTIN_BASE))
def test_each_error_is_an_exportlab_error_and_its_builtin(name: str):
    cls = getattr(errors, name)
    assert issubclass(cls, errors.ExportlabError) and issubclass(cls, BUILTIN_BASE[name])
    assert cls.__module__ == "exportlab.errors"


def test_the_list_of_errors_is_complete():
    public = {
        n
        for n, v in vars(errors).items()
        if isinstance(v, type) and issubclass(v, Exception) and v is not errors.ExportlabError
    }
    assert public == set(BUILTIN_BASE)
    assert set(errors.__all__) == {*BUILTIN_BASE, "ExportlabError", "Rejection"}


def test_errors_import_nothing_of_the_package():
    # every layer raises these: the module must not import any other module of the package
    source = Path(errors.__file__).read_text(encoding="utf-8")
    assert "from exportlab" not in source and "import exportlab" not in source


def test_messages_are_unchanged():
    assert str(errors.IngestError("a.csv", note="empty file")) == "a.csv: empty file"
    assert str(errors.IngestError("a.csv", 3, "x", "a number", "y", note="first of 2")) == (
        'a.csv, line 3, column "x": expected a number, got "y" (first of 2)'
    )
    err = errors.UnknownRegionError(
        "Москва-2", [("Москва", "RU-MOW")], "file a.csv, line 4", "typo"
    )
    assert str(err) == (
        "unknown region 'Москва-2' (file a.csv, line 4): typo; closest matches: 'Москва' (RU-MOW)"
    )
    assert err.suggestions == [("Москва", "RU-MOW")] and err.where == "file a.csv, line 4"


def test_stage_failures_survive_pickling_with_their_message():
    stage = SimpleNamespace(id="04", notebook="04_daed_index_clusters.ipynb")
    failed = errors.StageFailed(stage, "7", "ValueError: bad", Path("reports/x.ipynb"))
    assert str(failed).startswith(
        "stage 04 failed: notebooks/04_daed_index_clusters.ipynb, cell 7: ValueError: bad; "
        "the executed notebook with the error is reports/x.ipynb"
    )
    again = pickle.loads(pickle.dumps(failed))
    assert str(again) == str(failed) and again.cell == "7"
    run = errors.RunFailed([failed], {"05": ["04"]}, ["01", "02"])
    assert str(run).splitlines()[1:] == [
        "not run because a stage they depend on failed: 05 (needs 04)",
        "stages that ran: 01, 02",
    ]
    assert str(pickle.loads(pickle.dumps(run))) == str(run)
