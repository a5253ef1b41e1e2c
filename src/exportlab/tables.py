"""Tables for authors: CSV, formatted XLSX, LaTeX and Markdown with English or Russian headers.

>>> import pandas as pd
>>> df = pd.DataFrame({"region": ["RU-TA"], "export_kusd": [1234.5]})
>>> headers = {
...     "region": {"en": "Region", "ru": "Регион"},
...     "export_kusd": {"en": "Export, thousand USD", "ru": "Экспорт, тыс. долл."},
... }
>>> list(localize(df, headers, "ru").columns)
['Регион', 'Экспорт, тыс. долл.']

:func:`show` formats a table for readers of a notebook or report (localized headers, no index
column, thousands separators and fixed decimals by column, "—" for missing values):

>>> show(df, "ru", headers=headers, formats={"export_kusd": 1}).data.iloc[0].tolist()
['RU-TA', '1\\xa0234,5']
"""

from __future__ import annotations

import html
import io
import math
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from exportlab.files import atomic_write_bytes
from exportlab.labels import Label, check_lang, pick, t, vocabulary
from exportlab.labels import number as labels_number

FORMATS: tuple[str, ...] = ("csv", "xlsx", "tex", "md")


def localize(df: pd.DataFrame, headers: Mapping[str, Label] | None, lang: str) -> pd.DataFrame:
    """Rename the columns of ``df`` by ``headers`` (``column -> Label``, ``{"en": ..., "ru": ...}``).

    A header in any other shape (e.g. an ``(english, russian)`` tuple) is a ``TypeError`` naming it.
    """
    check_lang(lang)
    if not headers:
        return df
    check_labels(headers, "headers")
    return df.rename(
        columns={c: pick(label, lang) for c, label in headers.items() if c in df.columns}
    )


def check_label(label: Any, where: str) -> None:
    """Raise ``TypeError`` naming ``where`` unless ``label`` is a :class:`~exportlab.labels.Label`.

    >>> check_label(("Region", "Регион"), "headers['region']")
    Traceback (most recent call last):
    ...
    TypeError: headers['region'] must be a label {'en': ..., 'ru': ...}, got the tuple ('Region', 'Регион')
    """
    if not (isinstance(label, Mapping) and "en" in label and "ru" in label):
        raise TypeError(
            f"{where} must be a label {{'en': ..., 'ru': ...}}, got the {type(label).__name__} {label!r}"
        )


def check_labels(table: Mapping[Any, Any], name: str) -> None:
    """:func:`check_label` for every entry of ``table`` (``name[key]`` in the message)."""
    for key, label in table.items():
        check_label(label, f"{name}[{key!r}]")


