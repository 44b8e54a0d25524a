"""Clean-up of Chinese web text: pinyin annotations and mojibake.

**Pinyin annotations.** Some sites print the reading after a character: ``創(chuàng)新``, ``產(chǎn)業(yè)``. An
annotation is a pair of parentheses (ASCII or full-width) directly after a CJK character whose content is one or
more pinyin syllables (a fixed inventory of the 423 Mandarin syllables, taken from pypinyin's dictionary), with
tone marks or tone digits, separated by nothing, spaces or apostrophes, and either carrying a tone mark or being
all lower case (so ``人工智能(AI)`` and ``(DeepSeek)`` stay). Annotations are removed with their parentheses.

**Mojibake** (reported; only ``latin1`` stretches can be repaired, by :func:`repair_latin1_mojibake`, since their
bytes round-trip exactly): three detectors, each a precise rule.

* ``replacement``: a run of two or more ``?`` or any run holding U+FFFD (a single ``?`` is punctuation), plus its
  *misaligned tail*: the characters directly after the run, up to 6, while they are CJK ideographs, ASCII letters,
  ``?`` or U+FFFD. A GB-encoded text read with a one-byte misalignment loses the bytes it cannot decode (the
  ``??``) and pairs the following bytes wrongly, giving wrong but valid-looking characters: in the seed article
  ``。可以說`` (GBK ``a1a3 bfc9 d2d4 d566``) became ``??梢哉f`` (``c9d2 d4d5 66``). The tail ends at the first
  punctuation mark, digit or space; when a real ``??`` is followed by genuine words, those words are over-reported.
* ``latin1``: a run of two or more characters from U+0080–U+00FF or the cp1252 extras which, encoded back as
  cp1252/latin-1, is valid UTF-8 holding a non-ASCII character (UTF-8 read as latin-1: ``åˆ›æ–°`` for ``创新``).
* ``gbk``: within a run of CJK characters, a window of 3k characters (k >= 1) whose GBK bytes are valid UTF-8 made of
  2k CJK characters (UTF-8 read as GBK: ``鍒涙柊`` for ``创新``); windows are extended greedily.

Offsets are character offsets into the *cleaned* text (:attr:`CleanedText.text`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

__all__ = [
    "CleanedText",
    "Mojibake",
    "clean_cell",
    "clean_cells",
    "clean_web_text",
    "find_mojibake",
    "repair_latin1_mojibake",
    "strip_pinyin_annotations",
]

_SYLLABLES = (
    "a ai an ang ao ba bai ban bang bao bei ben beng bi bian biang biao bie bin bing bo bong bu ca cai "
    "can cang cao ce cei cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai "
    "chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de dei den deng di "
    "dia dian diao die din ding diu dong dou du duan dui dun duo e ei en eng er fa fan fang fei fen feng "
    "fiao fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui gun guo ha "
    "hai han hang hao he hei hen heng hm hng hong hou hu hua huai huan huang hui hun huo ji jia jian "
    "jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke kei ken keng kong kou ku "
    "kua kuai kuan kuang kui kun kuo la lai lan lang lao le lei len leng li lia lian liang liao lie lin "
    "ling liu lo long lou lu luan lue lun luo m ma mai man mang mao me mei men meng mi mian miao mie min "
    "ming miu mo mou mu n na nai nan nang nao ne nei nen neng ng ni nia nian niang niao nie nin ning niu "
    "nong nou nu nuan nue nun nuo o ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou "
    "pu qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri rong "
    "rou ru rua ruan rui run ruo sa sai san sang sao se sen seng sha shai shan shang shao she shei shen "
    "sheng shi shou shu shua shuai shuan shuang shui shun shuo si song sou su suan sui sun suo ta tai tan "
    "tang tao te tei teng ti tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng "
    "wo wong wu xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi yin "
    "ying yo yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe "
    "zhei zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui "
    "zun zuo"
).split()
_SYL = "|".join(sorted(_SYLLABLES, key=len, reverse=True))
_SYL_SEQ_RE = re.compile(rf"(?:(?:{_SYL})[1-5]?)(?:[\s']*(?:(?:{_SYL})[1-5]?))*")
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
_ANNOT_RE = re.compile(rf"(?<=[{_CJK}])\s?[(（]\s*([a-zA-Z{_TONED}{_TONED.upper()}1-5' ]{{1,48}}?)\s*[)）]")
_OPEN_RE = re.compile("[(（]")
_TONE_RE = re.compile(f"[{_TONED}]|[a-z][1-5]")
_ZERO_WIDTH_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")

_REPL_RE = re.compile(rf"(?:\?{{2,}}|[?\ufffd]*\ufffd[?\ufffd]*)[{_CJK}A-Za-z?\ufffd]{{0,6}}")
_LATIN_CHARS = "\u0080-\u00ff" + "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
_LATIN_RE = re.compile(f"[{_LATIN_CHARS}]{{2,}}")
_CJK_RUN_RE = re.compile(f"[{_CJK}]{{3,}}")
_CJK_ONLY_RE = re.compile(f"^[{_CJK}]+$")
_CJK_TEXT_RE = re.compile(f"^[{_CJK}\u3000-\u303f\uff01-\uff5e]+$")
"""Chinese characters and full-width punctuation only (亿元，增长): GBK text read as latin-1 decodes to this."""


@dataclass(frozen=True, slots=True)
class Mojibake:
    """A suspected mojibake stretch: ``offset``/``length`` in the cleaned text, the text itself, the detector."""

    offset: int
    length: int
    snippet: str
    kind: str = "replacement"


@dataclass(frozen=True)
class CleanedText:
    text: str
    removed_annotations: int
    mojibake: list[Mojibake] = field(default_factory=list)


def _strip_tones(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))


@lru_cache(maxsize=4096)
def _is_annotation(content: str) -> bool:
    toned = bool(_TONE_RE.search(content))
    if not toned and content != content.lower():
        return False
    return _SYL_SEQ_RE.fullmatch(_strip_tones(content).lower().strip()) is not None


def strip_pinyin_annotations(text: str) -> tuple[str, int]:
    """Remove ``(pinyin)`` annotations after CJK characters; returns the text and how many were removed.

    The annotation pattern starts with a lookbehind, which a plain substitution tries at every character; an
    annotation can only start at an opening parenthesis or the character before it, so only those are tried,
    left to right and never inside an earlier match, as the substitution does
    (:func:`strip_pinyin_annotations_reference`)."""
    if "(" not in text and "（" not in text:
        return text, 0
    parts, kept, pos, count = [], 0, 0, 0
    for o in _OPEN_RE.finditer(text):
        m = next(
            (x for x in (_ANNOT_RE.match(text, a) for a in (o.start() - 1, o.start()) if a >= pos) if x), None
        )
        if m is None:
            continue
        pos = m.end()
        if _is_annotation(m.group(1)):
            parts.append(text[kept : m.start()])
            kept = pos
            count += 1
    parts.append(text[kept:])
    return "".join(parts), count


def strip_pinyin_annotations_reference(text: str) -> tuple[str, int]:
    """:func:`strip_pinyin_annotations` as one substitution (the plain definition it is tested against)."""
    count = 0

    def repl(m: re.Match[str]) -> str:
        nonlocal count
        if _is_annotation(m.group(1)):
            count += 1
            return ""
        return m.group(0)

    return _ANNOT_RE.sub(repl, text), count


def find_mojibake(text: str) -> list[Mojibake]:
    """Stretches found by the three detectors (module docstring), by offset; one inside another is dropped."""
    found = [
        Mojibake(m.start(), m.end() - m.start(), m.group(0), "replacement") for m in _REPL_RE.finditer(text)
    ]
    for m in _LATIN_RE.finditer(text):
        s = m.group(0)
        if _latin1_decoded(s) is not None:
            found.append(Mojibake(m.start(), len(s), s, "latin1"))
    for m in _CJK_RUN_RE.finditer(text):
        run = m.group(0)
        i = 0
        while i + 3 <= len(run):
            k = 0
            while i + 3 * (k + 1) <= len(run) and _utf8_as_gbk(run[i : i + 3 * (k + 1)]):
                k += 1
            if k:
                found.append(Mojibake(m.start() + i, 3 * k, run[i : i + 3 * k], "gbk"))
                i += 3 * k
            else:
                i += 1
    found.sort(key=lambda x: (x.offset, -x.length))
    kept: list[Mojibake] = []
    for f in found:
        if kept and f.offset + f.length <= kept[-1].offset + kept[-1].length:
            continue  # inside a stretch already reported by another detector
        kept.append(f)
    return kept


def _sloppy_cp1252(run: str) -> bytes:
    """The bytes a run of cp1252 text stands for, the five bytes cp1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90,
    0x9D) included as the control characters a browser shows for them (``å\x8d—`` -> ``E5 8D 97``, 南), as
    ftfy's "sloppy-windows-1252"; a character of neither (CJK) is left out."""
    out = bytearray()
    for c in run:
        try:
            out += c.encode("cp1252")
        except UnicodeEncodeError:
            if ord(c) < 256:
                out.append(ord(c))
    return bytes(out)


