"""Treat: outlier treatment per indicator, as COINr ``Treat()`` (winsorisation, log fallbacks).

The default method, ``winsorise``, is COINr 1.1.14's two-stage process (``Treat.numeric`` with
``f1 = winsorise``, ``f2 = log_CT``, ``f_pass = check_SkewKurt``):

1. pass if ``|skew| < skew_thresh`` or ``kurt < kurt_thresh`` (Excel-style sample estimators);
2. if it fails, winsorise up to ``winmax`` points (the direction of the skew says which end);
3. if it still fails, apply the fallback transform (``log_CT`` by default) to the *original*
   column (or to the winsorised one with ``combine_treat: true``).

Other methods apply one transform unconditionally: ``log_CT``, ``log_CT_plus``, ``log_CT_orig``,
``log_GII``, ``log``, ``boxcox``, ``percentile`` (fixed-percentile winsorisation), or ``none``.
Per-indicator overrides go in ``by_indicator``. Logs: ``Dets_Table`` (COINr's columns),
``Treated_Points`` (``winhi``/``winlo``/transform name per point) and ``methods``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from innoscope.model.errors import SpecError, StageError
from innoscope.model.registry import Registry
from innoscope.pipeline.base import Context, Log, StageOutput, indicator_settings
from innoscope.pipeline.spec import Step

METHODS = Registry("treat")
OUTPUT = "Treated"
OVERRIDES = ("by_indicator",)
"""Which ``by_*`` override tables this stage reads; any other is rejected when the spec is validated."""
DEFAULT_METHOD = "winsorise"
PARAM_ALIASES = {"max_points": "winmax", "skew": "skew_thresh", "kurtosis": "kurt_thresh", "lambda": "lmbda"}
"""Alternative spellings accepted in a spec (issue #2's YAML example) -> the kernel's name."""
STAGE_PARAMS = tuple(PARAM_ALIASES)


@dataclass
class Treatment:
    """One treated column: new values, a label per point and the details for ``Dets_Table``."""

    x: np.ndarray
    points: np.ndarray | str | Callable[[], np.ndarray | str]
    """A label per point, or one label for every point (or a function returning either, called
    only when the labels are read)."""
    dets: dict[str, Any] = field(default_factory=dict)

    def labels(self) -> np.ndarray:
        """The label of every point (``""`` = untouched)."""
        points = _points(self.points)
        return _labels(self.x.size, points) if isinstance(points, str) else points


def _points(points: np.ndarray | str | Callable[[], np.ndarray | str]) -> np.ndarray | str:
    return points() if callable(points) else points


# -- statistics ----------------------------------------------------------------------------
def _moments(x: np.ndarray) -> tuple[int, float, float, float]:
    ok = x[~np.isnan(x)] if np.isnan(x.sum()) else x
    d = ok - ok.mean() if ok.size else ok
    d2 = d * d
    return ok.size, float(d2.sum()), float((d2 * d).sum()), float((d2 * d2).sum())


def _row_moments(XT: np.ndarray) -> tuple[list[float], list[float], list[float]]:
    """:func:`_moments` of every row of a NaN-free C-contiguous ``XT`` (bit for bit: a reduction
    along the contiguous axis sums each row as NumPy sums a 1-D array)."""
    n = XT.shape[1]
    D = XT - (XT.sum(axis=1) / n)[:, None]
    D2 = D * D
    s2 = D2.sum(axis=1).tolist()
    s3 = np.multiply(D2, D, out=D).sum(axis=1).tolist()
    return s2, s3, np.multiply(D2, D2, out=D2).sum(axis=1).tolist()


def _check_from_moments(
    n: int, s2: float, s3: float, s4: float, skew_thresh: float, kurt_thresh: float
) -> tuple[Any, float, float]:
    sk, kt = _g1(n, s2, s3), _g2(n, s2, s4)
    if math.isnan(sk) or math.isnan(kt):
        return pd.NA, sk, kt
    return bool(abs(sk) < skew_thresh or kt < kurt_thresh), sk, kt


def _g1(n: int, s2: float, s3: float) -> float:
    if n < 3 or s2 == 0:
        return float("nan")
    g1 = math.sqrt(n) * s3 / s2**1.5
    return g1 * math.sqrt(n * (n - 1)) / (n - 2)


def _g2(n: int, s2: float, s4: float) -> float:
    if n < 4 or s2 == 0:
        return float("nan")
    r = n * s4 / s2**2
    return ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))


