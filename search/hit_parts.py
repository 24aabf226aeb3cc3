"""The parts of a hit that depend only on its passage and the needles marked in it: the
passage's :class:`~search.table.Row`, its snippet, its highlights and the lead-in of
its list. A server shows the same passages for the same queries again and again, so
they are kept per index generation (a new generation starts empty), at most
``KEPT_CHARS`` characters of text, the least recently used dropped first.

Nothing here depends on who asks: a row's parts are made from that row alone, and a
caller gets them only for rows its own search found (search/visibility.py narrows the
rows, not these parts)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import NamedTuple

from search.highlight import HTML, Fragmenter, Matches
from search.table import per_generation
from search.tiers import lead_in

KEPT_CHARS = 1 << 20  # characters of passage text, normalized text, snippet and lead-in kept per generation (5–7 MiB)
_FRAGMENTER = Fragmenter()


class Parts(NamedTuple):
    row: object  # search.table.Row
    snippet: str
    runs: list[tuple[int, int]]
    lead_in: str | None  # the text of the list's lead-in, for a list item


class KeptParts:
    """``(row, needles) → Parts``, bounded by the characters the parts hold."""

    def __init__(self):
        self._kept: OrderedDict[tuple, tuple[Parts, int]] = OrderedDict()
        self.chars = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._kept)

    def get(self, key: tuple) -> Parts | None:
        with self._lock:
            got = self._kept.get(key)
            if got is None:
                return None
            self._kept.move_to_end(key)
            return got[0]

    def put(self, key: tuple, parts: Parts) -> None:
        size = len(parts.row.text) + len(parts.row.norm) + len(parts.snippet) + len(parts.lead_in or "")
        with self._lock:
            old = self._kept.pop(key, None)
            if old is not None:
                self.chars -= old[1]
            self._kept[key] = (parts, size)
            self.chars += size
            while len(self._kept) > 1 and self.chars > KEPT_CHARS:
                self.chars -= self._kept.popitem(last=False)[1][1]


def kept_parts(t) -> KeptParts:
    """The parts kept for the generation of table ``t`` (a view of it shares them)."""
    return per_generation(t, "_hit_parts", KeptParts)


def parts_of(t, r: int, needles: list[str]) -> Parts:
    """Row ``r``'s parts with ``needles`` (normalized) marked, made or kept."""
    kept = kept_parts(t)
    key = (r, tuple(needles))
    got = kept.get(key)
    if got is None:
        got = make(t, r, needles)
        kept.put(key, got)
    return got


def make(t, r: int, needles: list[str]) -> Parts:
    """Row ``r``'s parts made afresh from the generation's files (the health probe reads
    them so, past what is kept: damage under a kept hit must still show)."""
    row = t.row(r)
    found = Matches.find(row.text, needles, row.norm, t.source_offsets(r))
    lead = lead_in(t, r)
    return Parts(row, HTML.snippet(found, _FRAGMENTER.pieces(found)), found.runs,
                 None if lead is None else t.text(lead))