def _latin1_decoded(run: str) -> str | None:
    """The text a ``latin1`` run stands for (its cp1252/latin-1 bytes read as UTF-8: ``å¸‚`` -> ``市``), or None
    when those bytes are no UTF-8 holding a non-ASCII character (``café`` stays)."""
    b = _sloppy_cp1252(run)
    try:
        dec = b.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return dec if any(ord(c) > 127 for c in dec) else None


def repair_latin1_mojibake(text: str) -> str:
    """``text`` with each ``latin1`` stretch (UTF-8 read as latin-1/cp1252, module docstring) decoded back:
    ``贵阳å¸‚2024å¹´`` -> ``贵阳市2024年``; and a run of GBK read as latin-1 that decodes to Chinese characters
    only (``ÉîÛÚÊÐ`` -> ``深圳市``). Only these are repaired: their bytes round-trip exactly, while
    ``replacement`` and ``gbk`` stretches have lost bytes or are guesses."""
    if _LATIN_RE.search(text) is None:
        return text
    return _LATIN_RE.sub(
        lambda m: _latin1_decoded(m.group(0)) or _gbk_as_latin1(m.group(0)) or m.group(0), text
    )


def _gbk_as_latin1(run: str) -> str | None:
    """The Chinese a run of 4+ latin-1 characters stands for when its bytes are GBK (GBK read as latin-1:
    ``ÉîÛÚÊÐ`` -> ``深圳市``, ``ÒÚÔª£¬Ôö³¤`` -> ``亿元，增长``), only when every decoded character is a CJK
    ideograph or full-width punctuation and two at least are ideographs; the cp1252 extras after the run
    (``……``) are kept as they are."""
    n = next((i for i, c in enumerate(run) if ord(c) > 0xFF), len(run))
    if n < 4:
        return None
    try:
        dec = run[:n].encode("latin-1").decode("gbk")
    except UnicodeDecodeError:
        return None
    ok = _CJK_TEXT_RE.match(dec) is not None and sum(1 for c in dec if "\u4e00" <= c <= "\u9fff") >= 2
    return dec + run[n:] if ok else None


