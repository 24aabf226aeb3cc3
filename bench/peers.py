"""The peers the benchmark compares govsearch with, and the product adapters.

Every system has the same interface:

* ``build(corpus_dir, passages_path, workdir) -> dict`` – index (run in a child
  process by ``run.py``, which measures wall time and memory around it);
* ``open(workdir, passages_path)`` – get ready to answer queries;
* ``search_page(q, filters) -> Page`` – one search-results page: the total count, the
  top 20 passage ids with a snippet each, and facet counts (topic, town, county, year);
* ``matching(q, filters) -> set[str] | None`` – every matching passage id, for recall.

The peers index the passages the engine produced (exported by ``passages.export_passages``,
with their document's town / county / year and the passage's topics), so that all
systems answer over the same units of text. That gives them the passage splitting,
metadata extraction and topic classification for free: their build times cover
indexing only, ours covers reading, parsing, metadata and indexing.

Peers (not the product):

* ``whoosh-jieba`` (a): the common tutorial setup, Whoosh with
  ``jieba.analyse.ChineseAnalyzer()`` on the text field, one default writer, queries
  through ``QueryParser``, facets with ``groupedby``, snippets with ``hit.highlights``;
* ``sqlite-fts5`` (b): SQLite FTS5 with ``tokenize='trigram'``; ``MATCH`` for terms of
  three characters or more, ``LIKE '%q%'`` for shorter ones; facets by ``GROUP BY``;
* ``brute-force`` (c): every normalized passage in a Python list, ``q in s``.

Product:

* ``ours`` – govsearch in-process through its public API (``index.generation.build``,
  ``search.engine.Searcher``);
* ``ours-http`` – the same through ``GET /api/search`` of a running ``govsearch serve``.
"""

from __future__ import annotations

import html
import json
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from oracle import facet_counts, year_ok
from passages import Passages

PAGE_SIZE = 20
SNIPPET_CONTEXT = 40


@dataclass
class Page:
    total: int
    ids: list[str]
    facets: dict[str, dict[str, int]]
    snippets: list[str] = field(default_factory=list)


def dir_bytes(path: Path) -> int:
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            try:
                total += os.path.getsize(os.path.join(root, name))
            except OSError:
                pass
    return total


def simple_snippet(text: str, needle_norm: str) -> str:
    """An HTML snippet of ``text`` around the first match of a normalized needle."""
    from index.normalize import normalize_with_offsets

    norm, offsets = normalize_with_offsets(text)
    at = norm.find(needle_norm) if needle_norm else -1
    if at < 0:
        return html.escape(text[: 2 * SNIPPET_CONTEXT])
    start, end = offsets[at], offsets[at + len(needle_norm) - 1] + 1
    lo, hi = max(0, start - SNIPPET_CONTEXT), min(len(text), end + SNIPPET_CONTEXT)
    return (("…" if lo else "") + html.escape(text[lo:start]) + "<mark>" + html.escape(text[start:end])
            + "</mark>" + html.escape(text[end:hi]) + ("…" if hi < len(text) else ""))


def expand_years(specs: list[str]) -> list[int]:
    years = []
    for spec in specs:
        parts = [int(x) for x in spec.replace("–", "-").split("-") if x.strip()]
        lo, hi = min(parts), max(parts)
        years.extend(range(lo, hi + 1))
    return years


# =========================================================================== product


class Ours:
    """govsearch, in process, through its public API."""
    name = "ours"
    label = "govsearch (in-process)"
    is_peer = False

    def build(self, corpus_dir: Path, passages_path: Path | None, workdir: Path) -> dict:
        from index import build

        report = build(corpus_dir, workdir / "index", workers=None)
        return {"seconds_inner": report.seconds, "documents": report.documents, "passages": report.passages,
                "characters": report.characters, "index_bytes": dir_bytes(workdir / "index"),
                "failed": len(report.failed), "skipped": len(report.skipped)}

    def open(self, workdir: Path, passages_path: Path | None) -> None:
        from search.engine import Searcher

        self.s = Searcher(workdir / "index")
        self.s.stats()  # loads the generation

    def search_page(self, q: str, filters: dict[str, list[str]]) -> Page:
        res = self.s.search(q, page_size=PAGE_SIZE, **filters)
        return Page(res.total, [h.passage_id for h in res.hits], res.facets, [h.snippet for h in res.hits])

    def matching(self, q: str, filters: dict[str, list[str]]) -> set[str]:
        """Passages that hold every term (hits with match == "exact"), all pages."""
        first = self.s.search(q, page_size=PAGE_SIZE, **filters)
        if first.total <= PAGE_SIZE:
            return {h.passage_id for h in first.hits if h.match == "exact"}
        try:  # one page holding everything (max_page_size is a keyword of Searcher.search)
            res = self.s.search(q, page_size=first.total, max_page_size=first.total, **filters)
            return {h.passage_id for h in res.hits if h.match == "exact"}
        except TypeError:
            found: set[str] = set()
            for page in range(1, first.pages + 1):
                res = self.s.search(q, page=page, page_size=100, **filters)
                found.update(h.passage_id for h in res.hits if h.match == "exact")
            return found

    def close(self) -> None:
        self.s.close()


