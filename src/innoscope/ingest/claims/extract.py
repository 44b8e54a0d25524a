"""The extraction engine: documents -> candidate figures about places (rules in ``docs/extract.md``).

For each sentence (ended by 。！？!? a line end, or an English full stop) the engine finds figures
(:mod:`.numbers`), ranks (:mod:`.qualifiers`), places (:mod:`.places`), indicator phrases (:mod:`.indicators`)
and years (:mod:`.dates`), then gives each figure:

* a place: a respective list (深圳和杭州分别为A和B: A->深圳, B->杭州), else the place written right before it
  (北京114家, 北京(67所), 北京为6.58%; with 同为/均为/以 every place of the list before: 广州和杭州(同为22家)),
  else the nearest place before it in the sentence (a scope word such as 全国 in between means the figure is not
  about a city: 全国平均水平(11.8件) is dropped), else the document's main city (also for 全市/我市/该市);
* an indicator: a phrase right after a count (以1333家国家级专精特新“小巨人”企业, 24,000 high-tech enterprises), else the
  nearest phrase before it in its clause, then in its sentence, whose unit fits; else none, and the words
  before the figure are proposed (``status`` = proposed);
* a kind, a qualifier (:mod:`.qualifiers`) and a series id (growth -> ``<id>_growth`` ...);
* a year: the nearest year before it in the sentence, else the year of a statistical bulletin's title, else
  none; ``year_source`` says which (explicit, relative to the document date, title).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import numpy as np

from innoscope.ingest.claims.dates import YearMention, document_date, find_years, title_year, work_report_date
from innoscope.ingest.claims.document import HEADING_RE, clean, fold, iter_text, mark_cells
from innoscope.ingest.claims.indicators import UNNAMED, Indicator, Lexicon, PhraseMention
from innoscope.ingest.claims.numbers import MAGNITUDE, Figure, find_figures, unit_class
from innoscope.ingest.claims.places import FIRMS, PlaceIndex, PlaceMention, main_place
from innoscope.ingest.claims.qualifiers import (
    QUALIFIER_REACH,
    RankMention,
    find_ranks,
    kind_of,
    ordinal,
    qualifier_of,
)
from innoscope.ingest.names import EntityTable

__all__ = ["CANDIDATE_COLUMNS", "Candidate", "Extractor", "extract_file", "extract_text"]

CANDIDATE_COLUMNS = (
    "document",
    "entity",
    "indicator",
    "phrase",
    "value",
    "unit",
    "year",
    "year_source",
    "qualifier",
    "kind",
    "figure",
    "status",
    "sentence",
    "start",
    "end",
)


class Candidate(NamedTuple):
    """One figure about a place, for review. ``start``/``end``: the figure's span in the cleaned document text.

    A named tuple (immutable, fields by name): the engine builds one per figure, and a frozen dataclass set each
    of its 15 fields through ``object.__setattr__`` (3.7 us a candidate, 7 % of the extraction of dense text)."""

    document: str
    entity: str
    indicator: str
    phrase: str
    value: float
    unit: str
    year: int | None
    year_source: str
    qualifier: str
    kind: str
    figure: str
    status: str
    sentence: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return self._asdict()


Row = dict[str, Any]
Seen = set[tuple[int, str, str]]

_SENT_RE = re.compile(r"[^。！？!?\n]*(?:[。！？!?\n]|$)")
_EN_STOP_RE = re.compile(r"(?<![Nn]o)(?<=[A-Za-z)\]])\.\s+(?=[A-Z\"“])")
_CLAUSE_REFERENCE_RE = re.compile(r"[，；;：:]|,(?!\d{3})|(?<!\d),")
"""Clause marks as first written: a comma between digits followed by three digits is a thousands separator."""
_CLAUSE_RE = re.compile(r"[，；;：:,](?:(?<=[，；;：:])|(?!\d{3})|(?<!\d,))")
""":data:`_CLAUSE_REFERENCE_RE` opening with one character class (scanned for in C, not tried at every character)
and the tests on a comma after it: the same one-character matches."""
_LIST_SEP_RE = re.compile(r"^\s?(?:和|、|与|及|以及|,|，|and|, and)\s?$")
_PLACE_SEP_RE = re.compile(r"^\s?(?:和|、|与|及|以及|,|，|and|, and|vs\.?|VS|对比|PK)\s?$")
_ITEM_SEP_RE = re.compile(r"、|和|以及")
_WHOLE_RE = re.compile(r"其中\s?")
_ALL_RE = re.compile(r"(?:均|都|皆)\s?$")
_GAP_BEFORE_RE = re.compile(
    r"(?:只差|还差|仅差|相差|差距(?:拉大|扩大|缩小)?(?:到|至|为|是|达)?|缺口(?:为|是|达)?)(?:约|近|不到)?\s?\Z"
)
_LIST_FILLER_RE = re.compile(r"[为有达是约近超逾以，,]|位居|位列|排名")
_USD_ASIDE = r"\((?:US)?\$[\d.,]+ (?:million|billion|trillion)\)"
"""A yuan amount's conversion in parentheses (223.66 billion yuan ($30.7 billion)), between it and its phrase."""
_ON_AFTER_RE = re.compile(rf"(?:\s{_USD_ASIDE})?\s(?:on|in)\s")
_BY_BEFORE_RE = re.compile(r"以(?:约|近|超过|超)?\Z")
_ADDITION_RE = re.compile(r"新增|新认定|新培育|新引进|新设立|新登记|新注册|新落户|净增")
_RANK_AMONG_FEW_RE = re.compile(r"百强|每万家|每万户|前(?:十|\d+)(?:城市|城|强)中")
"""A rank in a list of the top 100 counties, per 10,000 firms, or among the top ten cities: no series' rank."""
_RANK_OF_CHANGE_RE = re.compile(r"增量|增速|增幅|增长率|增长速度")
_FOREIGN_MONEY = frozenset({"港元", "美元", "澳门元", "新台币", "欧元", "日元", "英镑"})
_FOREIGN_BEFORE = ("新台币", "港币", "港元", "美元", "澳门币", "澳门元", "欧元", "日元")
"""A currency written before its amount (约新台币14兆元): the amount is not in yuan."""
_ZONE_NAME_RE = re.compile(
    r"[\u4e00-\u9fff]{2,6}?(?:新区|高新区|开发区|经开区|工业园区|合作区|自贸区|科学城|科技城|园区)(?:内|里)?"
)
_WHOLE_BEFORE_RE = re.compile(
    r"(?:占|相当于|percent of|per cent of|% of|share of)\s?(?:全市|全省|全国|本地|地区|the |its |the city's )?\Z",
    re.IGNORECASE,
)
_PLAN_PERIOD_BASE_RE = re.compile(
    r"(?:较|比|与|同)[“\"]?十[一二三四五]五[”\"]?(?:末|期末|时期|初)?|十[一二三四五]五[”\"]?(?:期间|以来|时期)"
)
_SUBSET_RE = re.compile(r"以上的|以下的|及以上|亿元以上|万元以上")
_PART_NOUN_BEFORE_RE = re.compile(r"(?:企业|产业|集群|公司|行业|集团)(?:实现|的|全年|年)?\Z")
_FIRM_SERIES = frozenset({"rd_expenditure", "rd_personnel_fte", "patents_granted_all_types", "gdp"})
"""Series of a whole city that a group of firms written before them restricts (稀土企业实现研发投入)."""
_TITLE_UNIT_RE = re.compile(
    r"(?:[(（]\s?(?:单位[:：]\s?)?|单位[:：]\s?)(?P<mag>万亿|亿|万|千)?(?P<unit>元|家|件|人|所|个|项|篇)\s?(?:[)）]|$)"
)
_PROVINCE_SUBJECTS = frozenset({"全省", "该省", "本省", "我省"})
_COUNTY_SUBJECTS = frozenset({"全区", "该区", "本区", "全县", "该县", "本县"})
_PARTS = ("区", "县", "旗")
_AUTONOMOUS_REGIONS = frozenset({"广西", "内蒙古", "西藏", "宁夏", "新疆"})
"""Provinces whose own text calls them 全区 (the autonomous regions)."""
_ONE_MONTH_RE = re.compile(
    r"(?<![\d至到~\-—])(?:1[0-2]|[1-9]|十[一二]?|[一二三四五六七八九])\s?月份|当月|单月"
)
_AVERAGE_GROWTH_RE = re.compile(r"年均|平均每年|average annual|annual average", re.IGNORECASE)
_DECREASE_RE = re.compile(
    r"(?:减少|下降|降低|回落|下滑|下跌|跌幅|降幅|缩减|fell|declined|decreased|dropped|shrank|shrunk|contracted|down|decrease of|drop of|decline of|fall of)(?:\s?(?:了|约|近|超过|by))?"
    r"(?:\s(?:about|around|some|nearly|almost|more than|over))?\s?[\d.,%、和及\s]*$"
)
_PRIOR_AGE = 3
_EN_TAIL_RE = re.compile(r"[A-Za-z\s-]{0,40}")
"""English words between a figure and a period written after it in its clause (5.5 percent year on year in)."""
_PART_HINTS = (
    *("季度", "半年", "月", "half", "quarter", "H1", "Q"),
    *("January", "February", "March", "April", "May", "June", "July", "August", "ber"),
)
"""Strings one of which a sentence holds when :data:`_PERIOD_RE` can find a part of a year in it (a literal test
spares the pattern's scan of most sentences)."""
_PART_HINTS_RE = re.compile("|".join(map(re.escape, _PART_HINTS)))
""":data:`_PART_HINTS` as one pattern: one scan of the sentence (in C) instead of one per hint."""
_EN_LEVEL_BEFORE_RE = re.compile(
    r"\b(?:exceeded|exceeding|reached|reaching|totaled|totalled|totaling|stood at|standing at|hit|topped|surpassed|"
    r"numbered|to|total of)\s(?:more than |over |about |nearly |around |some |almost |roughly )?\Z",
    re.IGNORECASE,
)
_MULTI_YEAR_RE = re.compile(
    r"[一二三四五六七八九十两\d]+年(?:前|来|以来)|每年|每一年|over the past \w+ years|a decade"
    r"|(?<![\d〇零一二三四五六七八九十])(?:[一二三四五六七八九十两]+|\d{1,2})年(?:间|内|里)?(?:累计)?(?=增长|新增|增加|翻)"
)
_PER_M2_RE = re.compile(r"每平方米|每平方公尺|每平米|每㎡|per square met(?:re|er)")
_PERIOD_RE = re.compile(
    r"(?P<part>上半年|下半年|前三季度|[一二三四1-4]季度|第[一二三四]季度|1\s?[-—至~]\s?(?:1[01]|[2-9])月|"
    r"first half|second half|first quarter|first three quarters|\bH1\b|\bQ[1-4]\b)"
    r"|(?P<month>\b(?:in|for|during) (?:January|February|March|April|May|June|July|August|September|October|"
    r"November|December)\b(?! \d{4}\b))"
    r"|(?P<year>全年|年末|年底|全年度|the whole year|full year|for the year)"
    r"|(?P<cnmonth>(?<![\d.])(?:1[0-2]|[1-9])月(?![\d日号底末初中份]))"
)
_PLANNED_ZH_RE = re.compile(r"力争|目标|计划|规划|有望|争取|预计到\d{4}年")
_FORECAST_RE = re.compile(r"将(?:突破|达到|超过|超|达|增至|增加到|增加至|提升至|提升到|提高到|提高至)")
"""A forecast in a figure's clause (总量将突破3500家): a figure to come, not a value; the clauses after it may state
values (；全市技术合同成交额去年为46.8亿元)."""
_PLANNED_EN_RE = re.compile(r"aims? to|aiming to|targets?\b|plans? to|will reach|is set to", re.IGNORECASE)
_LATIN_LETTER_RE = re.compile(r"[A-Za-z]")
_COMPARED_VALUE_RE = re.compile(
    r"(?:低于|高于|超过|超越|不及|多于|少于|领先于|落后于|领先|仅次于|次于|比|较|对比)\Z"
)
_ALL_OF_RE = re.compile(r"(?<![人年平户日])均(?![值衡价])|(?<![成首])都(?!市)|\bboth\b")
_EN_CLASS_BEFORE_RE = re.compile(
    r"\b(?:cities|provinces|regions|economies|counties|companies|firms) with (?:an? )?[A-Za-z&\- ]{1,30}? "
    r"(?:above|over|exceeding|of more than|of over|topping)\s\Z"
)
"""Before an English threshold of a class (the 27 Chinese cities with GDP above 1 trillion yuan): no value."""
_CLASS_AFTER_RE = re.compile(
    r"\s?(?:以上|以下|左右)?的(?:城市|省份|省区市|省市|省[(（]市[)）]|省|地区|国家(?![级高重])|经济体|区县|县市|县[(（]市[)）]|县|"
    r"企业)"
)
"""After a figure that is a class's threshold, not a value: 常住人口超过2000万的城市, 投入超过千亿元的省（市）, 营收超过
1亿元的企业."""
_CAPITAL_OF_RE = re.compile(
    r"(?:\bcapital(?: city)? of |, (?:(?:a|an|the) (?:[^,;.]|\.(?=\d)){0,60}?\b)?"
    r"(?:in|of|under|near|west of|east of|north of|south of) )"
    r"(?:the )?(?:[A-Za-z-]+ ){0,2}(?:China['’]s )?\Z",
    re.IGNORECASE,
)
"""Before the province of an English apposition (Wuhan, capital of central China's Hubei Province, ...; the capital
of Anhui province reported ...; Ningbo, a port city in Zhejiang, has ...; Kunshan, a county-level city under
Suzhou, ...): the province or city it lies in is not what the figures are about."""
_FIRM_COUNT_BEFORE_RE = re.compile(r"\s?(?:其中|而且|且|其)?(?:企业)?(?:数量|总数|数)\s?")
"""A rank's clause that names only the firms' count (……，企业数量居全国第二; ……，数量位居全国第五): the rank of the
firms' series before."""
_PROVINCE_ROLE_AFTER_RE = re.compile(r"省?(?:辖|下辖|所辖)?(?:地级市|副省级城市|省会|的省会|首府|的首府)")
"""After a province that only says what a city is to it (合肥市，安徽省辖地级市、省会; 安徽省会合肥)."""
_RANK_MOVE_BEFORE_RE = re.compile(r"(?:上升|下降|提升|前进|后退|下滑|攀升)了?\Z")
"""Before a rank's move (较上年上升3位): the places moved, no figure a rank after it is of."""
_BASE_YEAR_RE = re.compile(r"(?:较|比|相比|同)(?P<y>(?:19|20)\d{2})年")
_FROM_YEAR_TO_YEAR_RE = re.compile(r"从(?:19|20)\d{2}年[^。；;]{0,30}?(?:到|至)(?:19|20)\d{2}年")
_FROM_YEAR_AFTER_RE = re.compile(r"\s(?:in|at the end of|by the end of|as of)\s(?P<y>(?:19|20)\d{2})\b")
_CAPITAL_AFTER_RE = re.compile(r"['’]s (?:provincial )?capital\b")
"""After the province of an English apposition written the other way (Hefei, Anhui's provincial capital, ...)."""
_LAST_YEAR_RE = re.compile(r"去年|上年|last year", re.IGNORECASE)
_EN_CHANGE_BEFORE_RE = re.compile(
    r"\b(?:(?:rose|increased|grew|fell|decreased|dropped|declined|shrank|shrunk|contracted|up|down) by|added|adding"
    r"|an? (?:increase|rise|decrease|drop|decline|fall) of)\s"
    r"(?:about |around |some |nearly |more than |over )?\Z",
    re.IGNORECASE,
)
_EN_FROM_BEFORE_RE = re.compile(
    r"\bfrom\s(?:about |around |some |nearly |more than |over )?\Z", re.IGNORECASE
)
_YEAR_EARLIER_AFTER_RE = re.compile(
    r"\s(?:a year (?:earlier|ago|before)|the (?:previous|prior) year|the year before|in the previous year)\b",
    re.IGNORECASE,
)
"""After a figure of the year before the sentence's (up from 54.1 a year earlier, from 21 a year ago)."""
_EN_BASE_RE = re.compile(r"\b(?:from|than|compared|since|versus|vs)\b", re.IGNORECASE)
_DENSITY_RE = re.compile(r"密度\s?$")
_PEOPLE_WORDS = frozenset({"people", "inhabitants"})
_EN_POP_OF_RE = re.compile(
    r"\b(?:city|hub|metropolis|megacity|home|capital|region|province|municipality|population) of "
    r"(?:about |around |some |nearly |more than |over |roughly )?[\d.,]+(?: million| billion)?\Z",
    re.IGNORECASE,
)
"""Before a count of people that is a place's population (a manufacturing hub of 12.9 million people)."""
_EN_OWN_NOUN_AFTER_RE = re.compile(
    r"\s(?:[a-z]+[ -])?(?!(?:years|months|days|points|residents|inhabitants)\b)[a-z]{3,}s\b"
)
"""A plural English noun right after a number (1 million students, 300 foreign-funded firms): what it counts."""
_EN_RANK_OF_RE = re.compile(
    r"[\w .'’-]{0,60}?\s(?:with|in|by|for)\s(?:(?:more than |over |about |nearly )?[\d,.]+\s)?(?:the\s)?"
)
_EN_ELLIPSIS_GAP_RE = re.compile(r"\s?\(|['’]s\s|\s(?:(?:each|both|alone)\s)?(?:has|had|have|with|at)\s|\s")
_FIRM_NAMES = frozenset(FIRMS)
_FIRM_EXAMPLE_AFTER_RE = re.compile(r"\s?(?:、|等|和|与|及|为代表|and\b|or\b)")
_FIRM_EXAMPLE_BEFORE_RE = re.compile(
    r"(?:如|像|以|包括|例如|拥有|和|、|与|及|such as|like|including|and|home to|hosts?)\s?\Z"
)
_PLACE_FILLER_RE = re.compile(r"(?:才|仅为|仅|只有|则为|则|也|为|是)$")
_PER_KM2_AFTER_RE = re.compile(r"\s?/\s?(?:平方公里|平方千米|km²|km2)")
"""After a count per square kilometre (3.21家/平方公里)."""
_ADJ_RE = re.compile(
    r"^\s?(?:[(（]|为|是|有|:|：|达|约|以|市为|市有)?\s?(?:同为|均为|各有|均有|都有|均|都|各)?\s?$"
    r"|^['’]s\s$|^\s(?:(?:each|both)\s)?(?:has|have|had)\s$"
)
"""Between a place and its figure written right after it (北京(67所), 北京为6.58%, 广州和杭州(同为22家), Guangzhou's 25,
Hefei and Wuhan each have 9)."""
_COORD_RE = re.compile(r"(?:同为|均为|各有|均有|都有|均|都|各|以|each have |both have )\s?$")
_FOLLOW_GAP_RE = re.compile(
    r"^[\s的国家级省市规模以上各类相关]{0,4}$|^\s(?:national|state-level|national-level|certified|new)\s$"
    rf"|^\s{_USD_ASIDE}\s$",
    re.IGNORECASE,
)
_RESPECTIVE_RE = re.compile(r"分别|依次|respectively")
_PAREN_FIGURE_RE = re.compile(r"^[(（][^()（）]{1,24}[)）]")
"""A parenthesis right after a place of a list (上海(65家)、北京(61家)分列全国第一、第二): the list goes on after it."""
_DIGIT_RE = re.compile(r"\d")
_EACH_RANK_RE = re.compile(r"分列|分居|分获|各居|分别")
_RANK_LIST_RE = re.compile(r"(?:依次为|依次是|依序为|依序是|分别是|分别为)[:：]?")
_TOP_N_RE = re.compile(
    r"(?:稳居|位居|位列|排名|排在|跻身|居|列)(?:全球|全国|全省|世界|国内|[^\d\s，。；,;：:！？!?、第前]{1,8}?城市)?"
    r"前(?P<n>[二两三四五六七八九十]|\d+)(?:位|名|强)?"
)
_TOP_N_LIST_RE = re.compile(
    r"前(?P<n>[二两三四五六七八九十]|\d+)(?:位|名|强)?的?(?:城市|地市|地级市|省份|省市|区县|县市|区)?"
    r"(?:(?P<order>依次|依序)|分别)?(?:为|是)[:：]?"
)
_ORDER_RE = re.compile(f"{_RANK_LIST_RE.pattern}|{_TOP_N_RE.pattern}")
_NUMBERED_RE = re.compile(r"\s*(?P<n>\d{1,3})(?:\s?[.、．，,]\s?|\s+(?=\D))")
"""A list number at a line start (21、东莞市 9800家; 23，宁波市): no figure when a place follows it, a rank on a page
titled as a ranking."""
_NUMBERED_INSIDE_RE = re.compile(r"(?<=[\s…])(?P<n>\d{1,3})\s?[.、．]\s?")
"""A list number inside a line, after a space or an ellipsis (88.3件 7.西安)."""
_RANKING_TITLE_RE = re.compile(
    r"排名|排行|榜|top\s?\d+|前(?:[二两三四五六七八九十]|\d+)(?:名|位|强)?(?:[（(]|$)|\btop cities\b|\branking",
    re.IGNORECASE,
)
_RANK_VERB_RE = re.compile(r"(?:居|位居|位列|排名|列|排|稳居|跃居|名列|排在|居于)\s?\Z")
_RANKING_WORD_RE = re.compile(
    r"排名|排行|排序|位次|名次|榜|前[二两三四五六七八九十\d]+|最多|最高|最大|最强|最少|最低"
)
_ORD = r"\d+|[一二三四五六七八九十]+"
_RANK_RANGE_RE = re.compile(rf"第(?P<a>{_ORD})(?:名|位)?\s?(?:至|到|~|-|—|－)\s?第?(?P<b>{_ORD})(?:名|位)?")
_RANGE_AFTER_RE = re.compile(r"\s?(?:的城市|城市)?\s?(?:依次为|依次是|分别为|分别是|为|是)[:：]?")
_RANGE_BEFORE_RE = re.compile(
    r"(?:分列|分别位列|分别位居|分别排名|分别排在|分别居|分居|依次位列|依次排名|依次排在)\s?$"
)
_TOP_GAP_RE = re.compile(
    r"^\s?(?:的)?(?:数量|总量|规模)?\s?(?:连续[一二三四五六七八九十两\d]+年)?(?:继续|仍|依然|持续)?"
    r"(?:分列|分别|依次|的城市|均|分)?\s?$"
)
_PROPOSE_LEAD_RE = re.compile(r"^[\s\d.,%]+")
_PROPOSE_STRIP_RE = re.compile(
    r"(?:达到|达|为|是|有|拥有|超过|突破|共有|现有|约|近|超|逾|合计|累计|总量|总数)+$"
)
_SCOPE_OWNER_RE = re.compile(
    r"\s?(?:城市)?(?:平均|水平|总量|合计|共|总计|的|为|有|达|average|total|rate|level|figure|growth)"
)
_IS_RE = re.compile(r"是|为|相当于")
_OF_WHOLE_RE = re.compile(r"占|相当于")
_OF_WHOLE_WORD_RE = re.compile(r"占|相当于|比重|比例|share|accounting|accounted|of\b", re.IGNORECASE)
_FUNCTION_WORDS_RE = re.compile(
    r"其中|同比|比上年末?|较上年末?|比去年|较去年|上年|去年|今年|全年|年末|年底|年初|截至|截止|全市|我市|该市|本市|"
    r"共有|拥有|达到|首次|实现|完成|累计|总数|总量|数量|合计|占比|比重|左右|以上|年均|平均|每年|按年|初步核算|据统计|"
    r"数据显示|同期|继续|保持|持续|进一步|稳步|快速|大幅|明显|小幅|增长|增加|新增|净增|提高|提升|上升|下降|减少|降低|"
    r"回落|增速|增幅|分别|依次|已经|超过|突破|[共有达为是约近超逾和及与、的了已比较至到末底占仅只也都均各多余]"
)
_OWN_NOUNS = (
    r"企业|公司|人口|人才|专利|产值|收入|投资|项目|机构|学校|院校|高校|产量|总额|金额|"
    r"经费|支出|规模|面积|产品|平台|实验室|中心|基地|人员|学生|在校生|职工|雇员|员工|机器人|汽车|设备|商标|论文"
)
_OWN_NOUN_RE = re.compile(rf"[\u4e00-\u9fff]{{1,12}}(?:{_OWN_NOUNS})")
_OWN_NOUN_END_RE = re.compile(_OWN_NOUNS)
"""The nouns :data:`_OWN_NOUN_RE` ends with: a clause without one names no series of its own."""
_COMPARED_BEFORE = (
    *("仅次于", "次于", "超越", "超过", "高于", "低于", "不及", "落后于", "领先于", "领先", "比", "较", "被"),
    *("second only to", "behind", "ahead of", "than", "surpassing", "overtaking", "outpacing"),
)
_IS_BEFORE = ("是", "为", "相当于", "占")
_DIFFERENCE_RE = re.compile(
    r"(?P<than>比\s?)[^，,。；;比]{1,14}?(?:多|少|高|低)(?:出|了)?\s?(?:约|近|超过|逾)?\s?\Z"
)
_SHARE_OF_AFTER_RE = re.compile(r"\s?(?:的企业|的)?\s?(?:集中在|集中于|分布在|分布于|位于|落户)")
_SHARE_OF_WHOLE_BEFORE_RE = re.compile(r"全市(?:的)?\s?(?:约|近|超过|逾|将近)?\s?\Z")
_CJK_NOUN_AFTER_RE = re.compile(r"的[\u4e00-\u9fff]")
_TOTAL_HEAD_RE = re.compile(r"\s?(?:合计|共计|总计|合共|加起来|together|combined)")
_GROUP_TRIGGER_ZH_RE = re.compile(r"[合共总加]")
_GROUP_TRIGGER_RE = re.compile(r"[合共总加]|together|combined", re.IGNORECASE)
_GROUP_TOTAL_RE = re.compile(
    r"(?:[两二三四五六七八九十\d]|几)\s?(?:市|地|城|区|省|县)(?:的)?[^，,。；;]{0,16}(?:合计|合共|共计|总计|总和|加起来|总数|总量|共)"
    r"|\b(?:together|combined)\b",
    re.IGNORECASE,
)
_OF_PLACE_GAP_RE = re.compile(r"\s?的\s?(?:近|约|超过|不到|不足|仅)?\s?")
_EN_CLAUSE_HEAD_RE = re.compile(r"\s*(?:(?:In|in|By|by) (?:the end of )?\d{4},?\s*)?(?:The |the )?")
_CLAUSE_HEAD_RE = re.compile(r"[\s\d年月日底末初截至止到上下半前后季度一二三四去今本当目同期间以来“”]*")
_CUMULATIVE_RE = re.compile(r"累计|总数")
_PAREN_SPACE_RE = re.compile(r"[()（）\s]")
_SHARE_UNITS = ("%", "‰")
_SAME_COUNT = ({"家", "户", "个"}, {"所", "个"}, {"件", "项"}, {"人", "名", "位"})
_DIMENSIONLESS = ("ratio", "index", "rank")
_STOCK_UNITS = ("家", "所", "人")
"""Units of series that count what exists at a time (firms, universities, people), not what a period produced."""


