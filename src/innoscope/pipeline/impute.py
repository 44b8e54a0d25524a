"""Impute: fill missing indicator values, logging every imputed cell.

Column methods (one indicator at a time, as COINr ``Impute(impute_by = "column")``):
``mean``, ``median``, ``group_mean``, ``group_median`` (``by: <entity group column>``).
Block methods (several indicators at once): ``row_mean`` / ``row_median`` (COINr
``impute_by = "row"`` with ``normalise_first``, optionally within the groups of indicators at
``group_level``) and ``em`` (EM for a multivariate normal). ``none`` leaves the data as it is.

Logs: ``imputed`` (uCode, iCode, method, value: one row per imputed cell), ``remaining``
(cells still missing, with the reason; also raised as an :class:`ImputationWarning`) and, for
``em``, ``convergence`` (iterations, final change, converged, per block).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from innoscope.model.errors import SpecError, StageError
from innoscope.model.registry import Registry
from innoscope.pipeline.base import Context, Log, StageOutput, indicator_settings
from innoscope.pipeline.spec import Step
from innoscope.pipeline.treat import _no_unsupported_overrides

METHODS = Registry("impute")
OUTPUT = "Imputed"
OVERRIDES = ("by_indicator",)
"""Which ``by_*`` override tables this stage reads; any other is rejected when the spec is validated."""
DEFAULT_METHOD = "mean"
PARAM_ALIASES = {"use_group": "by"}
STAGE_PARAMS = tuple(PARAM_ALIASES)
BLOCK_METHODS = ("row_mean", "row_median", "em")


class ImputationWarning(UserWarning):
    """Some cells are still missing after imputation (see the ``remaining`` log)."""


# -- column kernels: x (1-D, NaN = missing) [, groups] -> x' --------------------------------
@METHODS.register("mean", aliases=("i_mean",))
def mean(x: np.ndarray) -> np.ndarray:
    """Replace NaN by the mean of the observed values. Source: COINr ``i_mean``."""
    return np.where(np.isnan(x), np.nanmean(x), x)


@METHODS.register("median", aliases=("i_median",))
def median(x: np.ndarray) -> np.ndarray:
    """Replace NaN by the median of the observed values. Source: COINr ``i_median``."""
    return np.where(np.isnan(x), np.nanmedian(x), x)


@METHODS.register("zero", aliases=("i_zero",))
def zero(x: np.ndarray) -> np.ndarray:
    """Replace NaN by 0, the least value a count, an amount or a share can take: a missing value is scored as
    none, so a gap never lifts an entity above what it reported (used with non-negative indicators and a
    normalisation whose lower end follows the minimum). Source: OECD/JRC Handbook on Constructing Composite
    Indicators (2008), s.1.3 (single imputation by a fixed value); the national default, docs/national.md."""
    return np.where(np.isnan(x), 0.0, x)


def _by_group(x: np.ndarray, groups: np.ndarray, stat) -> np.ndarray:
    out = x.copy()
    codes = groups if groups.dtype.kind == "i" else pd.factorize(groups, use_na_sentinel=True)[0]
    X = out.reshape(len(out), -1)
    miss = np.isnan(X)
    for g in range(codes.max() + 1):
        idx = np.flatnonzero(codes == g)
        mg = miss[idx]
        todo = np.flatnonzero(mg.any(axis=0))
        if not todo.size:
            continue
        XgT = X[idx][:, todo].T
        for col, xg, m in zip(todo, XgT, mg[:, todo].T, strict=True):
            obs = xg[~m]
            if obs.size:
                X[idx[m], col] = stat(obs)
    return out


@METHODS.register("group_mean", aliases=("i_mean_grp", "mean_grp"))
def group_mean(x: np.ndarray, groups: np.ndarray, *, by: str | None = None) -> np.ndarray:
    """Replace NaN by the mean of the observed values in the entity's group (column ``by``).

    Entities without a group label, and groups with no observed value, stay missing. ``x`` may be
    one column or an (n, k) block, imputed column by column.
    Source: COINr ``i_mean_grp`` (``use_group``).
    """
    return _by_group(x, groups, np.mean)


@METHODS.register("group_median", aliases=("i_median_grp", "median_grp"))
def group_median(x: np.ndarray, groups: np.ndarray, *, by: str | None = None) -> np.ndarray:
    """Replace NaN by the median of the observed values in the entity's group. Source: COINr ``i_median_grp``."""
    return _by_group(x, groups, np.median)