def skew(x: np.ndarray) -> float:
    """Sample skewness, Excel ``SKEW`` / e1071 type 2, NaN removed (COINr ``skew()``).

    ``g1 = sqrt(n) sum d^3 / (sum d^2)^(3/2)``, ``G1 = g1 sqrt(n (n-1)) / (n-2)``, ``d = x - mean x``.
    """
    n, s2, s3, _ = _moments(x)
    if n < 3:
        raise ValueError(f"skewness needs at least 3 non-missing values, got {n}")
    return _g1(n, s2, s3)


def kurt(x: np.ndarray) -> float:
    """Sample excess kurtosis, Excel ``KURT`` / e1071 type 2, NaN removed (COINr ``kurt()``).

    ``r = n sum d^4 / (sum d^2)^2``, ``G2 = ((n+1)(r-3) + 6)(n-1) / ((n-2)(n-3))``.
    """
    n, s2, _, s4 = _moments(x)
    if n < 4:
        raise ValueError(f"kurtosis needs at least 4 non-missing values, got {n}")
    return _g2(n, s2, s4)


def check_skew_kurt(
    x: np.ndarray, skew_thresh: float = 2.0, kurt_thresh: float = 3.5
) -> tuple[Any, float, float]:
    """COINr ``check_SkewKurt``: pass if ``|skew| < skew_thresh`` OR ``kurt < kurt_thresh`` (NA if undefined)."""
    n, s2, s3, s4 = _moments(x)
    if n < 4:
        raise ValueError(f"skewness and kurtosis need at least 4 non-missing values, got {n}")
    return _check_from_moments(n, s2, s3, s4, skew_thresh, kurt_thresh)


def _passes(p: Any) -> bool:
    return p is not pd.NA and bool(p)


# -- transforms (one column in, Treatment out) ---------------------------------------------
def _labels(n: int, label: str = "") -> np.ndarray:
    return np.full(n, label, dtype=object)


def _range(x: np.ndarray) -> tuple[float, float]:
    return float(np.nanmin(x)), float(np.nanmax(x))


@METHODS.register("log_CT", aliases=("log_ct",))
def log_ct(x: np.ndarray) -> Treatment:
    """COIN Tool log: ``ln(x - min x + 0.01 (max x - min x))``. Source: COINr ``log_CT``."""
    mn, mx = _range(x)
    if mx == mn:
        raise ValueError(f"log_CT is undefined for an indicator with no variation (every value = {mn})")
    return Treatment(np.log(x - mn + 0.01 * (mx - mn)), "log_CT")


@METHODS.register("log_CT_plus", aliases=("log_ct_plus",))
def log_ct_plus(x: np.ndarray) -> Treatment:
    """Skew-aware COIN Tool log. Source: COINr ``log_CT_plus``.

    ``a = 0.01 (max - min)``; if skew > 0: ``ln(x - min + a)`` (label ``log_CT``), else
    ``-ln(max + a - x)`` (label ``log_CT_neg``), so negative skew is reduced too.
    """
    mn, mx = _range(x)
    if mx == mn:
        raise ValueError(f"log_CT_plus is undefined for an indicator with no variation (every value = {mn})")
    a = 0.01 * (mx - mn)
    if skew(x) > 0:
        return Treatment(np.log(x - mn + a), "log_CT")
    return Treatment(-np.log(mx + a - x), "log_CT_neg")


@METHODS.register("log_CT_orig", aliases=("log_ct_orig",))
def log_ct_orig(x: np.ndarray) -> Treatment:
    """Original COIN Tool log: ``ln(x - min x + 1)``. Source: COINr ``log_CT_orig``."""
    mn, _ = _range(x)
    return Treatment(np.log(x - mn + 1.0), "log_CT_orig")