@dataclass
class _Ctx:
    document: str
    date: date | None
    subject: str | None
    title_year: int | None
    title_phrase: PhraseMention | None
    title_end: int = 0
    title_unit: tuple[float, str] | None = None  # (亿元) of a table's title: (1e8, 元)
    prior: list[str] = field(default_factory=list)  # the last list of places of an earlier sentence
    prior_age: int = _PRIOR_AGE + 1
    ranking: bool = False  # the title names a ranking (面积排名, Top30): a numbered line is a rank
    title_density: bool = (
        False  # 密度 follows the title's phrase (高新技术企业密度排行榜): its ranks are per km²
    )
    line_year: YearMention | None = None  # the last year stated by the sentences of the current line
    section_year: YearMention | None = None  # the year of the last section heading (一、2024年经济运行情况)
    province: bool = False  # the subject is a province (全省 is then the subject)
    city_subject: str | None = (
        None  # the place named most often other than a province (全市 of a province's page)
    )


class Extractor:
    """Rules with their lexicons: places (a :class:`PlaceIndex`) and indicators (a :class:`Lexicon`)."""

    def __init__(self, places: PlaceIndex | EntityTable | None = None, lexicon: Lexicon | None = None):
        if places is None:
            places = EntityTable.default()
        self.places = PlaceIndex.from_entities(places) if isinstance(places, EntityTable) else places
        self.lexicon = lexicon or Lexicon.default()

    # -- documents ------------------------------------------------------------------------------
    def extract_chunks(
        self,
        chunks: Iterable[str],
        *,
        document: str = "",
        doc_date: date | None = None,
        subject: str | None = None,
        jobs: int = 1,
        chunk_done: Callable[[], None] | None = None,
    ) -> Iterator[Candidate]:
        """Candidates of a document given as raw text chunks (read in order; see :func:`iter_text`); with ``jobs``
        above 1 the chunks are read by that many processes, with the same result (:mod:`.parallel`)."""
        if jobs > 1:
            from innoscope.ingest.claims import parallel

            if parallel.fork_available():
                yield from parallel.extract_chunks_parallel(
                    self,
                    chunks,
                    jobs=jobs,
                    document=document,
                    doc_date=doc_date,
                    subject=subject,
                    chunk_done=chunk_done,
                )
                return
        offset = 0
        ctx: _Ctx | None = None
        for raw in chunks:
            text = clean(raw, first=ctx is None)
            norm = mark_cells(fold(text))
            if ctx is None:
                ctx = self._context(norm, document, doc_date, subject)
            yield from self._chunk(text, norm, offset, ctx)
            offset += len(text)

    def _context(self, norm: str, document: str, doc_date: date | None, subject: str | None) -> _Ctx:
        first = next((ln for ln in norm[:5000].split("\n") if ln.strip()), "")
        first = first if len(first) <= 120 and "。" not in first else ""
        d = doc_date or document_date(norm) or work_report_date(first)
        mentions = self.places.find(norm[:200_000])
        at = norm.find(first) if first else 0
        title = [m for m in mentions if at <= m.start and m.end <= at + len(first)] if first else []
        main = subject or _title_place(title, norm) or main_place(mentions, self.places.weights)
        if main is None:
            main = self.places.media_place(norm[:200])  # 芜湖日报 2025-03-21 / 全市……: the outlet's city
        province = main in self.places.provinces
        phrases = self.lexicon.find(first)
        end = at + len(first) if first else 0
        ty = title_year(first) if first else None
        if ty is None and d is not None and _LAST_YEAR_RE.search(first):
            ty = d.year - 1  # 苏州去年高新企业净增逾千家 with a date: the year before the date's
        ranking = _RANKING_TITLE_RE.search(first) is not None
        unit = _TITLE_UNIT_RE.search(first)
        title_unit = (MAGNITUDE.get(unit["mag"] or "", 1.0), unit["unit"]) if unit else None
        return _Ctx(
            document,
            d,
            main,
            ty,
            phrases[0] if phrases else None,
            end,
            ranking=ranking,
            title_density=bool(phrases) and first[phrases[0].end :].lstrip().startswith("密度"),
            title_unit=title_unit,
            province=province,
            city_subject=main_place([m for m in mentions if m.place not in self.places.provinces])
            if province
            else None,
        )

    # -- one chunk --------------------------------------------------------------------------------
    def _chunk(self, text: str, norm: str, base: int, ctx: _Ctx) -> Iterator[Candidate]:
        figures = find_figures(norm)
        ranks = find_ranks(norm)
        places = self.places.find(norm)
        phrases = self.lexicon.find(norm)
        years = find_years(norm, ctx.date)
        bounds = list(_sentences(norm))
        fl, rl, pl, il, yl = (_per_sentence(v, bounds) for v in (figures, ranks, places, phrases, years))
        clause_ends = _clause_ends(norm)
        header: list[PhraseMention | None] = []
        header_years: list[YearMention | None] = []
        header_units: list[tuple[float, str] | None] = []
        for k, (s0, s1) in enumerate(bounds):
            f_s, r_s, p_s = figures[fl[k] : fl[k + 1]], ranks[rl[k] : rl[k + 1]], places[pl[k] : pl[k + 1]]
            carried = _carry_year(ctx, norm, s0, years[yl[k] : yl[k + 1]])
            seg = norm[s0:s1]
            if "|" in seg:
                if not f_s:
                    header = _header(norm, s0, s1, _with_rank_heads(norm, s0, s1, phrases[il[k] : il[k + 1]]))
                    header_years = _header(
                        norm, s0, s1, years[yl[k] : yl[k + 1]] or _cell_years(norm, s0, s1)
                    )
                    header_units = _header_units(norm, s0, s1)
            elif not seg.isspace():
                header, header_years, header_units = [], [], []
            if not f_s and not r_s and not _ORDER_RE.search(norm, s0, s1):
                _remember(ctx, norm, p_s)
                continue
            i_s, y_s = phrases[il[k] : il[k + 1]], years[yl[k] : yl[k + 1]]
            sent = _Sentence(norm, text, s0, s1, f_s, r_s, p_s, i_s, y_s, ctx, clause_ends)
            if header:
                sent.column = _columns(norm, s0, s1, f_s, header)
                sent.column_year = _columns(norm, s0, s1, f_s, header_years)
                sent.column_unit = _columns(norm, s0, s1, f_s, header_units)
            sent.in_title = base == 0 and s0 < ctx.title_end
            sent.table_row = "|" in seg and not any(
                h is not None and h.indicator not in _SPECIAL_COLUMNS for h in header
            )
            sent.carried = carried
            cands = list(sent.candidates())
            _remember(ctx, norm, p_s)
            sentence = text[s0:s1].strip()
            for entity, c in cands:
                yield Candidate(
                    ctx.document,
                    entity,
                    c["indicator"],
                    c["phrase"],
                    c["value"],
                    c["unit"],
                    c["year"],
                    c["year_source"],
                    c["qualifier"],
                    c["kind"],
                    c["figure"],
                    c["status"],
                    sentence,
                    base + c["start"],
                    base + c["end"],
                )