class OursHTTP:
    """govsearch through ``GET /api/search`` of a server on 127.0.0.1."""
    name = "ours-http"
    label = "govsearch (HTTP /api/search)"
    is_peer = False

    def __init__(self, url: str):
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        if parts.hostname not in ("127.0.0.1", "localhost"):
            raise ValueError("the benchmark only sends traffic to 127.0.0.1")
        self.host, self.port = "127.0.0.1", parts.port or 80
        self.conn = None

    def build(self, *args) -> dict:
        raise NotImplementedError("the HTTP system serves the index built by 'ours'")

    def open(self, workdir: Path, passages_path: Path | None) -> None:
        import http.client

        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)

    def get(self, q: str, filters: dict[str, list[str]], **extra) -> dict:
        import http.client
        from urllib.parse import urlencode

        params = [("q", q), ("page_size", str(PAGE_SIZE))] + [(k, v) for k, vs in filters.items() for v in vs]
        params += [(k, str(v)) for k, v in extra.items()]
        path = "/api/search?" + urlencode(params)
        for attempt in range(2):
            try:
                self.conn.request("GET", path)
                resp = self.conn.getresponse()
                body = resp.read()
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
                if attempt:
                    raise
        if resp.status != 200:
            raise RuntimeError(f"GET {path} → {resp.status}: {body[:200]!r}")
        return json.loads(body)

    def search_page(self, q: str, filters: dict[str, list[str]]) -> Page:
        d = self.get(q, filters)
        hits = d.get("hits", [])
        return Page(d["total"], [h["passage_id"] for h in hits], d.get("facets", {}), [h.get("snippet", "") for h in hits])

    def matching(self, q, filters):
        return None  # same engine as 'ours'; recall is measured in process

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


# =========================================================================== peers


class WhooshJieba:
    """(a) The tutorial setup: Whoosh + jieba.analyse.ChineseAnalyzer."""
    name = "whoosh-jieba"
    label = "(a) Whoosh + jieba ChineseAnalyzer"
    is_peer = True

    def _schema(self):
        from jieba.analyse import ChineseAnalyzer
        from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema

        return Schema(
            pid=ID(stored=True, unique=True),
            ordinal=NUMERIC(stored=True, sortable=True),
            text=TEXT(stored=True, analyzer=ChineseAnalyzer()),
            town=ID(stored=True, sortable=True),
            county=ID(stored=True, sortable=True),
            year=ID(stored=True, sortable=True),
            topics=KEYWORD(stored=True, commas=True),
        )

    def build(self, corpus_dir: Path, passages_path: Path, workdir: Path) -> dict:
        from whoosh import index

        p = Passages.load(passages_path)
        ixdir = workdir / "whoosh"
        ixdir.mkdir(parents=True, exist_ok=True)
        ix = index.create_in(str(ixdir), self._schema())
        writer = ix.writer()  # the tutorial default: one process, 128 MB
        for i, pid, text, town, county, year, topics in p.rows():
            writer.add_document(pid=pid, ordinal=i, text=text, town=town or "", county=county or "",
                                year=str(year) if year is not None else "", topics=",".join(topics))
        writer.commit()
        return {"index_bytes": dir_bytes(ixdir), "passages": len(p)}

    def open(self, workdir: Path, passages_path: Path | None) -> None:
        from whoosh import index
        from whoosh.qparser import QueryParser

        self.ix = index.open_dir(str(workdir / "whoosh"))
        self.searcher = self.ix.searcher()
        self.parser = QueryParser("text", self.ix.schema)
        self.ordinal = self.searcher.reader().column_reader("ordinal")
        self.pids = None
        if passages_path is not None:
            self.pids = Passages.load(passages_path).ids

    def _query(self, q: str):
        from whoosh.query import Every

        return self.parser.parse(q) if q.strip() else Every()

    def _filter(self, filters):
        from whoosh.query import And, Or, Term

        parts = []
        for name, field_ in (("town", "town"), ("county", "county"), ("topic", "topics")):
            if filters.get(name):
                parts.append(Or([Term(field_, v) for v in filters[name]]))
        if filters.get("year"):
            parts.append(Or([Term("year", str(y)) for y in expand_years(filters["year"])]))
        return And(parts) if parts else None

    def search_page(self, q: str, filters: dict[str, list[str]]) -> Page:
        from whoosh import sorting

        facets = {"town": sorting.FieldFacet("town"), "county": sorting.FieldFacet("county"),
                  "year": sorting.FieldFacet("year"),
                  "topic": sorting.FieldFacet("topics", allow_overlap=True)}
        results = self.searcher.search(self._query(q), limit=PAGE_SIZE, filter=self._filter(filters),
                                       groupedby=facets, maptype=sorting.Count)
        counts = {name: {k: v for k, v in results.groups(name).items() if k not in ("", None)}
                  for name in facets}
        ids, snippets = [], []
        for hit in results[:PAGE_SIZE]:
            ids.append(hit["pid"])
            snippets.append(hit.highlights("text"))
        return Page(len(results), ids, counts, snippets)

    def matching(self, q: str, filters: dict[str, list[str]]) -> set[str]:
        results = self.searcher.search(self._query(q), limit=None, filter=self._filter(filters))
        return {self.pids[self.ordinal[d]] for d in results.docs()}

    def close(self) -> None:
        self.searcher.close()


