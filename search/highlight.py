"""Highlights: match spans first (data), HTML second.

A match is found in the normalized text and traced back to the source characters it
came from, so “五星”支部 is marked although the quotes sit inside the match. Every
character of the document is HTML-escaped; the only markup produced is ``<mark>``.
"""

from __future__ import annotations

from html import escape

from index.normalize import normalize_with_offsets

from . import boundaries

SNIPPET_CHARS = 160
CONTEXT_BEFORE = 50
ELLIPSIS = "…"


def match_runs(text: str, needles: list[str]) -> list[tuple[int, int]]:
    """Sorted, merged ``[start, end)`` runs of source characters that belong to a match
    of any needle (normalized strings). Punctuation inside a match is left out, so a
    match written “五星”支部 gives two runs, 五星 and 支部."""
    norm, offsets = normalize_with_offsets(text)
    hit = bytearray(len(text))
    for needle in {n for n in needles if n}:
        for start in boundaries.find_all(norm, offsets, needle):
            for k in range(start, start + len(needle)):
                hit[offsets[k]] = 1
    runs: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        if hit[i]:
            j = i
            while j < n and hit[j]:
                j += 1
            runs.append((i, j))
            i = j
        else:
            i += 1
    return runs


def mark(text: str, runs: list[tuple[int, int]], start: int = 0, end: int | None = None) -> str:
    """Escaped ``text[start:end]`` with ``<mark>`` around each run."""
    end = len(text) if end is None else end
    out: list[str] = []
    pos = start
    for a, b in runs:
        a, b = max(a, start), min(b, end)
        if a >= b:
            continue
        out.append(escape(text[pos:a]))
        out.append("<mark>" + escape(text[a:b]) + "</mark>")
        pos = b
    out.append(escape(text[pos:end]))
    return "".join(out)


def window(text: str, runs: list[tuple[int, int]], width: int = SNIPPET_CHARS) -> tuple[int, int]:
    """``(start, end)`` of about ``width`` characters around the first match."""
    if len(text) <= width:
        return 0, len(text)
    first = runs[0][0] if runs else 0
    start = max(0, first - CONTEXT_BEFORE)
    end = min(len(text), start + width)
    return max(0, end - width), end


def snippet(text: str, runs: list[tuple[int, int]], width: int = SNIPPET_CHARS) -> str:
    """About ``width`` characters around the first match, escaped and marked."""
    start, end = window(text, runs, width)
    html = mark(text, runs, start, end)
    return (ELLIPSIS if start > 0 else "") + html + (ELLIPSIS if end < len(text) else "")


def snippet_text(text: str, runs: list[tuple[int, int]], before: str = "", after: str = "",
                 width: int = SNIPPET_CHARS) -> str:
    """The same window as plain text, each match wrapped in ``before``/``after``
    (terminal colour codes, or nothing)."""
    start, end = window(text, runs, width)
    out, pos = [], start
    for a, b in runs:
        a, b = max(a, start), min(b, end)
        if a >= b:
            continue
        out += [text[pos:a], before, text[a:b], after]
        pos = b
    out.append(text[pos:end])
    body = "".join(out).replace("\n", " ")
    return (ELLIPSIS if start > 0 else "") + body + (ELLIPSIS if end < len(text) else "")
