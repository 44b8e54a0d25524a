"""Bilingual labels: node names from the framework's ``name_zh``/``name_en``, fixed UI strings here."""

from __future__ import annotations

from typing import Literal

from innoscope.model.errors import SpecError
from innoscope.model.framework import Framework

Lang = Literal["zh", "en"]
LANGS: tuple[str, ...] = ("zh", "en")

STRINGS: dict[str, dict[str, str]] = {
    "title": {"zh": "创新能力指数报告", "en": "Innovation capacity index report"},
    "generated": {"zh": "生成时间", "en": "Generated"},
    "entities": {"zh": "城市/实体", "en": "Entities"},
    "entity": {"zh": "城市", "en": "Entity"},
    "indicators": {"zh": "指标", "en": "Indicators"},
    "indicator": {"zh": "指标", "en": "Indicator"},
    "data_source": {"zh": "数据来源", "en": "Data source"},
    "contents": {"zh": "目录", "en": "Contents"},
    "ranking": {"zh": "总排名", "en": "Headline ranking"},
    "rank": {"zh": "排名", "en": "Rank"},
    "score": {"zh": "得分", "en": "Score"},
    "name": {"zh": "名称", "en": "Name"},
    "code": {"zh": "代码", "en": "Code"},
    "rank_interval": {"zh": "排名区间", "en": "Rank interval"},
    "rank_interval_note": {
        "zh": "不确定性分析给出的 5%–95% 排名区间（中位数）。",
        "en": "5%-95% rank interval from the uncertainty analysis (median in brackets).",
    },
    "no_uncertainty": {
        "zh": "未进行不确定性分析：排名区间不可用。",
        "en": "No uncertainty analysis was run: rank intervals are not available.",
    },
    "framework": {"zh": "指标体系", "en": "Framework"},
    "framework_note": {
        "zh": "扇区大小为各节点在总指数中的有效权重。",
        "en": "Wedge size is each node's effective weight in the index.",
    },
    "pillars": {"zh": "分项排名", "en": "Pillar rankings"},
    "pillar": {"zh": "分项", "en": "Pillar"},
    "pillar_note": {"zh": "每格：得分（排名）。", "en": "Each cell: score (rank)."},
    "profiles": {"zh": "城市画像", "en": "Entity profiles"},
    "map": {"zh": "全国城市分布图", "en": "Map of the cities"},
    "map_note": {
        "zh": "每个点为一个城市（驻地坐标，来自内置行政区划表）；颜色为总指数，可在右上角菜单切换为各分项；"
        "悬停或在下方输入城市名查看得分与全国排名。底图为省级界线（Natural Earth，公有领域），仅作定位示意，"
        "不是标准地图；没有地级市边界。",
        "en": "One dot per city at its seat's coordinates (bundled gazetteer); colour = the index, or a pool "
        "chosen in the menu top right; hover, or type a city's name below, for scores and national ranks. "
        "Province outlines from Natural Earth (public domain), for orientation only; no prefecture boundaries.",
    },
    "find_city": {"zh": "查找城市", "en": "Find a city"},
    "longitude": {"zh": "经度", "en": "Longitude"},
    "latitude": {"zh": "纬度", "en": "Latitude"},
    "profiles_limited": {
        "zh": "城市较多：仅列出排名前列的城市和对比的两个城市的画像。",
        "en": "Many entities: profiles of the top ones and of the compared pair only.",
    },
    "strengths": {"zh": "优势指标", "en": "Strengths"},
    "weaknesses": {"zh": "短板指标", "en": "Weaknesses"},
    "value": {"zh": "数值", "en": "Value"},
    "unit": {"zh": "单位", "en": "Unit"},
    "per_capita": {"zh": "人均", "en": "Per capita"},
    "per_km2": {"zh": "每平方公里", "en": "Per km²"},
    "median": {"zh": "中位数", "en": "Median"},
    "comparison": {"zh": "城市对比", "en": "Comparison"},
    "leads": {"zh": "领先", "en": "leads"},
    "leader": {"zh": "领先者", "en": "Leader"},
    "difference": {"zh": "差值", "en": "Difference"},
    "lead_summary": {
        "zh": "{a} 在 {na} 个分项领先，{b} 在 {nb} 个分项领先。",
        "en": "{a} leads in {na} pillars, {b} in {nb}.",
    },
    "prob_outrank": {"zh": "{a} 排名高于 {b} 的概率：{p}", "en": "Probability that {a} outranks {b}: {p}"},
    "no_prob": {
        "zh": "未进行不确定性分析：排名高于对方的概率不可用。",
        "en": "No uncertainty analysis was run: the probability of outranking is not available.",
    },
    "in_short": {"zh": "简而言之：", "en": "In short."},
    "design:spec": {"zh": "规格中设定的不确定选择", "en": "the spec's uncertain choices"},
    "design:default": {
        "zh": "权重 ±25%，最小-最大 vs z 分数标准化，算术 vs 几何平均",
        "en": "weights ±25%, min-max vs z-score, arithmetic vs geometric mean",
    },
    "design:weights": {
        "zh": "仅权重 ±25%：通用设计无法用于这些数据",
        "en": "weights ±25% only: the generic design cannot run on these data",
    },
    "input:Weights": {"zh": "权重", "en": "Weights"},
    "input:Normalisation": {"zh": "标准化", "en": "Normalisation"},
    "input:Aggregation": {"zh": "聚合", "en": "Aggregation"},
    "input:Imputation": {"zh": "插补", "en": "Imputation"},
    "input:Treatment": {"zh": "异常值处理", "en": "Treatment"},
    "input:Winmax": {"zh": "缩尾上限", "en": "Winmax"},
    "input:Exclusion": {"zh": "剔除指标", "en": "Exclusion"},
    "which_choice": {
        "zh": "哪个选择最要紧？（Sobol 敏感性分析）",
        "en": "Which choice matters most? (Sobol sensitivity)",
    },
    "choice": {"zh": "选择", "en": "Choice"},
    "sobol_note": {
        "zh": "目标：总指数排名相对名义排名的平均绝对变动。S1：该选择单独解释的方差占比；ST：连同交互作用；"
        "方括号内为 90% 自助法区间。",
        "en": "Target: the mean absolute shift of the index ranks from the nominal ranking. S1: share of its "
        "variance explained by the choice alone; ST: with its interactions; 90% bootstrap intervals "
        "in brackets.",
    },
    "no_sensitivity": {
        "zh": "未进行敏感性分析（innoscope report --sensitivity 256）。",
        "en": "No sensitivity analysis was run (innoscope report --sensitivity 256).",
    },
    "gap_title": {
        "zh": "差距从何而来：{a} − {b} = {d} 分",
        "en": "Where the gap comes from: {a} − {b} = {d} points",
    },
    "gap_note": {
        "zh": "各指标对总指数差距的贡献（权重 × 标准化得分之差），合计等于差距。标 * 的指标在两城总指数中"
        "的权重不同：缺少数值的城市由同一分项的其他指标承担，缺少整个分项的城市由其他分项承担。",
        "en": "Each indicator's contribution to the index gap (weight x difference of normalised scores); "
        "they add up to the gap. * the two entities weigh the indicator differently in the index: an "
        "entity without a value has it carried by the pillar's other indicators, or by the other "
        "pillars.",
    },
    "contribution": {"zh": "贡献（分）", "en": "Contribution (points)"},
    "share_of_gap": {"zh": "占差距", "en": "Share of gap"},
    "weight_in_pillar": {"zh": "在总指数中的权重", "en": "Weight in the index"},
    "audit": {"zh": "统计审查", "en": "Statistical audit"},
    "correlation": {"zh": "相关系数", "en": "Correlation"},
    "audit_flags": {"zh": "审查提示", "en": "Audit flags"},
    "no_flags": {"zh": "没有审查提示。", "en": "No audit flags."},
    "flag": {"zh": "提示", "en": "Flag"},
    "detail": {"zh": "说明", "en": "Detail"},
    "data": {"zh": "数据表", "en": "Data table"},
    "unranked": {"zh": "未排名", "en": "not ranked"},
    "unranked_note": {
        "zh": "未排名（{n} 个）：数据覆盖不足，被筛选步骤（{rule}）排除在排名之外，仍列于表中并在数据表中标为缺失。",
        "en": "Not ranked ({n}): set aside by the screen step ({rule}) for too little data; still listed, with "
        "its missing values marked in the data table.",
    },
    "list_sep": {"zh": "；", "en": "; "},
    "data_note": {
        "zh": "每个数值附来源、年份、原文摘录与标记。",
        "en": "Every value with its source, year, excerpt and flags.",
    },
    "year": {"zh": "年份", "en": "Year"},
    "source": {"zh": "来源", "en": "Source"},
    "excerpt": {"zh": "摘录", "en": "Excerpt"},
    "flags": {"zh": "标记", "en": "Flags"},
    "methodology": {"zh": "方法说明", "en": "Methodology"},
    "step": {"zh": "步骤", "en": "Step"},
    "stage": {"zh": "阶段", "en": "Stage"},
    "method": {"zh": "方法", "en": "Method"},
    "parameters": {"zh": "参数", "en": "Parameters"},
    "defaults": {"zh": "方法的默认参数", "en": "Method defaults"},
    "formula": {"zh": "公式与出处", "en": "Formula and source"},
    "overrides": {"zh": "单独设定", "en": "Overrides"},
    "weights": {"zh": "权重", "en": "Weights"},
    "weight": {"zh": "权重", "en": "Weight"},
    "direction": {"zh": "方向", "en": "Direction"},
    "spec_hash": {"zh": "方法设定哈希", "en": "Spec hash"},
    "missing": {"zh": "缺失", "en": "missing"},
    "flag_outdated": {"zh": "数据过时", "en": "outdated"},
    "flag_lower_bound": {"zh": "下限值", "en": "lower bound"},
    "flag_imputed": {"zh": "插补值", "en": "imputed"},
    "flag_preliminary": {"zh": "初步数", "en": "preliminary"},
    "flag_rounded": {"zh": "取整数", "en": "rounded"},
    "flag_conflicting": {"zh": "来源冲突", "en": "conflicting sources"},
    "flag_missing": {"zh": "缺失", "en": "missing"},
    "a_vs_b": {"zh": "{a} 对比 {b}", "en": "{a} vs {b}"},
    "all_entities": {"zh": "全部", "en": "all"},
    "none": {"zh": "无", "en": "none"},
}


def check_lang(lang: str) -> Lang:
    if lang not in LANGS:
        raise SpecError(f"unknown language {lang!r}; valid: {', '.join(LANGS)}")
    return lang  # type: ignore[return-value]


def t(key: str, lang: str, **fmt: object) -> str:
    """The UI string ``key`` in ``lang`` (``str.format``-ed with ``fmt``)."""
    s = STRINGS[key][lang]
    return s.format(**fmt) if fmt else s


def input_label(name: str, lang: str) -> str:
    """An uncertain choice's name in ``lang`` (the ``input:<name>`` strings), else as the spec wrote it."""
    return STRINGS.get(f"input:{name}", {}).get(lang, name)


def node_label(fw: Framework, code: str, lang: str) -> str:
    """A node's name in ``lang``, falling back to the other language, then to its code."""
    n = fw[code]
    first, second = (n.name_zh, n.name_en) if lang == "zh" else (n.name_en, n.name_zh)
    return first or second or code


def flag_label(flag: str, lang: str) -> str:
    key = f"flag_{flag.strip().lower().replace('-', '_').replace(' ', '_')}"
    return t(key, lang) if key in STRINGS else flag
