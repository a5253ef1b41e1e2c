"""Tests of the bounded paths of exportlab.io.ingest: many rejected rows, the fast path's cells."""

from __future__ import annotations

import hashlib
import importlib
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from exportlab import io as xio
from exportlab.errors import IngestError

HEADER = "napr\tperiod\tnastranapr\ttnved\tedizm\tStoim\tNetto\tKol\tSubject\tdistrict\n"
#: the module (the attribute ``exportlab.io.ingest`` is the function)
ingest_module = importlib.import_module("exportlab.io.ingest")
REGIONS = ("92000 - РЕСПУБЛИКА ТАТАРСТАН", "46000 - МОСКОВСКАЯ ОБЛАСТЬ")


def _rows(n: int) -> list[str]:
    """``n`` distinct DATTSVT lines (two regions, monthly 2020-2021, values differ)."""
    out = []
    for k in range(n):
        month, year = k % 12 + 1, 2020 + k // 12 % 2
        region = REGIONS[k % 2]
        out.append(
            f"ЭК\t{month:02d}/{year}\tCN\t{8471300000 + k // 24:010d}\t\t{100 + k},5\t{k}\t0\t"
            f"{region}\t\n"
        )
    return out


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def small_batches(monkeypatch):
    """List few rejected rows in memory and write the CSV in small batches."""
    monkeypatch.setattr(ingest_module, "MAX_LISTED", 7)
    monkeypatch.setattr(ingest_module, "REJECTED_BATCH", 16)


def test_many_copies_are_counted_and_listed_with_their_lines(tmp_path, small_batches):
    # 50 distinct rows, then the file twice more after itself except its last 15 rows: 85 copies
    rows = _rows(50)
    copies = rows + rows[:35]
    (tmp_path / "x.tsv").write_text(HEADER + "".join(rows + copies), encoding="utf-8")
    with pytest.raises(IngestError) as err:
        xio.ingest([tmp_path / "x.tsv"], tmp_path / "out")
    # the first copy is line 52 (header line 1, 50 rows), a copy of line 2
    message = str(err.value)
    assert "x.tsv, line 52" in message and "same as x.tsv, line 2" in message
    assert "85 invalid rows in all (duplicate: 85)" in message
    assert not (tmp_path / "out" / "trade.parquet").exists()

    report = xio.ingest([tmp_path / "x.tsv"], tmp_path / "out", skip_invalid=True)
    assert report.rows_read == 135 and report.rows_rejected == report.duplicates == 85
    assert report.rejected_by_reason == {"duplicate": 85}
    assert report.files[0]["rejected"] == 85
    listed = pd.read_csv(tmp_path / "out" / "quality_rejected.csv", dtype=str)
    # every copy is listed, in file order, each naming the line it copies
    assert listed["line"].astype(int).tolist() == list(range(52, 137))
    expected = [f"same as x.tsv, line {2 + (line - 52) % 50}" for line in range(52, 137)]
    assert listed["value"].tolist() == expected
    assert set(listed["column"]) == {"(whole row)"}
    # only the first rows are held in memory (and in quality.json); they are the CSV's first rows
    assert len(report.rejections) == 7
    assert [r.line for r in report.rejections] == list(range(52, 59))
    assert [r.value for r in report.rejections] == expected[:7]
    # the copies are dropped: the same tables as from the distinct rows alone (fast path)
    (tmp_path / "u").mkdir()
    (tmp_path / "u" / "x.tsv").write_text(HEADER + "".join(rows), encoding="utf-8")
    assert xio.ingest([tmp_path / "u" / "x.tsv"], tmp_path / "out_u").engine == "fast"
    for name in ("trade.parquet", "trade_fine.parquet"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(tmp_path / "out" / name), pd.read_parquet(tmp_path / "out_u" / name)
        )


def test_rejected_csv_is_the_same_whatever_the_batch_size(tmp_path, monkeypatch):
    rows = _rows(30)
    bad = [r.replace("\tCN\t", "\tQ1\t") for r in rows[:5]]  # unknown partner
    (tmp_path / "x.tsv").write_text(HEADER + "".join(rows + bad + rows[:20]), encoding="utf-8")
    digests = set()
    for batch in (3, 1000):
        monkeypatch.setattr(ingest_module, "REJECTED_BATCH", batch)
        out = tmp_path / f"out{batch}"
        report = xio.ingest([tmp_path / "x.tsv"], out, skip_invalid=True)
        assert report.rejected_by_reason == {"duplicate": 20, "partner": 5}
        digests.add(tuple(_digest(out / n) for n in ("quality_rejected.csv", "quality.json")))
    assert len(digests) == 1
    listed = pd.read_csv(tmp_path / "out3" / "quality_rejected.csv", dtype=str)
    assert listed["line"].astype(int).tolist() == list(range(32, 57))
    assert listed.loc[:4, "value"].tolist() == ["Q1"] * 5


