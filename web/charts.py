"""Small server-side SVG charts for the comparison view: a horizontal bar chart and a
line chart. No JavaScript, no charting library, nothing from elsewhere.

Each chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` that says
what it shows in words, and text labels on every bar and line, so it reads without
colour; the same numbers are in the table next to it. Colours come from classes
styled in govsearch.css (the pages' Content-Security-Policy allows no inline style).
Every piece of text is escaped.
"""

from __future__ import annotations

from markupsafe import Markup, escape

BAR_HEIGHT = 22
BAR_GAP = 8
LABEL_WIDTH = 104  # small enough that on a phone the text is scaled down little
BAR_AREA = 250
VALUE_WIDTH = 50
MAX_LABEL_CHARS = 14  # a bar's label: longer names are cut (the whole name in its tooltip)
CHAR_WIDTH = 13  # of a CJK character at the charts' font size
MIN_TICK_GAP = 40  # x-axis labels at least this far apart: the others are left out
SERIES = 6  # colour classes .series-0 … .series-5
MARKERS = ("circle", "square", "diamond", "triangle", "circle", "square")


def _fmt(n: float) -> str:
    return f"{n:.1f}".rstrip("0").rstrip(".")


def _open(chart_id: str, width: int, height: int, title: str, desc: str, cls: str) -> list[str]:
    return [
        f'<svg class="chart {cls}" id="{escape(chart_id)}" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>',
    ]


def _tip(label: str, chars: int) -> str:
    """The whole name as a tooltip, for a label that is cut."""
    return f"<title>{escape(label)}</title>" if len(label) > chars else ""


def _clip(label: str, chars: int = 8) -> str:
    return label if len(label) <= chars else label[: chars - 1] + "…"


def label_width(labels: list[str]) -> tuple[int, int]:
    """``(width, characters)`` of the label column: wide enough for the longest label up
    to ``MAX_LABEL_CHARS`` characters (longer ones are cut, the full name in a tooltip)."""
    chars = min(MAX_LABEL_CHARS, max((len(label) for label in labels), default=0))
    return max(LABEL_WIDTH, chars * CHAR_WIDTH + 12), max(chars, 8)


def bar_chart(chart_id: str, items: list[tuple[str, int]], title: str, unit: str = "段") -> Markup:
    """One bar per (label, value), longest first as given."""
    peak = max((v for _, v in items), default=0) or 1
    height = len(items) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP
    LABEL_WIDTH, chars = label_width([label for label, _ in items])  # noqa: N806 (the module default, widened)
    width = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH
    desc = "；".join(f"{label}：{value} {unit}" for label, value in items) or "没有数据"
    out = _open(chart_id, width, max(height, 30), title, desc, "bar-chart")
    for i, (label, value) in enumerate(items):
        y = BAR_GAP + i * (BAR_HEIGHT + BAR_GAP)
        w = max(1.0, BAR_AREA * value / peak) if value else 0
        out.append(f'<g class="bar"><text class="label" x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT * .72:.1f}" '
                   f'text-anchor="end">{_tip(label, chars)}{escape(_clip(label, chars))}</text>'
                   f'<rect class="series-0" x="{LABEL_WIDTH}" y="{y}" width="{_fmt(w)}" height="{BAR_HEIGHT}" rx="2"></rect>'
                   f'<text class="value" x="{LABEL_WIDTH + w + 6:.1f}" y="{y + BAR_HEIGHT * .72:.1f}">{value}</text></g>')
    out.append("</svg>")
    return Markup("".join(out))


def _marker(kind: str, x: float, y: float, cls: str) -> str:
    if kind == "square":
        return f'<rect class="{cls} marker" x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8"></rect>'
    if kind == "diamond":
        return f'<path class="{cls} marker" d="M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y:.1f} L{x:.1f} {y + 5:.1f} L{x - 5:.1f} {y:.1f} Z"></path>'
    if kind == "triangle":
        return f'<path class="{cls} marker" d="M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y + 4:.1f} L{x - 5:.1f} {y + 4:.1f} Z"></path>'
    return f'<circle class="{cls} marker" cx="{x:.1f}" cy="{y:.1f}" r="4.5"></circle>'


