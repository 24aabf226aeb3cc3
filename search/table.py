"""The passage table: one index generation, loaded for searching.

Passages are numbered by their *row* in the bigram index (index/grams.py). The table
keeps, per row, the passage as a :class:`Row` (text, normalized text, section …) and
NumPy columns for the things every query touches — liveness, report, town, county,
year, topics, length, reading order — so that filtering, facet counting and ranking
work on arrays instead of Python loops.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index

from index import grams, store
from index.normalize import normalize
from index.schema import analyzer_of


@dataclass(frozen=True)
class Row:
    """One passage."""
    row: int
    docnum: int  # Whoosh document number
    passage_id: str
    doc_id: str
    seq: int
    kind: str
    title: str
    section: str
    text: str
    town: str | None
    county: str | None
    year: int | None
    topics: tuple[str, ...]
    norm: str


class _Codes:
    """Values ↔ small integer codes (for NumPy columns)."""

    def __init__(self):
        self.values: list = []
        self.code: dict = {}

    def __call__(self, value) -> int:
        if value is None:
            return -1
        c = self.code.get(value)
        if c is None:
            c = self.code[value] = len(self.values)
            self.values.append(value)
        return c


class PassageTable:
    def __init__(self, gen: Path):
        self.path = gen
        self.ix = whoosh_index.open_dir(str(gen))
        self.searcher = self.ix.searcher()
        self.reader = self.searcher.reader()
        self.analyzer = analyzer_of(self.ix.schema)
        self.info = store.read_json(gen / store.BUILD_INFO)
        self.documents = {d["doc_id"]: d for d in store.read_json(gen / store.DOCUMENTS)}
        self.grams = grams.GramIndex.load(gen)
        size = store.read_json(gen / grams.MANIFEST)["next_row"]

        self.rows: list[Row | None] = [None] * size
        self.norms: list[str] = [""] * size
        towns, counties, docs, sections = _Codes(), _Codes(), _Codes(), _Codes()
        topic_codes = _Codes()
        for name in self.info.get("topics", []):
            topic_codes(name)
        self.live = np.zeros(size, dtype=bool)
        self.doc = np.full(size, -1, dtype=np.int32)
        self.town = np.full(size, -1, dtype=np.int32)
        self.county = np.full(size, -1, dtype=np.int32)
        self.year = np.zeros(size, dtype=np.int32)  # 0 = unknown
        self.topics = np.zeros(size, dtype=np.uint64)  # bit i = topic_names[i]
        self.section = np.full(size, -1, dtype=np.int32)
        self.length = np.zeros(size, dtype=np.float64)
        self.row_of_docnum = np.full(self.reader.doc_count_all(), -1, dtype=np.int64)
        seqs = np.zeros(size, dtype=np.int64)
        self.by_doc: dict[str, list[int]] = {}
        for docnum, f in self.reader.iter_docs():
            doc = self.documents[f["doc_id"]]
            topics = tuple(t for t in (f.get("topics") or "").split(",") if t)
            norm = normalize(f["text"])
            r = f["row"]
            row = Row(r, docnum, f"{f['doc_id']}:{f['seq']}", f["doc_id"], f["seq"], f["kind"], doc["title"],
                      f.get("section", ""), f["text"], doc["town"], doc["county"], doc["year"], topics, norm)
            self.rows[r] = row
            self.norms[r] = norm
            self.live[r] = True
            self.doc[r] = docs(row.doc_id)
            self.town[r] = towns(row.town)
            self.county[r] = counties(row.county)
            self.year[r] = row.year or 0
            bits = 0
            for t in topics:
                bits |= 1 << topic_codes(t)
            self.topics[r] = bits
            self.section[r] = sections(row.section)
            self.length[r] = len(norm)
            self.row_of_docnum[docnum] = r
            seqs[r] = row.seq
            self.by_doc.setdefault(row.doc_id, []).append(r)
        for rows in self.by_doc.values():
            rows.sort(key=lambda r: self.rows[r].seq)
        self.town_names, self.county_names = towns.values, counties.values
        self.doc_ids, self.section_names = docs.values, sections.values
        self.topic_names = topic_codes.values
        self.live_rows = np.flatnonzero(self.live).astype(np.int64)
        self.count = len(self.live_rows)
        self.avg_length = float(self.length[self.live].mean()) if self.count else 1.0
        # reading order: by report id, then position in the report
        doc_rank = np.argsort(np.argsort(np.array(self.doc_ids, dtype=object))) if self.doc_ids else np.zeros(0)
        order_key = np.where(self.doc >= 0, doc_rank[np.maximum(self.doc, 0)] if len(doc_rank) else 0, 1 << 40)
        self.reading_order = order_key.astype(np.int64) * (1 << 20) + seqs
        self._norm_titles = [normalize(self.documents[d]["title"]) for d in self.doc_ids]
        self._norm_sections = [normalize(s) for s in self.section_names]
        # load jieba's dictionary and HMM tables, and NumPy's lazily imported parts, now
        # rather than on the first query
        self.analyzer.cut("预热")
        np.unique(np.array([2, 1, 2]))

    def norm_title(self, doc_code: int) -> str:
        return self._norm_titles[doc_code]

    def norm_section(self, section_code: int) -> str:
        return self._norm_sections[section_code]

    def close(self) -> None:
        try:
            self.searcher.close()
        except Exception:
            pass
