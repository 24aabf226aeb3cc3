"""Highlights in three layers: one :class:`Matches` per passage (data), a
:class:`Fragmenter` choosing the pieces a snippet shows, and formatters writing them
(:data:`HTML`, :data:`TERMINAL`, :data:`PLAIN`).

A match is found in the normalized text and traced back to the source characters it
came from, so “五星”支部 is marked although the quotes sit inside the match. Every
character of the document is HTML-escaped; the only markup produced is ``<mark>``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from index.normalize import normalize_with_offsets
from search import boundaries

SNIPPET_CHARS = 160
CONTEXT_BEFORE = 50
ELLIPSIS = "…"


@dataclass(frozen=True)
class Matches:
    """Where the needles match one passage, found with one normalization of its text:
    what the fragmenter chooses pieces from and the formatters mark.

    ``runs``: sorted, merged ``[start, end)`` runs of source characters that belong to a
    match (punctuation inside a match left out: “五星”支部 gives 五星 and 支部);
    ``groups``: per needle, the source spans of its matches; ``count``: how many
    matches the text holds (see :func:`match_count`)."""

    text: str
    runs: list[tuple[int, int]]
    groups: list[list[tuple[int, int]]]
    count: int

    @classmethod
    def find(cls, text: str, needles: list[str], norm: str | None = None, offsets: Sequence[int] | None = None
             ) -> Matches:
        """The matches of ``needles`` (normalized strings) in ``text``. ``norm`` and
        ``offsets`` (its source positions, e.g. a passage's
        :class:`index.generation.source_text.SourceOffsets`) save normalizing ``text``
        again; without them it is normalized here."""
        if norm is None or offsets is None:
            norm, offsets = normalize_with_offsets(text)
        found = {needle: boundaries.find_all(norm, offsets, needle) for needle in dict.fromkeys(n for n in needles if n)}
        return cls(text, _runs(offsets, found), _groups(offsets, found), _count(found))

    @classmethod
    def of_runs(cls, text: str, runs: list[tuple[int, int]]) -> Matches:
        """Matches known only as runs (a hit's ``runs``): the snippet centres on the first."""
        return cls(text, list(runs), [], len(runs))


def spans(text: str, needles: list[str]) -> tuple[list[tuple[int, int]], list[list[tuple[int, int]]]]:
    """``(match_runs(text, needles), term_runs(text, needles))`` with one normalization."""
    m = Matches.find(text, needles)
    return m.runs, m.groups


def match_runs(text: str, needles: list[str]) -> list[tuple[int, int]]:
    """Sorted, merged ``[start, end)`` runs of source characters that belong to a match
    of any needle (normalized strings). Punctuation inside a match is left out, so a
    match written “五星”支部 gives two runs, 五星 and 支部."""
    return Matches.find(text, needles).runs


def runs_and_count(text: str, needles: list[str]) -> tuple[list[tuple[int, int]], int]:
    """``(match_runs(text, needles), match_count(text, needles))`` with one normalization."""
    m = Matches.find(text, needles)
    return m.runs, m.count


def match_count(text: str, needles: list[str]) -> int:
    """How many matches ``text`` holds, counted in the normalized text (where
    punctuation, quotes and spaces are gone): each occurrence of a needle is one match,
    so one that punctuation splits in the source (“五星”支部: two runs of
    :func:`match_runs`, two marks) counts once, and a repeat counts again (五星支部五星支部,
    五星支部，五星支部: two). Overlapping occurrences are one match, and so are different
    needles that touch (the words 五星 + 支部 of a word match)."""
    return Matches.find(text, needles).count


def term_runs(text: str, needles: list[str]) -> list[list[tuple[int, int]]]:
    """Per needle, the ``[start, end)`` source spans of its matches (boundaries kept)."""
    return Matches.find(text, needles).groups


def _count(found: dict[str, list[int]]) -> int:
    intervals = sorted((start, start + len(needle), needle) for needle, starts in found.items() for start in starts)
    count, end, last = 0, -1, None
    for a, b, needle in intervals:
        if a > end or (a == end and needle == last):  # apart, or the same needle again: a new match
            count += 1
            end = b
        else:  # overlapping, or another needle touching it: the same match
            end = max(end, b)
        last = needle
    return count


def _runs(offsets: Sequence[int], found: dict[str, list[int]]) -> list[tuple[int, int]]:
    many = getattr(offsets, "many", None)  # a SourceOffsets: a match's positions looked up together
    if many is not None:
        covered = sorted({p for needle, starts in found.items() for start in starts
                          for p in many(start, start + len(needle))})
    else:
        covered = sorted({offsets[k] for needle, starts in found.items()
                          for start in starts for k in range(start, start + len(needle))})
    runs: list[list[int]] = []
    for p in covered:  # consecutive source positions form one run
        if runs and runs[-1][1] == p:
            runs[-1][1] = p + 1
        else:
            runs.append([p, p + 1])
    return [(a, b) for a, b in runs]


def _groups(offsets: Sequence[int], found: dict[str, list[int]]) -> list[list[tuple[int, int]]]:
    out = []
    for needle, starts in found.items():
        if starts:
            out.append([(offsets[k], offsets[k + len(needle) - 1] + 1) for k in starts])
    return out


def mark(text: str, runs: list[tuple[int, int]], start: int = 0, end: int | None = None) -> str:
    """Escaped ``text[start:end]`` with ``<mark>`` around each run."""
    return HTML.piece(text, runs, start, len(text) if end is None else end)


# ---------------------------------------------------------------- snippet windows

SENTENCE_ENDS = "。！？；!?;\n"
ENUMERATION = "、"  # joins the items of a list (大气、水、土壤污染): a snippet is never cut inside one
CLAUSE_ENDS = SENTENCE_ENDS + "，：,:…"
WINDOW_MAX = 90  # a piece of a two-piece snippet is the whole clause of its match, up to this long
WINDOW_MIN = 50  # a shorter piece takes in whole neighbouring clauses (while it stays within WINDOW_MAX)
SNIPPET_MIN = 100
SNIPPET_MAX = 200


def _alnum(c: str) -> bool:
    return c.isascii() and c.isalnum()


def _cut_ok(text: str, p: int) -> bool:
    """Cutting before ``text[p]`` does not split a Latin word or a number."""
    if p <= 0 or p >= len(text):
        return True
    a, b = text[p - 1], text[p]
    if _alnum(a) and _alnum(b):
        return False
    if (a.isdigit() or a in ".,") and (b.isdigit() or b in ".%") and (a.isdigit() or b.isdigit()):
        return False  # 12.75, 1,000, 50%
    return True


_CLAUSE_END = re.compile("[" + re.escape(CLAUSE_ENDS) + "]")


def _stops(text: str) -> list[int]:
    """Clause boundaries: 0, len(text) and every position just after a clause end."""
    out = {0, len(text)}
    out.update(m.end() for m in _CLAUSE_END.finditer(text))
    return sorted(out)


def _stop_before(stops, text, a, limit):
    """The latest clause boundary at or before ``a`` no further than ``limit`` back,
    else a safe cut about that far back (never inside a Latin word or a number), or
    the clause's start when the cut would fall inside an enumeration."""
    cands = [p for p in stops if p <= a and a - p <= limit]
    if cands:
        return cands[-1] if a - cands[-1] <= limit else cands[0]
    p = max(0, a - limit // 2)
    clause = max((q for q in stops if q <= p), default=0)
    if ENUMERATION in text[clause:a]:
        return clause
    while p < a and not _cut_ok(text, p):
        p += 1
    return p


def _stop_after(stops, text, b, limit):
    cands = [p for p in stops if p >= b and p - b <= limit]
    if cands:
        return cands[0]
    p = min(len(text), b + limit // 2)
    clause = min((q for q in stops if q >= p), default=len(text))
    if ENUMERATION in text[b:clause]:
        return clause
    while p > b and not _cut_ok(text, p):
        p -= 1
    return p


def _cover(groups: list[list[tuple[int, int]]]) -> list[tuple[int, int]]:
    """One match of every term, as close together as possible (shortest window)."""
    events = sorted((a, b, g) for g, spans in enumerate(groups) for a, b in spans)
    need, have, count = len(groups), 0, [0] * len(groups)
    best, lo = None, 0
    for hi in range(len(events)):
        g = events[hi][2]
        have += count[g] == 0
        count[g] += 1
        while have == need:
            window = events[lo:hi + 1]
            span = max(e[1] for e in window) - events[lo][0]
            if best is None or span < best[0]:
                chosen, seen = [], set()
                for a, b, gg in window:
                    if gg not in seen:
                        seen.add(gg)
                        chosen.append((a, b))
                best = (span, chosen)
            gl = events[lo][2]
            count[gl] -= 1
            have -= count[gl] == 0
            lo += 1
    return best[1] if best else []


def _grow(stops: list[int], start: int, end: int, least: int, most: int) -> tuple[int, int]:
    """``start``–``end`` grown by whole clauses (up to the clause ends ``stops``), the
    following one first, then the one before, while it is shorter than ``least`` and
    stays within ``most``."""
    while end - start < least:
        nxt = next((p for p in stops if p > end), None)
        prv = next((p for p in reversed(stops) if p < start), None)
        if nxt is not None and nxt - start <= most:
            end = nxt
        elif prv is not None and end - prv <= most:
            start = prv
        else:
            break
    return start, end


def _widen(stops: list[int], start: int, end: int) -> tuple[int, int]:
    """A piece of a two-piece snippet shorter than ``WINDOW_MIN`` grown by whole
    clauses within ``WINDOW_MAX``: a bare clause (``抓党建，``) says too little on its own."""
    return _grow(stops, start, end, WINDOW_MIN, WINDOW_MAX)


def fragments(text: str, runs: list[tuple[int, int]], needles: list[str] | None = None,
              width: int = SNIPPET_CHARS, groups: list[list[tuple[int, int]]] | None = None
              ) -> list[tuple[int, int]]:
    """The ``[start, end)`` pieces of ``text`` a snippet shows: one piece of about
    ``SNIPPET_MIN``–``SNIPPET_MAX`` characters holding a match of every term when they
    fit, else one clause around a match of each term (grown by whole neighbouring
    clauses to ``WINDOW_MIN`` characters when it is shorter); pieces start and end at clause
    boundaries (sentence ends, commas, enumeration commas, colons), never inside a
    Latin word or a number."""
    n = len(text)
    if n <= max(width, SNIPPET_MAX):
        return [(0, n)]
    if groups is None:
        groups = term_runs(text, needles) if needles else []
    if not groups:
        groups = [[r] for r in runs[:1]] if runs else []
    if not groups:
        groups = [[(0, 0)]]
    chosen = sorted(_cover(groups))
    stops = _stops(text)
    a, b = chosen[0][0], max(e for _, e in chosen)
    if b - a <= SNIPPET_MAX - 20:
        start = _stop_before(stops, text, a, min(60, SNIPPET_MAX - (b - a)))
        end = _stop_after(stops, text, b, SNIPPET_MAX - (b - start))
        pieces = [(start, end)]
    else:  # terms far apart: the clause around each (at most WINDOW_MAX long), joined with …
        pieces = []
        for x, y in chosen:
            s0 = _stop_before(stops, text, x, WINDOW_MAX // 2)
            e0 = _stop_after(stops, text, y, max(10, WINDOW_MAX - (y - s0)))
            s0, e0 = _widen(stops, s0, e0)
            if pieces and s0 <= pieces[-1][1]:
                pieces[-1] = (pieces[-1][0], max(e0, pieces[-1][1]))
            else:
                pieces.append((s0, e0))
        return pieces
    # grow to about SNIPPET_MIN with whole clauses: the following ones first, then before
    start, end = _grow(stops, *pieces[0], min(width, SNIPPET_MIN * 3 // 2), SNIPPET_MAX)
    if end - start < SNIPPET_MIN:  # clauses too long to add whole: a safe cut instead
        end = _stop_after(stops, text, end, 2 * (SNIPPET_MIN - (end - start)))
    return [(start, end)]


def _lstrip(text: str, start: int, end: int) -> int:
    while start < end and text[start].isspace():
        start += 1
    return start


class Fragmenter:
    """Chooses the pieces of a passage a snippet shows (see :func:`fragments`)."""

    def __init__(self, width: int = SNIPPET_CHARS):
        self.width = width

    def pieces(self, matches: Matches) -> list[tuple[int, int]]:
        return fragments(matches.text, matches.runs, None, self.width, matches.groups)


class Formatter:
    """Turns the chosen pieces of a passage into a snippet: the pieces joined with …,
    each match marked. Subclasses say how a piece of text and a match are written."""

    def piece(self, text: str, runs: list[tuple[int, int]], a: int, b: int) -> str:
        raise NotImplementedError

    def snippet(self, matches: Matches, pieces: list[tuple[int, int]]) -> str:
        text = matches.text
        out = []
        for k, (a, b) in enumerate(pieces):
            a = _lstrip(text, a, b)
            if k > 0 or a > 0:
                out.append(ELLIPSIS)
            out.append(self.piece(text, matches.runs, a, b))
        if pieces and pieces[-1][1] < len(text):
            out.append(ELLIPSIS)
        return "".join(out)


class HtmlFormatter(Formatter):
    """Every character HTML-escaped; each match in ``<mark>``."""

    def piece(self, text, runs, a, b):
        out: list[str] = []
        pos = a
        for x, y in runs:
            x, y = max(x, a), min(y, b)
            if x >= y:
                continue
            out.append(escape(text[pos:x]))
            out.append("<mark>" + escape(text[x:y]) + "</mark>")
            pos = y
        out.append(escape(text[pos:b]))
        return "".join(out)


class TextFormatter(Formatter):
    """Plain text on one line, each match between ``before`` and ``after`` (terminal
    colour codes, or nothing)."""

    def __init__(self, before: str = "", after: str = ""):
        self.before, self.after = before, after

    def piece(self, text, runs, a, b):
        out, pos = [], a
        for x, y in runs:
            x, y = max(x, a), min(y, b)
            if x >= y:
                continue
            out += [text[pos:x], self.before, text[x:y], self.after]
            pos = y
        out.append(text[pos:b])
        return "".join(out).replace("\n", " ")


HTML = HtmlFormatter()
PLAIN = TextFormatter()
TERMINAL = TextFormatter("\x1b[1;31m", "\x1b[0m")  # bold red


def snippet(text: str, runs: list[tuple[int, int]], width: int = SNIPPET_CHARS,
            needles: list[str] | None = None, groups: list[list[tuple[int, int]]] | None = None) -> str:
    """Escaped and marked pieces of ``text`` (see :func:`fragments`), joined with …;
    ``groups`` (from :func:`spans`) saves normalizing the text again."""
    if groups is None and needles:
        groups = term_runs(text, needles)
    matches = Matches(text, runs, groups or [], len(runs))
    return HTML.snippet(matches, Fragmenter(width).pieces(matches))


def snippet_text(text: str, runs: list[tuple[int, int]], before: str = "", after: str = "",
                 width: int = SNIPPET_CHARS, needles: list[str] | None = None) -> str:
    """The same pieces as plain text, each match wrapped in ``before``/``after``
    (terminal colour codes, or nothing)."""
    matches = Matches(text, runs, term_runs(text, needles) if needles else [], len(runs))
    return TextFormatter(before, after).snippet(matches, Fragmenter(width).pieces(matches))
