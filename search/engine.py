"""Searching an index: query → candidate passages → verified matches → ranked hits.

Exact recall: for each term, the passages holding all of its character bigrams are
candidates (index/grams.py); a candidate matches when its normalized text contains the
normalized term. Nothing that contains the term can be missed, whatever jieba did to
it. The relaxed "words" match of multi-term queries uses Whoosh's jieba-word field.
Ranking is BM25F (search/ranking.py); exact matches rank above word matches.

Match sets are sorted NumPy arrays of passage rows; filters and facets work on the
passage table's columns (search/table.py).

A :class:`Searcher` is long-lived: it keeps the passage table in memory and reopens
by itself when a build or update has switched the index to a new generation.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from pathlib import Path

import numpy as np
from whoosh import query as wq

from index import store
from index.fields import FACETS, PLACE_FILTERS
from index.errors import BadParameter, DocumentNotFound, IndexMissing, QueryError
from index.normalize import normalize

from .highlight import match_runs, snippet
from .query import ParsedQuery, parse_query, year_matches
from .ranking import Ranker
from .results import Hit, Results
from .table import PassageTable, Row  # noqa: F401  (Row is part of the public API)

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
SORTS = ("relevance", "year")
CACHE_TERMS = 512
EMPTY = np.zeros(0, dtype=np.int64)


class Searcher:
    """Search one index folder. Safe to share between threads."""

    def __init__(self, index_dir: str | Path, *, reload_in_background: bool = False):
        """``reload_in_background``: after a rebuild has switched the index, keep answering
        from the previous generation while the new one loads in a thread (for servers
        with large indexes); otherwise the first query after the switch loads it."""
        self.index_dir = Path(index_dir)
        self.reload_in_background = reload_in_background
        self._lock = threading.RLock()
        self._load_lock = threading.Lock()
        self._loading: threading.Thread | None = None
        self._table: PassageTable | None = None
        self._ranker: Ranker | None = None
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()

    # ------------------------------------------------------------------ lifecycle
    def _current(self) -> PassageTable:
        gen_path = store.current_generation(self.index_dir)
        table = self._table
        if table is not None and table.path == gen_path:
            return table
        if table is not None and self.reload_in_background:
            with self._lock:
                if self._loading is None or not self._loading.is_alive():
                    self._loading = threading.Thread(target=self._load, args=(gen_path,), daemon=True,
                                                     name="govsearch-reload")
                    self._loading.start()
            return table
        return self._load(gen_path)

    def _load(self, gen_path: Path) -> PassageTable:
        with self._load_lock:  # one load at a time; others wait for it
            table = self._table
            if table is not None and table.path == gen_path:
                return table
            try:
                fresh = PassageTable(gen_path)
                np.unique(np.array([2, 1, 2]))  # NumPy imports parts of itself on first use: now, not in a query
            except Exception as exc:  # missing files, or Whoosh's own errors for a damaged index
                if table is not None and self.reload_in_background:
                    return table  # keep serving what we have
                raise IndexMissing(f"the index at {self.index_dir} cannot be read: {type(exc).__name__}: {exc}") from None
            with self._lock:
                old, self._table = self._table, fresh
                self._cache = OrderedDict()
                self._ranker = Ranker(fresh, lambda word, t=fresh: self._containing(t, word))
            if old is not None:
                old.close()
            return fresh

    def wait_for_reload(self, timeout: float | None = None) -> None:
        """Block until a background reload (if any) has finished."""
        loading = self._loading
        if loading is not None:
            loading.join(timeout)

    def close(self) -> None:
        with self._lock:
            if self._table is not None:
                self._table.close()
                self._table = None

    @property
    def analyzer(self):
        return self._current().analyzer

    # ------------------------------------------------------------------ matching
    def _containing(self, t: PassageTable, needle: str) -> np.ndarray:
        """Sorted rows of live passages whose normalized text contains ``needle``."""
        key = f"{id(t)}:{needle}"
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        rows = t.grams.candidates(needle).astype(np.int64)
        rows = rows[t.live[rows]]
        if len(needle) > 2 and len(rows):
            rows = rows[t.contains(rows, needle)]
        # one- and two-character needles: the bigram (or character range) is the needle itself
        with self._lock:
            self._cache[key] = rows
            if len(self._cache) > CACHE_TERMS:
                self._cache.popitem(last=False)
        return rows

    def _filter_mask(self, t: PassageTable, filters: dict[str, list[str]]) -> np.ndarray:
        mask = np.array(t.live, dtype=bool)
        for name in PLACE_FILTERS:  # town, county, city, province, level
            if filters.get(name):
                mask &= np.isin(getattr(t, name), _codes(getattr(t, f"{name}_names"), filters[name]))
        if filters.get("topic"):
            bits = 0
            for name in filters["topic"]:
                if name in t.topic_names:
                    bits |= 1 << t.topic_names.index(name)
            mask &= (t.topics & np.uint64(bits)) != 0
        if filters.get("year"):
            years = np.unique(t.year)
            wanted = [y for y in years.tolist() if y and year_matches(y, filters["year"])]
            mask &= np.isin(t.year, wanted)
        if filters.get("section"):
            mask &= self._section_mask(t, filters["section"])
        return mask

    def _section_mask(self, t: PassageTable, values: list[str]) -> np.ndarray:
        """Passages under a heading containing any of ``values`` (the whole heading path
        is searched), and the headings and titles that contain it themselves."""
        mask = np.zeros(len(t.live), dtype=bool)
        headings = np.isin(t.kind, [i for i, k in enumerate(t.kind_names) if k in ("heading", "title")])
        for value in values:
            needle = normalize(value)
            if not needle:
                continue
            codes = [c for c, s in enumerate(t.section_names) if needle in t.norm_section(c)]
            if codes:
                mask |= np.isin(t.section, codes)
            rows = self._containing(t, needle)
            mask[rows[headings[rows]]] = True
        return mask

    def _term_words(self, t: PassageTable, norm: str) -> list[str]:
        """The jieba words of a term that the relaxed match requires (two or more
        characters each, index.analysis.multichar_words); a term without any stands for itself."""
        return t.analyzer.term_words(norm) or [norm]

    def _word_matches(self, t: PassageTable, norm: str) -> np.ndarray:
        """Rows holding every jieba word of the term (Whoosh's word field), or, for a
        term without multi-character words, the term itself."""
        words = t.analyzer.term_words(norm)
        if not words:
            return self._containing(t, norm)
        query = wq.And([wq.Term("words", w) for w in words])
        with self._lock:
            docnums = np.fromiter(query.docs(t.searcher), dtype=np.int64)
            rows = t.rows_of_docnums(docnums.tolist())
        return np.unique(rows[(rows >= 0) & t.live[np.maximum(rows, 0)]])

    def _match(self, t: PassageTable, q: ParsedQuery, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(exact, words-only) rows, sorted."""
        excluded = _union([self._containing(t, term.norm) for term in q.excluded])
        if not q.clauses:
            return np.setdiff1d(np.flatnonzero(mask), excluded, assume_unique=True), EMPTY
        exact = _evaluate(q.clauses, lambda term: self._containing(t, term.norm))
        exact = exact[mask[exact]]
        if len(excluded):
            exact = np.setdiff1d(exact, excluded, assume_unique=True)
        relaxed = EMPTY
        if len(q.terms) > 1 and any(not t_.quoted for t_ in q.terms):
            words_match = _evaluate(q.clauses, lambda term: self._containing(t, term.norm) if term.quoted
                                    else self._word_matches(t, term.norm))
            words_match = words_match[mask[words_match]]
            relaxed = np.setdiff1d(np.setdiff1d(words_match, excluded, assume_unique=True), exact, assume_unique=True)
        return exact, relaxed

    def _query_words(self, t: PassageTable, q: ParsedQuery) -> list[str]:
        words: list[str] = []
        for term in q.terms:
            cut = t.analyzer.cut(term.norm)
            longer = [w for w in cut if len(w) > 1]
            words.extend(longer or cut)
        return list(dict.fromkeys(words))

    # ------------------------------------------------------------------ public API
    def search(self, query: str | ParsedQuery = "", *, town=None, county=None, topic=None, year=None,
               page: int = 1, page_size: int = DEFAULT_PAGE_SIZE, sort: str = "relevance",
               max_page_size: int = MAX_PAGE_SIZE) -> Results:
        """Search; filters given here add to those written in the query."""
        started = time.perf_counter()
        page, page_size = _check_paging(page, page_size, max_page_size)
        if sort not in SORTS:
            raise BadParameter(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
        extra = {k: _as_list(v) for k, v in (("town", town), ("county", county), ("topic", topic), ("year", year))}
        q = query if isinstance(query, ParsedQuery) else parse_query(query, extra)
        if q.is_empty:
            raise QueryError("请输入检索词或筛选条件 (empty query: give a term or a filter)")
        t = self._current()
        t.verify()
        exact, relaxed = self._match(t, q, self._filter_mask(t, q.filters))
        rows = np.concatenate([exact, relaxed])
        tier = np.concatenate([np.zeros(len(exact), np.int8), np.ones(len(relaxed), np.int8)])
        words = self._query_words(t, q)
        with self._lock:
            ranker = self._ranker if self._table is t else Ranker(t, lambda word: self._containing(t, word))
        scores = ranker.bm25f(rows, words)

        start = (page - 1) * page_size
        keys = [t.reading_order[rows], -scores, tier]  # np.lexsort: last key sorts first
        if sort == "year":
            keys.append(-t.year[rows])
        if start < len(rows):
            wanted = min(len(rows), start + page_size)
            candidates = np.arange(len(rows))
            if len(rows) > 4 * wanted:
                # only the best `wanted` of each tier can be on this page
                candidates = _top_candidates(keys, wanted)
            order = candidates[np.lexsort([k[candidates] for k in keys])]
            page_items = order[start:wanted]
        else:
            page_items = np.zeros(0, dtype=np.int64)

        needles_exact = [term.norm for term in q.terms]
        needles_words = []
        for term in q.terms:
            needles_words.extend([term.norm] if term.quoted else self._term_words(t, term.norm))
        hits = []
        for i in page_items.tolist():
            r = t.row(int(rows[i]))
            is_exact = tier[i] == 0
            runs = match_runs(r.text, needles_exact if is_exact else needles_words)
            hits.append(Hit.from_row(r, match="exact" if is_exact else "words", snippet=snippet(r.text, runs),
                                     score=round(float(scores[i]), 4), runs=runs))
        return Results(
            query=q.raw, total=len(rows), total_docs=int(np.count_nonzero(np.bincount(t.doc[rows], minlength=1))) if len(rows) else 0,
            page=page, page_size=page_size, facets=_facets(t, rows), hits=hits, total_exact=len(exact),
            filters=q.filters, sort=sort, warnings=q.warnings,
            took_ms=round((time.perf_counter() - started) * 1000, 2),
        )

    def document(self, doc_id: str) -> dict:
        t = self._current()
        t.verify()
        doc = t.documents.get(doc_id) if isinstance(doc_id, str) else None
        if doc is None:
            raise DocumentNotFound(f"no document {doc_id!r} in the index", "check the id in the search results")
        passages = []
        for r in t.by_doc.get(doc_id, []):
            row = t.row(r)
            passages.append({"passage_id": row.passage_id, "section": row.section, "kind": row.kind,
                             "text": row.text, "topics": list(row.topics)})
        return {"doc_id": doc_id, "title": doc["title"], "town": doc["town"], "county": doc["county"],
                "year": doc["year"], "source": doc["source"], "subtitle": doc.get("subtitle", ""),
                "encoding": doc.get("encoding"), "passages": passages}

    def documents(self) -> list[dict]:
        t = self._current()
        return [{k: d[k] for k in ("doc_id", "title", "town", "county", "year", "source", "passages")}
                for d in t.documents.values()]

    def stats(self) -> dict:
        t = self._current()
        info = t.info
        return {
            "documents": len(t.documents), "passages": t.count, "built_at": info.get("built_at"),
            "characters": info.get("characters"), "generation": t.path.name, "index": str(self.index_dir),
            "corpus": info.get("corpus"), "topics": info.get("topics", []), "mode": info.get("mode"),
            "skipped": info.get("skipped", []),
            "towns": sorted({d["town"] for d in t.documents.values() if d.get("town")}),
            "counties": sorted({d["county"] for d in t.documents.values() if d.get("county")}),
            "years": sorted({d["year"] for d in t.documents.values() if d.get("year")}),
        }


def _evaluate(clauses, rows_of) -> np.ndarray:
    """Sorted rows matching an AND of OR clauses, ``rows_of(term)`` giving each term's
    sorted rows; stops as soon as the intersection is empty."""
    result = None
    for clause in clauses:
        alternatives = _union([rows_of(term) for term in clause])
        result = alternatives if result is None else np.intersect1d(result, alternatives, assume_unique=True)
        if not len(result):
            break
    return EMPTY if result is None else result


def _union(parts: list[np.ndarray]) -> np.ndarray:
    """Sorted union of sorted row arrays (no work for a single one)."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return EMPTY
    if len(parts) == 1:
        return parts[0]
    return np.unique(np.concatenate(parts))


def _top_candidates(keys: list[np.ndarray], wanted: int) -> np.ndarray:
    """Indices that can reach the first ``wanted`` places of the full sort order
    (the primary keys are tier and score, or year, tier and score)."""
    primary = keys[-1] if len(keys) == 3 else keys[-1] * 4 + keys[-2]  # year*4 + tier, or tier
    out = []
    for value in np.unique(primary):
        members = np.flatnonzero(primary == value)
        if len(members) > wanted:
            neg_score = keys[1][members]
            cut = np.partition(neg_score, wanted - 1)[wanted - 1]
            members = members[neg_score <= cut]
        out.append(members)
        if sum(len(m) for m in out) >= wanted:
            break
    return np.concatenate(out)


def _codes(names: list[str], wanted: list[str]) -> list[int]:
    """Codes of the stored values matching any wanted value (exactly, or as a prefix: 大隗 → 大隗镇)."""
    wanted_norm = [normalize(w) for w in wanted]
    return [i for i, name in enumerate(names) if any(_place_match(name, w) for w in wanted_norm)]


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


def _facets(t: PassageTable, rows: np.ndarray) -> dict[str, dict[str, int]]:
    def count(column: np.ndarray, names: list) -> dict[str, int]:
        codes = column[rows]
        codes = codes[codes >= 0]
        counts = np.bincount(codes, minlength=len(names)) if len(codes) else np.zeros(len(names), int)
        pairs = [(str(names[i]), int(n)) for i, n in enumerate(counts) if n]
        return dict(sorted(pairs, key=lambda kv: (-kv[1], kv[0])))

    bits = t.topics[rows]
    topic = {name: int(np.count_nonzero(bits & np.uint64(1 << i))) for i, name in enumerate(t.topic_names)}
    years = t.year[rows]
    years = years[years > 0]
    counts = np.bincount(years) if len(years) else np.zeros(0, int)
    year = {str(y): int(counts[y]) for y in np.flatnonzero(counts)[::-1].tolist()}
    out = {"topic": topic}
    for name in PLACE_FILTERS:  # town, county, city, province, level
        out[name] = count(getattr(t, name), getattr(t, f"{name}_names"))
    out["year"] = year
    return {k: out[k] for k in FACETS}


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
