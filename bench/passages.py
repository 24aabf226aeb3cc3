"""The passages the engine indexed, exported through its public API (``Searcher``'s
``documents()`` / ``document(id)``): what the peers index (bench/peers.py) and what the
passage oracle (bench/oracle.py) scans. The only module of the benchmark's oracle side
that imports the engine."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Passages:
    """All passages of one index, in a fixed order (the ordinal is the list index)."""
    ids: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    towns: list[str | None] = field(default_factory=list)
    counties: list[str | None] = field(default_factory=list)
    years: list[int | None] = field(default_factory=list)
    topics: list[tuple[str, ...]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # the passage's file, relative to the corpus
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
                p.sources.append(r.get("source", ""))
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
                f.write(json.dumps({"id": p["passage_id"], "doc": d["doc_id"], "source": doc["source"],
                                    "text": p["text"],
                                    "town": doc["town"], "county": doc["county"], "year": doc["year"],
                                    "topics": p["topics"]}, ensure_ascii=False) + "\n")
                n += 1
                chars += len(p["text"])
    s.close()
    return {"passages": n, "passage_characters": chars, "documents": stats["documents"]}