# -- block kernels: X (entities x indicators), directions -> X' ---------------------------
def _minmax_fwd(X: np.ndarray, directions: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    Xd = X * directions
    mn, mx = np.nanmin(Xd, axis=0), np.nanmax(Xd, axis=0)
    span = np.where(mx > mn, mx - mn, 1.0)
    return (Xd - mn) / span, mn, span


def _row_stat(X: np.ndarray, directions: np.ndarray, normalise_first: bool, stat) -> np.ndarray:
    if normalise_first:
        Z, mn, span = _minmax_fwd(X, directions)
    else:
        Z = X
    present = ~np.isnan(Z)
    fill = np.full(Z.shape[0], np.nan)
    some = present.any(axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        fill[some] = stat(Z[some], axis=1)
    Zi = np.where(present, Z, fill[:, None])
    if normalise_first:
        Zi = (Zi * span + mn) * directions
    return np.where(np.isnan(X), Zi, X)


@METHODS.register("row_mean", aliases=("row", "i_mean_row", "rowwise_mean"))
def row_mean(
    X: np.ndarray, directions: np.ndarray, *, group_level: int | None = None, normalise_first: bool = True
) -> np.ndarray:
    """Row-wise mean within a group of indicators (COINr ``impute_by = "row"``, ``f_i = "i_mean"``).

    With ``normalise_first`` (default, as COINr): ``z_ij = (d_j x_ij - min_i d_j x_ij) / (max - min)``
    with ``d_j`` the direction; the missing ``z_ij`` takes the mean of the entity's observed ``z``
    over the indicators of the block (all indicators, or those under the same aggregate at
    ``group_level``); then ``x_ij = (z_ij (max - min) + min) / d_j``.
    """
    return _row_stat(X, directions, normalise_first, np.nanmean)


@METHODS.register("row_median", aliases=("i_median_row", "rowwise_median"))
def row_median(
    X: np.ndarray, directions: np.ndarray, *, group_level: int | None = None, normalise_first: bool = True
) -> np.ndarray:
    """As :func:`row_mean` with the row median (COINr ``impute_by = "row"``, ``f_i = "i_median"``)."""
    return _row_stat(X, directions, normalise_first, np.nanmedian)


def em_mvn(
    X: np.ndarray,
    *,
    max_iter: int = 500,
    tol: float = 1e-8,
    ridge: float = 1e-6,
    draw: bool = False,
    seed: int | np.random.Generator | None = None,
) -> tuple[np.ndarray, dict[str, Any]]:
    """EM for a multivariate normal with values missing at random; returns ``(X', info)``.

    Columns are standardised by their observed mean and sd. Start: ``mu = 0``, ``Sigma`` =
    pairwise-complete correlation made positive definite. E-step, per row with missing set ``m``
    and observed set ``o``: ``x_m = mu_m + S_mo S_oo^-1 (x_o - mu_o)`` and
    ``C_mm = S_mm - S_mo S_oo^-1 S_om``. M-step: ``mu = mean(x)``, ``Sigma = mean((x - mu)(x - mu)' + C)
    + ridge I``. Stop when ``max(|d mu|, |d Sigma|) < tol`` (standardised scale) or after
    ``max_iter`` iterations. Output: the conditional means at the final parameters, or with
    ``draw: true`` one draw from the conditional normal (``seed`` makes it reproducible).
    Source: Dempster, Laird & Rubin (1977); Little & Rubin, *Statistical Analysis with Missing
    Data* (2nd ed., 2002), s. 11.2.1. ``ridge`` keeps ``Sigma`` invertible when entities are few.
    """
    n, p = X.shape
    loc = np.nanmean(X, axis=0)
    sd = np.nanstd(X, axis=0, ddof=1)
    sd = np.where(np.isfinite(sd) & (sd > 0), sd, 1.0)
    Z = (X - loc) / sd
    miss = np.isnan(Z)
    groups: dict[bytes, list[int]] = {}
    for i in np.flatnonzero(miss.any(axis=1)):
        groups.setdefault(miss[i].tobytes(), []).append(i)
    patterns = []
    for key, rows in groups.items():
        mk = np.frombuffer(key, dtype=bool)
        patterns.append((np.flatnonzero(mk), np.flatnonzero(~mk), np.asarray(rows)))
    mu = np.zeros(p)
    S = pd.DataFrame(Z).corr(min_periods=2).fillna(0.0).to_numpy().copy()
    np.fill_diagonal(S, 1.0)
    w, V = np.linalg.eigh(S)
    S = (V * np.clip(w, 1e-3, None)) @ V.T + ridge * np.eye(p)
    Zf = np.where(miss, 0.0, Z)
    delta, it, converged = np.inf, 0, False
    while it < max_iter:
        it += 1
        Zf, C = _e_step(Z, miss, patterns, mu, S)
        mu_new = Zf.mean(axis=0)
        D = Zf - mu_new
        S_new = (D.T @ D + C) / n + ridge * np.eye(p)
        delta = max(np.abs(mu_new - mu).max(), np.abs(S_new - S).max())
        mu, S = mu_new, S_new
        if delta < tol:
            converged = True
            break
    Zf, _ = _e_step(Z, miss, patterns, mu, S)
    if draw:
        rng = np.random.default_rng(seed)
        P = np.linalg.inv(S)
        for m, _, rows in patterns:
            Cmm = np.linalg.inv(P[m[:, None], m])
            L = np.linalg.cholesky((Cmm + Cmm.T) / 2 + 1e-12 * np.eye(m.size))
            for i in rows:
                Zf[i, m] += L @ rng.standard_normal(m.size)
    out = np.where(miss, Zf * sd + loc, X)
    return out, {"iterations": it, "max_change": float(delta), "converged": converged}


def _e_step(Z, miss, patterns, mu, S):
    """Conditional means and summed conditional covariances, from the precision matrix ``P = S^-1``:
    ``x_m = mu_m - P_mm^-1 P_mo (x_o - mu_o)``, ``C_mm = P_mm^-1`` (Schur complement; only ``|m|``-sized solves)."""
    Zf = np.where(miss, 0.0, Z)
    C = np.zeros_like(S)
    P = np.linalg.inv(S)
    for m, o, rows in patterns:
        Cmm = np.linalg.inv(P[m[:, None], m])
        if o.size:
            K = Cmm @ P[m[:, None], o]
            Zf[rows[:, None], m] = mu[m] - (Zf[rows[:, None], o] - mu[o]) @ K.T
        else:
            Zf[rows[:, None], m] = mu[m]
        C[m[:, None], m] += Cmm * rows.size
    return Zf, C


@METHODS.register("em", aliases=("em_mvn", "iterative", "model"))
def em(
    X: np.ndarray,
    directions: np.ndarray,
    *,
    group_level: int | None = None,
    max_iter: int = 500,
    tol: float = 1e-8,
    ridge: float = 1e-6,
    draw: bool = False,
    seed: int | None = None,
) -> tuple[np.ndarray, dict[str, Any]]:
    """Model-based imputation: EM for a multivariate normal (:func:`em_mvn`), per block of indicators.

    Source: Dempster, Laird & Rubin (1977), JRSS B 39:1; Little & Rubin (2002), *Statistical Analysis with
    Missing Data*, ch. 11 (the EM algorithm that Amelia, used in COINr's vignette, builds on).

    A block is every indicator, or the indicators under one aggregate at ``group_level``.
    """
    return em_mvn(X, max_iter=max_iter, tol=tol, ridge=ridge, draw=draw, seed=seed)


# -- stage -----------------------------------------------------------------------------------
def _canonical(params: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in params.items():
        key = PARAM_ALIASES.get(k, k)
        if key in out:
            raise SpecError(f"[impute] parameter {key!r} given twice (as {k!r} and {key!r})")
        out[key] = v
    return out


def _blocks(fw, codes: list[str], group_level: int | None) -> list[list[str]]:
    if group_level is None:
        return [codes]
    if not 2 <= int(group_level) <= fw.n_levels:
        raise SpecError(f"[impute] group_level {group_level} is out of range; levels are 2..{fw.n_levels}")
    blocks: dict[str, list[str]] = {}
    for c in codes:
        blocks.setdefault(fw.ancestor_at(c, int(group_level)), []).append(c)
    return list(blocks.values())


def run(data: pd.DataFrame, ctx: Context, step: Step) -> StageOutput:
    _no_unsupported_overrides(step, "impute", ("by_indicator",))
    fw = ctx.framework
    cols = data.columns.tolist()
    X0 = data.to_numpy(dtype=float)
    miss0 = np.isnan(X0)
    all_missing = miss0.all(axis=0)
    any_missing = miss0.any(axis=0)
    plan: dict[str, tuple[str, dict[str, Any]]] = {}
    keys: dict[str, str] = {}
    pos: dict[str, int] = {}
    checked: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
    for j, code, _node, method, params, own_key in indicator_settings(step, fw, cols):
        method = method or DEFAULT_METHOD
        if method == "none":
            continue
        key = (method, own_key)
        if key not in checked:
            canonical = _canonical(params)
            checked[key] = (METHODS.check_params(method, canonical).name, canonical)
        name, canonical = checked[key]
        plan[code] = (name, canonical)
        keys[code] = key[1]
        pos[code] = j
        if all_missing[j]:
            raise StageError(
                "impute",
                f"indicator {code!r} has no data (all values missing); nothing to impute "
                f"from. Remove it from the framework or skip it (by_indicator: {{{code}: {{method: "
                f"none}}}})",
            )
    convergence = []
    arr = None
    group_cache: dict[str, np.ndarray] = {}
    batches: dict[tuple[str, str], tuple[dict[str, Any], list[int]]] = {}
    for code, (name, params) in plan.items():
        if name in BLOCK_METHODS or not any_missing[pos[code]]:
            continue
        batches.setdefault((name, keys[code]), (params, []))[1].append(pos[code])
    for (name, _), (params, js) in batches.items():
        m = METHODS.get(name)
        if arr is None:
            arr = np.array(X0, order="F")
        if "by" in m.params:
            col = params.get("by")
            if not col:
                raise SpecError(
                    f"[impute] method {name!r} needs 'by': the entity group column "
                    f"(one of {', '.join(ctx.data.groups.columns) or 'none'})"
                )
            if col not in group_cache:
                group_cache[col] = pd.factorize(
                    ctx.groups(data.index, col, "impute").to_numpy(dtype=object), use_na_sentinel=True
                )[0]
            arr[:, js] = m(X0[:, js], group_cache[col])
        else:
            for j in js:
                arr[:, j] = m(X0[:, j])
    for name in BLOCK_METHODS:
        members = [c for c, (n, _) in plan.items() if n == name]
        if not members:
            continue
        params = dict(plan[members[0]][1])
        m = METHODS.get(name)
        for block in _blocks(fw, members, params.pop("group_level", None)):
            js = [pos[c] for c in block]
            X = X0[:, js]
            if not np.isnan(X).any():
                continue
            dirs = np.array([fw[c].direction for c in block], dtype=float)
            res = m(X, dirs, **params)
            if isinstance(res, tuple):
                res, info = res
                convergence.append({"block": ", ".join(block), **info})
                if not info["converged"]:
                    warnings.warn(
                        f"[impute] EM did not converge for block {block} within {info['iterations']} "
                        f"iterations (last change {info['max_change']:.3g})",
                        ImputationWarning,
                        stacklevel=2,
                    )
            if arr is None:
                arr = np.array(X0, order="F")
            arr[:, js] = res
    if arr is None:
        out = data.copy(deep=False)
        arr = X0
    else:
        out = pd.DataFrame(arr, index=data.index, columns=data.columns, copy=False)
    return StageOutput(out, _logs(data.index, cols, miss0, arr, plan, convergence))


def _logs(
    entities: pd.Index, cols: list[str], was: np.ndarray, after: np.ndarray, plan: dict, convergence: list
) -> Log:
    now = np.isnan(after)
    ri, ci = np.nonzero(now)
    in_plan = np.array([c in plan for c in cols], dtype=bool)
    imputable = np.flatnonzero(in_plan[ci])
    if imputable.size:
        shown = ", ".join(f"{entities[ri[k]]}/{cols[ci[k]]}" for k in imputable[:8])
        more = f" and {imputable.size - 8} more" if imputable.size > 8 else ""
        warnings.warn(
            f"[impute] {imputable.size} value(s) are still missing after imputation: {shown}{more} "
            f"(see the 'remaining' log)",
            ImputationWarning,
            stacklevel=3,
        )

    def imputed() -> pd.DataFrame:
        cols_arr = np.asarray(cols, dtype=object)
        methods = np.asarray([plan[c][0] if c in plan else "none" for c in cols], dtype=object)
        r, c = np.nonzero(was & ~now)
        return pd.DataFrame(
            {"uCode": entities[r], "iCode": cols_arr[c], "method": methods[c], "value": after[r, c]}
        )

    def remaining() -> pd.DataFrame:
        reasons = []
        for j in ci:
            code = cols[j]
            if code not in plan:
                reasons.append("not imputed (method none or not an indicator)")
            elif plan[code][0] in ("group_mean", "group_median"):
                reasons.append(
                    f"no observed value in the entity's {plan[code][1].get('by')} group, or no group label"
                )
            else:
                reasons.append(f"{plan[code][0]}: no observed value to impute from")
        return pd.DataFrame({"uCode": entities[ri], "iCode": [cols[j] for j in ci], "reason": reasons})

    logs = Log({"imputed": imputed, "remaining": remaining})
    if convergence:
        logs["convergence"] = pd.DataFrame(convergence)
    return logs
