"""The value-added (proxy) marts on a 3-country, 2-industry table worked out exactly.

The example (tests/helpers/value_added_example.py) is written to a scratch lake as the raw tables,
solved by the input-output stage's own function, loaded as the stage loads a year, and then the
dbt marts are built on it (`dbt build` of the marts and everything upstream, their tests
included). Every number of the marts is compared with the exact fractions worked out from the
definitions: the SQL (sums, shares, the services and manufacturing groupings of the seeds) and
the Python stage together reproduce the hand computation to the last few bits.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dagster_project.input_output import staging
from dagster_project.input_output.tables import FLOWS, FLOWS_COLUMNS, GROSS_OUTPUT, GROSS_OUTPUT_COLUMNS
from dagster_project.settings import DBT_PROJECT_DIR, Settings
from dagster_project.storage.lake import transactions
from dagster_project.storage.tables import replace_rows
from tests.helpers import value_added_example as example
from tests.helpers.warehouse import warehouse_connection

RTOL = 1e-12
MARTS = (
    "fct_value_added_proxy_final_demand",
    "fct_value_added_proxy_exports",
    "fct_services_value_added_proxy_in_manufacturing_exports",
    "fct_value_added_proxy_indicators",
)
REFERENCED = ("dim_country", "countries", "service_group_definitions")


@pytest.fixture(scope="module")
def marts(tmp_path_factory):
    import pandas as pd

    root = tmp_path_factory.mktemp("value_added_example")
    settings = Settings(data_mirror=root / "mirror", raw_dir=root / "raw", warehouse_dir=root / "warehouse")
    with settings.lake.connect() as con:
        staging.ensure_tables(con)
        for attempt in transactions(con):
            with attempt:
                for table, columns, rows in (
                    (FLOWS, FLOWS_COLUMNS, example.flows_rows()),
                    (GROSS_OUTPUT, GROSS_OUTPUT_COLUMNS, example.gross_output_rows()),
                ):
                    replace_rows(con, table, columns, pd.DataFrame(rows, columns=list(columns)))
        frames = staging.leontief_frames(con, example.YEAR, example.CLASSIFICATION)
        for attempt in transactions(con):
            with attempt:
                for table, frame in frames.items():
                    replace_rows(con, table, staging.STAGED_TABLES[table][0], frame, "year = ?", [example.YEAR])
    built = subprocess.run(
        # The marts, everything upstream, and what their relationship tests point at.
        [str(Path(sys.executable).parent / "dbt"), "build", "--select", *(f"+{m}" for m in MARTS), *REFERENCED,
         "--exclude", "resource_type:unit_test", "--indirect-selection", "cautious", "--profiles-dir", ".",
         "--target-path", str(root / "target"), "--log-path", str(root / "logs")],
        cwd=DBT_PROJECT_DIR, env={**os.environ, **settings.lake.environment()}, capture_output=True, text=True,
        timeout=900,
    )
    assert built.returncode == 0, built.stdout[-6000:]
    with warehouse_connection(settings) as con:
        yield con


@pytest.fixture(scope="module")
def expected():
    return example.Expected()


def close(got: float, want, scale: float) -> bool:
    return abs(got - float(want)) <= RTOL * scale


def test_value_added_in_final_demand_and_exports_by_origin(marts, expected):
    for mart, content, domestic in (
        ("fct_value_added_proxy_final_demand", expected.va_final_demand, expected.va_final_demand_domestic_products),
        ("fct_value_added_proxy_exports", expected.va_gross_exports, None),
    ):
        rows = marts.execute(f"select * from marts.{mart}").df()
        assert len(rows) == len(example.COUNTRIES) * example.N, mart
        rows = rows.set_index(["country_code", "origin_country_code", "origin_industry_code"])
        for country in example.COUNTRIES:
            want = content(country)
            scale = float(max(want.values()))
            for origin, value in want.items():
                row = rows.loc[(country, *origin)]
                assert row["classification"] == example.CLASSIFICATION and row["year"] == example.YEAR
                assert bool(row["is_foreign_origin"]) == (origin[0] != country)
                assert close(row["va_proxy_usd_m"], value, scale), (mart, country, origin)
                if domestic is not None:
                    made_home = domestic(country)[origin]
                    assert close(row["va_proxy_domestic_products_usd_m"], made_home, scale)
                    assert close(row["va_proxy_imported_products_usd_m"], value - made_home, scale)


def test_the_indicators_of_each_country(marts, expected):
    rows = marts.execute("select * from marts.fct_value_added_proxy_indicators").df().set_index("country_code")
    assert sorted(rows.index) == list(example.COUNTRIES)
    for country in example.COUNTRIES:
        row = rows.loc[country]
        final_demand = sum(expected.final[country])
        exports = sum(expected.exports[country])
        assert row["final_demand_usd_m"] == float(final_demand)
        assert close(row["va_proxy_final_demand_usd_m"], final_demand, float(final_demand))  # the identity
        assert close(row["foreign_va_proxy_share_final_demand"], expected.foreign_share_final_demand(country), 1.0)
        assert close(
            row["foreign_va_proxy_share_final_demand_via_domestic_products"],
            expected.foreign_share_final_demand_via_domestic_products(country), 1.0,
        )
        assert row["gross_exports_usd_m"] == float(exports)
        assert close(row["va_proxy_gross_exports_usd_m"], exports, float(exports))
        assert close(row["foreign_va_proxy_share_gross_exports"], expected.foreign_share_gross_exports(country), 1.0)
        assert row["manufacturing_gross_exports_usd_m"] == float(expected.manufacturing_exports(country))
        assert close(
            row["services_va_proxy_share_manufacturing_exports"],
            expected.services_va_manufacturing_exports(country) / expected.manufacturing_exports(country), 1.0,
        )


def test_services_value_added_in_manufacturing_exports_by_service_group(marts, expected):
    rows = marts.execute(
        "select * from marts.fct_services_value_added_proxy_in_manufacturing_exports"
    ).df().set_index(["country_code", "industry_code", "service_group"])
    groups = {g for (_, _, g) in rows.index}
    # c20 (wholesale) is in all_services and distribution of the service_groups seed; the other
    # groups have no industry in the example: their value added is zero.
    assert {"all_services", "distribution", "kibs"} <= groups
    for country in example.COUNTRIES:
        share = expected.services_va_manufacturing_exports(country) / expected.manufacturing_exports(country)
        for industry in ("c3", "MFG"):
            assert close(rows.loc[(country, industry, "all_services"), "services_va_proxy_share"], share, 1.0)
            assert close(rows.loc[(country, industry, "distribution"), "services_va_proxy_share"], share, 1.0)
            assert rows.loc[(country, industry, "kibs"), "services_va_proxy_usd_m"] == 0
