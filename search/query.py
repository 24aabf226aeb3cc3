"""The query language.

* words separated by spaces must all match (AND);
* ``"…"`` is an exact phrase (spaces inside are ignored like all punctuation);
* ``-term`` / ``-"…"`` excludes passages containing it;
* ``+term`` is required as written: the partial tier (search/engine.py) never drops
  it, and a heading naming it does not stand in for it (quoted terms are required too);
* ``A OR B`` matches either (binds tighter than the implicit AND);
* ``town:`` ``county:`` ``city:`` ``province:`` ``level:`` ``topic:`` ``year:`` filter (also 镇: 县:
  市: 省: 级别: 主题: 年: ; ``year:2020-2022``); the names come from the field model
  (index/fields.py);
* ``section:`` (``标题:``) keeps passages under a heading containing the value, and
  headings containing it (标题检索).

Every term is matched as a contiguous string of the normalized text. Nothing here
raises anything but :class:`QueryError`, with a message meant for the person who
typed the query; recoverable oddities (a lone ``-``, an unclosed quote, ``*``) become
warnings and the rest of the query still runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index import fields as field_model
from index.errors import QueryError
from index.normalize import normalize

MAX_QUERY_CHARS = 1000
MAX_TERMS = 32

# the shipped model's filter names (town/镇/乡镇/街道 → town, 县 → county, 省 → province, 标题 → section …);
# parsing reads the model in use (index.fields.current())
FILTER_FIELDS = field_model.MODEL.filter_names()
FILTERS = tuple(dict.fromkeys(FILTER_FIELDS.values()))
_FILTER = re.compile(r"^(?P<field>[A-Za-z\u4e00-\u9fff]+)(?P<colon>[:：])(?P<value>.*)$")
# a year or a range as people type it: 2022, 2022年, 2020-2022, 2020年至2022年, 2020——2022
# (the dash a Chinese input method gives), 2020－2022, 2020～2022, 2020到2022
_YEAR = re.compile(r"^(\d{4})\s*年?(?:\s*[-–—－~～〜至到]+\s*(\d{4})\s*年?)?$")
_SPACE = re.compile(r"\s")
QUOTES = '"＂'


@dataclass(frozen=True)
class Term:
    text: str  # as typed (without quotes / minus)
    norm: str  # normalized: what must occur contiguously
    quoted: bool = False
    required: bool = False  # typed +term: never dropped by a partial match, never matched in context

    @property
    def strict(self) -> bool:
        """Whether the passage itself must hold the term (quoted or +term)."""
        return self.quoted or self.required


@dataclass
class ParsedQuery:
    raw: str
    clauses: list[list[Term]] = field(default_factory=list)  # AND of ORs
    excluded: list[Term] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def terms(self) -> list[Term]:
        return [t for clause in self.clauses for t in clause]

    @property
    def is_empty(self) -> bool:
        return not self.clauses and not self.filters


def _lex(raw: str, warnings: list[str]) -> list[tuple[str, bool, bool]]:
    """Split into (text, quoted, negated) tokens."""
    tokens: list[tuple[str, bool, bool]] = []
    i, n = 0, len(raw)
    while i < n:
        if _SPACE.match(raw[i]):
            i += 1
            continue
        negated = False
        if raw[i] == "-" and i + 1 < n and not _SPACE.match(raw[i + 1]):
            negated = True
            i += 1
        elif raw[i] == "-":
            warnings.append("忽略了单独的“-”：排除词要紧跟在减号后面，如 -环保 (ignored a lone '-')")
            i += 1
            continue
        if raw[i] in QUOTES:
            end = next((j for j in range(i + 1, n) if raw[j] in QUOTES), -1)
            if end < 0:
                warnings.append("引号没有闭合，已按到结尾的短语处理 (unclosed quote: phrase taken to the end)")
                tokens.append((raw[i + 1 :], True, negated))
                break
            tokens.append((raw[i + 1 : end], True, negated))
            i = end + 1
            continue
        j = i
        while j < n and not _SPACE.match(raw[j]) and raw[j] not in QUOTES:
            j += 1
        tokens.append((raw[i:j], False, negated))
        i = j
    return tokens


def _is_chinese(text: str) -> bool:
    return all("\u4e00" <= c <= "\u9fff" for c in text)


def meant_filters(name: str, filter_fields: dict[str, str]) -> list[str]:
    """The filters an unknown Chinese prefix may mean: those with a Chinese name sharing a
    character with it (乡 → town, by 乡镇; 区 → county, by 区县; 地区 → county and city)."""
    return list(dict.fromkeys(f for alias, f in filter_fields.items()
                              if _is_chinese(alias) and set(alias) & set(name)))


def unknown_filter_warning(name: str, colon: str, value: str, filter_fields: dict[str, str]) -> str | None:
    """The warning for ``name:value`` whose name is no filter (the token is searched as text),
    or None when it reads as ordinary text with a colon.

    * a Latin name (``foo:bar``): always, unless the value starts with ``//`` (a URL);
    * a Chinese name with the half-width colon filters are written with (``乡:大隗镇``,
      ``地区:郑州``): always;
    * with the full-width colon of Chinese prose, only when the name is made of characters
      of the Chinese filter names alone (``乡：大隗镇``, ``地区：郑州``, ``乡镇街道：…``):
      ``时间：2023``, ``全市：完成…`` or ``年度：2023`` stay ordinary text.
    """
    if not value:
        return None
    known = " ".join(f"{f}:" for f in dict.fromkeys(filter_fields.values()))
    listed = (f"未知的筛选条件 {name}:，已按文字检索；可用 {known} "
              f"(unknown filter {name!r}: searched as text; filters are {known})")
    if name.isascii():
        return None if value.startswith("//") else listed
    if colon != ":" and not set(name) <= {c for a in filter_fields if _is_chinese(a) for c in a}:
        return None
    meant = meant_filters(name, filter_fields)
    if not meant:
        return listed
    written = {f: next((a for a, g in sorted(filter_fields.items(), key=lambda kv: len(kv[0]))
                        if g == f and _is_chinese(a)), f) for f in meant}
    zh = " 或 ".join(f"{written[f]}:（{f}:）" for f in meant)
    en = " or ".join(f"{written[f]}: ({f}:)" for f in meant)
    return (f"未知的筛选条件 {name}:，已按文字检索；要筛选请用 {zh} "
            f"(unknown filter {name!r}: searched as text; did you mean {en}?)")


def parse_query(raw: str, filters: dict[str, list[str]] | None = None) -> ParsedQuery:
    """Parse ``raw`` (plus filters given separately, e.g. CLI options)."""
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        raise QueryError("查询必须是文本 (the query must be text)")
    if len(raw) > MAX_QUERY_CHARS:
        raise QueryError(f"查询过长：{len(raw)} 个字符，最多 {MAX_QUERY_CHARS} 个 (query too long: {len(raw)} characters, at most {MAX_QUERY_CHARS})")
    q = ParsedQuery(raw=raw)
    for name, values in (filters or {}).items():
        for value in values or ():
            if value not in (None, ""):
                _add_filter(q, name, str(value))

    pending_or = False
    filter_fields = field_model.current().filter_names()
    for text, quoted, negated in _lex(raw, q.warnings):
        if not quoted and not negated and text == "OR":
            if not q.clauses:
                q.warnings.append("忽略了开头的 OR (ignored a leading OR)")
            else:
                pending_or = True
            continue
        if not quoted:
            m = _FILTER.match(text)
            if m and m.group("field").lower() in filter_fields and not negated:
                if m.group("value"):
                    _add_filter(q, filter_fields[m.group("field").lower()], m.group("value"))
                else:
                    q.warnings.append(f"筛选条件 {text} 没有值，已忽略 (filter without a value ignored)")
                pending_or = False
                continue
            if m and m.group("field").lower() not in filter_fields:
                warning = unknown_filter_warning(m.group("field"), m.group("colon"), m.group("value"), filter_fields)
                if warning:
                    q.warnings.append(warning)
        required = not quoted and not negated and len(text) > 1 and text[0] in "+＋"
        if required:
            text = text[1:]
        norm = normalize(text)
        if not norm:
            if text.strip():
                q.warnings.append(f"“{text}”中没有可检索的文字，已忽略；不支持通配符 (no searchable characters in {text!r}; wildcards are not supported)")
            pending_or = False
            continue
        term = Term(text, norm, quoted, required)
        if negated:
            if pending_or:
                q.warnings.append("OR 后面不能跟排除词，已按排除处理 (an exclusion cannot be an OR alternative)")
                pending_or = False
            q.excluded.append(term)
            continue
        if pending_or:
            q.clauses[-1].append(term)
            pending_or = False
        else:
            q.clauses.append([term])
    if pending_or:
        q.warnings.append("忽略了结尾的 OR (ignored a trailing OR)")
    if len(q.terms) + len(q.excluded) > MAX_TERMS:
        raise QueryError(f"检索词过多：最多 {MAX_TERMS} 个 (too many terms: at most {MAX_TERMS})")
    if not q.clauses and q.excluded:
        raise QueryError("只有排除词：请至少给出一个要查找的词 (only exclusions: give at least one term to look for)")
    return q


def _add_filter(q: ParsedQuery, name: str, value: str) -> None:
    model = field_model.current()
    name = model.filter_names().get(name, name)
    if name not in model.by_filter:
        raise QueryError(f"未知的筛选字段 {name!r} (unknown filter; use {', '.join(model.by_filter)})")
    value = value.strip()
    if model.by_filter[name].match == "year":
        for part in re.split(r"[,，]", value):
            part = part.strip()
            if part and not _YEAR.match(part):
                raise QueryError(f"年份应为四位数字或范围，如 2022 或 2020-2022，收到 {part!r} (year must be YYYY or YYYY-YYYY)")
            if part:
                reversed_range = reversed_years(part)
                if reversed_range:
                    q.warnings.append(reversed_range)
                q.filters.setdefault(name, []).append(part)
        return
    values = [v.strip() for v in re.split(r"[,，]", value) if v.strip()]
    for v in values:
        unknown = unknown_value_warning(model.by_filter[name], v)
        if unknown:
            q.warnings.append(unknown)
    if values:  # "town=," names no town: no filter, as "town=" (and "year=," before)
        q.filters.setdefault(name, []).extend(values)


def year_range(spec: str) -> tuple[str, str] | None:
    """The two ends of a year value written as a range (``2018-2022``, ``2018至2022``), as
    written; None for one year or anything else."""
    m = _YEAR.match(spec)
    return (m.group(1), m.group(2)) if m and m.group(2) else None


def reversed_years(spec: str) -> str | None:
    """The warning for a range written high to low (``2022-2018``), which is searched as
    ``2018-2022``; None for any other spec."""
    ends = year_range(spec)
    if not ends or int(ends[1]) >= int(ends[0]):
        return None
    hi, lo = ends
    return (f"年份范围 {spec} 起止颠倒，已按 {lo}–{hi} 年检索 "
            f"(year range {spec} is reversed: read as {lo}-{hi})")


def unknown_value_warning(f: field_model.Field, value: str) -> str | None:
    """The warning for a value of a closed filter (one whose values the model lists, as
    ``level``'s) that selects none of them: it finds nothing, so the valid values are named.
    A value selects as it does in the engine (:meth:`Field.selecting`, :meth:`Field.selects`)."""
    if not f.value_aliases:
        return None
    wanted = f.selecting([value])
    names = f.value_names()
    if not wanted[0] or any(f.selects(s, wanted) for s in names):
        return None
    label = f.label or f.filter
    zh, en = listed_values(f)
    return (f"{label}没有“{value}”这个值，按它筛选不到报告；可用 {zh} "
            f"(unknown {f.filter} {value!r}: valid values are {en}, or their Chinese names)")


def listed_values(f: field_model.Field) -> tuple[str, str]:
    """A closed filter's values as a message lists them: in Chinese each value with every
    name it may be written with, the pages' label first (``township（乡镇/街道、乡镇 …）；…``),
    in English the values."""
    names = f.value_names()
    return "；".join(f"{s}（{'、'.join(n)}）" for s, n in names.items()), ", ".join(names)


def check_years(specs: list[str]) -> None:
    """Year filter values that did not come through :func:`parse_query` (fixed filters,
    the year range of the pages) are checked the same way: a clear QueryError."""
    for spec in specs:
        if not isinstance(spec, str) or not _YEAR.match(spec):
            raise QueryError(f"年份应为四位数字或范围，如 2022 或 2020-2022，收到 {spec!r} (year must be YYYY or YYYY-YYYY)")


def year_matches(year: int | None, specs: list[str]) -> bool:
    if year is None:
        return False
    for spec in specs:
        m = _YEAR.match(spec)
        lo = int(m.group(1))
        hi = int(m.group(2)) if m.group(2) else lo
        if min(lo, hi) <= year <= max(lo, hi):
            return True
    return False
