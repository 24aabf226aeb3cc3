"""Searching an index: query → candidate passages → verified matches → ranked hits.

Exact recall: for each term, the passages holding all of its character bigrams are
candidates (intersection of the ``grams`` posting lists); a candidate matches when
its normalized text contains the normalized term. Nothing that contains the term can
be missed, whatever jieba did to it. Ranking is Whoosh's BM25F over jieba words of
the passage, its title and its section heading; exact matches rank above word matches.

A :class:`Searcher` is long-lived: it keeps the passage table in memory and reopens
by itself when a build or update has switched the index to a new generation.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, OrderedDict
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.scoring import BM25F

from index import grams, store
from index.errors import BadParameter, DocumentNotFound, IndexMissing
from index.model import SECTION_SEPARATOR
from index.normalize import normalize
from index.schema import analyzer_of

from .highlight import match_runs, snippet
from .query import ParsedQuery, parse_query, year_matches
from .results import Hit, Results

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
SORTS = ("relevance", "year")
FACETS = ("topic", "town", "county", "year")
CACHE_TERMS = 512


@dataclass(frozen=True)
class Row:
    """One passage, as the searcher keeps it in memory."""
    row: int
    docnum: int
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


class _Generation:
    """Everything loaded from one index generation."""

    def __init__(self, gen: Path):
        self.path = gen
        self.ix = whoosh_index.open_dir(str(gen))
        self.searcher = self.ix.searcher(weighting=BM25F())
        self.reader = self.searcher.reader()
        self.analyzer = analyzer_of(self.ix.schema)
        self.info = store.read_json(gen / store.BUILD_INFO)
        self.documents = {d["doc_id"]: d for d in store.read_json(gen / store.DOCUMENTS)}
        self.grams = grams.GramIndex.load(gen)
        next_row = store.read_json(gen / grams.MANIFEST)["next_row"]
        self.rows: list[Row | None] = [None] * next_row  # by bigram-index row; None = removed
        self.by_doc: dict[str, list[int]] = {}
        for docnum, f in self.reader.iter_docs():
            doc = self.documents[f["doc_id"]]
            topics = tuple(t for t in (f.get("topics") or "").split(",") if t)
            row = Row(f["row"], docnum, f["passage_id"], f["doc_id"], f["seq"], f["kind"], doc["title"],
                      f.get("section", ""), f["text"], doc["town"], doc["county"], doc["year"], topics,
                      normalize(f["text"]))
            self.rows[row.row] = row
            self.by_doc.setdefault(row.doc_id, []).append(row.row)
        for rows in self.by_doc.values():
            rows.sort(key=lambda r: self.rows[r].seq)
        self.live = frozenset(r for r, row in enumerate(self.rows) if row is not None)
        self.cache: OrderedDict[str, frozenset[int]] = OrderedDict()

    def close(self) -> None:
        try:
            self.searcher.close()
        except Exception:
            pass


class Searcher:
    """Search one index folder. Safe to share between threads."""

    def __init__(self, index_dir: str | Path):
        self.index_dir = Path(index_dir)
        self._lock = threading.RLock()
        self._gen: _Generation | None = None

    # ------------------------------------------------------------------ lifecycle
    def _current(self) -> _Generation:
        gen_path = store.current_generation(self.index_dir)
        with self._lock:
            if self._gen is None or self._gen.path != gen_path:
                try:
                    fresh = _Generation(gen_path)
                except (OSError, ValueError, KeyError) as exc:
                    raise IndexMissing(f"the index at {self.index_dir} cannot be read: {exc}") from None
                except Exception as exc:  # whoosh raises its own errors for damaged indexes
                    raise IndexMissing(f"the index at {self.index_dir} cannot be read: {type(exc).__name__}: {exc}") from None
                old, self._gen = self._gen, fresh
                if old is not None:
                    old.close()
            return self._gen

    def close(self) -> None:
        with self._lock:
            if self._gen is not None:
                self._gen.close()
                self._gen = None

    @property
    def analyzer(self):
        return self._current().analyzer

    # ------------------------------------------------------------------ matching
    def _containing(self, g: _Generation, needle: str) -> frozenset[int]:
        """Live passages whose normalized text contains ``needle`` (normalized)."""
        with self._lock:
            cached = g.cache.get(needle)
            if cached is not None:
                g.cache.move_to_end(needle)
                return cached
        candidates = g.grams.candidates(needle).tolist()
        rows = g.rows
        found = frozenset(d for d in candidates if (r := rows[d]) is not None and needle in r.norm)
        with self._lock:
            g.cache[needle] = found
            if len(g.cache) > CACHE_TERMS:
                g.cache.popitem(last=False)
        return found

    def _filtered(self, g: _Generation, filters: dict[str, list[str]]) -> frozenset[int] | set[int]:
        if not filters:
            return g.live
        keep = set()
        towns = [normalize(v) for v in filters.get("town", [])]
        counties = [normalize(v) for v in filters.get("county", [])]
        topics = set(filters.get("topic", []))
        years = filters.get("year", [])
        for d in g.live:
            r = g.rows[d]
            if towns and not (r.town and any(_place_match(r.town, v) for v in towns)):
                continue
            if counties and not (r.county and any(_place_match(r.county, v) for v in counties)):
                continue
            if topics and not topics.intersection(r.topics):
                continue
            if years and not year_matches(r.year, years):
                continue
            keep.add(d)
        return keep

    def _term_words(self, g: _Generation, norm: str) -> list[str]:
        words = [w for w in dict.fromkeys(g.analyzer.cut(norm)) if len(w) > 1]
        return words or [norm]

    def _match(self, g: _Generation, q: ParsedQuery, universe) -> tuple[set[int], set[int]]:
        """(exact, words-only) passage sets."""
        excluded: set[int] = set()
        for term in q.excluded:
            excluded |= self._containing(g, term.norm)
        if not q.clauses:
            return set(universe) - excluded, set()
        exact: set[int] | None = None
        for clause in q.clauses:
            alt: set[int] = set()
            for term in clause:
                alt |= self._containing(g, term.norm)
            exact = alt if exact is None else exact & alt
            if not exact:
                break
        exact = (exact or set()) & universe
        exact -= excluded
        relaxed: set[int] = set()
        if len(q.terms) > 1 and any(not t.quoted for t in q.terms):
            words_match: set[int] | None = None
            for clause in q.clauses:
                alt = set()
                for term in clause:
                    if term.quoted:
                        alt |= self._containing(g, term.norm)
                        continue
                    both: set[int] | None = None
                    for word in self._term_words(g, term.norm):
                        hits = self._containing(g, word)
                        both = set(hits) if both is None else both & hits
                    alt |= both or set()
                words_match = alt if words_match is None else words_match & alt
                if not words_match:
                    break
            relaxed = ((words_match or set()) & universe) - excluded - exact
        return exact, relaxed

    def _scores(self, g: _Generation, q: ParsedQuery, docnums: set[int]) -> dict[int, float]:
        if not docnums or not q.clauses:
            return {}
        words = []
        for term in q.terms:
            words.extend(g.analyzer.cut(term.norm))
        words = list(dict.fromkeys(words))
        subqueries = [wq.Term(field, w) for w in words for field in ("words", "title", "section")]
        if not subqueries:
            return {}
        rows = g.rows
        by_docnum = {rows[r].docnum: r for r in docnums}
        with self._lock:
            results = g.searcher.search(wq.Or(subqueries), filter=set(by_docnum), limit=None)
            return {by_docnum[hit.docnum]: hit.score for hit in results}

    # ------------------------------------------------------------------ public API
    def search(self, query: str | ParsedQuery = "", *, town=None, county=None, topic=None, year=None,
               page: int = 1, page_size: int = DEFAULT_PAGE_SIZE, sort: str = "relevance",
               max_page_size: int = MAX_PAGE_SIZE) -> Results:
        started = time.perf_counter()
        page, page_size = _check_paging(page, page_size, max_page_size)
        if sort not in SORTS:
            raise BadParameter(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
        extra = {k: _as_list(v) for k, v in (("town", town), ("county", county), ("topic", topic), ("year", year))}
        q = query if isinstance(query, ParsedQuery) else parse_query(query, extra)
        if q.is_empty:
            from index.errors import QueryError

            raise QueryError("请输入检索词或筛选条件 (empty query: give a term or a filter)")
        g = self._current()
        universe = self._filtered(g, q.filters)
        exact, relaxed = self._match(g, q, universe)
        scores = self._scores(g, q, exact | relaxed)
        rows = g.rows

        def order(d: int):
            r = rows[d]
            return (r.doc_id, r.seq)

        tiered = [(0, d) for d in exact] + [(1, d) for d in relaxed]
        if sort == "year":
            tiered.sort(key=lambda t: (-(rows[t[1]].year or 0), t[0], -scores.get(t[1], 0.0), order(t[1])))
        else:
            tiered.sort(key=lambda t: (t[0], -scores.get(t[1], 0.0), order(t[1])))
        start = (page - 1) * page_size
        page_items = tiered[start : start + page_size]

        needles_exact = [t.norm for t in q.terms]
        needles_words = []
        for t in q.terms:
            needles_words.extend([t.norm] if t.quoted else self._term_words(g, t.norm))
        hits = []
        for tier, d in page_items:
            r = rows[d]
            runs = match_runs(r.text, needles_exact if tier == 0 else needles_words)
            hits.append(Hit(
                doc_id=r.doc_id, passage_id=r.passage_id, title=r.title, town=r.town, county=r.county,
                year=r.year, section=r.section, topics=list(r.topics),
                match="exact" if tier == 0 else "words", passage=r.text, snippet=snippet(r.text, runs),
                score=round(scores.get(d, 0.0), 4), kind=r.kind, runs=runs,
            ))
        all_docs = [d for _, d in tiered]
        return Results(
            query=q.raw, total=len(all_docs), total_docs=len({rows[d].doc_id for d in all_docs}),
            page=page, page_size=page_size, facets=_facets(rows, all_docs, g.info.get("topics", [])),
            hits=hits, total_exact=len(exact), filters=q.filters, sort=sort, warnings=q.warnings,
            took_ms=round((time.perf_counter() - started) * 1000, 2),
        )

    def document(self, doc_id: str) -> dict:
        g = self._current()
        doc = g.documents.get(doc_id) if isinstance(doc_id, str) else None
        if doc is None:
            raise DocumentNotFound(f"no document {doc_id!r} in the index", "check the id in the search results")
        passages = []
        for d in g.by_doc.get(doc_id, []):
            r = g.rows[d]
            passages.append({"passage_id": r.passage_id, "section": r.section, "kind": r.kind,
                             "text": r.text, "topics": list(r.topics)})
        return {"doc_id": doc_id, "title": doc["title"], "town": doc["town"], "county": doc["county"],
                "year": doc["year"], "source": doc["source"], "subtitle": doc.get("subtitle", ""),
                "encoding": doc.get("encoding"), "passages": passages}

    def documents(self) -> list[dict]:
        g = self._current()
        return [{k: d[k] for k in ("doc_id", "title", "town", "county", "year", "source", "passages")}
                for d in g.documents.values()]

    def stats(self) -> dict:
        g = self._current()
        info = g.info
        return {
            "documents": len(g.documents), "passages": len(g.live), "built_at": info.get("built_at"),
            "characters": info.get("characters"), "generation": g.path.name, "index": str(self.index_dir),
            "corpus": info.get("corpus"), "topics": info.get("topics", []), "mode": info.get("mode"),
            "skipped": info.get("skipped", []),
            "towns": sorted({d["town"] for d in g.documents.values() if d.get("town")}),
            "counties": sorted({d["county"] for d in g.documents.values() if d.get("county")}),
            "years": sorted({d["year"] for d in g.documents.values() if d.get("year")}),
        }


def _place_match(stored: str, wanted: str) -> bool:
    s = normalize(stored)
    return s == wanted or s.startswith(wanted)


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple, set)):
        return [str(v) for v in value if v not in (None, "")]
    return [str(value)] if str(value) != "" else []


def _check_paging(page, page_size, max_page_size) -> tuple[int, int]:
    try:
        page = int(page)
        page_size = int(page_size)
    except (TypeError, ValueError):
        raise BadParameter("page and page_size must be whole numbers") from None
    if page < 1:
        raise BadParameter(f"page must be 1 or more, not {page}")
    if not 1 <= page_size <= max_page_size:
        raise BadParameter(f"page_size must be between 1 and {max_page_size}, not {page_size}")
    return page, page_size


def _facets(rows, docnums, topic_names) -> dict[str, dict[str, int]]:
    topic = Counter({name: 0 for name in topic_names})
    town, county, year = Counter(), Counter(), Counter()
    for d in docnums:
        r = rows[d]
        topic.update(r.topics)
        if r.town:
            town[r.town] += 1
        if r.county:
            county[r.county] += 1
        if r.year is not None:
            year[str(r.year)] += 1

    def ordered(c: Counter) -> dict[str, int]:
        return dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))

    return {"topic": {k: topic[k] for k in topic_names} | ordered(Counter({k: v for k, v in topic.items() if k not in topic_names})),
            "town": ordered(town), "county": ordered(county),
            "year": dict(sorted(year.items(), key=lambda kv: kv[0], reverse=True))}


_SEARCHERS: dict[str, Searcher] = {}
_SEARCHERS_LOCK = threading.Lock()


def searcher_for(index_dir: str | Path) -> Searcher:
    """A process-wide Searcher per index folder."""
    key = str(Path(index_dir).resolve())
    with _SEARCHERS_LOCK:
        if key not in _SEARCHERS:
            _SEARCHERS[key] = Searcher(index_dir)
        return _SEARCHERS[key]


def search(index_dir: str | Path, query: str, **kwargs) -> Results:
    """Search the index in ``index_dir``; see :meth:`Searcher.search`."""
    return searcher_for(index_dir).search(query, **kwargs)
