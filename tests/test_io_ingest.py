"""Tests of exportlab.io.ingest: readers, aggregation, validation, atomic outputs, CLI."""

from __future__ import annotations

import codecs
import gzip
import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exportlab import io as xio
from exportlab.errors import IngestError
from exportlab.io.ingest import main
from exportlab.io.sniff import detect_encoding, detect_format
from exportlab.schema import TRADE_COLUMNS

HERE = Path(__file__).resolve().parent
FCS = HERE / "fixtures" / "fcs"
BAD = HERE / "bad_inputs"
REAL = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"


def test_dattsvt_text_hand_computed(tmp_path):
    report = xio.ingest([FCS / "dattsvt_ru.tsv"], tmp_path)
    trade = pd.read_parquet(tmp_path / "trade.parquet")
    fine = pd.read_parquet(tmp_path / "trade_fine.parquet")
    assert report.rows_read == 5 and report.rows_rejected == 0 and len(fine) == 5
    assert tuple(trade.columns) == TRADE_COLUMNS and trade["year"].dtype == "int16"
    assert trade["value_usd"].dtype == "float64" and trade["netto_kg"].dtype == "float64"
    # Tatarstan export of 847130 to CN: 99,5 USD (02/2020); 0102291000 to CN: 1000,5 USD (01/2020)
    ta = trade[(trade.region == "RU-TA") & (trade.flow == "export")].set_index("hs6")
    assert ta.loc["847130", "value_usd"] == 99.5 and ta.loc["847130", "netto_kg"] == 0.5
    assert ta.loc["010229", "value_usd"] == 1000.5
    # confidential code with partner NNN kept as XXXXXX; Moscow oblast code lost its zero: restored
    assert trade.loc[trade.partner == "NNN", "hs6"].tolist() == ["XXXXXX"]
    assert trade.loc[trade.region == "RU-MOS", "hs6"].tolist() == ["010229"]
    assert report.restored_codes == 1 and any("leading zero" in w for w in report.warnings)
    assert report.confidential_rows == 1 and report.special_partners == {"NNN": 1}
    # totals: 1000.5 + 250 + 99.5 + 10 + 5 = 1365; weights 200 + 1.5 + 0.5 + 1 (one blank) = 203
    assert trade.value_usd.sum() == 1365.0 and trade.netto_kg.sum() == 203.0
    assert "month" not in fine.columns and set(fine.tnved) >= {"0102291000", "XXXXXXXXXX"}
    xio.ingest([FCS / "dattsvt_ru.tsv"], tmp_path / "monthly", months=True)
    monthly = pd.read_parquet(tmp_path / "monthly" / "trade_fine.parquet")
    assert monthly.month.tolist().count(1) == 3 and monthly.value_usd.sum() == 1365.0


@pytest.mark.parametrize("name", ["dattsvt.xlsx", "dattsvt_cp866.dbf"])
def test_xlsx_and_dbf_equal_text(tmp_path, name):
    xio.ingest([FCS / name], tmp_path / "a")
    text_rows = (FCS / "dattsvt_ru.tsv").read_text(encoding="utf-8").splitlines()[:4]
    (tmp_path / "t.tsv").write_text("\n".join(text_rows) + "\n", encoding="utf-8")
    xio.ingest([tmp_path / "t.tsv"], tmp_path / "b")
    a = pd.read_parquet(tmp_path / "a" / "trade.parquet")
    b = pd.read_parquet(tmp_path / "b" / "trade.parquet")
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251", "cp866"])
def test_encodings_detected(tmp_path, encoding):
    text = (FCS / "dattsvt_ru.tsv").read_text(encoding="utf-8")
    path = tmp_path / "x.tsv"
    path.write_bytes(text.encode(encoding))
    assert detect_encoding(path.read_bytes()) == encoding
    report = xio.ingest([path], tmp_path / "out")
    assert report.rows_read == 5 and report.files[0]["encoding"] == encoding