def tick_every(count: int, step: float) -> int:
    """Label every n-th x value so that labels stand ``MIN_TICK_GAP`` apart."""
    if count < 2 or step >= MIN_TICK_GAP:
        return 1
    return int(-(-MIN_TICK_GAP // step))


def line_chart(chart_id: str, x_labels: list[str], series: list[tuple[str, list[int | None]]], title: str,
               unit: str = "段") -> Markup:
    """One line per (label, values aligned with x_labels), with a marker per point,
    the value above it and the series name at the line's end. A value None (no report
    that year) is a gap in the line, not a zero."""
    left, right, top, bottom = 44, 110, 20, 34
    plot_w = min(560, max(260, 48 * (len(x_labels) - 1)))
    step = plot_w / (len(x_labels) - 1) if len(x_labels) > 1 else 0
    plot_h = 180
    width = int(left + plot_w + right)
    height = int(top + plot_h + bottom + max(0, 14 * len(series) - plot_h / 2))
    peak = max((v for _, values in series for v in values if v is not None), default=0) or 1
    ticks = sorted({0, peak, round(peak / 2)}) if peak > 1 else [0, 1]
    parts = []
    for label, values in series:
        points = "，".join(f"{x} 年 {v} {unit}" if v is not None else f"{x} 年 无报告" for x, v in zip(x_labels, values))
        parts.append(f"{label}：{points}")
    desc = "；".join(parts) or "没有选择要画线的地区"
    out = _open(chart_id, width, height, title, desc, "line-chart")

    def xy(i: int, v: int) -> tuple[float, float]:
        x = left + (i * step if len(x_labels) > 1 else plot_w / 2)
        return x, top + plot_h - plot_h * v / peak

    out.append('<g class="axes">')
    for tick in ticks:
        y = top + plot_h - plot_h * tick / peak
        out.append(f'<line class="grid" x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}"></line>'
                   f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>')
    every = tick_every(len(x_labels), step)
    for i, x_label in enumerate(x_labels):
        if i % every and i != len(x_labels) - 1:
            continue
        if i == len(x_labels) - 1 and i % every and (i % every) * step < MIN_TICK_GAP:
            continue  # the last label too close to the one before
        x, _ = xy(i, 0)
        out.append(f'<text class="tick" x="{x:.1f}" y="{top + plot_h + 20}" text-anchor="middle">{escape(x_label)}</text>')
    out.append("</g>")
    # series names at the lines' ends, moved apart so that none overlaps another
    def last_point(values):
        known = [(i, v) for i, v in enumerate(values) if v is not None]
        return xy(*known[-1]) if known else None

    ends = sorted(((p[1] if (p := last_point(v)) else top + plot_h), n) for n, (_, v) in enumerate(series))
    label_y: dict[int, float] = {}
    last = -1e9
    for y, n in ends:
        y = max(y + 4, last + 14)
        label_y[n] = last = y
    for n, (label, values) in enumerate(series):
        cls = f"series-{n % SERIES}"
        coords = [xy(i, v) if v is not None else None for i, v in enumerate(values)]
        path, pen_up = [], True
        for point in coords:
            if point is None:
                pen_up = True
                continue
            path.append(f"{'M' if pen_up else 'L'}{point[0]:.1f} {point[1]:.1f}")
            pen_up = False
        out.append(f'<g class="series"><path class="{cls} line" d="{" ".join(path)}"></path>')
        for point in coords:
            if point is not None:
                out.append(_marker(MARKERS[n % len(MARKERS)], point[0], point[1], cls))
        end = last_point(values)
        if end:
            x, y = end
            out.append(f'<text class="series-label {cls}-text" x="{x + 10:.1f}" y="{label_y[n]:.1f}">{escape(_clip(label, 7))}</text>')
        out.append("</g>")
    out.append("</svg>")
    return Markup("".join(out))
