"""Summary statistics of every indicator, with flags (COINr ``get_stats``)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def signif(x: float | np.ndarray, digits: int) -> float | np.ndarray:
    """Round to ``digits`` significant figures (R ``signif``)."""
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        mag = np.where((x == 0) | ~np.isfinite(x), 0, np.floor(np.log10(np.abs(x))))
    scale = 10.0 ** (digits - 1 - mag)
    out = np.round(x * scale) / scale
    return out.item() if out.ndim == 0 else out


def skew(x: np.ndarray) -> float:
    """Sample skewness ``n / ((n-1)(n-2)) sum ((x_i - m)/s)^3`` (Excel ``SKEW``, COINr ``skew``)."""
    return float(pd.Series(x).dropna().skew())


def kurt(x: np.ndarray) -> float:
    """Sample excess kurtosis (Excel ``KURT``, COINr ``kurt``):
    ``n(n+1)/((n-1)(n-2)(n-3)) sum ((x_i - m)/s)^4 - 3(n-1)^2/((n-2)(n-3))``."""
    return float(pd.Series(x).dropna().kurt())


COLUMNS = [
    "iCode",
    "Min",
    "Max",
    "Mean",
    "Median",
    "Std",
    "Skew",
    "Kurt",
    "N.Avail",
    "N.NonZero",
    "N.Unique",
    "N.Same",
    "Frc.Avail",
    "Frc.NonZero",
    "Frc.Unique",
    "Frc.Same",
    "Flag.Avail",
    "Flag.NonZero",
    "Flag.Unique",
    "Flag.SkewKurt",
]


def indicator_stats(
    data: pd.DataFrame,
    *,
    t_skew: float = 2.0,
    t_kurt: float = 3.5,
    t_avail: float = 0.65,
    t_zero: float = 0.5,
    t_unq: float = 0.5,
    nsignif: int | None = 3,
) -> pd.DataFrame:
    """One row per column of ``data``: Min, Max, Mean, Median, Std (n - 1), Skew, Kurt, counts,
    fractions and flags, as COINr ``get_stats``.

    ``Frc.NonZero``, ``Frc.Unique``, ``Frc.Same`` are fractions of the available values;
    flags: ``Flag.Avail = LOW`` if ``N.Avail / n < t_avail``, ``Flag.NonZero = LOW`` if
    ``N.NonZero / n < t_zero``, ``Flag.Unique = LOW`` if ``N.Unique / n < t_unq``,
    ``Flag.SkewKurt = OUT`` if ``|Skew| > t_skew`` and ``Kurt > t_kurt``. Numbers are rounded to
    ``nsignif`` significant figures (COINr default 3; ``None`` keeps full precision).
    """
    n = len(data)
    rows = []
    for code in data.columns:
        x = data[code].to_numpy(float)
        v = x[~np.isnan(x)]
        na = len(v)
        sk, kt = skew(v), kurt(v)
        nzero = int((v != 0).sum())
        nunq = len(np.unique(v))
        nsame = int(pd.Series(v).value_counts().max()) if na else 0
        rows.append(
            {
                "iCode": code,
                "Min": v.min() if na else np.nan,
                "Max": v.max() if na else np.nan,
                "Mean": v.mean() if na else np.nan,
                "Median": np.median(v) if na else np.nan,
                "Std": v.std(ddof=1) if na > 1 else np.nan,
                "Skew": sk,
                "Kurt": kt,
                "N.Avail": na,
                "N.NonZero": nzero,
                "N.Unique": nunq,
                "N.Same": nsame,
                "Frc.Avail": na / n,
                "Frc.NonZero": nzero / na if na else np.nan,
                "Frc.Unique": nunq / na if na else np.nan,
                "Frc.Same": nsame / na if na else np.nan,
                "Flag.Avail": "ok" if na / n >= t_avail else "LOW",
                "Flag.NonZero": "ok" if nzero / n >= t_zero else "LOW",
                "Flag.Unique": "ok" if nunq / n >= t_unq else "LOW",
                "Flag.SkewKurt": "OUT" if (abs(sk) > t_skew and kt > t_kurt) else "ok",
            }
        )
    out = pd.DataFrame(rows, columns=COLUMNS)
    if nsignif is not None:
        num = out.columns[1:16]
        out[num] = out[num].apply(lambda c: signif(c.to_numpy(float), nsignif))
    return out
