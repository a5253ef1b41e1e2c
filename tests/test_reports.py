"""HTML reports for readers: code hidden, parameters once, formulas without scripts, no leaks."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import matplotlib
import nbformat
import pytest

from exportlab import report

matplotlib.use("Agg")


class _Page(HTMLParser):
    """The parts of a report page the checks need: scripts, images, code inputs and visible text."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.script_text: list[str] = []
        self.images: list[str] = []
        self.inputs = 0
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "script":
            self.scripts.append(attributes)
            self._skip += 1
        elif tag == "style":
            self._skip += 1
        elif tag == "img":
            self.images.append(attributes.get("src") or "")
        elif tag == "svg":
            self.images.append("inline-svg")
        if "jp-InputArea-editor" in classes or "hl-ipython3" in classes:
            self.inputs += 1  # a code cell's source (Markdown cells also sit in a jp-InputArea)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if self._skip:
            self.script_text.append(data)
        else:
            self.text.append(data)


def parse_report(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def check_report(path: Path, *, min_images: int = 1) -> _Page:
    """Every check a stage report must pass in report mode; returns the parsed page."""
    html = path.read_text(encoding="utf-8")
    page = parse_report(path)
    visible = " ".join(page.text)
    inline = [s for s in page.images if s.startswith("data:image/") or s == "inline-svg"]
    assert len(inline) >= min_images, f"{path.name}: no inline figure"
    assert "<Figure size" not in visible and "&lt;Figure size" not in html, path.name
    assert "PosixPath(" not in html, f"{path.name}: a local path leaked"
    assert "Traceback" not in visible and "jp-RenderedText" not in html or "Error" not in visible
    assert page.inputs == 0, f"{path.name}: code cells are visible"
    external = [s for s in page.scripts if re.match(r"(https?:)?//", s.get("src") or "")]
    assert not external, f"{path.name}: external scripts {external}"
    assert not re.search(r"import\(\s*[\"']https?://", " ".join(page.script_text)), path.name
    assert "NaN" not in visible.split() and "NaT" not in visible.split(), path.name
    assert "Empty DataFrame" not in visible, path.name
    assert not re.search(r"^\s*#\s+#", visible, re.M), path.name
    return page


def _executed_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    params = nbformat.v4.new_code_cell('year = 2021  # year of the tables\nlang = "en"')
    params.metadata["tags"] = ["parameters"]
    injected = nbformat.v4.new_code_cell("# Parameters\nyear = 2019\n")
    injected.metadata["tags"] = ["injected-parameters"]
    code = nbformat.v4.new_code_cell("print('hello')")
    code.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="hello\n"),
        nbformat.v4.new_output("stream", name="stderr", text="FutureWarning: something\n"),
    ]
    widget = nbformat.v4.new_code_cell("explorer")
    widget.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={
                "application/vnd.jupyter.widget-view+json": {"model_id": "x", "version_major": 2},
                "text/plain": "VBox(...)",
            },
        )
    ]
    nb.cells = [
        nbformat.v4.new_markdown_cell(
            "# Stage 03\n\nThe index $\\dfrac{X_{rg}/X_r}{X_g/X}$ and\n\n$$a+b$$"
        ),
        params,
        injected,
        code,
        widget,
    ]
    return nb


def test_report_mode_hides_code_shows_parameters_once_and_needs_no_network(tmp_path: Path):
    source = tmp_path / "executed.ipynb"
    nbformat.write(_executed_notebook(), source)
    target = report.write_report(
        source,
        tmp_path / "r.html",
        parameters={"year": 2019},
        defaults={"year": 2021, "lang": "en"},
        profile="article2019",
        docs={"year": "year of the tables"},
        title="03 · Trajectory",
    )
    html = target.read_text(encoding="utf-8")
    page = parse_report(target)
    visible = " ".join(page.text)
    assert page.inputs == 0
    assert "print(" not in visible and "year = 2019" not in html
    assert html.count("Parameters of this run") == 1
    assert "<b>2019</b>" in html and "year of the tables" in html and "article2019" in html
    assert "FutureWarning" not in html  # stderr stays in the executed notebook
    assert "hello" in visible
    assert "VBox" not in visible and "JupyterLab" in visible  # a note where the widget was
    assert "<math" in html and "$" not in visible and "dfrac" not in html
    assert not [s for s in page.scripts if s.get("src")]
    assert not re.search(r"https?://[^\"'\s]*\.js", html)
    assert "<title>03 · Trajectory</title>" in html


