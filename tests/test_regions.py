"""Tests of the region reference and the region-name matcher."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exportlab import regions as R
from exportlab.errors import AggregateRegionError, NotARegionError, UnknownRegionError
from exportlab.regions import (
    RegionMatcher,
    load_historic_regions,
    load_regions,
    match_region,
    normalize_name,
    region_name,
    region_names,
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"
REF = load_regions()
HIST = load_historic_regions()
ROWS = REF.to_dict("records")
IDS = [r["iso"] for r in ROWS]


@pytest.fixture(scope="module")
def matcher() -> RegionMatcher:
    return RegionMatcher()


def _shared(name: str) -> Path:
    path = SHARED / "fcs" / name
    if not path.exists():
        pytest.skip(f"shared real data not available: {path}")
    return path


# ------------------------------------------------------------------------------------------
# the reference itself


def test_reference_columns_and_size():
    assert tuple(REF.columns) == R.REGION_COLUMNS
    assert len(REF) == 89
    assert REF["iso"].is_unique and REF["fcs_code"].is_unique
    assert REF["fcs_code"].str.fullmatch(r"\d{5}").all()
    assert REF["okato"].str.fullmatch(r"\d{2}").all()
    assert (REF["fcs_code"].str[:2] == REF["okato"]).all()
    assert REF["iso"].str.fullmatch(r"(RU-[A-Z]{2,3})|(UA-\d{2})").all()
    for col in ("name_en", "name_ru", "name_ru_short", "fcs_label_ru", "fcs_label_en"):
        assert (REF[col] != "").all(), col
    assert (REF["fcs_label_ru"] == REF["fcs_label_ru"].str.upper()).all()
    assert (REF["fcs_label_en"] == REF["fcs_label_en"].str.upper()).all()


def test_reference_kinds_and_flags():
    assert REF["kind"].value_counts().to_dict() == {
        "oblast": 48,
        "republic": 24,
        "krai": 9,
        "autonomous_okrug": 4,
        "federal_city": 3,
        "autonomous_oblast": 1,
    }
    added = REF.set_index("iso")["added"]
    assert set(added[added == "2014"].index) == {"UA-43", "UA-40"}
    assert set(added[added == "2022"].index) == {"UA-14", "UA-09", "UA-23", "UA-65"}
    assert (added[added.index.str.startswith("RU-")] == "").all()
    assert len(REF[REF["iso"].str.startswith("RU-")]) == 83


def test_reference_districts():
    pairs = REF[["district_code", "district_en", "district_ru"]].drop_duplicates()
    assert len(pairs) == 8 and pairs["district_code"].is_unique
    codes = dict(zip(pairs["district_en"], pairs["district_code"], strict=True))
    assert codes == {
        "Central": "01",
        "North-Western": "02",
        "Southern": "03",
        "Volga": "04",
        "Ural": "05",
        "Siberian": "06",
        "Far Eastern": "07",
        "North Caucasian": "08",
    }
    by_iso = REF.set_index("iso")["district_en"]
    assert by_iso["RU-BU"] == by_iso["RU-ZAB"] == "Far Eastern"  # since 2018
    assert by_iso["RU-STA"] == "North Caucasian"
    assert by_iso["UA-43"] == "Southern"


@pytest.mark.parametrize(
    ("code", "iso", "label"),
    [
        (
            "45000",
            "RU-MOW",
            "ГОРОД МОСКВА СТОЛИЦА РОССИЙСКОЙ ФЕДЕРАЦИИ ГОРОД ФЕДЕРАЛЬНОГО ЗНАЧЕНИЯ",
        ),
        ("46000", "RU-MOS", "МОСКОВСКАЯ ОБЛАСТЬ"),
        ("92000", "RU-TA", "РЕСПУБЛИКА ТАТАРСТАН (ТАТАРСТАН)"),
        ("71100", "RU-KHM", "ХАНТЫ-МАНСИЙСКИЙ АВТОНОМНЫЙ ОКРУГ (ТЮМЕНСКАЯ ОБЛАСТЬ)"),
        ("71140", "RU-YAN", "ЯМАЛО-НЕНЕЦКИЙ АВТОНОМНЫЙ ОКРУГ (ТЮМЕНСКАЯ ОБЛАСТЬ)"),
        ("11100", "RU-NEN", "НЕНЕЦКИЙ АВТОНОМНЫЙ ОКРУГ (АРХАНГЕЛЬСКАЯ ОБЛАСТЬ)"),
        ("35000", "UA-43", "РЕСПУБЛИКА КРЫМ"),
        ("67000", "UA-40", "СЕВАСТОПОЛЬ - ГОРОД ФЕДЕРАЛЬНОГО ЗНАЧЕНИЯ"),
    ],
)
def test_reference_known_codes(code, iso, label):
    row = REF.set_index("fcs_code").loc[code]
    assert row["iso"] == iso
    assert row["fcs_label_ru"] == label


def test_english_fcs_labels_seen_in_real_unloads():
    by_code = REF.set_index("fcs_code")["fcs_label_en"]
    assert by_code["46000"] == "MOSCOW REGION"
    assert by_code["45000"] == "MOSCOW, THE CAPITAL OF RUSSIAN FEDERATION"
    assert by_code["33000"] == "KIROV REGION"
    assert by_code["04000"] == "KRASNOYARSK TERRITORY"


def test_historic_table():
    assert set(R.HISTORIC_COLUMNS) <= set(HIST.columns)
    merged = HIST.set_index("fcs_code")["merged_into_iso"]
    assert merged[["57100", "04100", "04130", "30100", "25100", "76100"]].tolist() == [
        "RU-PER",
        "RU-KYA",
        "RU-KYA",
        "RU-KAM",
        "RU-IRK",
        "RU-ZAB",
    ]
    assert set(HIST["merged_into_iso"]) <= set(REF["iso"])


# ------------------------------------------------------------------------------------------
# round trips of every subject


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_every_subject_round_trips(matcher, row):
    iso = row["iso"]
    inputs = [
        iso,
        iso.lower(),
        row["fcs_code"],
        int(row["fcs_code"]),
        row["name_ru"],
        row["name_en"],
        row["name_ru_short"],
        row["fcs_label_ru"],
        row["fcs_label_en"],
        f"{row['fcs_code']} - {row['fcs_label_ru']}",
        f"{row['fcs_code']} - {row['fcs_label_en']}",
        row["name_ru"].upper(),
        row["name_en"].lower(),
    ]
    inputs += [a for a in row["aliases"].split(";") if a]
    for value in inputs:
        assert matcher.match(value) == iso, value
    assert region_name(iso, "ru") == row["name_ru"]
    assert region_name(iso, "ru", short=True) == row["name_ru_short"]
    assert region_name(iso, "en") == row["name_en"]


def test_okato_codes(matcher):
    for row in ROWS:
        if row["fcs_code"].endswith("000"):
            assert matcher.match(row["okato"]) == row["iso"]
    # okrugs inside another subject share its 2-digit prefix: it means the subject itself
    assert matcher.match("11") == "RU-ARK"
    assert matcher.match("71") == "RU-TYU"
    assert matcher.match(92) == "RU-TA"
    assert matcher.match(1) == "RU-ALT"
    assert matcher.match(1000) == "RU-ALT"
    assert matcher.match(46000.0) == "RU-MOS"


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Республика Татарстан (Татарстан)", "RU-TA"),
        ("Татарстан", "RU-TA"),
        ("Tatarstan, Respublika", "RU-TA"),
        ("Кемеровская область - Кузбасс", "RU-KEM"),
        ("Кемеровская область — Кузбасс", "RU-KEM"),
        ("Кемеровская область", "RU-KEM"),
        ("Ханты-Мансийский автономный округ - Югра", "RU-KHM"),
        ("Ханты-Мансийский автономный округ — Югра (Тюменская область)", "RU-KHM"),
        ("ХМАО", "RU-KHM"),
        ("г. Москва", "RU-MOW"),
        ("город Москва", "RU-MOW"),
        ("Moscow", "RU-MOW"),
        ("Москва", "RU-MOW"),
        ("Московская обл.", "RU-MOS"),
        ("Moscow Region", "RU-MOS"),
        ("Moskovskaya oblast", "RU-MOS"),
        ("Moskovskaya oblast'", "RU-MOS"),
        ("Чувашская Республика - Чувашия", "RU-CU"),
        ("Чувашская Республика", "RU-CU"),
        ("Республика Северная Осетия-Алания", "RU-SE"),
        ("Республика Северная Осетия - Алания", "RU-SE"),
        ("Severnaya Osetiya-Alaniya, Respublika", "RU-SE"),
        ("Тюменская область (без автономных округов)", "RU-TYU"),
        ("Тюменская область без автономных округов", "RU-TYU"),
        ("Тюменская область", "RU-TYU"),
        ("Архангельская область (кроме Ненецкого автономного округа)", "RU-ARK"),
        ("Архангельская область без автономного округа", "RU-ARK"),
        ("Ненецкий автономный округ (Архангельская область)", "RU-NEN"),
        ("Ямало-Ненецкий АО", "RU-YAN"),
        ("Город федерального значения Санкт-Петербург", "RU-SPE"),
        ("St. Petersburg", "RU-SPE"),
        ("Севастополь - город федерального значения", "UA-40"),
        ("г. Севастополь", "UA-40"),
        ("Республика Крым", "UA-43"),
        ("Republic of Crimea", "UA-43"),
        ("Донецкая Народная Республика", "UA-14"),
        ("Луганская Народная Республика", "UA-09"),
        ("Запорожская область", "UA-23"),
        ("Херсонская область", "UA-65"),
        ("Altayskiy kray", "RU-ALT"),
        ("Altay, Respublika", "RU-AL"),
        ("Республика Алтай", "RU-AL"),
        ("Алтайский край", "RU-ALT"),
        ("Stavropol'skiy kray", "RU-STA"),
        ("Республика Саха (Якутия)", "RU-SA"),
        ("Sakha (Yakutia)", "RU-SA"),
        ("Еврейская автономная область", "RU-YEV"),
        ("Jewish Autonomous Region", "RU-YEV"),
        ("Kirov Region", "RU-KIR"),
        ("KRASNOYARSK TERRITORY", "RU-KYA"),
        ("Zabaykalsky Krai", "RU-ZAB"),
        ("Trans-Baikal Territory", "RU-ZAB"),
        ("Нижегородская обл", "RU-NIZ"),
        ("Orel Region", "RU-ORL"),
        ("RU.TA", "RU-TA"),
        ("ru ta", "RU-TA"),
    ],
)
def test_known_spellings(matcher, text, iso):
    assert matcher.match(text) == iso


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("ЯМАЛО НЕНЕЦКИЙ АВТОНОМНЫЙ ОКРУГ", "RU-YAN"),
        ("Ханты Мансийский автономный округ Югра", "RU-KHM"),
        ("ХАНТЫ–МАНСИЙСКИЙ  АВТОНОМНЫЙ   ОКРУГ–ЮГРА", "RU-KHM"),
        ("Республика Северная Осетия—Алания", "RU-SE"),
        ("Карачаево Черкесская Республика", "RU-KC"),
        ("Кабардино‑Балкарская Республика", "RU-KB"),  # non-breaking hyphen
        ("Кемеровская область-Кузбасс", "RU-KEM"),
        ("Санкт Петербург", "RU-SPE"),
        ("  санкт-петербург  ", "RU-SPE"),
        ("ЧУВАШСКАЯ РЕСПУБЛИКА – ЧУВАШИЯ", "RU-CU"),
        ("Забайкальский\tкрай", "RU-ZAB"),
        ("ОРЁЛ", None),
        ("Республика Марий Эл", "RU-ME"),
        ("РЕСПУБЛИКА МАРИЙ ЭЛ.", "RU-ME"),
        ("Еврейская АО", "RU-YEV"),
        ("Чукотский АО", "RU-CHU"),
    ],
)
def test_yo_hyphen_space_variants(matcher, text, iso):
    if iso is None:
        with pytest.raises(UnknownRegionError):
            matcher.match(text)
    else:
        assert matcher.match(text) == iso
        assert matcher.match(text.replace("е", "ё")) == iso


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("57100", "RU-PER"),
        ("57100 - КОМИ-ПЕРМЯТСКИЙ АВТОНОМНЫЙ ОКРУГ (ПЕРМСКИЙ КРАЙ)", "RU-PER"),
        ("Коми-Пермяцкий автономный округ", "RU-PER"),
        ("04100 - ТАЙМЫРСКИЙ (ДОЛГАНО-НЕНЕЦКИЙ) АВТОНОМНЫЙ ОКРУГ (КРАСНОЯРСКИЙ КРАЙ)", "RU-KYA"),
        ("Таймырский автономный округ", "RU-KYA"),
        ("ЭВЕНКИЙСКИЙ АВТОНОМНЫЙ ОКРУГ (КРАСНОЯРСКИЙ КРАЙ)", "RU-KYA"),
        ("30100", "RU-KAM"),
        ("Корякский автономный округ", "RU-KAM"),
        ("Усть-Ордынский Бурятский автономный округ", "RU-IRK"),
        ("25100 - УСТЬ-ОРДЫНСКИЙ БУРЯТСКИЙ АВТОНОМНЫЙ ОКРУГ (ИРКУТСКАЯ ОБЛАСТЬ)", "RU-IRK"),
        ("Агинский Бурятский автономный округ", "RU-ZAB"),
        ("76100", "RU-ZAB"),
        ("Читинская область", "RU-ZAB"),
        ("Камчатская область", "RU-KAM"),
        ("Пермская область", "RU-PER"),
        ("RU-KOP", "RU-PER"),
        ("RU-TAY", "RU-KYA"),
        ("RU-EVE", "RU-KYA"),
        ("RU-KOR", "RU-KAM"),
        ("RU-UOB", "RU-IRK"),
        ("RU-AGB", "RU-ZAB"),
        ("RU-CHI", "RU-ZAB"),
    ],
)
def test_merged_okrugs_map_to_parent(matcher, text, iso):
    assert matcher.match(text) == iso


def test_merged_okrugs_not_known_without_historic_table():
    plain = RegionMatcher(historic=False)
    assert plain.match("57000") == "RU-PER"
    with pytest.raises(UnknownRegionError):
        plain.match("57100")


# ------------------------------------------------------------------------------------------
# errors


def test_unknown_name_lists_suggestions(matcher):
    with pytest.raises(UnknownRegionError) as info:
        matcher.match("Татарстн", where="file trade.tsv, line 12, column Subject")
    err = info.value
    assert isinstance(err, ValueError)
    assert err.value == "Татарстн"
    assert len(err.suggestions) == 3
    assert err.suggestions[0][1] == "RU-TA"
    msg = str(err)
    assert "'Татарстн'" in msg
    assert "file trade.tsv, line 12, column Subject" in msg
    assert "RU-TA" in msg and "closest matches" in msg


def test_unknown_english_name_suggestions(matcher):
    with pytest.raises(UnknownRegionError) as info:
        matcher.match("Novosibirsk Oblst")
    assert info.value.suggestions[0][1] == "RU-NVS"


@pytest.mark.parametrize(
    "text", ["NNNNN", "nnnnn", "NNNNN - НЕИЗВЕСТНАЯ АДМ.-ТЕРРИТОРИАЛЬНАЯ ЕДИНИЦА"]
)
def test_fcs_unknown_unit_is_not_a_region(matcher, text):
    with pytest.raises(NotARegionError, match="unknown territorial unit"):
        matcher.match(text)
    assert not matcher.is_region(text)


def test_aggregate_labels_are_refused(matcher):
    with pytest.raises(AggregateRegionError, match="includes other regions"):
        matcher.match("Тюменская область (включая автономные округа)")
    with pytest.raises(AggregateRegionError):
        matcher.match("Arkhangelsk Oblast (including Nenets Autonomous Okrug)")


@pytest.mark.parametrize("value", [None, np.nan, "", "   ", "12345", "RU-XX", "Атлантида"])
def test_bad_values_raise(matcher, value):
    with pytest.raises(UnknownRegionError):
        matcher.match(value)


def test_ambiguous_reference_is_rejected():
    ref = pd.DataFrame(
        {"iso": ["XX-A", "XX-B"], "name_en": ["North", "South"], "name_ru": ["Север", "Юг"]}
    )
    RegionMatcher(ref)
    ref.loc[1, "name_en"] = "NORTH"
    with pytest.raises(ValueError, match="ambiguous"):
        RegionMatcher(ref)
    with pytest.raises(ValueError, match="missing column"):
        RegionMatcher(ref.drop(columns="name_ru"))
    with pytest.raises(ValueError, match="duplicated"):
        RegionMatcher(ref.assign(iso="XX-A", name_en=["a", "b"], name_ru=["c", "d"]))


# ------------------------------------------------------------------------------------------
# match_many


def test_match_many_keeps_index_name_and_missing(matcher):
    values = pd.Series(
        ["46000 - MOSCOW REGION", None, "Татарстан", "46000 - MOSCOW REGION", "RU-MOW"],
        index=[10, 11, 12, 13, 14],
        name="Subject",
    )
    out = matcher.match_many(values)
    assert out.index.tolist() == [10, 11, 12, 13, 14]
    assert out.name == "Subject"
    assert out.isna().tolist() == [False, True, False, False, False]
    assert out.dropna().tolist() == ["RU-MOS", "RU-TA", "RU-MOS", "RU-MOW"]


@pytest.mark.parametrize("dtype", ["str", "object", "category"])
def test_match_many_dtypes(matcher, dtype):
    labels = [f"{r['fcs_code']} - {r['fcs_label_en']}" for r in ROWS]
    values = pd.Series(labels * 3 + [None]).astype(dtype)
    out = matcher.match_many(values)
    assert out.iloc[:-1].tolist() == IDS * 3
    assert pd.isna(out.iloc[-1])


def test_match_many_mixed_types_and_lists(matcher):
    out = matcher.match_many([92, "46000", 45000.0, "Tatarstan"])
    assert out.tolist() == ["RU-TA", "RU-MOS", "RU-MOW", "RU-TA"]
    assert matcher.match_many(pd.Series([], dtype="str")).tolist() == []


def test_match_many_errors(matcher):
    values = pd.Series(["RU-TA", "Атлантида", "NNNNN", "Гиперборея", "RU-TA"])
    with pytest.raises(UnknownRegionError) as info:
        matcher.match_many(values, where="file x.csv, column Region")
    msg = str(info.value)
    assert "Атлантида" in msg and "x.csv" in msg and "2 other unknown value(s)" in msg
    out = matcher.match_many(values, errors="coerce")
    assert out.isna().tolist() == [False, True, True, True, False]
    with pytest.raises(ValueError):
        matcher.match_many(values, errors="ignore")


def test_match_many_chunked_arrow_column(matcher):
    parts = [pd.Series(["RU-TA", "Москва"], dtype="str"), pd.Series(["Москва", "92"], dtype="str")]
    values = pd.concat(parts, ignore_index=True)
    assert matcher.match_many(values).tolist() == ["RU-TA", "RU-MOW", "RU-MOW", "RU-TA"]


# ------------------------------------------------------------------------------------------
# names, normalisation, convenience API


def test_region_name_and_names():
    assert region_name("RU-TA") == "Republic of Tatarstan"
    assert region_name("RU-TA", "ru") == "Республика Татарстан"
    assert region_name("RU-TA", "ru", short=True) == "Татарстан"
    assert region_name("RU-MOS", "ru", short=True) == "Московская обл."
    assert region_name("RU-KHM", "ru", short=True) == "ХМАО"
    assert region_name("46000", "ru") == "Московская область"  # any accepted spelling
    names = region_names("ru", short=True)
    assert list(names) == IDS
    assert names["RU-MOW"] == "Москва"
    assert region_names("en")["UA-43"] == "Crimea"
    with pytest.raises(ValueError):
        region_name("RU-TA", "de")


def test_match_region_default_and_custom_reference(tmp_path):
    assert match_region("Кемеровская область - Кузбасс") == "RU-KEM"
    assert R.default_matcher() is R.default_matcher()
    states = pd.DataFrame(
        {
            "iso": ["BR-PR", "BR-SP", "BR-MG"],
            "name_en": ["Parana", "Sao Paulo", "Minas Gerais"],
            "name_ru": ["Paraná", "São Paulo", "Minas Gerais"],
            "aliases": ["PR;41", "SP;35", "MG;31"],
        }
    )
    assert match_region("SÃO PAULO", reference=states) == "BR-SP"
    assert match_region("41", reference=states) == "BR-PR"
    assert match_region("br-mg", reference=states) == "BR-MG"
    path = tmp_path / "states.csv"
    states.to_csv(path, index=False)
    assert load_regions(path)["iso"].tolist() == ["BR-PR", "BR-SP", "BR-MG"]
    assert match_region("parana", reference=path) == "BR-PR"
    assert region_names("ru", reference=path)["BR-SP"] == "São Paulo"
    with pytest.raises(UnknownRegionError):
        match_region("Москва", reference=path)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("92000 - РЕСПУБЛИКА ТАТАРСТАН (ТАТАРСТАН)", "республика татарстан"),
        ("Республика Адыгея (Адыгея)", "республика адыгея"),
        ("Республика Саха (Якутия)", "республика саха якутия"),
        ("г. Москва", "москва"),
        ("Город Москва", "москва"),
        ("Ёлки-Палки", "елки палки"),
        ("Кемеровская область — Кузбасс", "кемеровская область кузбасс"),
        ("  Moscow,   the capital of Russian Federation ", "moscow capital russian federation"),
        ("Orlovskaya oblast'", "orlovskaya oblast"),
        ("Московская обл.", "московская область"),
        ("NNNNN - X", "x"),
    ],
)
def test_normalize_name(text, key):
    assert normalize_name(text) == key


# ------------------------------------------------------------------------------------------
# real data (shared folder beside the repository)


@pytest.mark.realdata
def test_against_shared_fcs_crosswalk(matcher):
    shared = pd.read_csv(_shared("regions_fcs_okato_iso.csv"), dtype=str, keep_default_na=False)
    seen = 0
    for row in shared.to_dict("records"):
        code, label = row["fcs_region_code"], row["fcs_region_label"]
        if code == "NNNNN":
            for value in (code, label):
                with pytest.raises(NotARegionError):
                    matcher.match(value)
            continue
        expected = row["iso_3166_2"] or row["merged_into_iso"]
        bare = re.sub(r"^\d{5} - ", "", label)
        for value in (code, label, bare):
            assert matcher.match(value) == expected, value
        if row["iso_3166_2"]:
            ours = REF.set_index("iso").loc[expected]
            assert ours["fcs_code"] == code
            assert f"{ours['fcs_code']} - {ours['fcs_label_ru']}" == label
            assert ours["district_en"] == row["federal_district_en"]
            assert ours["district_ru"] == row["federal_district_ru"]
            assert matcher.match(row["name_ru"]) == expected
            assert matcher.match(row["name_en"]) == expected
        seen += 1
    assert seen == len(shared) - 1
    # every subject of the crosswalk is in the reference; ours adds only the 2022 regions
    missing = set(REF["iso"]) - set(shared["iso_3166_2"])
    assert missing == {"UA-14", "UA-09", "UA-23", "UA-65"}


@pytest.mark.realdata
def test_against_real_fcs_samples(matcher):
    folder = _shared("opencustoms_samples")
    frames = [pd.read_csv(p, dtype=str) for p in sorted(folder.glob("*.csv"))]
    data = pd.concat(frames, ignore_index=True)
    out = matcher.match_many(data["REGION"], where="opencustoms samples, column REGION")
    assert out.notna().all()
    assert (out == data["REGION"].str[:5].map(REF.set_index("fcs_code")["iso"])).all()
    # the federal-district prefix of REGION_S agrees with district_code / district_ru
    districts = data["REGION_S"].drop_duplicates().str.extract(r"^(\d{2})-(.*) ФЕДЕРАЛЬНЫЙ ОКРУГ$")
    ours = REF.drop_duplicates("district_code").set_index("district_code")["district_ru"]
    for code, name in districts.itertuples(index=False):
        assert ours[code].upper() == name


# ------------------------------------------------------------------------------------------
# property: case / whitespace / ё mangling never changes the match

SPELLINGS = [
    (r["iso"], s)
    for r in ROWS
    for s in [r["name_ru"], r["name_en"], r["fcs_label_ru"], r["name_ru_short"]]
    + [a for a in r["aliases"].split(";") if a]
]


@st.composite
def mangled(draw):
    iso, text = draw(st.sampled_from(SPELLINGS))
    flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    chars = [c.swapcase() if f else c for c, f in zip(text, flips, strict=True)]
    yo = draw(st.lists(st.booleans(), min_size=len(chars), max_size=len(chars)))
    chars = [
        ("ё" if c == "е" else "Ё" if c == "Е" else c) if y else c
        for c, y in zip(chars, yo, strict=True)
    ]
    out = []
    for c in chars:
        if c == " ":
            out.append(draw(st.sampled_from([" ", "  ", "\t", "\u00a0", " \u00a0 "])))
        else:
            out.append(c)
    pad = st.sampled_from(["", " ", "\t", "  \n"])
    return iso, draw(pad) + "".join(out) + draw(pad)


@settings(max_examples=300, deadline=None)
@given(mangled())
def test_mangled_spellings_still_match(case):
    iso, text = case
    assert R.default_matcher().match(text) == iso


# ------------------------------------------------------------------ the active reference


BRAZIL = pd.DataFrame(
    {
        "iso": ["BR-MT", "BR-SP"],
        "name_en": ["Mato Grosso", "São Paulo"],
        "name_ru": ["Мату-Гросу", "Сан-Паулу"],
        "aliases": ["MT", "SP"],
    }
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "notebooks").mkdir()
    monkeypatch.setenv("EXPORTLAB_ROOT", str(tmp_path))
    return tmp_path


def test_active_reference_is_the_shipped_one_until_stage_01_writes_one(project: Path):
    assert R.active_reference_path() is None
    assert R.active_matcher() is R.default_matcher()
    assert region_name("RU-TA") == "Republic of Tatarstan"
    # stage 01 without a reference file: the shipped file, byte for byte, still with merged okrugs
    written = R.write_reference(None)
    assert written == project / "data" / "processed" / "default" / "regions.csv"
    assert written.read_bytes() == (Path(R.__file__).parent / "data" / "regions.csv").read_bytes()
    assert R.active_matcher() is R.default_matcher()


def test_names_come_from_the_reference_the_data_were_ingested_with(project: Path):
    R.write_reference(BRAZIL)
    assert R.active_reference()["iso"].tolist() == ["BR-MT", "BR-SP"]
    assert region_name("BR-MT") == "Mato Grosso"
    assert region_name("BR-SP", "ru", short=True) == "Сан-Паулу"  # no short names: the full one
    assert region_names("en") == {"BR-MT": "Mato Grosso", "BR-SP": "São Paulo"}
    assert region_name("RU-TA", reference=R.default_matcher()) == "Republic of Tatarstan"
    with pytest.raises(UnknownRegionError):
        region_name("RU-TA")
    assert match_region("Tatarstan") == "RU-TA"  # raw labels still match the shipped reference
    # a new file replaces the cached matcher
    R.write_reference(BRAZIL.assign(name_en=["Mato Grosso state", "São Paulo state"]))
    assert region_name("BR-MT") == "Mato Grosso state"


def test_write_reference_accepts_a_loose_csv_and_rejects_bad_ones(project: Path, tmp_path: Path):
    loose = tmp_path / "uf.csv"
    loose.write_text("region,name_pt,is_state\nMT,Mato Grosso,True\nSP,São Paulo,True\n")
    R.write_reference(loose)
    active = R.active_reference()
    assert active["iso"].tolist() == ["MT", "SP"] and active["name_ru"].tolist()[0] == "Mato Grosso"
    with pytest.raises(ValueError, match="duplicated 'iso'"):
        R.write_reference(pd.concat([BRAZIL, BRAZIL]))
    with pytest.raises(ValueError, match="missing column"):
        R.write_reference(BRAZIL.drop(columns="name_ru"))


def test_regions_does_not_import_the_readers():
    code = "import sys, exportlab.regions; print(sorted(m for m in sys.modules if m.startswith('exportlab.io')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_one_matcher_for_every_kind_of_reference(tmp_path: Path):
    assert R.as_matcher(None) is R.default_matcher()
    own = RegionMatcher(historic=False)
    assert R.as_matcher(own) is own
    frame = R.as_matcher(BRAZIL)
    assert frame.match("SÃO PAULO") == "BR-SP" and frame.historic is None
    # a loose CSV (code column and name columns) works wherever a reference is accepted
    loose = tmp_path / "uf.csv"
    loose.write_text("region,name_pt,sigla\nBR-MT,Mato Grosso,MT\nBR-SP,São Paulo,SP\n", "utf-8")
    assert match_region("MT", reference=loose) == "BR-MT"
    assert region_name("BR-SP", reference=loose) == "São Paulo"
    first = R.as_matcher(loose)
    assert R.as_matcher(str(loose)) is first  # cached while the file is unchanged
    loose.write_text("region,name_pt,sigla\nBR-MT,Mato Grosso do Norte,MT\n", "utf-8")
    assert R.as_matcher(loose) is not first
    assert region_name("BR-MT", reference=loose) == "Mato Grosso do Norte"
    with pytest.raises(UnknownRegionError):
        match_region("SP", reference=loose)
    # the shipped file given by path: no historic table (only the default reference brings it)
    shipped = R.as_matcher(Path(R.__file__).parent / "data" / "regions.csv")
    assert shipped is not R.default_matcher() and shipped.historic is None


def test_match_labels_names_the_reason_and_distrusts_a_code_that_contradicts_its_name():
    table = R.match_labels(
        ["92000 - РЕСПУБЛИКА ТАТАРСТАН", "92000 - МОСКОВСКАЯ ОБЛАСТЬ", "Татарстн", "NNNNN"]
    )
    assert table.columns.tolist() == ["label", "region", "suggestions"]
    assert table["region"].tolist() == ["RU-TA", None, None, None]
    hints = table["suggestions"].tolist()
    assert hints[0] == ""
    assert hints[1].startswith("the code 92000 is ") and "(RU-MOS)" in hints[1]
    assert "closest: " in hints[2] and "(RU-TA)" in hints[2]
    assert "unknown territorial unit" in hints[3]


@pytest.mark.parametrize(
    ("text", "kind", "label"),
    [
        ("", "empty", ""),
        ("в том числе:", "including", "в том числе"),
        ("Российская Федерация1)", "country", "Российская Федерация"),
        ("Приволжский федеральный округ", "district", "Приволжский федеральный округ"),
        (
            "Архангельская область (без автономного округа)",
            "less_ao",
            "Архангельская область (без автономного округа)",
        ),
        ("Республика\nТатарстан 2)", "region", "Республика Татарстан"),
        ("Аpхангельская область", "region", "Архангельская область"),  # Latin p fixed
    ],
)
def test_row_labels_of_statistical_tables(text: str, kind: str, label: str):
    assert R.classify_label(text) == (kind, label)
    if kind == "less_ao":
        assert R.without_less_ao(label) == "Архангельская область"
