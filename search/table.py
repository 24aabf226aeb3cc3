"""The passage table: one index generation, opened for searching in constant time.

Passages are numbered by their *row* in the bigram index (index/generation/grams.py). The
table maps, rather than reads, what queries need (index/generation/columns.py): NumPy columns
for liveness, report, kind, section, town, county, city, province, level, year,
topics, length and reading order; the original and normalized passage texts are
blobs read a row (or a span of rows) at a time, not mapped (columns.BlobFile). Opening costs a few small JSON reads and ``mmap`` calls whatever the size of
the index; the OS page cache shares the mapped files between processes.

Passage text and fields are read through accessors: ``t.text(r)``, ``t.norm(r)`` and
``t.row(r)`` (a :class:`Row` with the passage's fields). Whoosh (the index of record)
is opened only when a query needs its word field.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from index import fields as field_model
from index.analysis import multichar_words
from index.errors import IndexMissing
from index.generation import generation_format, grams, repeats, source_text, store, wordrows, wordtable
from index.generation.columns import BlobFile, Columns, SourceTexts, Texts
from index.generation.keyindex import FileArray
from index.normalize import normalize
from search.model_values import ModelValues


@dataclass(frozen=True)
class Row(ModelValues):
    """One passage: the value of every field of the model (index/fields.py) by field
    name; fields without an attribute here (a field added to the model) are in
    ``values`` and read as attributes all the same (``row.district``)."""
    row: int
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
    city: str | None = None
    province: str | None = None
    level: str | None = None
    values: dict = field(default_factory=dict, compare=False)


ROW_ATTRIBUTES = frozenset(Row.__dataclass_fields__) - {"values"}


def _occurrences_in(blob, needle: str) -> np.ndarray:
    """Per string of a mapped blob (``(data, offsets)``), how often ``needle`` occurs in
    it without overlaps (``str.count``); a match that runs from one string into the next
    does not count, and the search goes on at the next string's start."""
    data, offsets = blob
    n = len(offsets) - 1
    counts = np.zeros(max(n, 0), dtype=np.float64)
    nb = needle.encode("utf-8")
    if n <= 0 or not nb:
        return counts
    end, size, find = int(offsets[-1]), len(nb), data.find
    found = []
    at = find(nb, 0, end)
    while at >= 0:
        found.append(at)
        at = find(nb, at + size, end)
    if not found:
        return counts
    starts = np.array(found, dtype=np.int64)
    owner = np.searchsorted(offsets, starts, side="right") - 1
    if np.any(starts + size > offsets[owner + 1]):
        return _occurrences_one_by_one(data, offsets, nb, counts)  # a match across two strings
    # no match crosses a boundary: the scan found exactly each string's own matches
    return np.bincount(owner, minlength=n).astype(np.float64)


def _occurrences_one_by_one(data, offsets, nb: bytes, counts: np.ndarray) -> np.ndarray:
    end, find = int(offsets[-1]), data.find
    at = find(nb, 0, end)
    while at >= 0:
        i = int(np.searchsorted(offsets, at, side="right")) - 1
        stop = int(offsets[i + 1])
        if at + len(nb) <= stop:
            counts[i] += 1
            at = find(nb, at + len(nb), end)
        else:
            at = find(nb, stop, end)
    return counts


def _slice_texts(texts, first: int, end: int) -> list[str]:
    """The texts of rows ``[first, end)``: one copy out of the mapped blob, then one
    decode per row."""
    if isinstance(texts, SourceTexts):
        return [source_text.restore(n, e) for n, e in zip(_slice_texts(texts.norms, first, end),
                                                          _slice_texts(texts.edits, first, end))]
    o = texts.offsets[first : end + 1].tolist()
    base = o[0]
    chunk = bytes(texts.data[base : o[-1]])
    return [chunk[a - base : b - base].decode("utf-8") for a, b in zip(o, o[1:])]