def test_gzip_zip_and_folder(tmp_path):
    gz = tmp_path / "d.tsv.gz"
    gz.write_bytes(gzip.compress((FCS / "dattsvt_en.tsv").read_bytes()))
    assert detect_format(gz) == "text"
    report = xio.ingest([gz, FCS / "old_annual.csv"], tmp_path / "out", hs_digits=4)
    trade = pd.read_parquet(tmp_path / "out" / "trade.parquet")
    assert report.rows_read == 4
    # EXP 2709000000 -> 2709, MOSCOW REGION -> RU-MOS; 45000 ... МОСКВА -> RU-MOW; partner NNN kept
    assert set(zip(trade.region, trade.hs6, trade.flow, strict=True)) >= {
        ("RU-MOS", "2709", "export"),
        ("RU-MOW", "2207", "import"),
    }
    shutil.copytree(BAD / "16_mixed_units", tmp_path / "folder")
    report = xio.ingest([tmp_path / "folder"], tmp_path / "out2")
    assert len(report.files) == 2 and any("1000×" in w for w in report.warnings)


def test_zip_skips_non_data_members(tmp_path):
    report = xio.ingest([BAD / "17_zip_with_non_data.zip"], tmp_path)
    skipped = {Path(s["file"].split("!")[-1]).name: s["reason"] for s in report.skipped}
    assert set(skipped) == {"notes.docx", "readme.txt"} and report.rows_read == 3


