"""The restricted wild cluster bootstrap (WCR) of one slope, for samples with few clusters.

With few clusters, clustered standard errors are too small and their t tests reject a true
null too often (Cameron, Gelbach and Miller 2008). The WCR bootstrap imposes the null
(slope = 0), keeps each cluster's restricted residuals together and flips their sign and
scale with one random weight per cluster, re-estimating the t statistic on each draw; the
p-value is the share of draws with |t*| at least |t|. MacKinnon and Webb (2017) show it
close to its nominal level with as few as 10-20 clusters.

Every draw is computed from per-cluster sums (Roodman, MacKinnon, Nielsen and Webb 2019), so
B draws cost B x G x k numbers, never B re-fits: with the effects demeaned out (Frisch-Waugh-
Lovell), y* = ŷ_r + w_g·û_r and, for cluster g,

    X_g'y*_g = c_g + w_g s_g,  c_g = X_g'ŷ_r,  s_g = X_g'û_r,
    β* = A Σ_g (c_g + w_g s_g),  A = (X'X)⁻¹,
    X_g'û*_g = c_g + w_g s_g - M_g β*,  M_g = X_g'X_g.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dagster_project.analysis.within_ols import indicator

WEBB = np.sqrt(np.array([1.5, 1.0, 0.5]))
WEIGHTS = {
    "webb": np.concatenate([-WEBB, WEBB]),  # six points, each 1/6: enough distinct draws with few clusters
    "rademacher": np.array([-1.0, 1.0]),
}


def draw_weights(kind: str, draws: int, clusters: int, rng: np.random.Generator) -> np.ndarray:
    """draws x clusters weights of the named distribution, each point equally likely."""
    if kind not in WEIGHTS:
        raise ValueError(f"unknown bootstrap weights {kind!r}: expected one of {sorted(WEIGHTS)}")
    return rng.choice(WEIGHTS[kind], size=(draws, clusters))


@dataclass(frozen=True)
class BootstrapTest:
    p_value: float
    # |t*| at the 1 - level quantile (the next draw up): β ± it × se, se without small-sample factor,
    # is the interval whose points the test does not reject, so 0 is outside it exactly when p < level
    critical_value: float
    draws: int


def restricted_test(X: np.ndarray, y: np.ndarray, clusters: np.ndarray, tested: int, weights: np.ndarray,
                    level: float = 0.05) -> BootstrapTest:
    """WCR test of coefficient `tested` = 0 in y = Xβ + u (X and y demeaned of the fixed effects).

    `weights` are draws x clusters; t statistics use CR1 variances on every draw alike, so their
    G/(G-1) factor cancels.
    """
    members = indicator(clusters)
    bread = np.linalg.inv(X.T @ X)
    others = [c for c in range(X.shape[1]) if c != tested]
    restricted_coef = np.linalg.lstsq(X[:, others], y, rcond=None)[0] if others else np.zeros(0)
    fitted = X[:, others] @ restricted_coef
    residual = y - fitted
    c = members @ (X * fitted[:, None])  # G x k
    s = members @ (X * residual[:, None])  # G x k
    n, k = X.shape
    gram_by_cluster = (members @ (X[:, :, None] * X[:, None, :]).reshape(n, -1)).reshape(-1, k, k)
    row = bread[tested]
    coef_star = (c.sum(axis=0) + weights @ s) @ bread.T  # draws x k
    score_star = (c @ row)[None, :] + weights * (s @ row)[None, :] - coef_star @ np.einsum("k,gkm->gm", row, gram_by_cluster).T
    t_star = coef_star[:, tested] / np.sqrt((score_star**2).sum(axis=1))
    coef = bread @ (X.T @ y)
    scores = members @ (X * (y - X @ coef)[:, None])
    t = coef[tested] / np.sqrt(((scores @ row) ** 2).sum())
    magnitude = np.abs(t_star)
    return BootstrapTest(
        p_value=float((magnitude >= abs(t)).mean()),
        critical_value=float(np.quantile(magnitude, 1 - level, method="higher")),
        draws=len(weights),
    )
