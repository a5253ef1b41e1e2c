"""One HS nomenclature across years: edition concordances and product names.

HS editions change every five years (HS2012 → HS2017 → HS2022) and FCS data carry the codes of the
edition in force (:func:`exportlab.classify.hs_edition`). Comparing raw codes across an edition change
counts every renumbered product as a new good and an old one dying. :func:`convert` rewrites a trade
table into one **target edition** with the UN Statistics Division conversion and correlation tables
(package data ``data/hs_concordance.csv.gz``, see ``data/hs_concordance.md``):

=================  ===========================================================================
relation           rule (``kind`` in :func:`links`)
=================  ===========================================================================
``1:1``            the code is renamed (usually to itself)
``n:1``            several reported codes go to one target code (their values add up)
``1:n``            the reported code is exactly the union of several target codes: its value is
                   split in proportion to the region's trade (same flow) in those target codes
                   in the *reference year* (the data's last year in the target edition, or the
                   first when converting forward); without such trade it goes to the UNSD
                   conversion target (backward) or is split equally (forward)
``n:n``            part of an overlap family (e.g. HS2022 heading 8549, e-waste, correlates with
                   about 1,000 HS2017 codes): backward it goes to the UNSD conversion target (one
                   code per reported code); forward it is split as ``1:n`` among the target codes
                   that UNSD converts back to it
=================  ===========================================================================

Codes that are not in the source edition's table (e.g. invalid or national codes) are kept as
reported and counted in the report; codes of 2 or 4 digits are converted with the tables cut to
that level, codes longer than 6 digits on their first six digits. High-tech groups and resource
classes are *not* recomputed: they stay those of the reported code in its own edition (stage 02
classifies before it converts).

English names of every 2-, 4- and 6-digit code of the three editions (UN Comtrade) and Russian names
of the chapters (ТН ВЭД ЕАЭС) are in ``data/hs_names.csv.gz`` and ``data/hs_chapters.csv``:
:func:`names` gives them as a names table for :func:`exportlab.classify.product_names`, and
:func:`product_labels` picks the name in a language with the fallbacks.

>>> links("HS2017", "HS2012").set_index("source").loc["440321", ["target", "kind"]].tolist()
['440320', 'n:1']
>>> product_labels(["870323", "87"], "ru", "HS2017").str[:25].tolist()
['Vehicles; with only spark', 'Средства наземного трансп']
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd

from exportlab.classify import EDITIONS, hs_editions
from exportlab.hs_sections import chapter_titles_ru
from exportlab.labels import Label, check_lang, vocabulary

__all__ = [
    "AS_REPORTED",
    "CONCORDANCE_CSV",
    "HSConversion",
    "REPORT_LABELS",
    "chapter_names_ru",
    "codes_edition",
    "convert",
    "load_concordance",
    "links",
    "load_names",
    "names",
    "product_labels",
    "read_unsd_workbook",
    "report_table",
    "target_edition",
]

Lang = Literal["en", "ru"]

DATA_DIR = Path(__file__).resolve().parent / "data"
CONCORDANCE_CSV = DATA_DIR / "hs_concordance.csv.gz"
NAMES_CSV = DATA_DIR / "hs_names.csv.gz"

AS_REPORTED = "as_reported"
"""Profile value of ``hs_edition`` that keeps the codes as reported (no conversion)."""

#: UNSD workbooks the package data are built from: (source edition, target edition) → file name.
UNSD_WORKBOOKS: dict[tuple[str, str], str] = {
    ("HS2017", "HS2012"): "HS2017toHS2012ConversionAndCorrelationTables.xlsx",
    ("HS2022", "HS2017"): "HS2022toHS2017ConversionAndCorrelationTables.xlsx",
    ("HS2022", "HS2012"): "HS2022toHS2012ConversionAndCorrelationTables.xlsx",
}
#: UN Comtrade classification files of the names: edition → file name.
COMTRADE_NAME_FILES: dict[str, str] = {
    "HS2012": "classificationH4.json",
    "HS2017": "classificationH5.json",
    "HS2022": "classificationH6.json",
}

KINDS = ("1:1", "n:1", "1:n", "n:n")

# ---------------------------------------------------------------------------------------------
# Package data
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=2)
def _concordance_cached(path: str) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False, comment="#")
    need = {"source_edition", "target_edition", "source", "target", "relationship", "conversion"}
    missing = need - set(df.columns)
    if missing:
        raise ValueError(f"{path}: concordance lacks columns {sorted(missing)}")
    bad = ~(df["source"].str.fullmatch(r"\d{6}") & df["target"].str.fullmatch(r"\d{6}"))
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueError(f"{path}: line {row + 2}: codes must have 6 digits")
    df["conversion"] = df["conversion"] == "1"
    return df


def load_concordance(path: str | Path | None = None) -> pd.DataFrame:
    """The UNSD edition concordances shipped with the package (or the CSV at ``path``).

    One row per correlated pair: ``source_edition, target_edition`` (newer → older: HS2017→HS2012,
    HS2022→HS2017, HS2022→HS2012), ``source, target`` (6-digit codes), ``relationship`` (UNSD's
    ``1:1``, ``n:1``, ``1:n``, ``n:n``) and ``conversion`` (bool: the pair is in the UNSD conversion
    table, which gives exactly one target per source code).

    >>> c = load_concordance()
    >>> sorted(set(zip(c["source_edition"], c["target_edition"])))
    [('HS2017', 'HS2012'), ('HS2022', 'HS2012'), ('HS2022', 'HS2017')]
    """
    return _concordance_cached(str(Path(path or CONCORDANCE_CSV).resolve())).copy()


def _check_edition(edition: str) -> None:
    if edition not in EDITIONS:
        raise ValueError(f"unknown HS edition {edition!r}; known: {', '.join(EDITIONS)}")


@lru_cache(maxsize=32)
def _links_cached(source: str, target: str, level: int, path: str) -> pd.DataFrame:
    conc = _concordance_cached(path)
    backward = EDITIONS.index(source) > EDITIONS.index(target)
    newer, older = (source, target) if backward else (target, source)
    pairs = conc[(conc["source_edition"] == newer) & (conc["target_edition"] == older)]
    if pairs.empty:
        raise ValueError(f"{path}: no concordance between {newer} and {older}")
    new6, old6 = pairs["source"].to_numpy(dtype=object), pairs["target"].to_numpy(dtype=object)
    conv = pairs["conversion"].to_numpy(dtype=bool)
    cut = lambda a: np.array([c[:level] for c in a], dtype=object)  # noqa: E731
    new, old = cut(new6), cut(old6)
    corr = pd.DataFrame({"newer": new, "older": old}).drop_duplicates()
    # the conversion target of each newer code at this level: the most frequent cut target
    cv = pd.DataFrame({"newer": new[conv], "older": old[conv]})
    cv = cv.groupby(["newer", "older"]).size().rename("n").reset_index()
    cv = cv.sort_values(["newer", "n", "older"], ascending=[True, False, True])
    conv_of = cv.drop_duplicates("newer").set_index("newer")["older"]
    if backward:
        cand = corr.rename(columns={"newer": "source", "older": "target"})
    else:
        # forward: the newer codes that UNSD converts back to the older code; all correlated newer
        # codes for an older code that no newer code converts to
        back = conv_of.rename("source").rename_axis("target").reset_index()[["source", "target"]]
        orphans = sorted(set(corr["older"]) - set(back["source"]))
        extra = corr[corr["older"].isin(orphans)].rename(
            columns={"older": "source", "newer": "target"}
        )
        cand = pd.concat([back, extra[["source", "target"]]], ignore_index=True)
    cand = cand.drop_duplicates().sort_values(["source", "target"]).reset_index(drop=True)
    n_targets = cand.groupby("source")["target"].transform("size")
    full = corr.rename(
        columns={"newer": "source", "older": "target"}
        if backward
        else {"older": "source", "newer": "target"}
    )
    # the kind comes from the full correlation: a code is 1:n when each of its targets has no other
    # source, n:n when some target is shared, n:1 / 1:1 for one target
    fs = full.groupby("source")["target"].nunique()
    ft = full.groupby("target")["source"].nunique()
    full = full.assign(shared=full["target"].map(ft).to_numpy() > 1)
    shared_any = full.groupby("source")["shared"].any()
    kind_full = pd.Series(
        np.where(
            fs.to_numpy() > 1,
            np.where(shared_any.reindex(fs.index).to_numpy(), "n:n", "1:n"),
            np.where(shared_any.reindex(fs.index).to_numpy(), "n:1", "1:1"),
        ),
        index=fs.index,
    )
    if backward:
        # 1:n codes split among their targets; every other code goes to its conversion target
        kinds = kind_full.reindex(cand["source"]).to_numpy()
        is_conv = cand["target"].to_numpy() == conv_of.reindex(cand["source"]).to_numpy()
        keep = (kinds == "1:n") | is_conv
        cand = cand[keep].reset_index(drop=True)
        n_targets = cand.groupby("source")["target"].transform("size")
        is_conv = cand["target"].to_numpy() == conv_of.reindex(cand["source"]).to_numpy()
        fallback = np.where(is_conv, 1.0, 0.0)
    else:
        fallback = 1.0 / n_targets.to_numpy(dtype=float)
    out = cand.assign(
        kind=kind_full.reindex(cand["source"]).to_numpy(),
        n_targets=n_targets.to_numpy(),
        fallback=fallback,
    )
    out.attrs = {"source": source, "target": target, "level": level}
    return out


def links(
    source: str, target: str, level: int = 6, concordance: str | Path | None = None
) -> pd.DataFrame:
    """How codes of edition ``source`` map to edition ``target`` at ``level`` digits (2, 4, 6).

    Columns: ``source, target`` (codes), ``kind`` (the relation of the source code in the full
    UNSD correlation: ``1:1``, ``n:1``, ``1:n``, ``n:n``), ``n_targets`` (rows of the source code
    here), ``fallback`` (the share of the source code's value the target gets when the region has no
    trade in any of the targets in the reference year; see the module docstring). A source code with
    one row is renamed; one with several rows is split. ``source == target`` gives the identity.

    >>> l = links("HS2017", "HS2012").set_index(["source", "target"])
    >>> l.loc[("440711", "440710"), "kind"]  # HS2017 split 440710 into 440711, 440712, 440719
    'n:1'
    >>> links("HS2012", "HS2017").query("source == '440320'")["target"].tolist()[:3]
    ['440321', '440322', '440323']
    """
    _check_edition(source)
    _check_edition(target)
    if level not in (2, 4, 6):
        raise ValueError(f"level must be 2, 4 or 6 digits, got {level}")
    if source == target:
        raise ValueError(f"source and target edition are the same ({source})")
    path = str(Path(concordance or CONCORDANCE_CSV).resolve())
    return _links_cached(source, target, level, path).copy()


# ---------------------------------------------------------------------------------------------
# Conversion of a trade table
# ---------------------------------------------------------------------------------------------


def target_edition(years: Iterable[int] | pd.Series, hs_edition: str | None = None) -> str | None:
    """The target edition for ``hs_edition`` (profile key) given the data's ``years``.

    ``None`` or ``"oldest"``: the oldest edition in force in the data (conversion then always goes
    from newer to older codes, with UNSD's one-target conversion tables); an edition name
    (``HS2012``, ``HS2017``, ``HS2022``): that edition; ``"as_reported"``: ``None`` (no conversion).

    >>> target_edition([2016, 2017, 2022]), target_edition([2016], "HS2017")
    ('HS2012', 'HS2017')
    >>> target_edition([2016, 2017], "as_reported") is None
    True
    """
    if hs_edition == AS_REPORTED:
        return None
    if hs_edition not in (None, "oldest"):
        if hs_edition not in EDITIONS:
            raise ValueError(
                f"hs_edition must be one of {', '.join(EDITIONS)}, 'oldest' or "
                f"'{AS_REPORTED}', got {hs_edition!r}"
            )
        return hs_edition
    eds = set(hs_editions(pd.Series(list(years), dtype="int64")))
    if not eds:
        return None
    return min(eds, key=EDITIONS.index)


class HSConversion(NamedTuple):
    """The converted trade table and the report of what changed (see :func:`convert`)."""

    trade: pd.DataFrame
    report: pd.DataFrame
    target: str | None


REPORT_COLUMNS = (
    "year",
    "flow",
    "hs_edition",
    "n_codes",
    "n_changed",
    "n_split",
    "n_unknown",
    "value_usd",
    "changed_usd",
    "split_usd",
    "changed_share",
    "split_share",
)

#: Labels (:class:`~exportlab.labels.Label`) of the report columns, for :func:`exportlab.tables.write_table`.
REPORT_LABELS: dict[str, Label] = vocabulary("hs.REPORT_LABELS")


def _row_editions(trade: pd.DataFrame) -> np.ndarray:
    """Index into ``EDITIONS`` of each row: its ``hs_edition``, else the edition of its year."""
    y_codes, y_uniques = pd.factorize(trade["year"])
    by_year = hs_editions(pd.Series(np.asarray(y_uniques), dtype="int64")).to_numpy(dtype=object)
    ed = np.array([EDITIONS.index(e) for e in by_year], dtype=np.int64)[y_codes]
    if "hs_edition" in trade.columns:
        g_codes, g_uniques = pd.factorize(trade["hs_edition"])
        unknown = sorted(set(map(str, g_uniques)) - set(EDITIONS))
        if unknown:
            raise ValueError(f"trade has unknown HS editions {unknown}")
        given = np.array([EDITIONS.index(str(e)) for e in g_uniques] + [-1], dtype=np.int64)
        g = given[g_codes]  # factorize marks missing as -1, which picks the -1 sentinel
        ed = np.where(g >= 0, g, ed)
    return ed


def _edition_array(editions: np.ndarray) -> pd.api.extensions.ExtensionArray:
    return pd.array(np.asarray(EDITIONS, dtype=object)[editions], dtype="string")


def codes_edition(trade: pd.DataFrame) -> str:
    """The HS edition of the ``hs6`` codes of a classified trade table (for names).

    The ``hs6_edition`` column that :func:`convert` writes when it holds one edition; otherwise
    (codes as reported, several editions) the newest edition in the table.

    >>> codes_edition(pd.DataFrame({"year": [2016, 2018], "hs6": ["010121", "010121"]}))
    'HS2017'
    """
    if "hs6_edition" in trade.columns:
        eds = set(trade["hs6_edition"].dropna().astype(str))
        if len(eds) == 1:
            return eds.pop()
    eds = set(_row_editions(trade).tolist()) if len(trade) else {len(EDITIONS) - 1}
    return EDITIONS[max(eds)]


def _reference_year(
    years: np.ndarray, editions: np.ndarray, source: int, target: int
) -> int | None:
    in_target = years[editions == target]
    if len(in_target) == 0:
        return None
    return int(in_target.max() if source > target else in_target.min())


def convert(
    trade: pd.DataFrame,
    target: str | None,
    *,
    weight_by: Sequence[str] = ("region", "flow"),
    concordance: str | Path | None = None,
) -> HSConversion:
    """Rewrite the ``hs6`` codes of ``trade`` into HS edition ``target`` (``None``: as reported).

    Each row's edition is its ``hs_edition`` column, else the edition in force in its ``year``.
    Rows of other editions get the target codes of :func:`links`; a split row becomes one row per
    target code with ``value_usd`` (and ``netto_kg``) multiplied by the target's weight — the
    target's share of the row's ``weight_by`` cell (region and flow) in the reference year, else
    the ``fallback`` of :func:`links` — so every region-year-partner-flow total is kept exactly.
    Every other column (``group``, ``resource``, ``hs_edition`` of the reported code…) is carried
    unchanged. The result has ``hs6_reported`` (the code as reported) and ``hs6_edition`` (the
    edition of ``hs6``: ``target``, or each row's own edition when ``target`` is None) next to
    ``hs6``; rows keep
    their order (split rows in target order). ``(year, region, hs6, partner, flow)`` is no longer a
    key: two reported codes may share a target.

    The report has one row per year and flow: ``hs_edition`` (reported), ``n_codes``,
    ``n_changed`` (codes whose value, or part of it, moved to another code), ``n_split`` (codes split
    over several targets), ``n_unknown`` (codes not in the table, kept as reported), ``value_usd``,
    ``changed_usd``, ``split_usd`` (US dollars) and ``changed_share``, ``split_share`` (of value_usd).

    >>> t = pd.DataFrame({"year": [2016, 2017, 2017], "region": "A", "partner": "CN",
    ...                   "hs6": ["440320", "440321", "440322"], "flow": "export",
    ...                   "value_usd": [5.0, 3.0, 1.0]})
    >>> out = convert(t, "HS2012")
    >>> out.trade["hs6"].tolist(), out.report["n_changed"].tolist()
    (['440320', '440320', '440320'], [0, 2])
    """
    missing = [c for c in ("year", "hs6", "value_usd") if c not in trade.columns]
    if target is not None:
        missing += [c for c in weight_by if c not in trade.columns]
    if missing:
        raise ValueError(f"trade lacks column(s) {missing}")
    editions = _row_editions(trade)
    code_of_row, raw_uniques = pd.factorize(trade["hs6"], use_na_sentinel=False)
    uniques = np.array([str(c).strip() for c in raw_uniques], dtype=object)
    n = len(trade)
    status = np.zeros(n, dtype=np.int8)  # 0 unchanged, 1 renamed, 2 split, 3 unknown
    if target is None:
        out = trade.copy()
        out.insert(list(out.columns).index("hs6") + 1, "hs6_reported", out["hs6"])
        out.insert(list(out.columns).index("hs6") + 2, "hs6_edition", _edition_array(editions))
        return HSConversion(out, _report(trade, status, editions, code_of_row), None)
    _check_edition(target)
    tgt_ed = EDITIONS.index(target)
    path = str(Path(concordance or CONCORDANCE_CSV).resolve())
    years = trade["year"].to_numpy(dtype=np.int64)
    table = list(raw_uniques)  # output codes: the reported uniques, then new target codes
    new_code: dict[str, int] = {}

    def code_ids(codes: Iterable[str]) -> np.ndarray:
        ids = []
        for c in codes:
            if c not in new_code:
                new_code[c] = len(table)
                table.append(c)
            ids.append(new_code[c])
        return np.array(ids, dtype=np.int64)

    row_index = [np.arange(n)]
    row_target = [code_of_row.astype(np.int64)]
    row_weight = [np.ones(n)]
    keep = np.ones(n, dtype=bool)  # rows of one target stay here; split rows are replaced below
    for source in sorted(set(editions.tolist()) - {tgt_ed}):
        rows = np.flatnonzero(editions == source)
        ref_year = _reference_year(years, editions, source, tgt_ed)
        ucodes = np.unique(code_of_row[rows])
        level_of = np.array([min(len(c), 6) for c in uniques[ucodes]], dtype=np.int64)
        for level in sorted(set(level_of.tolist())):
            uc = ucodes[level_of == level]
            at = rows[np.isin(code_of_row[rows], uc)]
            if level not in (2, 4, 6):
                status[at] = 3
                continue
            lk = _links_cached(EDITIONS[source], target, level, path)
            ukey = pd.Series([c[:level] for c in uniques[uc]], index=uc, dtype=object)
            known_u = ukey.isin(lk["source"]).to_numpy()
            status[at[np.isin(code_of_row[at], uc[~known_u])]] = 3
            ukey = ukey[known_u]
            if ukey.empty:
                continue
            m = pd.DataFrame({"code": ukey.index, "source": ukey.to_numpy()}).merge(
                lk, on="source", how="left"
            )
            # one target: rename (a longer national code keeps its suffix when unchanged)
            one = m[(m["n_targets"] == 1) & (m["target"] != m["source"])]
            renamed = np.full(len(uniques), -1, dtype=np.int64)
            renamed[one["code"].to_numpy()] = code_ids(one["target"])
            hit = at[renamed[code_of_row[at]] >= 0]
            status[hit] = 1
            row_target[0][hit] = renamed[code_of_row[hit]]
            # several targets: weights from the reference year, else the fallback
            multi_codes = m.loc[m["n_targets"] > 1, ["code", "source", "target", "fallback"]]
            if multi_codes.empty:
                continue
            mrows = at[np.isin(code_of_row[at], multi_codes["code"].to_numpy())]
            multi = pd.DataFrame({"row": mrows, "code": code_of_row[mrows]}).merge(
                multi_codes, on="code", how="left", sort=False
            )
            weights = multi["fallback"].to_numpy(dtype=float)
            if ref_year is not None:
                sel = (years == ref_year) & (editions == tgt_ed)
                ref = _reference_values(trade, sel, uniques[code_of_row[sel]], level, weight_by)
                cell = trade.iloc[multi["row"].to_numpy()][list(weight_by)].reset_index(drop=True)
                w = cell.assign(target=multi["target"].to_numpy()).merge(
                    ref, on=[*weight_by, "target"], how="left"
                )["ref_usd"]
                w = w.fillna(0.0).to_numpy(dtype=float)
                total = pd.Series(w).groupby(multi["row"].to_numpy()).transform("sum").to_numpy()
                weights = np.where(total > 0, w / np.where(total > 0, total, 1.0), weights)
            take = weights > 0
            keep[mrows] = False
            parts = multi[take]
            row_index.append(parts["row"].to_numpy())
            row_target.append(code_ids(parts["target"]))
            row_weight.append(weights[take])
            n_parts = parts.groupby("row").size()
            moved = (parts["target"] != parts["source"]).groupby(parts["row"]).any()
            status[moved.index[moved.to_numpy()]] = 1
            status[n_parts.index[n_parts.to_numpy() > 1]] = 2
    row_index[0], row_target[0], row_weight[0] = (
        row_index[0][keep],
        row_target[0][keep],
        row_weight[0][keep],
    )
    idx = np.concatenate(row_index)
    tgt = np.concatenate(row_target)
    wgt = np.concatenate(row_weight)
    order = np.lexsort((np.arange(len(idx)), idx))  # original order, split rows together
    idx, tgt, wgt = idx[order], tgt[order], wgt[order]
    out = trade.take(idx).reset_index(drop=True)
    out.insert(list(out.columns).index("hs6") + 1, "hs6_reported", out["hs6"])
    codes_arr = pd.array(np.array(table, dtype=object), dtype=trade["hs6"].dtype if table else None)
    out["hs6"] = codes_arr.take(tgt)
    out.insert(
        list(out.columns).index("hs6") + 2,
        "hs6_edition",
        pd.array(np.full(len(out), target, dtype=object), dtype="string"),
    )
    if not np.all(wgt == 1.0):
        out["value_usd"] = out["value_usd"].to_numpy(dtype=float) * wgt
        if "netto_kg" in out.columns:
            out["netto_kg"] = pd.to_numeric(out["netto_kg"]) * wgt
    return HSConversion(out, _report(trade, status, editions, code_of_row), target)


def _reference_values(
    trade: pd.DataFrame,
    sel: np.ndarray,
    codes: np.ndarray,
    level: int,
    weight_by: Sequence[str],
) -> pd.DataFrame:
    """Positive value per (``weight_by`` cell, code cut to ``level``) of the rows ``sel``."""
    ref = trade.loc[sel, list(weight_by)].reset_index(drop=True)
    ref["target"] = [c[:level] for c in codes]
    ref["ref_usd"] = pd.to_numeric(trade.loc[sel, "value_usd"]).clip(lower=0).to_numpy()
    return ref.groupby([*weight_by, "target"], observed=True)["ref_usd"].sum().reset_index()


def _report(
    trade: pd.DataFrame, status: np.ndarray, editions: np.ndarray, code_of_row: np.ndarray
) -> pd.DataFrame:
    flow_codes, flows = (
        pd.factorize(trade["flow"]) if "flow" in trade.columns else (np.zeros(len(trade)), ["all"])
    )
    df = pd.DataFrame(
        {
            "year": trade["year"].to_numpy(dtype=np.int64),
            "flow": flow_codes,
            "hs_edition": editions,
            "code": code_of_row,
            "value_usd": pd.to_numeric(trade["value_usd"]).to_numpy(dtype=float),
            "changed": (status == 1) | (status == 2),
            "split": status == 2,
            "unknown": status == 3,
        }
    )
    keys = ["year", "flow", "hs_edition"]
    g = df.groupby(keys, sort=True)
    res = pd.DataFrame({"n_codes": g["code"].nunique(), "value_usd": g["value_usd"].sum()})
    for col in ("changed", "split", "unknown"):
        sub = df[df[col]].groupby(keys)
        res[f"n_{col}"] = sub["code"].nunique().reindex(res.index, fill_value=0).astype(int)
        if col != "unknown":
            res[f"{col}_usd"] = sub["value_usd"].sum().reindex(res.index, fill_value=0.0)
    den = res["value_usd"].where(res["value_usd"] != 0)
    res["changed_share"] = res["changed_usd"] / den
    res["split_share"] = res["split_usd"] / den
    res = res.reset_index()
    res["flow"] = np.asarray(flows, dtype=object)[res["flow"].to_numpy(dtype=np.int64)]
    res["hs_edition"] = np.asarray(EDITIONS, dtype=object)[res["hs_edition"].to_numpy()]
    return res[list(REPORT_COLUMNS)]


def report_table(report: pd.DataFrame, flow: str | None = "export") -> pd.DataFrame:
    """The conversion report for readers: one flow, values in million USD, shares in per cent.

    >>> r = pd.DataFrame({"year": [2017], "flow": ["export"], "hs_edition": ["HS2017"],
    ...                   "n_codes": [10], "n_changed": [2], "n_split": [0], "n_unknown": [0],
    ...                   "value_usd": [4e6], "changed_usd": [1e6], "split_usd": [0.0],
    ...                   "changed_share": [0.25], "split_share": [0.0]})
    >>> report_table(r)[["changed_usd", "changed_share"]].iloc[0].tolist()
    [1.0, 25.0]
    """
    out = report if flow is None else report[report["flow"] == flow]
    out = out.drop(columns=["flow"] if flow is not None else []).copy()
    for col in ("value_usd", "changed_usd", "split_usd"):
        out[col] = out[col] / 1e6
    for col in ("changed_share", "split_share"):
        out[col] = out[col] * 100
    return out.reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Product names
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _names_cached() -> pd.DataFrame:
    return pd.read_csv(NAMES_CSV, dtype=str, keep_default_na=False, comment="#")


def load_names() -> pd.DataFrame:
    """English names of every 2-, 4- and 6-digit code of each edition (UN Comtrade).

    Columns ``edition, code, name_en``.

    >>> n = load_names()
    >>> n.query("edition == 'HS2022' and code == '8549'")["name_en"].item()[:40]
    'Electrical and electronic waste and scra'
    """
    return _names_cached().copy()


@lru_cache(maxsize=1)
def _chapters_ru_cached() -> pd.Series:
    return chapter_titles_ru()


def chapter_names_ru() -> pd.Series:
    """Russian titles of the HS chapters (groups of ТН ВЭД ЕАЭС), indexed by 2-digit code.

    >>> chapter_names_ru()["88"]
    'Летательные аппараты, космические аппараты и их части'
    """
    return _chapters_ru_cached().copy()


@lru_cache(maxsize=4)
def _names_table(edition: str) -> pd.DataFrame:
    n = _names_cached()
    n = n[n["edition"] == edition].set_index("code")["name_en"]
    ru = _chapters_ru_cached()
    out = pd.DataFrame({"name_en": n})
    out["name_ru"] = ru.reindex(out.index)
    extra = ru.index.difference(out.index)
    if len(extra):
        out = pd.concat([out, pd.DataFrame({"name_en": np.nan, "name_ru": ru[extra]})])
    out.index.name = "product"
    return out.sort_index()


def names(edition: str) -> pd.DataFrame:
    """Names table of one edition for :func:`exportlab.classify.product_names`.

    Indexed by ``product`` (2-, 4- and 6-digit codes), columns ``name_en`` (every code) and
    ``name_ru`` (chapters). With :func:`exportlab.classify.product_names` a code missing from the
    edition falls back to its heading, then its chapter.

    >>> names("HS2017").loc["30", "name_ru"]
    'Фармацевтическая продукция'
    """
    _check_edition(edition)
    return _names_table(edition).copy()


def reader_names(edition: str, lang: str = "en") -> pd.DataFrame:
    """The names table a run's tables and figures use (:func:`names` shaped), in ``lang``.

    In English, UN Comtrade's names. In Russian, the package has names of the chapters only, so a
    heading or subheading is named by its chapter's short Russian name, then its English name:
    ``"Фармацевтическая продукция: Medicaments; …"`` — the reader sees where the product belongs in Russian and
    which product it is. A code without an English name keeps its chapter's title.

    >>> reader_names("HS2017", "ru").loc["300490", "name_ru"][:31]
    'Фармацевтическая продукция: Med'
    >>> reader_names("HS2017", "ru").loc["30", "name_ru"]
    'Фармацевтическая продукция'
    """
    check_lang(lang)
    table = names(edition)
    if lang == "en":
        return table
    from exportlab.hs_sections import load_chapters

    short = load_chapters().set_index("chapter")["name_ru"]
    codes = table.index.to_series()
    chapter = short.reindex(codes.str[:2]).to_numpy()
    finer = (
        (codes.str.len() > 2).to_numpy() & pd.notna(chapter) & table["name_en"].notna().to_numpy()
    )
    table.loc[finer, "name_ru"] = [
        f"{c}: {n}" for c, n in zip(chapter[finer], table["name_en"].to_numpy()[finer], strict=True)
    ]
    return table


def product_labels(codes: Iterable[str], lang: Lang = "en", edition: str = "HS2017") -> pd.Series:
    """The name of each HS code in ``lang``, falling back to English and to the chapter.

    Order of preference: the code's own name in ``lang``; its English name; the name in ``lang``
    of the longest code of the edition it starts with (heading, chapter); the English name of that
    code. Codes with none of these get ``None``. Indexed by the codes as given.

    >>> product_labels(["300490", "7701"], "ru", "HS2017").tolist()[1] is None  # no chapter 77
    True
    >>> product_labels(["01"], "ru", "HS2022").item()
    'Живые животные'
    """
    check_lang(lang)
    _check_edition(edition)
    table = _names_table(edition)
    codes = [str(c) for c in codes]
    own = table.reindex(codes)
    out = own[f"name_{lang}"].fillna(own["name_en"])
    for k in (4, 2):
        if not out.isna().any():
            break
        parent = table.reindex([c[:k] for c in codes])
        parent.index = own.index
        out = out.fillna(parent[f"name_{lang}"]).fillna(parent["name_en"])
    return out.astype(object).where(out.notna(), None).rename("name")


# ---------------------------------------------------------------------------------------------
# Building the package data from the UNSD workbooks and the UN Comtrade files
# ---------------------------------------------------------------------------------------------


def read_unsd_workbook(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The conversion and correlation sheets of one UNSD HS-edition workbook.

    Returns ``conversion`` (``source, target``: one row per source code) and ``correlation``
    (``source, target, relationship``), 6-digit strings, in the workbook's row order. The sheet
    whose name contains "Conversion" is the conversion, the other the correlation; header rows and
    the "ex" (partial) marks of the HS2017–HS2012 workbook are dropped.
    """
    sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=str, engine="openpyxl")
    conv_name = next(s for s in sheets if "conversion" in s.lower())
    corr_name = next(s for s in sheets if s != conv_name)

    def codes(df: pd.DataFrame) -> pd.DataFrame:
        df = df.dropna(how="all", axis=1)
        is_code = df.apply(lambda col: col.astype(str).str.fullmatch(r"\d{6}"))
        rows = is_code.iloc[:, 0]
        code_cols = [c for c in df.columns if is_code.loc[rows, c].all()]
        rel_cols = [
            c for c in df.columns if df.loc[rows, c].astype(str).str.fullmatch(r"[1n]:[1n]").all()
        ]
        out = pd.DataFrame(
            {"source": df.loc[rows, code_cols[0]], "target": df.loc[rows, code_cols[-1]]}
        )
        if rel_cols:
            out["relationship"] = df.loc[rows, rel_cols[0]]
        return out.reset_index(drop=True)

    return codes(sheets[conv_name]), codes(sheets[corr_name])


def build_concordance(folder: str | Path) -> pd.DataFrame:
    """The concordance table (see :func:`load_concordance`) from the three UNSD workbooks."""
    parts = []
    for (src, tgt), name in UNSD_WORKBOOKS.items():
        conv, corr = read_unsd_workbook(Path(folder) / name)
        if conv["source"].duplicated().any():
            raise ValueError(f"{name}: conversion sheet lists a source code twice")
        pairs = set(zip(conv["source"], conv["target"], strict=True))
        corr = corr.drop_duplicates(["source", "target"])
        in_corr = set(zip(corr["source"], corr["target"], strict=True))
        if not pairs <= in_corr:
            raise ValueError(f"{name}: conversion pairs outside the correlation sheet")
        corr = corr.assign(
            source_edition=src,
            target_edition=tgt,
            conversion=[
                "1" if p in pairs else "0" for p in zip(corr["source"], corr["target"], strict=True)
            ],
        )
        parts.append(corr)
    out = pd.concat(parts, ignore_index=True)
    cols = ["source_edition", "target_edition", "source", "target", "relationship", "conversion"]
    return out[cols].sort_values(cols[:4], kind="stable").reset_index(drop=True)


def read_comtrade_names(path: str | Path, edition: str) -> pd.DataFrame:
    """``edition, code, name_en`` of the 2-, 4- and 6-digit codes of one UN Comtrade HS file."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    rows = []
    for item in data["results"]:
        code = str(item["id"])
        if not re.fullmatch(r"\d{2}|\d{4}|\d{6}", code):
            continue  # aggregates such as ALL, TOTAL, AG2
        text = str(item["text"])
        prefix = f"{code} - "
        rows.append((edition, code, text[len(prefix) :] if text.startswith(prefix) else text))
    return pd.DataFrame(rows, columns=["edition", "code", "name_en"])


def _write_csv_gz(df: pd.DataFrame, path: Path, header: Sequence[str]) -> None:
    """CSV in gzip with ``#`` header lines; byte-identical on re-run (no timestamp, no file name)."""
    buf = io.StringIO()
    for line in header:
        buf.write(f"# {line}\n")
    df.to_csv(buf, index=False, lineterminator="\n")
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        gz.write(buf.getvalue().encode("utf-8"))


def build_data(folder: str | Path, out_dir: str | Path = DATA_DIR) -> dict[str, int]:
    """Write ``hs_concordance.csv.gz`` and ``hs_names.csv.gz`` into ``out_dir`` from ``folder``.

    ``folder`` holds the UNSD workbooks (:data:`UNSD_WORKBOOKS`) and ``comtrade_hs_names/`` with the
    UN Comtrade files (:data:`COMTRADE_NAME_FILES`). Returns the number of rows written per file.
    """
    folder, out_dir = Path(folder), Path(out_dir)
    conc = build_concordance(folder)
    _write_csv_gz(
        conc,
        out_dir / CONCORDANCE_CSV.name,
        (
            "HS edition concordances: United Nations Statistics Division, HS2017-HS2012,",
            "HS2022-HS2017 and HS2022-HS2012 conversion and correlation tables (see hs_concordance.md).",
            "Regenerate: python -m exportlab.hs --build <folder with the UNSD workbooks>",
        ),
    )
    parts = [
        read_comtrade_names(folder / "comtrade_hs_names" / name, ed)
        for ed, name in COMTRADE_NAME_FILES.items()
    ]
    names_df = pd.concat(parts, ignore_index=True)
    _write_csv_gz(
        names_df,
        out_dir / NAMES_CSV.name,
        (
            "English descriptions of the HS2012, HS2017 and HS2022 codes: UN Comtrade classification",
            "reference files H4, H5, H6 (see hs_names.md).",
            "Regenerate: python -m exportlab.hs --build <folder with comtrade_hs_names/>",
        ),
    )
    return {CONCORDANCE_CSV.name: len(conc), NAMES_CSV.name: len(names_df)}


def main(argv: Sequence[str] | None = None) -> int:
    """Regenerate the HS concordance and names package data from the UNSD and UN Comtrade files."""
    parser = argparse.ArgumentParser(prog="python -m exportlab.hs", description=main.__doc__)
    parser.add_argument("--build", metavar="DIR", required=True, help="folder with the workbooks")
    parser.add_argument("--out", default=str(DATA_DIR), help="output folder (package data)")
    args = parser.parse_args(argv)
    for name, n in build_data(args.build, args.out).items():
        print(f"{name}: {n:,} rows")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