def test_show_code_keeps_the_code_but_still_one_parameter_table(tmp_path: Path):
    source = tmp_path / "executed.ipynb"
    nbformat.write(_executed_notebook(), source)
    target = report.write_report(source, tmp_path / "r.html", show_code=True, lang="ru")
    html = target.read_text(encoding="utf-8")
    assert parse_report(target).inputs > 0 and "print" in html
    assert html.count("Параметры расчёта") == 1 and 'lang="ru"' in html
    assert "Интерактивный" in html


def test_parameter_docs_read_the_comments_of_the_parameters_cell():
    docs = report.parameter_docs_from_source(
        '# rows per table\ntop = 15\nyear = 2021  # year of the tables\nsegments = {\n  "a": [1],\n}'
    )
    assert docs == {"top": "rows per table", "year": "year of the tables", "segments": ""}
    assert report.parameter_docs(
        Path(__file__).resolve().parents[1] / "notebooks" / "03_trajectory_tables.ipynb"
    )["index_method"].startswith("trajectory index")


@pytest.mark.parametrize(
    ("text", "converted"),
    [
        ("a $x^2$ b", True),
        ("$$\\ln X = a + b\\,t$$", True),
        ("price 5 $ or 6 $", False),
        ("escaped \\$5", False),
    ],
)
def test_tex_to_mathml(text: str, converted: bool):
    out = report.tex_to_mathml(text)
    assert ("<math" in out) is converted
    if not converted:
        assert out == text


@pytest.mark.slow
def test_figures_show_inline_in_a_kernel_even_without_pyplot(tmp_path: Path):
    """A figure built with ``Figure()`` and a ``save_figure`` result display as PNG, once."""
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "from matplotlib.figure import Figure\nimport matplotlib.pyplot as plt\n"
            "from exportlab import plot, tables\nimport pandas as pd\nplot.apply_style()"
        ),
        nbformat.v4.new_code_cell("fig = Figure()\nfig.add_subplot().plot([1, 2])\nfig"),
        nbformat.v4.new_code_cell(
            f"fig, ax = plt.subplots()\nax.plot([1, 2])\nplot.save_figure(fig, 'f', {str(tmp_path)!r})"
        ),
        nbformat.v4.new_code_cell(
            f"tables.write_table(pd.DataFrame({{'a': [1]}}), 't', {str(tmp_path)!r})"
        ),
    ]
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    outputs = [c.outputs for c in nb.cells]
    for cell in outputs[1:3]:
        images = [o for o in cell if "image/png" in o.get("data", {})]
        assert len(images) == 1, cell
    text = str(outputs)
    assert "PosixPath" not in text and "<Figure size" not in str(
        [
            o["data"].get("text/plain")
            for c in outputs
            for o in c
            if "image/png" not in o.get("data", {}) and "data" in o
        ]
    )
    assert outputs[3] == []


def test_write_report_passes_its_options_to_prepare_and_refuses_unknown_ones(tmp_path: Path):
    source = tmp_path / "executed.ipynb"
    nbformat.write(_executed_notebook(), source)
    target = report.write_report(
        source, tmp_path / "r.html", lang="ru", parameters={"year": 2019}, title="03 · Траектории"
    )
    html = target.read_text(encoding="utf-8")
    assert "<b>2019</b>" in html and "<title>03 · Траектории</title>" in html
    with pytest.raises(TypeError, match="titel"):
        report.write_report(source, tmp_path / "typo.html", titel="03")
    assert not (tmp_path / "typo.html").exists()


# ------------------------------------------------------------------ wide tables at 1,280 pixels

