"""HTML reports of executed stage notebooks, written for readers.

:func:`write_report` turns an executed notebook into a self-contained HTML page. In report mode (the
default) code cells are hidden and only their outputs are shown; ``show_code=True`` shows the code as
well. Either way:

- the parameters appear once, as a small table of the values the stage ran with (the notebook's
  ``parameters`` cell and papermill's ``injected-parameters`` cell are not shown);
- formulas (``$...$``, ``$$...$$`` in Markdown cells) are converted to MathML, which browsers draw
  without any script, so the page needs no network (no MathJax, require.js or widget scripts from a
  CDN);
- interactive widgets, which need a running kernel, are replaced by a note saying where to use them;
- warnings written to stderr stay in the executed notebook and are left out of the page.

>>> parameter_docs_from_source('year = 2021  # year of the tables\\nlang = "en"')
{'year': 'year of the tables', 'lang': ''}
"""

from __future__ import annotations

import copy
import html
import io
import json
import re
import tokenize
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from exportlab.config import cell_source
from exportlab.labels import check_lang, t

#: Notebook cell tags: the default parameters and the values papermill injected.
PARAMETER_TAGS = ("parameters", "injected-parameters")
#: Tags of narrative cells written in one language; the report keeps those of its ``lang``.
LANG_TAGS = {"en": "lang-en", "ru": "lang-ru"}
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
#: A reader table (:func:`exportlab.tables.show`) with this many columns or more is *wide*: the
#: report writes it smaller and tighter (class ``exportlab-wide``), so that it fits a 1,280-pixel
#: window (the widest stage tables, 12-16 columns with Russian headers, were cut at the right);
#: a table wider still scrolls inside its output box.
WIDE_COLUMNS = 10

_READER_TABLE = re.compile(r'<table\b([^>]*)\bclass="exportlab-table"')
_COLUMN_HEADING = re.compile(r'class="col_heading level0 col\d+"')

_DISPLAY_MATH = re.compile(r"(?<!\\)\$\$(.+?)(?<!\\)\$\$", re.DOTALL)
_INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\s)([^$\n]+?)(?<![\s\\])\$(?!\d)")

