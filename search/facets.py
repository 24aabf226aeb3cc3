"""Facet counts for multi-select facets (disjunctive faceting).

Several values of one facet are ORed, facets are ANDed. With 大隗镇 chosen in the town
facet, the town counts of :meth:`Searcher.search` only show 大隗镇 (every other town has
0 passages in the result); to show what choosing another town as well would add, a
facet's counts are computed with that facet's own filter removed (all the other filters
and the fixed ones kept). :func:`multi_select_facets` gives, per facet:

* ``counts``: passages per value with that facet's own filter removed;
* ``added``: for a value not chosen, how many passages choosing it too would add to
  the current result (for towns, counties and years this equals ``counts``; for
  topics, a passage can have several, so it is less when some are already in).

The matching is the engine's own, so every number is exact for the full result set.
"""

from __future__ import annotations

import numpy as np

from search.engine import facet_counts
from search.query import ParsedQuery, parse_query


def multi_select_facets(searcher, query: str | ParsedQuery, filters: dict[str, list[str]] | None = None,
                        fixed: dict | None = None) -> dict[str, dict[str, dict[str, int]]]:
    """{facet: {"counts": {value: n}, "added": {value: n}}} for every facet with a
    filter (the others are the plain counts of the search and need nothing more)."""
    q = query if isinstance(query, ParsedQuery) else parse_query(query, filters or {})
    t = searcher.current_table()
    everything = searcher.evaluate(t, q, t.live.copy())
    rows = np.unique(np.concatenate(everything)).astype(np.int64)
    current = rows[searcher.selection_mask(t, q, fixed)[rows]]
    out: dict[str, dict[str, dict[str, int]]] = {}
    for facet in q.filters:
        base = rows[searcher.selection_mask(t, q, fixed, without=facet)[rows]]
        counts = facet_counts(t, base).get(facet, {})
        added = facet_counts(t, np.setdiff1d(base, current, assume_unique=True)).get(facet, {})
        out[facet] = {"counts": {k: v for k, v in counts.items() if v},
                      "added": {k: v for k, v in added.items() if v}}
    return out
