"""Benefit of the doubt (BoD): each entity gets the weights most favourable to it.

BoD weights are entity-specific, so they cannot be one weight set. They are used as an
aggregation method: ``aggregate: {method: bod}`` (registered in the aggregate registry), whose
score for entity ``i`` is the optimum of a linear programme; :func:`bod_weights` returns the
entity x children matrix of optimal weights for inspection (``bod_weights(X)[1]``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from innoscope.pipeline.aggregate import aggregator


def bod_weights(X: np.ndarray, share_bounds: Sequence[float] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Solve the BoD linear programme for every entity: returns ``(scores, weights)``.

    For entity ``i``: maximise ``sum_j w_j x_ij`` subject to ``sum_j w_j x_kj <= 1`` for every
    entity ``k`` and ``w_j >= 0``; with ``share_bounds = (L, U)`` also the pie-share restrictions
    ``L <= w_j x_ij / sum_k w_k x_ik <= U`` (linear: ``w_j x_ij - L sum_k w_k x_ik >= 0`` and
    ``U sum_k w_k x_ik - w_j x_ij >= 0``). Scores lie in [0, 1]; a missing value counts as 0.
    ``X`` must be non-negative (normalised data). Solved with ``scipy.optimize.linprog`` (HiGHS).
    Source: Melyn & Moesen (1991); Cherchye, Moesen, Rogge & Van Puyenbroeck (2007), Social
    Indicators Research 82:111-145; OECD/JRC Handbook (2008) s.6.
    """
    from scipy.optimize import linprog  # on first use: scipy.optimize is slow to import

    X = np.nan_to_num(np.asarray(X, dtype=float), nan=0.0)
    if (X < 0).any():
        raise ValueError("benefit of the doubt needs non-negative values; normalise first (e.g. min-max)")
    n, m = X.shape
    scores = np.full(n, np.nan)
    W = np.full((n, m), np.nan)
    for i in range(n):
        A_ub, b_ub = [X], [np.ones(n)]
        if share_bounds is not None:
            lo, hi = float(share_bounds[0]), float(share_bounds[1])
            xi = X[i]
            eye = np.diag(xi)
            A_ub.append(lo * np.tile(xi, (m, 1)) - eye)
            A_ub.append(eye - hi * np.tile(xi, (m, 1)))
            b_ub += [np.zeros(m), np.zeros(m)]
        res = linprog(
            -X[i], A_ub=np.vstack(A_ub), b_ub=np.concatenate(b_ub), bounds=[(0, None)] * m, method="highs"
        )
        if res.status != 0:
            raise ValueError(f"BoD linear programme for entity {i + 1} failed: {res.message}")
        scores[i] = -res.fun
        W[i] = res.x
    return scores, W


@aggregator("bod", aliases=("benefit_of_doubt",), stacked=False, weightless=True)
def bod(
    X: np.ndarray, w: np.ndarray, *, share_bounds: Sequence[float] | None = None, scale: float = 1.0
) -> np.ndarray:
    """Benefit of the doubt: ``scale * max_w sum_j w_j x_ij`` s.t. no entity scores above 1 with ``w``.

    The nominal weights ``w`` are not used (each entity chooses its own); see :func:`bod_weights`.
    Source: Cherchye et al. (2007), Social Indicators Research 82:111-145.
    """
    return scale * bod_weights(X, share_bounds)[0]