def _utf8_as_gbk(window: str) -> bool:
    try:
        dec = window.encode("gbk").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return False
    return _CJK_ONLY_RE.match(dec) is not None


def clean_web_text(text: str) -> CleanedText:
    """Strip pinyin annotations and zero-width characters, then report mojibake (offsets in the cleaned text)."""
    s = _ZERO_WIDTH_RE.sub("", unicodedata.normalize("NFC", text))
    s, n = strip_pinyin_annotations(s)
    return CleanedText(s, n, find_mojibake(s))


@lru_cache(maxsize=65536)
def clean_cell(text: str) -> str:
    """The light version for table cells: NFC, zero-width characters removed, annotations removed, trimmed."""
    s = _ZERO_WIDTH_RE.sub("", unicodedata.normalize("NFC", text))
    return strip_pinyin_annotations(s)[0].strip()


def clean_cells(values: pd.Series) -> pd.Series:
    """:func:`clean_cell` over a string column, applied once per distinct value that needs it."""
    if len(values) == 0:
        return values
    s = values.astype("string")
    needs = s.str.contains(r"[(（\u200b\u200c\u200d\u2060\ufeff]|^\s|\s$", regex=True, na=False).to_numpy(
        bool
    )
    if not needs.any():
        return s
    uniq = pd.unique(s[needs].to_numpy(dtype=object))
    mapping = {u: clean_cell(u) for u in uniq}
    out = s.to_numpy(dtype=object).copy()
    idx = np.flatnonzero(needs)
    out[idx] = [mapping[v] for v in out[idx]]
    return pd.Series(out, index=values.index, dtype="string")
