"""The value-added (proxy) stage on a 3-country, 2-industry table worked out exactly, and its identities.

The expected numbers come from tests/helpers/value_added_example.py: exact fractions computed
from the definitions, independently of the stage's numpy/scipy code.
"""

import duckdb
import numpy as np
import pytest

from dagster_project.input_output import leontief, staging
from dagster_project.input_output.tables import (
    FLOWS,
    FLOWS_COLUMNS,
    GROSS_OUTPUT,
    GROSS_OUTPUT_COLUMNS,
    MULTIPLIERS,
    VALUE_ADDED_BY_ORIGIN,
    VALUE_ADDED_MULTIPLIERS,
)
from tests.helpers import value_added_example as example

# Floating point against exact fractions: the LU solve's rounding, relative to the largest value.
RTOL = 1e-12


def example_connection() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB holding the example as the raw tables the stage reads."""
    con = duckdb.connect()
    con.execute("create schema raw")
    for table, columns, rows in (
        (FLOWS, FLOWS_COLUMNS, example.flows_rows()),
        (GROSS_OUTPUT, GROSS_OUTPUT_COLUMNS, example.gross_output_rows()),
    ):
        con.execute(f"create table {table} ({', '.join(f'{n} {t}' for n, t in columns.items())})")
        con.executemany(f"insert into {table} values ({', '.join('?' * len(columns))})", rows)
    return con


@pytest.fixture(scope="module")
def frames():
    with example_connection() as con:
        return staging.leontief_frames(con, example.YEAR, example.CLASSIFICATION)


@pytest.fixture(scope="module")
def expected():
    return example.Expected()


def close(got: float, want, scale: float) -> bool:
    return abs(got - float(want)) <= RTOL * scale


def test_value_added_by_origin_reproduces_the_hand_computed_example(frames, expected):
    by_origin = frames[VALUE_ADDED_BY_ORIGIN]
    assert len(by_origin) == len(example.COUNTRIES) * example.N
    assert set(by_origin["classification"]) == {example.CLASSIFICATION} and set(by_origin["year"]) == {example.YEAR}
    rows = by_origin.set_index(["country_code", "origin_country_code", "origin_industry_code"])
    for country in example.COUNTRIES:
        for column, want in (
            ("va_proxy_final_demand_usd_m", expected.va_final_demand(country)),
            ("va_proxy_final_demand_domestic_products_usd_m", expected.va_final_demand_domestic_products(country)),
            ("va_proxy_gross_exports_usd_m", expected.va_gross_exports(country)),
        ):
            scale = float(max(want.values()))
            for origin, value in want.items():
                got = rows.loc[(country, *origin), column]
                assert close(got, value, scale), (country, origin, column, got, float(value))


def test_value_added_per_unit_of_output_reproduces_the_hand_computed_example(frames, expected):
    per_unit = frames[VALUE_ADDED_MULTIPLIERS].set_index(["country_code", "industry_code", "origin_industry_code"])
    assert len(per_unit) == example.N * len(example.INDUSTRIES)
    for column in example.ROWS:
        for origin_industry in example.INDUSTRIES:
            got = per_unit.loc[(*column, origin_industry), "va_proxy_per_unit_output"]
            assert close(got, expected.per_unit(origin_industry, column), 1.0), (column, origin_industry)


def test_multipliers_still_sum_the_global_inverse_by_supplying_industry(frames, expected):
    multipliers = frames[MULTIPLIERS].set_index(["country_code", "industry_code", "input_industry_code"])
    for k, column in enumerate(example.ROWS):
        for industry in example.INDUSTRIES:
            want = sum(expected.leontief[r][k] for r, (_, i) in enumerate(example.ROWS) if i == industry)
            assert close(multipliers.loc[(*column, industry), "leontief_total"], want, 2.0)


def test_the_headline_shares_of_the_example(expected):
    # Value added embodied in a country's final demand adds up to that final demand (v'L = 1'
    # with the proxy), exactly, and the foreign share is a fraction of it.
    for country in example.COUNTRIES:
        assert sum(expected.va_final_demand(country).values()) == sum(expected.final[country])
        assert sum(expected.va_gross_exports(country).values()) == sum(expected.exports[country])
        assert 0 < expected.foreign_share_final_demand_via_domestic_products(country) < expected.foreign_share_final_demand(country) < 1
    # KOR's final demand: 118 (c20 KOR 60, c3 KOR 40, and 18 bought abroad).
    assert sum(expected.final["KOR"]) == 118


def test_value_added_in_all_final_demand_equals_all_final_demand(frames):
    """The identity the proxy implies: Σ over countries and origins of v L f_c = Σ f_c."""
    total_final = sum(row[7] for row in example.flows_rows() if row[6] == "final")
    got = frames[VALUE_ADDED_BY_ORIGIN]["va_proxy_final_demand_usd_m"].sum()
    assert got == pytest.approx(total_final, rel=RTOL)
    # And column by column: value added per unit of output sums to 1 over origin industries.
    sums = frames[VALUE_ADDED_MULTIPLIERS].groupby(["country_code", "industry_code"])["va_proxy_per_unit_output"].sum()
    np.testing.assert_allclose(sums.to_numpy(), 1.0, rtol=RTOL)


def test_leontief_year_agrees_with_the_full_inverse_on_a_random_sparse_table():
    rng = np.random.default_rng(11)
    n_countries, n_industries = 4, 5
    n = n_countries * n_industries
    inter = rng.integers(0, 30, size=(n, n)).astype(float)
    inter[rng.random((n, n)) < 0.8] = 0
    final = rng.integers(10, 100, size=(n, n_countries)).astype(float)
    final[3, :] = 0  # an industry selling only intermediates
    output = inter.sum(axis=1) + final.sum(axis=1)
    a = leontief.technical_coefficients(inter, output)
    v = leontief.value_added_proxy_coefficients(a)
    demand = leontief.demand_columns(inter, final, n_countries, n_industries)
    multipliers, content = leontief.leontief_year(a, n_countries, n_industries, value_added=v, demand=demand)

    full = np.linalg.inv(np.eye(n) - a)
    aggregation = np.tile(np.eye(n_industries), n_countries)
    np.testing.assert_allclose(multipliers.total, aggregation @ full, rtol=1e-12)
    np.testing.assert_allclose(content.per_unit, aggregation @ np.diag(v) @ full, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(content.embodied, np.diag(v) @ full @ demand, rtol=1e-10, atol=1e-10)
    # Exports: each country's column holds its rows' sales to the other countries, nothing else.
    country_of = np.repeat(np.arange(n_countries), n_industries)
    for c in range(n_countries):
        abroad = country_of != c
        want = np.where(country_of == c, inter[:, abroad].sum(axis=1) + np.delete(final, c, axis=1).sum(axis=1), 0)
        np.testing.assert_allclose(demand[:, 2 * n_countries + c], want)
    assert content.embodied[:, :n_countries].sum() == pytest.approx(final.sum(), rel=1e-12)


def test_an_industry_without_output_counts_what_it_still_sells_as_its_own_value_added():
    # Industry 2 has no output (nothing bought, column of A zero) yet sells 1 to final demand, as a
    # few WIOD 2013 cells do: v = 1 there, so value added in all final demand still equals it.
    inter = np.array([[1.0, 0.0], [2.0, 0.0]])
    output = np.array([10.0, 0.0])
    a = leontief.technical_coefficients(inter, output)
    v = leontief.value_added_proxy_coefficients(a)
    np.testing.assert_allclose(v, [0.7, 1.0])
    final = np.array([[9.0], [1.0]])
    _, content = leontief.leontief_year(a, 1, 2, value_added=v, demand=leontief.demand_columns(inter, final, 1, 2))
    assert content.embodied[:, 0].sum() == pytest.approx(10.0, rel=1e-12)


def test_leontief_year_needs_the_demand_when_value_added_is_given():
    with pytest.raises(ValueError, match="demand must have 2 rows"):
        leontief.leontief_year(np.zeros((2, 2)), 2, 1, value_added=np.ones(2), demand=np.ones((3, 1)))