class _Rows:
    """``t.rows[r]``: the passage of a row as a :class:`Row` (None for a removed one),
    for code written before the accessors; prefer ``t.row(r)``."""

    def __init__(self, table: "PassageTable"):
        self._table = table

    def __len__(self) -> int:
        return len(self._table.live)

    def __getitem__(self, r: int) -> Row | None:
        return self._table.row(r) if self._table.live[r] else None


class _RowsByDoc(Mapping):
    """doc_id → its live rows in reading order (a report's rows are consecutive)."""

    def __init__(self, documents: dict[str, dict], live: np.ndarray):
        self._documents, self._live = documents, live

    def __getitem__(self, doc_id: str) -> list[int]:
        doc = self._documents[doc_id]
        first, end = doc["rows"]
        rows = np.arange(first, end)
        return rows[self._live[first:end]].tolist()

    def __iter__(self):
        return iter(self._documents)

    def __len__(self) -> int:
        return len(self._documents)


class _QueryAnalyzer:
    """``cut`` and ``term_words`` of the index's analyzer, from its mapped dictionary."""

    def __init__(self, table: wordtable.WordTable):
        self.table = table

    def cut(self, normalized: str) -> list[str]:
        return self.table.cut(normalized)

    def words(self, text: str) -> list[str]:
        return self.cut(normalize(text))

    def term_words(self, norm: str) -> list[str]:
        return multichar_words(self.cut, norm)