class SqliteTrigram:
    """(b) SQLite FTS5 with the trigram tokenizer."""
    name = "sqlite-fts5"
    label = "(b) SQLite FTS5 trigram"
    is_peer = True

    def build(self, corpus_dir: Path, passages_path: Path, workdir: Path) -> dict:
        p = Passages.load(passages_path)
        db = workdir / "fts5.sqlite"
        workdir.mkdir(parents=True, exist_ok=True)
        if db.exists():
            db.unlink()
        con = sqlite3.connect(db)
        con.executescript("""
            CREATE VIRTUAL TABLE passages USING fts5(text, tokenize='trigram');
            CREATE TABLE meta(rowid INTEGER PRIMARY KEY, pid TEXT, town TEXT, county TEXT, year INTEGER);
            CREATE TABLE topics(rowid INTEGER, topic TEXT);
        """)
        with con:
            con.executemany("INSERT INTO passages(rowid, text) VALUES (?, ?)", ((i, t) for i, t in enumerate(p.texts)))
            con.executemany("INSERT INTO meta VALUES (?, ?, ?, ?, ?)",
                            ((i, pid, town, county, year) for i, pid, _, town, county, year, _ in p.rows()))
            con.executemany("INSERT INTO topics VALUES (?, ?)",
                            ((i, t) for i, *_, tops in p.rows() for t in tops))
            con.executescript("""
                CREATE INDEX meta_town ON meta(town); CREATE INDEX meta_county ON meta(county);
                CREATE INDEX meta_year ON meta(year); CREATE INDEX topics_rowid ON topics(rowid, topic);
                CREATE INDEX topics_topic ON topics(topic, rowid);
            """)
        con.close()
        return {"index_bytes": db.stat().st_size, "passages": len(p), "sqlite": sqlite3.sqlite_version}

    def open(self, workdir: Path, passages_path: Path | None) -> None:
        self.con = sqlite3.connect(workdir / "fts5.sqlite")
        self.con.execute("CREATE TEMP TABLE hits(rowid INTEGER PRIMARY KEY, rank REAL)")

    def _where(self, q: str, filters) -> tuple[str, str, list, str | None, str]:
        terms = q.split()
        long_terms = [t for t in terms if len(t) >= 3]
        short_terms = [t for t in terms if len(t) < 3]
        where, args = [], []
        match = None
        if long_terms:
            match = " AND ".join('"' + t.replace('"', '""') + '"' for t in long_terms)
            where.append("passages MATCH ?")
            args.append(match)
        for t in short_terms:
            where.append("passages.text LIKE ?")
            args.append("%" + t.replace("%", "").replace("_", "") + "%")
        for name in ("town", "county"):
            if filters.get(name):
                where.append(f"meta.{name} IN ({','.join('?' * len(filters[name]))})")
                args.extend(filters[name])
        if filters.get("year"):
            years = expand_years(filters["year"])
            where.append(f"meta.year IN ({','.join('?' * len(years))})")
            args.extend(years)
        if filters.get("topic"):
            where.append(f"meta.rowid IN (SELECT rowid FROM topics WHERE topic IN ({','.join('?' * len(filters['topic']))}))")
            args.extend(filters["topic"])
        rank = "passages.rank" if match else "0"
        sql = " AND ".join(where) or "1"
        return sql, rank, args, match, (short_terms or long_terms or [""])[0]

    def _fill(self, q: str, filters) -> tuple[str | None, str]:
        where, rank, args, match, needle = self._where(q, filters)
        self.con.execute("DELETE FROM hits")
        if not q.strip():
            self.con.execute(f"INSERT INTO hits SELECT meta.rowid, 0 FROM meta WHERE {where}", args)
        else:
            self.con.execute(f"INSERT INTO hits SELECT passages.rowid, {rank} FROM passages "
                             f"JOIN meta ON meta.rowid = passages.rowid WHERE {where}", args)
        return match, needle

    def search_page(self, q: str, filters: dict[str, list[str]]) -> Page:
        from index.normalize import normalize

        con = self.con
        match, needle = self._fill(q, filters)
        total = con.execute("SELECT count(*) FROM hits").fetchone()[0]
        facets = {}
        for name in ("town", "county", "year"):
            facets[name] = {str(k): n for k, n in con.execute(
                f"SELECT meta.{name}, count(*) FROM hits JOIN meta ON meta.rowid = hits.rowid "
                f"WHERE meta.{name} IS NOT NULL GROUP BY meta.{name}")}
        facets["topic"] = dict(con.execute(
            "SELECT topic, count(*) FROM hits JOIN topics ON topics.rowid = hits.rowid GROUP BY topic").fetchall())
        top = [r for (r,) in con.execute("SELECT rowid FROM hits ORDER BY rank, rowid LIMIT ?", (PAGE_SIZE,))]
        pids = dict(con.execute(f"SELECT rowid, pid FROM meta WHERE rowid IN ({','.join('?' * len(top))})", top)) if top else {}
        if match and top:
            snips = dict(con.execute(
                "SELECT rowid, snippet(passages, 0, '<mark>', '</mark>', '…', 32) FROM passages "
                f"WHERE passages MATCH ? AND rowid IN ({','.join('?' * len(top))})", [match] + top))
        elif top:
            texts = dict(con.execute(f"SELECT rowid, text FROM passages WHERE rowid IN ({','.join('?' * len(top))})", top))
            snips = {r: simple_snippet(t, normalize(needle)) for r, t in texts.items()}
        else:
            snips = {}
        return Page(total, [pids[r] for r in top], facets, [snips.get(r, "") for r in top])

    def matching(self, q: str, filters: dict[str, list[str]]) -> set[str]:
        self._fill(q, filters)
        return {pid for (pid,) in self.con.execute("SELECT meta.pid FROM hits JOIN meta ON meta.rowid = hits.rowid")}

    def close(self) -> None:
        self.con.close()


