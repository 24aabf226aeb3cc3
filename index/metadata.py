"""Report metadata: title, town (镇/乡/街道), county-level unit (市/区/县), year.

Extracted from the text, then overridden by a sidecar table when one is present.

Sidecar format: a tab-separated file named ``metadata.tsv`` (``MANIFEST.tsv`` is read
too) in any folder of the corpus. The first row names the columns; ``file`` is
required and holds file names relative to that folder; any of ``title``, ``town``,
``county``, ``year`` may follow (other columns are ignored). An empty cell keeps the
extracted value; ``-`` sets the field to null::

    file\ttitle\ttown\tcounty\tyear
    xinmi-laiji.txt\t\t\t\t2022
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .analysis import Analyzer
from .normalize import normalize
from .places import Gazetteer

SIDECAR_NAMES = ("metadata.tsv", "MANIFEST.tsv")
FIELDS = ("title", "town", "county", "year")
NULL = "-"

YEAR_IN_TEXT = re.compile(r"(?<![\d.])((?:19[4-9]|20[0-9])\d)\s*年")
YEAR_IN_TITLE = re.compile(r"(?<![\d.])((?:19[4-9]|20[0-9])\d)(?![\d.])")
TOWN_SUFFIXES = ("街道", "镇", "乡")
OPENING_CHARS = 400
NOT_TOWNS = frozenset(
    "全镇 该镇 本镇 乡镇 城镇 小镇 集镇 村镇 镇村 重镇 强镇 名镇 大镇 古镇 中心镇 文明镇 卫生镇 特色小镇 "
    "全乡 该乡 本乡 城乡 家乡 下乡 返乡 回乡 老乡 乡乡 全街道 各街道 该街道 各乡镇 美丽乡 "
    "小城镇 在城镇 新城镇 各城镇 示范镇 重点镇 建制镇 特色镇 上山下乡 城镇化".split()
)


class SidecarError(ValueError):
    pass


@dataclass(frozen=True)
class Metadata:
    title: str
    town: str | None
    county: str | None
    year: int | None


def read_sidecar(path: Path) -> dict[str, dict[str, str]]:
    """``{file name: {field: raw value}}`` for one sidecar table."""
    text = path.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter="\t"))
    if not rows or "file" not in [c.strip() for c in rows[0]]:
        raise SidecarError(f"{path}: the first row must name the columns and include 'file'")
    header = [c.strip() for c in rows[0]]
    out: dict[str, dict[str, str]] = {}
    for row in rows[1:]:
        record = dict(zip(header, (c.strip() for c in row)))
        name = record.get("file")
        if name:
            out[name] = {k: v for k, v in record.items() if k in FIELDS and v}
    return out


def apply_overrides(meta: Metadata, overrides: dict[str, str], where: str = "") -> Metadata:
    values = {"title": meta.title, "town": meta.town, "county": meta.county, "year": meta.year}
    for key, raw in overrides.items():
        if raw == NULL:
            values[key] = "" if key == "title" else None
        elif key == "year":
            if not re.fullmatch(r"\d{4}", raw):
                raise SidecarError(f"{where}: year must be four digits or '-', got {raw!r}")
            values["year"] = int(raw)
        else:
            values[key] = raw
    return Metadata(**values)


def extract(title: str, subtitle: str, text: str, fallback_title: str, analyzer: Analyzer,
            gazetteer: Gazetteer | None = None) -> Metadata:
    gazetteer = gazetteer or Gazetteer.load()
    head = f"{title} {subtitle}"
    town = _town(head, text, analyzer, gazetteer)
    county = _county(town, head, text, gazetteer)
    year = _year(head, text)
    return Metadata(title or fallback_title, town, county, year)


def _town(head: str, text: str, analyzer: Analyzer, gazetteer: Gazetteer) -> str | None:
    counts: Counter[str] = Counter()
    for town in gazetteer.town_counties:
        n = text.count(town) + 3 * head.count(town)
        if n:
            counts[town] = n
    if counts:
        return counts.most_common(1)[0][0]
    # Not in the gazetteer: a jieba word ending in 镇/乡/街道 that the title or the
    # opening of the report names, and that the report mentions at least twice.
    opening = head + "。" + text[:OPENING_CHARS]
    for word in set(analyzer.cut(normalize(opening))):
        if 3 <= len(word) <= 6 and word.endswith(TOWN_SUFFIXES) and word not in NOT_TOWNS:
            n = text.count(word) + 3 * head.count(word)
            if n >= 2:
                counts[word] = n
    return counts.most_common(1)[0][0] if counts else None


def _county(town: str | None, head: str, text: str, gazetteer: Gazetteer) -> str | None:
    if town:
        county = gazetteer.county_of(town)
        if county:
            return county
        # "巩义市回郭镇": the unit written right before the town
        before = Counter(re.findall(r"([\u4e00-\u9fff]{2,4}[市区县])" + re.escape(town), head + text))
        if before:
            return before.most_common(1)[0][0]
        candidates = gazetteer.town_counties.get(town, ())
        counts = Counter({c: text.count(c) for c in candidates})
        if counts and counts.most_common(1)[0][1]:
            return counts.most_common(1)[0][0]
    return None


def _year(head: str, text: str) -> int | None:
    in_title = YEAR_IN_TITLE.findall(head)
    if in_title:
        return int(in_title[0])
    counts = Counter(int(y) for y in YEAR_IN_TEXT.findall(text))
    if not counts:
        return None
    top = max(counts.values())
    # a report looks back on the year it reports; on a tie the earlier year wins
    # (the later one is usually next year's plan)
    return min(y for y, n in counts.items() if n == top)
