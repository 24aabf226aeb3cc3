"""Comparison of a query's matches across places and years: a cross-tab.

``compare(searcher, "五星支部")`` counts, over the FULL result set (every matching
passage, not one page), how many passages and reports fall in each (row value, column
value) cell — by default rows are the finest place level the results span with at
least two values (town, else county, city, province) and columns are years. The
matches are exactly those of :meth:`Searcher.search` (same terms, relaxed word
matches, filters, fixed filters): both use the engine's own matching.

Any facet field the index has can be a dimension (``by=("county", "year")``):
single-valued columns of the passage table (``town``, ``county``, ``year``, and
``province``, ``city``, ``level`` once the index holds them) and ``topic``, whose
passages can carry several topics (a passage is then counted under each, so a row of
topics does not add up to the total — the totals are always distinct passages).
Passages without a value (town unknown, year unknown) are counted in a ``None`` row or
column so that nothing is lost; those of a place field whose reports stand above its level
(a county's report by town) are lines of their own, named by their place as the result
groups name them (search/places_label.py), their value still ``None``. When no passage of the result has any place (provincial
or national reports), ``auto`` rows fall back to years × topics, with a warning.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from index import fields as field_model
from index.errors import BadParameter, EmptyQuery
from index.reading.places import level_label
from search.engine import split_filters
from search.places_label import above_field, place_key, place_label
from search.query import ParsedQuery, parse_query

#: place levels, finest first: ``auto`` picks the first with two or more values
PLACE_LEVELS = ("town", "county", "city", "province")
#: the dimension of each report's finest place, whatever its level (大隗镇, 河南省, 全国)
PLACE = "place"
AUTO = "auto"
MAX_DIMENSIONS = 2


@dataclass
class Cell:
    passages: int = 0
    reports: int = 0

    def to_dict(self) -> dict:
        return {"passages": self.passages, "reports": self.reports}


@dataclass
class Line:
    """One row (or the column totals) of the cross-tab."""
    value: str | None  # None: passages without a value for this field
    passages: int
    reports: int
    cells: list[Cell] = field(default_factory=list)  # aligned with Comparison.columns
    # the filters that select exactly this line's passages (a place line: its place and
    # the reports' level); None: the value itself, under the dimension's own name
    filters: dict[str, str] | None = None
    # a line of reports above the place field's level (value None): their place as people read it
    label: str | None = None

    def to_dict(self, field: str | None = None) -> dict:
        """``field``: the dimension this line is a value of (its ``label`` is the value as
        people read it: 乡镇/街道 for the level township, else the value itself; for
        reports above the level of a place field, their place: 东山县, 河南省, 全国)."""
        shown = field_model.current().shown(field, self.value) if field else self.value
        out = {"value": self.value, "label": self.label if self.label is not None else shown,
               "passages": self.passages, "reports": self.reports}
        if self.cells:
            out["cells"] = [c.to_dict() for c in self.cells]
        if self.filters is not None:
            out["filters"] = dict(self.filters)
        return out


@dataclass
class Comparison:
    query: str
    by: list[str]  # [row field, column field]
    auto: bool  # the row field was picked automatically
    rows: list[Line]
    columns: list[Line]
    total: int
    total_docs: int
    filters: dict[str, list[str]]  # every filter that applied, the fixed ones included
    fields: list[str]  # the fields `by` may name in this index
    warnings: list[str] = field(default_factory=list)
    took_ms: float = 0.0
    fixed_filters: dict[str, list[str]] = field(default_factory=dict)  # those of ``filters`` that were fixed

    def row(self, value) -> Line:
        return next(r for r in self.rows if r.value == value)

    def cell(self, row_value, column_value) -> Cell:
        i = next(i for i, c in enumerate(self.columns) if c.value == column_value)
        return self.row(row_value).cells[i]

    def to_dict(self) -> dict:
        return {
            "query": self.query, "by": list(self.by), "auto": self.auto, "total": self.total,
            "total_docs": self.total_docs,
            "columns": [c.to_dict(self.by[1]) for c in self.columns], "rows": [r.to_dict(self.by[0]) for r in self.rows],
            "filters": self.filters, "fixed_filters": self.fixed_filters, "fields": list(self.fields),
            "warnings": list(self.warnings),
            "took_ms": self.took_ms,
        }


# --------------------------------------------------------------------------- dimensions


def dimension_fields(t) -> list[str]:
    """Facet fields of this passage table that can be a dimension: each report's finest
    place, the place levels finest first, then the other facets of the field model
    (level, year, topic …)."""
    facets = [f.filter for f in t.model.filters if f.facet and hasattr(t, f.column_attr)]
    others = sorted((f for f in facets if f not in PLACE_LEVELS), key=lambda f: _column(t, f) == "bits")
    place = [PLACE] if _place_columns(t) else []
    return [*place, *(p for p in PLACE_LEVELS if p in facets), *others]  # a multi-valued field (topic) last


def _column(t, name: str):
    """The column kind of a dimension; each report's finest place (``place``) is no field
    of the model but a code per passage, like a place field's."""
    return "code" if name == PLACE else t.model.by_filter[name].column