class BruteForce:
    """(c) Every normalized passage in memory; ``q in s``."""
    name = "brute-force"
    label = "(c) brute-force scan (in memory)"
    is_peer = True

    def _load(self, passages_path: Path) -> None:
        from index.normalize import normalize

        self.p = Passages.load(passages_path)
        self.norms = [normalize(t) for t in self.p.texts]

    def build(self, corpus_dir: Path, passages_path: Path, workdir: Path) -> dict:
        self._load(passages_path)
        return {"index_bytes": None, "passages": len(self.norms),
                "memory_text_bytes": sum(len(s.encode("utf-8")) for s in self.norms)}

    def open(self, workdir: Path, passages_path: Path) -> None:
        self._load(passages_path)

    def _matches(self, q: str, filters) -> list[int]:
        from index.normalize import normalize

        terms = [t for t in (normalize(x) for x in q.split()) if t]
        p = self.p
        if terms:
            first, rest = terms[0], terms[1:]
            found = [i for i, s in enumerate(self.norms) if first in s]
            if rest:
                found = [i for i in found if all(t in self.norms[i] for t in rest)]
        else:
            found = range(len(self.norms))
        if not filters:
            return list(found)
        towns, counties = set(filters.get("town", [])), set(filters.get("county", []))
        topics, years = set(filters.get("topic", [])), filters.get("year", [])
        out = []
        for i in found:
            if towns and p.towns[i] not in towns:
                continue
            if counties and p.counties[i] not in counties:
                continue
            if topics and not topics.intersection(p.topics[i]):
                continue
            if years and not year_ok(p.years[i], years):
                continue
            out.append(i)
        return out

    def search_page(self, q: str, filters: dict[str, list[str]]) -> Page:
        from index.normalize import normalize

        found = self._matches(q, filters)
        facets = facet_counts(self.p, found)
        top = found[:PAGE_SIZE]  # no ranking: corpus order
        needle = normalize(q.split()[0]) if q.split() else ""
        return Page(len(found), [self.p.ids[i] for i in top], facets,
                    [simple_snippet(self.p.texts[i], needle) for i in top])

    def matching(self, q: str, filters: dict[str, list[str]]) -> set[str]:
        return {self.p.ids[i] for i in self._matches(q, filters)}

    def close(self) -> None:
        pass


PEERS = {cls.name: cls for cls in (WhooshJieba, SqliteTrigram, BruteForce)}
PRODUCT = {"ours": Ours}


def make(name: str, url: str | None = None):
    if name == "ours-http":
        return OursHTTP(url or "http://127.0.0.1:8000")
    return (PRODUCT | PEERS)[name]()