@METHODS.register("log_GII", aliases=("log_gii", "gii_log"))
def log_gii(x: np.ndarray) -> Treatment:
    """GII log: ``ln((max - 1)(x - min)/(max - min) + 1)``.

    Source: Global Innovation Index 2020 technical notes, as in COINr ``log_GII`` (which computes
    this value but returns the untransformed column, a COINr defect; innoscope returns the
    transform). Maps ``[min, max]`` onto ``[0, ln max]``; needs ``max > 0``; reverses the order of
    the values when ``max < 1``.
    """
    mn, mx = _range(x)
    if mx <= 0:
        raise ValueError(f"the GII log needs a positive maximum; the maximum is {mx}")
    if mx == mn:
        raise ValueError(f"log_GII is undefined for an indicator with no variation (every value = {mn})")
    return Treatment(np.log((mx - 1) * (x - mn) / (mx - mn) + 1), "log_GII")


@METHODS.register("log", aliases=("ln",))
def log_plain(x: np.ndarray) -> Treatment:
    """Natural log ``ln x``; every value must be positive. Source: OECD/JRC Handbook (2008) s.3 (transformations)."""
    bad = x[~np.isnan(x) & (x <= 0)]
    if bad.size:
        raise ValueError(f"log needs positive values; {bad.size} value(s) are <= 0 (smallest {bad.min()})")
    return Treatment(np.log(x), "log")


@METHODS.register("boxcox", aliases=("box_cox",))
def boxcox(x: np.ndarray, *, lmbda: float = 0.0, makepos: bool = True) -> Treatment:
    """Box-Cox with a fixed lambda: ``(y^l - 1)/l`` (``ln y`` if ``l = 0``).

    ``y = x - min x + 1`` when ``makepos`` (COIN Tool shift, default), else ``y = x`` (must be > 0).
    Source: Box & Cox (1964); COINr ``boxcox()``.
    """
    if makepos:
        y = x - np.nanmin(x) + 1.0
    else:
        bad = x[~np.isnan(x) & (x <= 0)]
        if bad.size:
            raise ValueError(
                f"Box-Cox with makepos = false needs positive values; {bad.size} value(s) are "
                f"<= 0 (smallest {bad.min()})"
            )
        y = x
    out = np.log(y) if lmbda == 0 else (y**lmbda - 1.0) / lmbda
    return Treatment(out, "boxcox")


@METHODS.register("percentile", aliases=("winsorise_pct", "quantile", "pct_winsorise"))
def percentile(x: np.ndarray, *, lower: float = 0.05, upper: float = 0.95) -> Treatment:
    """Fixed-percentile winsorisation: clip to ``[q(lower), q(upper)]``.

    Source: Tukey (1962) / Dixon (1960) winsorising; OECD/JRC Handbook (2008) s.3 (outlier treatment).

    Quantiles by linear interpolation between order statistics (R ``quantile`` type 7, NumPy's
    default), NaN ignored. Points moved down are ``winhi``, moved up ``winlo``.
    """
    if not 0 <= lower < upper <= 1:
        raise ValueError(f"need 0 <= lower < upper <= 1, got lower={lower}, upper={upper}")
    lo, hi = np.nanquantile(x, [lower, upper])
    out = np.clip(x, lo, hi)
    pts = _labels(x.size, "")
    pts[x > hi] = "winhi"
    pts[x < lo] = "winlo"
    return Treatment(
        out,
        pts,
        {
            "percentile.nwin": int((x > hi).sum() + (x < lo).sum()),
            "percentile.lo": float(lo),
            "percentile.hi": float(hi),
        },
    )


def winsorise_points(
    x: np.ndarray,
    *,
    winmax: int | None = 5,
    skew_thresh: float = 2.0,
    kurt_thresh: float = 3.5,
    force_win: bool = False,
) -> tuple[np.ndarray, np.ndarray, int]:
    """COINr ``winsorise()``: returns ``(x', labels, nwin)``.

    While the column fails the skew/kurtosis check (or ``force_win``) and fewer than ``winmax``
    points are winsorised: if ``skew >= 0`` every point equal to the maximum takes the largest
    other value, else every point equal to the minimum takes the smallest other value. Ties move
    together. ``nwin`` = number of points at the last-moved high value(s) + low value(s), as COINr.
    """
    x = x.copy()
    passing, sk, _ = check_skew_kurt(x, skew_thresh, kurt_thresh)
    imax = imin = np.empty(0, dtype=int)
    nwin = 0
    if not _passes(passing) or force_win:
        while (not _passes(passing) or force_win) and (winmax is None or nwin < winmax):
            if passing is pd.NA and not force_win:
                break
            if sk >= 0:
                top = np.nanmax(x)
                imax = np.flatnonzero(x == top)
                x[imax] = np.nanmax(np.where(x == top, np.nan, x))
            else:
                bottom = np.nanmin(x)
                imin = np.flatnonzero(x == bottom)
                x[imin] = np.nanmin(np.where(x == bottom, np.nan, x))
            nwin = imax.size + imin.size
            passing, sk, _ = check_skew_kurt(x, skew_thresh, kurt_thresh)
    pts = _labels(x.size, "")
    pts[imax] = "winhi"
    pts[imin] = "winlo"
    return x, pts, nwin