def _place_columns(t) -> list[str]:
    return [n for n in (*PLACE_LEVELS, "level") if hasattr(t, n) and hasattr(t, f"{n}_names")]


def place_lines(t, rows: np.ndarray, at: str | None = None) -> tuple[np.ndarray, list, list]:
    """Each passage of ``rows`` by its report's finest place (not finer than ``at``), as
    people read it: ``(codes, labels, filters)``; label None (code ``len(labels) - 1``)
    for reports of which neither place nor level is known. A label shared by places of
    different levels or parents is told apart by what is above it (城关镇（甲县）)."""
    names = _place_columns(t)
    if not len(rows):
        return np.zeros(0, dtype=np.int64), [None], [None]
    stacked = np.stack([getattr(t, n)[rows].astype(np.int64) for n in names])
    combos, inverse = np.unique(stacked, axis=1, return_inverse=True)
    inverse = np.asarray(inverse).reshape(-1)
    keys: dict[tuple, int] = {}
    labels: list = []
    filters: list = []
    combo_code = np.empty(combos.shape[1], dtype=np.int64)
    for j in range(combos.shape[1]):
        values = {n: (str(getattr(t, f"{n}_names")[c]) if c >= 0 else None) for n, c in zip(names, combos[:, j])}
        kind, name = place_key(values, at)
        if kind == "level" and not name:
            key = None
        else:
            above = tuple(values.get(f) for f in PLACE_LEVELS[PLACE_LEVELS.index(kind) + 1:]) if kind in PLACE_LEVELS else ()
            key = (kind, name, above, values.get("level"))
        if key not in keys:
            keys[key] = len(labels)
            labels.append(None if key is None else place_label(values, at))
            chosen = {}
            if key is not None:
                if kind in PLACE_LEVELS:
                    chosen = {f: v for f, v in zip(PLACE_LEVELS[PLACE_LEVELS.index(kind):], (name, *above)) if v}
                if values.get("level"):
                    chosen["level"] = values["level"]
            filters.append(chosen or None)
        combo_code[j] = keys[key]
    # the unknown line last, as every dimension has it
    if None in keys:
        last = keys[None]
        order = [i for i in range(len(labels)) if i != last] + [last]
    else:
        order = list(range(len(labels))) + [len(labels)]
        labels.append(None)
        filters.append(None)
    remap = np.empty(len(order), dtype=np.int64)
    remap[np.asarray(order)] = np.arange(len(order))
    labels = [labels[i] for i in order]
    filters = [filters[i] for i in order]
    _tell_apart(labels, filters)
    return remap[combo_code[inverse]], labels, filters


def _tell_apart(labels: list, filters: list) -> None:
    """Places of one name (two 城关镇) get the nearest place above that differs."""
    seen: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        if label is not None:
            seen.setdefault(label, []).append(i)
    for same in seen.values():
        if len(same) < 2:
            continue
        for i in same:
            f = filters[i] or {}
            above = [v for k, v in f.items() if k != "level" and v != labels[i]]
            others = [filters[j] or {} for j in same if j != i]
            told = next((v for v in above if all(v not in o.values() for o in others)), None)
            labels[i] = f"{labels[i]}（{told or level_label(f.get('level')) or '另一处'}）"


