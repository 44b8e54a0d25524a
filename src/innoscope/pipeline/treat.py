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

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import SpecError, StageError
from ..registry import Registry
from .base import Context, StageOutput
from .spec import Step

METHODS = Registry("treat")
OUTPUT = "Treated"
DEFAULT_METHOD = "winsorise"
PARAM_ALIASES = {"max_points": "winmax", "skew": "skew_thresh", "kurtosis": "kurt_thresh", "lambda": "lmbda"}
"""Alternative spellings accepted in a spec (issue #2's YAML example) -> the kernel's name."""
STAGE_PARAMS = tuple(PARAM_ALIASES)


@dataclass
class Treatment:
    """One treated column: new values, a label per point and the details for ``Dets_Table``."""

    x: np.ndarray
    points: np.ndarray | str
    """A label per point, or one label for every point."""
    dets: dict[str, Any] = field(default_factory=dict)

    def labels(self) -> np.ndarray:
        """The label of every point (``""`` = untouched)."""
        return _labels(self.x.size, self.points) if isinstance(self.points, str) else self.points


# -- statistics ----------------------------------------------------------------------------
def _moments(x: np.ndarray) -> tuple[int, float, float, float]:
    ok = x[~np.isnan(x)] if np.isnan(x.sum()) else x
    d = ok - ok.mean() if ok.size else ok
    d2 = d * d
    return ok.size, float(d2.sum()), float(d2 @ d), float(d2 @ d2)


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


def check_skew_kurt(x: np.ndarray, skew_thresh: float = 2.0, kurt_thresh: float = 3.5) -> tuple[Any, float, float]:
    """COINr ``check_SkewKurt``: pass if ``|skew| < skew_thresh`` OR ``kurt < kurt_thresh`` (NA if undefined)."""
    n, s2, s3, s4 = _moments(x)
    if n < 4:
        raise ValueError(f"skewness and kurtosis need at least 4 non-missing values, got {n}")
    sk, kt = _g1(n, s2, s3), _g2(n, s2, s4)
    if np.isnan(sk) or np.isnan(kt):
        return pd.NA, sk, kt
    return bool(abs(sk) < skew_thresh or kt < kurt_thresh), sk, kt


