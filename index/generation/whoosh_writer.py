"""Whoosh's segment writer, with the lengths it reads back while committing kept in memory
and a posting pool that takes the postings without checking each one again.

When Whoosh commits a segment it writes the postings term by term and, for every
posting, asks the segment's per-document reader for that document's field length
(``doc_field_length``): one seek and one read of the segment file per posting, and a
file-system lookup per posting for a field without a lengths column. On the reports
that is about a quarter of Whoosh's share of a build. Here each field's lengths are read
once, as one byte string, and answered from memory. The pool gets postings built by
Whoosh's own field types (bytes terms and values, as it asserts for each) and keeps
them by term, in document order, so that only the terms are sorted (:class:`_Pool`);
it counts their size as Whoosh's pool does, so it spills runs at the same points. What
is written is unchanged (a test compares the postings with those of Whoosh's own writer).
"""

from __future__ import annotations

import heapq
import operator
import pickle

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3FieldWriter, _lenfield
from whoosh.multiproc import MpWriter, SubWriterTask, finish_subsegment
from whoosh.util import random_name
from whoosh.util.numeric import byte_to_length
from whoosh.writing import PostingPool, SegmentWriter

_LENGTH_OF_BYTE = [byte_to_length(b) if b else None for b in range(256)]


class _LengthsInMemory:
    """``doc_field_length`` of a per-document reader, from each lengths column read once."""

    def __init__(self, reader):
        self._reader = reader
        self._columns: dict[str, bytes | None] = {}

    def _column(self, fieldname: str) -> bytes | None:
        name = _lenfield(fieldname)
        if not self._reader.has_column(name):
            return None
        column = self._reader.column_reader(name, LENGTHS_COLUMN)
        count = getattr(column, "_count", None)
        if count is None or getattr(column, "_fixedlen", None) != 1:  # not the one-byte column this expects
            return bytes(column[d] for d in range(self._reader.doc_count_all()))
        return bytes(column._dbfile.get(column._basepos, count))

    def column(self, fieldname: str) -> bytes | None:
        """The length bytes of field ``fieldname``, one a document (None: no column)."""
        try:
            return self._columns[fieldname]
        except KeyError:
            column = self._columns[fieldname] = self._column(fieldname)
            return column

    def doc_field_length(self, docnum: int, fieldname: str, default=0):
        column = self.column(fieldname)
        if column is None:
            return default
        return _LENGTH_OF_BYTE[column[docnum]] if docnum < len(column) else None

    def close(self) -> None:
        self._reader.close()


RUN_BATCH = 10_000  # postings pickled together in a sorted run spilled to disk
MAX_OPEN_RUNS = 128  # runs read at once when merging (Whoosh's ``maxfiles``)


