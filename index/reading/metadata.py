"""Report metadata: title, year and the place a report is about (town 镇/乡/街道, county-level
unit 市/区/县, prefecture city, province) with its ``level`` (township / county / city /
province / national).

Extracted from the text (see :func:`describe` for the rules), then overridden by a
sidecar table when one is present.

Sidecar format: a tab-separated file named ``metadata.tsv`` (``MANIFEST.tsv`` is read
too) in any folder of the corpus. The first row names the columns; ``file`` is
required and holds file names relative to that folder; any of ``title``, ``town``,
``county``, ``city``, ``province``, ``level``, ``year`` (and any other report field of the
field model, index/fields.py) may follow, and ``region`` is
read as ``province`` (a province in Chinese or pinyin, e.g. ``anhui``; ``china`` means
the whole country: no province, level national). Other columns are ignored. An empty
cell keeps the extracted value; ``-`` sets the field to null::

    file\ttitle\ttown\tcounty\tyear
    xinmi-laiji.txt\t\t\t\t2022

A cell that cannot be used (year ``abcd``, an unknown level or province) is reported
and ignored; the rest of the row applies.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path, PurePosixPath

from index import fields as field_model
from index.analysis import Analyzer
from index.normalize import normalize
from index.reading import town_names
from index.reading.chrome import TIMESTAMP, page_title, simplified
from index.reading.places import COUNTRY_WORDS, LEVELS, NATIONAL, PLACE_LEVELS, Gazetteer, Mention
from index.visibility import VisibilityError
from index.visibility import check_value as _check_visibility

PLACE_FIELDS = ("town", "county", "city", "province")  # lowest first, as places.PLACE_LEVELS
FIELDS = ("title", "year", "level") + PLACE_FIELDS
ALIASES = {"region": "province"}  # the real corpus's MANIFEST.tsv names provinces "region"
LEVEL_OF_FIELD = dict(zip(PLACE_FIELDS, PLACE_LEVELS))
NULL = "-"

YEAR_IN_TEXT = re.compile(r"(?<![\d.])((?:19[4-9]|20[0-9])\d)\s*年")
YEAR_IN_TITLE = re.compile(r"(?<![\d.])((?:19[4-9]|20[0-9])\d)(?![\d.])")
OPENING_CHARS = 400
HEAD_WEIGHT = 3  # a name in the title, subtitle or path counts as much as three in the text
MIN_TOWN_MENTIONS = 2  # a town only the body names must be named at least twice
MIN_PLACE_MENTIONS = 3  # … a county, city or province at least three times
# Who the report speaks for, in its opening: "我代表国务院", "我代表省人民政府",
# "在河南省第十四届人民代表大会…上".
# (matched on normalized text: punctuation dropped, traditional characters simplified)
NATIONAL_IN_TITLE = re.compile(r"国务院|中华人民共和国|全国人民代表大会|中共中央|党中央")  # a title naming no place
NATIONAL_EVIDENCE = re.compile(r"代表国务院|代表中央人民政府|国务院总理|中华人民共和国国务院|全国人民代表大会第"
                               r"|中共中央和国务院|各省自治区直辖市|国务院各部委|国务院办公厅")
SPEAKER = re.compile(r"代表([\u4e00-\u9fff]{0,10}?)(自治区|自治州|自治县|自治旗|街道|地区|[省市州盟县旗区镇乡])(?:人民)?政府")
SUFFIX_LEVEL = {"省": "province", "自治区": "province", "市": "city", "州": "city", "自治州": "city",
                "盟": "city", "地区": "city", "县": "county", "自治县": "county", "旗": "county",
                "自治旗": "county", "区": "county", "镇": "township", "乡": "township", "街道": "township"}
# Words a report uses for the place it speaks for: many 全镇 and few 全县 → a town's report.
SELF_TOWN = re.compile(r"[全我本该](?:镇|乡|街道)")
# …but a ranking within the unit above is a town's own boast, not that unit's voice:
# 建立全区首个…中心, 排名全市第一, 位居全县前列
SELF_ABOVE = re.compile(r"[全我本该](?:县|市|区|省|旗)(?![首第]|前列|排名|领先|率先)")
SELF_WORDS = {"township": re.compile(r"(?:全|我|本)(?:镇|乡|街道)"), "county": re.compile(r"(?:全|我|本)(?:县|旗)"),
              "city": re.compile(r"(?:全|我|本)市"), "province": re.compile(r"(?:全|我|本)省"),
              NATIONAL: re.compile(r"全国|我国")}
MIN_SELF_WORDS = 5
# how a town's report speaks of itself (我镇, 我们乡镇) and its offices, when it names no place
TOWN_VOICE = re.compile(r"[全我本该](?:镇|乡|街道)|我们(?:乡镇|镇|乡|街道)|[镇乡](?:党委|政府|人大)|街道(?:党工委|办事处)")
MIN_TOWN_VOICE = 2
# a title whose subject is a town left unnamed: 街道2021年工作总结, 2023年乡镇年度工作总结,
# 镇政府2020年工作总结, 乡镇镇长述职报告, XX镇2023年政府工作报告, 镇xx年上半年…总结 (not 镇巴县…, 乡村振兴…)
TOWN_SUBJECT = re.compile(
    r"^(?:(?:19|20)\d\d\s*年度?)?(?:上半年|下半年|全年)?(?:XX|xx|某|×{1,3}|_{1,6}|\*{1,3})?"
    r"(?:乡镇|街道办事处|街道办|街道|镇|乡)"
    r"(?=(?:人民)?政府|党委|党工委|人大|(?:19|20)\d\d|(?:XX|xx|×{1,3}|\*{1,3})年|[一二三四五十]年|年度|年终|上半年|下半年"
    r"|镇长|乡长|工作|社区|办事处)")


class SidecarError(ValueError):
    pass


@dataclass(frozen=True)
class Metadata:
    title: str
    town: str | None
    county: str | None
    year: int | None
    province: str | None = None
    city: str | None = None
    level: str | None = None
    review_year: int | None = None  # the year the report looks back on, where its session year differs


# --------------------------------------------------------------------------- sidecars


def read_sidecar(path: Path, problems: list[str] | None = None,
                 gazetteer: Gazetteer | None = None, text: str | None = None) -> dict[str, dict[str, str]]:
    """``{file name: {field: value}}`` for one sidecar table (``text``: its content, as
    the build read it safely; else read from ``path``). Cells that cannot be used are
    left out, each with a line in ``problems`` (``metadata.tsv line 3: …``)."""
    if text is None:
        text = path.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter="\t"))
    if not rows or "file" not in [c.strip() for c in rows[0]]:
        raise SidecarError(f"{path}: the first row must name the columns and include 'file'")
    header = [ALIASES.get(c.strip(), c.strip()) for c in rows[0]]
    gazetteer = gazetteer or Gazetteer.load()
    out: dict[str, dict[str, str]] = {}
    for number, row in enumerate(rows[1:], 2):
        record = dict(zip(header, (c.strip() for c in row)))
        name = record.get("file")
        if not name:
            continue
        if not (path.parent / name).exists():
            if problems is not None:
                problems.append(f"{path.name} line {number}: no file {name!r} in that folder; row ignored")
            continue
        explicit: dict[str, str] = {}
        implied: dict[str, str] = {}  # region "china" implies level national, unless a level is given
        for key in header:
            raw = record.get(key, "")
            if (key not in FIELDS and key not in field_model.current().extra_report_values) or not raw:
                continue
            try:
                cell = check_cell(key, raw, gazetteer)
            except SidecarError as exc:
                if problems is not None:
                    problems.append(f"{path.name} line {number} ({name}): {exc}; cell ignored")
                continue
            explicit[key] = cell.pop(key)
            implied.update(cell)
        out[name] = {**implied, **explicit}
    return out


def check_visibility(raw: str) -> str:
    try:
        return _check_visibility(raw)
    except VisibilityError as exc:
        raise SidecarError(exc.message) from None


def check_cell(key: str, raw: str, gazetteer: Gazetteer) -> dict[str, str]:
    """The fields one sidecar cell sets, or :class:`SidecarError` saying why it cannot."""
    if raw == NULL:
        return {key: NULL}
    if key == "year":
        if not re.fullmatch(r"\d{4}", raw):
            raise SidecarError(f"year must be four digits or '-', not {raw!r}")
    elif key == "level":
        level = raw.lower()
        if level not in LEVELS:
            raise SidecarError(f"level must be one of {', '.join(LEVELS)} or '-', not {raw!r}")
        return {"level": level}
    elif key == "visibility":
        return {key: check_visibility(raw)}
    elif key == "province":
        if raw.lower() in COUNTRY_WORDS:
            return {"province": NULL, "level": NATIONAL}
        province = gazetteer.province(raw)
        if province is None:
            if raw.isascii():
                raise SidecarError(f"{raw!r} is not a province of the gazetteer (in Chinese or pinyin)")
            return {"province": raw}
        return {"province": province}
    return {key: raw}


def apply_overrides(meta: Metadata, overrides: dict[str, str], where: str = "",
                    gazetteer: Gazetteer | None = None) -> Metadata:
    """``meta`` with the sidecar's values; places the sidecar names are completed from the
    gazetteer (a town and its county give the city and province), and extracted places
    that the sidecar contradicts (another province, a higher level) are dropped."""
    values = {f: getattr(meta, f) for f in Metadata.__dataclass_fields__}
    given: set[str] = set()
    for key, raw in overrides.items():
        if key not in FIELDS:
            continue
        given.add(key)
        if raw == NULL:
            values[key] = "" if key == "title" else None
            if key == "year":
                values["review_year"] = None
        elif key == "year":
            if not re.fullmatch(r"\d{4}", raw):
                raise SidecarError(f"{where}: year must be four digits or '-', got {raw!r}")
            values["year"] = int(raw)
            if values["review_year"] is None or values["review_year"] > values["year"]:
                values["review_year"] = values["year"]
        else:
            values[key] = raw
    if given & set(PLACE_FIELDS) or "level" in given:
        values = _reconcile(values, given, meta, gazetteer or Gazetteer.load())
    return Metadata(**values)


def _reconcile(values: dict, given: set[str], extracted: Metadata, gazetteer: Gazetteer) -> dict:
    # a level the sidecar sets drops the extracted places below it
    if "level" in given and values["level"] in LEVELS:
        rank = LEVELS.index(values["level"])
        for f in PLACE_FIELDS:
            if f not in given and LEVELS.index(LEVEL_OF_FIELD[f]) < rank:
                values[f] = None
    # extracted places must agree with the places the sidecar gives
    named = {f: values[f] for f in PLACE_FIELDS if f in given and values[f]}
    if named:
        chains = _chains(named, gazetteer)
        lowest_given = min(PLACE_FIELDS.index(g) for g in named)
        for i, f in enumerate(PLACE_FIELDS):
            if f in given or values[f] is None:
                continue
            if i < lowest_given:  # an extracted town under a given county: it must lie in it
                own = _chains({f: values[f]}, gazetteer)
                if own is not None and not any(all(c.get(LEVEL_OF_FIELD[g]) == v for g, v in named.items())
                                               for c in own):
                    values[f] = None
            elif chains is not None and not any(c.get(LEVEL_OF_FIELD[f]) == values[f] for c in chains):
                values[f] = None
        # complete what the sidecar's places decide (one place fits: its whole chain)
        if chains is not None and len(chains) == 1:
            for f in PLACE_FIELDS:
                if f not in given and values[f] is None and chains[0].get(LEVEL_OF_FIELD[f]):
                    if PLACE_FIELDS.index(f) > lowest_given:
                        values[f] = chains[0][LEVEL_OF_FIELD[f]]
    if "level" not in given:
        lowest = next((LEVEL_OF_FIELD[f] for f in PLACE_FIELDS if values[f]), None)
        values["level"] = lowest or (extracted.level if extracted.level == NATIONAL else None)
    return values


def _chains(named: dict[str, str], gazetteer: Gazetteer) -> list[dict[str, str]] | None:
    """The gazetteer chains (``{level: name}``) that agree with every named place, or
    None when the lowest named place is not in the gazetteer."""
    lowest = next(f for f in PLACE_FIELDS if f in named)
    units = gazetteer.units(named[lowest], LEVEL_OF_FIELD[lowest])
    if not units:
        return None
    chains = [gazetteer.chain(u.code) for u in units]
    return [c for c in chains if all(c.get(LEVEL_OF_FIELD[f]) == v for f, v in named.items())]


# --------------------------------------------------------------------------- extraction


_HAS_CJK = re.compile(r"[\u3400-\u9fff]")


def describe(title: str, subtitle: str, text: str, fallback_title: str, analyzer: Analyzer, *,
             path: str = "", overrides: dict[str, str] | None = None,
             gazetteer: Gazetteer | None = None, chrome: str = "") -> Metadata:
    """The metadata of one report: extracted (a sidecar title counts as the title's
    evidence), then the sidecar's values applied. ``chrome``: the page's site chrome
    (index/reading/chrome.py), evidence of the place and of the date the document was
    issued (``发文日期``), never of its year otherwise (a site's posting dates are no year)."""
    gazetteer = gazetteer or Gazetteer.load()
    overrides = overrides or {}
    sidecar_title = overrides.get("title", "")
    if sidecar_title and sidecar_title != NULL and not _HAS_CJK.search(sidecar_title) and _HAS_CJK.search(title or ""):
        # a title without one Chinese character (a catalogue's English translation, as
        # in corpus-real's MANIFEST.tsv) does not replace the report's own Chinese title
        overrides = {k: v for k, v in overrides.items() if k != "title"}
        sidecar_title = ""
    head_title = sidecar_title if sidecar_title and sidecar_title != NULL else title
    if not head_title and chrome:
        # a page of a collection with no title of its own: the collection's name (its page
        # name) states the year and level as a title would, though it titles no text
        head_title = page_title(chrome.split("\n"))
    info = extract(head_title, subtitle, text, fallback_title, analyzer, gazetteer, path=path, chrome=chrome)
    info = replace(info, title=title or fallback_title)
    if overrides:
        info = apply_overrides(info, overrides, where=path, gazetteer=gazetteer)
    return info


def extract(title: str, subtitle: str, text: str, fallback_title: str, analyzer: Analyzer,
            gazetteer: Gazetteer | None = None, path: str = "", chrome: str = "") -> Metadata:
    gazetteer = gazetteer or Gazetteer.load()
    head = f"{title} {subtitle}"
    places = resolve_places(head, f"{text}\n{chrome}" if chrome else text, path, gazetteer, analyzer)
    year, review_year = years(head, text, chrome)
    return Metadata(title or fallback_title, places["town"], places["county"], year,
                    places["province"], places["city"], places["level"], review_year)


def resolve_places(head: str, text: str, path: str, gazetteer: Gazetteer,
                   analyzer: Analyzer | None = None) -> dict[str, str | None]:
    """``{town, county, city, province, level}`` of the place a report is about.

    1. The title, subtitle and file path decide first: the lowest-level place they name
       is the subject (``2026年安徽省政府工作报告`` → 安徽省, ``郑州市金水区丰产路街道…`` →
       丰产路街道), unless the text shows it is a town's report (more 全镇/本镇 than
       全县/全市) about a town under it.
    2. Else the title or opening says who speaks (``国务院`` in the title, ``我代表国务院``
       → national; ``我代表省人民政府`` → province).
    3. Else the level the text clearly speaks for most (全国/我国, 全省, 全市, 全县, 全镇),
       then the most mentioned town (twice or more), county, city, province (three
       times or more).

    A town the gazetteer does not list is found by the shape of its name in the title or
    the opening lines (index/reading/town_names.py; see :func:`_unlisted_wins` for when it is the
    subject). ``analyzer``: its dictionary tells a town's name from the end of a longer
    word (森林城镇) where a shared name is named only once.

    A name several places share (新华路街道, 城关镇, 鼓楼区) is resolved by the unit written
    right before it (``巩义市回郭镇``), else by which of their counties, cities or provinces
    the report names most; when nothing decides, only what they have in common is kept
    (the town's name, and e.g. the province if all are in one).
    """
    raw_head, raw_text = head, text
    head, text = normalize(head), normalize(text)
    unlisted = town_names.find(raw_head, raw_text, gazetteer, head, text, analyzer)
    stem = normalize(str(PurePosixPath(path).with_suffix(""))) if path else ""
    head_mentions = gazetteer.scan(head) + gazetteer.scan(stem)
    # a place's name never runs across the end of a sentence or a line (建设。乡镇…, a heading
    # 基础设施建设 / 乡镇将…): the body is scanned sentence by sentence
    sentences = _Sentences(raw_text)
    body_mentions = [m for m in gazetteer.scan(text) if sentences.hold(m.name)]
    if unlisted:  # 金果园街道 is not the listed 果园街道 when that is never named on its own
        head_mentions = [m for m in head_mentions if not _only_inside(m.name, unlisted.name, head + "\n" + text)]
        body_mentions = [m for m in body_mentions if not _only_inside(m.name, unlisted.name, head + "\n" + text)]
    counts: Counter[str] = Counter()
    for m in head_mentions:
        counts[m.name] += HEAD_WEIGHT
    for m in body_mentions:
        counts[m.name] += 1
    qualified: dict[str, set[str]] = {}
    for mentions in (gazetteer.scan(head), gazetteer.scan(stem), body_mentions):
        for i, codes in gazetteer.qualified_codes(mentions).items():
            qualified.setdefault(mentions[i].name, set()).update(codes)

    result: dict[str, str | None] = {"town": None, "county": None, "city": None, "province": None, "level": None}
    name, level = _subject(head_mentions, body_mentions, counts, head, text, gazetteer, raw_text, analyzer)
    if unlisted and _unlisted_wins(unlisted, name, level, {m.name for m in head_mentions}, text):
        county = unlisted.after if unlisted.after and "county" in gazetteer.level_of(unlisted.after) else None
        # (read as written, lines apart: a line's end runs into no unit, 花蓮縣報導 / 花蓮縣萬榮鄉 names no 报导花莲县)
        county = (county or _county_before(unlisted.name, simplified(raw_head + "\n" + raw_text))
                  or _county_of_bodies(body_mentions, text, gazetteer))
        result.update(town=unlisted.name, county=county, level="township")
        if result["county"]:
            result.update(_complete_county(result["county"], counts, gazetteer))
        elif unlisted.after:  # a city or province right before the town
            located = _locate(unlisted.after, min(gazetteer.level_of(unlisted.after), key=PLACE_LEVELS.index),
                              counts, qualified, gazetteer)
            result.update({k: v for k, v in located.items() if k in ("city", "province") and v})
        return result
    if name:
        result["level"] = level
        result.update({k: v for k, v in _locate(name, level, counts, qualified, gazetteer).items() if v})
        if level == "township" and not result["county"]:
            county = _county_written_before(name, head + " " + text, gazetteer)
            if county:
                result["county"] = county
                result.update(_complete_county(county, counts, gazetteer))
        return result
    result["level"] = level
    return result


SENTENCE_BREAK = re.compile(r"[。！？!?；;\n]")


class _Sentences:
    """Whether a name is written whole inside one sentence or line of a raw text: at once
    when the raw text holds it as written, else in its normalized sentences (traditional
    script, spaces), normalized once."""

    def __init__(self, raw: str):
        self.raw = raw
        self.norm: str | None = None

    def hold(self, name: str) -> bool:
        if name in self.raw:
            return True
        if self.norm is None:
            self.norm = normalize(SENTENCE_BREAK.sub("x", self.raw))  # x: a letter no place's name holds
        return name in self.norm


def _only_inside(listed: str, unlisted: str, text: str) -> bool:
    """``listed`` (果园街道) is a proper end of ``unlisted`` (金果园街道) and never occurs
    in ``text`` but as part of it."""
    return listed != unlisted and unlisted.endswith(listed) and text.count(listed) == text.count(unlisted)


def _unlisted_wins(town: town_names.UnlistedTown, name: str, level: str | None, head_names: set[str],
                   text: str) -> bool:
    """Whether a town the gazetteer does not list is the report's subject: the title
    decides first (a listed town in it wins; a listed county, city or province wins
    unless the town is written right after it, ``新密市青石沟镇``, or the text speaks
    for a town: more 全镇/本镇 than 全县/全市); a town named only in the opening lines
    counts when nothing else is known but, at most, that it is a town's report."""
    from_head = bool(name) and name in head_names
    if from_head and level == "township":
        return False
    if town.in_head:
        if from_head:
            return town.after == name or len(SELF_TOWN.findall(text)) > len(SELF_ABOVE.findall(text))
        return level != NATIONAL or not name
    return not name and level in (None, "township")


def _subject(head_mentions: list[Mention], body_mentions: list[Mention], counts: Counter,
             head: str, text: str, gazetteer: Gazetteer, raw_text: str = "",
             analyzer: Analyzer | None = None) -> tuple[str, str | None]:
    """``(name, level)`` of the subject; ``("", level)`` when only the level is known
    (``我代表国务院``: national), ``("", None)`` when nothing is."""
    def lowest(mentions: list[Mention]) -> tuple[str, str] | None:
        best = None
        for m in mentions:
            for level in gazetteer.level_of(m.name):
                key = (PLACE_LEVELS.index(level), -counts[m.name])
                if best is None or key < best[0]:
                    best = (key, (m.name, level))
        return best[1] if best else None

    from_head = lowest(head_mentions)
    if from_head:
        name, level = from_head
        if level != "township":
            town = _top(body_mentions, counts, "township", gazetteer, MIN_TOWN_MENTIONS)
            if town and len(SELF_TOWN.findall(text)) > len(SELF_ABOVE.findall(text)) and any(
                    name in gazetteer.chain(u.code).values() for u in gazetteer.units(town, "township")):
                return town, "township"
        return from_head
    opening = head + " " + text[:OPENING_CHARS]
    if NATIONAL_IN_TITLE.search(head) or NATIONAL_EVIDENCE.search(opening):
        return "", NATIONAL
    congress = _congress_unit(body_mentions, text, gazetteer)
    speaker = SPEAKER.search(opening)
    if speaker:
        full = speaker.group(1) + speaker.group(2)
        levels = gazetteer.level_of(full) if speaker.group(1) else set()
        if levels:
            return full, min(levels, key=PLACE_LEVELS.index)
        level = SUFFIX_LEVEL[speaker.group(2)]  # "我代表省人民政府": which province, the text says
        found = _top(body_mentions, counts, level, gazetteer, MIN_PLACE_MENTIONS)
        if not found and congress and congress[1] == level:
            found = congress[0]  # 我代表旗人民政府 under 在东乌珠穆沁旗第十六届人民代表大会…上
        if not found and level == "township":  # 我代表镇人民政府: the one town it names, as below
            found = _named_once(body_mentions, text, gazetteer, raw_text, analyzer)
        return found or "", level
    # the level the report speaks for most (全国/我国, 全省, 全市, 全县, 全镇), if clearly so
    said = Counter({level: len(pattern.findall(text)) for level, pattern in SELF_WORDS.items()})
    (first, n1), (_, n2) = said.most_common(2)
    if n1 >= MIN_SELF_WORDS and n1 >= 2 * n2:
        if first == NATIONAL:
            return "", NATIONAL
        found = _top(body_mentions, counts, first, gazetteer, 1)
        if found and first == "township" and counts[found] < MIN_TOWN_MENTIONS and not _kind_fits(found, text):
            found = None
        if not found and congress and congress[1] == first:
            found = congress[0]
        return found or "", first
    if congress and said[congress[1]] and said[congress[1]] == n1:
        # the unit whose people's congress the opening names, when the text speaks as that
        # unit (全县, 我县) at least as much as as any other: 桃源县第十五届人民代表大会…开幕
        return congress
    bare = BARE_CONGRESS.search(simplified(raw_text or text)[:OPENING_CHARS]) if not said["township"] else None
    if bare:
        # a session of the text's own level, its unit unnamed there (出席县十六届人大二次会议…, a
        # text that never speaks as a town's): the one unit of that level it names anywhere (the
        # site's footer too: 主办单位:某某县人大常委会), else the level alone
        level = SUFFIX_LEVEL[bare.group(1)]
        # (市: a city's, or a county-level city's: 瑞安市)
        levels = (level, "county") if bare.group(1) == "市" else (level,)
        named = {m.name for m in body_mentions if gazetteer.level_of(m.name) & set(levels)}
        if len(named) == 1:
            name = named.pop()
            return name, next(x for x in levels if x in gazetteer.level_of(name))
        return "", level
    for level in PLACE_LEVELS:
        least = MIN_TOWN_MENTIONS if level == "township" else MIN_PLACE_MENTIONS
        top = _top(body_mentions, counts, level, gazetteer, least)
        if top:
            return top, level
        if level == "township":
            once = _named_once(body_mentions, text, gazetteer, raw_text, analyzer)
            if once:
                return once, level
    # no place named: a text that speaks as a town's (我镇, 镇党委, 街道办事处) more than as a
    # higher level's is a town's report all the same
    town_words = len(TOWN_VOICE.findall(text))
    if town_words >= MIN_TOWN_VOICE and town_words > len(SELF_ABOVE.findall(text)):
        return "", "township"
    if TOWN_SUBJECT.match(head.strip() or text.lstrip()):  # (no title: the text's first line)
        return "", "township"  # 街道2021年工作总结, 镇政府2020年工作总结: a town's report, its name left out
    return "", None


# a unit's people's congress, its name right before it: 桃源县第十五届人民代表大会
CONGRESS_OF = re.compile(r"第[一二三四五六七八九十\d]{1,3}届(?:人民代表大会|人大)")  # (人大: its short name)
# a session named by its level alone, no unit's name before it: 出席县十六届人大二次会议的代表, 县第十七届人大…
BARE_CONGRESS = re.compile(r"(?:(?<![\u4e00-\u9fff])|(?<=出席|召开|参加|列席|举行))(县|旗|市|区)第?"
                           r"[一二三四五六七八九十]{1,3}届(?:人民代表大会|人大)")


def _congress_unit(mentions: list[Mention], text: str, gazetteer: Gazetteer) -> tuple[str, str] | None:
    """``(name, level)`` of the first unit above a town whose people's congress the opening
    names (``在东乌珠穆沁旗第十六届人民代表大会第一次会议上``): the body holding the session,
    whose report or news it is; else None. A town's session lines are read by the town rules."""
    for m in mentions:
        if m.start >= OPENING_CHARS:
            break
        if CONGRESS_OF.match(text, m.end):
            levels = gazetteer.level_of(m.name) - {"township"}
            if levels:
                return m.name, min(levels, key=PLACE_LEVELS.index)
    return None


WORD_RUN = re.compile(r"[^\W_]+")  # characters between punctuation and spaces


# the kind of town a text speaks as: 全镇/我镇 (a 镇's), 全乡 (a 乡's), 全街道/本街道 (a 街道's)
SELF_KIND = {kind: re.compile(r"[全我本该]" + kind) for kind in ("镇", "乡", "街道")}


def _kind_fits(name: str, text: str) -> bool:
    """A town named once is a report's subject only if it is of a kind the text speaks as
    (or the text speaks as none): a text that says 全镇 and never 全街道 is no 街道's
    (…与狼山镇街道沟通, named in passing)."""
    said = {k for k, pattern in SELF_KIND.items() if pattern.search(text)}
    kind = next((k for k in SELF_KIND if name.endswith(k)), None)
    return not said or kind is None or kind in said


def _named_once(mentions: list[Mention], text: str, gazetteer: Gazetteer, raw_text: str,
                analyzer: Analyzer | None = None) -> str | None:
    """The one town a report names, named once, when that is enough: the gazetteer has a
    single town of that name, or the unit written right before it (荥阳市高山镇) is
    above one of its towns, and the text does not speak for a higher level (no more
    全县/全市 than 全镇/本乡). The name must be written whole, between punctuation
    (团结一心，乡镇企业 names no 一心乡), and not run on into 乡镇."""
    runs = [normalize(run) for run in WORD_RUN.findall(raw_text or text)]
    # a name read across punctuation is none (党的建设、乡村振兴 names no 建设乡)
    towns = {m.name for m in mentions if "township" in gazetteer.level_of(m.name)
             and any(m.name in run and not (m.name.endswith("乡") and m.name + "镇" in run) for run in runs)}
    if len(towns) != 1 or len(SELF_ABOVE.findall(text)) > len(SELF_TOWN.findall(text)):
        return None
    name = towns.pop()
    if not _kind_fits(name, text):
        return None
    if len(gazetteer.units(name, "township")) == 1 or gazetteer.qualified_codes(mentions):
        return name
    # a name several towns share, in a text that speaks as a town's (我镇, 镇党委, 街道办事处):
    # that town, its county left to what the text says; unless its first character makes a
    # word with the one before it (森林城镇 names no 林城镇, 最新乡镇 no 新乡镇)
    if len(TOWN_VOICE.findall(text)) >= MIN_TOWN_VOICE and analyzer is not None:
        written = simplified(raw_text or text)  # as written: punctuation between words stays
        starts = [m.start() for m in re.finditer(re.escape(name), written)]
        if starts and not any(k > 0 and analyzer.is_word(written[k - 1:k + 1]) for k in starts):
            return name
    return None


def _top(mentions: list[Mention], counts: Counter, level: str, gazetteer: Gazetteer, least: int) -> str | None:
    names = {m.name for m in mentions if level in gazetteer.level_of(m.name)}
    if not names:
        return None
    # most mentioned; on a tie, the one named first
    first = {}
    for m in mentions:
        first.setdefault(m.name, m.start)
    best = max(names, key=lambda n: (counts[n], -first[n]))
    return best if counts[best] >= least else None


def _locate(name: str, level: str, counts: Counter, qualified: dict[str, set[str]],
            gazetteer: Gazetteer) -> dict[str, str | None]:
    """The place's chain of names, from the one unit ``name`` means, or only what all
    the candidates share when the report does not say which."""
    units = gazetteer.units(name, level)
    allowed = qualified.get(name)
    if allowed and any(u.code in allowed for u in units):
        units = [u for u in units if u.code in allowed]
    chains = [gazetteer.chain(u.code) for u in units]
    above = PLACE_LEVELS[PLACE_LEVELS.index(level) + 1:]
    for up in above:
        if len(chains) <= 1:
            break
        score = [counts[c.get(up, "")] if c.get(up) else 0 for c in chains]
        top = max(score)
        if top:
            chains = [c for c, s in zip(chains, score) if s == top]
    out = {"town": None, "county": None, "city": None, "province": None}
    for f in PLACE_FIELDS:
        values = {c.get(LEVEL_OF_FIELD[f]) for c in chains}
        if len(values) == 1:
            out[f] = values.pop()
    out[dict(zip(PLACE_LEVELS, PLACE_FIELDS))[level]] = name
    return out


def _complete_county(county: str, counts: Counter, gazetteer: Gazetteer) -> dict[str, str | None]:
    located = _locate(county, "county", counts, {}, gazetteer) if gazetteer.units(county, "county") else {}
    return {k: v for k, v in located.items() if k in ("city", "province") and v}


def _county_written_before(town: str, text: str, gazetteer: Gazetteer) -> str | None:
    """A county of the town written right before it, however short (淇县 in 鹤壁淇县西岗镇,
    a two-character name the scan only takes after its city's full name)."""
    counties = {gazetteer.chain(u.code).get("county") for u in gazetteer.units(town, "township")}
    for m in re.finditer(re.escape(town), text):
        for length in range(2, 8):
            before = text[max(0, m.start() - length):m.start()]
            if len(before) == length and before in counties:
                return before
    return None


# a county's own bodies, named right after it: 江油市人大常委会, 潜山市委, 某某县人民政府
COUNTY_BODY = re.compile(r"人大常委会|人民代表大会|人民政府|政府|党委|委(?!托)")


def _county_of_bodies(mentions: list[Mention], text: str, gazetteer: Gazetteer) -> str | None:
    """The county of a town the gazetteer does not list, named nowhere before it: the one
    county-level unit the text names, named with one of its bodies (``请示江油市人大常委会``,
    ``潜山市委、市政府``: the unit above the town, whose bodies a town answers to); None
    when it names another county-level unit too, or that one only in passing."""
    counties = {m.name for m in mentions if "county" in gazetteer.level_of(m.name)}
    if len(counties) != 1:
        return None
    name = counties.pop()
    return name if any(m.name == name and COUNTY_BODY.match(text, m.end) for m in mentions) else None


def _county_before(town: str, text: str) -> str | None:
    """"巩义市回郭镇": the unit written right before the town."""
    before = Counter(re.findall(r"([\u4e00-\u9fff]{2,4}[市区县])" + re.escape(town), text))
    return before.most_common(1)[0][0] if before else None


# The date a report was given or a meeting held, written in its opening: a session line
# (2024年1月23日在某某镇第二十届人民代表大会第八次会议上, 于2015年5月19日顺利召开), a dated line
# (（2019年6月）) or a date standing alone (2024-12-28, 2019年6月26日, a template's 2014年 月 日).
# Posting dates of sites are chrome (index/reading/chrome.py) and never reach this text; a
# date with a time of day (2024年04月06日 16:40) is a posting date wherever it stands.
_YEAR = r"((?:19[4-9]|20[0-9])\d)"
_DATE = _YEAR + r"\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
SESSION_LINE = re.compile(_DATE + r"[^。！？\n]{0,40}?(?:会议|大会|會議|大會|届|屆|召开|召開|举行|舉行|开幕|開幕)")
# a news item or notice opens with its date: 2017年9月29日，在…指导下…
DATE_FIRST = re.compile(r"^[\s•·—\-–]*(?:(?:date|Date|DATE|日期)\s*[:：]?\s*)?(?:" + _DATE
                        + "|" + _YEAR + r"-\d{1,2}-\d{1,2}(?=\s))", re.M)  # …or 2026-01-31, a site's label before it
DATED_LINE = re.compile(r"^[\s•·—\-–]*[（(]\s*" + _YEAR + r"\s*年(?:\s*\d{1,2}\s*月)?(?:\s*\d{1,2}\s*日)?\s*[)）]\s*$"
                        r"|^[\s•·—\-–]*" + _YEAR + r"[-./]\d{1,2}[-./]\d{1,2}\s*$"
                        r"|^[\s•·—\-–]*" + _YEAR + r"\s*年[\s\u3000]*\d{0,2}[\s\u3000]*月(?:[\s\u3000]*\d{0,2}[\s\u3000]*日)?\s*$"
                        r"|^[\s•·]*时间\s*[:：]\s*" + _YEAR + r"\s*年", re.M)
SESSION_CHARS = OPENING_CHARS  # where the opening ends: a date later on is part of the text
# the date a document was issued, in its page's publication data (发文日期: 2024年04月06日):
# the document's own date, unlike a site's posting date (发布时间)
ISSUE_DATE = re.compile(r"(?:发文日期|成文日期|發文日期|成文日期)\s*[\]】]?\s*[:：]\s*" + _YEAR)
# a year written as what a text is about: 2021年半年工作总结, 2010年度工作总结表彰大会,
# 2024年中期工作推动会, 一、2023年工作总结 (not 2002年全乡总收入: a figure of that year)
LABEL_WORDS = (r"工作|总结|總結|报告|報告|计划|計劃|要点|要點|汇报|匯報|述职|述職|会议|會議|大会|大會|推进会|推動會|推动会|部署会"
               r"|目标|目標|任务|任務|要求")
LABELLED_YEAR = re.compile(_YEAR + r"\s*年[^，,。！？；;：:\n“”《》]{0,12}?(?:" + LABEL_WORDS + ")"
                           r"|" + _DATE + r"\s*(?:起施行|起实施|起執行|印发|发布|通过|施行)")
# a year a report looks back on (2017年工作回顾, 回顾过去的2018年): the report itself is
# labelled by a later year, its session's
REVIEWED_YEAR = re.compile(_YEAR + r"\s*年[^，,。！？；;\n]{0,6}?(?:回顾|回顧)|(?:回顾|回顧)(?:了)?(?:过去的|過去的)?" + _YEAR + r"\s*年"
                           # a meeting's news: 回顾总结了2013年的工作, 对2011年度各项工作进行了总结
                           # …回顾总结了双沟镇2019年工作 (whose work between them)
                           r"|(?:总结|總結)(?:了)?(?:[^，,。！？；;\n\d年]{0,6}?(?:镇|乡|街道|鎮|鄉))?" + _YEAR + r"\s*年"
                           r"|对" + _YEAR + r"\s*年[^，,。！？；;\n]{0,10}?(?:进行了?|作了?|做了?)(?:总结|回顾|總結|回顧)"
                           # a review of a period and of a year: “十一五”期间工作回顾和2010年工作情况
                           r"|(?:回顾|回顧)(?:和|及|与|與)" + _YEAR + r"\s*年")
# a meeting the text says was held, named by a year: 召开了2020年度年终工作总结、…部署会 (its news is
# labelled by that year even when the meeting looks back on it)
MEETING_YEAR = re.compile(r"召开(?:了)?\s*" + _YEAR + r"\s*年[^，,。！？；;\n]{0,24}?(?:会议|大会|会)")
# a session of a people's congress: 第六届人民代表大会第三次会议, 人代会; or of the council a 街道,
# which has no congress, holds in its stead to hear its reports and vote its budget (议政会, 议政代表)
CONGRESS = re.compile(r"(?:人民代表大会|人大)第[一二三四五六七八九十\d]+次会议|人代会|议政(?:会|代表)")
# the budget a session approves, of the year it plans and meets in: 2023年财政预算(草案), 2020年预算草案
BUDGET_YEAR = re.compile(_YEAR + r"\s*年度?(?:财政|本级)?预算\s*[（(]?草案")
# the sentence in which a text says what it is: 现将2022年度工作具体汇报如下
SELF_LABEL = re.compile(r"现将[^。！？!?\n]{0,30}?" + _YEAR + r"\s*年[^。！？!?\n]{0,30}?如下")
# a title's year this much later than its session line's: a session held late in the year
LATE_SESSION = 1
MIN_YEAR_MENTIONS = 2  # a year only counted (no title, date or label) must be written this often
# a news item opens with the day, its year left to the page: 7月27日上午，东湖街道召开… (after its
# source's name at most: 新田新闻网(通讯员 某某)3月28日，…)
NEWS_DAY = re.compile(r"^[^。！？!?，,\n\d]{0,24}?(?<![年\d])(\d{1,2})\s*月\s*(\d{1,2})\s*日", re.M)
NEWS_LINES = 3  # lines of the text's opening where its day stands
# the day a page was posted, in its publication data: 发布日期:2018-07-30, 时间:2024-12-12
POSTED = re.compile(r"(?:发布日期|发布时间|发表时间|更新时间|时间|日期)\s*[\]】]?\s*[:：]\s*" + _YEAR
                    + r"\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})")
# …or the page's posting time alone, a date with its time of day: 2021年01月18日 12:44:23来源:…
POSTED_TIME = re.compile(_YEAR + r"\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?\s+\d{1,2}[:：]\d{2}")
# …or the day a site wrote in brackets after the page's title (cut off it: chrome.title_day)
TITLE_POSTED = re.compile(r"^[（(【\[]?\s*" + _YEAR + r"\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?\s*[)）】\]]?$", re.M)
NEAR_POSTING = 1  # years from the posting year a text may name and still be posted the year it happened
MAX_POSTING_DELAY = 31  # days between a news item's day and its posting that make them one year's
# …or opens with "recently" instead of its day: 近日，眉山市…召开… (日前, 近期)
RECENT = re.compile(r"^[^。！？!?，,\n\d]{0,24}?(?:近日|日前)[，,]", re.M)
CHROME_DATE = re.compile(_DATE)  # a day written in full among a page's chrome: 内容详情 2020年07月22日 返回该版首页


def _posted(chrome: str, opening: str = ""):
    """The page's posting date (``发布日期:2018-07-30``, else a posting time ``2021年01月18日
    12:44``) in its chrome, else in ``opening`` (a byline of the text): the match, or None."""
    return (POSTED.search(chrome) or POSTED.search(opening) or POSTED_TIME.search(chrome) or POSTED_TIME.search(opening)
            or TITLE_POSTED.search(chrome))


def news_year(text: str, chrome: str) -> int | None:
    """The year of a news item that opens with its day but no year (``7月27日上午，…``), from
    the day its page was posted (``发布日期:2018-07-30``, else a posting time ``2021年01月18日
    12:44``, in the chrome or a byline of the text) when that is the same day or up to :data:`MAX_POSTING_DELAY` days after it (a news
    item of 12月30日 posted 2025-01-02 is of 2024), or later in the same year when the text names
    no year more than :data:`NEAR_POSTING` from that one (3月28日 posted 2017-10-26, no year in its
    text, is of 2017); an item that opens with 近日 or 日前 (:data:`RECENT`)
    instead of its day is of the year its page was posted or dated (:data:`CHROME_DATE`); else
    None (a page posted long after the event, or whose text speaks of other years, says nothing of its year)."""
    opening = "\n".join([x for x in text.split("\n") if x.strip()][:NEWS_LINES])
    day = NEWS_DAY.search(opening)
    posted = _posted(chrome, opening)
    if not day and RECENT.search(opening):
        # 近日，…召开: the item says it happened days before it was written, so its page's
        # date is its year's (a posting date, or the e-edition's date among the chrome)
        dated = posted or CHROME_DATE.search(chrome)
        return int(dated.group(1)) if dated else None
    if not day or not posted:
        return None
    try:
        when = date(*map(int, posted.groups()))
    except ValueError:
        return None
    for year in (when.year, when.year - 1):
        try:
            delay = (when - date(year, int(day.group(1)), int(day.group(2)))).days
        except ValueError:
            continue
        if 0 <= delay <= MAX_POSTING_DELAY:
            return year
        if year == when.year and delay > 0 and all(
                abs(int(y) - year) <= NEAR_POSTING for y in YEAR_IN_TEXT.findall(text)):
            # posted later in the same year, and the text names no year but that one or its
            # neighbours (2021年的成绩, 2022年的任务): the item is of the year it was posted;
            # a page of 2022 about a day whose text speaks of 2013 and 2014 is an old story put up again
            return year
    return None


# a meeting the opening says a report was given at: ——在某某镇第四届人民代表大会第三次会议上
AT_MEETING = re.compile(r"在[^。！？!?\n]{2,60}(?:会议|會議|大会|大會)上")


def _opening(text: str) -> str:
    """The first :data:`SESSION_CHARS` characters of a text, without its last line when the
    text is no longer: the date that signs a short text closes it, it opens nothing."""
    if len(text) > SESSION_CHARS:
        return text[:SESSION_CHARS]
    lines = text.rstrip().split("\n")
    return "\n".join(lines[:-1]) if len(lines) > 1 else text


def session_year(head: str, text: str, dates: bool = True) -> int | None:
    """The year of the session or date line in the title lines or the opening, if any;
    with ``dates`` false, of a session line only, or a date line beside a meeting the
    opening names (``——在…会议上`` / ``（2024年12月23日）``)."""
    for part in (head, _opening(text)):
        for pattern in (SESSION_LINE, DATED_LINE, DATE_FIRST):
            m = pattern.search(part)
            if m and (dates or pattern is SESSION_LINE or AT_MEETING.search(part)):
                return int(next(g for g in m.groups() if g))
    return None


CN_DIGITS = {c: str(k) for k, cs in enumerate(("〇零OＯ○", "一", "二", "三", "四", "五", "六", "七", "八", "九")) for c in cs}
_CN_DIGIT = "[" + "".join(CN_DIGITS) + "]"
# a year written in Chinese numerals: 二〇一九年 (four digits), or a Taiwan (ROC) year, 民国
# and its number (民國103年) or three Chinese numerals from 一〇〇 (一一四年施政成果报告)
CN_YEAR = re.compile(rf"(?<!{_CN_DIGIT})([一二]{_CN_DIGIT}{{3}})(?=\s*年)")
ROC_YEAR = re.compile(rf"(?:中[华華]民[国國]|民[国國])\s*(\d{{2,3}}|{_CN_DIGIT}{{2,3}})(?=\s*年)"
                      rf"|(?<!{_CN_DIGIT})(一{_CN_DIGIT}{{2}})(?=\s*年)")
ROC_BASE = 1911
CN_YEAR_HINT = re.compile(rf"{_CN_DIGIT}{{3}}\s*年|民[国國]")


# …or in Arabic numerals in a text in traditional script, as a fiscal year (113年度) or with its
# month (113年3月): 100 to 119, the years 2011 to 2030 (a mainland text counts no such years)
ROC_ARABIC = re.compile(r"(?<![\d.])(1[01]\d)(?=\s*年(?:度|\s*\d{1,2}\s*月))")
MIN_TRADITIONAL = 0.05  # share of a text's Chinese characters in traditional form that makes it a traditional text
TRADITIONAL_SAMPLE = 2000  # characters of a text looked at for its script


def traditional(text: str) -> bool:
    """Whether a text is written in traditional characters: at least :data:`MIN_TRADITIONAL`
    of the Chinese characters of its first :data:`TRADITIONAL_SAMPLE` differ from their
    simplified form."""
    sample = text[:TRADITIONAL_SAMPLE]
    chinese = len(_HAS_CJK.findall(sample))
    if not chinese:
        return False
    changed = sum(a != b for a, b in zip(sample, simplified(sample)))
    return changed >= MIN_TRADITIONAL * chinese


def arabic_years(text: str, roc: bool = False) -> str:
    """Years written in Chinese numerals and Taiwan (ROC) years as the years the other
    rules read: 二〇一九年 → 2019年, 民國103年 and 一〇三年 → 2014年; with ``roc`` (a text in
    traditional script) 113年度 and 113年3月 → 2024年."""
    if roc:
        text = ROC_ARABIC.sub(lambda m: str(ROC_BASE + int(m.group(1))), text)
    if not CN_YEAR_HINT.search(text):
        return text  # the common case, checked at once
    def roc(m: re.Match) -> str:
        number = m.group(1) or m.group(2)
        return str(ROC_BASE + int("".join(CN_DIGITS.get(c, c) for c in number)))
    text = CN_YEAR.sub(lambda m: "".join(CN_DIGITS[c] for c in m.group(1)), text)
    return ROC_YEAR.sub(roc, text)


def years(head: str, text: str, chrome: str = "") -> tuple[int | None, int | None]:
    """``(year, review_year)``: a report is labelled by, in this order, its session or
    date line (in the opening; a date line alone, with no meeting beside it, only when the title
    names no year: a day under a title is when it was posted or signed), unless its title names the next year (a session held late in
    the year before: the title's year, :data:`LATE_SESSION`); the first year of its title; the date its page says it
    was issued (``发文日期``, in ``chrome``); the year of a news item's day from the day its
    page was posted (:func:`news_year`), or of a people's congress's news whose only year is
    the one it reviews, from a posting date in the year after (the session meets in the year it
    plans); the year it mentions most, at least
    :data:`MIN_YEAR_MENTIONS` times (on a tie one written as a label, else the
    earlier: the later is usually next year's plan; but of two years in a row, the later in
    the news of a people's congress session, which meets in the year it plans); the last date standing on a line of
    its own (the date a document is signed); else a year written once as the label of
    the text (``召开2021年半年工作总结会``, ``2024年经济社会发展的总体要求``,
    ``自2018年5月1日起施行``), or of a meeting it says was held (``召开了2020年度…总结会``,
    though the meeting looks back on that year); else the only year the text names. A year the report only looks back on
    (``2017年工作回顾``, ``對2020年度…做了總結``, ``…回顾和2010年工作情况``) does not label it, its
    session's year does (None when it gives none), and a year before it (a past figure:
    ``2009年度先进单位``) labels it in no rule.
    Every rule reads the text in simplified characters (a text in traditional script reads
    113年度 as 2024年: :data:`ROC_ARABIC`). ``review_year`` is
    the year it looks back on: the title's year, else the most mentioned year before
    the session year, else a reviewed year, else the same year."""
    # read in simplified characters, one for one: 現將…如下 is 现将…如下 (any script, one rule set)
    roc = traditional(text)  # (judged on the text as written)
    head, text, chrome = (arabic_years(simplified(x), roc) for x in (head, text, chrome))
    posted_news = news_year(text, chrome)
    text = TIMESTAMP.sub(" ", text)  # a posting time is never the report's year
    in_title = [int(y) for y in YEAR_IN_TITLE.findall(head)]
    session = session_year(head, text)
    counts = Counter(int(y) for y in YEAR_IN_TEXT.findall(text))
    reviewed = {int(next(g for g in m.groups() if g)) for m in REVIEWED_YEAR.finditer(text)}
    # a year before one the report looks back on is a past year's figure, never its label
    past = max(reviewed) if reviewed else 0
    labelled = [int(next(g for g in m.groups() if g)) for m in LABELLED_YEAR.finditer(text)]
    counted = None
    if counts:
        top = max(counts.values())
        counted = min(y for y, n in counts.items() if n == top)
    if session and in_title and session_year(head, text, dates=False) is None:
        session = None  # a date alone under a title (a posting or signing day): the title's year labels it
    year = session or (in_title[0] if in_title else None)
    if session and in_title and in_title[0] == session + LATE_SESSION:
        # a session held late in the year before the one its report is titled by: 青禾乡2025年
        # 政府工作报告, given on 2024年12月23日, is 2025's; it looks back on the session's year
        return in_title[0], max((y for y in reviewed if y < in_title[0]), default=session)
    if year is None:
        said = SELF_LABEL.search(text)
        year = int(next(g for g in said.groups() if g)) if said else None
    if year is None:
        issued = ISSUE_DATE.search(chrome)
        year = int(issued.group(1)) if issued else None
    if year is None:
        year = posted_news
    congress = CONGRESS.search(text)
    if year is None and reviewed and congress:
        # a people's congress's news whose only year is the one it reviews, on a page posted
        # the year after: the session met in the year it plans (對2007年的政府工作進行了回顧, 2008-03-06)
        posted = _posted(chrome)
        if posted and int(posted.group(1)) == max(reviewed) + 1:
            year = int(posted.group(1))
    if year is None and congress:
        # …else the year of the budget it approves (2022年财政预算执行情况及2023年财政预算(草案)):
        # the session meets in the year it plans, whichever year its reports name most; a
        # budget of a year the report looks back on is a paper's stale name (府城镇2014年财政预算
        # 执行情况和2015年财政预算(草案) at a session whose report 总结了2015年以来的工作)
        budgets = [int(y) for y in BUDGET_YEAR.findall(text)]
        if budgets and max(budgets) > past:
            # it looks back on the year its reports name most, when that is earlier
            return max(budgets), (counted if counted is not None and counted < max(budgets) else max(budgets))
    if year is None:
        candidates = {y: n for y, n in counts.items() if y not in reviewed and y >= past}
        if candidates and max(candidates.values()) >= MIN_YEAR_MENTIONS:
            top = max(candidates.values())
            tied = sorted(y for y, n in candidates.items() if n == top)
            year = next((y for y in tied if y in labelled), tied[0])
            if len(tied) == 2 and tied[1] == tied[0] + 1 and CONGRESS.search(text):
                # a people's congress meets early in the year it plans, reviewing the one before
                year = tied[1]
    if year is None:
        # the date a document is signed, on a line of its own at its end (or anywhere)
        signed = [int(next(g for g in m.groups() if g)) for m in DATED_LINE.finditer(text)]
        year = signed[-1] if signed else None
    if year is None:
        year = next((y for y in labelled if y not in reviewed and y >= past), None)
    if year is None:
        held = MEETING_YEAR.search(text)
        year = int(held.group(1)) if held else None
    if year is None:
        # the only year a text names, once: most likely its own (a figure of that year, a deadline)
        only = [y for y in counts if y not in reviewed and y >= past]
        year = only[0] if len(only) == 1 else None
    if year is None:
        return None, None
    before = [y for y in in_title if y <= year]
    if before:
        return year, before[0]
    earlier = [y for y in counts if y < year]
    if session and earlier and counted is not None and counted < year:
        return year, counted
    looked_back = sorted(y for y in reviewed if y < year)
    if looked_back:
        return year, looked_back[-1]
    return year, year