_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_css -%}
<style type="text/css">
  main { max-width: 1240px; margin: 0 auto; }
  .jp-OutputArea-output { overflow-x: auto; }
  /* printed lines wrap between words, never inside one */
  .jp-OutputArea-output pre { word-break: normal; overflow-wrap: break-word; }
  .jp-RenderedHTMLCommon table.exportlab-table thead th { white-space: normal; }
  .jp-RenderedHTMLCommon table.exportlab-wide { font-size: 0.78em; }
  .jp-RenderedHTMLCommon table.exportlab-wide th,
  .jp-RenderedHTMLCommon table.exportlab-wide td { padding: 0.3em 0.35em; }
  math { font-size: 1.08em; }
  math[display="block"] { margin: 0.6em 0; }
  .jp-RenderedHTMLCommon table.exportlab-params { font-size: 0.85em; margin: 0.4em 0 1em 0; }
  .jp-RenderedHTMLCommon table.exportlab-params td.default { color: #666; }
  .jp-OutputArea-output img { max-width: 100%; height: auto; }
  .exportlab-note { color: #555; font-style: italic; }
</style>
{%- endblock html_head_css -%}
"""


def parameter_docs_from_source(source: str) -> dict[str, str]:
    """``name -> comment`` of the assignments of a parameters cell (the comment after the value).

    Comments on a line of their own just above an assignment count too.
    """
    docs: dict[str, str] = {}
    pending: list[str] = []
    lines = source.splitlines()
    comments: dict[int, str] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT:
                comments[token.start[0]] = token.string.lstrip("#").strip()
    except (tokenize.TokenError, IndentationError):
        return docs
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError:
        return docs
    for node in tree.body:
        target = getattr(node, "targets", [getattr(node, "target", None)])[0]
        if not isinstance(target, ast.Name):
            continue
        trailing = [
            comments[n]
            for n in range(node.lineno, (node.end_lineno or node.lineno) + 1)
            if n in comments
        ]
        pending = []
        line = node.lineno - 1
        while line >= 1 and lines[line - 1].lstrip().startswith("#"):
            pending.insert(0, comments.get(line, ""))
            line -= 1
        docs[target.id] = "; ".join(trailing) if trailing else " ".join(pending)
    return docs


def parameter_docs(notebook: str | Path, lang: str = "en") -> dict[str, str]:
    """``name -> description`` of the parameters a notebook declares (its ``parameters`` cell).

    In English the comments of the parameters cell; in Russian :func:`parameter_meanings_ru` for the
    notebook's stage (the English comment where a parameter has no Russian meaning).
    """
    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    docs: dict[str, str] = {}
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get(
            "tags", []
        ):
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            docs = parameter_docs_from_source(source)
            break
    if check_lang(lang) == "ru":
        russian = parameter_meanings_ru(Path(notebook).name[:2])
        docs = {name: russian.get(name, doc) for name, doc in docs.items()}
    return docs


def parameter_meanings_ru(stage: str) -> dict[str, str]:
    """Russian meanings of a stage's parameters (package data ``parameters_ru.csv``: a row with an
    empty ``stage`` holds for every stage).

    >>> parameter_meanings_ru("04")["n_boot"]
    'число бутстреп-выборок для устойчивости типа каждого региона'
    """
    import csv
    from importlib import resources

    text = resources.files("exportlab").joinpath("data/parameters_ru.csv").read_text("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    meanings = {r["name"]: r["meaning_ru"] for r in rows if not r["stage"]}
    meanings.update({r["name"]: r["meaning_ru"] for r in rows if r["stage"] == stage})
    return meanings


def format_value(value: Any) -> str:
    """A parameter value as a reader sees it: lists and dicts compact, ``None`` as "—".

    >>> format_value(None), format_value([2009, 2019]), format_value("rca")
    ('—', '2009, 2019', 'rca')
    """
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list | tuple):
        return ", ".join(format_value(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {format_value(v)}" for k, v in value.items())
    return str(value)


def parameters_html(
    values: Mapping[str, Any],
    defaults: Mapping[str, Any],
    lang: str,
    *,
    profile: str | None = None,
    docs: Mapping[str, str] | None = None,
) -> str:
    """The table of the parameters a stage ran with; values the profile set are in bold.

    >>> "<b>2019</b>" in parameters_html({"year": 2019}, {"year": 2021}, "en")
    True
    """
    check_lang(lang)
    docs = docs or {}
    head = t("Parameters of this run", "Параметры расчёта", lang)
    if profile:
        head += t(
            f" (profile <code>{html.escape(profile)}</code>)",
            f" (профиль <code>{html.escape(profile)}</code>)",
            lang,
        )
    rows = []
    for key, value in values.items():
        changed = key in defaults and defaults[key] != value
        shown = html.escape(format_value(value))
        cell = f"<b>{shown}</b>" if changed else shown
        source = t("profile", "профиль", lang) if changed else t("default", "по умолчанию", lang)
        doc = f"<td>{html.escape(docs.get(key, ''))}</td>"
        rows.append(
            f"<tr><td><code>{html.escape(key)}</code></td><td>{cell}</td>"
            f'<td class="{"profile" if changed else "default"}">{source}</td>{doc}</tr>'
        )
    header_doc = f"<th>{t('meaning', 'описание', lang)}</th>"
    header = (
        f"<tr><th>{t('parameter', 'параметр', lang)}</th><th>{t('value', 'значение', lang)}</th>"
        f"<th>{t('set by', 'источник', lang)}</th>{header_doc}</tr>"
    )
    return (
        f'<p><b>{head}</b></p>\n<table class="exportlab-params">\n<thead>{header}</thead>\n'
        f"<tbody>\n{chr(10).join(rows)}\n</tbody>\n</table>\n"
    )


def tex_to_mathml(text: str) -> str:
    """Replace ``$$...$$`` and ``$...$`` formulas in Markdown by MathML (drawn without scripts).

    A formula that cannot be converted stays as it was.

    >>> tex_to_mathml("share $X_r$ of export").startswith("share <math")
    True
    >>> tex_to_mathml("costs 5 $ and 6 $")
    'costs 5 $ and 6 $'
    """
    from latex2mathml.converter import convert

    def replace(display: str):
        def inner(match: re.Match[str]) -> str:
            try:
                return convert(match.group(1).strip(), display=display)
            except Exception:  # not TeX after all: leave it
                return match.group(0)

        return inner

    text = _DISPLAY_MATH.sub(replace("block"), text)
    return _INLINE_MATH.sub(replace("inline"), text)


def mark_wide_tables(text: str) -> str:
    """Add the class ``exportlab-wide`` to a reader table of :data:`WIDE_COLUMNS` columns or more
    (the HTML of one output of :func:`exportlab.tables.show`).

    >>> import pandas as pd
    >>> from exportlab.tables import show
    >>> "exportlab-wide" in mark_wide_tables(show(pd.DataFrame([range(12)]), "en").to_html())
    True
    >>> "exportlab-wide" in mark_wide_tables(show(pd.DataFrame([range(3)]), "en").to_html())
    False
    """
    if len(_COLUMN_HEADING.findall(text)) < WIDE_COLUMNS:
        return text
    return _READER_TABLE.sub(r'<table\1class="exportlab-table exportlab-wide"', text, count=1)


def prepare(
    notebook: Any,
    *,
    lang: str = "en",
    show_code: bool = False,
    parameters: Mapping[str, Any] | None = None,
    defaults: Mapping[str, Any] | None = None,
    profile: str | None = None,
    docs: Mapping[str, str] | None = None,
    title: str | None = None,
) -> Any:
    """A copy of an executed notebook (``nbformat`` node) made ready for the HTML report.

    Narrative cells tagged with the other language's tag (:data:`LANG_TAGS`) are left out.
    """
    import nbformat

    nb = copy.deepcopy(notebook)
    nb.metadata.pop("widgets", None)
    if title:
        nb.metadata["title"] = title
    if defaults is None:
        defaults = {}
        for cell in nb.cells:
            if "parameters" in cell.get("metadata", {}).get("tags", []):
                defaults = _literal_assignments(cell_source(cell))
    values = dict(defaults)
    values.update(parameters or {})
    widget_note = t(
        "Interactive explorer: it needs a running kernel. Open the notebook in JupyterLab "
        "(`make lab`) to use the sliders.",
        "Интерактивный обозреватель работает только с запущенным ядром: откройте ноутбук в "
        "JupyterLab (`make lab`), чтобы пользоваться ползунками.",
        lang,
    )
    other_langs = {tag for code, tag in LANG_TAGS.items() if code != check_lang(lang)}
    cells = []
    table_done = False
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if other_langs.intersection(tags):
            continue
        if any(tag in PARAMETER_TAGS for tag in tags):
            if not table_done and values:
                table = parameters_html(values, defaults, lang, profile=profile, docs=docs)
                cells.append(nbformat.v4.new_markdown_cell(table))
                table_done = True
            continue
        if cell.cell_type == "markdown":
            cell.source = tex_to_mathml(cell_source(cell))
        elif cell.cell_type == "code":
            outputs = []
            for output in cell.get("outputs", []):
                if output.get("output_type") == "stream" and output.get("name") == "stderr":
                    continue
                data = output.get("data", {})
                if "text/html" in data:
                    shown = data["text/html"]
                    shown = shown if isinstance(shown, str) else "".join(shown)
                    data["text/html"] = mark_wide_tables(shown)
                if WIDGET_MIME in data:
                    output = nbformat.v4.new_output(
                        "display_data",
                        data={
                            "text/html": f'<p class="exportlab-note">{html.escape(widget_note)}</p>'
                        },
                    )
                outputs.append(output)
            cell.outputs = outputs
            if not show_code:
                cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
        cells.append(cell)
    nb.cells = cells
    return nb


def _literal_assignments(source: str) -> dict[str, Any]:
    import ast

    values: dict[str, Any] = {}
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return values
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            try:
                values[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                continue
    return values


def to_html(notebook: Any, *, show_code: bool = False, lang: str = "en") -> str:
    """The HTML page of a prepared notebook: code hidden unless ``show_code``, no external scripts."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="lab",
        template_file="exportlab_report.html.j2",
        extra_loaders=[DictLoader({"exportlab_report.html.j2": _TEMPLATE})],
        exclude_input=not show_code,
        exclude_input_prompt=not show_code,
        exclude_output_prompt=True,
        language_code=check_lang(lang),
    )
    body, _ = exporter.from_notebook_node(notebook)
    return body