class _Pool(PostingPool):
    """Whoosh's posting pool, holding the postings by field and term instead of as one
    list of ``(fieldname, tbytes, docnum, weight, vbytes)`` to sort: documents come in
    order of their numbers, so each term's postings are already in order and only the
    terms need sorting. Sorting, spilling and merging every posting was a third of
    Whoosh's part of a build. A run spilled to disk holds a sorted stretch of terms with
    their postings; runs are merged term by term, a term's postings taken from the runs
    in the order they were written. The postings come out in the order Whoosh's sorted
    pool gives (:meth:`iter_postings`); the size that decides when a run is spilled is
    counted as Whoosh counts it."""

    def __init__(self, tempstore, segment, limitmb=128, **kwargs):
        super().__init__(tempstore, segment, limitmb=limitmb, **kwargs)
        self._terms: dict[str, dict[bytes, list]] = {}  # field → term bytes → [(docnum, weight, vbytes)]
        self._unsorted: set[str] = set()  # fields given a posting out of document order (add)
        self._top_doc = -2  # the highest document number given to add

    def add(self, item):
        # item = (fieldname, tbytes, docnum, weight, vbytes); the size is PostingPool.add's estimate
        fieldname, tbytes, docnum, weight, value = item
        self.fieldnames.add(fieldname)
        self.currentsize += 150 + len(fieldname) + 2 * len(tbytes) + len(value or b"")
        if self.currentsize > self.limit:
            self.save()
        terms = self._terms.get(fieldname)
        if terms is None:
            terms = self._terms[fieldname] = {}
        postings = terms.get(tbytes)
        if postings is None:
            terms[tbytes] = [(docnum, weight, value)]
        else:
            if docnum <= postings[-1][0]:
                self._unsorted.add(fieldname)
            postings.append((docnum, weight, value))
        if docnum > self._top_doc:
            self._top_doc = docnum

    def add_field(self, fieldname: str, items: list, docnum: int, boost: float, size: int) -> None:
        """The postings of one field of one document at once: ``items`` as the field's
        ``index`` gives them, ``(tbytes, frequency, weight, vbytes)``, each term once
        (``size``: the sum of :meth:`add`'s estimates). The run spills before them rather
        than between them: what is written is the same."""
        self.fieldnames.add(fieldname)
        if self.currentsize > self.limit:
            self.save()
        self.currentsize += size
        terms = self._terms.get(fieldname)
        if terms is None:
            terms = self._terms[fieldname] = {}
        if docnum <= self._top_doc:
            self._unsorted.add(fieldname)
        get = terms.get
        for tbytes, _, weight, value in items:
            postings = get(tbytes)
            if postings is None:
                terms[tbytes] = [(docnum, weight * boost, value)]
            else:
                postings.append((docnum, weight * boost, value))

    def _sorted_terms(self):
        """``(fieldname, tbytes, postings)`` of the postings in memory, in order."""
        terms, unsorted = self._terms, self._unsorted
        for fieldname in sorted(terms):
            by_term = terms[fieldname]
            resort = fieldname in unsorted
            for tbytes in sorted(by_term):
                postings = by_term[tbytes]
                if resort:
                    postings.sort()
                yield fieldname, tbytes, postings

    def _clear(self) -> None:
        self._terms, self._unsorted = {}, set()
        self.current = []
        self.currentsize = 0

    def save(self):
        if self._terms:
            path, f = self._new_run()
            self._write_run(f, self._sorted_terms())
            self._add_run(path)
        self._clear()

    # A run is written as lists of terms with RUN_BATCH or more postings between them,
    # one pickle each (Whoosh pickles every posting on its own).
    def _write_run(self, f, entries):
        batch: list = []
        size = 0
        for entry in entries:
            batch.append(entry)
            size += len(entry[2])
            if size >= RUN_BATCH:
                pickle.dump(batch, f, pickle.HIGHEST_PROTOCOL)
                batch, size = [], 0
        if batch:
            pickle.dump(batch, f, pickle.HIGHEST_PROTOCOL)
        f.close()

    def _read_run(self, path):
        f = self._open_run(path)
        try:
            while True:
                try:
                    batch = pickle.load(f)
                except EOFError:
                    return
                yield from batch
        finally:
            f.close()
            self._remove_run(path)

    def _merge_runs(self, paths):
        """The entries of runs ``paths`` (in the order written) merged term by term."""
        merged = heapq.merge(*(self._read_run(path) for path in paths), key=_TERM_KEY)
        last = None
        for entry in merged:
            if last is not None and entry[0] == last[0] and entry[1] == last[1]:
                postings = last[2]
                if entry[2][0][0] <= postings[-1][0]:  # out of document order across runs: as Whoosh sorts
                    postings.extend(entry[2])
                    postings.sort()
                else:
                    postings.extend(entry[2])
                continue
            if last is not None:
                yield last
            last = entry
        if last is not None:
            yield last

    def iter_terms(self):
        """``(fieldname, tbytes, postings)`` of every term, sorted, its postings
        ``(docnum, weight, vbytes)`` in order; the runs are read once (and removed)."""
        if not self.runs:
            yield from self._sorted_terms()
            self._clear()
            return
        self.save()
        runs = self.runs
        while len(runs) > MAX_OPEN_RUNS:  # merge the first runs into one, keeping their order
            path, f = self._new_run()
            self._write_run(f, self._merge_runs(runs[:MAX_OPEN_RUNS]))
            runs = [path] + runs[MAX_OPEN_RUNS:]
        self.runs = []
        yield from self._merge_runs(runs)

    def iter_postings(self):
        for fieldname, tbytes, postings in self.iter_terms():
            for docnum, weight, value in postings:
                yield fieldname, tbytes, docnum, weight, value

    def cleanup(self):
        self._clear()
        super().cleanup()


