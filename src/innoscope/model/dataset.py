"""Data the engine consumes: a cross-section of entities x indicators.

:class:`CrossSection` is the one cross-section type. COINr's ``iData`` table
(:meth:`CrossSection.from_idata`) and innoscope's store (panel -> cross-section for a
reference year) are readers of it. Values are floats; missing is NaN, never a sentinel.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from innoscope.model.errors import DataError
from innoscope.model.framework import Framework


@dataclass
class CrossSection:
    """Entities x indicators for one time point, plus names, groups and denominators.

    ``values``: index = entity codes (``uCode``), columns = indicator codes, float.
    ``names``: entity code -> display name. ``groups``: entity code x group column (labels).
    ``denominators``: entity code x denominator code (floats). ``flags``: optional per-cell
    annotations (same shape as ``values``; e.g. ``outdated``, ``lower_bound``, ``imputed``).
    """

    values: pd.DataFrame
    names: pd.Series = field(default_factory=lambda: pd.Series(dtype=object))
    groups: pd.DataFrame = field(default_factory=pd.DataFrame)
    denominators: pd.DataFrame = field(default_factory=pd.DataFrame)
    flags: pd.DataFrame | None = None
    years: pd.DataFrame | None = None
    provenance: pd.DataFrame | None = None
    """Optional long table, one row per (entity, indicator) value used: source title, address, excerpt,
    year and flags (filled by the data layer; shown in the report's data table)."""
    source: str | None = None
    names_en: pd.Series | None = None
    """Optional English display names, for data that name entities in two languages (深圳 / Shenzhen); shown
    instead of ``names`` in English reports and dashboards (:meth:`display_names`)."""

    def __post_init__(self) -> None:
        self.values = self.values.astype(float)
        # object-dtype labels: pandas 3's Arrow-backed strings make every label lookup ~5x slower
        self.values.index = pd.Index([str(e) for e in self.values.index], dtype=object, name="uCode")
        self.values.columns = pd.Index([str(c) for c in self.values.columns], dtype=object)
        dup = self.values.index[self.values.index.duplicated()].unique().tolist()
        if dup:
            raise DataError(f"{self.source or 'data'}: duplicate entity code(s) {dup}")
        if self.names.empty:
            self.names = pd.Series(self.values.index, index=self.values.index)
        self.names = self.names.set_axis(self.values.index)
        if self.names_en is not None:
            en = pd.Series(self.names_en, dtype=object).reindex(self.values.index)
            self.names_en = en.where(en.notna() & (en.astype(str) != ""), self.names)
        for frame in ("groups", "denominators"):
            f = getattr(self, frame)
            if f.empty:
                f = pd.DataFrame(index=self.values.index)
            setattr(self, frame, f.set_axis(self.values.index, axis=0))

    @property
    def entities(self) -> list[str]:
        return list(self.values.index)

    def display_names(self, lang: str = "zh") -> pd.Series:
        """Entity code -> name to show: :attr:`names_en` for ``lang="en"`` when the data has them, else
        :attr:`names`."""
        return self.names_en if lang == "en" and self.names_en is not None else self.names

    def subset(self, entities: list[str]) -> CrossSection:
        """The same cross-section restricted to ``entities`` (in that order)."""
        return CrossSection(
            values=self.values.loc[entities],
            names=self.names.loc[entities],
            groups=self.groups.loc[entities],
            denominators=self.denominators.loc[entities],
            flags=None if self.flags is None else self.flags.loc[entities],
            years=None if self.years is None else self.years.loc[entities],
            source=self.source,
            names_en=None if self.names_en is None else self.names_en.loc[entities],
            provenance=None
            if self.provenance is None
            else self.provenance[_entity_column(self.provenance).isin(entities)],
        )

    @classmethod
    def from_idata(
        cls, idata: pd.DataFrame, framework: Framework, *, source: str | None = None
    ) -> CrossSection:
        """Read COINr's ``iData`` table (``uCode``, ``uName``, ``*_group``, denominators, indicators)."""
        return _crosssection_from_idata(idata, framework, source=source)

    def to_idata(self) -> pd.DataFrame:
        """Back to a COINr-style ``iData`` table."""
        out = pd.concat([self.names.rename("uName"), self.groups, self.denominators, self.values], axis=1)
        return out.reset_index().rename(columns={"index": "uCode"})


def _entity_column(table: pd.DataFrame) -> pd.Series:
    return table["entity"] if "entity" in table.columns else table["uCode"]


def _check_numbers(col: pd.Series, where: str, what: str) -> None:
    """DataError naming the first cell of ``col`` that holds something other than a number (file row: the header
    is row 1)."""
    bad = col.notna() & pd.to_numeric(col, errors="coerce").isna()
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(
            f"{where} row {pos + 2}, column {col.name!r}: {what} {col.iloc[pos]!r} is not a number"
        )


def _crosssection_from_idata(idata: pd.DataFrame, fw: Framework, *, source: str | None) -> CrossSection:
    where = source or "iData"
    if "uCode" not in idata.columns:
        raise DataError(f"{where}: no 'uCode' column; iData needs one column of unique entity codes")
    codes = idata["uCode"]
    if codes.isna().any():
        row = int(np.flatnonzero(codes.isna().to_numpy())[0]) + 2
        raise DataError(f"{where} row {row}, column uCode: empty entity code")
    idata = idata.set_index(idata["uCode"].astype(str))
    missing = [c for c in fw.indicators if c not in idata.columns]
    if missing:
        raise DataError(f"{where}: indicator column(s) {missing} named in the framework are not in the data")
    vals = idata[fw.indicators]
    for col in vals.columns:
        _check_numbers(vals[col], where, "value")
    vals = vals.apply(pd.to_numeric)
    for col in [c for c in idata.columns if c in fw.denominators]:
        _check_numbers(idata[col], where, "denominator value")
    groups = [c for c in idata.columns if c in fw.groups or c.endswith("_group")]
    denoms = [c for c in idata.columns if c in fw.denominators]
    names = (
        idata["uName"].astype(str) if "uName" in idata.columns else pd.Series(idata.index, index=idata.index)
    )
    cs = CrossSection(
        values=vals,
        names=names,
        groups=idata[groups].copy(),
        denominators=idata[denoms].astype(float),
        source=source,
    )
    return cs