def write_report(
    executed: str | Path,
    target: str | Path,
    *,
    lang: str = "en",
    show_code: bool = False,
    **options: Any,
) -> Path:
    """Write the HTML report of the executed notebook ``executed`` to ``target`` (atomically).

    ``options`` are the other keywords of :func:`prepare` (``parameters``, ``defaults``,
    ``profile``, ``docs``, ``title``).
    """
    import nbformat

    from exportlab.files import atomic_write_bytes

    notebook = nbformat.read(str(executed), as_version=4)
    prepared = prepare(notebook, lang=lang, show_code=show_code, **options)
    body = to_html(prepared, show_code=show_code, lang=lang)
    target = Path(target)
    atomic_write_bytes(body.encode("utf-8"), target)
    return target


def main_figure(outputs: Mapping[str, str], root: Path) -> Path | None:
    """The stage's main figure: the first PNG among its outputs that it wrote (by time written)."""
    pngs = [root / rel for rel in outputs if rel.endswith(".png") and (root / rel).is_file()]
    if not pngs:
        return None
    return min(pngs, key=lambda p: (p.stat().st_mtime_ns, p.name))


def write_index(
    manifest: Mapping[str, Any],
    root: Path,
    target: Path,
    *,
    lang: str = "en",
    titles: Mapping[str, str] | None = None,
    description: str = "",
) -> Path:
    """The index page of a profile's run: each stage report with a thumbnail of its main figure,
    the run's parameters and the time each stage took (written atomically, no external files
    beyond the figures it links)."""
    import os

    from exportlab.files import atomic_write_bytes

    check_lang(lang)
    titles = titles or {}
    profile = str(manifest.get("profile", ""))
    folder = target.parent
    ran = set(manifest.get("run", {}).get("ran", []))
    failed = set(manifest.get("failed", []))
    rows = []
    for stage_id, entry in sorted(manifest.get("stages", {}).items()):
        title = html.escape(titles.get(stage_id, entry.get("notebook", "")))
        report_rel = entry.get("report")
        link = title
        if report_rel and (root / report_rel).is_file():
            href = os.path.relpath(root / report_rel, folder)
            link = f'<a href="{html.escape(href)}">{title}</a>'
        figure = main_figure(entry.get("outputs", {}), root)
        thumb = ""
        if figure is not None:
            src = html.escape(os.path.relpath(figure, folder))
            thumb = f'<a href="{src}"><img src="{src}" alt="{html.escape(figure.name)}"></a>'
        if stage_id in failed:
            state = t(
                "failed (earlier outputs kept)", "ошибка (сохранены прежние результаты)", lang
            )
        elif entry.get("skipped"):
            state = t("skipped: ", "пропущен: ", lang) + html.escape(str(entry["skipped"]))
        elif stage_id in ran:
            state = t(
                f"ran in {entry.get('seconds', 0):.1f} s",
                f"выполнен за {entry.get('seconds', 0):.1f} с",
                lang,
            )
        else:
            state = t("unchanged (cached)", "без изменений (из кэша)", lang)
        rows.append(f"<tr><td>{stage_id}</td><td>{link}</td><td>{thumb}</td><td>{state}</td></tr>")
    params = manifest.get("parameters", {})
    param_rows = "\n".join(
        f"<tr><td><code>{html.escape(k)}</code></td><td>{html.escape(format_value(v))}</td></tr>"
        for k, v in sorted(params.items())
    )
    heading = t(f"exportlab — profile {profile}", f"exportlab — профиль {profile}", lang)
    total = manifest.get("total_seconds")
    meta = []
    if total is not None:
        meta.append(t(f"total time {total:.1f} s", f"общее время {total:.1f} с", lang))
    if manifest.get("git_commit"):
        meta.append(f"git {html.escape(str(manifest['git_commit']))}")
    page = f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>{html.escape(heading)}</title>