class PassageTable:
    def __init__(self, gen: Path):
        self.path = gen
        # every file of the generation as it was written (Whoosh's segments too, which
        # queries open lazily): a truncated or missing one is reported now, by name; the
        # bytes (CRC-32) of every file a search reads, those of Whoosh's segments and the
        # assistance tables when they are first opened (store.read_on_demand)
        names = store.check_file_sizes(gen)
        if store.verify_checksums():
            store.check_file_sizes(gen, checksums=True, only=tuple(n for n in names if not store.read_on_demand(n)))
        self.info = store.read_json(gen / store.BUILD_INFO)
        generation_format.check(gen, self.info)  # before any file whose layout the format decides
        self.columns = c = Columns(gen)
        self.grams = _map_grams(gen, c)
        self.word_rows = _map_word_rows(gen, c)
        self.repeats = _map_repeats(gen, c, names)
        self.model = model = field_model.current()
        for f in model.columns:
            if f.column in ("code", "bits", "year", "int"):
                setattr(self, f.column_attr, c.array(f.column_attr))
                if f.column in ("code", "bits") and not f.names_blob:
                    setattr(self, f.names_attr, c.values[f.names_attr])
        self.live = c.array("live")
        self.length = c.array("length")
        self.reading_order = c.array("reading_order")
        self.count = int(c.manifest["live"])
        self.avg_length = float(c.manifest["avg_length"]) or 1.0
        self.texts = c.source_texts()
        self.norms = self.texts.norms
        self._titles = c.texts("titles")
        self._whoosh_lock = threading.Lock()
        self._whoosh = None

    @cached_property
    def documents(self) -> dict[str, dict]:
        """doc_id → the report's record (documents.json), read when first needed: the
        hits of a search are made from the columns alone."""
        return {d["doc_id"]: d for d in store.read_json(self.path / store.DOCUMENTS)}

    @cached_property
    def ocr_documents(self) -> dict[str, float]:
        """doc_id → mean OCR confidence of the reports read from scans (ocr.json; an
        index written before OCR has none)."""
        try:
            return store.read_json(self.path / "ocr.json")
        except FileNotFoundError:
            return {}

    @cached_property
    def by_doc(self) -> "_RowsByDoc":
        return _RowsByDoc(self.documents, self.live)

    # ---------------------------------------------------------------- passages
    @property
    def rows(self) -> _Rows:
        return _Rows(self)  # made on each use: no reference cycle keeps a table's maps alive

    def text(self, r: int) -> str:
        return self.texts[r]

    def norm(self, r: int) -> str:
        return self.norms[r]

    def source_offsets(self, r: int) -> source_text.SourceOffsets | None:
        """Where each character of row ``r``'s normalized text came from in its source
        text (read from its edit record: nothing is normalized again), or None for an
        index that keeps the source texts whole."""
        if isinstance(self.texts, SourceTexts):
            return source_text.SourceOffsets(self.norms[r], self.texts.edits[r])
        return None

    def row(self, r: int) -> Row:
        """The passage of row ``r``, every field of the model read from its column (the
        report's values from the report's row: no documents.json)."""
        r = int(r)
        code = int(self.doc[r])
        doc_id = self.doc_ids[code]
        seq = int(self.seq[r])
        values: dict = {}
        for name, kind, column, names, empty in self._row_plan:
            if kind == "text":
                values[name] = self.text(r)
            elif kind == "code":
                c = int(column[r])
                values[name] = empty if c < 0 else names[c]
            elif kind == "bits":
                bits = int(column[r])
                values[name] = tuple(n for i, n in enumerate(names) if bits >> i & 1)
            elif kind == "year":
                values[name] = int(column[r]) or None
            elif kind == "int":
                values[name] = int(column[r])
            else:  # the report's title
                values[name] = self._titles[code]
        known = {k: v for k, v in values.items() if k in ROW_ATTRIBUTES}
        known.setdefault("town", None)
        known.setdefault("county", None)
        known.setdefault("year", None)
        return Row(row=r, passage_id=f"{doc_id}:{seq}", norm=self.norm(r),
                   values={k: v for k, v in values.items() if k not in ROW_ATTRIBUTES}, **known)

    @cached_property
    def _row_plan(self) -> list[tuple]:
        """Per field :meth:`row` reads, (name, how, column, value table, empty value),
        each looked up once per generation rather than once per field and row."""
        plan = []
        for f in self.model.fields:
            if f.json is None and f.column is None:
                continue
            if f.column == "text":
                plan.append((f.name, "text", None, None, None))
            elif f.column == "code":
                names = self.section_names if f.names_blob == "sections" else (
                    self.columns.texts(f.names_blob) if f.names_blob else getattr(self, f.names_attr))
                plan.append((f.name, "code", getattr(self, f.column_attr), names, f.empty))
            elif f.column == "bits":
                plan.append((f.name, "bits", getattr(self, f.column_attr), list(getattr(self, f.names_attr)), None))
            elif f.column in ("year", "int"):
                plan.append((f.name, f.column, getattr(self, f.column_attr), None, None))
            elif f.name == "title":
                plan.append((f.name, "title", None, None, None))
        return plan

    def _value(self, f, r: int):
        """The value of code column ``f`` at row ``r`` (``f.empty`` for none)."""
        code = int(getattr(self, f.column_attr)[r])
        if code < 0:
            return f.empty
        names = self.section_names if f.names_blob == "sections" else (
            self.columns.texts(f.names_blob) if f.names_blob else getattr(self, f.names_attr))
        return names[code]

    def document_passages(self, first: int, end: int) -> tuple[list[dict], list[str]]:
        """The live passages of rows ``[first, end)`` (one report's rows are consecutive)
        as the document view gives them (passage_id, section, kind, text, topics), and
        their normalized texts; read in bulk: one slice of each column and of each text
        blob, not one lookup per field and row as :meth:`row` does."""
        first, end = int(first), int(end)
        if end <= first:
            return [], []
        keep = np.flatnonzero(np.asarray(self.live[first:end])).tolist()
        texts = _slice_texts(self.texts, first, end)
        norms = _slice_texts(self.norms, first, end)
        docs, seqs = self.doc[first:end].tolist(), self.seq[first:end].tolist()
        kinds, sections = self.kind[first:end].tolist(), self.section[first:end].tolist()
        bits = self.topics[first:end].tolist()
        section_names, kind_names, topic_names, doc_ids = (self.section_names, self.kind_names, self.topic_names,
                                                          self.doc_ids)
        topic_sets: dict[int, tuple[str, ...]] = {}
        out = []
        for i in keep:
            b = bits[i]
            topics = topic_sets.get(b)
            if topics is None:
                topics = topic_sets[b] = tuple(name for k, name in enumerate(topic_names) if b >> k & 1)
            out.append({"passage_id": f"{doc_ids[docs[i]]}:{seqs[i]}",
                        "section": section_names[sections[i]] if sections[i] >= 0 else "",
                        "kind": kind_names[kinds[i]] if kinds[i] >= 0 else "body", "text": texts[i],
                        "topics": list(topics)})
        return out, [norms[i] for i in keep]

    @staticmethod
    def _name(names: list, code) -> str | None:
        code = int(code)
        return names[code] if code >= 0 else None

    def contains(self, rows: np.ndarray, needle: str) -> np.ndarray:
        """Which of ``rows`` have ``needle`` in their normalized text (a byte search in
        the blob's bytes, read a span of rows at a time: UTF-8 matches only at character
        boundaries)."""
        nb = needle.encode("utf-8")
        out = np.zeros(len(rows), dtype=bool)
        for positions, data, starts, ends in self.norms.chunks(rows):
            find = data.find
            out[positions] = [find(nb, a, b) >= 0 for a, b in zip(starts, ends)]
        return out

    def occurrences(self, rows: np.ndarray, needle: str) -> np.ndarray:
        """How often ``needle`` occurs (without overlaps, as ``str.count``) in the
        normalized text of each of ``rows``: counted in the blob's bytes, nothing decoded
        (UTF-8 matches only at character boundaries, so the counts are the same)."""
        nb = needle.encode("utf-8")
        out = np.zeros(len(rows), dtype=np.float64)
        for positions, data, starts, ends in self.norms.chunks(rows):
            count = data.count
            out[positions] = [count(nb, a, b) for a, b in zip(starts, ends)]
        return out

    def heading_occurrences(self, needle: str) -> tuple[np.ndarray, np.ndarray]:
        """Occurrences of ``needle`` in each report title (by report code) and in each
        heading path (by section code), normalized: one byte search over each mapped
        list, nothing decoded."""
        return (_occurrences_in(self.columns.blob("titles_norm"), needle),
                _occurrences_in(self.columns.blob("sections_norm"), needle))

    @cached_property
    def live_rows(self) -> np.ndarray:
        return np.flatnonzero(self.live).astype(np.int64)

    # ---------------------------------------------------------------- headings, titles
    @cached_property
    def section_names(self) -> Texts:
        """Heading paths by section code, each decoded when asked for (a query shows a
        page of hits: decoding all of them would cost more than the search)."""
        return self.columns.texts("sections")

    def sections_containing(self, needle: str) -> np.ndarray:
        """Codes of the heading paths whose normalized form contains ``needle`` (a byte
        search over the mapped list)."""
        return np.flatnonzero(_occurrences_in(self.columns.blob("sections_norm"), needle))

    # ---------------------------------------------------------------- Whoosh, the analyzer
    @property
    def whoosh(self):
        """Whoosh searcher of this generation, opened on first use (without mmap: a
        damaged file is an error, not a crash)."""
        if self._whoosh is None:
            with self._whoosh_lock:
                if self._whoosh is None:
                    from whoosh.filedb.filestore import FileStorage

                    store.check_before_reading(self.path, lambda name: name.startswith(store.WHOOSH_PREFIXES))
                    try:
                        ix = FileStorage(str(self.path), supports_mmap=False, readonly=True).open_index()
                        searcher = ix.searcher()
                        rows = searcher.reader().column_reader("row")
                    except Exception as exc:
                        raise IndexMissing(f"the Whoosh index in {self.path} cannot be read: {type(exc).__name__}: {exc}", fix="rebuild") from None
                    self._whoosh = (ix, searcher, rows)
        return self._whoosh

    @property
    def searcher(self):
        return self.whoosh[1]

    @cached_property
    def analyzer(self):
        """What the query side segments with: the index's own copy of jieba's dictionary,
        mapped (index/generation/wordtable.py; no dictionary load), or the analyzer stored in the
        Whoosh schema for an index without it."""
        if wordtable.present(self.path):
            return _QueryAnalyzer(wordtable.WordTable(self.path))
        from index.generation.schema import analyzer_of

        return analyzer_of(self.whoosh[0].schema)

    def verify(self) -> None:
        """Raise IndexMissing if a mapped file was truncated or written under us (see
        Columns.verify), the dictionary table's included once it is mapped."""
        self.columns.verify()
        analyzer = self.__dict__.get("analyzer")
        if isinstance(analyzer, _QueryAnalyzer):
            analyzer.table.verify()

    def close(self) -> None:
        """Release this generation's files. Mapped arrays are unmapped once the last
        query still using them has finished (they are dropped, not closed under it)."""
        w, self._whoosh = self._whoosh, None
        if w is not None:
            try:
                w[1].close()
            except Exception:
                pass
        self.columns.close()