def _xlsx_bytes(df: pd.DataFrame, title: str | None, note: str | None, float_format: str) -> bytes:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    buffer = io.BytesIO()
    start = 2 if title else 0
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        df.to_excel(writer, index=False, sheet_name="table", startrow=start)
        sheet = writer.sheets["table"]
        if title:
            sheet.cell(row=1, column=1, value=title).font = Font(bold=True, size=12)
        for cell in sheet[start + 1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for j, column in enumerate(df.columns, start=1):
            values = [str(v) for v in df[column].tolist()]
            width = max([len(str(column)) // 2 + 2, *(len(v) + 2 for v in values[:500])])
            sheet.column_dimensions[get_column_letter(j)].width = min(max(width, 8), 60)
            if pd.api.types.is_float_dtype(df[column]):
                for row in range(start + 2, start + 2 + len(df)):
                    sheet.cell(row=row, column=j).number_format = float_format
        sheet.freeze_panes = sheet.cell(row=start + 2, column=1)
        if note:
            sheet.cell(row=start + len(df) + 3, column=1, value=note).font = Font(italic=True)
    # openpyxl stamps creation/modification times: fix them so re-runs are byte-identical.
    return _strip_xlsx_timestamps(buffer.getvalue())


def _strip_xlsx_timestamps(data: bytes) -> bytes:
    import re
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rb"\g<1>2000-01-01T00:00:00Z\g<3>",
                    content,
                )
            info = zipfile.ZipInfo(item.filename, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, content)
    return out.getvalue()


def _format_number(value: object, decimals: int) -> str:
    if isinstance(value, float):
        if pd.isna(value):
            return "—"
        return f"{value:,.{decimals}f}".replace(",", " ")
    return "—" if value is None or value is pd.NA else str(value)


def to_markdown(df: pd.DataFrame, decimals: int = 1) -> str:
    """A GitHub-flavoured Markdown table (no extra dependency)."""
    header = "| " + " | ".join(str(c) for c in df.columns) + " |"
    align = (
        "|"
        + "|".join("---:" if pd.api.types.is_numeric_dtype(df[c]) else ":---" for c in df.columns)
        + "|"
    )
    rows = [
        "| " + " | ".join(_format_number(v, decimals).replace("|", "\\|") for v in row) + " |"
        for row in df.itertuples(index=False)
    ]
    return "\n".join([header, align, *rows]) + "\n"


def to_latex(df: pd.DataFrame, decimals: int = 1, caption: str | None = None) -> str:
    """A booktabs LaTeX table."""
    styler = df.style.hide(axis="index").format(precision=decimals, na_rep="—", thousands=" ")
    return styler.to_latex(hrules=True, caption=caption, position_float="centering")


class WrittenTable(list):
    """The files :func:`write_table` wrote (a list of paths); shows nothing as a notebook cell's
    last value, so reports never print local paths."""

    def _ipython_display_(self) -> None:
        return None


def write_table(
    df: pd.DataFrame,
    stem: str,
    out_dir: str | os.PathLike[str] | None = None,
    *,
    formats: Iterable[str] = FORMATS,
    headers: Mapping[str, Label] | None = None,
    lang: str = "en",
    title: str | None = None,
    note: str | None = None,
    decimals: int = 1,
) -> WrittenTable:
    """Write ``df`` as ``<out_dir>/<stem>.<ext>`` for each of ``formats``, atomically.

    Column headers are translated by ``headers`` (``column -> Label``); ``note`` (source,
    "synthetic demo data") goes under the table in XLSX, LaTeX and Markdown, while the CSV holds the
    data only. ``out_dir`` defaults to ``reports/tables/``. Output is byte-identical for identical input.
    """
    if out_dir is None:
        from exportlab import paths

        out_dir = paths.tables_dir()
    folder = Path(out_dir)
    shown = localize(df, headers, lang)
    written = []
    for fmt in formats:
        if fmt not in FORMATS:
            raise ValueError(f"unknown table format {fmt!r}; expected one of {FORMATS}")
        if fmt == "csv":
            data = shown.to_csv(index=False, lineterminator="\n").encode("utf-8")
        elif fmt == "xlsx":
            data = _xlsx_bytes(
                shown, title, note, "#,##0." + "0" * decimals if decimals else "#,##0"
            )
        elif fmt == "tex":
            text = to_latex(shown, decimals, caption=title)
            if note:
                text += f"% {note}\n"
            data = text.encode("utf-8")
        else:
            text = (f"**{title}**\n\n" if title else "") + to_markdown(shown, decimals)
            if note:
                text += f"\n*{note}*\n"
            data = text.encode("utf-8")
        target = folder / f"{stem}.{fmt}"
        atomic_write_bytes(data, target)
        written.append(target)
    return WrittenTable(written)


# ------------------------------------------------------------------------------ tables for readers

#: Headers of columns that many tables share (``column -> Label``); a table's own
#: ``headers`` come first.
COMMON_HEADERS: dict[str, Label] = vocabulary("tables.COMMON_HEADERS")
#: Missing values in tables for readers.
MISSING = "—"
_YEAR_WORDS = ("year", "год")


class EmptyTable:
    """What an empty table shows instead of a header row: a sentence saying what it means."""

    def __init__(self, message: str):
        self.message = message

    def _repr_html_(self) -> str:
        return f'<p class="exportlab-note"><i>{html.escape(self.message)}</i></p>'

    def _repr_markdown_(self) -> str:
        return f"*{self.message}*"

    def __repr__(self) -> str:
        return self.message


def format_number(value: Any, decimals: int, lang: str, *, thousands: bool = True) -> str:
    """``value`` with ``decimals`` decimals, the language's separators, and "—" when missing.

    >>> format_number(159180.638077, 0, "en"), format_number(1234.5, 1, "ru")
    ('159,181', '1\\xa0234,5')
    >>> format_number(float("nan"), 2, "en")
    '—'
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return MISSING
    if isinstance(value, float) and math.isnan(value):
        return MISSING
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isinf(number):
        return "∞" if number > 0 else "−∞"
    spec = f",.{decimals}f" if thousands else f".{decimals}f"
    if round(number, decimals) == 0:
        number = 0.0  # no "-0.0"
    return labels_number(number, spec, lang)


def auto_decimals(values: pd.Series) -> int:
    """Decimals that suit a numeric column: none from 1000 up, 1 from 100, 2 from 1, else 3.

    >>> auto_decimals(pd.Series([159180.6, 12.0])), auto_decimals(pd.Series([0.12, 0.5]))
    (0, 3)
    """
    numbers = pd.to_numeric(values, errors="coerce").dropna()
    numbers = numbers[numbers.map(math.isfinite)]
    if numbers.empty:
        return 0
    if (numbers == numbers.round()).all():
        return 0
    top = float(numbers.abs().max())
    return 0 if top >= 1000 else 1 if top >= 100 else 2 if top >= 1 else 3


def _flat(label: Any) -> str:
    if isinstance(label, tuple):
        return " · ".join(str(part) for part in label if str(part))
    return str(label)


def show(
    df: pd.DataFrame | pd.Series,
    lang: str = "en",
    *,
    headers: Mapping[str, Label] | None = None,
    formats: Mapping[str, int | Callable[[Any], str]] | None = None,
    values: Mapping[str, Mapping[Any, Label]] | None = None,
    empty: Label | str | None = None,
    index: bool | None = None,
    max_rows: int | None = None,
    caption: str | None = None,
) -> Any:
    """A table formatted for readers: a pandas ``Styler`` that notebooks and reports show as HTML.

    - headers: ``headers`` (``column -> Label``, ``{"en": ..., "ru": ...}``), then :data:`COMMON_HEADERS`;
      columns already localized are kept;
    - the row index is shown as a column only when it carries labels (a named or non-default index;
      ``index=True`` / ``False`` forces it), never as a bare 0, 1, 2 … column;
    - numbers: the language's thousands and decimal separators (``1,234.5`` / ``1 234,5``) with
      fixed decimals by column: ``formats[column]`` (decimals, or a function of the value), else
      :func:`auto_decimals`; year columns without separators; missing values, ``NaN`` and ``NaT``
      as "—"; ``True`` / ``False`` as yes / no;
    - ``values``: labels of coded values by column (``{"status": {"met": {"en": "met", "ru": "выполнен"}}}``);
    - text is never cut; ``max_rows`` shows the first rows and says how many there are;
    - an empty table is an :class:`EmptyTable` saying what it means (``empty``, e.g.
      ``{"en": "No rejected rows", "ru": "Отклонённых строк нет"}``).

    >>> frame = pd.DataFrame({"year": [2021], "share": [0.1234], "n": [12345]})
    >>> show(frame, "en").data.iloc[0].tolist()
    ['2021', '0.123', '12,345']
    >>> show(frame.iloc[:0], "en", empty={"en": "No rows", "ru": "Нет строк"}).message
    'No rows'
    """
    check_lang(lang)
    check_labels(headers or {}, "headers")
    for column, mapping in (values or {}).items():
        check_labels(mapping, f"values[{column!r}]")
    if empty is not None and not isinstance(empty, str):
        check_label(empty, "empty")
    if isinstance(df, pd.Series):
        df = df.to_frame(name=df.name if df.name is not None else "value")
        if index is None:
            index = True
    if df.empty or len(df.columns) == 0:
        if empty is None:
            message = t("No rows", "Нет строк", lang)
        elif isinstance(empty, str):
            message = empty
        else:
            message = pick(empty, lang)
        return EmptyTable(message)
    frame = df.copy()
    # a bare row number (0, 1, 2 … or the positions a filter left) is no column for readers
    default_index = all(n is None for n in frame.index.names) and (
        pd.api.types.is_integer_dtype(frame.index.dtype) and frame.index.nlevels == 1
    )
    if index is None:
        index = not default_index
    if index:
        if isinstance(frame.columns, pd.MultiIndex):
            frame.columns = [_flat(c) for c in frame.columns]
        names = [n if n is not None else "" for n in frame.index.names]
        frame.index.names = [n or f"_index{i}" for i, n in enumerate(names)]
        frame = frame.reset_index()
        frame.columns = [("" if str(c).startswith("_index") else c) for c in frame.columns]
    else:
        frame = frame.reset_index(drop=True)
    if isinstance(frame.columns, pd.MultiIndex):
        frame.columns = [_flat(c) for c in frame.columns]
    total = len(frame)
    if max_rows is not None and total > max_rows:
        frame = frame.head(max_rows)
    lookup = {**COMMON_HEADERS, **(headers or {})}
    formats = dict(formats or {})
    values = values or {}
    shown: dict[str, pd.Series] = {}
    numeric_columns = []
    for position, column in enumerate(frame.columns):
        series = frame.iloc[:, position]
        key = column if isinstance(column, str) else _flat(column)
        label = pick(lookup[key], lang) if key in lookup else key
        if key in values:
            mapping = values[key]
            series = series.map(lambda v, m=mapping: pick(m[v], lang) if v in m else v)
        shown_label = label
        while shown_label in shown:
            shown_label += " "
        shown[shown_label] = _format_column(series, key, label, formats.get(key), lang)
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            numeric_columns.append(shown_label)
    out = pd.DataFrame(shown)
    styler = out.style.hide(axis="index")
    text_columns = [c for c in out.columns if c not in numeric_columns]
    if numeric_columns:
        styler = styler.set_properties(
            subset=numeric_columns, **{"text-align": "right", "white-space": "nowrap"}
        )
    if text_columns:
        styler = styler.set_properties(subset=text_columns, **{"text-align": "left"})
    heading = [
        {
            "selector": f"th.col_heading.col{i}",
            "props": f"text-align: {'right' if c in numeric_columns else 'left'}; "
            "vertical-align: bottom;",
        }
        for i, c in enumerate(out.columns)
    ]
    styler = styler.set_table_styles(
        [{"selector": "caption", "props": "caption-side: top; text-align: left;"}, *heading]
    )
    styler = styler.set_table_attributes('class="exportlab-table"')
    note = None
    if len(out) < total:
        note = t(
            f"first {len(out)} of {total:,} rows",
            f"первые {len(out)} из {total:,} строк".replace(",", " "),
            lang,
        )
    if caption or note:
        styler = styler.set_caption(" — ".join(x for x in (caption, note) if x))
    return styler


def _format_column(
    series: pd.Series,
    key: str,
    label: str,
    rule: int | Callable[[Any], str] | None,
    lang: str,
) -> pd.Series:
    if callable(rule):
        return series.map(lambda v: MISSING if _missing(v) else rule(v))
    if pd.api.types.is_bool_dtype(series):
        yes, no = t("yes", "да", lang), t("no", "нет", lang)
        return series.map(lambda v: MISSING if _missing(v) else (yes if v else no))
    if pd.api.types.is_datetime64_any_dtype(series):
        return series.map(lambda v: MISSING if _missing(v) else v.strftime("%Y-%m-%d"))
    if pd.api.types.is_numeric_dtype(series):
        decimals = rule if isinstance(rule, int) else auto_decimals(series)
        # a column of years (2015, not 2 015): named so and holding whole numbers of a year's size
        # ("Export in the base year, USD" names a year but holds amounts: separators stay)
        values = pd.to_numeric(series, errors="coerce").dropna()
        yearly = (
            any(w in f"{key} {label}".lower() for w in _YEAR_WORDS)
            and decimals == 0
            and bool(((values % 1 == 0) & values.between(1800, 2200)).all())
        )
        return series.map(lambda v: format_number(v, decimals, lang, thousands=not yearly))
    return series.map(lambda v: MISSING if _missing(v) else _text(v, lang))


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _text(value: Any, lang: str) -> str:
    if isinstance(value, bool):
        return t("yes", "да", lang) if value else t("no", "нет", lang)
    if isinstance(value, float):
        return format_number(value, 0 if value == round(value) else 3, lang)
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)