<style>
  body {{ font-family: "DejaVu Sans", Arial, sans-serif; max-width: 1100px; margin: 2em auto; color: #222; }}
  table {{ border-collapse: collapse; margin: 1em 0; }}
  td, th {{ border-bottom: 1px solid #ddd; padding: 6px 10px; text-align: left; vertical-align: top; }}
  th {{ background: #f4f4f4; }}
  img {{ border: 1px solid #ccc; max-width: 260px; max-height: 200px; width: auto; height: auto; }}
  .meta {{ color: #666; }}
</style>
</head>
<body>
<h1>{html.escape(heading)}</h1>
<p>{html.escape(description)}</p>
<p class="meta">{html.escape(" · ".join(meta))}</p>
<h2>{t("Stage reports", "Отчёты этапов", lang)}</h2>
<table>
<thead><tr><th>{t("stage", "этап", lang)}</th><th>{t("report", "отчёт", lang)}</th><th>{t("main figure", "главный рисунок", lang)}</th><th>{t("this run", "этот запуск", lang)}</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
<h2>{t("Parameters of the profile", "Параметры профиля", lang)}</h2>
<table>
<tbody>
{param_rows}
</tbody>
</table>
</body>
</html>
"""
    atomic_write_bytes(page.encode("utf-8"), target)
    return target
