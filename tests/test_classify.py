"""Tests for exportlab.classify: high-tech groups, segments, resource classes and shares."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exportlab import classify as cl

CLASSIFICATIONS = (
    Path(__file__).resolve().parents[1].parent / "shared" / "realdata" / "classifications"
)


# ---------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def trade6() -> pd.DataFrame:
    """Six canonical rows; hand-computed shares are in the tests below."""
    return pd.DataFrame(
        {
            "year": pd.array([2019, 2019, 2019, 2019, 2022, 2022], dtype="int16"),
            "region": pd.array(["RU-TA"] * 4 + ["RU-MOW"] * 2, dtype="string"),
            "hs6": pd.array(
                ["880240", "270900", "300490", "847130", "851713", "260111"], dtype="string"
            ),
            "partner": pd.array(["CN", "IN", "KZ", "CN", "TR", "CN"], dtype="string"),
            "flow": pd.array(["export"] * 3 + ["import"] + ["export"] * 2, dtype="string"),
            "value_usd": [100.0, 300.0, 50.0, 70.0, 40.0, 60.0],
            "netto_kg": [1.0, 2.0, np.nan, 3.0, 4.0, 5.0],
        }
    )


@pytest.fixture(scope="module")
def products() -> pd.DataFrame:
    return cl.load_hightech_products()


# ---------------------------------------------------------------------------------------------
# Known codes
# ---------------------------------------------------------------------------------------------

KNOWN = [
    ("880240", "aerospace"),
    ("841112", "aerospace"),
    ("300490", "pharmacy"),
    ("300420", "pharmacy"),
    ("847130", "computers_office"),
    ("847170", "computers_office"),
    ("854231", "electronics_telecom"),
    ("902750", "scientific_instruments"),
    ("901812", "scientific_instruments"),
    ("854310", "electrical_machinery"),
    ("284420", "chemistry"),
    ("380891", "chemistry"),
    ("840110", "non_electrical_machinery"),
    ("845811", "non_electrical_machinery"),
    ("930190", "armament"),
    ("871000", "armament"),
]


@pytest.mark.parametrize("edition", cl.EDITIONS)
@pytest.mark.parametrize(("hs6", "group"), KNOWN)
def test_known_codes_every_edition(hs6: str, group: str, edition: str) -> None:
    assert cl.hightech_group(hs6, edition) == group


@pytest.mark.parametrize("edition", ["HS2012", "HS2017"])
def test_phones_before_hs2022(edition: str) -> None:
    assert cl.hightech_group("851712", edition) == "electronics_telecom"


def test_vaccines_split_in_hs2022() -> None:
    assert cl.hightech_group("300220", "HS2017") == "pharmacy"
    assert cl.hightech_group("300241", "HS2022") == "pharmacy"
    assert cl.hightech_group("300220", "HS2022") is None


def test_phones_split_in_hs2022() -> None:
    assert cl.hightech_group("851713", "HS2022") == "electronics_telecom"
    assert cl.hightech_group("851714", "HS2022") == "electronics_telecom"
    assert cl.hightech_group("851712", "HS2022") is None


@pytest.mark.parametrize(
    "hs6",
    ["270900", "100199", "851920", "940290", "930700", "930621", "854370", "880310"],
)
def test_not_hightech(hs6: str) -> None:
    # crude oil, wheat, juke-boxes (763.31 dropped), medical furniture (872.4), swords (891.13),
    # shotgun cartridges (891.22), other electrical machines (778.78), propellers (792.91)
    for edition in cl.EDITIONS:
        assert cl.hightech_group(hs6, edition) is None


def test_hightech_group_unknown_edition() -> None:
    with pytest.raises(ValueError, match="unknown HS edition"):
        cl.hightech_group("880240", "HS1996")


@pytest.mark.parametrize(
    ("hs6", "cls"),
    [
        ("270900", "energy"),
        ("271111", "energy"),
        ("271121", "energy"),
        ("271600", "energy"),
        ("260111", "raw"),
        ("261210", "raw"),
        ("440320", "raw"),
        ("440321", "raw"),
        ("710231", "raw"),
        ("710239", "nne"),
        ("284420", "nne"),
        ("440131", "nne"),
        ("300490", "nne"),
        ("100199", "nne"),
        ("760110", "nne"),
    ],
)
def test_resource_class(hs6: str, cls: str) -> None:
    assert cl.resource_class(hs6) == cls


def test_resource_classes_vectorised_and_longest_prefix() -> None:
    s = pd.Series(["270900", "260111", "300490", None, "271600"], index=[5, 6, 7, 8, 9])
    out = cl.resource_classes(s)
    assert out.index.tolist() == [5, 6, 7, 8, 9]
    assert str(out.dtype) == "string"
    assert out.tolist()[:3] == ["energy", "raw", "nne"]
    assert out.isna().tolist() == [False, False, False, True, False]
    rules = pd.DataFrame({"prefix": ["27", "2709", "270900"], "class": ["energy", "raw", "nne"]})
    assert cl.resource_classes(pd.Series(["270900", "270910", "271000"]), rules).tolist() == [
        "nne",
        "raw",
        "energy",
    ]


def test_resource_rules_validation() -> None:
    with pytest.raises(ValueError, match="unknown resource classes"):
        cl.resource_class("270900", pd.DataFrame({"prefix": ["27"], "class": ["fuel"]}))
    with pytest.raises(ValueError, match="duplicated prefixes"):
        cl.resource_class("270900", pd.DataFrame({"prefix": ["27", "27"], "class": ["raw", "raw"]}))


def test_shipped_resource_rules() -> None:
    rules = cl.load_resource_rules()
    assert rules.attrs["header"], "the rules file must carry its source header"
    assert set(rules["class"]) <= set(cl.RESOURCE_CLASSES)
    assert rules["prefix"].is_unique
    assert (rules["label_ru"].str.len() > 0).all() and (rules["label_en"].str.len() > 0).all()


# ---------------------------------------------------------------------------------------------
# The shipped lists
# ---------------------------------------------------------------------------------------------


def test_shipped_list_is_valid(products: pd.DataFrame) -> None:
    assert list(products.columns) == ["edition", "hs6", "group", "sitc4", "note"]
    assert set(products["edition"]) == set(cl.EDITIONS)
    assert products["group"].isin(cl.GROUPS).all()
    assert products["hs6"].str.fullmatch(r"\d{6}").all()
    assert not products.duplicated(["edition", "hs6"]).any()
    assert products["sitc4"].str.fullmatch(r"\d{3,5}(;\d{3,5})*").all()
    header = " ".join(products.attrs["header"])
    assert "Eurostat" in header and "2026-11" in header
    for edition in cl.EDITIONS:
        assert set(products.loc[products["edition"] == edition, "group"]) == set(cl.GROUPS)


def test_partial_filter(products: pd.DataFrame) -> None:
    strict = cl.load_hightech_products(include_partial=False)
    n_partial = products["note"].str.startswith("partial").sum()
    assert n_partial > 0
    assert len(strict) == len(products) - n_partial


def test_shipped_sitc_list_is_valid() -> None:
    sitc = cl.load_hightech_sitc4()
    assert list(sitc.columns) == ["group", "sitc4", "exclude", "description", "confidence"]
    assert sitc["exclude"].dtype == bool
    assert set(sitc["group"]) == set(cl.GROUPS)
    assert sitc["confidence"].isin({"high", "medium", "low"}).all()
    assert not sitc.duplicated(["group", "sitc4"]).any()
    # every exclusion lies inside an inclusion of its own group
    for row in sitc[sitc["exclude"]].itertuples():
        inc = sitc[(sitc["group"] == row.group) & ~sitc["exclude"]]["sitc4"]
        assert any(row.sitc4.startswith(p) for p in inc), row.sitc4


def test_load_products_from_path_with_header(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        "# my source, 2026\n#\nedition,hs6,group,sitc4,note\nHS2017,880240,aerospace,7924,\n",
        encoding="utf-8",
    )
    df = cl.load_hightech_products(path)
    assert df.attrs["header"] == ["my source, 2026", ""]
    assert df.loc[0, "group"] == "aerospace"
    bad = tmp_path / "bad.csv"
    bad.write_text("edition,hs6,group\nHS2017,880240,space\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown high-tech groups"):
        cl.load_hightech_products(bad)


# ---------------------------------------------------------------------------------------------
# Editions and labels
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "edition"),
    [(2007, "HS2012"), (2011, "HS2012"), (2012, "HS2012"), (2016, "HS2012"), (2017, "HS2017"),
     (2021, "HS2017"), (2022, "HS2022"), (2030, "HS2022")],
)  # fmt: skip
def test_hs_edition(year: int, edition: str) -> None:
    assert cl.hs_edition(year) == edition
    assert cl.hs_editions(pd.Series([year], dtype="int16")).tolist() == [edition]


def test_labels() -> None:
    for g in cl.GROUPS:
        assert cl.group_label(g, "en")
        assert any("а" <= ch <= "я" for ch in cl.group_label(g, "ru").lower())
    assert cl.group_label("aerospace", "ru") == "Авиакосмическая продукция"
    assert cl.group_label("pharmacy", "ru") == "Фармацевтика"
    for s in cl.DEFAULT_SEGMENTS:
        assert cl.segment_label(s, "en") != s
        assert cl.segment_label(s, "ru") != s
    assert cl.segment_label("my_own", "ru") == "my_own"
    assert cl.resource_label("nne", "ru") == "Несырьевые неэнергетические товары"
    with pytest.raises(ValueError, match="lang"):
        cl.group_label("aerospace", "de")
    with pytest.raises(ValueError, match="unknown high-tech group"):
        cl.group_label("space")


def test_default_segments_contract() -> None:
    assert cl.DEFAULT_SEGMENTS == {
        "aerospace": ["aerospace"],
        "computers_electrical_instruments": [
            "computers_office",
            "electrical_machinery",
            "scientific_instruments",
        ],
        "electronics_telecom": ["electronics_telecom"],
        "pharmaceuticals": ["pharmacy"],
    }


# ---------------------------------------------------------------------------------------------
# hightech()
# ---------------------------------------------------------------------------------------------


def test_hightech_fixture(trade6: pd.DataFrame) -> None:
    before = trade6.copy()
    out = cl.hightech(trade6)
    pd.testing.assert_frame_equal(trade6, before)  # input untouched
    assert list(out.columns) == [*trade6.columns, "hs_edition", "group", "segment", "resource"]
    for col in ("hs_edition", "group", "segment", "resource"):
        assert str(out[col].dtype) == "string", col
    assert out["hs_edition"].tolist() == ["HS2017"] * 4 + ["HS2022"] * 2
    assert out["group"].tolist() == [
        "aerospace", pd.NA, "pharmacy", "computers_office", "electronics_telecom", pd.NA,
    ]  # fmt: skip
    assert out["segment"].tolist() == [
        "aerospace", pd.NA, "pharmaceuticals", "computers_electrical_instruments",
        "electronics_telecom", pd.NA,
    ]  # fmt: skip
    assert out["resource"].tolist() == ["nne", "energy", "nne", "nne", "nne", "raw"]
    pd.testing.assert_frame_equal(out[trade6.columns], trade6)


def test_hightech_custom_segments_products_rules(trade6: pd.DataFrame) -> None:
    segs = {"air": ["aerospace", "armament"], "health": ["pharmacy", "scientific_instruments"]}
    out = cl.hightech(trade6, segments=segs)
    assert out["segment"].tolist()[:3] == ["air", pd.NA, "health"]
    assert out["segment"].isna().tolist() == [False, True, False, True, True, True]
    prods = pd.DataFrame({"edition": ["HS2017"], "hs6": ["270900"], "group": ["chemistry"]})
    rules = pd.DataFrame({"prefix": ["88"], "class": ["raw"]})
    out = cl.hightech(trade6, products=prods, resource_rules=rules)
    assert out["group"].notna().tolist() == [False, True, False, False, False, False]
    assert out["resource"].tolist() == ["raw"] + ["nne"] * 5


def test_hightech_respects_given_edition(trade6: pd.DataFrame) -> None:
    t = trade6.assign(hs_edition=pd.array([None] * 4 + ["HS2017", None], dtype="string"))
    out = cl.hightech(t)
    assert out["hs_edition"].tolist() == ["HS2017"] * 5 + ["HS2022"]
    assert pd.isna(out.loc[4, "group"])  # 851713 does not exist in HS2017


def test_hightech_empty() -> None:
    empty = pd.DataFrame(
        {"year": pd.Series([], dtype="int16"), "hs6": pd.Series([], dtype="string")}
    )
    out = cl.hightech(empty)
    assert len(out) == 0 and {"group", "segment", "resource", "hs_edition"} <= set(out.columns)


@pytest.mark.parametrize(
    ("segments", "message"),
    [
        ({"a": ["aerospace", "space"]}, "unknown high-tech group ids"),
        ({"a": ["aerospace"], "b": ["pharmacy", "aerospace"]}, "is in two segments"),
        ({"a": []}, "has no groups"),
        ({"a": "aerospace"}, "must be a list"),
        (["aerospace"], "must be a mapping"),
    ],
)
def test_segments_validation(trade6: pd.DataFrame, segments, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        cl.hightech(trade6, segments=segments)


def test_missing_columns() -> None:
    with pytest.raises(ValueError, match="lacks columns"):
        cl.hightech(pd.DataFrame({"hs6": ["880240"]}))


# ---------------------------------------------------------------------------------------------
# Shares (hand-computed on trade6)
#   RU-TA 2019 export: aerospace 100, crude oil 300, pharmacy 50 -> total 450 (the import is ignored)
#   RU-MOW 2022 export: phones 40, iron ore 60 -> total 100
# ---------------------------------------------------------------------------------------------


def test_hightech_share_hand_computed(trade6: pd.DataFrame) -> None:
    res = cl.hightech_share(trade6).set_index(["region", "year"])
    assert list(res.columns) == ["hightech_usd", "total_usd", "share"]
    assert res.loc[("RU-TA", 2019)].tolist() == pytest.approx([150.0, 450.0, 1 / 3])
    assert res.loc[("RU-MOW", 2022)].tolist() == pytest.approx([40.0, 100.0, 0.4])
    imp = cl.hightech_share(trade6, flow="import").set_index(["region", "year"])
    assert imp.loc[("RU-TA", 2019), "share"] == pytest.approx(1.0)
    only_pharma = cl.hightech_share(trade6, groups=["pharmacy"]).set_index(["region", "year"])
    assert only_pharma.loc[("RU-TA", 2019), "share"] == pytest.approx(50 / 450)
    # already classified input gives the same result
    pd.testing.assert_frame_equal(cl.hightech_share(cl.hightech(trade6)), cl.hightech_share(trade6))


def test_group_shares_hand_computed(trade6: pd.DataFrame) -> None:
    res = cl.group_shares(trade6)
    assert list(res.columns) == ["region", "year", "group", "value_usd", "total_usd", "share"]
    assert len(res) == 2 * len(cl.GROUPS)
    ta = res[res["region"] == "RU-TA"].set_index("group")
    assert ta.loc["aerospace", "share"] == pytest.approx(100 / 450)
    assert ta.loc["pharmacy", "share"] == pytest.approx(50 / 450)
    assert ta.loc["armament", "value_usd"] == 0.0
    summed = res.groupby(["region", "year"])["share"].sum()
    ht = cl.hightech_share(trade6).set_index(["region", "year"])["share"]
    pd.testing.assert_series_equal(summed.sort_index(), ht.sort_index(), check_names=False)
    seg = cl.group_shares(trade6, level="segment")
    assert set(seg["segment"]) == set(cl.DEFAULT_SEGMENTS)
    mow = seg[seg["region"] == "RU-MOW"].set_index("segment")
    assert mow.loc["electronics_telecom", "share"] == pytest.approx(0.4)


def test_resource_share_hand_computed(trade6: pd.DataFrame) -> None:
    res = cl.resource_share(trade6).set_index(["region", "year"])
    ta = res.loc[("RU-TA", 2019)]
    assert ta[["energy_usd", "raw_usd", "nne_usd", "total_usd"]].tolist() == [300, 0, 150, 450]
    assert ta["resource_share"] == pytest.approx(2 / 3)
    assert ta["nne_share"] == pytest.approx(1 / 3)
    mow = res.loc[("RU-MOW", 2022)]
    assert mow[["energy_share", "raw_share", "resource_share", "nne_share"]].tolist() == (
        pytest.approx([0.0, 0.6, 0.6, 0.4])
    )


def test_one_resource_share_for_classification_and_daed(trade6: pd.DataFrame) -> None:
    from exportlab import daed

    assert set(cl.RESOURCE_SPECIALISATION) < set(cl.RESOURCE_CLASSES)
    ours = cl.resource_share(trade6).set_index(["region", "year"])["resource_share"]
    theirs = daed.resource_share(cl.hightech(trade6)).set_index(["region", "year"])
    assert theirs.columns.tolist() == ["resource_share"]
    # the same numbers, bit for bit (DAED reads the share of classification)
    assert (ours.loc[theirs.index].to_numpy() == theirs["resource_share"].to_numpy()).all()
    assert theirs.loc[("RU-TA", 2019), "resource_share"] == pytest.approx(2 / 3)


def test_by_argument(trade6: pd.DataFrame) -> None:
    res = cl.hightech_share(trade6, by="region").set_index("region")
    assert res.loc["RU-MOW", "share"] == pytest.approx(0.4)
    with pytest.raises(ValueError, match="at least one column"):
        cl.resource_share(trade6, by=())


def test_zero_total_gives_nan(trade6: pd.DataFrame) -> None:
    res = cl.hightech_share(trade6.assign(value_usd=0.0))
    assert res["share"].isna().all()


_codes = st.sampled_from(
    ["880240", "300490", "270900", "260111", "847130", "851712", "100199", "902750", "930190"]
)
_rows = st.lists(
    st.tuples(
        st.sampled_from(["RU-TA", "RU-MOW", "RU-SPE"]),
        st.sampled_from([2016, 2019, 2023]),
        _codes,
        st.floats(min_value=0.01, max_value=1e9, allow_nan=False),
    ),
    min_size=1,
    max_size=40,
)


def test_shares_hand_computed_in_thousands_of_dollars(trade6: pd.DataFrame) -> None:
    # the same table in thousands of USD: every share above is unchanged
    kusd = trade6.assign(value_usd=trade6["value_usd"] / 1000)
    ht = cl.hightech_share(kusd).set_index(["region", "year"])
    assert ht.loc[("RU-TA", 2019)].tolist() == pytest.approx([0.15, 0.45, 1 / 3])
    assert ht.loc[("RU-MOW", 2022), "share"] == pytest.approx(0.4)
    ta = cl.group_shares(kusd).set_index(["region", "group"]).loc["RU-TA"]
    assert ta.loc["aerospace", "share"] == pytest.approx(100 / 450)
    assert ta.loc["pharmacy", "share"] == pytest.approx(50 / 450)
    res = cl.resource_share(kusd).set_index(["region", "year"])
    assert res.loc[("RU-TA", 2019), ["resource_share", "nne_share"]].tolist() == pytest.approx(
        [2 / 3, 1 / 3]
    )
    assert res.loc[("RU-MOW", 2022), ["energy_share", "raw_share"]].tolist() == pytest.approx(
        [0.0, 0.6]
    )


# 15 examples (each classifies and computes six share tables); the unit change is also checked
# on the hand-computed table (test_shares_hand_computed_in_thousands_of_dollars)
@settings(max_examples=15, deadline=None)
@given(rows=_rows, factor=st.floats(min_value=1e-3, max_value=1e6))
def test_shares_bounded_and_scale_invariant(rows, factor: float) -> None:
    raw = pd.DataFrame(rows, columns=["region", "year", "hs6", "value_usd"]).assign(flow="export")
    t = cl.hightech(raw)  # classify once; the share functions accept classified tables
    scaled = t.assign(value_usd=t["value_usd"] * factor)
    for fn, cols in (
        (cl.hightech_share, ["share"]),
        (cl.group_shares, ["share"]),
        (cl.resource_share, ["energy_share", "raw_share", "resource_share", "nne_share"]),
    ):
        a, b = fn(t), fn(scaled)
        for col in cols:
            assert ((a[col] >= -1e-12) & (a[col] <= 1 + 1e-12)).all()
            np.testing.assert_allclose(a[col], b[col], rtol=1e-9, atol=1e-12)
    rs = cl.resource_share(t)
    np.testing.assert_allclose(rs["resource_share"] + rs["nne_share"], 1.0)
    gs = cl.group_shares(t).groupby(["region", "year"])["share"].sum().sort_index()
    hs = cl.hightech_share(t).set_index(["region", "year"])["share"].sort_index()
    np.testing.assert_allclose(gs.to_numpy(), hs.to_numpy(), rtol=1e-9, atol=1e-12)


# ---------------------------------------------------------------------------------------------
# Derivation
# ---------------------------------------------------------------------------------------------


def test_derive_rules_on_small_tables() -> None:
    sitc = pd.DataFrame(
        {
            "group": ["aerospace", "aerospace", "electronics_telecom", "pharmacy"],
            "sitc4": ["792", "79291", "764", "542"],
            "exclude": [False, True, False, False],
        }
    )
    corr = pd.DataFrame(
        {
            "hs6": ["000001", "000002", "000003", "000003", "000004", "000004", "000005"],
            "sitc4": ["7924", "79291", "54293", "06229", "76484", "79211", "12345"],
        }
    )
    conv = pd.DataFrame(
        {"hs6": ["000001", "000002", "000003", "000004", "000005"],
         "sitc4": ["7924", "79291", "54293", "79211", "12345"]}
    )  # fmt: skip
    out = cl.derive_hightech_products(sitc, {"HS2017": corr}, {"HS2017": conv})
    got = out.set_index("hs6")
    assert list(got.index) == ["000001", "000003", "000004"]  # 79291 excluded, 12345 not listed
    assert got.loc["000001", "group"] == "aerospace" and got.loc["000001", "note"] == ""
    assert got.loc["000003", "group"] == "pharmacy"
    assert got.loc["000003", "note"] == "partial: high-tech 54293; not high-tech 06229"
    assert got.loc["000004", "group"] == "aerospace"  # conversion code decides
    assert got.loc["000004", "note"] == "also electronics_telecom: 76484"
    # without conversion tables the GROUPS order breaks the tie
    no_conv = cl.derive_hightech_products(sitc, {"HS2017": corr}).set_index("hs6")
    assert no_conv.loc["000004", "group"] == "aerospace"


def test_derive_rejects_overlapping_groups() -> None:
    sitc = pd.DataFrame(
        {"group": ["aerospace", "armament"], "sitc4": ["792", "7924"], "exclude": [False, False]}
    )
    corr = pd.DataFrame({"hs6": ["880240"], "sitc4": ["7924"]})
    with pytest.raises(ValueError, match="several groups"):
        cl.derive_hightech_products(sitc, {"HS2017": corr})


def test_rederive_from_un_tables_agrees_with_shipped(products: pd.DataFrame) -> None:
    if not (CLASSIFICATIONS / "hs2017_sitc4_correlation.csv").exists():
        pytest.skip(f"UNSD correlation tables not found in {CLASSIFICATIONS}")
    corr, conv = cl.read_correlation_tables(CLASSIFICATIONS)
    derived = cl.derive_hightech_products(cl.load_hightech_sitc4(), corr, conv)
    for edition in cl.EDITIONS:
        a = products[products["edition"] == edition].set_index("hs6")["group"]
        b = derived[derived["edition"] == edition].set_index("hs6")["group"]
        common = a.index.intersection(b.index)
        same = int((a[common] == b[common]).sum())
        union = len(a.index.union(b.index))
        print(
            f"{edition}: shipped {len(a)}, derived {len(b)}, same group {same}, "
            f"agreement {same / union:.1%}"
        )
        assert same == union == len(a) == len(b)
    pd.testing.assert_frame_equal(
        derived.reset_index(drop=True),
        products.reset_index(drop=True),
        check_dtype=False,
    )


# ---------------------------------------------------------------------------------------------
# Product names
# ---------------------------------------------------------------------------------------------

BAD_NAMES = Path(__file__).parent / "bad_inputs" / "product_names"


def test_read_product_names_layouts(tmp_path: Path) -> None:
    both = tmp_path / "both.csv"
    both.write_text("code;name_en;name_ru\n01;Live animals;Живые животные\n01.01;Horses;Лошади\n")
    names = cl.read_product_names(both)
    assert names.index.tolist() == ["01", "0101"]
    assert names.loc["0101"].tolist() == ["Horses", "Лошади"]
    # UN Comtrade-like descriptions: a code column named after the edition, English text
    comtrade = tmp_path / "comtrade.csv"
    comtrade.write_text('hs2017,parent,description\n01,,"Animals; live"\n0101,01,"Horses, asses"\n')
    assert cl.read_product_names(comtrade).columns.tolist() == ["name_en"]
    # a Russian "name" column in CP1251, tab-separated, a code that lost its leading zero
    russian = tmp_path / "ru.txt"
    russian.write_bytes("tnved\tname\n101\tЛошади\n87\tСредства транспорта\n".encode("cp1251"))
    ru = cl.read_product_names(russian)
    assert ru.columns.tolist() == ["name_ru"] and ru.loc["0101", "name_ru"] == "Лошади"


def test_product_names_fall_back_to_heading_and_chapter() -> None:
    names = pd.DataFrame(
        {"name_en": ["Vehicles", "Cars", "Electric cars"]},
        index=pd.Index(["87", "8703", "870380"], name="product"),
    )
    got = cl.product_names(["870380", "870323", "8701", "0101"], names)["name_en"]
    assert got.tolist()[:3] == ["Electric cars", "Cars", "Vehicles"] and pd.isna(got.iloc[3])
    assert got.index.tolist() == ["870380", "870323", "8701", "0101"]


@pytest.mark.parametrize(
    ("name", "fragments"),
    [
        ("01_no_code_column.csv", ["line 1", "a code column", "hs_code"]),
        ("02_bad_code.csv", ["line 3", 'column "code"', "2 to 10 digits", '"01x1"']),
        ("03_repeated_code.csv", ["line 4", 'column "code"', '"87.03"', "first on line 3"]),
        ("04_no_name_column.csv", ["line 1", "name_en, name_ru", "code, parent"]),
        ("05_empty.csv", ["05_empty.csv", "line 1", "a header"]),
    ],
)
def test_bad_product_names_files(name: str, fragments: list[str]) -> None:
    with pytest.raises(ValueError) as caught:
        cl.read_product_names(BAD_NAMES / name)
    message = str(caught.value)
    assert name in message
    for fragment in fragments:
        assert fragment in message


@pytest.mark.realdata
def test_real_hs2017_descriptions_name_every_code() -> None:
    path = CLASSIFICATIONS / "hs2017_codes.csv"
    if not path.exists():
        pytest.skip("../shared/realdata is absent")
    names = cl.read_product_names(path)
    assert len(names) == 6708 and names["name_en"].notna().all()
    assert names.loc["0101", "name_en"].startswith("Horses")
    # every 2017 code of the shipped high-tech list has a name of its own
    hs6 = cl.load_hightech_products().query("edition == 'HS2017'")["hs6"]
    assert cl.product_names(hs6, names).index.isin(names.index).all()