# file -> fragments the message must contain (file, line, column, what was expected)
BAD_CASES = {
    "01_empty.tsv": ["01_empty.tsv", "the file is empty"],
    "02_header_only.tsv": ["02_header_only.tsv", "header only"],
    "03_wrong_delimiter.txt": ["line 1", "no tab, ';' or ',' separator"],
    "04_cp1251_text.tsv": ["line 2", 'column "Stoim"', 'got "abc"'],
    "05_missing_column.tsv": ["line 1", "Stoim / value_usd", "missing"],
    "06_non_numeric.tsv": ["line 3", 'column "Stoim"', "expected a number", 'got "12,3,4"'],
    "07_negative_value.tsv": ["line 3", 'column "Stoim"', "non-negative", '"-5"'],
    "08_unknown_region.tsv": ["line 3", 'column "Subject"', "АТЛАНТИДА", "closest"],
    "09_unknown_partner.tsv": ["line 3", 'column "nastranapr"', "ISO 3166-1", '"C1"'],
    "10_duplicated_rows.tsv": ["line 4", "exact copy", "line 2"],
    "12_bad_period.tsv": ["line 3", 'column "period"', '"13/2020"'],
    "13_unknown_flow.tsv": ["line 3", 'column "napr"', '"ТР"'],
    "14_ragged_row.tsv": ["line 3", "10 columns separated by tab"],
    "15_bad_code.tsv": ["line 3", 'column "tnved"', '"01022A1000"'],
    "18_truncated.xlsx": ["18_truncated.xlsx", "damaged or truncated"],
    "19_cp866_negative_netto.dbf": ["line 2", 'column "Netto"', '"-3"'],
    "20_not_a_table.csv": ["line 1", "unrecognised columns"],
}


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.md5(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("name", sorted(BAD_CASES))
def test_bad_inputs_fail_clearly_and_leave_out_dir(tmp_path, name, capsys):
    out = tmp_path / "processed"
    xio.ingest([FCS / "dattsvt_en.tsv"], out)
    before = _digest(out)
    assert main([str(BAD / name), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    for fragment in BAD_CASES[name]:
        assert fragment in err, (fragment, err)
    assert _digest(out) == before  # untouched, and no staging folder left


def test_documented_warnings(tmp_path):
    report = xio.ingest([BAD / "11_dates_two_formats.tsv"], tmp_path)
    assert any("2 formats (MM/YYYY, YYYY-MM)" in w for w in report.warnings)


def test_skip_invalid_lists_rows(tmp_path):
    files = [
        BAD / n for n in ("06_non_numeric.tsv", "08_unknown_region.tsv", "10_duplicated_rows.tsv")
    ]
    report = xio.ingest(files, tmp_path, skip_invalid=True)
    assert report.rejected_by_reason == {"duplicate": 3, "region": 1, "value": 1}
    rejected = pd.read_csv(tmp_path / "quality_rejected.csv", dtype=str)
    assert list(rejected.columns) == ["file", "line", "column", "reason", "value"]
    assert len(rejected) == 5 and report.rows_fine == report.rows_read - 5
    assert report.unmatched_regions[0]["label"] == "99999 - АТЛАНТИДА"
    assert xio.load_quality(tmp_path).rows_rejected == 5


def test_cli_success_and_deterministic(tmp_path, capsys):
    assert main([str(FCS / "dattsvt_ru.tsv"), "--out", str(tmp_path / "a")]) == 0
    first = _digest(tmp_path / "a")
    assert main([str(FCS / "dattsvt_ru.tsv"), "--out", str(tmp_path / "a")]) == 0
    assert _digest(tmp_path / "a") == first
    assert "read 5 rows" in capsys.readouterr().out


rows = st.lists(
    st.tuples(
        st.sampled_from(["ЭК", "ИМ"]),
        st.integers(1, 12),
        st.sampled_from(["CN", "DE", "NNN"]),
        st.sampled_from(["0102291000", "0102299000", "8471300000", "8471410000"]),
        st.integers(0, 10**9),
        st.integers(0, 10**6),
        st.sampled_from(["92000 - РЕСПУБЛИКА ТАТАРСТАН", "46000 - MOSCOW REGION"]),
    ),
    min_size=1,
    max_size=40,
    unique=True,
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows)
def test_aggregation_preserves_totals_exactly(tmp_path_factory, data):
    tmp = tmp_path_factory.mktemp("agg")
    lines = ["napr\tperiod\tnastranapr\ttnved\tStoim\tNetto\tSubject"]
    lines += [
        f"{f}\t{m:02d}/2020\t{p}\t{c}\t{v / 100:.2f}\t{w / 1000:.3f}\t{r}"
        for f, m, p, c, v, w, r in data
    ]
    (tmp / "x.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    xio.ingest([tmp / "x.tsv"], tmp / "out")
    fine = pd.read_parquet(tmp / "out" / "trade_fine.parquet")
    trade = pd.read_parquet(tmp / "out" / "trade.parquet")
    # hand computation in integer cents / grams: exact
    assert round(trade.value_usd.sum() * 100) == sum(v for *_, v, _, _ in data)
    assert round(trade.netto_kg.sum() * 1000) == sum(w for *_, w, _ in data)
    assert len(fine) <= len(data)
    assert round(fine.value_usd.sum() * 100) == sum(v for *_, v, _, _ in data)
    hs4 = fine.assign(hs4=fine.tnved.str[:4]).groupby("hs4").value_usd.sum()
    assert round(hs4.sum() * 100) == sum(v for *_, v, _, _ in data)


def test_decoder_handles_cut_multibyte():
    text = "ЭК\tМОСКВА".encode()
    assert detect_encoding(text[:-1]) == "utf-8"
    assert codecs.lookup(detect_encoding("ИМ ЭК".encode("cp866"))).name == "cp866"


@pytest.fixture
def realdata():
    if not REAL.exists():
        pytest.skip("../shared/realdata is absent")
    return REAL


@pytest.mark.realdata
def test_real_fcs_extracts(tmp_path, realdata):
    for path in sorted((realdata / "fcs" / "opencustoms_samples").glob("*.csv")):
        raw = pd.read_csv(path, dtype=str)
        digits = raw["TNVED"].str.len().min()
        report = xio.ingest([path], tmp_path / path.stem, hs_digits=min(int(digits), 6))
        assert report.rows_read == len(raw) and report.rows_rejected == 0
        trade = pd.read_parquet(tmp_path / path.stem / "trade.parquet")
        assert trade.value_usd.sum() == pytest.approx(pd.to_numeric(raw["STOIM"]).sum(), rel=1e-12)
        assert trade.netto_kg.sum() == pytest.approx(pd.to_numeric(raw["NETTO"]).sum(), rel=1e-12)


@pytest.mark.realdata
def test_real_brazil_states_and_municipalities(tmp_path, realdata):
    br = realdata / "brazil_comexstat"
    report = xio.ingest(
        [br / "br_uf_grains_coffee_hs6_partner_2023_2024.csv.gz"],
        tmp_path / "uf",
        reference=br / "region_lookup_uf.csv",
        flow="export",
    )
    totals = report.totals.set_index("year")
    assert report.rows_read == 7893 and report.rows_trade == 7893
    assert (
        totals.loc[2023, "value_usd"] == 75_489_698_913
        and totals.loc[2024, "value_usd"] == 63_811_321_391
    )
    assert totals.loc[2023, "netto_kg"] == 163_438_591_236
    mun = pd.read_csv(br / "br_pr_municipal_agrifood_hs4_partner_2020_2025.csv.gz", dtype=str)
    ref = mun[["region", "region_name"]].drop_duplicates("region")
    ref.to_csv(tmp_path / "municipalities.csv", index=False)
    report = xio.ingest(
        [br / "br_pr_municipal_agrifood_hs4_partner_2020_2025.csv.gz"],
        tmp_path / "mun",
        reference=tmp_path / "municipalities.csv",
        flow="export",
        hs_digits=4,
    )
    totals = report.totals.set_index("year")
    assert report.rows_read == 39191 and totals.loc[2024, "value_usd"] == 18_033_410_738


# -- fast path (exportlab.io.fast) -------------------------------------------------------------


def test_period_and_flow_rules_hand_computed():
    from exportlab.io.fast import flow_of, period_parts
    from exportlab.io.ingest import FLOW_LABELS

    assert period_parts(" 03/2021 ") == (2021, 3, "MM/YYYY")
    assert period_parts("2021-12") == (2021, 12, "YYYY-MM")
    assert period_parts("202107") == (2021, 7, "YYYYMM")
    assert period_parts("15.02.2020") == (2020, 2, "DD.MM.YYYY")
    assert period_parts("2020", year_column=True) == (2020, None, "year")
    for bad in ("13/2020", "00/2020", "1800", "2020/01", "abc"):
        assert period_parts(bad) is None, bad
    assert flow_of("ЭК", FLOW_LABELS) == "export" and flow_of(" imp ", FLOW_LABELS) == "import"
    assert flow_of("ТР", FLOW_LABELS) is None


def _general_only(monkeypatch):
    from exportlab.io import fast

    monkeypatch.setattr(fast, "eligible", lambda sources: False)


@pytest.mark.parametrize("months", [False, True])
@pytest.mark.parametrize("name", ["dattsvt_ru.tsv", "dattsvt_en.tsv", "old_annual.csv"])
def test_fast_path_equals_general_path(tmp_path, monkeypatch, name, months):
    digits = 4 if name == "old_annual.csv" else 6
    fast_report = xio.ingest([FCS / name], tmp_path / "fast", hs_digits=digits, months=months)
    assert fast_report.engine == "fast"
    _general_only(monkeypatch)
    general_report = xio.ingest([FCS / name], tmp_path / "general", hs_digits=digits, months=months)
    assert general_report.engine == "general"
    for file in ("trade.parquet", "trade_fine.parquet"):
        a = pd.read_parquet(tmp_path / "fast" / file)
        b = pd.read_parquet(tmp_path / "general" / file)
        key = list(a.columns)
        a = a.sort_values(key, ignore_index=True)
        b = b.sort_values(key, ignore_index=True)
        pd.testing.assert_frame_equal(a, b, check_dtype=False)
    assert fast_report.totals.equals(general_report.totals)
    assert fast_report.coverage.equals(general_report.coverage)
    assert fast_report.restored_codes == general_report.restored_codes
    assert fast_report.warnings == general_report.warnings


def test_fast_path_learns_labels_missing_from_the_sample(tmp_path, monkeypatch):
    from exportlab.io import fast

    monkeypatch.setattr(fast, "SAMPLE_HEAD", 300)  # the sample sees the header and one row only
    monkeypatch.setattr(fast, "SAMPLE_SLICES", 0)
    passes = []
    find = fast._missing_labels
    monkeypatch.setattr(fast, "_missing_labels", lambda *a: passes.append(1) or find(*a))
    report = xio.ingest([FCS / "dattsvt_ru.tsv"], tmp_path)
    assert report.engine == "fast" and report.rows_read == 5 and passes == [1]
    trade = pd.read_parquet(tmp_path / "trade.parquet")
    assert trade.value_usd.sum() == 1365.0 and set(trade.region) >= {"RU-TA", "RU-MOS"}


def test_fast_path_falls_back_for_invalid_rows(tmp_path):
    # a negative value: the fast pass counts it, the general pass names line and column
    report = xio.ingest([BAD / "07_negative_value.tsv"], tmp_path, skip_invalid=True)
    assert report.engine == "general" and report.rejected_by_reason == {"value_negative": 1}
    # an exact copy of a row is a duplicate for both paths
    report = xio.ingest([BAD / "10_duplicated_rows.tsv"], tmp_path / "d", skip_invalid=True)
    assert report.engine == "general" and report.duplicates >= 1


def test_same_cell_twice_in_a_month_is_summed_not_rejected(tmp_path):
    # two rows of one cell and month with different values are not copies: both are kept
    text = (FCS / "dattsvt_ru.tsv").read_text(encoding="utf-8").splitlines()
    twin = text[1].replace("1000,5", "7")
    (tmp_path / "x.tsv").write_text("\n".join([*text, twin]) + "\n", encoding="utf-8")
    report = xio.ingest([tmp_path / "x.tsv"], tmp_path / "out")
    assert report.engine == "fast" and report.rows_rejected == 0 and report.rows_read == 6
    trade = pd.read_parquet(tmp_path / "out" / "trade.parquet")
    assert trade.value_usd.sum() == 1372.0


def test_the_same_rows_in_two_files_are_duplicates(tmp_path):
    for name in ("a.tsv", "b.tsv"):
        shutil.copy(FCS / "dattsvt_ru.tsv", tmp_path / name)
    with pytest.raises(IngestError, match="b.tsv"):
        xio.ingest([tmp_path / "a.tsv", tmp_path / "b.tsv"], tmp_path / "out")
    report = xio.ingest(
        [tmp_path / "a.tsv", tmp_path / "b.tsv"], tmp_path / "out", skip_invalid=True
    )
    assert report.duplicates == 5 and report.rows_read == 10
    trade = pd.read_parquet(tmp_path / "out" / "trade.parquet")
    assert trade.value_usd.sum() == 1365.0


def test_outputs_name_inputs_relative_to_the_project(tmp_path, monkeypatch):
    # the same data in two project folders: names relative to the root, byte-identical outputs
    digests = []
    for project in ("a", "b"):
        root = tmp_path / project
        (root / "data" / "raw").mkdir(parents=True)
        shutil.copy(FCS / "dattsvt_ru.tsv", root / "data" / "raw" / "x.tsv")
        monkeypatch.setenv("EXPORTLAB_ROOT", str(root))
        report = xio.ingest([root / "data" / "raw"], root / "out")
        assert report.files[0]["file"] == "data/raw/x.tsv"
        fine = pd.read_parquet(root / "out" / "trade_fine.parquet")
        assert set(fine["file"]) == {"data/raw/x.tsv"}
        digests.append(_digest(root / "out"))
        assert str(tmp_path) not in (root / "out" / "quality.json").read_text(encoding="utf-8")
    assert digests[0] == digests[1]
    # outside the project: relative to the common parent of the inputs
    outside = tmp_path / "elsewhere" / "in"
    outside.mkdir(parents=True)
    shutil.copy(FCS / "dattsvt_en.tsv", outside / "y.tsv")
    report = xio.ingest([outside / "y.tsv"], tmp_path / "out_y")
    assert report.files[0]["file"] == "y.tsv"


def test_codes_coarser_than_hs_digits_ask_for_hs_digits_not_skip_invalid(tmp_path):
    # the old annual export has 4-digit codes: every row is coarser than HS6
    with pytest.raises(IngestError) as err:
        xio.ingest([FCS / "old_annual.csv"], tmp_path / "out")
    message = str(err.value)
    assert "shorter than hs_digits = 6" in message and "--hs-digits 4" in message
    assert "would drop every such row" in message and "use --skip-invalid" not in message
    assert not (tmp_path / "out" / "trade.parquet").exists()