def skew_kurt_columns(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`skew` and :func:`kurt` of every column of ``X`` at once (NaN ignored; NaN if n < 4)."""
    ok = ~np.isnan(X)
    n = ok.sum(axis=0).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(ok, X, 0.0).sum(axis=0) / n
        d = np.where(ok, X - mean, 0.0)
        d2 = d * d
        s2, s3, s4 = d2.sum(axis=0), (d2 * d).sum(axis=0), (d2 * d2).sum(axis=0)
        g1 = np.sqrt(n) * s3 / s2**1.5 * np.sqrt(n * (n - 1)) / (n - 2)
        r = n * s4 / s2**2
        g2 = ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
    small = n < 4
    return np.where(small, np.nan, g1), np.where(small, np.nan, g2)


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
            raise ValueError(f"Box-Cox with makepos = false needs positive values; {bad.size} value(s) are "
                             f"<= 0 (smallest {bad.min()})")
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
    return Treatment(out, pts, {"percentile.nwin": int((x > hi).sum() + (x < lo).sum()),
                                "percentile.lo": float(lo), "percentile.hi": float(hi)})


def winsorise_points(x: np.ndarray, *, winmax: int | None = 5, skew_thresh: float = 2.0,
                     kurt_thresh: float = 3.5, force_win: bool = False) -> tuple[np.ndarray, np.ndarray, int]:
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
def winsorise(x: np.ndarray, *, winmax: int | None = 5, skew_thresh: float = 2.0, kurt_thresh: float = 3.5,
              force_win: bool = False, fallback: str | None = "log_CT", fallback_params: dict | None = None,
              combine_treat: bool = False) -> Treatment:
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
        x1, lab1, nwin = winsorise_points(x, winmax=winmax, skew_thresh=skew_thresh, kurt_thresh=kurt_thresh,
                                          force_win=force_win)
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
            raise SpecError(f"[{stage}] {name} is not supported by this stage; use "
                            f"{' or '.join(allowed) if allowed else 'one method for the whole step'}")


def _already_passing(method: str, params: dict[str, Any], sk: float, kt: float) -> dict[str, Any] | None:
    """Dets of a column that ``winsorise`` would leave untouched (it passes the first check), else None.

    Same rule as :func:`check_skew_kurt`, from the column statistics computed for all columns at once.
    """
    if method != "winsorise" or params.get("force_win") or np.isnan(sk) or np.isnan(kt):
        return None
    if not (abs(sk) < params.get("skew_thresh", 2.0) or kt < params.get("kurt_thresh", 3.5)):
        return None
    return _check_cols("check_SkewKurt0", (True, float(sk), float(kt)))


def run(data: pd.DataFrame, ctx: Context, step: Step) -> StageOutput:
    _no_unsupported_overrides(step, "treat", ("by_indicator",))
    fw = ctx.framework
    out = data.copy()
    treated: dict[str, np.ndarray] = {}
    rows: list[dict[str, Any]] = []
    points: dict[str, np.ndarray | str] = {}
    used = []
    X0 = data.to_numpy(dtype=float)
    sk0, kt0 = skew_kurt_columns(X0)
    for j, code in enumerate(data.columns):
        if code not in fw or fw[code].kind != "indicator":
            continue
        method, params = step.resolve(indicator=code)
        method = method or DEFAULT_METHOD
        points[code] = ""
        if method == "none":
            used.append({"iCode": code, "method": "none"})
            continue
        params = _canonical(params)
        m = METHODS.check_params(method, params)
        fallback = params.get("fallback", "log_CT") if m.name == "winsorise" else None
        if fallback not in (None, "none"):
            METHODS.check_params(fallback, params.get("fallback_params") or {})
        x = X0[:, j]
        n_ok = int((~np.isnan(x)).sum())
        if n_ok < 4:
            what = "no data (all values missing)" if n_ok == 0 else f"only {n_ok} non-missing value(s)"
            raise StageError("treat", f"indicator {code!r} has {what}; skewness and kurtosis need at least 4")
        quick = _already_passing(m.name, params, sk0[j], kt0[j])
        if quick is not None:
            rows.append({"iCode": code, **quick})
            used.append({"iCode": code, "method": m.name, **params})
            continue
        try:
            with np.errstate(divide="ignore", invalid="ignore"):
                t = _apply(m, x, params)
        except (ValueError, ZeroDivisionError, FloatingPointError) as e:
            raise StageError("treat", f"indicator {code!r}, method {m.name!r}: {e}") from None
        bad = ~np.isnan(x) & ~np.isfinite(t.x)
        if bad.any():
            who = list(data.index[bad][:5])
            raise StageError("treat", f"indicator {code!r}, method {m.name!r}: transform gives non-finite values "
                             f"for {who} (values {x[bad][:5].tolist()})")
        treated[code] = t.x
        points[code] = t.points
        rows.append({"iCode": code, **t.dets})
        used.append({"iCode": code, "method": m.name, **params})
    if treated:
        arr = data.to_numpy(dtype=float, copy=True)
        pos = {c: j for j, c in enumerate(data.columns)}
        for c, v in treated.items():
            arr[:, pos[c]] = v
        out = pd.DataFrame(arr, index=data.index, columns=data.columns)
    dets = pd.DataFrame(rows)
    tp_arr = np.full((len(data), len(points)), "", dtype=object)
    for j, lab in enumerate(points.values()):
        tp_arr[:, j] = lab
    tp = pd.DataFrame(tp_arr, index=data.index, columns=list(points), dtype=object)
    return StageOutput(out, {"Dets_Table": dets, "Treated_Points": tp, "methods": pd.DataFrame(used)})
