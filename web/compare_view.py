"""The comparison view (``/compare``, ``/compare.csv``, ``/api/compare``): the cross-tab of
:mod:`search.compare` as a table whose cells link to their hits, a bar chart of passages
per row value and a line chart per year for the row values the user picked."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from markupsafe import Markup

from index import fields as field_model
from search.compare import Comparison, compare

from . import charts
from .export import safe_cell
from .state import SearchState

# the labels of the shipped field model (index/fields.py); the view reads the model in use
FIELD_LABELS = field_model.MODEL.labels
UNKNOWN = field_model.MODEL.unknown_labels
DEFAULT_PICKS = 3
MAX_PICKS = 6
MAX_BARS = 30
MAX_YEARS = 40  # the line chart's x axis: every year from first to last, up to this many


def run_compare(searcher, state: SearchState, fixed_default_all: bool = False) -> Comparison:
    return compare(searcher, state.q, by=list(state.by) or None, **state.filter_kwargs(fixed_default_all))


def label(field: str, value) -> str:
    """A row or column value as people read it: the level township as 乡镇/街道, a
    missing value as 乡镇不详 …"""
    model = field_model.current()
    if value is None:
        return model.unknown_labels.get(field, "不详")
    return model.shown(field, str(value)) or str(value)


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


def picks_for(comparison: Comparison, state: SearchState) -> list[str]:
    known = [r.value for r in comparison.rows if r.value is not None]
    chosen = [p for p in state.pick if p in known][:MAX_PICKS]
    return chosen if state.pick else known[:DEFAULT_PICKS]


def build_view(comparison: Comparison, state: SearchState) -> CompareView:
    row_field, col_field = comparison.by
    rows = comparison.rows[:MAX_BARS]
    bar = charts.bar_chart(
        "chart-bar", [(label(row_field, r.value), r.passages) for r in rows],
        f"各{field_model.current().labels.get(row_field, row_field)}匹配段落数" + (f"（前 {MAX_BARS} 个）" if len(comparison.rows) > MAX_BARS else ""))
    picks = picks_for(comparison, state)
    line = None
    if col_field == "year":
        index = {int(c.value): i for i, c in enumerate(comparison.columns) if c.value is not None}
        years = list(range(min(index), max(index) + 1)) if index else []
        if len(years) > MAX_YEARS:  # a stray year far off: only the years with matches
            years = sorted(index)
        series = [(p, [comparison.row(p).cells[index[y]].passages if y in index else 0 for y in years]) for p in picks]
        series = [(label(row_field, p), values) for p, values in series]
        shown = [label(row_field, p) for p in picks]
        line = charts.line_chart("chart-line", [str(y) for y in years], series,
                                 f"逐年提及段落数：{'、'.join(shown) if shown else '未选择'}")
    return CompareView(comparison, row_field, col_field, picks, bar, line, len(rows),
                       [label(row_field, p) for p in picks])


def to_csv(comparison: Comparison) -> str:
    """The cross-tab as CSV (UTF-8 with BOM): one line per row value, two columns per
    column value (passages, reports), then the totals."""
    row_field, col_field = comparison.by
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    head = [field_model.current().labels.get(row_field, row_field)]
    for c in comparison.columns:
        name = label(col_field, c.value)
        head += [safe_cell(f"{name} 段落"), safe_cell(f"{name} 报告")]  # column values are report text too
    writer.writerow(head + ["合计 段落", "合计 报告"])
    for r in comparison.rows:
        cells = []
        for c in r.cells:
            cells += [c.passages, c.reports]
        writer.writerow([safe_cell(label(row_field, r.value)), *cells, r.passages, r.reports])
    totals = []
    for c in comparison.columns:
        totals += [c.passages, c.reports]
    writer.writerow(["合计", *totals, comparison.total, comparison.total_docs])
    return "\ufeff" + out.getvalue()
