"""Face validity: published rankings as reported, Spearman's rho over the shared cities (checked against the
textbook formula 1 - 6 sum d^2 / (n (n^2 - 1)), which holds without ties)."""

from __future__ import annotations

import pytest

from innoscope.cities.face_validity import face_validity, published_rankings
from innoscope.cities.national_index import national_build


def test_published_lists_as_reported_with_their_sources():
    pub = published_rankings()
    istic = pub[pub["ranking"] == "ISTIC 2023"].sort_values("rank")
    assert istic["city"].head(5).tolist() == ["北京", "上海", "深圳", "南京", "杭州"]  # 常州日报, 2024-01
    assert len(istic) == 20 and istic["source"].notna().all() and istic["url"].str.startswith("http").all()
    csti = pub[pub["ranking"] == "CSTI 2021"].sort_values("rank")
    assert csti["city"].iloc[[0, 1, 9, 19]].tolist() == [
        "北京",
        "深圳",
        "珠海",
        "长沙",
    ]  # 经济日报, 2022-01-19


def test_rho_is_spearman_over_the_shared_cities():
    b = national_build()
    summary, detail = face_validity(b)
    for name, g in detail.groupby("ranking"):
        n = len(g)
        assert g["national_rank"].is_unique and g["rank"].is_unique
        d2 = ((g["rank"].rank() - g["national_rank"].rank()) ** 2).sum()
        rho = 1 - 6 * d2 / (n * (n * n - 1))
        assert summary.set_index("ranking").at[name, "rho"] == pytest.approx(rho)
    assert set(summary["n"]) == {10, 20}
