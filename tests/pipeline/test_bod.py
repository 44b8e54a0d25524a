"""Benefit of the doubt: hand-solved linear programmes and the aggregate-registry method."""

from __future__ import annotations

import numpy as np
import pytest

from innoscope.pipeline import aggregate
from innoscope.pipeline.bod import bod_weights


def test_bod_hand_solved_lp():
    """Entities A = (4, 1), B = (2, 2), C = (1, 4). A: w = (1/4, 0) gives 1. C: symmetric, 1.
    B: max 2(w1 + w2) s.t. 4w1 + w2 <= 1, w1 + 4w2 <= 1 -> w1 = w2 = 1/5, score 4/5."""
    X = np.array([[4.0, 1.0], [2.0, 2.0], [1.0, 4.0]])
    scores, W = bod_weights(X)
    np.testing.assert_allclose(scores, [1.0, 0.8, 1.0], atol=1e-9)
    np.testing.assert_allclose(W[1], [0.2, 0.2], atol=1e-9)
    assert (X @ W.T <= 1 + 1e-9).all()


def test_bod_share_bounds_and_aggregate_registry():
    """Pie shares of A's score bounded to [0.4, 1]. With w2 = k w1 the shares need 8/3 <= k <= 6;
    entity C's constraint w1 + 4 w2 <= 1 binds first, so A's score is (4 + k) / (1 + 4k), which falls
    with k: optimum k = 8/3, score 20/35."""
    X = np.array([[4.0, 1.0], [2.0, 2.0], [1.0, 4.0]])
    scores, W = bod_weights(X, share_bounds=(0.4, 1.0))
    assert scores[0] == pytest.approx(20 / 35, abs=1e-9)
    m = aggregate.METHODS.get("bod")
    np.testing.assert_allclose(m(X, np.ones(2), scale=100), 100 * bod_weights(X)[0])


def test_bod_rejects_negative_values():
    with pytest.raises(ValueError, match="non-negative"):
        bod_weights(np.array([[1.0, -1.0], [0.5, 0.5]]))
