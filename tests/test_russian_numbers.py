"""Sentences the package writes for Russian readers use the decimal comma (labels.number), as tables do."""

from __future__ import annotations

import re

import pandas as pd

from exportlab import complexity, daed, typology

DECIMAL_POINT = re.compile(r"\d\.\d")


def test_expert_weights_summary_in_russian():
    ranks = pd.DataFrame(
        {
            "expert": list("aaaabbbbcccc"),
            "component": ["k1", "k2", "k3", "k4"] * 3,
            "rank": [1, 2, 3, 4] * 3,
        }
    )
    weights = daed.expert_weights(ranks)
    ru, en = weights.summary("ru"), weights.summary("en")
    assert "W = 1,000" in ru and not DECIMAL_POINT.search(ru), ru
    assert "W = 1.000" in en


def test_availability_note_in_russian():
    note = daed.availability_note(
        {"k1": None, "k2": None, "k3": "no rows", "k4": None},
        {c: 0.25 for c in daed.COMPONENTS},
        "ru",
    )
    assert "k1 0,333; k2 0,333; k4 0,333" in note and not DECIMAL_POINT.search(note), note


def test_diagnostics_note_in_russian():
    diag = {"log_supermodular_share": 0.16, "eci_diversity_rho": 0.67, "pci_ubiquity_rho": -0.68}
    ru = complexity.diagnostics_note(diag, "ru")
    assert "ρ = 0,67" in ru and "ρ = -0,68" in ru and ru.startswith("16%"), ru
    assert "ρ = 0.67" in complexity.diagnostics_note(diag, "en")


def test_region_sheet_in_russian():
    rng = pd.Series(range(8), dtype=float)
    df = pd.DataFrame(
        {
            "region": [f"RU-{c}" for c in ("MOW", "SPE", "TA", "BA", "KHM", "YAN", "SAK", "KEM")],
            "year": 2021,
            "daed_index": 0.05 + rng / 40,
            "resource_share": [0.05, 0.1, 0.6, 0.7, 0.08, 0.12, 0.65, 0.75],
        }
    )
    for c in daed.COMPONENTS:
        df[c] = 0.1 + rng / 17
        df[f"{c}_norm"] = rng / 7
    df["rank"] = df["daed_index"].rank(ascending=False, method="min").astype("Int64")
    typed = typology.add_types(df, typology.RegionTypes("quadrants"))
    sheet = typology.region_sheet("RU-TA", 2021, typed, "ru", thresholds=(0.1, 0.3))
    assert "0,100" in sheet and "30,0%" in sheet
    assert not DECIMAL_POINT.search(sheet), sheet