def test_unmatched_regions_are_counted_per_label(tmp_path, small_batches):
    rows = _rows(40)
    odd = [r.replace(REGIONS[0], "99999 - АТЛАНТИДА") for r in rows if REGIONS[0] in r]
    (tmp_path / "x.tsv").write_text(HEADER + "".join(rows + odd), encoding="utf-8")
    report = xio.ingest([tmp_path / "x.tsv"], tmp_path / "out", skip_invalid=True)
    assert report.rejected_by_reason == {"region": 20}
    assert [(u["label"], u["rows"]) for u in report.unmatched_regions] == [
        ("99999 - АТЛАНТИДА", 20)
    ]
    assert "closest" in report.unmatched_regions[0]["suggestions"]


def _few_cells(n: int) -> list[str]:
    """``n`` lines over 2 regions x 3 codes x 2 months: every cell has many rows in a month."""
    return [
        f"ЭК\t{k % 2 + 1:02d}/2021\tCN\t{8471300000 + k % 3:010d}\t\t{1000 + k},25\t{k % 7}\t0\t"
        f"{REGIONS[k % 2]}\t\n"
        for k in range(n)
    ]


@pytest.mark.parametrize("copy", [False, True])
def test_dense_files_read_as_raw_cells_give_the_same_result(tmp_path, monkeypatch, copy):
    from exportlab.io import fast

    rows = _few_cells(400)
    if copy:  # an exact copy of line 2, far from it
        rows.append(rows[0])
    (tmp_path / "x.tsv").write_text(HEADER + "".join(rows), encoding="utf-8")
    plans = []
    sample = fast.sample
    monkeypatch.setattr(fast, "sample", lambda s: plans.append(sample(s)) or plans[-1])
    dense = xio.ingest([tmp_path / "x.tsv"], tmp_path / "dense", skip_invalid=True)
    assert plans[-1].dense
    # the same file read as if the sample had shown no repeated cell (two passes over the text)
    monkeypatch.setattr(fast, "sample", lambda s: replace(sample(s), dense=False))
    plain = xio.ingest([tmp_path / "x.tsv"], tmp_path / "plain", skip_invalid=True)
    assert dense.engine == plain.engine == ("general" if copy else "fast")
    assert dense.rows_read == len(rows) and dense.duplicates == int(copy)
    for name in ("trade.parquet", "trade_fine.parquet", "quality.json", "quality_rejected.csv"):
        assert _digest(tmp_path / "dense" / name) == _digest(tmp_path / "plain" / name)
    trade = pd.read_parquet(tmp_path / "dense" / "trade.parquet")
    assert trade["value_usd"].sum() == sum(1000.25 + k for k in range(400))


def _dense_and_plain(tmp_path, monkeypatch, files: dict[str, list[str]], unseen: bool = False):
    """Ingest ``files`` read as raw cells (dense) and as typed rows; both reports.

    ``unseen``: the sample shows no label, so every flow and period is found in the raw cells.
    """
    from exportlab.io import fast

    for name, rows in files.items():
        (tmp_path / name).write_text(HEADER + "".join(rows), encoding="utf-8")
    paths = [tmp_path / name for name in files]
    sample = fast.sample
    empty = {f: set() for f in fast.LABEL_FIELDS}
    monkeypatch.setattr(
        fast,
        "sample",
        lambda s: replace(sample(s), dense=True, **({"seen": empty} if unseen else {})),
    )
    dense = xio.ingest(paths, tmp_path / "dense", skip_invalid=True)
    monkeypatch.setattr(fast, "sample", lambda s: replace(sample(s), dense=False))
    plain = xio.ingest(paths, tmp_path / "plain", skip_invalid=True)
    for name in ("trade.parquet", "trade_fine.parquet", "quality.json", "quality_rejected.csv"):
        assert _digest(tmp_path / "dense" / name) == _digest(tmp_path / "plain" / name)
    return dense, plain


def test_dense_copies_spelt_otherwise_or_in_another_file_are_found(tmp_path, monkeypatch):
    rows = _few_cells(60)
    # the same row with its flow in lower case is a copy, and so is a row of another file
    respelt = rows[5].replace("ЭК", "эк", 1)
    dense, plain = _dense_and_plain(
        tmp_path, monkeypatch, {"a.tsv": rows + [respelt], "b.tsv": [rows[7]]}
    )
    assert dense.engine == plain.engine == "general"
    assert dense.duplicates == plain.duplicates == 2
    listed = pd.read_csv(tmp_path / "dense" / "quality_rejected.csv", dtype=str)
    assert sorted(listed["value"]) == ["same as a.tsv, line 7", "same as a.tsv, line 9"]


