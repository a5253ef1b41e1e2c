"""Tables for authors: CSV, formatted XLSX, LaTeX and Markdown with English or Russian headers.

>>> import pandas as pd
>>> df = pd.DataFrame({"region": ["RU-TA"], "export_kusd": [1234.5]})
>>> headers = {"region": ("Region", "Регион"), "export_kusd": ("Export, thousand USD", "Экспорт, тыс. долл.")}
>>> list(localize(df, headers, "ru").columns)
['Регион', 'Экспорт, тыс. долл.']
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from exportlab.io.writers import atomic_write_bytes
from exportlab.style import check_lang

FORMATS: tuple[str, ...] = ("csv", "xlsx", "tex", "md")


def localize(
    df: pd.DataFrame, headers: Mapping[str, tuple[str, str]] | None, lang: str
) -> pd.DataFrame:
    """Rename the columns of ``df`` by ``headers`` (``column -> (english, russian)``)."""
    check_lang(lang)
    if not headers:
        return df
    pick = 0 if lang == "en" else 1
    return df.rename(columns={c: pair[pick] for c, pair in headers.items() if c in df.columns})


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


def write_table(
    df: pd.DataFrame,
    stem: str,
    out_dir: str | os.PathLike[str] | None = None,
    *,
    formats: Iterable[str] = FORMATS,
    headers: Mapping[str, tuple[str, str]] | None = None,
    lang: str = "en",
    title: str | None = None,
    note: str | None = None,
    decimals: int = 1,
) -> list[Path]:
    """Write ``df`` as ``<out_dir>/<stem>.<ext>`` for each of ``formats``, atomically.

    Column headers are translated by ``headers`` (``column -> (english, russian)``); ``note`` (source,
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
    return written
