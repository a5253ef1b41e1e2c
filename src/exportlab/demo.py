"""The synthetic demo data set, written in the real FCS layouts.

No product-level regional export data of Russia is openly available, so the workbench ships a
deterministic generator of *synthetic* data with a plausible structure to teach and test with:

* resource regions export fuels, ores, metals and timber to a few partners; federal cities and large
  industrial regions export many products; high-tech export is concentrated in a few regions
  (aerospace in Tatarstan, Samara, Perm, Voronezh, Irkutsk, Khabarovsk; pharmacy in Moscow, Kaluga,
  Yaroslavl, Kursk; electronics in Moscow, St Petersburg, Novosibirsk, Kaliningrad, …);
* the region × product matrix is nested, as real ones are: diversified regions export rare and
  common products, rare products are exported by diversified regions (a Zipf choice within sectors and
  a basket of common products whose reach grows with the region's breadth; :func:`_rows_for_region`),
  so ECI rises with diversity;
* every year some regions start exporting new products and serve new partner countries, and the
  partner mix drifts from European to Asian markets; a new product starts small (less than
  :data:`ENTRY_CAP` of the export of the region's other products in its first year, growing to its
  own level over :data:`ENTRY_RAMP` years; :func:`start_small`);
* codes are real HS 6-digit codes (edition-specific where HS 2017 changed them) extended to 10-digit
  TN VED codes; partners are real ISO 3166-1 alpha-2 codes.

:func:`write_demo` writes ``dattsvt_<year>.csv`` files (tab-separated DATTSVT, monthly periods; 2015–2017 in
the English unload's form, 2018–2021 in the Russian form with decimal commas), ``indicators.csv``
(regional indicators, tidy long layout), ``experts.csv`` (expert ranks of the DAED components),
``res_implementation.csv`` (Regional Export Standard instruments implemented), and ``PROVENANCE.json``
marking everything as synthetic. The same seed writes byte-identical files.

>>> from exportlab.demo import write_demo
>>> write_demo("data/raw/demo")                   # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import shutil
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from exportlab import __version__
from exportlab.errors import DemoFolderError
from exportlab.files import current_umask
from exportlab.regions import load_regions

YEARS: tuple[int, ...] = tuple(range(2015, 2022))
ENGLISH_LAYOUT_YEARS: tuple[int, ...] = (2015, 2016, 2017)
SOURCE = "exportlab synthetic demo data"


@dataclass(frozen=True)
class Product:
    """A product line of the demo catalogue: HS6 code by edition, sector and unit price (USD/kg)."""

    hs2012: str
    sector: str
    usd_per_kg: float
    hs2017: str | None = None

    def code(self, year: int) -> str:
        return self.hs2012 if year < 2017 or self.hs2017 is None else self.hs2017


def _p(codes: str, sector: str, price: float) -> list[Product]:
    out = []
    for code in codes.split():
        old, _, new = code.partition("/")
        out.append(Product(old, sector, price, new or None))
    return out


#: The demo's product catalogue by sector (HS 2012 code, "/HS 2017 code" where it changed).
CATALOGUE: tuple[Product, ...] = tuple(
    _p("270900 271019 271012 271111 271121 271311", "oil_gas", 0.45)
    + _p("270112 270119 270400", "coal", 0.09)
    + _p("271600", "electricity", 0.05)
    + _p("260111 260112 260300 260400 261390 261610", "ores", 0.12)
    + _p("710221 710231 710812 711021 711011", "precious", 30000.0)
    + _p("720712 720839 720851 721391 721049 720211 720241 720260", "steel", 0.55)
    + _p("740311 740200 750210 760110 760120 760611 810890", "nonferrous", 2.8)
    + _p("440320/440321 440710/440711 441231 441299 470321 480411", "timber", 0.35)
    + _p("310210 310420 310530 310540 281410 280469 281820", "fertilisers", 0.3)
    + _p("290121 390110 390210 293339 380891", "chemicals", 1.4)
    + _p("100199 100390 120510 120190 151211 151219 170199 230641", "agri", 0.3)
    + _p("030312 030366 030389 030475", "fish", 3.0)
    + _p("190590 220300 220860", "food", 2.0)
    + _p("870323 870332 870421 870899 860711 840734 840991 843149 842952", "machinery", 12.0)
    + _p("890190 850231 730890 731815 853710 850440", "machinery", 9.0)
    + _p("250100 251010 252329 680530", "minerals", 0.06)
    + _p("490199 852349 970600", "knowledge", 40.0)
    + _p("880240 880230 880212 880330 841112 841191 880260", "aerospace", 900.0)
    + _p("300490 300220 294200 300390", "pharmacy", 250.0)
    + _p("851712 851762 852990 854231 852872", "electronics", 400.0)
    + _p("847130 847150 847330", "computers", 300.0)
    + _p("902750 903180 901890 901819 901380 903289 903090", "instruments", 350.0)
    + _p("930190 930690", "armament", 150.0)
)

#: Partner markets by sector, with weights at the start of the period (the mix drifts east later).
MARKETS: dict[str, dict[str, float]] = {
    "energy": {
        "CN": 5,
        "NL": 6,
        "DE": 5,
        "IT": 3,
        "TR": 3,
        "KR": 2,
        "JP": 2,
        "PL": 3,
        "FI": 2,
        "BY": 2,
        "IN": 1,
        "FR": 1,
        "GB": 1,
    },
    "metals": {
        "NL": 3,
        "CN": 4,
        "TR": 3,
        "US": 2,
        "DE": 2,
        "IT": 2,
        "KZ": 1,
        "BE": 1,
        "CH": 2,
        "JP": 1,
        "KR": 1,
        "TW": 1,
        "IN": 1,
        "GB": 2,
    },
    "agri": {
        "TR": 5,
        "EG": 4,
        "CN": 3,
        "KZ": 2,
        "IR": 2,
        "SA": 1,
        "BD": 1,
        "NG": 1,
        "AZ": 1,
        "IL": 1,
        "VN": 1,
        "NL": 1,
        "KR": 1,
    },
    "industry": {
        "KZ": 5,
        "BY": 4,
        "UZ": 2,
        "CN": 2,
        "IN": 2,
        "DZ": 1,
        "EG": 1,
        "VN": 1,
        "KG": 1,
        "AM": 1,
        "MN": 1,
        "TR": 1,
        "DE": 2,
        "US": 1,
        "AZ": 1,
        "TM": 1,
    },
    "hightech": {
        "IN": 4,
        "CN": 4,
        "KZ": 3,
        "BY": 3,
        "VN": 2,
        "EG": 1,
        "DZ": 2,
        "US": 1,
        "DE": 1,
        "FR": 1,
        "UZ": 1,
        "AM": 1,
        "MY": 1,
        "ID": 1,
        "IR": 1,
        "TR": 1,
    },
}
SECTOR_MARKET = {
    "oil_gas": "energy",
    "coal": "energy",
    "electricity": "energy",
    "ores": "metals",
    "precious": "metals",
    "steel": "metals",
    "nonferrous": "metals",
    "timber": "industry",
    "fertilisers": "agri",
    "chemicals": "industry",
    "agri": "agri",
    "fish": "agri",
    "food": "agri",
    "machinery": "industry",
    "minerals": "industry",
    "knowledge": "hightech",
    "aerospace": "hightech",
    "pharmacy": "hightech",
    "electronics": "hightech",
    "computers": "hightech",
    "instruments": "hightech",
    "armament": "hightech",
}
#: Partners of the long tail of small markets (ISO 3166-1 alpha-2).
WORLD: tuple[str, ...] = tuple(
    """AE AF AL AM AO AR AT AU AZ BA BD BE BG BH BO BR BY CA CH CL CM CN CO CR CU CY CZ DE DK DO DZ
    EC EE EG ES ET FI FR GB GE GH GR GT HK HR HU ID IE IL IN IQ IR IS IT JO JP KE KG KH KR KW KZ LA
    LB LK LT LU LV LY MA MD ME MK ML MM MN MT MX MY MZ NG NL NO NP NZ OM PA PE PH PK PL PT PY QA RO
    RS SA SD SE SG SI SK SN SY TH TJ TM TN TR TW TZ UA UG US UY UZ VE VN YE ZA ZM ZW""".split()
)
EASTERN = {"CN", "IN", "TR", "VN", "KR", "IR", "EG", "SA", "AE", "MY", "ID", "UZ", "KZ", "MN"}

#: Sector mix of region archetypes (relative weights).
ARCHETYPES: dict[str, dict[str, float]] = {
    "capital": {
        "oil_gas": 30,
        "steel": 4,
        "nonferrous": 4,
        "precious": 4,
        "machinery": 8,
        "chemicals": 4,
        "food": 3,
        "knowledge": 0.5,
        "aerospace": 0.4,
        "pharmacy": 0.6,
        "electronics": 0.8,
        "computers": 0.4,
        "instruments": 0.6,
        "armament": 0.3,
        "agri": 3,
        "fertilisers": 3,
        "timber": 1,
        "fish": 1,
    },
    "oil": {"oil_gas": 90, "chemicals": 4, "machinery": 1},
    "gas": {"oil_gas": 95, "chemicals": 3},
    "coal": {"coal": 85, "steel": 4, "machinery": 1, "chemicals": 2},
    "metals": {"steel": 45, "nonferrous": 25, "ores": 15, "machinery": 5, "coal": 5},
    "ores": {"ores": 55, "precious": 20, "nonferrous": 15, "coal": 5},
    "timber": {"timber": 75, "fish": 5, "machinery": 3, "food": 2},
    "fish": {"fish": 70, "timber": 10, "oil_gas": 10, "food": 2},
    "agri": {
        "agri": 60,
        "food": 12,
        "fertilisers": 5,
        "machinery": 6,
        "chemicals": 3,
        "oil_gas": 8,
    },
    "industrial": {
        "machinery": 30,
        "oil_gas": 6,
        "chemicals": 15,
        "steel": 10,
        "food": 10,
        "agri": 10,
        "fertilisers": 5,
        "instruments": 0.6,
        "pharmacy": 0.4,
        "electronics": 0.4,
    },
    "chemicals": {"fertilisers": 40, "chemicals": 25, "oil_gas": 20, "machinery": 5},
    "small": {
        "agri": 25,
        "food": 25,
        "machinery": 15,
        "minerals": 15,
        "timber": 10,
        "oil_gas": 6,
        "coal": 2,
    },
}

#: Region archetype and total export (million USD in 2015) — the rest are "small" with random size.
REGION_PROFILE: dict[str, tuple[str, float]] = {
    "RU-MOW": ("capital", 150000),
    "RU-SPE": ("capital", 18000),
    "RU-MOS": ("industrial", 6500),
    "RU-KHM": ("oil", 9000),
    "RU-YAN": ("gas", 8000),
    "RU-TYU": ("oil", 2500),
    "RU-SAK": ("gas", 9000),
    "RU-NEN": ("oil", 2000),
    "RU-KO": ("oil", 1800),
    "RU-ORE": ("gas", 2200),
    "RU-AST": ("gas", 900),
    "RU-TOM": ("oil", 700),
    "RU-TA": ("industrial", 11000),
    "RU-BA": ("chemicals", 4500),
    "RU-SAM": ("industrial", 3200),
    "RU-PER": ("chemicals", 4200),
    "RU-KEM": ("coal", 9500),
    "RU-KK": ("metals", 1400),
    "RU-TY": ("coal", 150),
    "RU-KYA": ("metals", 5000),
    "RU-MUR": ("ores", 2800),
    "RU-SA": ("ores", 4200),
    "RU-CHU": ("ores", 500),
    "RU-MAG": ("ores", 700),
    "RU-AMU": ("ores", 450),
    "RU-ZAB": ("ores", 400),
    "RU-BEL": ("metals", 2600),
    "RU-KRS": ("ores", 900),
    "RU-LIP": ("metals", 4500),
    "RU-VLG": ("metals", 4200),
    "RU-CHE": ("metals", 5200),
    "RU-SVE": ("metals", 6200),
    "RU-IRK": ("timber", 6800),
    "RU-ARK": ("timber", 1500),
    "RU-KR": ("timber", 900),
    "RU-PRI": ("fish", 2500),
    "RU-KAM": ("fish", 800),
    "RU-KHA": ("timber", 2000),
    "RU-KDA": ("agri", 6500),
    "RU-ROS": ("agri", 5800),
    "RU-STA": ("agri", 900),
    "RU-VGG": ("agri", 2200),
    "RU-SAR": ("agri", 1300),
    "RU-ALT": ("agri", 700),
    "RU-NVS": ("industrial", 1600),
    "RU-NIZ": ("industrial", 3800),
    "RU-LEN": ("chemicals", 7000),
    "RU-KGD": ("industrial", 1500),
    "RU-KLU": ("industrial", 1400),
    "RU-YAR": ("industrial", 1500),
    "RU-TUL": ("industrial", 1800),
    "RU-VOR": ("agri", 900),
    "RU-UD": ("industrial", 1300),
    "RU-SMO": ("industrial", 800),
    "RU-NGR": ("chemicals", 1400),
    "RU-VLA": ("industrial", 800),
    "RU-TVE": ("industrial", 500),
    "RU-KIR": ("timber", 500),
    "RU-OMS": ("agri", 900),
    "RU-OREN": ("gas", 2200),
}

#: High-tech specialisations: region → (sector, share of the region's export).
HIGHTECH: dict[str, list[tuple[str, float]]] = {
    "RU-TA": [("aerospace", 0.03), ("electronics", 0.004)],
    "RU-SAM": [("aerospace", 0.05)],
    "RU-PER": [("aerospace", 0.025), ("instruments", 0.004)],
    "RU-VOR": [("aerospace", 0.06)],
    "RU-IRK": [("aerospace", 0.05)],
    "RU-KHA": [("aerospace", 0.09)],
    "RU-SVE": [("aerospace", 0.01), ("instruments", 0.006)],
    "RU-TUL": [("armament", 0.12)],
    "RU-UD": [("armament", 0.09)],
    "RU-ROS": [("aerospace", 0.02)],
    "RU-MOW": [
        ("aerospace", 0.004),
        ("pharmacy", 0.01),
        ("electronics", 0.02),
        ("computers", 0.01),
        ("instruments", 0.01),
    ],
    "RU-SPE": [
        ("electronics", 0.04),
        ("instruments", 0.03),
        ("pharmacy", 0.02),
        ("computers", 0.015),
    ],
    "RU-MOS": [("pharmacy", 0.04), ("electronics", 0.02), ("instruments", 0.02)],
    "RU-KLU": [("pharmacy", 0.08)],
    "RU-YAR": [("pharmacy", 0.05), ("aerospace", 0.02)],
    "RU-KRS": [("pharmacy", 0.02)],
    "RU-NVS": [("electronics", 0.05), ("instruments", 0.03)],
    "RU-TOM": [("instruments", 0.02)],
    "RU-KGD": [("electronics", 0.15), ("computers", 0.03)],
    "RU-NIZ": [("electronics", 0.02), ("instruments", 0.02)],
    "RU-VLA": [("pharmacy", 0.02)],
    "RU-OMS": [("aerospace", 0.004)],
    "RU-AL": [("aerospace", 0.002)],
}

#: Nested structure of the product choice (see :func:`_rows_for_region`): the Zipf exponent of
#: the choice of a product within a sector (catalogue order = commonest first), the elasticity of
#: the basket's reach along :data:`LADDER` with the region's breadth, and the basket's share of
#: the region's export.
ZIPF = 1.5
BASKET = 0.7
BASKET_SHARE = 0.15
#: New products start small (:func:`start_small`): in its first year a product the region did not
#: export before exports less than ``ENTRY_CAP`` of the region's export of the products it already
#: exports (a soft cap), and reaches its own level after ``ENTRY_RAMP`` years.
ENTRY_CAP = 0.02
ENTRY_RAMP = 3
#: Sectors from the commonest to the rarest, for the ladder of common products.
_LADDER_SECTORS = (
    "food",
    "agri",
    "timber",
    "minerals",
    "machinery",
    "chemicals",
    "fish",
    "steel",
    "fertilisers",
    "nonferrous",
    "oil_gas",
    "coal",
    "ores",
    "precious",
)


def _ladder() -> tuple[Product, ...]:
    """Non-high-tech products from the commonest to the rarest: ordered by the position in the
    product's sector (catalogue order) plus 0.3 per step down :data:`_LADDER_SECTORS`, so the
    first products of the common sectors come first and those of the rare ones later."""
    by_sector = {s: [p for p in CATALOGUE if p.sector == s] for s in _LADDER_SECTORS}
    keyed = [
        (i + 0.3 * level, product)
        for level, s in enumerate(_LADDER_SECTORS)
        for i, product in enumerate(by_sector[s])
    ]
    return tuple(product for _, product in sorted(keyed, key=lambda kp: kp[0]))


LADDER = _ladder()

#: How many products a region exports, by archetype (full size).
BREADTH: dict[str, int] = {
    "capital": 110,
    "industrial": 45,
    "chemicals": 22,
    "agri": 20,
    "metals": 18,
    "timber": 14,
    "fish": 10,
    "oil": 9,
    "gas": 8,
    "coal": 9,
    "ores": 10,
    "small": 12,
}


def _commonness(n: int, exponent: float = ZIPF) -> np.ndarray:
    """Probabilities of the ``n`` products of a sector, in catalogue order: Zipf's law."""
    w = 1.0 / np.arange(1, n + 1) ** exponent
    return w / w.sum()


