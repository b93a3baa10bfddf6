"""Least squares with fixed effects absorbed once for many regressions, with clustered errors.

By the Frisch-Waugh-Lovell theorem the slopes of y on X with fixed effects are the slopes of
the effect-demeaned y on the effect-demeaned X. Demeaning is the costly part, and a
specification curve fits hundreds of regressions on the same rows with the same effects:
`demean` does it once for every column of a sample (alternating projections, Gaure 2013:
exact at convergence), and `fit` then solves the small k x k systems of every regressor set
and dependent at once, with cluster-robust covariances and each cluster's scores (which the
covariance between separate regressions on the same rows, and the wild bootstrap, need).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

# Demeaning stops when no group mean left exceeds this share of its column's largest value.
TOLERANCE = 1e-13
MAX_SWEEPS = 10_000
# A regressor whose demeaned sum of squares is below this share of its own (mean-removed)
# sum of squares is absorbed by the fixed effects: its slope is not estimable.
ABSORBED = 1e-9


def dense_codes(codes: np.ndarray) -> np.ndarray:
    """Integer group codes renumbered 0..G-1 in their order, so that no group is empty."""
    codes = np.asarray(codes)
    if codes.min() == 0 and np.bincount(codes).all():
        return codes  # already 0..G-1 with every group present (pandas' factorize gives these)
    return np.unique(codes, return_inverse=True)[1].ravel()


def indicator(codes: np.ndarray) -> sparse.csr_matrix:
    """The groups x rows 0/1 matrix of group codes (row sums per group by one product); one row
    per distinct code, in their order."""
    codes = dense_codes(codes)
    return sparse.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))), shape=(codes.max() + 1, len(codes)))


def demean(values: np.ndarray, effects: list[np.ndarray]) -> np.ndarray:
    """The columns of `values` (rows x columns) with every fixed effect in `effects` projected out.

    Each effect is an array of integer codes, one per row. One sweep subtracts each effect's
    group means in turn; sweeps repeat until the means left are negligible (with one effect,
    or a balanced two-way panel, the first sweep is already exact).
    """
    out = np.array(values, dtype=float, copy=True)
    scale = np.maximum(np.abs(out).max(axis=0), np.finfo(float).tiny)
    groups = []
    for codes in effects:
        members = indicator(codes)
        groups.append((dense_codes(codes), members, np.asarray(members.sum(axis=1)).ravel()))
    for _ in range(MAX_SWEEPS):
        largest = 0.0
        for codes, members, counts in groups:
            means = (members @ out) / counts[:, None]
            out -= means[codes]
            largest = max(largest, float((np.abs(means) / scale).max(initial=0.0)))
        if largest < TOLERANCE:
            return out
    raise RuntimeError(f"demeaning did not converge in {MAX_SWEEPS} sweeps over {len(effects)} fixed effects")


def absorbed_parameters(effects: list[np.ndarray], clusters: np.ndarray) -> int:
    """Fixed-effect parameters that use up residual degrees of freedom in the small-sample factor.

    The rank of the effects' dummies (two effects: their levels less the connected components
    of the graph linking the levels that share a row), less the levels of any effect nested
    within the clusters: the clustered variance already allows for those (fixest's "nested"
    rule; Cameron and Miller 2015, section VI.B).
    """
    if not 1 <= len(effects) <= 2:
        raise ValueError(f"absorbed_parameters handles one or two fixed effects, got {len(effects)}")
    effects = [dense_codes(codes) for codes in effects]
    levels = [int(codes.max()) + 1 for codes in effects]
    rank = levels[0]
    if len(effects) == 2:
        links = sparse.csr_matrix((np.ones(len(effects[0])), (effects[0], effects[1] + levels[0])),
                                  shape=(sum(levels), sum(levels)))
        components = csgraph.connected_components(links, directed=False)[0]
        rank = sum(levels) - components
    nested = sum(n for codes, n in zip(effects, levels) if _nested(codes, clusters))
    return rank - nested


def _nested(codes: np.ndarray, clusters: np.ndarray) -> bool:
    """Every level of the effect lies within one cluster: as many distinct (level, cluster) pairs as levels."""
    clusters = dense_codes(clusters)
    pairs = codes.astype(np.int64) * (int(clusters.max()) + 1) + clusters
    return len(np.unique(pairs)) == int(codes.max()) + 1


@dataclass(frozen=True)
class Fit:
    """Slopes of L dependents on J regressor sets of k regressors each, all on the same rows.

    coef[j, l] and cov[j, l] are regressor set j's slopes on dependent l and their clustered
    covariance (NaN where a regressor is absorbed); scores[g, j, l] the sum over cluster g's rows
    of x̃·û; bread[j] = (X̃ⱼ'X̃ⱼ)⁻¹. cov = factor · bread · Σ_g scores scores' · bread, CR1's
    factor = G/(G-1) · (N-1)/(N-K), K counting the regressors and the absorbed parameters (as
    Stata's and fixest's clustered errors); its t statistics have G-1 degrees of freedom.
    """

    coef: np.ndarray
    cov: np.ndarray
    scores: np.ndarray
    bread: np.ndarray
    n_obs: int
    n_clusters: int
    factor: float

    @property
    def std_err(self) -> np.ndarray:
        return np.sqrt(np.diagonal(self.cov, axis1=-2, axis2=-1))


def fit(X: np.ndarray, Y: np.ndarray, clusters: np.ndarray, raw_X: np.ndarray | None = None, absorbed: int = 0) -> Fit:
    """Least squares of every dependent (columns of Y, rows x L) on every regressor set
    (X, rows x J x k), all demeaned already; `clusters` are integer codes 0..G-1 per row.

    `raw_X`, the regressors before demeaning, tells an absorbed regressor (no variation left
    within the effects) from a small one; `absorbed` is absorbed_parameters() of the effects.
    """
    n, J, k = X.shape
    members = indicator(clusters)
    G = members.shape[0]
    gram = np.einsum("njk,njm->jkm", X, X, optimize=True)
    estimable = np.ones(J, dtype=bool)
    if raw_X is not None:
        spread = ((raw_X - raw_X.mean(axis=0)) ** 2).sum(axis=0)
        estimable = (np.diagonal(gram, axis1=1, axis2=2) > ABSORBED * spread).all(axis=1)
    bread = np.full_like(gram, np.nan)
    bread[estimable] = np.linalg.inv(gram[estimable])
    cross = np.einsum("njk,nl->jkl", X, Y, optimize=True)
    coef = np.einsum("jkm,jml->jlk", bread, cross)
    residuals = Y[:, None, :] - np.einsum("njk,jlk->njl", X, coef, optimize=True)
    products = X[:, :, None, :] * residuals[:, :, :, None]  # rows x J x L x k
    scores = (members @ products.reshape(n, -1)).reshape(G, J, Y.shape[1], k)
    meat = np.einsum("gjlk,gjlm->jlkm", scores, scores)
    factor = G / (G - 1) * (n - 1) / (n - k - absorbed)
    cov = factor * np.einsum("jak,jlkm,jmb->jlab", bread, meat, bread, optimize=True)
    return Fit(coef=coef, cov=cov, scores=scores, bread=bread, n_obs=n, n_clusters=G, factor=factor)
