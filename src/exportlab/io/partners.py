"""Valid partner codes: ISO 3166-1 alpha-2 plus the special codes customs statistics use.

FCS writes the partner country (``nastranapr``, ``STRANA``) as ISO 3166-1 alpha-2 and adds a few
codes of its own. Those accepted on ingest are :data:`exportlab.schema.SPECIAL_PARTNERS` and
:data:`FCS_EXTRA_PARTNERS` (documented in ``docs/data_formats.md``).

>>> is_partner("CN"), is_partner("NNN"), is_partner("C1")
(True, True, False)
"""

from __future__ import annotations

from functools import cache

import pycountry

from exportlab.schema import SPECIAL_PARTNERS

#: Partner codes of the FCS country dictionary that are neither ISO 3166-1 nor in
#: :data:`exportlab.schema.SPECIAL_PARTNERS`; kept as written.
FCS_EXTRA_PARTNERS: dict[str, str] = {
    "AB": "Abkhazia (FCS code; not in ISO 3166-1)",
    "OS": "South Ossetia (FCS code; not in ISO 3166-1)",
    "YY": "Georgia outside the CIS (FCS code used in older data)",
    "XK": "Kosovo (user-assigned code widely used, e.g. by Eurostat)",
}


@cache
def partner_codes() -> dict[str, str]:
    """All accepted partner codes with a short description (ISO names for countries)."""
    codes = {c.alpha_2: c.name for c in pycountry.countries}
    codes.update(SPECIAL_PARTNERS)
    codes.update(FCS_EXTRA_PARTNERS)
    return codes


def is_partner(code: str) -> bool:
    """``True`` if ``code`` (upper case, trimmed) is an accepted partner code."""
    return code.strip().upper() in partner_codes()