def per_generation(t, name: str, make):
    """What ``make()`` gives, made once per index generation and kept on the table that
    owns ``t`` (a visibility view, search/visibility.py, shares its base table's): a new
    generation's table starts without it."""
    owner = getattr(t, "base", t)
    kept = owner.__dict__.get(name)
    if kept is None:
        kept = owner.__dict__.setdefault(name, make())
    return kept


def _map_grams(gen: Path, c: Columns) -> grams.GramIndex:
    """The bigram segments, mapped with their sizes checked (a truncated segment is an
    IndexMissing error naming the file)."""
    return grams.GramIndex(_map_segments(gen, c, store.read_json(gen / grams.MANIFEST)))


def _map_word_rows(gen: Path, c: Columns) -> wordrows.WordRows:
    """The word segments (index/generation/wordrows.py), mapped like the bigram ones."""
    return wordrows.WordRows(_map_segments(gen, c, store.read_json(gen / wordrows.MANIFEST)))


def _map_repeats(gen: Path, c: Columns, checked: list[str]) -> repeats.Repeats | None:
    """The repeated bigrams' counts (index/generation/repeats.py), mapped like the bigram
    segments; None for a generation written before them (the ranking then counts in the
    texts). ``checked``: the files of the generation's manifest, whose sizes were checked
    (one it names is never taken for absent)."""
    if repeats.MANIFEST not in checked and not (gen / repeats.MANIFEST).is_file():
        return None
    return repeats.Repeats(_map_segments(gen, c, store.read_json(gen / repeats.MANIFEST)))