def test_dense_annual_copies_and_labels_missed_by_the_sample(tmp_path, monkeypatch):
    # annual periods (no month) written two ways: " 2021" and "2021" are one period
    rows = [r.replace("01/2021", "2021").replace("02/2021", " 2021") for r in _few_cells(40)]
    dense, _ = _dense_and_plain(tmp_path, monkeypatch, {"x.tsv": rows}, unseen=True)
    assert dense.engine == "fast" and dense.rows_read == 40
    trade = pd.read_parquet(tmp_path / "dense" / "trade.parquet")
    assert trade["year"].unique().tolist() == [2021]
    assert trade["value_usd"].sum() == sum(1000.25 + k for k in range(40))
    copied = rows + [rows[0].replace("\t2021\t", "\t 2021\t")]  # a copy in the other spelling
    dense, plain = _dense_and_plain(tmp_path, monkeypatch, {"x.tsv": copied}, unseen=True)
    assert dense.engine == plain.engine == "general" and dense.duplicates == 1


def test_sample_sees_repeated_cells_only_when_there_are(tmp_path):
    from exportlab.io import fast
    from exportlab.io.sources import expand_inputs

    (tmp_path / "few.tsv").write_text(HEADER + "".join(_few_cells(50)), encoding="utf-8")
    (tmp_path / "distinct.tsv").write_text(HEADER + "".join(_rows(300)), encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    for name, dense in (("few.tsv", True), ("distinct.tsv", False)):
        sources = expand_inputs([tmp_path / name], work).sources
        assert fast.sample(sources).dense is dense


def test_copies_after_blank_lines_are_named_by_their_physical_lines(tmp_path, small_batches):
    # a blank line after every 10th row: DuckDB's record numbers are no longer the lines
    rows = _rows(30)
    text = "".join(r + ("\n" if k % 10 == 9 else "") for k, r in enumerate(rows + rows))
    (tmp_path / "x.tsv").write_text(HEADER + text, encoding="utf-8")
    report = xio.ingest([tmp_path / "x.tsv"], tmp_path / "out", skip_invalid=True)
    assert report.duplicates == 30
    listed = pd.read_csv(tmp_path / "out" / "quality_rejected.csv", dtype=str)
    physical = {}  # row k (0-based) is on line 2 + k + the blank lines before it
    for k in range(60):
        physical[k] = 2 + k + k // 10
    assert listed["line"].astype(int).tolist() == [physical[k] for k in range(30, 60)]
    assert listed["value"].tolist() == [f"same as x.tsv, line {physical[k]}" for k in range(30)]


def test_load_quality_holds_only_the_first_rejected_rows(tmp_path, monkeypatch):
    header = "Period\tNapr\tStrana\tTnved\tEdizm\tStoim\tNetto\tKol\tRegion\n"
    row = "01/2021\tЭК\tCN\t8802400000\t\t100\t10\t\t92000 - РЕСПУБЛИКА ТАТАРСТАН\n"
    path = tmp_path / "d.tsv"
    path.write_text(header + row * 40, encoding="utf-8")  # 39 exact copies of the first row
    xio.ingest([path], tmp_path / "out", skip_invalid=True)
    monkeypatch.setattr(ingest_module, "MAX_LISTED", 5)
    report = xio.load_quality(tmp_path / "out")
    assert report.rows_rejected == 39 and len(report.rejections) == 5
    assert [r.line for r in report.rejections] == [3, 4, 5, 6, 7]


@pytest.mark.parametrize("dense", [False, True])
def test_an_underscore_found_beside_the_fast_pass_sends_the_file_to_the_general_path(
    tmp_path, monkeypatch, dense
):
    # the fast pass reads "1_000" as 1000; the search for "_" runs beside it and wins
    from exportlab.io import fast

    sample = fast.sample
    monkeypatch.setattr(fast, "sample", lambda s: replace(sample(s), dense=dense))
    rows = _rows(40)
    fields = rows[30].split("\t")
    fields[5] = "1_000"
    (tmp_path / "bad.tsv").write_text(
        HEADER + "".join(rows[:30]) + "\t".join(fields) + "".join(rows[31:]), encoding="utf-8"
    )
    with pytest.raises(IngestError, match='line 32.*got "1_000"'):
        xio.ingest([tmp_path / "bad.tsv"], tmp_path / "out")
    assert not (tmp_path / "out" / "trade.parquet").exists()
    # an underscore in a column the ingest does not read costs the general path, nothing else
    fields = rows[30].rstrip("\n").split("\t")
    fields[-1] = "округ_1"
    (tmp_path / "ok.tsv").write_text(
        HEADER + "".join(rows[:30]) + "\t".join(fields) + "\n" + "".join(rows[31:]),
        encoding="utf-8",
    )
    report = xio.ingest([tmp_path / "ok.tsv"], tmp_path / "out")
    assert report.engine == "general" and report.rows_read == 40