_HEAD_GAP_RE = re.compile(r"[\s:：.、|]{0,3}")
_BARE_ORDINAL_RE = re.compile(r"第(\d+|[一二三四五六七八九十]+)(?:位|名)?")


def _ordinals_after_places(
    norm: str, lo: int, hi: int, ranks: list[RankMention], places: list[PlaceMention]
) -> list[RankMention]:
    """Ordinals written right after a place, after a rank of the sentence (杭州位列第八，武汉第九，南京第十): ranks of
    those places, in the scope of the rank before them; alone (第九 with neither verb nor 位) they are no rank."""
    ends = {p.end for p in places if p.place not in ("", "*")}
    taken = [(r.start, r.end) for r in ranks]
    out = []
    for m in _BARE_ORDINAL_RE.finditer(norm, lo, hi):
        if m.start() not in ends or any(a < m.end() and m.start() < b for a, b in taken):
            continue
        value = ordinal(m[1])
        before = [r for r in ranks if r.end <= m.start()]
        if value is not None and before:
            out.append(RankMention(m.start(), m.end(), value, before[-1].scope))
    return out


def _title_place(mentions: list[PlaceMention], norm: str = "") -> str | None:
    """The one place a document's title names (四川省2024年国民经济和社会发展统计公报: 四川), or the district or
    county written right after its city (武汉市洪山区统计公报: 洪山区), else None: the document's subject before the
    place it names most often."""
    named = [m for m in mentions if m.place not in ("", "*")]
    if len({m.place for m in named}) == 1:
        return named[0].place
    if (
        len(named) == 2
        and named[0].end == named[1].start
        and norm[named[1].start : named[1].end].endswith(_PARTS)
    ):
        return named[1].place
    return None


def _per_sentence(mentions: list[Any], bounds: list[tuple[int, int]]) -> list[int]:
    """Where each sentence's mentions begin in ``mentions`` (sorted by start), and after the last sentence where
    its mentions end: sentence k holds ``mentions[out[k] : out[k + 1]]`` (one vectorised search for all
    sentences; sentences are contiguous, so a sentence's end is the next one's start)."""
    starts = np.fromiter((m.start for m in mentions), dtype=np.int64, count=len(mentions))
    cuts = np.fromiter((s0 for s0, _ in bounds), dtype=np.int64, count=len(bounds))
    last = bounds[-1][1] if bounds else 0
    out: list[int] = np.searchsorted(starts, np.append(cuts, last), "left").tolist()
    return out


def _clause_ends(norm: str) -> list[int]:
    """The ends of the clause marks of a chunk, after a sentinel -1: the clause starts of every sentence at once
    (a mark is one character and its lookarounds see only digits next to it, so one pass over the chunk finds
    what one pass per sentence finds)."""
    return [-1, *(m.end() for m in _CLAUSE_RE.finditer(norm))]


_RECOVERED_RE = re.compile(
    r"(?:恢复|恢復|回升|相当于)(?:至|到)?(?:\d{4}年|疫情前|上年|去年)?(?:同期)?(?:水平)?的?$"
)


def _not_the_series(kind: str, before: str) -> bool:
    """A figure of a period that is not the series' (年均增长6.2%: an average over years, not a year's growth;
    较五年前增长1.2倍, 十年来, 每年新增: several years' or any year's; 12月份……产量1860台: one month's output), or a
    gap to a mark or another place (离万亿只差462.6亿, 与深圳相差约3000家), or a level against an earlier year's
    (恢复至2019年的86.4%)."""
    if _GAP_BEFORE_RE.search(before[-8:]) or (kind == "growth" and "环比" in before[-8:]):
        return True  # a gap (离万亿只差); a growth over the month or quarter before (环比), not over the year
    if kind == "share" and _RECOVERED_RE.search(before[-14:]):
        return True  # 恢复至2019年的86.4%: a level against an earlier year's, no share
    if kind == "growth" and _AVERAGE_GROWTH_RE.search(before[-12:]):
        return True
    if kind in ("growth", "change") and _MULTI_YEAR_RE.search(before):
        return True  # 较五年前增长1.2倍, 每年新增300-400家: not one year's growth or change
    return "月" in before and _ONE_MONTH_RE.search(before) is not None


def _carry_year(ctx: _Ctx, norm: str, s0: int, years: list[YearMention]) -> YearMention | None:
    """The year an earlier sentence of the same line states (合肥去年……。全市……是2020年的2.4倍: 去年), else the
    year of the section heading above (一、2024年经济运行情况), for the figures of this sentence that state none;
    then this sentence's last year (not a base) for the next ones."""
    own = [y for y in years if not y.base]
    if s0 == 0 or norm[s0 - 1] == "\n":
        ctx.line_year = None
        if HEADING_RE.match(norm, s0):
            ctx.section_year = own[-1] if own and own[-1].year is not None else None
    carried = ctx.line_year or ctx.section_year
    if own:
        ctx.line_year = own[-1] if own[-1].year is not None else None
    return carried


def _remember(ctx: _Ctx, norm: str, places: list[PlaceMention]) -> None:
    """Keep the last list of places of a sentence (深圳和杭州, Shenzhen vs Hangzhou) for the next sentences."""
    ctx.prior_age += 1
    for i in range(len(places) - 1, 0, -1):
        names = _coordinated_at(norm, places, i)
        if len(set(names)) > 1:
            ctx.prior, ctx.prior_age = names, 0
            return


def _coordinated_at(norm: str, places: list[PlaceMention], i: int, shared: bool = False) -> list[str]:
    """The list of places ending at place mention ``i`` (深圳和杭州, 北京、深圳, 京沪, Shenzhen vs Hangzhou); with
    ``shared`` (a figure each place has: 同为, 各有), a place whose own figure is written in parentheses after it
    ends the list (深圳(33家)、广州和杭州(同为22家): 广州 and 杭州)."""
    out = [places[i].place]
    j = i
    while j > 0:
        a, b = places[j - 1], places[j]
        if a.place in ("", "*") or b.place in ("", "*"):
            break  # before the gap's parentheses are cut out: most lists end here
        raw = norm[a.end : b.start]
        gap = _PAREN_FIGURE_RE.sub("", raw)
        if shared and gap != raw and _DIGIT_RE.search(raw):
            break
        if not (_PLACE_SEP_RE.match(gap) or (a.abbr and b.abbr and not gap)):
            break
        out.insert(0, a.place)
        j -= 1
    return out


def _cumulative_series(ind: Indicator, kind: str, before: str, totals: Callable[[Indicator], bool]) -> str:
    """The series of a level stated with 累计/总数 (the lexicon's cumulative series), and of a change in a
    sentence that gives such a total of the same series (``totals``: 新增296家,总数达1025家: a change of the
    cumulative series; not 新增小巨人企业21家 beside 高新技术企业总数达到4127家)."""
    if ind.cumulative and kind == "level" and _CUMULATIVE_RE.search(before):
        return ind.cumulative
    if ind.cumulative and kind == "change" and totals(ind):
        return f"{ind.cumulative}_change"
    return ind.series(kind)


@lru_cache(maxsize=1024)
def _unit_fits(iu: str, unit: str | None, kind: str, scaled: bool) -> bool:
    """Whether a figure in ``unit`` (``scaled``: written with 万/亿) of ``kind`` can be a value of a series in ``iu``
    (cached: a handful of units and kinds)."""
    num = iu.split("/")[0]
    if unit is None:
        return iu in _DIMENSIONLESS or scaled
    if kind == "share" or unit in _SHARE_UNITS:
        return iu in _SHARE_UNITS
    if kind == "change":
        return unit_class(unit) == unit_class(num) or unit == num
    if unit == iu or unit == num:
        return True
    if unit_class(unit) == "count" and unit_class(num) == "count":
        return any(unit in g and num in g for g in _SAME_COUNT)
    return unit_class(unit) == unit_class(num) == "money"


def _each_place(row: Row, names: list[str], seen: Seen) -> list[tuple[str, Row]]:
    """``(place, row)`` once per place, skipping a (figure, place, series) already given."""
    out = []
    for name in names:
        key = (row["start"], name, row["indicator"])
        if key not in seen:
            seen.add(key)
            out.append((name, row))
    return out


def _cells(norm: str, s0: int, s1: int) -> list[tuple[int, int]]:
    cuts = [s0 - 1] + [i for i in range(s0, s1) if norm[i] == "|"] + [s1]
    return [(a + 1, b) for a, b in zip(cuts, cuts[1:], strict=False)]


_M = TypeVar("_M", PhraseMention, YearMention)
_N = TypeVar("_N", PhraseMention, PlaceMention, YearMention)


def _within(mentions: list[_N], starts: list[int], a: int, b: int) -> list[_N]:
    """The mentions inside ``a:b`` (``starts``: their starts, sorted), from a bisection of the starts."""
    return [m for m in mentions[bisect.bisect_left(starts, a) : bisect.bisect_left(starts, b)] if m.end <= b]


RANK_COLUMN = Indicator("", "rank")
"""The indicator of a table column headed 排名/名次/位次: its numbers are ranks, not figures."""
SERIAL_COLUMN = Indicator("", "serial")
"""A column headed 序号/编号: its numbers count the rows, they are no figures."""
GROWTH_COLUMN = Indicator("", "growth")
"""A column headed 增速/增长率/同比增长/增幅/增长(%): its numbers are growth rates (percent) of the series to its left, or of
the title's."""
_SPECIAL_COLUMNS = (RANK_COLUMN, SERIAL_COLUMN, GROWTH_COLUMN)
_COLUMN_HEAD_RE = re.compile(
    r"(?P<rank>排名|名次|位次|排序)|(?P<serial>序号|编号)"
    r"|(?P<growth>增速|增长率|同比增长|比上年增长|增幅|增长(?=\s?[(（]\s?%|%))"
)
_HEAD_OF = {"rank": RANK_COLUMN, "serial": SERIAL_COLUMN, "growth": GROWTH_COLUMN}


def _with_rank_heads(norm: str, s0: int, s1: int, phrases: list[PhraseMention]) -> list[PhraseMention]:
    """The phrases of a header row, with a :data:`RANK_COLUMN`, :data:`SERIAL_COLUMN` or :data:`GROWTH_COLUMN`
    mention for each cell that heads such a column (where no phrase of the lexicon is in that cell)."""
    heads = [
        PhraseMention(m.start(), m.end(), _HEAD_OF[m.lastgroup or "rank"], m.group(0))
        for m in _COLUMN_HEAD_RE.finditer(norm, s0, s1)
        if not any(p.start <= m.start() < p.end for p in phrases)
    ]
    return sorted([*phrases, *heads], key=lambda p: p.start) if heads else phrases


def _header(norm: str, s0: int, s1: int, mentions: list[_M]) -> list[_M | None]:
    """The indicator phrase (or the year) of each cell of a table's header row (a ``|`` line without figures)."""
    return [next((p for p in mentions if a <= p.start and p.end <= b), None) for a, b in _cells(norm, s0, s1)]


_CELL_YEAR_RE = re.compile(r"\s*((?:19|20)\d{2})\s*")


def _cell_years(norm: str, s0: int, s1: int) -> list[YearMention]:
    """The years a header row writes as bare cells (城市 | 2022 | 2023 | 2024: columns of years)."""
    out = []
    for a, b in _cells(norm, s0, s1):
        m = _CELL_YEAR_RE.fullmatch(norm, a, b)
        if m is not None:
            out.append(YearMention(m.start(1), m.end(1), int(m[1]), "explicit"))
    return out


def _header_units(norm: str, s0: int, s1: int) -> list[tuple[float, str] | None]:
    """The unit each cell of a header row writes (研发投入(亿元) -> (1e8, 元); 高新技术企业（家）-> (1, 家))."""
    out: list[tuple[float, str] | None] = []
    for a, b in _cells(norm, s0, s1):
        m = _TITLE_UNIT_RE.search(norm, a, b)
        out.append((MAGNITUDE.get(m["mag"] or "", 1.0), m["unit"]) if m else None)
    return out


_T = TypeVar("_T")


def _columns(norm: str, s0: int, s1: int, figures: list[Figure], header: list[_T | None]) -> dict[int, _T]:
    """Figure start -> the header phrase (or year) of its column, for a ``|`` row under a header with as many
    cells."""
    if not header or "|" not in norm[s0:s1]:
        return {}
    cells = _cells(norm, s0, s1)
    if len(cells) != len(header):
        return {}
    out: dict[int, _T] = {}
    for f in figures:
        k = next((i for i, (a, b) in enumerate(cells) if a <= f.start < b), None)
        h = header[k] if k is not None else None
        if h is not None:
            out[f.start] = h
    return out


def _sentences(norm: str) -> Iterator[tuple[int, int]]:
    for m in _SENT_RE.finditer(norm):
        s0, s1 = m.span()
        if s1 <= s0:
            continue
        if "." in norm[s0:s1]:
            cuts = [s0] + [x.end() for x in _EN_STOP_RE.finditer(norm, s0, s1)] + [s1]
            for a, b in zip(cuts, cuts[1:], strict=False):
                if b > a:
                    yield a, b
        else:
            yield s0, s1


