"""The input-output algebra on tables small enough to check by hand."""

import numpy as np
import pytest

from dagster_project.input_output import leontief


def test_technical_coefficients_divide_columns_by_output_and_zero_idle_industries():
    inter = np.array([[10.0, 0.0, 3.0], [20.0, 0.0, 6.0], [0.0, 0.0, 0.0]])
    output = np.array([100.0, 0.0, 30.0])
    a = leontief.technical_coefficients(inter, output)
    np.testing.assert_allclose(a, [[0.1, 0.0, 0.1], [0.2, 0.0, 0.2], [0.0, 0.0, 0.0]])


def test_leontief_inverse_of_a_two_by_two_table_matches_the_hand_computed_inverse():
    # I - A = [[0.8, -0.3], [-0.4, 0.9]], det = 0.72 - 0.12 = 0.6,
    # inverse = [[0.9, 0.3], [0.4, 0.8]] / 0.6
    a = np.array([[0.2, 0.3], [0.4, 0.1]])
    np.testing.assert_allclose(leontief.leontief_inverse(a), [[1.5, 0.5], [2 / 3, 4 / 3]])


def test_industry_multipliers_of_two_countries_without_trade_equal_their_domestic_inverses():
    # Each country's block is the 2x2 table above; with no trade the global inverse is
    # block-diagonal, so summing rows over countries leaves each country's own inverse.
    block = np.array([[0.2, 0.3], [0.4, 0.1]])
    a = np.zeros((4, 4))
    a[:2, :2] = block
    a[2:, 2:] = block
    result = leontief.industry_multipliers(a, n_countries=2, n_industries=2)
    expected = np.array([[1.5, 0.5, 1.5, 0.5], [2 / 3, 4 / 3, 2 / 3, 4 / 3]])
    np.testing.assert_allclose(result.total, expected)
    np.testing.assert_allclose(result.domestic, expected)


def test_industry_multipliers_with_trade_sum_the_global_inverse_over_countries():
    # One-industry countries: A = [[0.1, 0.2], [0.3, 0.4]]; I - A = [[0.9, -0.2], [-0.3, 0.6]],
    # det = 0.54 - 0.06 = 0.48, L = [[0.6, 0.2], [0.3, 0.9]] / 0.48 = [[1.25, 5/12], [0.625, 1.875]].
    a = np.array([[0.1, 0.2], [0.3, 0.4]])
    result = leontief.industry_multipliers(a, n_countries=2, n_industries=1)
    # Column sums of L (the single industry, all countries): 1.875 and 2.291666...
    np.testing.assert_allclose(result.total, [[1.875, 5 / 12 + 1.875]])
    # Domestic inverses ignore trade: 1 / (1 - 0.1) and 1 / (1 - 0.4).
    np.testing.assert_allclose(result.domestic, [[1 / 0.9, 1 / 0.6]])


def test_industry_multipliers_agree_with_the_full_inverse_on_a_random_table():
    rng = np.random.default_rng(7)
    n_countries, n_industries = 3, 4
    n = n_countries * n_industries
    a = rng.random((n, n)) * (0.9 / n)
    full = np.linalg.inv(np.eye(n) - a)
    result = leontief.industry_multipliers(a, n_countries, n_industries)
    for i in range(n_industries):
        np.testing.assert_allclose(result.total[i], full[i::n_industries].sum(axis=0), rtol=1e-12)


def test_industry_multipliers_reject_a_table_that_is_not_country_major_square():
    with pytest.raises(ValueError, match=r"expected \(6, 6\)"):
        leontief.industry_multipliers(np.zeros((5, 5)), n_countries=2, n_industries=3)