def _map_segments(gen: Path, c: Columns, manifest: dict) -> list[grams.Segment]:
    """The segments, their keys and offsets mapped; a key's gap-coded rows are read from
    the file when it is looked up (keyindex.FileArray: a mapped page faulted in maps the
    64 KiB around it, and varied queries' keys are spread over the whole file)."""
    segments = []
    for name in manifest["segments"]:
        parts = []
        for part in grams.segment_files(name, gen):
            path = gen / part
            c._expected.setdefault(part, path.stat().st_size if path.exists() else -1)
            parts.append(c._load_npy(part))
        keys, offsets, data = parts
        if data.dtype == np.uint16 and len(data) and BlobFile.supported():
            data = _read_by_slices(gen / grams.segment_files(name, gen)[2], data)
        if len(offsets) != len(keys) + 1 or (len(offsets) and int(offsets[-1]) != len(data)):
            raise IndexMissing(f"the index files of segment {gen / name} do not match", fix="rebuild")
        segments.append(grams.segment_of(keys, offsets, data))
    return segments


def _read_by_slices(path: Path, mapped: np.ndarray) -> FileArray:
    """The ``.npy`` array at ``path`` (mapped as ``mapped``, whose size was checked) as a
    keyindex.FileArray over the same bytes."""
    f = open(path, "rb", buffering=0)  # closed when the segment drops it
    version = np.lib.format.read_magic(f)
    header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
    shape, _, dtype = header(f)
    if shape != mapped.shape or dtype != mapped.dtype:
        raise IndexMissing(f"the index file {path} changed while it was opened", fix="rebuild")
    return FileArray(f, f.tell(), shape[0], dtype)
