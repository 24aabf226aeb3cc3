"""Searching an index: query → candidate passages → verified matches → ranked hits.

Exact recall: for each term, the passages holding all of its character bigrams are
candidates (index/generation/grams.py); a candidate matches when its normalized text contains the
normalized term. Nothing that contains the term can be missed, whatever jieba did to
it. The relaxed "words" match of multi-term queries uses Whoosh's jieba-word field.
Ranking is BM25F (search/ranking.py) within match tiers (search/tiers.py): exact matches,
then word matches, matches in context (a term in the heading path, title or list
lead-in), partial matches (all terms but the least informative one, when the others
are few), synonym matches.

Match sets are sorted NumPy arrays of passage rows; filters and facets work on the
passage table's columns (search/table.py).

A :class:`Searcher` is long-lived: it keeps the passage table in memory and reopens
by itself when a build or update has switched the index to a new generation.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections import OrderedDict
from pathlib import Path

import numpy as np

from index import fields as field_model
from index.analysis import multichar_words
from index.errors import BadParameter, DocumentNotFound, EmptyQuery, GovsearchError, IndexDamaged, QueryError
from index.generation import rowsets, store
from index.normalize import normalize
from index.reading.places import level_label
from search import assist as _assist
from search import boundaries, grouping, hit_parts, ranking, relaxed, tiers
from search.highlight import HTML, Fragmenter, Matches, match_runs  # noqa: F401  (match_runs: public API)
from search.options import DEFAULT_PAGE_SIZE, GROUPS, MAX_PAGE_SIZE, SORTS  # noqa: F401  (the engine's API)
from search.places_label import place_label
from search.query import ParsedQuery, check_years, parse_query, year_matches
from search.ranking import Ranker
from search.results import Hit, Results
from search.synonyms import SynonymSource, expand_query
from search.table import PassageTable, Row, per_generation  # noqa: F401  (Row is part of the public API)
from search.visibility import ScopedTable, audience_of, freeze, scoped

CACHE_TERMS = 512
CACHE_BYTES = 32 << 20  # the term cache holds at least this many bytes of row arrays (the newest always)
# A cache's working set grows with the table (a frequent word's rows are a share of all
# rows), so each cache's bound grows with it too: this many bytes per passage, between
# the floor (CACHE_BYTES, ranking.CACHED_BYTES) and CACHE_CEILING, unless the operator
# sets it (``cache_mib``). The bench's word statistics take 73 B a passage at 100 and at
# 300 MB (bench/cache_policy.py), its term cache 36 B: 96 B leaves room for more varied
# traffic. See docs/operating.md.
CACHE_BYTES_PER_PASSAGE = 96
CACHE_CEILING = 256 << 20
_log = logging.getLogger("govsearch")
RELOAD_WAIT = 0.25  # seconds a query waits for a background reload before the previous generation answers it
EMPTY = np.zeros(0, dtype=np.int64)


def cache_bound(passages: int, floor: int, mib: int | None = None) -> int:
    """Bytes one per-generation cache may hold for a table of ``passages`` rows:
    ``mib`` MiB when the operator set it, else ``CACHE_BYTES_PER_PASSAGE`` a passage,
    at least ``floor`` and at most ``CACHE_CEILING`` (or the floor, if higher)."""
    if mib is not None:
        return mib << 20
    return min(max(floor, passages * CACHE_BYTES_PER_PASSAGE), max(floor, CACHE_CEILING))


class Searcher:
    """Search one index folder. Safe to share between threads."""

    def __init__(self, index_dir: str | Path, *, reload_in_background: bool = False,
                 synonyms_file: str | Path | None = None, cache_mib: int | None = None):
        """``reload_in_background``: after a rebuild has switched the index, the first
        query starts loading the new generation in a thread and waits for it at most
        :data:`RELOAD_WAIT` seconds (opening a generation maps its files: usually tens of
        milliseconds); if it is not ready by then, that query and the following ones are
        answered from the previous generation until it is (what servers use: a switch never
        holds up a request for long). Otherwise the first query after the switch loads it.
        ``synonyms_file``: the synonym table (default: the shipped one, see search/synonyms.py).
        ``cache_mib``: the bound of each of the term cache and the ranker's word statistics,
        in MiB (default: :func:`cache_bound` of the generation's size)."""
        self.index_dir = Path(index_dir)
        self.cache_mib = cache_mib
        self.synonyms = SynonymSource(synonyms_file)
        self.reload_in_background = reload_in_background
        self._lock = threading.RLock()
        self._load_lock = threading.Lock()
        self._loading: threading.Thread | None = None
        self._table: PassageTable | None = None
        self._ranker: Ranker | None = None
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_bytes = 0
        self._cache_limit: int | None = None  # the live table's cache_bound (None: CACHE_BYTES)
        # the live table's views per audience (search/visibility.py): kept here, not on
        # the table, so that no reference cycle holds a dropped table's files open
        self._scopes: dict = {}
        self._problem: tuple[Path, GovsearchError] | None = None  # a generation that failed to open

    # ------------------------------------------------------------------ lifecycle
    def _current(self) -> PassageTable:
        gen_path = store.current_generation(self.index_dir)
        table = self._table
        if table is not None and table.path == gen_path:
            return table
        if table is not None and self.reload_in_background:
            with self._lock:
                loading = self._loading
                if loading is None or not loading.is_alive():
                    loading = self._loading = threading.Thread(target=self._load, args=(gen_path,),
                                                               daemon=True, name="govsearch-reload")
                    loading.start()
            loading.join(RELOAD_WAIT)
            fresh = self._table
            return fresh if fresh is not None else table
        table = None  # held here, the old generation would outlive the load's collection
        return self._load(gen_path)

    def _load(self, gen_path: Path) -> PassageTable:
        with self._load_lock:  # one load at a time; others wait for it
            table = self._table
            if table is not None and table.path == gen_path:
                return table
            try:
                fresh = PassageTable(gen_path)
            except Exception as exc:  # missing files, or Whoosh's own errors for a damaged index
                if isinstance(exc, GovsearchError):
                    error = IndexDamaged(f"the index at {self.index_dir} cannot be read: {exc.message}",
                                         **({"fix": exc.fix} if exc.fix else {"hint": exc.hint or None}))
                else:
                    error = IndexDamaged(f"the index at {self.index_dir} cannot be read: {type(exc).__name__}: {exc}")
                if table is not None and self.reload_in_background:
                    if self._problem is None or self._problem[0] != gen_path:
                        _log.error("%s; still answering from %s", error, table.path.name)
                    self._problem = (gen_path, error)
                    return table  # keep serving what we have; problem() tells /healthz
                raise error from None
            self._problem = None
            with self._lock:
                old, self._table = self._table, fresh
                self._cache = OrderedDict()
                self._cache_bytes = 0
                self._cache_limit = cache_bound(len(fresh.live), CACHE_BYTES, self.cache_mib)
                self._scopes = {}
                # by a weak reference: a Searcher dropped by its caller is freed (its files
                # closed) at once, not at the next cycle collection
                me = weakref.ref(self)
                self._ranker = Ranker(fresh, lambda word, t=fresh: me()._containing(t, word),
                                      max_bytes=self._stats_bound(fresh))
            if old is not None:
                old.close()
            return fresh

    def problem(self) -> GovsearchError | None:
        """Why the live generation (the one ``CURRENT`` names) could not be opened while
        an older one still answers (background reload), or None: health checks report it."""
        self._current()
        problem = self._problem
        if problem is None:
            return None
        try:
            live = store.current_generation(self.index_dir)
        except GovsearchError as exc:
            return exc
        return problem[1] if live == problem[0] else None

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

    def _ranker_for(self, t: PassageTable) -> Ranker:
        with self._lock:
            if self._table is t:
                return self._ranker
            return Ranker(t, lambda word: self._containing(t, word), max_bytes=self._stats_bound(t))

    def _stats_bound(self, t: PassageTable) -> int:
        """The ranker's bound for ``t`` (:func:`cache_bound` over ranking.CACHED_BYTES)."""
        return cache_bound(len(t.live), ranking.CACHED_BYTES, self.cache_mib)

    def scoped(self, groups, fixed: dict | None = None) -> "Searcher":
        """This searcher as a caller of these visibility groups sees the index
        (index/visibility.py): the same searcher for ``*`` (everything), else a view
        whose every answer — hits, totals, facets, comparison, documents, stats, passage
        counts — covers only the reports of those groups (search/visibility.py).
        ``fixed``: filters (an embed token's) that narrow everything it sees alike."""
        audience = audience_of(groups)
        frozen = freeze(fixed)
        return self if audience is None and not frozen else ScopedSearcher(self, audience, frozen)

    # ------------------------------------------------------------------ matching
    def _containing(self, t: PassageTable, needle: str) -> np.ndarray:
        """Sorted rows of live passages whose normalized text contains ``needle``."""
        key = (id(t), "text", needle)
        cached = self._cached(key)
        if cached is not None:
            return cached
        rows = t.grams.candidates(needle).astype(np.int64)
        rows = rows[t.live[rows]]
        if len(needle) > 2 and len(rows):
            rows = rows[t.contains(rows, needle)]
        # one- and two-character needles: the bigram (or character range) is the needle itself
        if boundaries.bounded(needle) and len(rows):  # Latin letters / digits: word boundaries
            rows = rows[np.fromiter((boundaries.holds(t.norm(r), lambda r=r: t.text(r), needle) for r in rows.tolist()),
                                    dtype=bool, count=len(rows))]
        return self._keep(key, rows)

    def _cached(self, key: tuple) -> np.ndarray | None:
        """The rows kept in the term cache under ``key``, or None."""
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
            return cached

    def _keep(self, key: tuple, rows: np.ndarray) -> np.ndarray:
        """Keep ``rows`` in the term cache under ``key`` (bounded by ``CACHE_TERMS`` and
        the live table's :func:`cache_bound`, the newest always kept); return them."""
        with self._lock:
            limit = CACHE_BYTES if self._cache_limit is None else self._cache_limit
            old = self._cache.pop(key, None)
            if old is not None:
                self._cache_bytes -= old.nbytes
            self._cache[key] = rows
            self._cache_bytes += rows.nbytes
            while len(self._cache) > 1 and (len(self._cache) > CACHE_TERMS or self._cache_bytes > limit):
                _, dropped = self._cache.popitem(last=False)
                self._cache_bytes -= dropped.nbytes
        return rows

    def _filter_mask(self, t: PassageTable, filters: dict[str, list[str]]) -> np.ndarray:
        """Rows passing every filter: the values of one filter are ORed, filters ANDed;
        how a value selects is the field's ``match`` (index/fields.py)."""
        mask = np.array(t.live, dtype=bool)
        for f in t.model.filters:
            wanted = filters.get(f.filter)
            if not wanted:
                continue
            if f.match == "value":  # a stored value, or one starting with what was written (大隗 → 大隗镇)
                mask &= np.isin(getattr(t, f.column_attr), _codes(getattr(t, f.names_attr), f.selecting(wanted)))
            elif f.match == "bits":  # any of the values, compared normalized (黨建 is 党建)
                chosen = {normalize(v) for v in wanted}
                bits = sum(1 << i for i, name in enumerate(getattr(t, f.names_attr)) if normalize(name) in chosen)
                mask &= (getattr(t, f.column_attr) & np.uint64(bits)) != 0
            elif f.match == "year":
                check_years(wanted)
                column = getattr(t, f.column_attr)
                mask &= np.isin(column, [y for y in rowsets.unique(column).tolist() if y and year_matches(y, wanted)])
            elif f.match == "heading":
                mask &= self._section_mask(t, wanted)
        return mask

    @staticmethod
    def _unknown_values(t: PassageTable, filters: dict[str, list[str]], found: bool) -> list[str]:
        """Warnings for the values of a filter over a table of values the index holds
        (topic: the lexicon's topics) that name none of them: such a value finds nothing,
        so the values it could be are said; and for a value of an open place filter
        (town, county …: no list of values in the model) that selects no report the caller
        may see (``t.live``: a report hidden from it counts as absent, or the warning's
        absence would confirm it), as the engine selects (大隗 → 大隗镇), said without the
        list (thousands). ``found``: the query found passages, so a filter of one value
        selected some (the common case, a place clicked in the facets: no scan of the rows)."""
        out = []
        for f in t.model.filters:
            if not filters.get(f.filter):
                continue
            if f.match == "value" and not f.value_aliases:
                if found and len(filters[f.filter]) == 1:
                    continue
                column = getattr(t, f.column_attr)
                for value in filters[f.filter]:
                    wanted = f.selecting([value])
                    codes = _codes(getattr(t, f.names_attr), wanted)
                    if wanted[0] and not (codes and np.asarray(t.live, dtype=bool)[np.isin(column, codes)].any()):
                        label = f.label or f.filter
                        out.append(f"索引中没有{label}“{value}”的报告，按它筛选不到段落 "
                                   f"(no report of the index has {f.filter} {value!r})")
                continue
            if f.match != "bits":
                continue
            names = list(getattr(t, f.names_attr))
            known = {normalize(n) for n in names}
            for value in filters[f.filter]:
                if normalize(value) not in known:
                    label = f.label or f.filter
                    out.append(f"{label}没有“{value}”这个值，按它筛选不到段落；可用 {'、'.join(names)} "
                               f"(unknown {f.filter} {value!r}: valid values are {', '.join(names)})")
        return out

    def selection_mask(self, t: PassageTable, q: ParsedQuery, fixed: dict | None = None,
                       without: str | None = None) -> np.ndarray:
        """Rows passing the query's filters (but the facet ``without``) and the fixed ones."""
        filters = {k: v for k, v in q.filters.items() if k != without} if without else q.filters
        mask = self._filter_mask(t, filters)
        if fixed:
            mask &= self._filter_mask(t, {k: list(v) for k, v in fixed.items() if v})
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
            codes = t.sections_containing(needle)
            if len(codes):
                mask |= np.isin(t.section, codes)
            rows = self._containing(t, needle)
            mask[rows[headings[rows]]] = True
        return mask

    def _term_words(self, t: PassageTable, norm: str) -> list[str]:
        """The jieba words of a term that the relaxed match requires (two or more
        characters each, index.analysis.multichar_words); a term without any stands for itself."""
        return t.analyzer.term_words(norm) or [norm]

    def _word_matches(self, t: PassageTable, norm: str) -> np.ndarray:
        """Rows holding the term by its words (search/relaxed.py): every jieba word of
        two or more characters (Whoosh's word field), each one-character part beside
        its word; a term without multi-character words matches only as written. Kept in
        the term cache, as the rows holding a term as written are."""
        key = (id(t), "words", norm)
        cached = self._cached(key)
        if cached is not None:
            return cached
        return self._keep(key, self._word_rows(t, norm))

    def _word_rows(self, t: PassageTable, norm: str) -> np.ndarray:
        term_parts = relaxed.parts(t.analyzer.cut, norm)
        words = [p for p in dict.fromkeys(term_parts) if len(p) > 1]
        if not words:
            return self._containing(t, norm)
        # the mapped copy of Whoosh's word postings (index/generation/wordrows.py)
        rows = t.word_rows.rows_with_all(words).astype(np.int64)
        rows = rows[t.live[rows]]
        if any(len(p) == 1 for p in term_parts):
            for char in {p for p in term_parts if len(p) == 1}:
                rows = np.intersect1d(rows, self._containing(t, char), assume_unique=True)
            rows = relaxed.filter_rows(rows, t.norm, term_parts)
        return rows

    # ---------------------------------------------------------------- the query evaluator
    # public for the views built on queries (search/compare.py, search/facets.py): the
    # generation a query reads, the rows it matches, and the facet counts of rows

    def current_table(self) -> PassageTable:
        """The generation queries read now (a newer live one is loaded first)."""
        return self._current()

    def evaluate(self, t: PassageTable, q: ParsedQuery, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The rows of ``t`` within ``mask`` that the parsed query ``q`` matches: (exact,
        by words only), each sorted."""
        return self._match(t, q, mask)

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
    def search(self, query: str | ParsedQuery = "", filters: dict[str, list[str]] | None = None, *,
               synonyms: bool = False, pinyin: bool = False, did_you_mean: bool = True, related: bool = False,
               **options) -> Results:
        """Search; ``filters`` ({"town": ["大隗镇"], "year": ["2022"]}, any filter of the
        field model) add to those written in the query; a filter may also be given as a
        keyword (``topic="党建"``, a value or a list). ``options``: ``page``,
        ``page_size``, ``sort``, ``max_page_size``, ``group``, ``fixed``.

        Query assistance (search/assist.py): ``synonyms`` also searches the synonyms of
        the terms; ``pinyin`` reads a Latin-letter query without literal hits as pinyin;
        ``did_you_mean`` fills ``did_you_mean`` for a query with (almost) no hits;
        ``related`` fills ``suggestions`` with related searches. The first two change
        the hits, so they are off by default here (a query's full matches are exactly the
        passages containing it; the partial tier, search/tiers.py, is labelled apart);
        the CLI and the web app turn them on."""
        filters, options = split_filters(filters, options)
        q = query if isinstance(query, ParsedQuery) else parse_query(query, filters)
        results = self._search(q, synonyms=synonyms, **options)
        if pinyin or did_you_mean or related:
            results = _assist.after_search(self, q, results, lambda q2: self._search(q2, synonyms=synonyms, **options),
                                           pinyin=pinyin, did_you_mean=did_you_mean, related=related)
        return results

    def generation_path(self) -> Path:
        """The folder of the index generation being searched."""
        return self._current().path

    def passage_count(self, text: str) -> int:
        """How many passages contain ``text`` (after normalization)."""
        norm = normalize(text)
        return int(len(self._containing(self._current(), norm))) if norm else 0

    def passage_total(self) -> int:
        return self._current().count

    def _search(self, query: str | ParsedQuery = "", filters: dict[str, list[str]] | None = None, *,
                page: int = 1, page_size: int = DEFAULT_PAGE_SIZE, sort: str = "relevance",
                max_page_size: int = MAX_PAGE_SIZE, synonyms: bool = True, group: str = "none",
                fixed: dict | None = None) -> Results:
        """``group="report"`` lists passages by report and shows identical passages once
        (search/grouping.py). ``fixed`` filters ({"town": [...], ...}, e.g. an embed's) are
        ANDed on top: a filter typed in the query can narrow them but never widen them."""
        started = time.perf_counter()
        page, page_size = _check_paging(page, page_size, max_page_size)
        if sort not in SORTS:
            raise BadParameter(f"排序方式应为 {'、'.join(SORTS)} 之一，收到 {sort!r} "
                               f"(sort must be one of {', '.join(SORTS)}, not {sort!r})")
        if group not in GROUPS:
            raise BadParameter(f"分组方式应为 {'、'.join(GROUPS)} 之一，收到 {group!r} "
                               f"(group must be one of {', '.join(GROUPS)}, not {group!r})")
        q = query if isinstance(query, ParsedQuery) else parse_query(query, split_filters(filters, {})[0])
        if q.is_empty and not any((fixed or {}).values()):
            raise EmptyQuery(warnings=q.warnings)
        t = self._current()
        t.verify()
        mask = self.selection_mask(t, q, fixed)
        exact, relaxed = self._match(t, q, mask)
        q_syn, applied = expand_query(q, self.synonyms)
        synonym_rows = EMPTY
        if synonyms and applied:  # rows found only through a synonym come last
            more, _ = self._match(t, q_syn, mask)
            synonym_rows = np.setdiff1d(more, _union([exact, relaxed]), assume_unique=True)
        ranker = self._ranker_for(t)
        found = _union([exact, relaxed])
        excluded = _union([self._containing(t, term.norm) for term in q.excluded])
        loose = tiers.looser(t, q.clauses, lambda term: self._containing(t, term.norm), mask, found, excluded,
                             lambda term, candidates: ranker.named(term.norm, candidates), len(found),
                             lambda term: ranker.informativeness(term.norm),
                             lambda term: self._term_words(t, term.norm))
        if len(synonym_rows):
            synonym_rows = np.setdiff1d(synonym_rows, _union([loose.context, loose.partial]), assume_unique=True)
        parts = [exact, relaxed, loose.context, loose.partial, synonym_rows]
        rows = np.concatenate(parts)
        matched = np.concatenate([np.full(len(p), k, np.int8) for k, p in enumerate(parts)])  # each row's tier
        tier = tiers.ranked(matched)  # the tier a row is sorted in (context, partial may share the exact tier)
        words = self._query_words(t, q_syn if synonyms and applied else q)
        scores = ranker.score(rows, words, [term.norm for term in q.terms], tier)
        scores = tiers.weighed(matched, scores)

        start = (page - 1) * page_size
        # np.lexsort: last key sorts first; equal scores: the newer report, then reading order
        neg_scores = -scores

        def keys_of(picked: np.ndarray | None) -> list[np.ndarray]:
            """The sort keys of the rows at indices ``picked`` (None: all)."""
            r = rows if picked is None else rows[picked]
            keys = [t.reading_order[r], -t.year[r], neg_scores if picked is None else neg_scores[picked],
                    tier if picked is None else tier[picked]]
            if sort == "year":
                keys.append(-t.year[r])
            return keys

        listed = None
        if group == "report":
            order = np.lexsort(keys_of(None)) if len(rows) else np.zeros(0, dtype=np.int64)
            listed, n_listed = grouping.report_groups(t, rows, order, needed=start + page_size)
            page_listed = listed[start:start + page_size]
            page_items = np.array([item.index for item in page_listed], dtype=np.int64)
        elif start < len(rows):
            wanted = min(len(rows), start + page_size)
            candidates = np.arange(len(rows))
            if len(rows) > 4 * wanted:
                # only the best `wanted` of each tier can be on this page (found from the
                # tier, score and year keys; the others are read for those candidates only)
                primary = [None, None, neg_scores, tier] + ([-t.year[rows]] if sort == "year" else [])
                candidates = _top_candidates(primary, wanted)
            order = candidates[np.lexsort(keys_of(candidates))]
            page_items = order[start:wanted]
        else:
            page_items = np.zeros(0, dtype=np.int64)

        needles_exact = [term.norm for term in q.terms]
        needles_words = []
        for term in q.terms:
            needles_words.extend([term.norm] if term.quoted else self._term_words(t, term.norm))
        needles_synonym = [term.norm for term in q_syn.terms]
        hits = []
        ocr_documents = getattr(t, "ocr_documents", {})
        for n, i in enumerate(page_items.tolist()):
            row = int(rows[i])
            level = tiers.CONTEXT if row in loose.context_terms else int(matched[i])
            needles = (needles_words if level == tiers.WORDS else needles_synonym if level == tiers.SYNONYM
                       else needles_exact)
            parts = hit_parts.parts_of(t, row, needles)  # the row, its snippet and lead-in: kept per generation
            r = parts.row
            hits.append(Hit.from_row(r, match=tiers.NAMES[level], snippet=parts.snippet,
                                     score=round(float(scores[i]), 4), runs=list(parts.runs)))
            if r.doc_id in ocr_documents:
                hits[-1].text_source, hits[-1].ocr_confidence = "ocr", ocr_documents[r.doc_id]
            if parts.lead_in is not None:  # a list item is shown with the lead-in that introduces its list
                hits[-1].lead_in = parts.lead_in
            if level == tiers.CONTEXT:
                hits[-1].context_terms = list(loose.context_terms.get(int(rows[i]), []))
            elif level == tiers.PARTIAL:
                hits[-1].missing_terms = [loose.dropped]
            if listed is not None:
                item = page_listed[n]
                hits[-1].more_in_report = item.more_in_report
                hits[-1].also_in = [_report_ref(t.row(int(rows[j]))) for j in item.also_in]
        docs = t.doc[rows]
        per_doc = np.bincount(docs, minlength=1) if len(rows) else None  # rows per report code
        return Results(
            query=q.raw, total=len(rows), total_docs=int(np.count_nonzero(per_doc)) if len(rows) else 0,
            page=page, page_size=page_size, facets=_facets(t, rows, docs, per_doc), hits=hits, total_exact=len(exact),
            total_words=len(relaxed), total_context=len(loose.context), total_partial=len(loose.partial),
            group=group, listed=n_listed if listed is not None else None,
            filters=q.filters, fixed_filters={k: list(v) for k, v in (fixed or {}).items() if v},
            sort=sort, warnings=[*q.warnings, *self._unknown_values(t, q.filters, found=len(rows) > 0)], generation=t.path.name,
            took_ms=round((time.perf_counter() - started) * 1000, 2),
            expanded={"synonyms": applied, "synonym_hits": int(len(synonym_rows)), "synonyms_off": bool(applied) and not synonyms,
                      "pinyin": None},
        )

    def document(self, doc_id: str, query: str | None = None) -> dict:
        """A whole report. With ``query``, every passage also gets ``highlights``, the
        ``[start, end)`` spans of the query's matches in its text (the same marking for
        the document page, ``/api/docs/<id>?q=`` and ``govsearch show --query``) and
        ``matches``, how many matches it holds (a match that punctuation splits into two
        highlights counts once), and the report gets ``query``, ``needles`` and ``matches``
        (their sum)."""
        t = self._current()
        t.verify()
        doc = t.documents.get(doc_id) if isinstance(doc_id, str) else None
        if doc is None:
            raise DocumentNotFound.of(doc_id)
        bulk = getattr(t, "document_passages", None)
        if bulk is not None and "rows" in doc:
            passages, norms = bulk(*doc["rows"])  # the report's consecutive rows, read in bulk
        else:
            rows = [t.rows[r] for r in t.by_doc.get(doc_id, [])]
            passages = [{"passage_id": row.passage_id, "section": row.section, "kind": row.kind, "text": row.text,
                         "topics": list(row.topics)} for row in rows]
            norms = [row.norm for row in rows]
        needles = document_needles(query, norms, t.analyzer.cut) if query else []
        matches = 0
        if query is not None:
            for passage, norm in zip(passages, norms):
                # only passages holding a needle are mapped back to source characters
                found = (Matches.find(passage["text"], needles) if needles and any(n in norm for n in needles)
                         else Matches(passage["text"], [], [], 0))
                passage["highlights"] = [[a, b] for a, b in found.runs]
                passage["matches"] = found.count  # a match split by punctuation is two runs but one match
                matches += found.count
        out = {"doc_id": doc_id, **{name: doc.get(name) for name in t.model.report_values},
               "source": doc["source"], "subtitle": doc.get("subtitle", ""),
               "encoding": doc.get("encoding"), "passages": passages, "level_label": level_label(doc.get("level")),
               "text_source": doc.get("text_source", "file"), "ocr": doc.get("ocr")}
        out["place_label"] = place_label(out)
        if query is not None:
            out.update(query=query, needles=needles, matches=matches)
        return out

    def documents(self) -> list[dict]:
        t = self._current()
        return [{k: d.get(k) for k in ("doc_id", *t.model.report_values, "source", "passages")}
                for d in t.documents.values()]

    def stats(self) -> dict:
        """The index's figures: ``govsearch index stats --json`` prints them as they are,
        ``/api/stats`` without what names the server's files (web/api.py public_stats), so
        every figure has one name in both."""
        t = self._current()
        info = t.info
        skipped = info.get("skipped") or []
        reasons: dict[str, int] = {}  # every skipped file counted, one without a reason under ""
        for item in skipped:
            reason = str(item.get("reason", "")) if isinstance(item, dict) else ""
            reasons[reason] = reasons.get(reason, 0) + 1
        return {
            "documents": len(t.documents), "passages": t.count, "built_at": info.get("built_at"),
            "characters": info.get("characters"), "generation": t.path.name, "index": str(self.index_dir),
            "corpus": info.get("corpus"), "topics": info.get("topics", []), "mode": info.get("mode"),
            "skipped": skipped, "skipped_count": len(skipped), "skipped_reasons": reasons,
            "towns": sorted({d["town"] for d in t.documents.values() if d.get("town")}),
            "counties": sorted({d["county"] for d in t.documents.values() if d.get("county")}),
            "years": sorted({d["year"] for d in t.documents.values() if d.get("year")}),
            "cities": sorted({d["city"] for d in t.documents.values() if d.get("city")}),
            "provinces": sorted({d["province"] for d in t.documents.values() if d.get("province")}),
            "levels": _counts(d.get("level") for d in t.documents.values()),
        }


def _counts(values) -> dict[str, int]:
    """Reports per value, most first; reports without a value are left out."""
    out: dict[str, int] = {}
    for v in values:
        if v:
            out[v] = out.get(v, 0) + 1
    return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))


def _report_ref(row) -> dict:
    """Where else an identical passage stands (``also_in`` of a grouped hit)."""
    return {"doc_id": row.doc_id, "passage_id": row.passage_id, "title": row.title, "town": row.town,
            "county": row.county, "year": row.year}


def document_needles(query: str, norms: list[str], cut) -> list[str]:
    """Normalized strings to mark in a report (its passages' normalized texts ``norms``)
    for ``query``: each term where it occurs as written; a term found nowhere as written
    word by word, as the engine relaxes it for a word match (``cut``: the analyzer)."""
    try:
        parsed = parse_query(query)
    except QueryError:
        return []
    needles: list[str] = []
    for term in parsed.terms:
        if term.quoted or any(term.norm in n for n in norms):
            needles.append(term.norm)
        else:
            needles.extend(w for w in multichar_words(cut, term.norm) if any(w in n for n in norms))
    return list(dict.fromkeys(n for n in needles if n))


def _evaluate(clauses, rows_of) -> np.ndarray:
    """Sorted rows matching an AND of OR clauses, ``rows_of(term)`` giving each term's
    sorted rows; stops as soon as the intersection is empty."""
    result = None
    for clause in clauses:
        alternatives = _union([rows_of(term) for term in clause])
        result = alternatives if result is None else rowsets.intersect(result, alternatives)
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
    return rowsets.unique(np.concatenate(parts))


def _top_candidates(keys: list[np.ndarray], wanted: int) -> np.ndarray:
    """Indices that can reach the first ``wanted`` places of the full sort order
    (the primary keys are tier and score, or year, tier and score)."""
    primary = keys[-1] if len(keys) == 4 else keys[-1] * 8 + keys[-2]  # year*8 + tier, or tier
    out = []
    for value in rowsets.unique(primary):
        members = np.flatnonzero(primary == value)
        if len(members) > wanted:
            neg_score = keys[2][members]
            cut = np.partition(neg_score, wanted - 1)[wanted - 1]
            members = members[neg_score <= cut]
        out.append(members)
        if sum(len(m) for m in out) >= wanted:
            break
    return np.concatenate(out)


def _codes(names: list[str], wanted: list[str]) -> list[int]:
    """Codes of the stored values that ``wanted`` (:meth:`Field.selecting`) selects."""
    return [i for i, name in enumerate(names) if field_model.Field.selects(name, wanted)]


def split_filters(filters: dict | None, options: dict) -> tuple[dict[str, list[str]], dict]:
    """(filters, other options): ``filters`` with the keyword arguments that name a filter
    of the field model (``town=``, ``topic=`` …) added, each value made a list."""
    names = field_model.current().by_filter
    out = {k: _as_list(v) for k, v in (filters or {}).items()}
    rest = {}
    for k, v in options.items():
        if k in names:
            out[k] = [*out.get(k, []), *_as_list(v)]
        else:
            rest[k] = v
    return {k: v for k, v in out.items() if v}, rest


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
        raise BadParameter(f"页码和每页条数应为正整数，收到 {page!r}、{page_size!r} (page and page_size must be whole numbers)") from None
    if page < 1:
        raise BadParameter(f"页码从 1 开始，收到 {page} (page must be 1 or more, not {page})")
    if not 1 <= page_size <= max_page_size:
        raise BadParameter(f"每页条数应在 1 到 {max_page_size} 之间，收到 {page_size} "
                           f"(page_size must be between 1 and {max_page_size}, not {page_size})")
    return page, page_size


def facet_counts(t: PassageTable, rows: np.ndarray) -> dict[str, dict[str, int]]:
    """Per facet, the number of ``rows`` of ``t`` with each value."""
    return _facets(t, rows)


def _facets(t: PassageTable, rows: np.ndarray, docs: np.ndarray | None = None,
            rows_per_doc: np.ndarray | None = None) -> dict[str, dict[str, int]]:
    """Passages per value of every facet of the model, chosen by the field's column:
    a value table (most passages first), a bit set (every name of the table, in its
    order) or years (newest first). A column whose value is the report's (the same in
    every passage of a report) is counted per report, weighted by the report's rows:
    a frequent term's tens of thousands of rows are a few thousand reports."""
    out: dict[str, dict[str, int]] = {}
    docs = t.doc[rows] if docs is None else docs
    by_report = not (len(docs) and int(docs.min()) < 0)  # False when a row has no report
    held = weights = None  # the reports among ``rows`` and the rows of each
    for f in t.model.filters:
        if not f.facet:
            continue
        values = None if f.column == "bits" or not by_report else _report_values(t, f.column_attr)
        if values is not None:
            if held is None:
                if rows_per_doc is not None and len(docs):  # np.bincount(docs) counted by the caller
                    per_doc = rows_per_doc
                else:
                    per_doc = np.bincount(docs, minlength=len(values)) if len(docs) else np.zeros(len(values), np.int64)
                held = np.flatnonzero(per_doc[:len(values)])
                weights = per_doc[held]
            column, column_weights = values[held], weights
        else:
            column, column_weights = getattr(t, f.column_attr)[rows], None
        if f.column == "bits":
            out[f.filter] = {name: int(np.count_nonzero(column & np.uint64(1 << i)))
                             for i, name in enumerate(getattr(t, f.names_attr))}
        elif f.column == "year":
            kept = column > 0
            counts = _bincount(column[kept], None if column_weights is None else column_weights[kept], 0)
            out[f.filter] = {str(y): int(counts[y]) for y in np.flatnonzero(counts)[::-1].tolist()}
        else:
            names = getattr(t, f.names_attr)
            kept = column >= 0
            counts = _bincount(column[kept], None if column_weights is None else column_weights[kept], len(names))
            codes = np.flatnonzero(counts)
            n = counts[codes]
            order = np.lexsort((_name_ranks(t, f.names_attr, names)[codes], -n))  # most first, then by name
            out[f.filter] = {str(names[i]): k for i, k in zip(codes[order].tolist(), n[order].tolist())}
    return out


def _name_ranks(t, attr: str, names) -> np.ndarray:
    """Per code of the value table ``names`` (attribute ``attr``), its place in the
    names' order (ties by code): what a facet's values of equal counts are sorted by,
    found once per generation."""
    known = per_generation(t, "_name_ranks", dict)
    ranks = known.get(attr)
    if ranks is None or len(ranks) != len(names):
        ranks = np.empty(len(names), dtype=np.int64)
        ranks[sorted(range(len(names)), key=lambda i: str(names[i]))] = np.arange(len(names))
        known[attr] = ranks
    return ranks


def _bincount(codes: np.ndarray, weights: np.ndarray | None, minlength: int) -> np.ndarray:
    """How many of ``codes`` (each counting its weight) there are of each code, exact
    integers (weights are row counts, exact in float64)."""
    if not len(codes):
        return np.zeros(minlength, dtype=np.int64)
    return np.bincount(codes, weights=weights, minlength=minlength).astype(np.int64)


def _report_values(t, attr: str) -> np.ndarray | None:
    """Per report code, the value of column ``attr`` in its passages, or None when the
    passages of some report hold different values (the column is the passage's own).
    Found once per generation, on the first facet count that reads it."""
    known = per_generation(t, "_report_values", dict)
    if attr not in known:
        owner = getattr(t, "base", t)
        doc, column = np.asarray(owner.doc), np.asarray(getattr(owner, attr))
        has = doc >= 0
        values = np.zeros(int(doc.max()) + 1 if has.any() else 0, dtype=column.dtype)
        values[doc[has]] = column[has]
        known[attr] = values if np.array_equal(values[doc[has]], column[has]) else None
    return known[attr]


class ScopedSearcher(Searcher):
    """A :class:`Searcher` seen by one audience: it shares the searcher's generation,
    caches and ranking statistics, and reads the generation through its
    :class:`~search.visibility.ScopedTable` (``live`` narrowed by the audience's mask)."""

    def __init__(self, base: Searcher, audience: frozenset[str] | None, fixed: tuple = ()):
        self.base = base
        self._audience, self._fixed = audience, fixed
        # what this view shows, never None (the caches of suggestions and examples key on it)
        self.audience = (audience, fixed) if fixed else audience

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.base, name)

    def scoped(self, groups, fixed: dict | None = None) -> Searcher:
        return self.base.scoped(groups, fixed)

    def _scope(self, t):
        base = self.base
        with base._lock:
            cache = base._scopes if t is base._table else None  # an older table: a view not kept
        return scoped(t, self._audience, self._fixed,
                      lambda t: base._filter_mask(t, {k: list(v) for k, v in self._fixed}), cache)

    def _current(self):
        return self._scope(self.base._current())

    def _load(self, gen_path: Path):
        return self._scope(self.base._load(gen_path))

    def problem(self):
        return self.base.problem()

    def wait_for_reload(self, timeout: float | None = None) -> None:
        self.base.wait_for_reload(timeout)

    def close(self) -> None:
        self.base.close()

    def _containing(self, t, needle: str) -> np.ndarray:
        if isinstance(t, ScopedTable):  # the base's cached rows, masked: one boolean index
            rows = self.base._containing(t.base, needle)
            return rows[t.visible[rows]]
        return self.base._containing(t, needle)

    def _ranker_for(self, t) -> Ranker:
        # ranking statistics (idf, average length) are those of the whole generation
        return self.base._ranker_for(t.base if isinstance(t, ScopedTable) else t)


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