def _check_cols(prefix: str, res: tuple[Any, float, float]) -> dict[str, Any]:
    return {f"{prefix}.Pass": res[0], f"{prefix}.Skew": res[1], f"{prefix}.Kurt": res[2]}


@METHODS.register("winsorise", aliases=("winsorize", "coinr", "gii", "winsorise_log"))
def winsorise(
    x: np.ndarray,
    *,
    winmax: int | None = 5,
    skew_thresh: float = 2.0,
    kurt_thresh: float = 3.5,
    force_win: bool = False,
    fallback: str | None = "log_CT",
    fallback_params: dict | None = None,
    combine_treat: bool = False,
) -> Treatment:
    """COINr/GII two-stage treatment (COINr 1.1.14 ``Treat.numeric``, f1 = winsorise, f2 = ``fallback``).

    Check -> winsorise (:func:`winsorise_points`) -> check -> if still failing, ``fallback`` on the
    original column (``combine_treat: false``, COINr's default) or on the winsorised one. Pass
    rule: ``|skew| < skew_thresh`` or ``kurt < kurt_thresh``. ``fallback: none`` stops after step 2.
    """
    dets = _check_cols("check_SkewKurt0", check_skew_kurt(x, skew_thresh, kurt_thresh))
    lab1: np.ndarray | str = ""
    lab2: np.ndarray | str = ""
    passing = dets["check_SkewKurt0.Pass"]
    x1 = x
    if passing is not pd.NA and not passing:
        x1, lab1, nwin = winsorise_points(
            x, winmax=winmax, skew_thresh=skew_thresh, kurt_thresh=kurt_thresh, force_win=force_win
        )
        dets["winsorise.nwin"] = nwin
        check1 = check_skew_kurt(x1, skew_thresh, kurt_thresh)
        dets.update(_check_cols("check_SkewKurt1", check1))
        passing = check1[0]
    x2 = x1
    if passing is not pd.NA and not passing and fallback not in (None, "none"):
        f2 = METHODS.get(fallback)
        if f2.name in ("winsorise", "percentile"):
            raise ValueError(f"fallback must be a transform, not {f2.name!r}")
        t2 = f2(x1 if combine_treat else x, **(fallback_params or {}))
        x2, lab2 = t2.x, t2.points
        dets.update(_check_cols("check_SkewKurt2", check_skew_kurt(x2, skew_thresh, kurt_thresh)))
    return Treatment(np.asarray(x2, dtype=float), _join_labels(lab1, lab2), dets)


def _join_labels(lab1: np.ndarray | str, lab2: np.ndarray | str) -> np.ndarray | str:
    """COINr's Treated_Points: ``f1`` label alone if ``f2`` left the point, else ``"<f1>+<f2>"``."""
    if isinstance(lab2, str):
        if lab2 == "":
            return lab1
        if isinstance(lab1, str):
            return f"{lab1}+{lab2}"
        out = np.full(lab1.size, "+" + lab2, dtype=object)
        for u in set(lab1[lab1 != ""]):
            out[lab1 == u] = f"{u}+{lab2}"
        return out
    n = lab2.size
    lab1 = np.full(n, lab1, dtype=object) if isinstance(lab1, str) else lab1
    return np.where(lab2 == "", lab1, lab1 + "+" + lab2)


