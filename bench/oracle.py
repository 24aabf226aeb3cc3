"""The passages the engine indexed, and the brute-force oracle that defines recall.

The oracle reads the engine's own passages through its public API (``Searcher``'s
``documents()`` / ``document(id)``), so that "relevant" is about exactly the text the
engine holds: a passage is relevant to a query when ``normalize(text)`` contains
``normalize(term)`` for every term of the query — a term that starts or ends with a
Latin letter or digit only at a word/number boundary there (the rule in the README,
checked by the tests' reference implementation) — and the passage passes the filters
(town / county / year of its document, topics of the passage).
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from index.normalize import normalize

# the tests' reference implementation of the word/number boundary rule for Latin letters
# and digits (it shares no code with search/boundaries.py)
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import reference_normalize as reference  # noqa: E402

_YEAR = re.compile(r"^(\d{4})(?:\s*[-–~至]\s*(\d{4}))?$")


@dataclass
class Passages:
    """All passages of one index, in a fixed order (the ordinal is the list index)."""
    ids: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    towns: list[str | None] = field(default_factory=list)
    counties: list[str | None] = field(default_factory=list)
    years: list[int | None] = field(default_factory=list)
    topics: list[tuple[str, ...]] = field(default_factory=list)
    topic_names: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def load(cls, path: Path) -> "Passages":
        p = cls()
        with open(path, encoding="utf-8") as f:
            head = json.loads(f.readline())
            p.topic_names = head["topics"]
            for line in f:
                r = json.loads(line)
                p.ids.append(r["id"])
                p.texts.append(r["text"])
                p.towns.append(r["town"])
                p.counties.append(r["county"])
                p.years.append(r["year"])
                p.topics.append(tuple(r["topics"]))
        return p

    def rows(self):
        for i in range(len(self.ids)):
            yield i, self.ids[i], self.texts[i], self.towns[i], self.counties[i], self.years[i], self.topics[i]


def export_passages(index_dir: Path, path: Path) -> dict:
    """Write every passage of the index at ``index_dir`` to ``path`` (JSON lines)."""
    from search.engine import Searcher

    s = Searcher(index_dir)
    stats = s.stats()
    n = chars = 0
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps({"topics": stats.get("topics", [])}, ensure_ascii=False) + "\n")
        for d in sorted(s.documents(), key=lambda d: d["doc_id"]):
            doc = s.document(d["doc_id"])
            for p in doc["passages"]:
                f.write(json.dumps({"id": p["passage_id"], "doc": d["doc_id"], "text": p["text"],
                                    "town": doc["town"], "county": doc["county"], "year": doc["year"],
                                    "topics": p["topics"]}, ensure_ascii=False) + "\n")
                n += 1
                chars += len(p["text"])
    s.close()
    return {"passages": n, "passage_characters": chars, "documents": stats["documents"]}


def year_ok(year: int | None, specs: list[str]) -> bool:
    if year is None:
        return False
    for spec in specs:
        m = _YEAR.match(spec.strip())
        if not m:
            continue
        lo = int(m.group(1))
        hi = int(m.group(2)) if m.group(2) else lo
        if min(lo, hi) <= year <= max(lo, hi):
            return True
    return False


def filter_mask(p: Passages, filters: dict[str, list[str]]) -> list[bool] | None:
    """Which passages pass the filters (None: no filter)."""
    if not filters:
        return None
    towns = {normalize(v) for v in filters.get("town", [])}
    counties = {normalize(v) for v in filters.get("county", [])}
    topics = set(filters.get("topic", []))
    years = filters.get("year", [])
    mask = []
    for _, _, _, town, county, year, tops in p.rows():
        ok = True
        if towns and not (town and normalize(town) in towns):
            ok = False
        elif counties and not (county and normalize(county) in counties):
            ok = False
        elif topics and not topics.intersection(tops):
            ok = False
        elif years and not year_ok(year, years):
            ok = False
        mask.append(ok)
    return mask


class Oracle:
    def __init__(self, passages: Passages):
        self.p = passages
        self.norms = [normalize(t) for t in passages.texts]

    def match(self, q: str, filters: dict[str, list[str]]) -> list[int]:
        raw = [t for t in q.split() if normalize(t)]
        terms = [normalize(t) for t in raw]
        bounded = [reference.bounded(t) for t in raw]  # Latin letters/digits at an end
        mask = filter_mask(self.p, filters)
        out = []
        for i, s in enumerate(self.norms):
            if mask is not None and not mask[i]:
                continue
            if all(t in s and (not b or reference.contains(self.p.texts[i], r))
                   for t, b, r in zip(terms, bounded, raw)):
                out.append(i)
        return out

    def facets(self, ordinals: list[int]) -> dict[str, dict[str, int]]:
        return facet_counts(self.p, ordinals)


def facet_counts(p: Passages, ordinals) -> dict[str, dict[str, int]]:
    topic, town, county, year = Counter(), Counter(), Counter(), Counter()
    for i in ordinals:
        topic.update(p.topics[i])
        if p.towns[i]:
            town[p.towns[i]] += 1
        if p.counties[i]:
            county[p.counties[i]] += 1
        if p.years[i] is not None:
            year[str(p.years[i])] += 1
    return {"topic": dict(topic), "town": dict(town), "county": dict(county), "year": dict(year)}


def same_facets(a: dict, b: dict) -> bool:
    """Equal facet counts, ignoring zero counts and the order of keys."""
    for name in ("topic", "town", "county", "year"):
        x = {str(k): v for k, v in (a.get(name) or {}).items() if v}
        y = {str(k): v for k, v in (b.get(name) or {}).items() if v}
        if x != y:
            return False
    return True