class _Sentence:
    """The rules applied to one sentence (see the module docstring)."""

    def __init__(
        self,
        norm: str,
        text: str,
        s0: int,
        s1: int,
        figures: list[Figure],
        ranks: list[RankMention],
        places: list[PlaceMention],
        phrases: list[PhraseMention],
        years: list[YearMention],
        ctx: _Ctx,
        clause_ends: list[int],
    ):
        self.norm, self.text, self.s0, self.s1 = norm, text, s0, s1
        self.figures, self.ranks, self.places, self.phrases, self.years = (
            figures,
            ranks,
            places,
            phrases,
            years,
        )
        self.ctx = ctx
        self.rank_ranges = [
            m
            for m in _RANK_RANGE_RE.finditer(norm, s0, s1)
            if (ordinal(m["a"]) or 0) < (ordinal(m["b"]) or 0)
        ]
        if self.rank_ranges:
            ranks = [
                r
                for r in ranks
                if not any(m.start() <= r.end and r.start < m.end() for m in self.rank_ranges)
            ]
            self.ranks = ranks
        num = _NUMBERED_RE.match(norm, s0) if figures and figures[0].start <= s0 + 3 else None
        if num is not None and any(p.start == num.end() for p in places):
            figures = [f for f in figures if f.start != num.start("n")]  # 21、东莞市 9800家: a list number
            self.figures = figures
        if ranks and norm.find("第", ranks[0].end, s1) >= 0:
            more = _ordinals_after_places(norm, ranks[0].end, s1, ranks, places)
            self.ranks = ranks = sorted([*ranks, *more], key=lambda r: r.start) if more else ranks
        tops = [m.span() for m in _TOP_N_RE.finditer(norm, s0, s1)] if norm.find("前", s0, s1) >= 0 else []
        if ranks or tops:
            spans = [(r.start, r.end) for r in ranks] + tops
            self.figures = [f for f in figures if not any(a <= f.start < b for a, b in spans)]
        self.clause_ends = clause_ends  # of the whole chunk (_clause_ends)
        self._clause_of: dict[int, int] = {}
        self._whole: dict[int, bool] = {}  # phrase start -> written as the whole of a share (computed once)
        self.place_starts = [p.start for p in places]
        self.phrase_starts = [p.start for p in phrases]
        self.run_last: dict[int, Figure] = {}
        self.column: dict[int, PhraseMention] = {}
        self.in_title = False
        self.table_row = False
        self.column_year: dict[int, YearMention] = {}
        self.column_unit: dict[int, tuple[float, str]] = {}
        self.growth_cells: dict[int, PhraseMention | None] = {}
        self._plan_stop = s1
        self._plan_end: int | None = None  # where the sentence's first word of planning ends (computed once)
        self._periods: list[tuple[int, int, str | None]] | None = None  # (start, end, kind) of period words
        self.resp_series: dict[int, PhraseMention | None] = {}
        self.fig_places: dict[int, list[str]] = {}
        self.fig_phrase: dict[int, PhraseMention | None] = {}
        self._compared: set[int] | None = None
        self.carried: YearMention | None = None
        self.row_place: str | None = None  # the place of a table row with a rank column

    def clause_start(self, pos: int) -> int:
        """The start of the clause holding ``pos``: after the last clause mark before it, else the sentence's
        (remembered: the rules ask it of the same figure several times)."""
        cs = self._clause_of.get(pos)
        if cs is None:
            end = self.clause_ends[bisect.bisect_right(self.clause_ends, pos) - 1]
            cs = self._clause_of[pos] = end if end > self.s0 else self.s0
        return cs

    # -- places -----------------------------------------------------------------------------------
    def _coordinated(self, i: int) -> list[str]:
        """The place list ending at place mention ``i`` (深圳和杭州, 北京、深圳)."""
        return _coordinated_at(self.norm, self.places, i)

    def _place_before(self, pos: int, lo: int) -> tuple[int, PlaceMention] | None:
        """The last place mention (and its index) inside ``lo:pos``."""
        places = self.places
        for i in range(bisect.bisect_left(self.place_starts, pos) - 1, -1, -1):
            p = places[i]
            if p.start < lo:
                return None
            if p.end <= pos:
                return i, p
        return None

    def places_of(self, start: int, kind: str) -> list[str]:
        """Where a figure at ``start`` is about (see the module docstring); [] when not about a city."""
        limit = self._owner_limit(start, kind)
        if limit == start and kind == "share" and self._of_place(start):
            return []
        adjacent = self._adjacent(start, kind) if limit == start else None
        if adjacent is not None:
            return adjacent
        cs = self.clause_start(start)
        near = self._nearest_owner(limit, cs)
        place = near.place if near is not None else "*"
        if place == "" and self._province_subject(near):
            return [self.ctx.subject or ""]
        if place == "":
            return []
        if place != "*" and near is not None and self._distributed(near, start):
            return self._coordinated(self.places.index(near))  # 南京、无锡GDP增速均为5.0%: each place's
        if place == "*":
            if (near is not None and self._part_of_subject(near)) or self._zone_before(limit):
                return []
            named = self._named_before(near)
            if named is not None:
                return [named]  # 南通全市: the place written right before 全市
            city_word = (
                near is not None and self.ctx.province and near.place == "*" and not self._region_word(near)
            )
            subject = self.ctx.city_subject if city_word else self.ctx.subject  # 全市 of a province's page
            return [subject] if subject and not self._whole_of_part(start) else []
        return [place]

    def _distributed(self, q: PlaceMention, start: int) -> bool:
        """Whether the figure at ``start`` is each place's of the list ending at ``q`` (南京、无锡GDP增速均为5.0%,
        both ... stood at): 均/都 between them and no other figure."""
        if _ALL_OF_RE.search(self.norm, q.end, start) is None:
            return False
        return not any(q.end <= f.start < start for f in self.figures)

    def _compared_value(self, f: Figure) -> list[str]:
        """The place a figure is compared with when the figure is that place's own value (……0.99%，低于深圳的5.8%;
        仍低於東莞的4.1%增速: 深圳's, 东莞's), written as digits right after the place and 的; [] otherwise (不及合肥的一半
        is a share, 是杭州的1.6倍 a ratio)."""
        if (
            f.unit == "倍"
            or (f.unit is None and f.magnitude == 1.0)
            or not self.norm[f.start].isdigit()
            or not self.norm.startswith("的", f.start - 1)
        ):
            return []
        if self.norm.startswith(("增速", "增幅", "增长率"), f.end):
            return []  # 低於東莞的4.1%增速: a growth written after its figure, which the kind is not read from
        hit = self._place_before(f.start - 1, self.s0)
        if hit is None or hit[1].end != f.start - 1 or hit[1].place in ("", "*"):
            return []
        p = hit[1]
        return [p.place] if _COMPARED_VALUE_RE.search(self.norm, max(self.s0, p.start - 4), p.start) else []

    def _named_before(self, q: PlaceMention | None) -> str | None:
        """The place written right before an implicit subject (南通全市 -> 南通), else None."""
        if q is None:
            return None
        i = bisect.bisect_left(self.place_starts, q.start) - 1
        p = self.places[i] if i >= 0 else None
        return p.place if p is not None and p.end == q.start and p.place not in ("", "*") else None

    def _nearest_owner(self, limit: int, cs: int) -> PlaceMention | None:
        """The nearest place (or owning scope) written before ``limit`` in the sentence that the sentence does not
        compare with."""
        compared = self._compared if self._compared is not None else self.compared()
        for i in range(bisect.bisect_left(self.place_starts, limit) - 1, -1, -1):
            q = self.places[i]
            if q.start < self.s0:
                break
            if q.start < cs and self.norm[q.start - 1 : q.start] in ("占", "佔"):
                continue  # ……占全区经济总量的54.8%；高新技术企业达到798家: the whole of an earlier share owns nothing
            if (
                q.end <= limit
                and i not in compared
                and (
                    q.place != ""
                    or self._scope_owns(q, cs)
                    or self._scope_is_subject(q)
                    or self._firm_owns(q)
                )
            ):
                return q
        return None

    def _firm_owns(self, q: PlaceMention) -> bool:
        """A firm named as a subject (华为2024年研发投入1797亿元; 总部位于深圳的比亚迪……研发投入达到542亿元): the
        figures after it are the firm's until a place is written; not a firm given as an example (华为、腾讯等企业,
        以比亚迪为代表)."""
        if self.norm[q.start : q.end] not in _FIRM_NAMES:
            return False
        return not _FIRM_EXAMPLE_AFTER_RE.match(self.norm, q.end) and not _FIRM_EXAMPLE_BEFORE_RE.search(
            self.norm, max(self.s0, q.start - 9), q.start
        )

    def _owner_limit(self, start: int, kind: str) -> int:
        """Where the owner of a figure must be written before: a ratio's before 是/为 (深圳……是杭州的1.6倍), a
        share's before 占 in its clause (深圳……占广东省的一半: 广东 is the whole, not the owner; a 占 of an earlier clause
        limits nothing: ……合计占比超过七成,厦门以3.3%……)."""
        if kind != "ratio" and kind != "share":
            return start
        cut = _IS_RE if kind == "ratio" else _OF_WHOLE_RE
        lo = self.clause_start(start) if kind == "share" else self.s0
        cuts = [m.start() for m in cut.finditer(self.norm, lo, start)]
        return cuts[-1] if cuts else start

    def _between_places(self, cs: int, start: int) -> bool:
        """A difference between places (苏州的高新技术企业比无锡多约1万家) or a total of several (两市合计超过2200
        亿元, Changzhou, Wuxi and Suzhou together host over 400): no figure of one city."""
        before = self.norm[cs:start]
        trigger = _GROUP_TRIGGER_ZH_RE.search(before) or (
            _LATIN_LETTER_RE.search(before) and _GROUP_TRIGGER_RE.search(before)
        )
        if trigger and _GROUP_TOTAL_RE.search(before):
            return True
        if _TOTAL_HEAD_RE.match(before) and self._respective_places_before(cs):
            return True
        m = _DIFFERENCE_RE.search(before) if "比" in before else None
        return m is not None and any(
            p.start == cs + m.end("than") and p.place not in ("", "*") for p in self.places
        )

    def _place_after(self, pos: int) -> list[str]:
        """The place written right after a share's 集中在/位于 (近两成集中在南山区: 南山区's share), or none when a
        zone or an unknown name is written there (近两成集中在盐城经济技术开发区: no city's)."""
        m = _SHARE_OF_AFTER_RE.match(self.norm, pos)
        at = m.end() if m is not None else pos
        q = next((p for p in self.places if p.start >= at), None)
        if q is None or q.start != at or q.place in ("", "*") or _ZONE_NAME_RE.match(self.norm, q.end):
            return []
        return [q.place]

    def _respective_places_before(self, cs: int) -> bool:
        """Whether the sentence lists several places before ``cs`` (江宁区、雨花台区……分别为……，合计占……: the
        clause that opens with 合计 is the list's total)."""
        named = {p.place for p in self.places if self.s0 <= p.start < cs and p.place not in ("", "*")}
        return len(named) > 1

    def compared(self) -> set[int]:
        """Indices of the places a sentence compares with (仅次于北京、上海, 超越北京, 是无锡的2.3倍, 比无锡多,
        second only to Shenzhen): they own no figure found by looking back for the nearest place."""
        if self._compared is None:
            self._compared = set()
            for i, q in enumerate(self.places):
                if i in self._compared or q.place in ("", "*") or q.start < self.s0:
                    continue
                end = q.start - 1 if q.start > self.s0 and self.norm[q.start - 1] == " " else q.start
                if (
                    self.norm.endswith(_COMPARED_BEFORE, self.s0, end)
                    or (self.norm.endswith(_IS_BEFORE, self.s0, end) and self.norm.startswith("的", q.end))
                    or (
                        end < q.start
                        and _CAPITAL_OF_RE.search(self.norm, max(self.s0, q.start - 60), q.start)
                    )
                    or _CAPITAL_AFTER_RE.match(self.norm, q.end) is not None
                    or _PROVINCE_ROLE_AFTER_RE.match(self.norm, q.end) is not None
                    or any(
                        r.start < q.start and q.end < r.end for r in self.ranks
                    )  # 居金华市各县（市、区）第一
                ):
                    self._compared.add(i)
                    self._compared.update(self._chain_after(i))
        return self._compared

    def _chain_after(self, i: int) -> list[int]:
        """Indices of the places listed right after place ``i`` (北京、上海、深圳和广州)."""
        out = []
        while i + 1 < len(self.places) and _PLACE_SEP_RE.match(
            self.norm[self.places[i].end : self.places[i + 1].start]
        ):
            i += 1
            out.append(i)
        return out

    def _of_place(self, start: int) -> bool:
        """A share written right after a place and 的 (不及合肥的一半, 仅为北京的三分之一) compares with that place: it
        is no share of a city's series."""
        hit = self._place_before(start, self.s0)
        return hit is not None and _OF_PLACE_GAP_RE.fullmatch(self.norm, hit[1].end, start) is not None

    def _scope_is_subject(self, q: PlaceMention) -> bool:
        """A scope word at the head of its clause, after at most a time (2023年全国R&D经费支出……, 全国高新技术企业
        超过46万家; China's economy grew 5.0% in 2024): the figures after it are the scope's until a place is
        written."""
        cs = self.clause_start(q.start)
        if self.norm[q.start].isascii():
            return (
                self.norm.startswith("China", q.start)
                and _EN_CLAUSE_HEAD_RE.fullmatch(self.norm, cs, q.start) is not None
            )
        return _CLAUSE_HEAD_RE.fullmatch(self.norm, cs, q.start) is not None

    def _zone_before(self, start: int) -> bool:
        """A zone named before the figure with no place after it (江北新区高新技术企业超过1000家, 合作区内已集聚): the
        figure is the zone's, not the document's city's."""
        if self.norm.find("区", self.s0, start) < 0 and self.norm.find("城", self.s0, start) < 0:
            return False
        zones = list(_ZONE_NAME_RE.finditer(self.norm, self.s0, start))
        return bool(zones) and not any(zones[-1].end() <= p.start < start and p.place for p in self.places)

    def _province_subject(self, q: PlaceMention | None) -> bool:
        """全省 (该省, 本省, 我省) in a document about a province is that province (a provincial communiqué:
        全省实现地区生产总值64697.0亿元 is 四川's); in a city's document it stays a scope."""
        return q is not None and self.norm[q.start : q.end] in _PROVINCE_SUBJECTS and self.ctx.province

    def _region_word(self, q: PlaceMention) -> bool:
        """全区 (该区, 本区) on an autonomous region's page (广西日报): the region itself."""
        return self.ctx.subject in _AUTONOMOUS_REGIONS and self.norm[q.start : q.end] in _COUNTY_SUBJECTS

    def _part_of_subject(self, q: PlaceMention) -> bool:
        """全区/全县 (该区, 本县) in a document about a city is a district or county of it, not the city."""
        if self._region_word(q):
            return False
        return self.norm[q.start : q.end] in _COUNTY_SUBJECTS and not (self.ctx.subject or "").endswith(
            ("区", "县", "旗")
        )

    def _whole_of_part(self, start: int) -> bool:
        """A figure before 其中 + a place (区域……4.22%……其中北京为6.58%) is about the whole, not a city."""
        for m in _WHOLE_RE.finditer(self.norm, start, self.s1):
            if any(p.start == m.end() and p.place not in ("", "*") for p in self.places):
                return True
        return False

    def _adjacent(self, start: int, kind: str) -> list[str] | None:
        """The place(s) written right before the figure; [] when a scope word or an unknown name owns it; None
        when nothing is written right before it."""
        hit = self._place_before(start, self.s0)
        if hit is not None:
            i, p = hit
            gap = self.norm[p.end : start]
            if p.place not in ("", "*") and _ADJ_RE.match(gap):
                return (
                    _coordinated_at(self.norm, self.places, i, shared=True)
                    if _COORD_RE.search(gap)
                    else [p.place]
                )
            if p.place == "" and _ADJ_RE.match(gap) and kind != "rank":
                return []  # a scope written right before the figure owns it (长三角37所)
        if self.norm[max(self.s0, start - 2) : start].replace(" ", "")[-1:] in ("(", "（"):
            return []  # a parenthesis after a name that is not a known place (宁波(397家), Tianjin (no. 18))
        return None

    def _scope_owns(self, q: PlaceMention, cs: int) -> bool:
        """A scope word in the figure's clause that names what the figure is about (全国平均水平, 全省合计)."""
        return q.start >= cs and _SCOPE_OWNER_RE.match(self.norm, q.end) is not None

    def respective(self) -> dict[int, str]:
        """Figure start -> place for 深圳和杭州分别为A和B (and carried on to later 分别 of the sentence)."""
        out: dict[int, str] = {}
        for m in _RESPECTIVE_RE.finditer(self.norm, self.s0, self.s1):
            names = self._respective_names(m.start())
            group = self._group_after(m.end(), len(names)) if len(names) > 1 else []
            if not group and len(names) > 1 and m.group(0) == "respectively":
                group = self._group_before(m.start(), len(names))
            for f, n in zip(group, names, strict=False):
                out.setdefault(f.start, n)
            if group:
                out.update(self._respective_again(group[-1].end, names, out))
        return out

    def _respective_again(self, pos: int, names: list[str], done: dict[int, str]) -> dict[int, str]:
        """A later list of as many figures in the sentence after a 分别 list, with no place written between, goes
        through the same places (嘉兴、湖州的创投活跃度指数分别为46.2和39.8，较上年提升5.1和3.6)."""
        for f in self.figures:
            if f.start <= pos or f.start in done:
                continue
            if any(pos <= p.start < f.start and p.place for p in self.places):
                return {}
            group = self._group_after(f.start - 1, len(names))
            return {g.start: n for g, n in zip(group, names, strict=True)} if group else {}
        return {}

    def _rank_scope(self, q: PlaceMention) -> bool:
        """Whether a scope word is the scope of a rank verb written right before it (分列全省前三, 居全国第一)."""
        return _RANK_VERB_RE.search(self.norm, max(self.s0, q.start - 4), q.start) is not None

    def _respective_names(self, pos: int) -> list[str]:
        """The places a 分别 at ``pos`` goes through: the list written before it (past the scope of a rank), else (no place written before it
        and no list of series) the list of places of a sentence just before (the title's Shenzhen vs Hangzhou)."""
        hit = self._place_before(pos, self.s0)
        while hit is not None and hit[1].place == "" and self._rank_scope(hit[1]):
            hit = self._place_before(hit[1].start, self.s0)  # 苏州、南京、无锡分列全省前三，GDP分别为……
        if hit is not None:
            return self._coordinated(hit[0]) if hit[1].place not in ("", "*") else []
        if self.ctx.prior_age <= _PRIOR_AGE and not self._series_items(pos):
            return self.ctx.prior
        return []

    def _group_after(self, pos: int, n: int) -> list[Figure]:
        """The ``n`` figures written as a list right after ``pos`` (分别为2.66万家和1.65万家), or []."""
        group = [f for f in self.figures if f.start > pos][:n]
        if len(group) == n and all(
            _LIST_SEP_RE.match(self.norm[a.end : b.start]) for a, b in itertools.pairwise(group)
        ):
            return group
        return []

    def _group_before(self, pos: int, n: int) -> list[Figure]:
        """The ``n`` figures written as a list right before an English 'respectively' at ``pos`` (3,100 and 2,200
        high-tech enterprises respectively), or []."""
        group = [f for f in self.figures if f.end <= pos][-n:]
        if len(group) == n and all(
            _LIST_SEP_RE.match(self.norm[a.end : b.start]) for a, b in itertools.pairwise(group)
        ):
            return group
        return []

    def _series_items(self, pos: int) -> list[PhraseMention | None]:
        """The series listed before a 分别 at ``pos`` in its clause (高新技术企业、科技型中小企业分别……): each item's
        phrase, None for an item no phrase names; [] when the clause holds no such list (a place after its first
        item, a figure, or no phrase at all)."""
        cs = self.clause_start(pos)
        cuts = [cs, *(m.end() for m in _ITEM_SEP_RE.finditer(self.norm, cs, pos)), pos]
        spans = list(itertools.pairwise(cuts))
        if len(spans) < 2 or any(cs <= f.start < pos and not f.bare for f in self.figures):
            return []
        if any(spans[0][1] <= p.start < pos and p.place not in ("", "*") for p in self.places):
            return []
        items = [next((p for p in self.phrases if a <= p.start and p.end <= b), None) for a, b in spans]
        return items if any(items) else []

    def respective_series(self) -> dict[int, PhraseMention | None]:
        """Figure start -> its series for 3D打印设备、服务机器人、电子元件产品产量分别增长56.0%、38.0%、26.6%
        (None: an item no lexicon phrase names)."""
        out: dict[int, PhraseMention | None] = {}
        for m in _RESPECTIVE_RE.finditer(self.norm, self.s0, self.s1):
            items = self._series_items(m.start())
            group = self._group_after(m.end(), len(items)) if items else []
            if not items and len(self._respective_names(m.start())) < 2:
                group, items = self._clauses_before(m.start())  # 分别 after places goes through the places
            for f, p in zip(group, items, strict=False):
                out.setdefault(f.start, p)
        return out

    def _list_after(self, pos: int) -> list[Figure]:
        """The figures written as a list right after ``pos`` (增长10.5%和18.2%), however many."""
        group: list[Figure] = []
        for f in self.figures:
            if f.start <= pos:
                continue
            if group and not _LIST_SEP_RE.match(self.norm[group[-1].end : f.start]):
                break
            group.append(f)
        return group

    def _clauses_before(self, pos: int) -> tuple[list[Figure], list[PhraseMention | None]]:
        """A 分别 heading its clause refers to the figures of the clauses before it (高新技术企业总数达到7720家，
        科技型中小企业1.3万家，分别比上年增长10.5%和18.2%; 新增科技型中小企业1852家、高新技术企业268家，分别增长
        22.5%和14.1%): the list after it and the series of each figure before, in order (the phrase before it and
        after the previous figure; None where no phrase names it); ([], []) when they do not pair up one to one."""
        cs = self.clause_start(pos)
        if any(cs <= p.start < pos for p in self.phrases) or cs <= self.s0:
            return [], []
        group = self._list_after(pos)
        figs: list[Figure] = []
        end = cs
        while len(figs) < len(group) and end > self.s0:
            start = self.clause_start(end - 1)
            here = [f for f in self.figures if start <= f.start < end and not f.bare]
            if not here or start < self.s0:
                return [], []
            figs, end = here + figs, start
        if len(group) < 2 or len(figs) != len(group):
            return [], []
        ends = [0, *(g.end for g in figs[:-1])]
        series = [
            next((p for p in reversed(self.phrases) if lo <= p.start and p.end <= f.start), None)
            for lo, f in zip(
                (max(self.clause_start(f.start), e) for f, e in zip(figs, ends, strict=True)),
                figs,
                strict=True,
            )
        ]
        shared = len({self.clause_start(f.start) for f in figs}) < len(figs)
        if shared and (not all(series) or len({p.start for p in series if p}) < len(series)):
            return [], []  # several figures of a clause pair up only when each has its own phrase
        return group, series

    def _list_gap(self, a: int, b: int) -> bool:
        """Whether two figures are neighbours in a list: only a separator, a place (with 才/为/仅 after it) and
        parentheses between them (25.6万和34.4万篇; 北京114家、上海63家; 苏州(595家)、杭州(476家); 重庆增速5.7%，广州才2.1%)."""
        gap = self.norm[a:b]
        for p in self.places[bisect.bisect_left(self.place_starts, a) :]:
            if p.start >= b:
                break
            if p.end <= b:
                gap = gap.replace(self.norm[p.start : p.end], "", 1)
        gap = _PAREN_SPACE_RE.sub("", gap)
        if gap != self.norm[a:b]:
            gap = _PLACE_FILLER_RE.sub("", gap)  # 广州才: the word after a place goes with it
        return _LIST_SEP_RE.match(gap or "x") is not None

    def group_units(self) -> tuple[dict[int, str], dict[int, str]]:
        """Lists of figures (25.6万和34.4万篇; 增长56.0%、38.0%、26.6%): a figure without a unit takes the unit
        of the list's last figure; later figures take the kind of the first."""
        units, kinds = {}, {}
        run: list[Figure] = []
        for f in [*self.figures, None]:
            if (
                f is not None
                and run
                and self._list_gap(run[-1].end, f.start)
                and (f.unit is None or run[-1].unit is None or unit_class(f.unit) == unit_class(run[-1].unit))
            ):
                run.append(f)
                continue
            if len(run) > 1:
                for g in run[:-1]:
                    self.run_last[g.start] = run[-1]
                if run[-1].unit:
                    for g in run[:-1]:
                        if g.unit is None and (g.magnitude != 1.0 or run[-1].magnitude == 1.0):
                            units[g.start] = run[-1].unit
                first = run[0]
                k = kind_of(
                    first.unit or run[-1].unit, self.norm[self.clause_start(first.start) : first.start]
                )
                for g in run[1:]:
                    kinds[g.start] = k
            run = [f] if f is not None else []
        return units, kinds

    # -- indicators ---------------------------------------------------------------------------------
    def _fits(self, ind: Indicator, unit: str | None, kind: str, magnitude: float) -> bool:
        return (
            kind in ("growth", "ratio", "rank")
            or not ind.id
            or _unit_fits(ind.unit, unit, kind, magnitude != 1.0)
        )

    def indicator_of(
        self, f_start: int, f_end: int, unit: str | None, kind: str, magnitude: float, allow_follow: bool
    ) -> PhraseMention | None:
        """The phrase naming a figure's series: right after it (with ``allow_follow``), else the nearest before it
        in its clause whose unit fits (none when the clause names a series of its own), then in its sentence, else
        the title's."""
        if allow_follow and (after := self._phrase_after(f_end, unit, kind, magnitude)) is not None:
            return after
        cs = self.clause_start(f_start)
        hit = self._phrase_from(cs, f_start, unit, kind, magnitude)
        if hit is not None or self._names_own_series(cs, f_start, kind):
            return hit
        hit = self._phrase_from(self.s0, f_start, unit, kind, magnitude)
        if hit is not None:
            return hit
        t = self.ctx.title_phrase
        if t is not None and t.start < self.s0 and self._fits(t.indicator, unit, kind, magnitude):
            return t
        return None

    def _phrase_from(
        self, lo: int, pos: int, unit: str | None, kind: str, magnitude: float
    ) -> PhraseMention | None:
        """The nearest phrase between ``lo`` and ``pos`` whose unit fits; for a level or change, not the whole of a
        share written before it (equivalent to 3.36 percent of GDP; Xi'an spent RMB 55.8 billion: no GDP)."""
        any_unit = kind in ("growth", "ratio", "rank")
        scaled = magnitude != 1.0
        phrases = self.phrases
        for i in range(bisect.bisect_left(self.phrase_starts, pos) - 1, -1, -1):  # _phrases_back, inlined
            p = phrases[i]
            if p.start < lo:
                return None
            if p.end > pos:
                continue
            ind = p.indicator
            if any_unit or not ind.id or _unit_fits(ind.unit, unit, kind, scaled):
                if kind in ("level", "change") and self._whole_of_share(p):
                    continue
                return p
        return None

    def _whole_of_share(self, p: PhraseMention) -> bool:
        """Whether a phrase is written as the whole of a share (占GDP的, 相当于地区生产总值的, percent of GDP)."""
        hit = self._whole.get(p.start)
        if hit is None:
            hit = self._whole[p.start] = (
                _WHOLE_BEFORE_RE.search(self.norm, max(self.s0, p.start - 14), p.start) is not None
            )
        return hit

    def _totals(self, ind: Indicator) -> bool:
        """Whether the sentence states a 累计/总数 of ``ind``: the phrase holding the word, or the nearest before
        it, is of ``ind`` (or of its cumulative series), or there is none."""
        for m in _CUMULATIVE_RE.finditer(self.norm, self.s0, self.s1):
            holder = next((p for p in self.phrases if p.start <= m.start() < p.end), None)
            near = holder or next(self._phrases_back(self.s0, m.start()), None)
            if near is None or near.indicator.id in (ind.id, ind.cumulative):
                return True
        return False

    def _phrases_back(self, lo: int, pos: int) -> Iterator[PhraseMention]:
        """The phrases that start at ``lo`` or later and end by ``pos``, nearest first (walking back from a
        bisection of the phrases' starts)."""
        phrases = self.phrases
        for i in range(bisect.bisect_left(self.phrase_starts, pos) - 1, -1, -1):
            p = phrases[i]
            if p.start < lo:
                return
            if p.end <= pos:
                yield p

    def _names_own_series(self, cs: int, pos: int, kind: str) -> bool:
        """Whether the clause before a figure names a series of its own that no phrase of the lexicon names
        (其中城镇人口770.6万人, 其中高价值发明专利2.7万件, 省级专精特新中小企业一千二百余家), or, for a share, any
        phrase (其中杭州占全省研发经费的三分之一): then no phrase of another clause or of the title is borrowed."""
        if kind == "share" and _within(self.phrases, self.phrase_starts, cs, pos):
            return True
        if _OWN_NOUN_END_RE.search(self.norm, cs, pos) is None:
            return False  # the words left once phrases, places and years are cut out hold none of the nouns
        inside = _within(self.phrases, self.phrase_starts, cs, pos)
        spans = [(m.start, m.end) for m in inside]
        spans += [(m.start, m.end) for m in _within(self.places, self.place_starts, cs, pos)]
        spans += [(m.start, m.end) for m in _within(self.years, [y.start for y in self.years], cs, pos)]
        cuts = sorted(spans)
        parts, at = [], cs
        for a, b in cuts:
            parts.append(self.norm[at:a])
            at = max(at, b)
        parts.append(self.norm[at:pos])
        words = _FUNCTION_WORDS_RE.sub(" ", " ".join(parts))
        return _OWN_NOUN_RE.search(words) is not None

    def _phrase_after(
        self, f_end: int, unit: str | None, kind: str, magnitude: float
    ) -> PhraseMention | None:
        """The phrase written right after a figure (only a gap such as 的, 国家级 between) if its unit fits."""
        phrases = self.phrases
        for i in range(bisect.bisect_left(self.phrase_starts, f_end), len(phrases)):
            p = phrases[i]
            if _FOLLOW_GAP_RE.match(self.norm[f_end : p.start]):
                if p.phrase.lower() in _PEOPLE_WORDS and not _EN_POP_OF_RE.search(
                    self.norm, max(0, f_end - 60), f_end
                ):
                    return None  # 20,000 people of a firm, a fair or a year's births: no population
                fits = self._fits(p.indicator, unit, kind, magnitude) or (
                    unit is None and (p.phrase.isascii() or (magnitude != 1.0 and p.start == f_end))
                )  # 3190万人口: a number with 万 and no unit names what follows it
                return p if fits else None
            if p.start > f_end + 6:
                return None
        return None

    def _unnamed_after(self, f_end: int) -> bool:
        """Whether a share is followed by 的 and a noun no phrase names (80%的税收, 90%的就业): it is a share of
        that noun, not of a series named before it."""
        i = bisect.bisect_left(self.phrase_starts, f_end)
        if i < len(self.phrases) and _FOLLOW_GAP_RE.match(self.norm[f_end : self.phrases[i].start]):
            return False
        return _CJK_NOUN_AFTER_RE.match(self.norm, f_end) is not None

    def _propose(self, start: int) -> str:
        """The words before a figure in its clause (at most 16 characters, in the matching text), without the
        verb or qualifier before the number: the name a reviewer sees for a series no phrase names."""
        words = _PROPOSE_LEAD_RE.sub("", self.norm[self.clause_start(start) : start]).strip()
        return _PROPOSE_STRIP_RE.sub("", words[-16:]).strip()

    # -- years ----------------------------------------------------------------------------------
    def _dates(self, y: YearMention, start: int, kind: str) -> bool:
        """Whether year mention ``y`` can date a figure at ``start``: a comparison's base (较2022年) dates only a
        level written in its own clause (与2023年末常住人口1252.2万人相比), never a growth, change or ratio."""
        if not y.base:
            return True
        return kind not in ("growth", "change", "ratio") and self.clause_start(y.start) == self.clause_start(
            start
        )

    def year_of(self, start: int, kind: str = "level") -> tuple[int | None, str]:
        cs = self.clause_start(start)
        # English writes the time after the figure (reached 74.4 billion yuan last year): it comes first there
        english = self.norm[cs:start].isascii()
        if english and (after := self._year_after(start, cs)) is not None:
            return after.year, after.source
        for y in reversed(self.years):
            if y.end <= start and (not y.base or self._dates(y, start, kind)):
                return y.year, y.source
        if not english and (after := self._year_after(start, cs)) is not None:
            return after.year, after.source
        later = (
            {y.year: y for y in self.years if y.start >= start and y.end <= self.s1 and not y.base}
            if self.years and self.years[-1].start >= start
            else {}
        )
        if len(later) == 1:
            y = next(iter(later.values()))
            gap = self.norm[start : y.start]
            if gap.isascii() and _EN_BASE_RE.search(gap) is None:
                return (
                    y.year,
                    y.source,
                )  # an English sentence ending with its year (…, 3.3 percent of GDP, in 2024.)
        if self.carried is not None:
            return self.carried.year, f"earlier sentence: {self.carried.source}"
        if self.ctx.title_year is not None and not self.in_title:
            return self.ctx.title_year, "document title"
        return None, ""

    def _year_after(self, start: int, cs: int) -> YearMention | None:
        """The first year written after ``start`` in the clause starting at ``cs`` that is no comparison's base."""
        return next(
            (y for y in self.years if y.start >= start and not y.base and self.clause_start(y.start) == cs),
            None,
        )

    # -- all together ---------------------------------------------------------------------------------
    def _special_columns(self) -> None:
        """Numbers of a 序号 column are dropped; those of a 增速 column are growth rates of the series of the
        nearest column to their left that a phrase heads (else of the title's)."""
        if not self.column:
            return
        serial = {k for k, h in self.column.items() if h.indicator is SERIAL_COLUMN}
        growth = sorted(k for k, h in self.column.items() if h.indicator is GROWTH_COLUMN)
        if not serial and not growth:
            return
        self.figures = [f for f in self.figures if f.start not in serial]
        for k in growth:
            left = [h for j, h in self.column.items() if j < k and h.indicator not in _SPECIAL_COLUMNS]
            self.growth_cells[k] = left[-1] if left else self.ctx.title_phrase
        self.column = {k: h for k, h in self.column.items() if h.indicator not in _SPECIAL_COLUMNS[1:]}

    def _table_ranks(self) -> None:
        """The numbers of a rank column (排名 | 城市 | 数量: 1 | 北京 | 1081) are ranks of the row's place."""
        col = [
            f
            for f in (self.figures if self.column else ())
            if (h := self.column.get(f.start)) is not None and h.indicator is RANK_COLUMN
        ]
        self._special_columns()
        if not col:
            return
        self.figures = [f for f in self.figures if f not in col]
        self.column = {k: h for k, h in self.column.items() if h.indicator is not RANK_COLUMN}
        self.ranks = sorted(
            [*self.ranks, *(RankMention(f.start, f.end, f.value, "") for f in col)], key=lambda r: r.start
        )
        self.row_place = next((p.place for p in self.places if p.place not in ("", "*")), None)

    def candidates(self) -> list[tuple[str, Row]]:
        """``(place, row)`` of each figure and rank of the sentence."""
        self._table_ranks()
        respective = _RESPECTIVE_RE.search(self.norm, self.s0, self.s1) is not None
        resp = self.respective() if respective else {}
        self.resp_series = self.respective_series() if respective else {}
        units, kinds = self.group_units()
        seen: Seen = set()
        out = []
        for f in self.figures:
            if not self._rank_move(f):
                out += self._figure(f, resp, units, kinds, seen)
        targets = self.rank_targets()
        for r in self.ranks:
            for names, hit in targets.get(r.start) or [
                (None, self._noun_of(r) or self._rank_phrase(r.start))
            ]:
                out += self._rank(r, seen, names, hit)
        out += self._rank_list(seen)
        return out

    def _figure_indicator(self, f: Figure, unit: str | None, kind: str) -> PhraseMention | None:
        """The phrase naming a figure's series: its own, its list's, its table column's (module docstring)."""
        if f.start in self.resp_series:
            return self.resp_series[f.start]
        if f.start in self.growth_cells:
            return self.growth_cells[f.start]
        if self.table_row and not self.column and self.ctx.title_phrase is not None:
            # a table row without its header: the title names the series of its first number column only
            return self.ctx.title_phrase if self._first_number_cell(f.start) else None
        if kind == "share":
            hit = self.indicator_of(f.start, f.end, unit, kind, f.magnitude, True)
            if hit is None or hit.indicator.unit not in _SHARE_UNITS:
                follow = self.norm.startswith(
                    "的", f.end
                )  # 约20%的国家高新技术企业: the share of what follows
                if follow and self._unnamed_after(f.end):
                    return PhraseMention(f.end, f.end, UNNAMED, "")  # 80%的税收: the share of what follows
                hit = hit or self.indicator_of(f.start, f.end, unit, "growth", f.magnitude, follow)
                hit = self._share_of_whole(f.start, hit)
        else:
            follow = bool(self.phrases) and (
                unit_class(unit) in ("count", "none") or self._by_amount_of(f) or self._spent_on(f)
            )
            hit = self.indicator_of(f.start, f.end, unit, kind, f.magnitude, follow)
            if hit is None and f.bare and kind in ("level", "change"):
                hit = (
                    self._english_phrase_before(f.start)
                    or self._elliptic_phrase(f.start)
                    or (self.ctx.title_phrase if self.ctx.ranking and self._list_item_value(f) else None)
                )
            hit = self._grown_series(hit, kind)
        last = self.run_last.get(f.start)
        if last is not None and (hit is None or hit.start < self.s0):
            other = self.indicator_of(last.start, last.end, last.unit, kind, last.magnitude, True)
            hit = other if other is not None and other.start >= last.end else hit
        col = self.column.get(f.start)
        if col is not None and (
            kind != "level" or f.bare or self._fits(col.indicator, unit, kind, f.magnitude)
        ):
            hit = col  # a bare number takes its column's series (and its header's unit)
        return hit

    def _by_amount_of(self, f: Figure) -> bool:
        """以 + an amount + 的 + its series (成都以23511.3亿元的经济总量领跑): the series is written after the amount."""
        return (
            self.norm.startswith("的", f.end)
            and _BY_BEFORE_RE.search(self.norm, max(self.s0, f.start - 3), f.start) is not None
        )

    def _spent_on(self, f: Figure) -> bool:
        """An English amount followed by on/in + its series (spent 99.6 billion yuan on research and development;
        invested 223.66 billion yuan in R&D)."""
        return f.english and _ON_AFTER_RE.match(self.norm, f.end) is not None

    def _first_number_cell(self, start: int) -> bool:
        """Whether a figure of a headerless table row can be of the title's series: the row's first number, or a
        later one of the same order (北京 | 6527 | 11463: years of one series), not a small number after a large
        one (苏州 | 1200.5 | 4.1: 4.1 is another series, a growth or a share)."""
        row = max(self.s0, self.norm.rfind("\n", 0, start) + 1, self.norm.rfind("...", 0, start) + 3)
        row = max(row, self.norm.rfind("…", 0, start) + 1)
        first = next((f for f in self.figures if f.start >= row), None)
        if first is None or first.start == start or "|" not in self.norm[first.start : start]:
            return True
        this = next((f for f in self.figures if f.start == start), None)
        return this is not None and first.value > 0 and 0.2 <= this.value / first.value <= 5

    def _en_verb_before(self, lo: int, start: int) -> bool:
        """Whether an English verb that gives a bare number its meaning is written right before ``start`` (after
        ``lo``): of a level (exceeded, stood at, reached, to), of a change (rose by, added) or ``from`` before a
        previous year's value (up from 54.1 a year earlier, up from 59,498 at the end of 2023)."""
        a = max(self.s0, lo, start - 40)
        return (
            _EN_LEVEL_BEFORE_RE.search(self.norm, max(a, start - 16), start) is not None
            or _EN_CHANGE_BEFORE_RE.search(self.norm, a, start) is not None
            or (
                _EN_FROM_BEFORE_RE.search(self.norm, max(a, start - 16), start) is not None
                and (
                    _YEAR_EARLIER_AFTER_RE.match(self.norm, self._end_of(start)) is not None
                    or _FROM_YEAR_AFTER_RE.match(self.norm, self._end_of(start)) is not None
                )
            )
        )

    def _end_of(self, start: int) -> int:
        return next((f.end for f in self.figures if f.start == start), start)

    def _english_phrase_before(self, start: int) -> PhraseMention | None:
        """The nearest English phrase before a bare number written after a verb of level (its high-tech
        enterprises exceeded 13,000; PCT applications rose 12 percent to 3,650), whatever its unit."""
        if not self._en_verb_before(self.s0, start):
            return None
        return next(
            (p for p in self._phrases_back(self.s0, start) if p.indicator.id and p.phrase.isascii()), None
        )

    def _grown_series(self, hit: PhraseMention | None, kind: str) -> PhraseMention | None:
        """The series a growth after a share phrase is of: the series the share is taken of (研發經費投入約2400億元，
        佔本地生產總值比重約6.5%，按年增長8.1%: the spending grew, not its share of GDP)."""
        if kind != "growth" or hit is None or not hit.phrase.startswith(("占", "佔")):
            return hit
        return next((p for p in self._phrases_back(self.s0, hit.start) if p.indicator.id), hit)

    def _elliptic_phrase(self, start: int) -> PhraseMention | None:
        """The series of the last counted figure of the sentence, for an English bare number written right after a
        place, as a list goes on without its noun (31 unicorns, behind Beijing (109), Shanghai (70); Shanghai has 15
        and Nanjing 13; ahead of Guangzhou's 25)."""
        hit = self._place_before(start, self.s0)
        if (
            hit is None
            or hit[1].place in ("", "*")
            or not _EN_ELLIPSIS_GAP_RE.fullmatch(self.norm, hit[1].end, start)
        ):
            return None
        before = [h for f in self.figures if f.end <= hit[1].start and (h := self.fig_phrase.get(f.start))]
        last = before[-1] if before else None
        if last is None or not last.phrase.isascii() or unit_class(last.indicator.unit) != "count":
            return None
        return last

    def _share_of_whole(self, start: int, hit: PhraseMention | None) -> PhraseMention | None:
        """A phrase written after 占 names the whole a share is of: the share is of that series only when the part
        before 占 is the same series (常住人口……占全省常住人口的14.8%); 研发投入占全市GDP比重5.81% or
        民营经济占GDP的60% is a share no id names."""
        cuts = [m.start() for m in _OF_WHOLE_RE.finditer(self.norm, self.clause_start(start), start)]
        if hit is None or not cuts or hit.start < cuts[-1]:
            return hit
        part = next((p for p in reversed(self.phrases) if self.s0 <= p.start and p.end <= cuts[-1]), None)
        if (part is not None and part.indicator.id == hit.indicator.id) or self._place_part(cuts[-1], part):
            return hit
        if part is not None and part.indicator.share and part.start >= self.clause_start(cuts[-1]):
            return part  # 企业研发投入占全社会研发投入的比重达91.5%: the part's own share series
        return replace(hit, indicator=UNNAMED)

    def _place_part(self, cut: int, part: PhraseMention | None) -> bool:
        """Whether the part before 占 is a place written right before it, with no phrase in its clause (……研发投入
        强度3.2%，其中杭州占全省研发经费的三分之一: 杭州's share of the R&D spending; not 佛山民营经济占……)."""
        hit = self._place_before(cut, self.clause_start(cut))
        if hit is None or hit[1].place in ("", "*") or (part is not None and part.start >= hit[1].start):
            return False
        return self.norm[hit[1].end : cut].strip() in ("", "约", "已", "则", "就")

    def _planned(self, pos: int) -> bool:
        """Whether a figure is a target, not a value (力争到2027年……达到8000家, 目标, 计划, aims to reach): a word of
        planning before it in its sentence, up to a semicolon. Such a figure is proposed, under no id. 预计 is not one: a communiqué's
        预计达到570亿元 is the year's preliminary value."""
        if self._plan_end is None:
            m = _PLANNED_ZH_RE.search(self.norm, self.s0, self.s1)
            if m is None and _LATIN_LETTER_RE.search(self.norm, self.s0, self.s1):
                m = _PLANNED_EN_RE.search(self.norm, self.s0, self.s1)
            self._plan_end = m.end() if m is not None else self.s1 + 1
            semi = self.norm.find(";", self._plan_end, self.s1) if m is not None else -1
            self._plan_stop = (
                semi if semi >= 0 else self.s1
            )  # 力争……；2024年全市高企总数为1928家: a value again
        return self._plan_end <= pos < self._plan_stop or (
            self.norm.find("将", self.s0, pos) >= 0
            and _FORECAST_RE.search(self.norm, self.clause_start(pos), pos) is not None
        )

    def _part_of_year(self, f: Figure, hit: PhraseMention, kind: str) -> bool:
        """Whether a figure of ``hit``'s series is of part of a year (:meth:`_part_year`); a level of a stock
        (firms, universities, people: 前三季度……拥有规模以上人工智能企业394家) is the count at that time, no part."""
        if kind == "level" and hit.indicator.unit in _STOCK_UNITS:
            return False
        return self._part_year(f.start, f.end, hit.indicator.unit.endswith("/m²"))

    def _part_year(self, pos: int, end: int, price: bool = False) -> bool:
        """Whether a figure at ``pos:end`` is of part of a year (上半年, 一季度, 前三季度, 1-11月, first half): the
        last period word before it in its sentence is such a part, not 全年/年末 (a year's series takes no
        half-year value); or, in English, a part or a month written right after it in its clause (grew 5.5 percent
        in March; a month before it may be when the news was told). A ``price`` (per m²) after a month without a
        day (12月，深圳新建住宅均价……) is that month's, not the year's average."""
        if self._periods is None:
            self._periods = (
                [m.span() + (m.lastgroup,) for m in _PERIOD_RE.finditer(self.norm, self.s0, self.s1)]
                if _PART_HINTS_RE.search(self.norm, self.s0, self.s1)
                else []
            )
        last = False
        for start, stop, group in self._periods:
            if group == "cnmonth" and not price:
                continue
            if stop > pos:
                tail = group != "year" and _EN_TAIL_RE.fullmatch(self.norm, end, start) is not None
                return last or tail
            if (
                group != "month"
            ):  # In March, the city said it had ...: a month before a figure may be the news's
                last = group in ("part", "cnmonth")
        return last

    def _since_plan_period(self, kind: str, start: int) -> bool:
        """A growth or change over a five-year plan's period (较“十三五”末……增长2.3倍, “十四五”以来……新增300家): not
        one year's."""
        if kind not in ("growth", "change"):
            return False
        if self.norm.find("从", self.s0, start) >= 0 and _FROM_YEAR_TO_YEAR_RE.search(
            self.norm, self.s0, start
        ):
            return True  # 从2020年的3300家增加到2024年的近1.3万家，增长近3倍: four years' growth
        if self._since_base_year(kind, start):
            return True
        return (
            self.norm.find("五", self.s0, start) >= 0
            and _PLAN_PERIOD_BASE_RE.search(self.norm, self.s0, start) is not None
        )

    def _since_base_year(self, kind: str, start: int) -> bool:
        """A growth or change against a base year two or more years before the figure's (“小巨人”企业数量较2021年增长
        近1.7倍, written in 2024): several years', not one year's."""
        base = _BASE_YEAR_RE.search(self.norm, self.clause_start(start), start)
        if base is None:
            return False
        year = self.year_of(start, kind)[0] or (self.ctx.date.year if self.ctx.date else None)
        return year is not None and year - int(base["y"]) >= 2

    def _growth_of_additions(self, kind: str, hit: PhraseMention, start: int) -> bool:
        """A growth written right after an addition (新增高新技术企业268家，增长14.1%; 新认定……836家，比上年增长12%)
        is the growth of the additions, a series no id names, not of the total: the figure before it in its
        sentence, after the growth's phrase, is an addition (新增, 新认定, 新培育; not a difference from last year,
        比上年末减少1.8万人，下降2.1%, which is the level's); in a list the growths refer to respectively (新增……1852家、
        高新技术企业268家，分别增长22.5%和14.1%), the figure after the growth's phrase."""
        if kind != "growth" or hit.start < self.s0:
            return False
        after = [g for g in self.figures if hit.end <= g.start and g.end <= start]
        if not after:
            return False
        prev = after[0] if start in self.resp_series else after[-1]
        m = _ADDITION_RE.search(self.norm, self.clause_start(hit.start), prev.start)
        return (
            m is not None
            and kind_of(prev.unit, self.norm[self.clause_start(prev.start) : prev.start]) == "change"
        )

    def _subset(self, hit: PhraseMention, start: int) -> bool:
        """A phrase restricted by a clause before it names a subset, not the series (营收亿元以上的高新技术企业超过
        900家), and so does a phrase of a firm's series right after a group of firms (稀土企业实现研发投入23.6亿元,
        规上工业企业研发投入, 高新技术企业研发投入: their R&D, not the city's)."""
        if not self.s0 <= hit.start < start:
            return False
        lo = max(self.clause_start(hit.start), hit.start - 10)
        if _PART_NOUN_BEFORE_RE.search(self.norm, max(lo, hit.start - 4), hit.start) is not None:
            return hit.indicator.id in _FIRM_SERIES
        return (
            self.norm.find("以", lo, hit.start) >= 0
            and _SUBSET_RE.search(self.norm, lo, hit.start) is not None
        )

    def _table_scale(self, unit: str, start: int) -> float:
        """The magnitude a table's column header or title gives its bare numbers (研发投入(亿元) | 440.5, or
        部分城市技术合同成交额（亿元）: 1438.7 is 1438.7亿元), when that unit is the series'."""
        cu = self.column_unit.get(start)
        if cu is not None and cu[1] == unit:
            return cu[0]
        tu = self.ctx.title_unit
        if (self.table_row or self.column or self.column_year) and tu is not None and tu[1] == unit:
            return tu[0]
        return 1.0

    def _bare_ok(self, f: Figure, hit: PhraseMention | None) -> bool:
        """A number without a unit is a figure only with a table column, a magnitude on a page titled as a
        ranking of the title's series, a dimensionless series named in its sentence, a magnitude, an English phrase right after it, or an English phrase before it and a
        verb of level right before it (its high-tech enterprises exceeded 13,000; stood at 687,000; rose 12
        percent to 3,650)."""
        if hit is None or not hit.indicator.id:
            return False
        if f.magnitude >= 1e8 and hit.indicator.unit != "元":
            return False  # 1799万人口干出3.68万亿: an amount in 亿 and no unit is money, never a count
        if hit.end <= f.start and _EN_OWN_NOUN_AFTER_RE.match(self.norm, f.end):
            return False  # with over 1 million students enrolled: the number counts the noun after it
        if self.column.get(f.start) is hit or (self.table_row and hit is self.ctx.title_phrase):
            return True
        if (
            hit is self.ctx.title_phrase
            and self.ctx.ranking
            and (f.magnitude != 1.0 or self._list_item_value(f))
        ):
            return True  # 1.苏州 2.67万亿, 3. Beijing 78 on a page titled as a ranking of the title's series
        if hit.start < self.s0:
            return False
        return (
            hit.indicator.unit in _DIMENSIONLESS
            or f.magnitude != 1.0
            or self._elliptic_phrase(f.start) is hit
            or (hit.start >= f.end and hit.phrase.isascii())
            or (hit.end <= f.start and hit.phrase.isascii() and self._en_verb_before(hit.end, f.start))
        )

    def _list_item_value(self, f: Figure) -> bool:
        """Whether a figure is the value of a numbered line's place, written right after it (3. Beijing 78)."""
        num = _NUMBERED_RE.match(self.norm, self.s0)
        hit = self._place_before(f.start, self.s0)
        return (
            num is not None
            and hit is not None
            and hit[1].start == num.end()
            and _HEAD_GAP_RE.fullmatch(self.norm, hit[1].end, f.start) is not None
        )

    def _series(
        self, hit: PhraseMention | None, kind: str, unit: str, f: Figure, before: str
    ) -> tuple[str, str, str, str]:
        """(series id, unit, phrase, status) of a figure named by ``hit`` (or proposed). An amount in another
        currency than yuan (282亿港元, 3 billion dollars, 新台币14兆元) is proposed: the money series are in yuan."""
        if hit is None or not hit.indicator.id or unit in _FOREIGN_MONEY or before.endswith(_FOREIGN_BEFORE):
            phrase = self._propose(f.start) if hit is None else self.text[hit.start : hit.end]
            return "", unit, phrase, "proposed"
        ind = hit.indicator
        num = ind.unit.partition("/")[0]
        series = _cumulative_series(ind, kind, before, self._totals)
        out_unit = (
            num if kind in ("level", "change") and unit_class(unit) == unit_class(num) == "count" else unit
        )
        if kind in ("level", "change") and "/" in ind.unit and num == out_unit:
            out_unit = ind.unit
        if kind in ("level", "share") and ind.unit in _DIMENSIONLESS and f.unit is None:
            out_unit = ind.unit
        if ind.percent and self._of_percent(hit, kind, unit, f, before):
            series = ind.percent if kind == "share" else f"{ind.percent}_growth"
        if kind == "level" and unit == "元" and _PER_M2_RE.search(before[-8:]):
            out_unit = "元/m²"  # 每平方米2.15万元, 每平方公尺约5.6万人民币: a price per square metre
        if kind == "level" and ("每平方公里" in before or _PER_KM2_AFTER_RE.match(self.norm, f.end)):
            series, out_unit = f"{ind.id}_per_km2", f"{unit}/km²"
        in_sentence = hit.start >= self.s0
        phrase = self.text[hit.start : hit.end] if in_sentence else hit.phrase
        if self.column.get(f.start) is hit or (
            f.start in self.growth_cells and hit is not self.ctx.title_phrase
        ):
            return series, out_unit, phrase, "lexicon (table header)"
        return series, out_unit, phrase, "lexicon" if in_sentence else "lexicon (title)"

    def _of_percent(self, hit: PhraseMention, kind: str, unit: str, f: Figure, before: str) -> bool:
        """Whether a percent named by a series with a ``percent`` series is of that one: a share written as the
        series' value (R&D input was 3.68%), not after 占/比重/of (a share of a whole), and a growth right after
        such a percent (…3.68%, increased by 0.11%: the intensity's growth)."""
        if unit not in _SHARE_UNITS:
            return False
        if kind == "share":
            return _OF_WHOLE_WORD_RE.search(before) is None
        if kind != "growth":
            return False
        prev = next((g for g in reversed(self.figures) if hit.end <= g.start and g.end <= f.start), None)
        if prev is None or prev.unit not in _SHARE_UNITS:
            return False
        gap = self.norm[hit.end : prev.start]
        return _OF_WHOLE_WORD_RE.search(gap) is None and kind_of(prev.unit, gap) == "share"

    def _figure(
        self, f: Figure, resp: dict[int, str], units: dict[int, str], kinds: dict[int, str], seen: Seen
    ) -> list[tuple[str, Row]]:
        unit = f.unit or units.get(f.start)
        cs = self.clause_start(f.start)
        before = self.norm[cs : f.start]
        kind = kinds.get(f.start) or kind_of(unit, before)
        if f.start in self.growth_cells:
            unit, kind = unit or "%", "growth"
        hit = self._figure_indicator(f, unit, kind)
        if hit is not None and (
            _not_the_series(kind, before)
            or self._since_plan_period(kind, f.start)
            or self._subset(hit, f.start)
            or self._planned(f.start)
            or self._part_of_year(f, hit, kind)
            or self._growth_of_additions(kind, hit, f.start)
        ):
            hit = replace(hit, indicator=UNNAMED)
        scale = 1.0
        if unit is None:
            if hit is None or not self._bare_ok(f, hit):
                return []
            unit = hit.indicator.unit
            scale = self._table_scale(unit, f.start)
        if unit not in _SHARE_UNITS and (
            _CLASS_AFTER_RE.match(self.norm, f.end)
            or (
                self.norm[
                    f.start - 1
                ].isspace()  # the pattern ends with a space: most figures have none before
                and _EN_CLASS_BEFORE_RE.search(self.norm, max(self.s0, f.start - 40), f.start)
            )
        ):
            return []  # 常住人口超过2000万的城市, 经费投入超过千亿元的省(市): a threshold of a class, no place's value
        names = (
            [resp[f.start]] if f.start in resp else self._compared_value(f) or self.places_of(f.start, kind)
        )
        if kind == "share" and _SHARE_OF_WHOLE_BEFORE_RE.search(before) and "占" not in before:
            # 民营经济贡献了全市约70%的GDP: a share of the city's own total is owned by something else than the city
            # (滨江区……集聚了全市约20%的国家高新技术企业 stays the district's)
            names = [n for n in names if n.endswith(("区", "县", "旗"))]
        if kind == "share" and _SHARE_OF_AFTER_RE.match(self.norm, f.end):
            names = self._place_after(f.end)
        if names and self._between_places(cs, f.start):
            names = []
        self.fig_places[f.start], self.fig_phrase[f.start] = names, hit
        if not names:
            return []  # about no place: no candidate (the series, year and qualifier are not needed)
        series, out_unit, phrase, status = self._series(hit, kind, unit, f, before)
        sign = -1.0 if kind in ("growth", "change") and _DECREASE_RE.search(before) else 1.0
        year, ysrc = self._figure_year(f, kind)
        qual = qualifier_of(
            self.norm[max(cs, f.start - QUALIFIER_REACH) : f.start],
            self.norm[f.end : f.end + 3],
            more=f.more,
            high=f.high,
            clause_before=before,
        )
        row = {
            "indicator": series,
            "phrase": phrase,
            "value": sign * (f.value if scale == 1.0 else float(f"{f.value * scale:.12g}")),
            "unit": out_unit,
            "year": year,
            "year_source": ysrc,
            "qualifier": qual,
            "kind": kind,
            "figure": self.text[f.start : f.end].strip(),
            "status": status,
            "start": f.start,
            "end": f.end,
        }
        return _each_place(row, names, seen)

    def _figure_year(self, f: Figure, kind: str) -> tuple[int | None, str]:
        """(year, how it was found) of a figure: its table column's, else :meth:`year_of`'s, the year before it
        when a year-earlier marker follows the figure (up from 54.1 a year earlier), the year written after an
        earlier value (up from 3.6 per cent in 2020)."""
        col_year = self.column_year.get(f.start)
        year, ysrc = (col_year.year, "table column") if col_year else self.year_of(f.start, kind)
        since = _FROM_YEAR_AFTER_RE.match(self.norm, f.end)
        if since is not None and _EN_FROM_BEFORE_RE.search(self.norm, max(self.s0, f.start - 16), f.start):
            return int(since["y"]), "explicit"  # up from 3.6 per cent in 2020: the earlier value's own year
        if year is not None and _YEAR_EARLIER_AFTER_RE.match(self.norm, f.end):
            return year - 1, f"{ysrc}; a year earlier"
        return year, ysrc

    def _rank_series(self, hit: PhraseMention | None, at: int) -> tuple[str, str, str]:
        """(series id, phrase, status) of a rank whose series is named by ``hit`` (or proposed)."""
        if hit is None:
            return "", self._propose(at), "proposed"
        if not hit.indicator.id:
            return "", self.text[hit.start : hit.end] if hit.start >= self.s0 else hit.phrase, "proposed"
        series = hit.indicator.series("rank")
        if (
            hit.indicator.cumulative
            and hit.start >= self.s0
            and _CUMULATIVE_RE.search(self.norm, self.clause_start(hit.start), at)
        ):
            series = f"{hit.indicator.cumulative}_rank"  # 小巨人企业累计达到521家，数量位居全国第六: the total's rank
        if _DENSITY_RE.search(self.norm, max(self.s0, at - 4), at) or (
            hit is self.ctx.title_phrase and self.ctx.title_density
        ):
            series = f"{hit.indicator.id}_per_km2_rank"
        if hit.start >= self.s0:
            return series, self.text[hit.start : hit.end], "lexicon"
        return series, hit.phrase, "lexicon (title)"

    def _rank_phrase(self, pos: int) -> PhraseMention | None:
        """The series a rank at ``pos`` is about: none for the rank of an increase or a growth rate written in its
        clause (增量全国第一, 增速位居全国GDP前十城市第一); for a total
        (总量居全国第一) the nearest phrase of a level, not of a share; else the phrase of the figure right before it
        when that names no id; else the nearest phrase before it."""
        cs = self.clause_start(pos)
        before = self.norm[cs:pos]
        among = _RANK_AMONG_FEW_RE.search(self.norm, cs, min(self.s1, pos + 8))
        if ms := [*_RANK_OF_CHANGE_RE.finditer(self.norm, cs, pos), *([among] if among else [])]:
            return PhraseMention(ms[-1].start(), ms[-1].end(), UNNAMED, ms[-1].group(0))
        if "总量" in before[-8:] or "总数" in before[-8:]:
            return next(
                (
                    p
                    for p in reversed(self.phrases)
                    if self.s0 <= p.start and p.end <= pos and p.indicator.unit not in _SHARE_UNITS
                ),
                self._phrase_before(pos),
            )
        if before.lstrip().startswith("其中") and not self._named_in(cs, pos):
            # 其中人形机器人整机企业数量居全国首位: a part no id names
            return PhraseMention(cs, pos, UNNAMED, "")
        if _FIRM_COUNT_BEFORE_RE.fullmatch(before):
            firms = (
                p for p in reversed(self.phrases) if self.s0 <= p.start < pos and p.indicator.unit == "家"
            )
            return next(firms, self._phrase_before(pos))  # ……企业2600家，核心产业规模……，企业数量居全国第二
        hit = self._unnamed_figure_before(pos) or self._phrase_before(pos)
        if hit is None or hit.start < self.s0:
            return self._ranking_after(pos) or hit
        return hit

    def _rank_move(self, f: Figure) -> bool:
        """Whether a figure counts the places a rank moved (较上年上升3位): no figure of a series."""
        return f.unit == "位" and _RANK_MOVE_BEFORE_RE.search(self.norm, self.s0, f.start) is not None

    def _named_in(self, a: int, b: int) -> bool:
        """Whether a phrase or a place is written between ``a`` and ``b``."""
        return any(a <= p.start < b for p in self.phrases) or any(
            a <= q.start < b and q.place for q in self.places
        )

    def _noun_of(self, r: RankMention) -> PhraseMention | None:
        """The English phrase an ordinal qualifies (the fifth-largest R&D budget: the R&D spending's rank)."""
        if not self.norm[r.start].isascii():
            return None
        return next((p for p in self.phrases if r.end <= p.start <= r.end + 1 and p.indicator.id), None)

    def _ranking_after(self, pos: int) -> PhraseMention | None:
        """The first phrase of a ranking series written after a rank in its sentence, for a rank with no phrase
        before it (Beijing remains first globally, ... in the Nature Index research cities ranking); in English,
        else the phrase after with/in/by and at most a number in the rank's clause (ranked fourth with 31
        unicorns, ranked No. 2 in northwest China by technology contract turnover)."""
        ranking = next(
            (p for p in self.phrases if p.start >= pos and p.end <= self.s1 and p.indicator.unit == "rank"),
            None,
        )
        if ranking is not None or not self.norm[pos].isascii():
            return ranking
        nxt = next((p for p in self.phrases if p.start >= pos and p.indicator.id), None)
        ok = nxt is not None and _EN_RANK_OF_RE.fullmatch(self.norm, pos, nxt.start) is not None
        return nxt if ok else None  # Hangzhou ranked fourth with 31 unicorns: the rank of the unicorns

    def _unnamed_figure_before(self, pos: int) -> PhraseMention | None:
        """The phrase of the figure right before a rank when it names no id (研发投入占全市GDP比重达5.81%，全国第二:
        the rank is of that share, not of GDP), or None."""
        figs = [
            f
            for f in self.figures
            if f.end <= pos and f.start in self.fig_phrase and not self._rank_move(f) and f.unit != "pp"
        ]  # a change in percentage points (较上年提高0.12个百分点) is the series' own change, not a series
        if not figs:
            return None
        last = figs[-1]
        hit = self.fig_phrase[last.start]
        if any(last.end <= p.start < pos for p in self.phrases):
            return None
        if hit is None and self.fig_places.get(last.start) and self._next_clause(last.end, pos):
            # 全市技术转移机构促成交易额12.3亿元，居全省第二: the rank of the series no phrase names
            return PhraseMention(self.clause_start(last.start), last.start, UNNAMED, "")
        if hit is None or hit.indicator.id:
            return None
        return hit

    def _next_clause(self, a: int, b: int) -> bool:
        """Whether ``b`` is in the clause of ``a`` or in the one right after it."""
        i = bisect.bisect_right(self.clause_ends, a)
        return bisect.bisect_right(self.clause_ends, b) - i <= 1

    def rank_targets(self) -> dict[int, list[tuple[list[str] | None, PhraseMention | None]]]:
        """Rank start -> (places, series phrase) for ranks that go with several figures or places: 均居全国第一
        after figures of two series (one rank each); a list of ranks after a list of as many places (京沪两城居
        第三、第四) or after as many figures with 分别 (研发投入强度4%、万人发明专利拥有量82.7件,分别居第2位、第5位);
        a rank after a figure given to several places (北京、深圳以1027家……位居全国第一; 同为22家,并列第八位)."""
        out: dict[int, list[tuple[list[str] | None, PhraseMention | None]]] = {}
        for group in self._rank_groups():
            out.update(self._list_targets(group))
        for r in self.ranks:
            if r.start not in out:
                out[r.start] = self._shared_targets(r)
        return {k: v for k, v in out.items() if v}

    def _rank_groups(self) -> list[list[RankMention]]:
        groups: list[list[RankMention]] = []
        for r in self.ranks:
            if groups and _LIST_SEP_RE.match(self.norm[groups[-1][-1].end : r.start]):
                groups[-1].append(r)
            else:
                groups.append([r])
        return [g for g in groups if len(g) > 1]

    def _list_targets(self, group: list[RankMention]) -> dict[int, list[tuple[list[str] | None, Any]]]:
        n, first = len(group), group[0].start
        named = [(i, p) for i, p in enumerate(self.places) if p.end <= first and p.place not in ("", "*")]
        resp = [m.start() for m in _RESPECTIVE_RE.finditer(self.norm, self.s0, first)]
        if named:
            names = self._coordinated(named[-1][0])
            between = [f for f in self.figures if named[-1][1].end <= f.start < first]
            each = (
                resp
                or _EACH_RANK_RE.search(self.norm, named[-1][1].end, first + 1) is not None
                or all(
                    self.norm[f.start - 1] in "(（" for f in between
                )  # 江苏(13.7万亿元)、山东(9.86万亿元)位列第二、三
            )
            if len(names) == n and (not between or each):
                phrase = self._rank_phrase(first)
                return {r.start: [([p], phrase)] for r, p in zip(group, names, strict=True)}
        listed = self._listed_ranked(first)
        if len(listed) == n:
            phrase = self._rank_phrase(first)
            return {r.start: [([p.place], phrase)] for r, p in zip(group, listed, strict=True)}
        figs = [f for f in self.figures if resp and f.end <= resp[-1] and f.start in self.fig_places][-n:]
        if resp and len(figs) == n:
            return {
                r.start: [(self.fig_places[f.start], self.fig_phrase[f.start])]
                for r, f in zip(group, figs, strict=True)
            }
        return {}

    def _listed_ranked(self, first: int) -> list[PlaceMention]:
        """The places, each with its figure, right before the 分列/分居 of a list of ranks starting at ``first``
        (深圳37家、杭州33家分列第三、四位; 上海91.2、深圳88.4分列二、三位); [] without such a verb."""
        verb = _EACH_RANK_RE.search(self.norm, max(self.s0, first - 2), first + 2)
        return self._listed_before(verb.start()) if verb is not None else []

    def _shared_targets(self, r: RankMention) -> list[tuple[list[str] | None, PhraseMention | None]]:
        figs = [f for f in self.figures if f.end <= r.start and f.start in self.fig_places]
        if not figs:
            return []
        if _ALL_RE.search(self.norm, max(self.s0, r.start - 3), r.start):
            phrases = {id(h): (self.fig_places[f.start], h) for f in figs if (h := self.fig_phrase[f.start])}
            return list(phrases.values()) if len(phrases) > 1 else []
        last = figs[-1]
        names = self.fig_places[last.start]
        if len(names) > 1 and not any(last.end <= p.start < r.start for p in self.places):
            return [(names, self._rank_phrase(r.start))]
        return []

    def _phrase_before(self, pos: int) -> PhraseMention | None:
        """The nearest phrase before ``pos`` in the sentence, else the title's."""
        return next(self._phrases_back(self.s0, pos), self.ctx.title_phrase)

    def _rank(
        self, r: RankMention, seen: Seen, names: list[str] | None, hit: PhraseMention | None
    ) -> list[tuple[str, Row]]:
        names = names if names is not None else self._rank_places(r)
        if (
            hit is not None
            and hit.indicator.scope
            and r.scope not in ("", "世界")
            and not r.scope.startswith(hit.indicator.scope)  # 全球科研城市 of a global ranking
        ):
            hit = replace(hit, indicator=UNNAMED)  # 全国第5 of a global ranking
        if hit is not None and self._planned(r.start):
            hit = replace(hit, indicator=UNNAMED)
        series, phrase, status = self._rank_series(hit, r.start)
        year, ysrc = self.year_of(r.start)
        row = {
            "indicator": series,
            "phrase": phrase,
            "value": r.rank,
            "unit": "rank",
            "year": year,
            "year_source": ysrc,
            "qualifier": f"scope: {r.scope}" if r.scope else "",
            "kind": "rank",
            "figure": self.text[r.start : r.end].strip(),
            "status": status,
            "start": r.start,
            "end": r.end,
        }
        return _each_place(row, names, seen)

    def _rank_places(self, r: RankMention) -> list[str]:
        if self.row_place is not None:
            return [self.row_place]
        head = self._line_head_place(r)
        if head is not None:
            return [head]
        hit = self._place_before(r.start, self.s0)
        if (
            hit is not None
            and not self.norm[hit[1].end : r.start].strip()
            and _RANK_VERB_RE.search(self.norm, max(self.s0, hit[1].start - 3), hit[1].start)
        ):
            return self.places_of(hit[1].start, "rank")  # 居江西省第二位: 江西 is the rank's scope
        names = self.places_of(r.start, "rank")
        if not names and self.ctx.subject:
            hit_place = self._place_before(r.start, self.s0)
            names = [self.ctx.subject] if hit_place is None or hit_place[1].place == "" else []
        return names

    def _line_head_place(self, r: RankMention) -> str | None:
        """The place written right after a rank that opens its line (第12名 成都, No. 3: Wuhan), else None."""
        if self.norm[self.s0 : r.start].strip() or (self.s0 and self.norm[self.s0 - 1] != "\n"):
            return None
        i = bisect.bisect_left(self.place_starts, r.end)
        p = self.places[i] if i < len(self.places) else None
        if p is None or p.place in ("", "*") or not _HEAD_GAP_RE.fullmatch(self.norm, r.end, p.start):
            return None
        return p.place

    def _chain(self, at: int, figures: bool = False) -> list[PlaceMention]:
        """The list of places right after ``at`` (深圳、南京、杭州), without figures in between; with ``figures``, each
        place may carry its figure in parentheses (第38至40位依次为：宜昌（6206.35亿元）、襄阳……: ranks stated as a
        range; the order of a list whose items carry their values is no rank otherwise)."""
        after = [p for p in self.places if p.start >= at and p.place not in ("", "*")]
        if len(after) < 2 or after[0].start - at > 1:
            return []
        chain = [after[0]]
        for a, b in itertools.pairwise(after):
            gap = self.norm[a.end : b.start]
            if not _LIST_SEP_RE.match(_PAREN_FIGURE_RE.sub("", gap) if figures else gap):
                break
            chain.append(b)
        if any(
            at < f.start < chain[-1].end and not (figures and self.norm[f.start - 1] in "(（")
            for f in self.figures
        ):
            return []
        return chain if len(chain) > 1 else []

    def _ordered(self) -> Iterator[tuple[int, Sequence[PlaceMention | None]]]:
        """Places ranked by the order they are written in, with where their series is looked up: 排名前十的城市依次
        为深圳、南京、杭州 (1, 2, 3; after 分别为 only where the sentence names a ranking: 最多的城市分别是); 北京、上海、深圳稳居前三 (as many places as the 前N); a numbered line of a page
        titled as a ranking (4. 广州:7434.4平方千米 under 重庆面积排名: 4)."""
        yield from self._ranged()
        seg = self.norm[self.s0 : self.s1]
        listed = list(self._top_n_lists()) if "前" in seg else []
        yield from ((a, chain) for a, _, chain in listed)
        for m in (
            _RANK_LIST_RE.finditer(self.norm, self.s0, self.s1)
            if "依次" in seg or "依序" in seg or "分别" in seg
            else ()
        ):
            if any(a < m.end() and m.start() < b for a, b, _ in listed):
                continue  # ranked by _top_n_lists
            if m.group(0).startswith("分别") and not _RANKING_WORD_RE.search(self.norm, self.s0, m.start()):
                continue  # 超过千亿元的地市有2个，分别为深圳和广州: members, not an order
            if any(_RANGE_AFTER_RE.fullmatch(self.norm, r.end(), m.end()) for r in self.rank_ranges):
                continue  # ranked by _ranged
            yield m.start(), self._chain(m.end())
        for m in _TOP_N_RE.finditer(self.norm, self.s0, self.s1) if "前" in seg else ():
            yield m.start(), self._top_n_chain(m)
        if self.ctx.ranking:
            yield from self._numbered()

    def _numbered(self) -> Iterator[tuple[int, Sequence[PlaceMention | None]]]:
        """Places after a list number on a page titled as a ranking, at the line start (4. 广州:7434.4平方千米
        under 重庆面积排名: 4) or after a space or an ellipsis inside the line (……6.苏州 88.3件 7.西安 86.1件: 6, 7)."""
        num = _NUMBERED_RE.match(self.norm, self.s0)
        if num and self.places and self.places[0].start == num.end():
            yield self.s0, [*([None] * (int(num["n"]) - 1)), self.places[0]]
        for m in _NUMBERED_INSIDE_RE.finditer(self.norm, self.s0 + 1, self.s1):
            i = bisect.bisect_left(self.place_starts, m.end())
            if (
                i < len(self.places)
                and self.places[i].start == m.end()
                and self.places[i].place not in ("", "*")
            ):
                yield m.start(), [*([None] * (int(m["n"]) - 1)), self.places[i]]

    def _top_n_lists(self) -> Iterator[tuple[int, int, list[PlaceMention]]]:
        """The top N named after 前N (排名前三的城市为北京、深圳、绵阳; 排名前五的地市依次为：深圳（2.5万家）、广州
        （1.3万家）……), only a list of exactly N places; each place may carry its figure in parentheses after 依次
        (in that order), not otherwise (前三的城市是北京(114家)、上海(66家)……: the members, as the labelling guide
        reads them)."""
        for m in _TOP_N_LIST_RE.finditer(self.norm, self.s0, self.s1):
            chain = self._chain(m.end(), figures=m["order"] is not None)
            if len(chain) == _cn_count(m["n"]):
                yield m.start(), m.end(), chain

    def _top_n_chain(self, m: re.Match[str]) -> list[PlaceMention]:
        """The places a 前N ranks 1 to N, in the order written: the list right before it (北京、上海、深圳稳居前三),
        each with its figure (深圳1327家、北京1205家、上海1026家位居前三), or with 分别 and their figures between
        (福州、泉州GDP分别以14237.5亿元、13102.4亿元位列全省前两位); [] unless the list has N places."""
        named = [i for i, p in enumerate(self.places) if p.end <= m.start() and p.place not in ("", "*")]
        n = _cn_count(m["n"])
        if named and _TOP_GAP_RE.match(self._without_phrases(self.places[named[-1]].end, m.start())):
            chain = self._chain_before(named[-1])
        elif len(chain := self._listed_before(m.start(), filler=True)) != n and named:
            chain = self._respective_before(named[-1], m.start())
        return chain if len(chain) == n else []

    def _respective_before(self, i: int, pos: int) -> list[PlaceMention]:
        """The list ending at place mention ``i`` when 分别 follows it before ``pos`` in the sentence with no
        other place in between, both in the sentence (广东、江苏分别超过7.5万家和5.1万家，位居全国前两位); else []."""
        last = self.places[i]
        if last.start < self.s0 or not _RESPECTIVE_RE.search(self.norm, last.end, pos):
            return []
        if any(last.end <= p.start < pos for p in self.places):
            return []
        return self._chain_before(i)

    def _ranged(self) -> Iterator[tuple[int, list[PlaceMention]]]:
        """Places ranked by a range of ranks (第三至第七名依次为苏州、杭州……: 3 to 7; 天津(288家)、青岛(264家)……分列第
        十一至十六位: 11 to 16), when the list has as many places as the range has ranks."""
        for m in self.rank_ranges:
            lo, hi = ordinal(m["a"]), ordinal(m["b"])
            after = _RANGE_AFTER_RE.match(self.norm, m.end())
            if after is not None:
                chain = self._chain(after.end(), figures=True)
            elif _RANGE_BEFORE_RE.search(self.norm, max(self.s0, m.start() - 6), m.start()):
                chain = self._listed_before(m.start())
            else:
                continue
            if lo is not None and hi is not None and len(chain) == hi - lo + 1:
                yield m.start(), [*([None] * (int(lo) - 1)), *chain]  # type: ignore[list-item]

    def _listed_before(self, pos: int, filler: bool = False) -> list[PlaceMention]:
        """The list of places right before ``pos``, each with its figures (天津(288家)、青岛(264家)分列……; with
        ``filler``, also 为/有/达 before a figure and a comma before ``pos``: 上海为221319元、北京为218312元，位居全国
        前两位)."""
        named = [p for p in self.places if self.s0 <= p.start and p.end <= pos and p.place not in ("", "*")]
        chain: list[PlaceMention] = []
        end = _RANGE_BEFORE_RE.search(self.norm, max(self.s0, pos - 6), pos)
        right = end.start() if end else pos
        for p in reversed(named):
            gap = self._without_figures(p.end, right)
            gap = _LIST_FILLER_RE.sub("", gap) if filler else gap
            if (chain and not _LIST_SEP_RE.match(gap or "x")) or (not chain and gap):
                break
            chain.insert(0, p)
            right = p.start
        return chain

    def _without_figures(self, a: int, b: int) -> str:
        """The text between ``a`` and ``b`` without figures, parentheses and spaces."""
        cuts = [(f.start, f.end) for f in self.figures if a <= f.start and f.end <= b]
        starts, ends = [a, *(e for _, e in cuts)], [*(s for s, _ in cuts), b]
        return _PAREN_SPACE_RE.sub("", "".join(self.norm[x:y] for x, y in zip(starts, ends, strict=True)))

    def _without_phrases(self, a: int, b: int) -> str:
        """The text between ``a`` and ``b`` without the indicator phrases written in it."""
        cuts = [(p.start, p.end) for p in self.phrases if a <= p.start and p.end <= b]
        starts, ends = [a, *(e for _, e in cuts)], [*(s for s, _ in cuts), b]
        return "".join(self.norm[x:y] for x, y in zip(starts, ends, strict=True))

    def _chain_before(self, i: int) -> list[PlaceMention]:
        chain = [self.places[i]]
        while i > 0 and self.places[i - 1].place not in ("", "*"):
            gap = self.norm[self.places[i - 1].end : self.places[i].start]
            if not (_PLACE_SEP_RE.match(gap) or (self.places[i].abbr and not gap)):
                break
            i -= 1
            chain.insert(0, self.places[i])
        return chain

    def _rank_list(self, seen: Seen) -> Iterator[tuple[str, Row]]:
        """Ranks of places in the order written (:meth:`_ordered`)."""
        for at, chain in self._ordered():
            series, phrase, status = self._rank_series(self._phrase_before(at), at)
            year, ysrc = self.year_of(at)
            for k, p in enumerate(chain, start=1):
                if p is None:
                    continue
                row = {
                    "indicator": series,
                    "phrase": phrase,
                    "value": float(k),
                    "unit": "rank",
                    "year": year,
                    "year_source": ysrc,
                    "qualifier": "list order",
                    "kind": "rank",
                    "figure": self.text[p.start : p.end],
                    "status": status,
                    "start": p.start,
                    "end": p.end,
                }
                yield from _each_place(row, [p.place], seen)


