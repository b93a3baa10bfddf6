"""Input-output linear algebra: technical coefficients and Leontief multipliers.

The marts need, for every using country-industry column j, the sum of the Leontief
inverse over the rows of each supplying industry (all countries together, and within
the column's own country for the domestic inverse). That is S·L, with S the
industry-aggregation matrix, so it is solved as (I - A)ᵀ Xᵀ = Sᵀ: one LU factorisation
with one right-hand side per industry, cheaper than forming the full N x N inverse,
and only n_industries x N numbers per year are kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def technical_coefficients(inter: np.ndarray, output: np.ndarray) -> np.ndarray:
    """A = Z · x̂⁻¹; columns of industries with zero output are zero (they buy nothing)."""
    scale = np.divide(1.0, output, out=np.zeros_like(output, dtype=np.float64), where=output > 0)
    return inter * scale[np.newaxis, :]


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


def industry_multipliers(a: np.ndarray, n_countries: int, n_industries: int) -> IndustryMultipliers:
    n = n_countries * n_industries
    if a.shape != (n, n):
        raise ValueError(f"A has shape {a.shape}, expected ({n}, {n}) for country-major blocks")
    identity = np.eye(n)
    aggregation = np.tile(np.eye(n_industries), n_countries)  # S: (n_industries, n)
    total = np.linalg.solve((identity - a).T, aggregation.T).T

    domestic = np.empty((n_industries, n))
    block_identity = np.eye(n_industries)
    for c in range(n_countries):
        block = slice(c * n_industries, (c + 1) * n_industries)
        domestic[:, block] = np.linalg.inv(block_identity - a[block, block])
    return IndustryMultipliers(total=total, domestic=domestic)