def _rows_for_region(rng: np.random.Generator, iso: str, size: str) -> pd.DataFrame:
    """Annual export records ``(year, product, partner, value_usd)`` of one region.

    The choice of products makes the region × product matrix *nested*, as real export matrices
    are (Hidalgo & Hausmann 2009; Bustos et al. 2012, "The dynamics of nestedness predicts the
    evolution of industrial ecosystems"): within a sector, products are drawn by Zipf's law over
    the catalogue order (:func:`_commonness`), so narrow regions export the commonest lines and
    only broad regions reach the rare ones; and every region exports a *basket* — the first
    ``reach`` products of the cross-sector :data:`LADDER`, ``reach`` growing with the archetype's
    breadth as ``len(LADDER) * (breadth / max breadth) ** BASKET`` (a soft cut: product ``k`` is
    in with probability ``1 / (1 + exp((k - reach) / 2))``), together :data:`BASKET_SHARE` of its
    export. Diversified regions thus export rare and common products, rare products are exported
    by diversified regions, and ECI rises with diversity (``tests/test_demo.py``).
    """
    archetype, base_musd = REGION_PROFILE.get(iso, ("small", float(rng.lognormal(4.6, 0.8))))
    mix = ARCHETYPES[archetype]
    sectors = np.array(list(mix))
    weights = np.array(list(mix.values()), dtype=float)
    products_by_sector = {s: [p for p in CATALOGUE if p.sector == s] for s in SECTOR_MARKET}
    breadth = BREADTH[archetype] // (3 if size == "small" else 1)
    breadth = max(breadth, 4)

    # Choose product lines: sector by weight, then a product of that sector, common ones first.
    chosen: dict[str, tuple[Product, float]] = {}
    for _ in range(breadth * 3):
        if len(chosen) >= breadth:
            break
        sector = rng.choice(sectors, p=weights / weights.sum())
        options = products_by_sector[sector]
        pick = rng.choice(len(options), p=_commonness(len(options)))
        product = options[pick]
        if product.hs2012 not in chosen:
            chosen[product.hs2012] = (product, mix[sector] * rng.lognormal(0, 0.7))
    # The nested basket: the commonest products of the ladder, more of them the broader the region.
    reach = len(LADDER) * (BREADTH[archetype] / max(BREADTH.values())) ** BASKET
    reach = max(reach / (3 if size == "small" else 1), 2.0)
    for rank, product in enumerate(LADDER):
        if rng.random() < 1.0 / (1.0 + np.exp((rank - reach) / 2.0)):
            share = BASKET_SHARE / reach * rng.lognormal(0, 0.3)
            chosen.setdefault(product.hs2012, (product, -share))  # negative: a fixed share
    for sector, share in HIGHTECH.get(iso, []):
        options = products_by_sector[sector]
        for product in rng.permutation(np.array(options, dtype=object))[: 1 + len(options) // 3]:
            chosen[product.hs2012] = (product, -share)  # negative: a fixed share, set below

    lines = []
    diversifier = archetype in {"capital", "industrial", "agri", "chemicals", "small"}
    for product, weight in chosen.values():
        market = MARKETS[SECTOR_MARKET[product.sector]]
        names = np.array(list(market))
        p = np.array(list(market.values()), dtype=float)
        n_partners = int(min(len(names), 1 + rng.poisson(2.0 if weight > 0 else 3.0)))
        partners = rng.choice(names, size=n_partners, replace=False, p=p / p.sum())
        # Lines of diversifying regions appear over time: new goods and new markets.
        if diversifier and rng.random() < 0.35:
            start = int(rng.integers(YEARS[1], YEARS[-1] + 1))
        else:
            start = YEARS[0]
        for partner in partners:
            partner_start = start
            if rng.random() < (0.3 if diversifier else 0.12):
                partner_start = int(rng.integers(start, YEARS[-1] + 1))
            lines.append((product, weight, str(partner), partner_start))

    # A long tail of small markets, most of them entered during the period (new geographic markets).
    products = [product for product, _, _, _ in lines]
    free = sum(w for _, w, _, _ in lines if w > 0) or 1.0
    for _ in range(int(breadth * 1.5)):
        product = products[int(rng.integers(len(products)))]
        partner = str(WORLD[int(rng.integers(len(WORLD)))])
        start = YEARS[0] if rng.random() < 0.3 else int(rng.integers(YEARS[1], YEARS[-1] + 1))
        lines.append((product, free * float(rng.uniform(0.0005, 0.004)), partner, start))

    fixed = sum(-w for _, w, _, _ in lines if w < 0)
    free_total = sum(w for _, w, _, _ in lines if w > 0) or 1.0
    growth = rng.normal(0.0, 0.04)
    records = []
    for product, weight, partner, first_year in lines:
        n_same = sum(1 for q, _, _, _ in lines if q is product)
        share = (-weight / n_same) if weight < 0 else (1 - min(fixed, 0.5)) * weight / free_total
        trend = rng.normal(growth, 0.08)
        east = 0.06 if partner in EASTERN else -0.05
        stop = YEARS[-1] + 1 if rng.random() > 0.05 else int(rng.integers(YEARS[2], YEARS[-1] + 1))
        if first_year > YEARS[0] and rng.random() < 0.35:
            # Trial exports: many new lines are dropped after a year or two.
            stop = min(stop, first_year + int(rng.integers(1, 3)))
        for year in YEARS:
            if year < first_year or year >= stop:
                continue
            t = year - YEARS[0]
            shock = 0.78 if year == 2020 else 1.0
            value = base_musd * 1e6 * share * np.exp((trend + east) * t) * shock
            value *= rng.lognormal(0, 0.15)
            records.append((year, product, partner, value))
    return start_small(records)


def start_small(
    records: list[tuple[int, Product, str, float]],
    cap: float = ENTRY_CAP,
    ramp: int = ENTRY_RAMP,
) -> list[tuple[int, Product, str, float]]:
    """New products start small: cap a product's first-year export and let it grow to its level.

    ``records`` are one region's annual ``(year, product, partner, value_usd)``. A product first
    exported in year ``f`` after the region's first year, with ``v`` USD that year while the products
    the region already exported (first exported before ``f``, earlier entrants at their capped
    values) export ``I``, is an *entrant*: its export in year ``f + k`` (every partner) is
    multiplied by ``s ** (1 - k / ramp)`` for ``k < ramp``, with ``s = 1 / (1 + v / (cap · I))``.
    In its first year it exports ``v / (1 + v / (cap · I))`` — about ``v`` when that is small, less
    than ``cap · I`` however large ``v`` was drawn (a soft cap: no two regions' shares of new
    products pile up at the cap) — and its own level from year ``f + ramp`` on. The first year's
    products and later re-entries are kept as drawn.

    New export lines start small and grow (Besedeš & Prusa 2006, "Ins, outs, and the duration of
    trade", Canadian Journal of Economics 39(1); Eaton, Eslava, Kugler & Tybout 2008, "The margins
    of entry into export markets: evidence from Colombia"): without the cap, a small region's
    product drawn as half of its export could appear from nothing in one year, and the demo's
    K1 jumped from year to year by a few such draws.

    >>> from exportlab.demo import CATALOGUE, start_small
    >>> old, new = CATALOGUE[0], CATALOGUE[1]
    >>> rec = [(2015, old, "CN", 100.0), (2016, old, "CN", 100.0), (2016, new, "CN", 50.0),
    ...        (2017, old, "CN", 100.0), (2017, new, "CN", 50.0)]
    >>> [round(v, 2) for *_, v in start_small(rec, cap=0.02, ramp=2)]
    [100.0, 100.0, 1.92, 100.0, 9.81]
    """
    if not records:
        return records
    by_year: dict[int, dict[str, float]] = {}
    first: dict[str, int] = {}
    for year, product, _, value in records:
        cell = by_year.setdefault(year, {})
        cell[product.hs2012] = cell.get(product.hs2012, 0.0) + value
        first[product.hs2012] = min(first.get(product.hs2012, year), year)
    factor: dict[str, float] = {}

    def scale(code: str, year: int) -> float:
        k = year - first[code]
        return factor[code] ** (1.0 - k / ramp) if code in factor and k < ramp else 1.0

    start = min(first.values())
    for year in sorted(by_year):  # earlier entrants count at their capped, ramping values
        if year == start:
            continue
        cell = by_year[year]
        incumbents = sum(v * scale(c, year) for c, v in cell.items() if first[c] < year)
        for code in sorted(c for c in cell if first[c] == year):
            if incumbents > 0:  # v -> v / (1 + v / (cap * I)): below cap * I, no pile-up at it
                factor[code] = 1.0 / (1.0 + cell[code] / (cap * incumbents))
    return [(y, p, c, v * scale(p.hs2012, y)) for y, p, c, v in records]


def _monthly(rng: np.random.Generator, records: list, size: str) -> pd.DataFrame:
    """Spread each annual line over 2–12 random months (2–6 for the small data set)."""
    n = len(records)
    columns = ["year", "month", "tnved", "partner", "value_usd", "netto_kg"]
    if n == 0:
        return pd.DataFrame(columns=columns)
    value = np.array([r[3] for r in records])
    k = rng.integers(2, 7 if size == "small" else 13, size=n)
    months = np.argsort(rng.random((n, 12)), axis=1) + 1
    active = np.arange(12) < k[:, None]
    weights = rng.gamma(1.0, size=(n, 12)) * active
    split = weights / weights.sum(axis=1, keepdims=True)
    suffix = np.where(
        rng.random(n) < 0.7, "0000", rng.choice(["1000", "9000", "2000", "8000"], size=n)
    )
    tnved = np.array([r[1].code(r[0]) for r in records], dtype=object) + suffix
    price = np.array([r[1].usd_per_kg for r in records]) * rng.lognormal(0, 0.2, size=n)
    row, col = np.nonzero(active)
    values = np.round(value[row] * split[row, col], 2)
    frame = pd.DataFrame(
        {
            "year": np.array([r[0] for r in records])[row],
            "month": months[row, col],
            "tnved": tnved[row],
            "partner": np.array([r[2] for r in records], dtype=object)[row],
            "value_usd": values,
            "netto_kg": np.round(values / price[row], 1),
        }
    )
    return frame[frame["value_usd"] > 0]


def generate_trade(size: str = "full", seed: int = 2021) -> pd.DataFrame:
    """The demo export rows before formatting: ``year, month, region, tnved, partner, value_usd, netto_kg``.

    A small share of import rows is added (the reader must separate flows), and a few rows carry the
    FCS confidential code ``XXXXXXXXXX``.
    """
    if size not in ("full", "small"):
        raise ValueError(f"size must be 'full' or 'small', got {size!r}")
    regions = load_regions()
    regions = regions[regions["added"].fillna("").astype(str) != "2022"]
    frames = []
    for iso in sorted(regions["iso"]):
        rng = np.random.default_rng([seed, zlib.crc32(iso.encode())])
        frame = _monthly(rng, _rows_for_region(rng, iso, size), size)
        frame.insert(2, "region", iso)
        frame["flow"] = "export"
        # Imports: a thinner mirror of machinery and food lines.
        imports = frame.sample(frac=0.12, random_state=int(rng.integers(1 << 31))).copy()
        imports["flow"] = "import"
        imports["value_usd"] = (imports["value_usd"] * 0.6).round(2)
        frames += [frame, imports]
    trade = pd.concat(frames, ignore_index=True)
    rng = np.random.default_rng(seed)
    confidential = rng.choice(len(trade), size=max(3, len(trade) // 20000), replace=False)
    trade.loc[confidential, "tnved"] = "XXXXXXXXXX"
    return trade.sort_values(["year", "region", "month", "tnved", "partner", "flow"]).reset_index(
        drop=True
    )


def _format_number(values: pd.Series, decimal_comma: bool) -> pd.Series:
    text = values.round(2).astype(str).str.removesuffix(".0")
    return text.str.replace(".", ",", regex=False) if decimal_comma else text


def dattsvt_frame(trade: pd.DataFrame, year: int, english: bool) -> pd.DataFrame:
    """The rows of one year in the DATTSVT layout (English or Russian unload)."""
    part = trade[trade["year"] == year]
    reference = load_regions().set_index("iso").loc[part["region"]]
    codes = reference["fcs_code"].to_numpy()
    if english:
        napr = part["flow"].map({"export": "EXP", "import": "IMP"})
        labels = reference["fcs_label_en"].to_numpy()
        district = reference["district_en"].str.upper().to_numpy()
        district_suffix = " FEDERAL DISTRICT"
    else:
        napr = part["flow"].map({"export": "ЭК", "import": "ИМ"})
        labels = reference["fcs_label_ru"].to_numpy()
        district = reference["district_ru"].str.upper().to_numpy()
        district_suffix = " ФЕДЕРАЛЬНЫЙ ОКРУГ"
    district_codes = reference["district_code"].to_numpy()
    out = pd.DataFrame(
        {
            "napr": napr.to_numpy(),
            "period": part["month"].map("{:02d}".format).to_numpy() + f"/{year}",
            "nastranapr": part["partner"].to_numpy(),
            "tnved": part["tnved"].to_numpy(),
            "edizm": np.where(part["tnved"].str.startswith(("87", "88", "93")), "796", ""),
            "Stoim": _format_number(part["value_usd"], not english).to_numpy(),
            "Netto": _format_number(part["netto_kg"], not english).to_numpy(),
            "Kol": np.where(part["tnved"].str.startswith(("87", "88", "93")), "1", "0"),
            "Region": codes + " - " + labels,
            "Region_s": district_codes + "-" + district + district_suffix,
        }
    )
    return out


def indicators_frame(trade: pd.DataFrame, seed: int = 2021) -> pd.DataFrame:
    """Synthetic regional indicators (tidy long layout) consistent with the demo trade."""
    rng = np.random.default_rng([seed, 1])
    regions = load_regions()
    regions = regions[regions["added"].fillna("").astype(str) != "2022"]
    from exportlab.classify import resource_classes

    shipped = trade[(trade["flow"] == "export") & (trade["tnved"] != "XXXXXXXXXX")]
    nne = resource_classes(shipped["tnved"].str[:6]).to_numpy() == "nne"
    exports = shipped[nne].groupby(["region", "year"])["value_usd"].sum().unstack()
    rows = []
    for iso in sorted(regions["iso"]):
        archetype = REGION_PROFILE.get(iso, ("small", 0))[0]
        resource = archetype in {"oil", "gas", "coal", "ores", "metals"}
        population = float(rng.lognormal(14.0, 0.6)) if iso != "RU-MOW" else 12.6e6
        grp_pc = float(rng.lognormal(12.9, 0.35)) * (2.4 if archetype in {"oil", "gas"} else 1.0)
        grp_pc *= 2.0 if archetype == "capital" else 1.0
        unemployment = float(np.clip(rng.normal(5.5, 1.8), 1.0, 14.0))
        if iso in {"RU-IN", "RU-CE", "RU-DA", "RU-TY", "RU-KB", "RU-KC"}:
            unemployment += 8.0
        mining = (
            float(np.clip(rng.normal(48, 12), 31, 80))
            if archetype in {"oil", "gas", "coal", "ores"}
            else float(np.clip(rng.normal(6, 5), 0.0, 25))
        )
        for year in range(2009, 2022):
            t = year - 2015
            value = {"mining_share_grp_pct": mining + rng.normal(0, 1.5)}
            if year >= 2015:
                grp_pc_t = grp_pc * (1.06**t) * rng.lognormal(0, 0.03)
                export = float(exports.loc[iso, year]) if iso in exports.index else 0.0
                export = 0.0 if np.isnan(export) else export
                value.update(
                    {
                        "population": population * (0.998**t),
                        "grp_per_capita_rub": grp_pc_t,
                        "grp_rub": grp_pc_t * population,
                        "unemployment_pct": unemployment + rng.normal(0, 0.4),
                        "investment_per_capita_rub": grp_pc_t * rng.uniform(0.12, 0.35),
                        "rnd_spending_rub": grp_pc_t * population * rng.uniform(0.001, 0.02),
                        "sme_exporters": float(rng.poisson(40 + population / 40000) * (1.05**t)),
                        "sme_nne_export_usd": export
                        * rng.uniform(0.04, 0.25)
                        * rng.uniform(0.02, 0.2)
                        * (1.0 if resource else 2.0),
                        "shipped_output_rub": grp_pc_t * population * rng.uniform(0.4, 0.9),
                        "innovative_output_rub": grp_pc_t * population * rng.uniform(0.005, 0.08),
                        "budget_revenue_rub": grp_pc_t * population * rng.uniform(0.08, 0.16),
                        "rnd_it_export_usd": export * rng.uniform(0.0, 0.02),
                        "sales_revenue_rub": grp_pc_t * population * rng.uniform(1.2, 2.0),
                    }
                )
            rows += [(iso, year, k, float(v)) for k, v in value.items()]
        # State and regional support of NNE export, 2019–2024 (national project period).
        support = float(rng.lognormal(18.5, 1.0)) * (3.0 if archetype == "capital" else 1.0)
        for year in range(2019, 2025):
            rows.append(
                (iso, year, "nne_support_rub", support * rng.lognormal(0.05 * (year - 2019), 0.2))
            )
    frame = pd.DataFrame(rows, columns=["region", "year", "indicator", "value"])
    frame["value"] = frame["value"].round(3)
    return frame.sort_values(["indicator", "region", "year"]).reset_index(drop=True)


def experts_frame(seed: int = 2021, n_experts: int = 7) -> pd.DataFrame:
    """Synthetic expert ranks of the DAED components (1 = most important), in broad agreement."""
    rng = np.random.default_rng([seed, 2])
    consensus = np.array([1.0, 2.0, 3.2, 3.8])  # k1 new goods > k2 new markets > k3 > k4
    rows = []
    for e in range(1, n_experts + 1):
        noisy = consensus + rng.normal(0, 0.7, size=4)
        ranks = noisy.argsort().argsort() + 1
        rows += [(f"E{e}", f"k{j + 1}", int(r)) for j, r in enumerate(ranks)]
    return pd.DataFrame(rows, columns=["expert", "component", "rank"])


def implementation_frame(seed: int = 2021) -> pd.DataFrame:
    """Synthetic implementation dates of the Regional Export Standard's instruments per region."""
    from exportlab.standard import INSTRUMENTS

    rng = np.random.default_rng([seed, 3])
    regions = load_regions()
    regions = regions[regions["added"].fillna("").astype(str) != "2022"]
    rows = []
    for iso in sorted(regions["iso"]):
        diligence = rng.uniform(0.4, 1.0)
        for instrument in INSTRUMENTS:
            if rng.random() > diligence:
                continue
            day = pd.Timestamp("2020-01-15") + pd.Timedelta(days=int(rng.integers(0, 700)))
            rows.append((iso, instrument, day.date().isoformat()))
    return pd.DataFrame(rows, columns=["region", "instrument", "implemented_on"])


README = """Synthetic demo data / Синтетические демонстрационные данные
===============================================================

EN: These files are SYNTHETIC. They imitate the layout of the Federal Customs Service open-data unload
(DATTSVT: region x TN VED code x partner x month) and of regional statistics, with a plausible structure,
but they are NOT real statistics. Generated by exportlab.demo (seed {seed}, size {size}).

RU: Эти файлы СИНТЕТИЧЕСКИЕ. Они повторяют формат открытых данных ФТС (DATTSVT: регион x код ТН ВЭД x
страна x месяц) и региональной статистики, но НЕ являются реальной статистикой.
"""


PROVENANCE_FILE = "PROVENANCE.json"


@dataclass(frozen=True)
class DemoFolder:
    """What a folder is to the demo generator.

    ``state`` is ``"missing"`` (no such path), ``"empty"`` (an empty folder), ``"demo"`` (written by
    :func:`write_demo` and unchanged since: only files it wrote, with the contents it wrote) or
    ``"user"`` (anything else: a file, or a folder holding a file the demo did not write).
    ``foreign`` names a few of the files that make a folder ``"user"``; ``provenance`` is the demo's
    ``PROVENANCE.json`` (``seed``, ``size``, ``years``, ``files``) when there is one.
    """

    path: Path
    state: str
    provenance: dict
    foreign: tuple[str, ...] = ()

    @property
    def size(self) -> str | None:
        return self.provenance.get("size")

    @property
    def seed(self) -> int | None:
        return self.provenance.get("seed")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _demo_names() -> set[str]:
    """Names of the files :func:`write_demo` writes (for folders written before it listed them)."""
    return {
        *(f"dattsvt_{year}.csv" for year in YEARS),
        "indicators.csv",
        "experts.csv",
        "res_implementation.csv",
        "README.txt",
        PROVENANCE_FILE,
    }


def inspect_folder(folder: str | os.PathLike[str], *, check_contents: bool = True) -> DemoFolder:
    """Whether ``folder`` is missing, empty, the demo's own, or holds user files.

    A folder is the demo's only when its ``PROVENANCE.json`` says so and every file in it (hidden
    ones and subfolders included) is one the demo wrote, with the SHA-256 recorded there
    (``check_contents=False`` compares names only).

    >>> import tempfile
    >>> inspect_folder(tempfile.mkdtemp()).state
    'empty'
    """
    path = Path(folder).expanduser()
    if not path.exists() and not path.is_symlink():
        return DemoFolder(path, "missing", {})
    if not path.is_dir():
        return DemoFolder(path, "user", {}, (path.name,))
    if not any(path.iterdir()):
        return DemoFolder(path, "empty", {})
    provenance: dict = {}
    marker = path / PROVENANCE_FILE
    if marker.is_file() and not marker.is_symlink():
        try:
            loaded = json.loads(marker.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            loaded = None
        if isinstance(loaded, dict) and loaded.get("synthetic") is True:
            if loaded.get("source") == SOURCE:
                provenance = loaded
    if not provenance:  # the user's folder (possibly a whole project): name a few of its entries
        names = sorted(p.name for p in itertools.islice(path.iterdir(), 50))
        return DemoFolder(path, "user", {}, tuple(names[:5]))
    entries = sorted(p for p in path.rglob("*") if p.is_file() or p.is_symlink())
    others = [p for p in path.rglob("*") if p.is_dir() and not any(p.iterdir())]
    recorded = provenance.get("files")
    foreign = []
    for entry in [*entries, *others]:
        name = entry.relative_to(path).as_posix()
        if name == PROVENANCE_FILE:
            continue
        if entry.is_symlink() or not entry.is_file():
            foreign.append(name)
        elif isinstance(recorded, dict):
            if name not in recorded or (check_contents and _sha256(entry) != recorded[name]):
                foreign.append(name)
        elif name not in _demo_names():
            foreign.append(name)
    if foreign:
        return DemoFolder(path, "user", provenance, tuple(foreign[:5]))
    return DemoFolder(path, "demo", provenance)


def refusal(folder: DemoFolder) -> str:
    """Why the demo generator will not write into ``folder`` (a ``"user"`` folder)."""
    files = ", ".join(folder.foreign)
    what = (
        "is a file" if not folder.path.is_dir() else f"holds files the demo did not write ({files})"
    )
    return (
        f"{folder.path} {what}; the demo generator writes only into a new or empty folder or one it "
        "wrote itself, so nothing there was changed"
    )


def write_demo(raw_dir: str | os.PathLike[str], size: str = "full", seed: int = 2021) -> Path:
    """Write the demo data set into ``raw_dir``; returns the folder.

    ``raw_dir`` must be missing, empty or a folder the demo wrote itself (:func:`inspect_folder`);
    anything else raises :class:`DemoFolderError` and nothing is touched. The new files are written
    into a sibling temporary folder that then takes the place of ``raw_dir``, so the folder is
    always either the old demo or the complete new one.
    """
    target = Path(raw_dir).expanduser()
    if target.is_symlink():
        target = target.resolve()
    found = inspect_folder(target)
    if found.state == "user":
        raise DemoFolderError(refusal(found))
    if size not in ("full", "small"):
        raise ValueError(f"demo size must be 'full' or 'small', got {size!r}")
    target.parent.mkdir(parents=True, exist_ok=True)
    trade = generate_trade(size=size, seed=seed)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    staging.chmod(0o777 & ~current_umask())
    old: Path | None = None
    try:
        for year in YEARS:
            english = year in ENGLISH_LAYOUT_YEARS
            frame = dattsvt_frame(trade, year, english)
            frame.to_csv(
                staging / f"dattsvt_{year}.csv", sep="\t", index=False, lineterminator="\n"
            )
        indicators_frame(trade, seed).to_csv(
            staging / "indicators.csv", index=False, lineterminator="\n"
        )
        experts_frame(seed).to_csv(staging / "experts.csv", index=False, lineterminator="\n")
        implementation_frame(seed).to_csv(
            staging / "res_implementation.csv", index=False, lineterminator="\n"
        )
        (staging / "README.txt").write_text(README.format(seed=seed, size=size), encoding="utf-8")
        provenance = {
            "synthetic": True,
            "source": SOURCE,
            "generator": f"exportlab.demo {__version__}",
            "seed": seed,
            "size": size,
            "years": list(YEARS),
            "layout": "FCS DATTSVT (tab-separated; English unload 2015-2017, Russian 2018-2021)",
            "files": {p.name: _sha256(p) for p in sorted(staging.iterdir())},
        }
        (staging / PROVENANCE_FILE).write_text(
            json.dumps(provenance, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
            encoding="utf-8",
        )
        if found.state == "missing":
            os.replace(staging, target)
        elif found.state == "empty":
            os.replace(staging, target)  # rename(2) replaces an empty folder
        else:
            # Swap: the old demo goes to a sibling folder, the new one takes its place.
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            os.replace(target, old)
            os.replace(staging, target)
            if inspect_folder(old).state == "demo":
                shutil.rmtree(old)
            else:  # a file appeared while the demo was being written: keep it
                kept = old.with_name(f"{target.name}.kept-{old.name.rsplit('-', 1)[-1]}")
                os.replace(old, kept)
                raise DemoFolderError(
                    f"a file appeared in {target} while the demo was being written; the old "
                    f"folder with it is kept as {kept}"
                )
            old = None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if old is not None and old.exists() and not target.exists():
            os.replace(old, target)  # the swap did not happen: the old demo goes back
    return target


def ensure_demo(
    raw_dir: str | os.PathLike[str], size: str = "full", seed: int = 2021
) -> DemoFolder | None:
    """Write the demo into ``raw_dir`` unless it already holds this ``size`` and ``seed``.

    Returns the folder's earlier state when the demo was (re)written, ``None`` when it was up to date.
    Raises :class:`DemoFolderError` for a folder holding user files.
    """
    found = inspect_folder(raw_dir)
    if found.state == "user":
        raise DemoFolderError(refusal(found))
    if found.state == "demo" and (found.size, found.seed) == (size, seed):
        return None
    write_demo(raw_dir, size=size, seed=seed)
    return found
