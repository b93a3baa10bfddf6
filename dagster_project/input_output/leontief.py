"""Input-output linear algebra: technical coefficients, Leontief multipliers and value added embodied in demand.

The marts need, for every using country-industry column j, the sum of the Leontief
inverse over the rows of each supplying industry (all countries together, and within
the column's own country for the domestic inverse). That is S·L, with S the
industry-aggregation matrix, so it is solved as (I - A)ᵀ Xᵀ = Sᵀ: one right-hand side per
industry, cheaper than forming the full N x N inverse, and only n_industries x N numbers
per year are kept.

The value-added indicators (TiVA-style) reuse the same LU factorisation of I - A:

* S·v̂·L (value added by origin industry per unit of each column's output) is n_industries
  more right-hand sides of the transposed system;
* L·D for the demand columns D (each country's final demand, the part of it bought from its
  own industries, and each country's gross exports) is the non-transposed system.

v is the value added per unit of gross output. The WIOD 2013 RData has no value-added block,
so the pipeline passes the **value-added proxy** v = (x - Σᵢ Zᵢⱼ) / x = 1 - Σᵢ Aᵢⱼ, which also
holds net product taxes and international margins. With that proxy vᵀL = 1ᵀ(I - A)L = 1ᵀ,
so the value added embodied in any demand vector adds up to the demand itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg


def technical_coefficients(inter: np.ndarray, output: np.ndarray) -> np.ndarray:
    """A = Z · x̂⁻¹; columns of industries with zero output are zero (they buy nothing)."""
    scale = np.divide(1.0, output, out=np.zeros_like(output, dtype=np.float64), where=output > 0)
    return inter * scale[np.newaxis, :]


def value_added_proxy_coefficients(a: np.ndarray) -> np.ndarray:
    """v = 1 - Σᵢ Aᵢⱼ: the value-added PROXY (gross output minus all intermediate inputs) per unit of output.

    An industry without output buys nothing (its column of A is zero), so its v is 1: whatever
    the tables still record it selling (WIOD 2013: a few cells of about 1 USD m, e.g. Luxembourg's
    coke and petroleum) counts as its own value added. That keeps vᵀL = 1ᵀ exact for every column.
    """
    return 1.0 - a.sum(axis=0)


def leontief_inverse(a: np.ndarray) -> np.ndarray:
    """L = (I - A)⁻¹, for tests and small tables; the pipeline uses `industry_multipliers`."""
    return np.linalg.inv(np.eye(a.shape[0]) - a)


@dataclass(frozen=True)
class IndustryMultipliers:
    """Leontief column sums by supplying industry, shape (n_industries, n_countries * n_industries).

    total[i, j]    = Σ over countries r of L[(r, i), j]           (global inverse)
    domestic[i, j] = L_c[i, m] for j = (c, m), L_c = (I - A_cc)⁻¹  (country c's own block)
    """

    total: np.ndarray
    domestic: np.ndarray


@dataclass(frozen=True)
class ValueAddedContent:
    """Value added (proxy) embodied in output and demand, from the same factorisation as the multipliers.

    per_unit[i, j]  = Σ over countries s of v[(s, i)] · L[(s, i), j], shape (n_industries, N): value
                      added of origin industry i (all countries) per unit of column j's output;
                      Σᵢ per_unit[i, j] = 1 for every column with output when v is the proxy.
    embodied[:, k]  = v ⊙ (L · demand[:, k]), shape (N, k): value added of each origin
                      country-industry embodied in demand column k.
    """

    per_unit: np.ndarray
    embodied: np.ndarray


def _check_shape(a: np.ndarray, n_countries: int, n_industries: int) -> int:
    n = n_countries * n_industries
    if a.shape != (n, n):
        raise ValueError(f"A has shape {a.shape}, expected ({n}, {n}) for country-major blocks")
    return n


def _domestic_inverses(a: np.ndarray, n_countries: int, n_industries: int) -> np.ndarray:
    domestic = np.empty((n_industries, n_countries * n_industries))
    block_identity = np.eye(n_industries)
    for c in range(n_countries):
        block = slice(c * n_industries, (c + 1) * n_industries)
        domestic[:, block] = np.linalg.inv(block_identity - a[block, block])
    return domestic


def industry_multipliers(a: np.ndarray, n_countries: int, n_industries: int) -> IndustryMultipliers:
    """The Leontief multipliers alone (the benchmark's and the tests' entry point)."""
    multipliers, _ = leontief_year(a, n_countries, n_industries)
    return multipliers


def leontief_year(
    a: np.ndarray,
    n_countries: int,
    n_industries: int,
    value_added: np.ndarray | None = None,
    demand: np.ndarray | None = None,
) -> tuple[IndustryMultipliers, ValueAddedContent | None]:
    """Multipliers and, given v (`value_added`, per unit of output) and `demand` (N x k), the value added content.

    One LU factorisation of I - A; every product with L is a triangular solve against it
    (transposed for the row aggregations S·L and S·v̂·L, plain for L·demand), so L itself is
    never formed.
    """
    n = _check_shape(a, n_countries, n_industries)
    lu = scipy.linalg.lu_factor(np.eye(n) - a, check_finite=False)
    aggregation = np.tile(np.eye(n_industries), n_countries).T  # Sᵀ: (n, n_industries)
    rows = aggregation if value_added is None else np.hstack([aggregation, value_added[:, np.newaxis] * aggregation])
    sums = scipy.linalg.lu_solve(lu, rows, trans=1, check_finite=False).T  # (S·L; S·v̂·L)
    multipliers = IndustryMultipliers(
        total=np.ascontiguousarray(sums[:n_industries]), domestic=_domestic_inverses(a, n_countries, n_industries)
    )
    if value_added is None:
        return multipliers, None
    if demand is None or demand.shape[0] != n:
        raise ValueError(f"demand must have {n} rows (one per country-industry) when value added is given")
    embodied = value_added[:, np.newaxis] * scipy.linalg.lu_solve(lu, demand, check_finite=False)
    return multipliers, ValueAddedContent(per_unit=np.ascontiguousarray(sums[n_industries:]), embodied=embodied)


def demand_columns(inter: np.ndarray, final_by_country: np.ndarray, n_countries: int, n_industries: int) -> np.ndarray:
    """The demand columns of the value-added indicators, shape (N, 3 · n_countries), country by country.

    For each country c, in three blocks of n_countries columns:
    * final demand f_c: column c of `final_by_country` (every final use of c, all categories summed);
    * f_c restricted to the rows of c's own industries (final products made at home);
    * gross exports e_c: what c's industries deliver to other countries, intermediate and final,
      in c's rows and zero elsewhere.
    """
    n = n_countries * n_industries
    country_of = np.repeat(np.arange(n_countries), n_industries)
    own = country_of[:, np.newaxis] == np.arange(n_countries)[np.newaxis, :]  # (n, n_countries)
    domestic_final = np.where(own, final_by_country, 0.0)
    # Sales to other countries: every intermediate cell whose column is in another country, every
    # final cell of another country's final demand.
    by_destination = inter.reshape(n, n_countries, n_industries).sum(axis=2)  # (n, n_countries)
    intermediate_abroad = by_destination.sum(axis=1) - by_destination[np.arange(n), country_of]
    final_abroad = final_by_country.sum(axis=1) - domestic_final.sum(axis=1)
    exports = np.where(own, (intermediate_abroad + final_abroad)[:, np.newaxis], 0.0)
    return np.hstack([final_by_country, domestic_final, exports])