_TERM_KEY = operator.itemgetter(0, 1)


def add_postings(fieldwriter, schema, lengths, terms) -> None:
    """The sorted terms ``(fieldname, tbytes, postings)`` of a segment (the pool's
    :meth:`_Pool.iter_terms`, postings ``(docnum, weight, vbytes)``) written term by
    term. For Whoosh's own (W3) field writer, the postings go into the term's blocks here,
    as ``W3PostingsWriter.add_posting`` puts them there one at a time, a block's worth at
    once, with the same statistics (the pool was given bytes terms and values, int
    document numbers and float weights); else through the field writer's
    ``add_postings``."""
    if type(fieldwriter) is not W3FieldWriter or lengths is None:
        fieldwriter.add_postings(schema, lengths, ((f, t, d, w, v) for f, t, ps in terms for d, w, v in ps))
        return
    lastfn = None
    length_of = _LENGTH_OF_BYTE
    for fieldname, btext, postings in terms:
        if fieldname != lastfn:
            if lastfn is not None:
                fieldwriter.finish_field()
            fieldwriter.start_field(fieldname, schema[fieldname])
            lastfn = fieldname
            column = lengths.column(fieldname) or b""
            known = len(column)
        if postings[0][0] == -1:  # Whoosh's mark of a spelling word: not a posting
            postings = [p for p in postings if p[0] != -1]
            if not postings:
                continue
        fieldwriter.start_term(btext)
        pw = fieldwriter._postwriter
        limit = pw._blocklimit
        at, count = 0, len(postings)
        while at < count:
            if len(pw._ids) >= limit:
                pw._write_block()
            block = postings[at : at + limit - len(pw._ids)]
            at += len(block)
            docs = [p[0] for p in block]
            weights = [p[1] for p in block]
            pw._ids.extend(docs)
            pw._weights.extend(weights)
            top = max(weights)
            if top > pw._maxweight:
                pw._maxweight = top
            values = [p[2] for p in block if p[2]]
            if values:
                pw._values.extend(values)
            found = [n for n in (length_of[column[d]] if d < known else None for d in docs) if n]
            if found:
                low, high = min(found), max(found)
                if pw._minlength is None or low < pw._minlength:
                    pw._minlength = low
                if high > pw._maxlength:
                    pw._maxlength = high
        fieldwriter.finish_term()
    if lastfn is not None:
        fieldwriter.finish_field()


