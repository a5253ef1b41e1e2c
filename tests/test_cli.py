"""The command line: version, help without markup, parameters with their meaning, quiet pipes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from exportlab import __version__
from exportlab.cli import main

REPO = Path(__file__).resolve().parents[1]


def test_version(capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out.strip() == f"exportlab {__version__}"


@pytest.mark.parametrize("command", [[], ["run"], ["params"], ["demo"]])
def test_help_has_no_raw_markup(command: list[str], capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit):
        main([*command, "--help"])
    text = capsys.readouterr().out
    assert "usage: exportlab" in text
    assert "``" not in text and ":func:" not in text and "**" not in text


def test_params_describes_every_parameter_and_marks_the_profiles_own_values(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("EXPORTLAB_ROOT", str(REPO))
    assert main(["params"]) == 0
    lines = capsys.readouterr().out.splitlines()
    entry = lines.index(next(x for x in lines if x.startswith(" index_method = ")))
    assert lines[entry] == ' index_method = "rca"  [stage 03]'
    assert '"growth", "rca" or "rca_symmetric"' in lines[entry + 1]
    assert any(x.startswith(" show_code = false  [runner]") for x in lines)
    assert main(["params", "--profile", "seminar"]) == 0
    out = capsys.readouterr().out
    assert '*lang = "ru"' in out and " year = 2021" in out  # year comes from default
    assert main(["params", "--profile", "no_such_profile"]) == 2
    assert "unknown profile" in capsys.readouterr().err


def test_output_into_a_closed_pipe_ends_quietly():
    process = subprocess.Popen(
        [sys.executable, "-m", "exportlab.cli", "params"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
    )
    process.stdout.close()  # like `| head` that has read enough
    error = process.stderr.read().decode()
    process.stderr.close()
    assert process.wait() == 141
    assert "Traceback" not in error and "BrokenPipe" not in error
