"""The comparison view (``/compare``, ``/compare.csv``, ``/api/compare``): the cross-tab of
:mod:`search.compare` as a table whose cells link to their hits, a bar chart of passages
per row value and a line chart per year for the row values the user picked."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from markupsafe import Markup

from index import fields as field_model
from search.compare import AUTO, Comparison, Line, compare
from search.places_label import UNKNOWN as UNKNOWN_PLACE
from web import charts
from web.export import safe_cell
from web.state import SearchState

PLACE_LABEL = "地区"  # the label of each report's finest place ("place", search/places_label.py)
UNKNOWN = {"place": UNKNOWN_PLACE, **field_model.MODEL.unknown_labels}
HEAT_STEPS = 5  # shades of a table cell: heat-1 (fewest passages) … heat-5 (most)
DEFAULT_PICKS = 3
MAX_PICKS = 6
MAX_BARS = 30
MAX_YEARS = 40  # the line chart's x axis: every year from first to last, up to this many


def run_compare(searcher, state: SearchState, fixed_default_all: bool = False) -> Comparison:
    return compare(searcher, state.q, by=list(state.by) or None, **state.filter_kwargs(fixed_default_all))


def field_labels() -> dict[str, str]:
    """Row and column field → its label (地区, 乡镇, 年份 …), from the field model in use."""
    # "auto" stays unresolved only in an empty comparison (q=*): it would have been a place
    return {"place": PLACE_LABEL, AUTO: PLACE_LABEL, **field_model.current().labels}


def label(field: str, value) -> str:
    """A row or column value as people read it: the level township as 乡镇/街道, a
    missing value as 未注明乡镇 …"""
    model = field_model.current()
    if value is None:
        return {"place": UNKNOWN_PLACE, **model.unknown_labels}.get(field, "未注明")
    return model.shown(field, str(value)) or str(value)


def line_label(field: str, line: Line) -> str:
    """A row or column as people read it: the reports above a place field's level by
    their place (a county's report by town: 东山县, not 未注明乡镇), else :func:`label`."""
    return line.label if line.label is not None else label(field, line.value)


@dataclass
class CompareView:
    comparison: Comparison
    row_field: str
    col_field: str
    picks: list[str]
    bar: Markup
    line: Markup | None
    bars_shown: int
    picks_shown: list[str] = field(default_factory=list)  # the picks as people read them (labels)
    gaps: dict[int, set[int]] = field(default_factory=dict)  # row → columns (years) without a report of it
    peak: int = 0  # the largest cell, for the shades of the table

    def heat(self, passages: int) -> int:
        return heat(passages, self.peak)

    def is_gap(self, row: int, column: int) -> bool:
        return column in self.gaps.get(row, ())

    def row_filters(self, row: Line) -> dict[str, str] | None:
        return line_filters(self.row_field, row)

    def cell_filters(self, row: Line, column: Line) -> dict[str, str] | None:
        a, b = line_filters(self.row_field, row), line_filters(self.col_field, column)
        return None if a is None or b is None else {**a, **b}


def heat(passages: int, peak: int) -> int:
    """The shade of a cell: 0 for none, else 1 … HEAT_STEPS in proportion to the largest cell."""
    if passages <= 0 or peak <= 0:
        return 0
    return max(1, -(-passages * HEAT_STEPS // peak))


def dated(line: Line, comparison: Comparison) -> int:
    """Passages of a row in columns with a value (a year): what a line chart can draw."""
    return sum(c.passages for c, col in zip(line.cells, comparison.columns) if col.value is not None)


def picks_for(comparison: Comparison, state: SearchState) -> list[str]:
    """The rows the line chart draws: those the user picked, else the largest rows that
    have dated passages (a row of undated reports only would be a flat line)."""
    known = [r.value for r in comparison.rows if r.value is not None]
    chosen = [p for p in state.pick if p in known][:MAX_PICKS]
    if state.pick:
        return chosen
    drawable = [r for r in comparison.rows if r.value is not None and dated(r, comparison)]
    return [r.value for r in sorted(drawable, key=lambda r: -dated(r, comparison))][:DEFAULT_PICKS]


def line_filters(field: str, line: Line) -> dict[str, str] | None:
    """The filters that select exactly a row's (or column's) passages; None when none do."""
    if line.filters is not None:
        return dict(line.filters)
    if line.value is None or field not in field_model.current().facets:
        return None
    return {field: line.value}


def report_years(documents: list[dict], filters: dict[str, str] | None) -> set[int]:
    """Years in which the index has a report matching ``filters`` (whether or not it
    mentions the query): the other years of a row are gaps, not zeros."""
    if not filters:
        return set()
    return {d["year"] for d in documents if d.get("year") and all(str(d.get(k)) == v for k, v in filters.items())}


def build_view(comparison: Comparison, state: SearchState, documents: list[dict] | None = None) -> CompareView:
    """``documents``: the index's reports (``Searcher.documents()``), for telling a year
    without a report (a gap) from a year whose reports do not mention the query (0)."""
    row_field, col_field = comparison.by
    rows = comparison.rows[:MAX_BARS]
    bar = charts.bar_chart(
        "chart-bar", [(line_label(row_field, r), r.passages) for r in rows],
        f"各{field_labels().get(row_field, row_field)}匹配段落数" + (f"（前 {MAX_BARS} 个）" if len(comparison.rows) > MAX_BARS else ""))
    picks = picks_for(comparison, state)
    line = None
    gaps: dict[int, set[int]] = {}  # row position → column positions without any report of that row
    if col_field == "year" and documents is not None:
        for i, r in enumerate(comparison.rows):
            filters = line_filters(row_field, r)
            if filters is None:
                continue
            have = report_years(documents, filters)
            gaps[i] = {j for j, c in enumerate(comparison.columns)
                       if c.value is not None and int(c.value) not in have and not r.cells[j].passages}
    if col_field == "year":
        index = {int(c.value): i for i, c in enumerate(comparison.columns) if c.value is not None}
        years = list(range(min(index), max(index) + 1)) if index else []
        if len(years) > MAX_YEARS:  # a stray year far off: only the years with matches
            years = sorted(index)
        series = []
        for p in picks:
            row = comparison.row(p)
            have = report_years(documents, line_filters(row_field, row)) if documents is not None else None
            values = [row.cells[index[y]].passages if y in index and row.cells[index[y]].passages
                      else (None if have is not None and y not in have else 0) for y in years]
            series.append((label(row_field, p), values))
        shown = [label(row_field, p) for p in picks]
        line = charts.line_chart("chart-line", [str(y) for y in years], series,
                                 f"逐年提及段落数：{'、'.join(shown) if shown else '未选择'}")
    peak = max((c.passages for r in comparison.rows for c in r.cells), default=0)
    return CompareView(comparison, row_field, col_field, picks, bar, line, len(rows),
                       [label(row_field, p) for p in picks], gaps=gaps, peak=peak)


def to_csv(comparison: Comparison) -> str:
    """The cross-tab as CSV (UTF-8 with BOM): one line per row value, two columns per
    column value (passages, reports), then the totals."""
    row_field, col_field = comparison.by
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    head = [field_labels().get(row_field, row_field)]
    for c in comparison.columns:
        name = line_label(col_field, c)
        head += [safe_cell(f"{name} 段落"), safe_cell(f"{name} 报告")]  # column values are report text too
    writer.writerow(head + ["合计 段落", "合计 报告"])
    for r in comparison.rows:
        cells = []
        for c in r.cells:
            cells += [c.passages, c.reports]
        writer.writerow([safe_cell(line_label(row_field, r)), *cells, r.passages, r.reports])
    totals = []
    for c in comparison.columns:
        totals += [c.passages, c.reports]
    writer.writerow(["合计", *totals, comparison.total, comparison.total_docs])
    return "\ufeff" + out.getvalue()
