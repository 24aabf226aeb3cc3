"""Towns the gazetteer does not list, found by the shape of an administrative name.

A report titled ``青石沟镇2021年工作总结`` is a town's report even when 青石沟镇 is in no
gazetteer (a new, renamed or merged town). jieba cuts such a name apart (青石/沟镇), so
the name is found by its pattern instead: 2–4 Chinese characters and ``镇``, ``乡``,
``街道`` or ``街道办事处``, starting where a name can start —

* the start of the title, subtitle or a line, or right after punctuation, a space, a
  digit or Latin letter (``2021年``, ``——``, ``（``),
* right after a county, city or province the gazetteer knows (``新密市青石沟镇``),
* right after ``中共`` or ``代表`` (``中共青石沟镇委员会``, ``我代表青石沟镇人民政府``).

A name never starts with a function word (是我镇, 在本镇) and never holds a pronoun or a
word of dates and numbering (上半年某乡, 第一篇岗镇). Everyday words of the same shape are
not names: 城乡, 乡镇, 全镇, 各乡镇, 新型城镇,
美丽乡村, 特色小镇 … (a first character such as 全/各/本/该, an ending such as 城镇/城乡/
乡镇/集镇, 乡 followed by 村, a word in :data:`index.reading.places.GENERIC_NAMES`). A leading
word (推进, 关于, 美丽, 为 …) is tried without it too; the count of mentions decides, and on a
tie the name without it. A name read as two words wherever the text writes it (大会 +
乡长, 代理 + 镇长, 推进 + 乡村: common dictionary words, then 乡/镇 running on into a word)
is none (:func:`_two_words`, given the analyzer).

Only the title, subtitle and the opening lines are searched for names; the whole text
is searched for how often each is mentioned (the title counts three times).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.analysis import Analyzer
from index.normalize import normalize, normalize_with_offsets
from index.reading.places import GENERIC_NAMES, Gazetteer

OPENING_CHARS = 400
HEAD_WEIGHT = 3
MIN_MENTIONS = 2
NAME = re.compile(r"[\u4e00-\u9fff]{2,6}")  # a stretch of Chinese characters the name is taken from
CJK = re.compile(r"[\u4e00-\u9fff]")
SUFFIXES = ("街道办事处", "街道", "镇", "乡")
START_AFTER = re.compile(r"\d年度?|中共|代表")  # a name may start right after these
COUNTERS = frozenset("年月日号期届次")  # after a digit: part of a date or number, not a name's start
NOT_FIRST = frozenset("全各本该我每这那此其某诸多个等")  # 全镇, 各乡镇, 本街道 …
GENERIC_ENDINGS = frozenset(
    "城镇 城乡 乡镇 集镇 小镇 古镇 重镇 强镇 名镇 大镇 家乡 故乡 下乡 返乡 回乡 老乡 水乡 他乡 异乡 同乡 梦乡".split()
)
NOT_AFTER = {"乡": frozenset("村镇土愁亲贤风情音"), "镇": frozenset("化"), "街道": frozenset()}
# words a title or sentence puts in front of a place (推进青石沟镇…, 为回郭镇…): the name is
# tried without them too, and wins a tie
LEAD_WORDS = tuple(
    "关于 推进 推动 加快 加强 建设 打造 聚焦 实施 深化 助力 奋力 扎实 全面 持续 开创 奋进 争创 创建 喜迎 "
    "开展 做好 抓好 服务 发展 振兴 美丽 文明 和谐 平安 幸福 魅力 生态 特色 重点 中心 示范 引领 同时 也是 "
    "致 在 对 为 向 从 到 也 是 和 与 及 把 将 让 使 由 给 跟 同 以 图 文 讯".split()
)
NUMERALS = frozenset("一二三四五六七八九十百千两")
# a name never starts with a function word (是我镇, 在本镇, 的乡) and never holds a pronoun
# or a word of dates and numbering (上半年某乡, 第一篇岗镇)
FUNCTION_FIRST = frozenset("是在的了和与及对为向从到把将被让使由给跟同以于和而并")
NOT_INSIDE = frozenset("我本该某其此这那年月日篇第届次")  # 建设“一镇五区”: not a name
NOT_TOWNS = frozenset(
    "全镇 该镇 本镇 乡镇 城镇 小镇 集镇 村镇 镇村 重镇 强镇 名镇 大镇 古镇 中心镇 文明镇 卫生镇 特色小镇 "
    "全乡 该乡 本乡 城乡 家乡 下乡 返乡 回乡 老乡 乡乡 全街道 各街道 该街道 各乡镇 美丽乡 "
    "小城镇 在城镇 新城镇 各城镇 示范镇 重点镇 建制镇 特色镇 上山下乡 城镇化 新型城镇 美丽乡村 美丽集镇".split()
) | GENERIC_NAMES


@dataclass(frozen=True)
class UnlistedTown:
    name: str  # as stored: 青石沟镇, 金果园街道 (街道办事处 → 街道)
    mentions: int  # in the whole text, the title and subtitle counting HEAD_WEIGHT times
    in_head: bool  # the title or subtitle names it
    after: str | None  # the county, city or province written right before it, if any


@dataclass(frozen=True)
class _Candidate:
    written: str  # normalized, as written (with 街道办事处)
    name: str
    in_head: bool
    after: str | None
    trimmed: bool  # a title word in front was left out


def find(head: str, text: str, gazetteer: Gazetteer, norm_head: str | None = None,
         norm_text: str | None = None, analyzer: Analyzer | None = None) -> UnlistedTown | None:
    """The best-supported town name of the title, subtitle or opening lines (raw text,
    not normalized), mentioned at least :data:`MIN_MENTIONS` times; None if there is none.
    ``norm_head``/``norm_text``: their normalized forms, when the caller has them.
    ``analyzer``: its dictionary tells a name from two words (:func:`_two_words`)."""
    norm_head = normalize(head) if norm_head is None else norm_head
    norm_text = normalize(text) if norm_text is None else norm_text
    candidates: list[_Candidate] = []
    for part, in_head in ((head, True), (text[:OPENING_CHARS], False)):
        candidates.extend(_candidates(part, in_head, gazetteer))
    if not candidates:
        return None
    by_name: dict[str, list[_Candidate]] = {}
    for c in candidates:
        by_name.setdefault(c.name, []).append(c)
    best = None
    for name, found in by_name.items():
        if analyzer is not None and _two_words(name, norm_head + "\n" + norm_text, analyzer):
            continue
        # 金果园街道办事处 and 金果园街道 are one name: the more often written form counts
        n = max(norm_text.count(w) + HEAD_WEIGHT * norm_head.count(w) for w in {c.written for c in found} | {name})
        in_head = any(c.in_head for c in found)
        after = next((c.after for c in found if c.after), None)
        key = (n, any(c.trimmed for c in found), in_head)  # a tie: 石沟镇 rather than 推进石沟镇
        if best is None or key > best[0]:
            best = (key, UnlistedTown(name, n, in_head, after))
    if best is None:
        return None
    town = best[1]
    return town if town.mentions >= MIN_MENTIONS else None


def _two_words(name: str, norm: str, analyzer: Analyzer) -> bool:
    """Whether ``name`` (大会乡, 代理镇, 推进乡) is read as two words wherever the text writes
    it: what stands before 乡/镇 is made of common dictionary words of two characters or
    more (大会, 代理, 加快推进; not one the dictionary tags as a place's or other name, 玉里,
    高山), and 乡/镇 always runs on into a word with the character after it (人民代表大会乡长,
    代理镇长, 推进乡村). A name the text also writes on its own (青石镇政府 beside 青石镇长)
    stays a name."""
    suffix, part = name[-1], name[:-1]
    words = analyzer.cut(part)
    if suffix not in "乡镇" or not all(len(w) >= 2 and analyzer.is_word(w) for w in words):
        return False
    ends = [m.end() for m in re.finditer(re.escape(name), norm)]
    if not ends or not all(analyzer.is_word(suffix + norm[e:e + 1]) for e in ends):
        return False
    # last: the dictionary's tags are read once a process, only when a name gets this far
    return not any(analyzer.is_proper_name(w) for w in words)


def _candidates(raw: str, in_head: bool, gazetteer: Gazetteer) -> list[_Candidate]:
    norm, offsets = normalize_with_offsets(raw)
    starts: dict[int, str | None] = {}  # position → the unit written right before it
    for i in range(len(norm)):
        if i and norm[i - 1].isdigit() and norm[i] in COUNTERS:
            continue  # 2021年青石沟镇: the name starts after 年 (START_AFTER), not at it
        if i == 0 or offsets[i] - offsets[i - 1] > 1 or not CJK.match(norm[i - 1]):
            starts.setdefault(i, None)  # start, or after punctuation, a space, a digit
    for m in START_AFTER.finditer(norm):
        starts.setdefault(m.end(), None)
    for mention in gazetteer.scan(norm):
        if gazetteer.level_of(mention.name) - {"township"}:
            starts[mention.end] = mention.name
    out = []
    for start, after in starts.items():
        if not NAME.match(norm, start):  # no two Chinese characters here
            continue
        for begin, trimmed in [(start, False)] + [(start + len(w), True) for w in LEAD_WORDS
                                                     if norm.startswith(w, start)]:
            out.extend(_names_at(norm, begin, in_head, after if not trimmed else None, trimmed, gazetteer))
    return out


def _names_at(norm: str, begin: int, in_head: bool, after: str | None, trimmed: bool,
              gazetteer: Gazetteer) -> list[_Candidate]:
    out = []
    for length in range(2, 5):
        name = norm[begin:begin + length]
        if len(name) < length or not all(CJK.match(ch) for ch in name):
            break
        for suffix in SUFFIXES:
            end = begin + length + len(suffix)
            if norm.startswith(suffix, begin + length) and _plausible(name, suffix, norm[end:end + 1], gazetteer):
                stored = name + ("街道" if suffix == "街道办事处" else suffix)
                out.append(_Candidate(name + suffix, stored, in_head, after, trimmed))
                break  # 街道办事处 before 街道: one name per length
    return out


def _plausible(name: str, suffix: str, following: str, gazetteer: Gazetteer) -> bool:
    whole = name + ("街道" if suffix == "街道办事处" else suffix)
    if name[0] in NOT_FIRST or name[0] in FUNCTION_FIRST or name[-1] in NUMERALS:
        return False
    if any(ch in NOT_INSIDE for ch in name) or name in NOT_TOWNS or "政府" in name or name[0] in "镇乡":
        return False  # 乡镇 + 镇 (乡镇镇长述职报告), 镇政府 + 镇 (镇政府镇长…) are no names either
    if any(whole[k:] in NOT_TOWNS for k in range(len(whole) - 1)):  # 国家卫生镇 (卫生镇), 创建全镇 (全镇)
        return False
    short = "街道" if suffix.startswith("街道") else suffix
    if name[-1] + short[0] in GENERIC_ENDINGS or following in NOT_AFTER[short]:
        return False
    # "新密市青石" + 镇: a known county inside the name means the name starts after it
    return not any(gazetteer.level_of(m.name) - {"township"} for m in gazetteer.scan(name))
