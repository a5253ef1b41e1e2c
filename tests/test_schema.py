"""Tests of the shared table contracts: require() and exports()."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exportlab.schema import EXPORT_COLUMNS, coerce_indicators, coerce_trade, exports, require

TRADE = pd.DataFrame(
    {
        "year": pd.array([2020, 2020, 2021, 2021], dtype="int16"),
        "region": pd.array(["RU-TA", "RU-TA", "RU-BA", "RU-BA"], dtype="string"),
        "hs6": ["270900", "880240", "300490", "270900"],
        "partner": ["CN", "DE", "IN", "CN"],
        "flow": ["export", "import", "export", "export"],
        "value_usd": [1.5e6, 2.0e5, 0.0, 3.0e3],
    }
)


def test_require_names_the_missing_columns_in_order_and_the_hint():
    require(TRADE, ["year", "flow"])  # nothing missing: no error
    with pytest.raises(ValueError) as err:
        require(TRADE, ["resource", "year", "group"], "classified table", "run stage 02")
    assert str(err.value) == "classified table lacks column(s) ['resource', 'group']; run stage 02"


def test_exports_keeps_positive_export_rows_with_plain_dtypes():
    rows = exports(TRADE)
    assert rows.index.tolist() == [0, 3]  # import row and zero value dropped, index kept
    assert rows.columns.tolist() == TRADE.columns.tolist()
    assert str(rows["year"].dtype) == "int64" and rows["region"].tolist() == ["RU-TA", "RU-BA"]
    assert rows["region"].map(type).eq(str).all()
    chosen = exports(TRADE, ["hs6", "year"], select=True)
    assert chosen.columns.tolist() == [*EXPORT_COLUMNS, "hs6"]
    assert exports(TRADE, positive=False).index.tolist() == [0, 2, 3]
    # the input is untouched (a copy comes back)
    assert str(TRADE["year"].dtype) == "int16"


def test_exports_of_a_table_without_flow_is_every_row_and_checks_columns():
    one_flow = TRADE.drop(columns="flow")
    assert exports(one_flow).index.tolist() == [0, 1, 3]
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['resource'\]$"):
        exports(one_flow, ["resource"])
    with pytest.raises(ValueError, match=r"\['flow'\]; stage 02"):
        exports(one_flow, needs=("year", "flow"), hint="stage 02")


def test_coerce_messages_name_the_expected_columns():
    with pytest.raises(ValueError, match=r"trade table lacks column\(s\) \['netto_kg'\]; expected"):
        coerce_trade(TRADE)
    with pytest.raises(ValueError, match=r"indicator table lacks column\(s\) \['indicator'"):
        coerce_indicators(pd.DataFrame({"region": ["RU-TA"], "year": [2020], "value": [1.0]}))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["export", "import"]),
            st.one_of(st.just(0.0), st.floats(1e-3, 1e9)),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_export_total_is_the_sum_of_positive_export_values(rows):
    t = pd.DataFrame(
        {
            "year": 2020,
            "region": "RU-TA",
            "flow": [f for f, _ in rows],
            "value_usd": [v for _, v in rows],
        }
    )
    picked = exports(t)
    expected = [v for f, v in rows if f == "export" and v > 0]
    assert picked["value_usd"].tolist() == expected
    assert len(picked) + len(exports(t, positive=False).query("value_usd == 0")) == sum(
        f == "export" for f, _ in rows
    )