#: Headers of the widest stage table (stage 03's trajectory table against the published one).
WIDE_HEADERS = [
    "Сегмент",
    "№ п/п",
    "Индекс высокотехнологичной экспортной траектории",
    "Объем экспорта по товарной группе, тыс. долл.",
    "Доля экспорта региона в общем объеме экспорта страны, %",
    "Доля высокотехнологичного экспорта региона в общем объеме экспорта региона, %",
    "Регион (как в статье)",
    "Экспорт региона по расчету, млрд долл.",
    "Экспорт страны по расчету, млрд долл.",
    "мин., млрд долл.",
    "макс., млрд долл.",
    "Согласована",
    "Одна доля во всех таблицах",
    "Макс. возможный RCA",
    "Индекс возможен как RCA",
    "Доля группы / индекс (= доля страны)",
]


def _table_notebook(columns: int) -> nbformat.NotebookNode:
    import pandas as pd

    from exportlab import tables

    row = ["Электроника и телекоммуникации", 1, 8.88, 1574879.0, 3.22, 19.83]
    row += ["Республика Татарстан", 12.5, 340.2, 1.1, 2.2, "да", "да", 40.5, "да", 0.31]
    frame = pd.DataFrame([row, row], columns=WIDE_HEADERS)
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("tables.show(frame, lang)")
    html = tables.show(frame.iloc[:, :columns], "ru").to_html()
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": html})]
    nb.cells = [nbformat.v4.new_markdown_cell("# Этап 03"), cell]
    return nb


def test_wide_reader_tables_are_marked_for_the_smaller_layout():
    wide = report.prepare(_table_notebook(len(WIDE_HEADERS)), lang="ru")
    narrow = report.prepare(_table_notebook(5), lang="ru")
    assert 'class="exportlab-table exportlab-wide"' in wide.cells[1].outputs[0]["data"]["text/html"]
    assert "exportlab-wide" not in narrow.cells[1].outputs[0]["data"]["text/html"]


_MEASURE = """<script>
window.addEventListener('load', function () {
  var cut = [];
  document.querySelectorAll('table.exportlab-table').forEach(function (t) {
    var box = t.parentElement.getBoundingClientRect(), r = t.getBoundingClientRect();
    if (r.right > box.right + 1 || r.right > document.documentElement.clientWidth) {
      cut.push(Math.round(r.right) + '>' + Math.round(box.right));
    }
  });
  document.body.setAttribute('data-cut', cut.join(' ') || 'none');
});
</script>"""


@pytest.mark.slow
def test_the_widest_russian_table_fits_a_1280_pixel_window(tmp_path: Path):
    """Rendered by headless Chromium at 1,280 px: no reader table runs past its box (the last
    columns of the 16-column stage 03 table used to be cut off)."""
    import shutil
    import subprocess

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("headless Chromium not installed (apt install chromium)")
    source = tmp_path / "executed.ipynb"
    nbformat.write(_table_notebook(len(WIDE_HEADERS)), source)
    page = report.write_report(source, tmp_path / "r.html", lang="ru")
    html = page.read_text(encoding="utf-8").replace("</head>", _MEASURE + "</head>", 1)
    page.write_text(html, encoding="utf-8")
    dom = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--window-size=1280,2000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert re.search(r'data-cut="none"', dom), re.search(r'data-cut="[^"]*"', dom)


def test_printed_lines_wrap_between_words(tmp_path: Path):
    """JupyterLab's style breaks printed lines anywhere ("диверсиф|ицированные"); the report's own rule,
    written after it, wraps them between words."""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print(note)")
    cell.outputs = [
        nbformat.v4.new_output(
            "stream", name="stdout", text="ECI коррелирует с диверсифицированностью\n"
        )
    ]
    nb.cells = [nbformat.v4.new_markdown_cell("# Этап 07"), cell]
    source = tmp_path / "executed.ipynb"
    nbformat.write(nb, source)
    html = report.write_report(source, tmp_path / "r.html", lang="ru").read_text(encoding="utf-8")
    ours = html.index(
        ".jp-OutputArea-output pre { word-break: normal; overflow-wrap: break-word; }"
    )
    assert ours > html.rindex("word-break: break-all")