def _apply(m, x: np.ndarray, params: dict[str, Any]) -> Treatment:
    if m.name == "winsorise":
        return m(x, **params)
    before = check_skew_kurt(x)
    t = m(x, **params)
    dets = _check_cols("check_SkewKurt0", before)
    dets.update(t.dets)
    dets.update(_check_cols("check_SkewKurt1", check_skew_kurt(np.asarray(t.x, float))))
    return Treatment(np.asarray(t.x, dtype=float), t.points, dets)


def _canonical(params: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in params.items():
        key = PARAM_ALIASES.get(k, k)
        if key in out:
            raise StageError("treat", f"parameter {key!r} given twice (as {k!r} and {key!r})")
        out[key] = v
    return out


def _no_unsupported_overrides(step: Step, stage: str, allowed: tuple[str, ...]) -> None:
    for name in ("by_indicator", "by_level", "by_node", "by_group"):
        if getattr(step, name) and name not in allowed:
            raise SpecError(
                f"[{stage}] {name} is not supported by this stage; use "
                f"{' or '.join(allowed) if allowed else 'one method for the whole step'}"
            )


def _winsorise_rows(
    XT: np.ndarray, p: dict[str, Any], check0: list[tuple[Any, float, float]]
) -> list[Treatment | None]:
    """:func:`winsorise` on every row of a NaN-free C-contiguous ``XT`` whose first check fails.

    One winsorisation step moves the extreme point(s) of every still-failing row at once (the
    maximum of rows with skew >= 0, the minimum of the others), then the moments of those rows
    are recomputed together. Values, labels and details are those of
    :func:`winsorise` row by row, bit for bit. ``None`` marks a row the block step does not cover
    (every value tied, or a check becoming undefined); the caller runs the kernel on it.
    """
    k, n = XT.shape
    st, kt = p["skew_thresh"], p["kurt_thresh"]
    winmax = p["winmax"]
    X = XT.copy()
    hi = np.zeros(X.shape, dtype=bool)
    lo = np.zeros(X.shape, dtype=bool)
    n_hi = np.zeros(k, dtype=int)
    n_lo = np.zeros(k, dtype=int)
    checks = list(check0)
    nwin = [0] * k
    odd: set[int] = set()
    act = np.arange(k) if winmax is None or winmax > 0 else np.arange(0)
    while act.size:
        sub = X if act.size == k else X[act]
        up = np.array([checks[i][1] >= 0 for i in act.tolist()])
        moved = np.empty(act.size)
        for rows, extreme, beyond, mask, count in (
            (np.flatnonzero(up), np.max, -np.inf, hi, n_hi),
            (np.flatnonzero(~up), np.min, np.inf, lo, n_lo),
        ):
            if not rows.size:
                continue
            part = sub if rows.size == act.size else sub[rows]
            eq = part == extreme(part, axis=1)[:, None]
            nxt = extreme(np.where(eq, beyond, part), axis=1)
            np.copyto(part, nxt[:, None], where=eq)
            if part is not sub:
                sub[rows] = part
            mask[act[rows]] = eq
            count[act[rows]] = np.count_nonzero(eq, axis=1)
            moved[rows] = nxt
        if sub is not X:
            X[act] = sub
        counts = (n_hi[act] + n_lo[act]).tolist()
        m2, m3, m4 = _row_moments(sub)
        keep = []
        for r, i in enumerate(act.tolist()):
            if np.isinf(moved[r]):
                odd.add(i)
                continue
            nwin[i] = counts[r]
            c = checks[i] = _check_from_moments(n, m2[r], m3[r], m4[r], st, kt)
            if c[0] is pd.NA:
                odd.add(i)
            elif not c[0] and (winmax is None or nwin[i] < winmax):
                keep.append(i)
        act = np.array(keep, dtype=int)
    fallback = p["fallback"]
    f2 = None if fallback in (None, "none") else METHODS.get(fallback)
    if f2 is not None and f2.name in ("winsorise", "percentile"):
        raise ValueError(f"fallback must be a transform, not {f2.name!r}")
    out: list[Treatment | None] = []
    logged: list[tuple[int, np.ndarray]] = []
    for i in range(k):
        if i in odd:
            out.append(None)
            continue
        dets = _check_cols("check_SkewKurt0", check0[i])
        dets["winsorise.nwin"] = nwin[i]
        dets.update(_check_cols("check_SkewKurt1", checks[i]))
        x2: np.ndarray = X[i]
        lab2: np.ndarray | str = ""
        passing = checks[i][0]
        if passing is not pd.NA and not passing and f2 is not None:
            t2 = f2(X[i] if p["combine_treat"] else XT[i], **(p["fallback_params"] or {}))
            x2, lab2 = np.asarray(t2.x, dtype=float), t2.points
            logged.append((i, x2))
        out.append(Treatment(x2, functools.partial(_win_labels, hi[i], lo[i], lab2), dets))
    clean = [(i, x2) for i, x2 in logged if not np.isnan(x2).any()]
    if clean:
        m2, m3, m4 = _row_moments(np.vstack([x2 for _, x2 in clean]))
        for r, (i, _) in enumerate(clean):
            out[i].dets.update(
                _check_cols("check_SkewKurt2", _check_from_moments(n, m2[r], m3[r], m4[r], st, kt))
            )
    for i, x2 in logged:
        if "check_SkewKurt2.Pass" not in out[i].dets:
            out[i].dets.update(_check_cols("check_SkewKurt2", check_skew_kurt(x2, st, kt)))
    return out


def _win_labels(hi: np.ndarray, lo: np.ndarray, lab2: np.ndarray | str) -> np.ndarray | str:
    """Treated_Points of a winsorised column: ``winhi`` / ``winlo`` joined with the fallback's label."""
    lab1 = _labels(hi.size, "")
    lab1[hi] = "winhi"
    lab1[lo] = "winlo"
    return _join_labels(lab1, lab2)


def _treat_one(code: str, m: Any, x: np.ndarray, params: dict[str, Any], entities: pd.Index) -> Treatment:
    """One column through its method, with the stage's error messages."""
    try:
        with np.errstate(divide="ignore", invalid="ignore"):
            t = _apply(m, x, params)
    except (ValueError, ZeroDivisionError, FloatingPointError) as e:
        raise StageError("treat", f"indicator {code!r}, method {m.name!r}: {e}") from None
    _check_finite(code, m, x, t, entities)
    return t


def _check_finite(code: str, m: Any, x: np.ndarray, t: Treatment, entities: pd.Index) -> None:
    bad = ~np.isnan(x) & ~np.isfinite(t.x)
    if bad.any():
        who = list(entities[bad][:5])
        raise StageError(
            "treat",
            f"indicator {code!r}, method {m.name!r}: transform gives non-finite values "
            f"for {who} (values {x[bad][:5].tolist()})",
        )


def run(data: pd.DataFrame, ctx: Context, step: Step) -> StageOutput:
    _no_unsupported_overrides(step, "treat", ("by_indicator",))
    fw = ctx.framework
    cols = data.columns.tolist()
    X0 = data.to_numpy(dtype=float)
    XT = np.ascontiguousarray(X0.T)
    missing = np.isnan(XT)
    has_nan = missing.any(axis=1)
    points: dict[str, np.ndarray | str] = {}
    used: list[dict[str, Any]] = []
    jobs: list[tuple[int, str, Any, dict[str, Any]]] = []
    keys: dict[int, str] = {}
    checked: dict[tuple[str, str], Any] = {}

    def slow(todo):
        return {j: _treat_one(code, m, XT[j], params, data.index) for j, code, m, params in todo}

    for j, code, _node, method, params, own_key in indicator_settings(step, fw, cols):
        try:
            method = method or DEFAULT_METHOD
            points[code] = ""
            if method == "none":
                used.append({"iCode": code, "method": "none"})
                continue
            key = (method, own_key)
            if key not in checked:
                params = _canonical(params)
                m = METHODS.check_params(method, params)
                fallback = params.get("fallback", "log_CT") if m.name == "winsorise" else None
                if fallback not in (None, "none"):
                    METHODS.check_params(fallback, params.get("fallback_params") or {})
                checked[key] = (m, params)
            m, params = checked[key]
            n_ok = int(XT.shape[1] - missing[j].sum()) if has_nan[j] else XT.shape[1]
            if n_ok < 4:
                what = "no data (all values missing)" if n_ok == 0 else f"only {n_ok} non-missing value(s)"
                raise StageError(
                    "treat", f"indicator {code!r} has {what}; skewness and kurtosis need at least 4"
                )
        except Exception:
            slow(jobs)  # an earlier indicator's error comes first, as when treating one by one
            raise
        jobs.append((j, code, m, params))
        keys[j] = key[1]
        used.append({"iCode": code, "method": m.name, **params})
    try:
        treated, dets = _treat_jobs(jobs, keys, XT, has_nan, data.index)
    except (ValueError, ZeroDivisionError, FloatingPointError, StageError):
        treated = slow(jobs)  # raises the error of the first indicator at fault, in column order
        dets = {j: t.dets for j, t in treated.items()}
    for j, t in treated.items():
        points[cols[j]] = t.points
    if treated:
        outT = XT.copy()
        for j, t in treated.items():
            outT[j] = t.x
        out = pd.DataFrame(outT.T, index=data.index, columns=data.columns, copy=False)
    else:
        out = data.copy(deep=False)
    rows = [{"iCode": cols[j], **dets[j]} for j, _, _, _ in jobs]

    def treated_points() -> pd.DataFrame:
        tp_arr = np.full((len(data), len(points)), "", dtype=object)
        for c, lab in enumerate(points.values()):
            tp_arr[:, c] = _points(lab)
        return pd.DataFrame(tp_arr, index=data.index, columns=list(points), dtype=object)

    return StageOutput(
        out,
        Log(
            {
                "Dets_Table": lambda: pd.DataFrame(rows),
                "Treated_Points": treated_points,
                "methods": lambda: pd.DataFrame(used),
            }
        ),
    )


def _treat_jobs(
    jobs: list[tuple[int, str, Any, dict[str, Any]]],
    keys: dict[int, str],
    XT: np.ndarray,
    has_nan: np.ndarray,
    entities: pd.Index,
) -> tuple[dict[int, Treatment], dict[int, dict[str, Any]]]:
    """Treat every planned column: the first skew/kurtosis check of all ``winsorise`` columns at once,
    the columns that fail it winsorised together (:func:`_winsorise_rows`), the rest one by one."""
    treated: dict[int, Treatment] = {}
    dets: dict[int, dict[str, Any]] = {}
    full: dict[str, dict[str, Any]] = {}
    for j, _, m, params in jobs:
        if m.name == "winsorise" and keys[j] not in full:
            full[keys[j]] = {**m.params, **params}
    clean = [j for j, _, m, _ in jobs if m.name == "winsorise" and not has_nan[j]]
    check0: dict[int, tuple[Any, float, float]] = {}
    if clean:
        s2, s3, s4 = _row_moments(XT[clean])
        n = XT.shape[1]
        for r, j in enumerate(clean):
            p = full[keys[j]]
            check0[j] = _check_from_moments(n, s2[r], s3[r], s4[r], p["skew_thresh"], p["kurt_thresh"])
    blocks: dict[str, tuple[dict[str, Any], list[int]]] = {}
    single = []
    for job in jobs:
        j, code, m, params = job
        if m.name != "winsorise":
            single.append(job)
            continue
        p = full[keys[j]]
        c0 = check0.get(j)
        if c0 is None:
            c0 = check0[j] = check_skew_kurt(XT[j], p["skew_thresh"], p["kurt_thresh"])
        if c0[0] is pd.NA or c0[0]:
            dets[j] = _check_cols("check_SkewKurt0", c0)
            if c0[0] is pd.NA:
                treated[j] = Treatment(XT[j].copy(), "", dets[j])
        elif has_nan[j] or p["force_win"]:
            single.append(job)
        else:
            blocks.setdefault(keys[j], (p, []))[1].append(j)
    by_pos = {job[0]: job for job in jobs}
    for p, js in blocks.values():
        with np.errstate(divide="ignore", invalid="ignore"):
            res = _winsorise_rows(XT[js], p, [check0[j] for j in js])
        for j, t in zip(js, res, strict=True):
            if t is None:
                single.append(by_pos[j])
                continue
            _check_finite(by_pos[j][1], by_pos[j][2], XT[j], t, entities)
            treated[j] = t
    for j, code, m, params in single:
        treated[j] = _treat_one(code, m, XT[j], params, entities)
    for j, t in treated.items():
        dets.setdefault(j, t.dets)
    return treated, dets
