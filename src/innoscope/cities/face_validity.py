"""Face validity: the national ranking beside published rankings of Chinese cities' innovation capacity.

The published lists (``data/national/published_rankings.csv``: ranking, rank, city, source and address as
reported) are top-N lists; Spearman's rho is computed over the cities a list shares with the national ranking,
between the list's rank and the national rank (re-ranked among the shared cities, as Spearman does). A city in the
list but far down the national ranking is a large disagreement, listed with both ranks.
"""

from __future__ import annotations

from importlib import resources

import pandas as pd
from scipy.stats import spearmanr

from innoscope.cities.citydata import CityBuild

__all__ = ["face_validity", "published_rankings"]


def published_rankings() -> pd.DataFrame:
    """The bundled published rankings (source and address on the first row of each ranking, filled down)."""
    path = resources.files("innoscope").joinpath("data/national/published_rankings.csv")
    df = pd.read_csv(str(path), dtype={"rank": int, "city": str}, keep_default_na=False)
    for col in ("source", "url"):
        df[col] = df[col].replace("", pd.NA).groupby(df["ranking"]).ffill()
    return df


def face_validity(b: CityBuild) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per ranking: n shared cities, Spearman rho, source; per city and ranking: published rank, national rank,
    rank among the shared cities, difference)."""
    idx = b.result.index.dropna()
    national = idx.rank(ascending=False, method="min")
    pub = published_rankings()
    pub["entity"] = pub["city"].map(lambda c: b.entities.resolve(c, where="published ranking"))
    pub["national_rank"] = pub["entity"].map(national)
    rows, detail = [], []
    for name, g in pub.groupby("ranking", sort=False):
        g = g.dropna(subset=["national_rank"]).copy()
        g["shared_rank"] = g["national_rank"].rank(method="min")
        g["difference"] = g["shared_rank"] - g["rank"]
        rho = float(spearmanr(g["rank"], g["national_rank"]).statistic) if len(g) > 2 else float("nan")
        rows.append(
            {"ranking": name, "n": len(g), "rho": rho, "source": g["source"].iloc[0], "url": g["url"].iloc[0]}
        )
        detail.append(g[["ranking", "city", "entity", "rank", "national_rank", "shared_rank", "difference"]])
    return pd.DataFrame(rows), pd.concat(detail, ignore_index=True)
