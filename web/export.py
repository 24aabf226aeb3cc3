"""CSV export of search results: every field of a hit — the fields of the model with a
CSV column (index/fields.py: town, title, year, section, passage, county, city, province
…), then the place as people read it, the level, report and passage ids, the kind of
match and a link to the passage on the report page.

UTF-8 with a byte-order mark so that Excel on Windows opens Chinese text correctly.
A cell that a spreadsheet would take for a formula (starting with ``=`` ``+`` ``-``
``@``, tab or carriage return — also in their full-width or small forms such as
``＝HYPERLINK(…)``, and after leading spaces) is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable, Iterable
from urllib.parse import quote

from index import fields as field_model
from search.results import Hit

# computed columns: (hit value, header); the place as people read it and the level come
# right after the first export's five columns, the ids, match and link after the model's
PLACE_COLUMNS = (("place_label", "地区"), ("level_label", "级别"))
TAIL_COLUMNS = (("doc_id", "报告编号"), ("passage_id", "段落编号"), ("match", "匹配方式"), ("kind", "段落类型"),
                ("link", "链接"))
FIRST_EXPORT = 5  # the columns of the first export (乡镇, 标题, 年份, 章节, 段落), kept first and in order
MATCH_LABELS = {"exact": "完整匹配", "words": "词匹配", "context": "标题或上文匹配", "partial": "部分匹配",
                "synonym": "同义词"}


def columns() -> list[tuple[str, str]]:
    """(hit value, header) of each column: the first five fields of the model in use with
    an ``export`` position (index/fields.py) — the columns of the first export, in their
    order, so that spreadsheets built on them still read —, the place and level as people
    read them, the model's other export fields (county, city, province, any added field),
    then report and passage ids, the kind of match, the kind of passage and a link."""
    model = [(f.json, f.label or f.json) for f in field_model.current().export_fields]
    out = [*model[:FIRST_EXPORT], *PLACE_COLUMNS, *model[FIRST_EXPORT:], *TAIL_COLUMNS]
    seen: set[str] = set()
    return [c for c in out if not (c[0] in seen or seen.add(c[0]))]


COLUMNS = tuple(columns())  # those of the shipped model
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FILENAME = "govsearch-results.csv"
FILENAME_ZH = "检索结果.csv"
COMPARE_FILENAME = "govsearch-compare.csv"
COMPARE_FILENAME_ZH = "对比.csv"


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet could run ``text`` as a formula: its first character after
    spaces, once full-width and compatibility forms are folded (NFKC: ＝ → =), starts one."""
    start = text.lstrip(" \u3000\u00a0")[:2]
    return unicodedata.normalize("NFKC", start).lstrip(" ").startswith(FORMULA_START) or text.startswith(FORMULA_START)


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if looks_like_formula(text) else text


def cells(hit: Hit, link: Callable[[Hit], str], cols=COLUMNS) -> list[str]:
    values = hit.to_dict()
    values["match"] = MATCH_LABELS.get(hit.match, hit.match)
    values["link"] = link(hit)
    return [safe_cell(values.get(name)) for name, _ in cols]


def to_csv(hits: Iterable[Hit], link: Callable[[Hit], str] = lambda hit: "") -> str:
    """``link``: the address of a hit's passage (the report page at its anchor)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    cols = columns()
    writer.writerow([label for _, label in cols])
    for hit in hits:
        writer.writerow(cells(hit, link, cols))
    return "\ufeff" + out.getvalue()


def content_disposition(name: str = FILENAME, name_zh: str = FILENAME_ZH) -> str:
    """An attachment named ``name_zh`` (browsers take filename*), ``name`` for older clients."""
    return f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name_zh)}"