class LengthsInMemoryWriter(SegmentWriter):
    """A :class:`whoosh.writing.SegmentWriter` whose commit reads field lengths from memory."""

    def __init__(self, ix, limitmb: int = 128, **kwargs):
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self.pool = _Pool(self._tempstorage, self.newsegment, limitmb=limitmb)
        self._indexed: dict = {}  # (field, value) → its postings (:meth:`_index`)

    # Whoosh's add_document with the postings of each field handed to the pool as one
    # list: a method call per posting was a fifth of Whoosh's part of a build. The same
    # postings, weights, lengths and stored values as SegmentWriter.add_document.
    def add_document(self, **fields):
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        pool = self.pool
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields.get(fieldname)
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    fieldboost = self._field_boost(fields, fieldname, docboost)
                    items = self._index(fieldname, field, value)
                    if items:
                        if field.scorable:
                            length = sum(item[1] for item in items)
                        size = (150 + len(fieldname)) * len(items) + sum(2 * len(t) + len(v or b"") for t, _, _, v in items)
                        pool.add_field(fieldname, items, docnum, fieldboost, size)
                if field.separate_spelling():  # as Whoosh: the field's last value bytes go along
                    spellfield = field.spelling_fieldname(fieldname)
                    for word in field.spellable_words(value):
                        pool.add((spellfield, word.encode("utf-8"), 0, 1, items[-1][3] if items else None))
                if field.vector:
                    raise NotImplementedError("term vectors are not written by this writer")
                customval = fields.get(f"_stored_{fieldname}", value)
                perdocwriter.add_field(fieldname, field, customval if field.stored else None, length)
                column = field.column_type
                if column and customval is not None:
                    perdocwriter.add_column_value(fieldname, column, field.to_column_value(customval))
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    # A report's values (its id, places, visibility) and a heading path's words come
    # with each of its passages: their postings are made once and kept for the next
    # passages. What a field makes of a value depends on the value alone.
    _INDEXED_KEPT = 4096

    def _index(self, fieldname: str, field, value) -> list:
        if type(value) is str or type(value) is int:
            key = (fieldname, value)
        elif type(value) is list and len(value) <= 32 and field.format.supports("positions"):  # a heading's words
            key = (fieldname, tuple(value))
        else:
            return list(field.index(value))
        kept = self._indexed
        items = kept.get(key)
        if items is None:
            if len(kept) >= self._INDEXED_KEPT:
                kept.clear()
            items = kept[key] = list(field.index(value))
        return items

    def _flush_segment(self):
        self.perdocwriter.close()
        lengths = _LengthsInMemory(self.per_document_reader()) if self.codec.length_stats else None
        add_postings(self.fieldwriter, self.schema, lengths, self.pool.iter_terms())
        self.fieldwriter.close()
        if lengths is not None:
            lengths.close()


class _SubWriterTask(SubWriterTask):
    """A sub-process of :class:`ParallelWriter`: Whoosh's own task, writing its segment
    with :class:`LengthsInMemoryWriter` instead of a plain ``SegmentWriter`` (the
    commit of each sub-segment is where the per-posting length lookups were)."""

    def run(self):
        ix = self.storage.open_index(self.indexname)
        writer = self.writer = LengthsInMemoryWriter(ix, _lk=False, **self.kwargs)
        while self.running:
            jobinfo = self.jobqueue.get()
            if jobinfo is None:
                break
            self._process_file(*jobinfo)
        if not self.running:
            writer.cancel()
            return
        if self.multisegment:
            runname, fieldnames, segment = None, writer.pool.fieldnames, writer._finalize_segment()
        else:
            runname, fieldnames, segment = finish_subsegment(writer, self.kwargs.get("k", 64))
        self.resultqueue.put((runname, fieldnames, segment), timeout=5)

    def _process_file(self, filename, doc_count):
        # a job file holds its documents as one pickle (ParallelWriter._enqueue)
        writer = self.writer
        tempstorage = writer.temp_storage()
        with tempstorage.open_file(filename).raw_file() as f:
            jobs = pickle.load(f)
        for code, fields in jobs:
            assert code == 0
            writer.add_document(**fields)
        tempstorage.delete_file(filename)


class ParallelWriter(MpWriter):
    """Whoosh's multi-process writer whose sub-processes write as :func:`writer` does."""

    # The documents of a job file are pickled together, not one by one as Whoosh does: a
    # report's values and the words its passages share are then written once (the
    # pickle's memo) and read back as one object each.
    def _enqueue(self):
        docbuffer = self.docbuffer
        filename = f"{random_name()}.doclist"
        with self.temp_storage().create_file(filename).raw_file() as f:
            pickle.dump(docbuffer, f, pickle.HIGHEST_PROTOCOL)
        if len(self.tasks) < self.procs:
            self._new_task()
        self.jobqueue.put((filename, len(docbuffer)))
        self.docbuffer = []

    def _new_task(self):
        task = _SubWriterTask(self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs,
                              self.multisegment)
        self.tasks.append(task)
        task.start()
        return task


def writer(ix, procs: int = 1, **kwargs) -> SegmentWriter:
    """A writer of index ``ix``: in this process, or with ``procs`` > 1 in that many
    sub-processes (Whoosh's ``MpWriter``), each segment written by :class:`LengthsInMemoryWriter`."""
    if procs > 1:
        return ParallelWriter(ix, procs=procs, **kwargs)
    return LengthsInMemoryWriter(ix, **kwargs)
