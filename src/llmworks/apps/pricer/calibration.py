"""Tail calibration of the ensemble's blend, on the log scale: a monotone piecewise-linear map from the blended log
estimate to the log price, one slope per price band, fitted by weighted absolute error on out-of-fold estimates.

A blend of regressors regresses to the mean: its slope is below 1 at the ends, so dear items come out low and cheap
ones high. Separate slopes per band (knots at $30, $100 and $300 of the estimate) let the top band stretch back
without moving the middle, and weighting rows by price ** `power` aims the fit at dollars, which the dear items
dominate.
"""

from __future__ import annotations

import numpy as np

KNOTS = (30.0, 100.0, 300.0)
"""Band edges in dollars of the blended estimate."""


class TailCalibration:
    def __init__(self, knots: tuple[float, ...] = KNOTS, power: float = 0.0):
        self.knots, self.power = tuple(knots), power

    def _design(self, logs: np.ndarray) -> np.ndarray:
        columns = [logs] + [np.maximum(logs - np.log1p(k), 0.0) for k in self.knots]
        return np.column_stack(columns)

    def fit(self, logs: np.ndarray, y: np.ndarray, w: np.ndarray | None = None) -> TailCalibration:
        """`logs`: out-of-fold blended log estimates; `y`: true log prices; `w`: row weights."""
        w = np.ones(len(y)) if w is None else w
        w = w * np.expm1(y) ** self.power
        self.coef_, self.intercept_ = l1_fit(self._design(logs), y, w / w.mean(), monotone=True)
        return self

    def __call__(self, logs: np.ndarray) -> np.ndarray:
        return self._design(logs) @ self.coef_ + self.intercept_


def l1_fit(x: np.ndarray, y: np.ndarray, w: np.ndarray, *, monotone: bool = False) -> tuple[np.ndarray, float]:
    """Coefficients and intercept minimising the weighted absolute error, as a linear program. With `monotone`,
    column 0 is a slope and the others its changes at knots: every running sum of slopes stays >= 0 (the map never
    turns down); without it, every coefficient is >= 0 (a blend's weights)."""
    from scipy.optimize import linprog
    from scipy.sparse import csr_matrix, hstack, identity

    n, k = x.shape
    # variables: coefficients (k), intercept, then each row's over- and under-shoot (>= 0):
    # minimise sum w * (over + under) subject to x @ coef + intercept + under - over = y
    cost = np.concatenate([np.zeros(k + 1), w, w])
    equations = hstack([csr_matrix(x), csr_matrix(np.ones((n, 1))), identity(n), -identity(n)]).tocsr()
    if monotone:
        bounds = [(0, None)] + [(None, None)] * k + [(0, None)] * (2 * n)
        running = np.hstack([np.tril(np.ones((k, k))), np.zeros((k, 1 + 2 * n))])  # slope after each knot >= 0
        result = linprog(cost, A_ub=-running, b_ub=np.zeros(k), A_eq=equations, b_eq=y, bounds=bounds, method="highs")
    else:
        bounds = [(0, None)] * k + [(None, None)] + [(0, None)] * (2 * n)
        result = linprog(cost, A_eq=equations, b_eq=y, bounds=bounds, method="highs")
    if not result.success:  # cannot happen for a feasible LP like this one; fall back to the identity / an average
        return (np.eye(1, k).ravel() if monotone else np.full(k, 1 / k)), 0.0
    return result.x[:k], float(result.x[k])