def _pairs(t, name: str, rows: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray, list, list, list]:
    """For positions ``idx`` into ``rows``: (positions, value codes, values, labels,
    filters) with one pair per (passage, value); per code, its value (None: no value, the
    last code), and the label and filters of a line that has them (else None)."""
    r = rows[idx]
    if name == PLACE:
        codes, labels, filters = place_lines(t, r)
        return idx, codes, labels, [None] * len(labels), filters
    pos, codes, values = _values(t, name, r, idx)
    labels, filters = [None] * len(values), [None] * len(values)
    if name in PLACE_LEVELS and "level" in _place_columns(t):
        level_names = [str(n) for n in t.level_names]
        above = np.isin(t.level[r], [i for i, n in enumerate(level_names) if above_field(n, name)])
        above &= codes == len(values) - 1
        if np.any(above):
            sub_codes, sub_labels, sub_filters = place_lines(t, r[above], at=name)
            n = len(sub_labels) - 1  # every one has a level: none falls on place_lines' unknown line
            codes = codes.copy()
            codes[codes == len(values) - 1] = len(values) - 1 + n
            codes[above] = len(values) - 1 + sub_codes
            values = [*values[:-1], *[None] * n, None]
            labels = [*labels[:-1], *sub_labels[:-1], None]
            filters = [*filters[:-1], *sub_filters[:-1], None]
    return pos, codes, values, labels, filters


def _values(t, name: str, r: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray, list]:
    """(positions, value codes, values) of a field of the model; the last code stands
    for "no value" (None)."""
    f = t.model.by_filter[name]
    if f.column == "bits":  # a passage can have several values
        bits = getattr(t, f.column_attr)[r]
        pos, codes = [], []
        names = list(getattr(t, f.names_attr))
        for i in range(len(names)):
            has = (bits & np.uint64(1 << i)) != 0
            pos.append(idx[has])
            codes.append(np.full(int(has.sum()), i, dtype=np.int64))
        none = bits == 0
        pos.append(idx[none])
        codes.append(np.full(int(none.sum()), len(names), dtype=np.int64))
        return np.concatenate(pos), np.concatenate(codes), [*names, None]
    if f.column == "year":
        years = getattr(t, f.column_attr)[r].astype(np.int64)
        labels = sorted({int(y) for y in np.unique(years).tolist() if y > 0})
        lookup = {y: i for i, y in enumerate(labels)}
        codes = np.fromiter((lookup.get(int(y), len(labels)) for y in years.tolist()), dtype=np.int64, count=len(years))
        return idx, codes, [str(y) for y in labels] + [None]
    column = getattr(t, f.column_attr)
    names = list(getattr(t, f.names_attr))
    codes = column[r].astype(np.int64)
    codes = np.where(codes < 0, len(names), codes)
    return idx, codes, [*names, None]


def pick_level(t, rows: np.ndarray) -> str:
    """The finest place level whose values among ``rows`` number two or more."""
    present = [lv for lv in PLACE_LEVELS if hasattr(t, lv) and hasattr(t, f"{lv}_names")]
    for level in present:
        codes = getattr(t, level)[rows]
        if len(np.unique(codes[codes >= 0])) >= 2:
            return level
    for level in present:  # one value only: still the finest that has one
        if np.any(getattr(t, level)[rows] >= 0):
            return level
    return present[0] if present else "year"


def _other_levels(t, rows: np.ndarray, level: str) -> bool:
    """Whether some of ``rows`` have no place at ``level`` but a known level or a
    coarser place (a provincial or national report among town reports)."""
    missing = rows[getattr(t, level)[rows] < 0]
    if not len(missing):
        return False
    return any(np.any(getattr(t, n)[missing] >= 0) for n in _place_columns(t) if n != level)


