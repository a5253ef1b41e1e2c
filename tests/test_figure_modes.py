"""The runner key ``figures``: PNG 300 dpi and SVG for publication, PNG 150 dpi only for the screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.figure import Figure

from exportlab import paths
from exportlab.config import load_profile
from exportlab.errors import ProfileError
from exportlab.plot import style


def _figure() -> Figure:
    fig = Figure(figsize=(4, 3))
    fig.add_subplot().plot([1, 2, 3], [2, 1, 3])
    return fig


def _png_width(path: Path) -> int:
    return int.from_bytes(path.read_bytes()[16:20], "big")


def test_publication_is_the_default_png_300_dpi_and_svg(tmp_path, monkeypatch):
    monkeypatch.delenv(paths.FIGURES_ENV, raising=False)
    written = style.save_figure(_figure(), "f", tmp_path)
    assert [p.name for p in written] == ["f.png", "f.svg"]
    assert written.dpi == 300


def test_screen_mode_writes_png_at_half_the_resolution_only(tmp_path, monkeypatch):
    monkeypatch.delenv(paths.FIGURES_ENV, raising=False)
    full = style.save_figure(_figure(), "full", tmp_path / "a")
    monkeypatch.setenv(paths.FIGURES_ENV, "screen")
    screen = style.save_figure(_figure(), "screen", tmp_path / "b")
    assert [p.name for p in screen] == ["screen.png"]
    # the same tight bounding box at 150 instead of 300 dpi: half the pixels across (±1 for rounding)
    assert abs(_png_width(screen[0]) - _png_width(full[0]) / 2) <= 1
    # explicit formats and dpi still win
    both = style.save_figure(_figure(), "both", tmp_path / "c", ("png", "svg"), dpi=300)
    assert [p.name for p in both] == ["both.png", "both.svg"]
    assert _png_width(both[0]) == _png_width(full[0])


def test_an_unknown_mode_in_the_environment_is_an_error(monkeypatch):
    monkeypatch.setenv(paths.FIGURES_ENV, "poster")
    with pytest.raises(ValueError, match="EXPORTLAB_FIGURES must be one of publication, screen"):
        paths.figure_mode()


def test_a_screen_figure_shows_the_png_it_wrote(tmp_path, monkeypatch):
    """In a notebook the screen PNG is shown as written (no second drawing), at the notebook's size."""
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    monkeypatch.setenv(paths.FIGURES_ENV, "screen")
    fig = _figure()
    saved = style.save_figure(fig, "f", tmp_path)
    saved._ipython_display_()
    (image,) = shown
    assert isinstance(image, IPython.display.Image)
    assert image.data == saved[0].read_bytes()
    assert image.width == round(_png_width(saved[0]) * fig.dpi / 150)
    monkeypatch.delenv(paths.FIGURES_ENV)
    shown.clear()
    style.save_figure(fig, "g", tmp_path)._ipython_display_()
    assert shown == [fig]  # publication figures are drawn again at the notebook's resolution


def test_profile_values_are_checked(tmp_path):
    bad = tmp_path / "p.yaml"
    bad.write_text("extends: default\nfigures: poster\n", encoding="utf-8")
    with pytest.raises(ProfileError, match=r"p\.yaml: parameter 'figures' must be one of"):
        load_profile(bad)
    assert load_profile("seminar").runner("figures") == "screen"
    assert load_profile("default").runner("figures") == "publication"
