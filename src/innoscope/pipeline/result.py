"""The result of a build: every stage's data set, logs and weights, with views on them.

``Result.scores(level)`` / ``ranks(level)`` give the aggregate scores and ranks at a level;
``stage(name)`` any data set; ``explain(entity, node)`` traces a score to its children,
weights and raw values; ``audit()`` runs the statistical audit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from innoscope.model.dataset import CrossSection
from innoscope.model.errors import DataError, SpecError
from innoscope.model.framework import Framework
from innoscope.pipeline.aggregate import DEFAULT_METHOD, NodeSettings, capabilities, child_weights
from innoscope.pipeline.spec import PipelineSpec


def rank_desc(scores: pd.DataFrame | pd.Series) -> pd.DataFrame | pd.Series:
    """Rank 1 = highest; ties share the lowest rank (``ties.method = "min"``); NaN stays NaN.

    Same as COINr's ``rank_df`` / R's ``rank(-x, ties.method = "min", na.last = "keep")``.
    """
    return scores.rank(ascending=False, method="min", na_option="keep")


@dataclass
class Result:
    """Everything a build produced. Data sets are entities x columns DataFrames."""

    framework: Framework
    data: CrossSection
    spec: PipelineSpec
    datasets: dict[str, pd.DataFrame]
    logs: dict[str, Mapping[str, pd.DataFrame]] = field(default_factory=dict)
    """Stage output name -> its log tables (a :class:`~innoscope.pipeline.base.Log`: each table is built
    when first read)."""
    weights: dict[str, pd.Series] = field(default_factory=dict)
    active_weights: str = "Original"

    # -- data sets ---------------------------------------------------------------------------
    def stage(self, name: str) -> pd.DataFrame:
        """The data set a stage produced (``Raw``, ``Denominated``, ... ``Aggregated``)."""
        for k, v in self.datasets.items():
            if k.lower() == name.lower():
                return v
        raise SpecError(f"no data set {name!r}; available: {', '.join(self.datasets)}")

    @property
    def aggregated(self) -> pd.DataFrame:
        last = list(self.datasets)[-1]
        return self.datasets.get("Aggregated", self.datasets[last])

    def scores(self, level: int | None = None) -> pd.DataFrame:
        """Scores of every node at ``level`` (default: the top, the index)."""
        level = self.framework.n_levels if level is None else level
        return self.aggregated[self.framework.codes(level)]

    def ranks(self, level: int | None = None) -> pd.DataFrame:
        return rank_desc(self.scores(level))

    def all_ranks(self) -> pd.DataFrame:
        """Ranks of every column of the aggregated data set (indicators and aggregates)."""
        return rank_desc(self.aggregated)

    def group_ranks(self, group: str, level: int | None = None) -> pd.DataFrame:
        """Ranks within each value of the group column ``group`` (COINr ``use = "groupranks"``)."""
        if group not in self.data.groups.columns:
            raise DataError(
                f"no group column {group!r}; group columns: {', '.join(self.data.groups.columns)}"
            )
        s = self.scores(level)
        g = self.data.groups[group].reindex(s.index)
        return s.groupby(g).rank(ascending=False, method="min", na_option="keep")

    @property
    def index(self) -> pd.Series:
        return self.aggregated[self.framework.root]

    def ranking(self) -> pd.DataFrame:
        """Entities sorted by the index, with name, score and rank."""
        s = self.index
        df = pd.DataFrame({"name": self.data.names.reindex(s.index), "score": s, "rank": rank_desc(s)})
        return df.sort_values(["rank", "name"])

    # -- explanation -------------------------------------------------------------------------
    def child_weights(self, node: str) -> np.ndarray:
        """The weights the aggregate stage gave ``node``'s children (in ``framework.children(node)`` order), resolved
        by the stage's own rule (:func:`~innoscope.pipeline.aggregate.child_weights`) from the weight set named in
        the aggregation log for that node: all ones for ``weights: equal``."""
        return child_weights(self.node_settings(node), lambda name: self.weights[name or self.active_weights])

    def node_settings(self, node: str) -> NodeSettings:
        """How the aggregate stage computed ``node`` (method, parameters, weight set), read from its log."""
        fw = self.framework
        log = self.logs.get("Aggregated", {})
        row: dict[str, Any] = {}
        if "methods" in log:
            methods = log["methods"]
            hit = methods[methods["iCode"] == node]
            if len(hit):
                row = {
                    str(k): v for k, v in hit.iloc[0].items() if not (isinstance(v, float) and np.isnan(v))
                }
        agg = capabilities(row.get("method") or DEFAULT_METHOD)
        params = {k: row[k] for k in agg.method.params if k in row and row[k] is not None}
        name = row.get("weights") if isinstance(row.get("weights"), str) else self.active_weights
        return NodeSettings(
            node,
            fw[node].level,
            tuple(fw.children(node)),
            agg,
            params,
            name,
            row.get("dat_thresh"),
            row.get("negative_weights") or "error",
        )

    def explain(self, entity: str, node: str | None = None) -> pd.DataFrame:
        """Trace ``entity``'s score at ``node`` to its children: score, weight, share and raw values.

        One row per child: its score in the aggregated set, its weight relative to siblings, its
        contribution (weight x score / sum of weights, exact for the arithmetic mean), and for
        indicators the raw value and every intermediate stage's value.
        """
        fw = self.framework
        node = node or fw.root
        if entity not in self.aggregated.index:
            raise DataError(
                f"unknown entity {entity!r}; entities: {', '.join(self.aggregated.index[:10])}..."
            )
        agg = self.aggregated.loc[entity]
        if fw[node].kind == "indicator":
            rows = {
                name: ds.loc[entity, node]
                for name, ds in self.datasets.items()
                if node in ds.columns and entity in ds.index
            }
            return pd.DataFrame({"stage": list(rows), "value": list(rows.values())})
        children = fw.children(node)
        w = self.child_weights(node)
        vals = agg[children].to_numpy(float)
        wp = np.where(np.isnan(vals), 0.0, w)
        share = wp / wp.sum() if wp.sum() > 0 else wp
        out = pd.DataFrame(
            {
                "child": children,
                "name": [fw[c].name for c in children],
                "score": vals,
                "weight": w,
                "relative_weight": share,
                "contribution": share * np.nan_to_num(vals),
            }
        )
        if fw[children[0]].kind == "indicator":
            for name, ds in self.datasets.items():
                if name != "Aggregated":
                    out[name] = [
                        ds.loc[entity, c] if entity in ds.index and c in ds.columns else np.nan
                        for c in children
                    ]
        out.attrs["node_score"] = float(agg[node])
        return out