def _cn_count(n: str) -> int:
    """前三 -> 3, 前10 -> 10."""
    return int(n) if n.isdigit() else {"两": 2, "十": 10}.get(n, "一二三四五六七八九".find(n) + 1)


def extract_text(
    text: str,
    *,
    document: str = "",
    doc_date: date | None = None,
    subject: str | None = None,
    extractor: Extractor | None = None,
) -> list[Candidate]:
    """Candidates of one text held in memory."""
    ex = extractor or Extractor()
    return list(ex.extract_chunks([text], document=document, doc_date=doc_date, subject=subject))


def extract_file(
    path: str | Path,
    *,
    doc_date: date | None = None,
    subject: str | None = None,
    encoding: str | None = None,
    extractor: Extractor | None = None,
    chunk_chars: int | None = None,
    progress: Callable[[int], None] | None = None,
    jobs: int = 1,
) -> Iterator[Candidate]:
    """Candidates of a file (``-``: standard input), streamed chunk by chunk (:func:`iter_text`; ``progress``
    is told the bytes of each chunk done; ``jobs`` processes read the chunks of a large file)."""
    ex = extractor or Extractor()
    kw: dict[str, Any] = {"chunk_chars": chunk_chars} if chunk_chars else {}
    name = "<stdin>" if str(path) == "-" else str(path)
    ticks: deque[int] = deque()  # with jobs: each chunk's bytes, told once its candidates are out
    deferred = jobs > 1 and progress is not None

    def chunk_done() -> None:
        if ticks and progress is not None:
            progress(ticks.popleft())

    yield from ex.extract_chunks(
        iter_text(path, encoding=encoding, progress=ticks.append if deferred else progress, **kw),
        document=name,
        doc_date=doc_date,
        subject=subject,
        jobs=jobs,
        chunk_done=chunk_done if deferred else None,
    )
    while deferred and ticks:
        chunk_done()