def _check_by(by, allowed: list[str]) -> list[str]:
    if by is None or isinstance(by, str):
        by = [by] if by else []
    by = [str(b).strip() for b in by if b is not None and str(b).strip()]
    if len(by) > MAX_DIMENSIONS:
        raise BadParameter(f"对比最多按 {MAX_DIMENSIONS} 项（行、列），收到 {len(by)} 项 "
                           f"(by takes at most {MAX_DIMENSIONS} fields (rows, columns), got {len(by)})")
    for b in by:
        if b != AUTO and b not in allowed:
            raise BadParameter(f"对比项应为 {AUTO}、{'、'.join(allowed)} 之一，收到 {b!r} "
                               f"(by must be one of {AUTO}, {', '.join(allowed)}; not {b!r})")
    if len(by) == 2 and by[0] == by[1]:
        raise BadParameter(f"行和列都是 {by[0]!r}：请选两个不同的对比项 (by names {by[0]!r} twice: give two different fields)")
    while len(by) < 2:
        by.append(AUTO if not by else ("year" if by[0] != "year" else AUTO))
    return by


# --------------------------------------------------------------------------- the cross-tab


def _distinct_docs(doc_codes: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """Number of distinct reports per group."""
    if not len(groups):
        return np.zeros(n_groups, dtype=np.int64)
    pairs = np.unique(groups.astype(np.int64) * (int(doc_codes.max()) + 1) + doc_codes)
    return np.bincount(pairs // (int(doc_codes.max()) + 1), minlength=n_groups)


def crosstab(t, rows: np.ndarray, row_field: str, col_field: str) -> tuple[list[Line], list[Line]]:
    """Row lines (each with cells aligned to the column lines) and column lines."""
    idx = np.arange(len(rows), dtype=np.int64)
    docs = t.doc[rows].astype(np.int64)
    a_pos, a_code, a_values, a_labels, a_filters = _pairs(t, row_field, rows, idx)
    b_pos, b_code, b_values, b_labels, b_filters = _pairs(t, col_field, rows, idx)
    na, nb = len(a_values), len(b_values)

    # join the two dimensions on the passage (position into rows)
    if _column(t, col_field) == "bits":
        # b has several pairs per passage: join through a per-position list
        order = np.argsort(b_pos, kind="stable")
        b_pos_s, b_code_s = b_pos[order], b_code[order]
        starts = np.searchsorted(b_pos_s, a_pos, side="left")
        ends = np.searchsorted(b_pos_s, a_pos, side="right")
        reps = ends - starts
        j_pos = np.repeat(a_pos, reps)
        j_a = np.repeat(a_code, reps)
        j_b = b_code_s[np.concatenate([np.arange(s, e) for s, e in zip(starts.tolist(), ends.tolist())])] \
            if len(a_pos) else np.zeros(0, dtype=np.int64)
    else:
        b_of = np.empty(len(rows), dtype=np.int64)
        b_of[b_pos] = b_code
        j_pos, j_a, j_b = a_pos, a_code, b_of[a_pos]
    j_b = j_b.astype(np.int64)
    cell = j_a * nb + j_b
    cell_passages = np.bincount(cell, minlength=na * nb)
    cell_reports = _distinct_docs(docs[j_pos], cell, na * nb) if len(cell) else np.zeros(na * nb, dtype=np.int64)
    row_passages = np.bincount(a_code, minlength=na)
    row_reports = _distinct_docs(docs[a_pos], a_code, na) if len(a_code) else np.zeros(na, dtype=np.int64)
    col_passages = np.bincount(b_code, minlength=nb)
    col_reports = _distinct_docs(docs[b_pos], b_code, nb) if len(b_code) else np.zeros(nb, dtype=np.int64)

    def order_of(values, labels, passages, field_name):
        """Values (years in order, else most passages first), then the lines of reports
        above the field's level, then the line without a value."""
        present = [i for i in range(len(values)) if passages[i]]
        known = [i for i in present if values[i] is not None]
        above = sorted((i for i in present if values[i] is None and labels[i] is not None),
                       key=lambda i: (-int(passages[i]), labels[i]))
        unknown = [i for i in present if values[i] is None and labels[i] is None]
        if _column(t, field_name) == "year":
            known.sort(key=lambda i: values[i])
        else:
            known.sort(key=lambda i: (-int(passages[i]), str(values[i])))
        return known + above + unknown

    col_order = order_of(b_values, b_labels, col_passages, col_field)
    columns = [Line(b_values[j], int(col_passages[j]), int(col_reports[j]), filters=b_filters[j], label=b_labels[j])
               for j in col_order]
    lines = []
    for i in order_of(a_values, a_labels, row_passages, row_field):
        cells = [Cell(int(cell_passages[i * nb + j]), int(cell_reports[i * nb + j])) for j in col_order]
        lines.append(Line(a_values[i], int(row_passages[i]), int(row_reports[i]), cells, filters=a_filters[i],
                          label=a_labels[i]))
    return lines, columns


def empty_comparison(searcher, by=None, warning: str | list[str] = "") -> Comparison:
    """What :func:`compare` answers when there is nothing to compare (no term, no
    filter) and the caller wants an empty answer rather than an error (``/api/compare``,
    whose parameters are all optional): ``by`` is still checked."""
    allowed = dimension_fields(searcher.current_table())
    by = _check_by(by, allowed)
    return Comparison(query="", by=by, auto=AUTO in by, rows=[], columns=[], total=0, total_docs=0, filters={},
                      fields=allowed, warnings=[warning] if isinstance(warning, str) and warning else list(warning or []))


def compare(searcher, query: str | ParsedQuery = "", filters: dict[str, list[str]] | None = None, *, by=None,
            fixed: dict | None = None, **filter_keywords) -> Comparison:
    """The cross-tab of every passage ``searcher.search`` would return for these arguments
    (``filters`` as for search; a filter may also be a keyword, ``town=``)."""
    started = time.perf_counter()
    filters, unknown = split_filters(filters, filter_keywords)
    if unknown:
        raise TypeError(f"compare() got unexpected keyword arguments: {', '.join(unknown)}")
    q = query if isinstance(query, ParsedQuery) else parse_query(query, filters)
    if q.is_empty and not any((fixed or {}).values()):
        raise EmptyQuery(warnings=q.warnings)
    t = searcher.current_table()
    allowed = dimension_fields(t)
    by = _check_by(by, allowed)
    exact, relaxed = searcher.evaluate(t, q, searcher.selection_mask(t, q, fixed))
    rows = np.concatenate([exact, relaxed]).astype(np.int64)
    auto = AUTO in by
    no_place = False
    resolved = []
    for b in by:
        if b == AUTO:
            other = next((x for x in by if x != AUTO), None)
            level = pick_level(t, rows) if len(rows) else "town"
            if level == other:  # e.g. by=town&by=auto: the next level up
                rest = [lv for lv in PLACE_LEVELS if lv in allowed and lv != other]
                level = rest[0] if rest else "year"
            b = level
            no_place = level in PLACE_LEVELS and not np.any(getattr(t, level)[rows] >= 0) if len(rows) else False
            if level in PLACE_LEVELS and other != PLACE and PLACE in allowed and len(rows) \
                    and _other_levels(t, rows, level):
                b, no_place = PLACE, False  # reports above that level: each by its finest place
        resolved.append(b)
    if no_place and by[0] == AUTO and resolved[1] == "year":
        # no report of the result has a place (provincial or national reports): a row of
        # "unknown" tells nothing, so compare years by topic instead
        resolved = ["year", "topic"]
    lines, columns = crosstab(t, rows, resolved[0], resolved[1])
    total_docs = int(len(np.unique(t.doc[rows]))) if len(rows) else 0
    filters = {k: list(v) for k, v in q.filters.items()}
    for k, v in (fixed or {}).items():
        if v:
            filters.setdefault(k, [])
            filters[k] = list(dict.fromkeys([*filters[k], *v]))
    warnings = list(q.warnings)
    if no_place and resolved == ["year", "topic"]:
        warnings.append("结果中的报告都没有地区信息（如省级、全国报告），改按年份、主题对比 "
                        "(no place known for these reports: compared by year and topic)")
    return Comparison(query=q.raw, by=resolved, auto=auto, rows=lines, columns=columns, total=len(rows),
                      total_docs=total_docs, filters=filters, fields=allowed, warnings=warnings,
                      fixed_filters={k: list(v) for k, v in (fixed or {}).items() if v},
                      took_ms=round((time.perf_counter() - started) * 1000, 2))
