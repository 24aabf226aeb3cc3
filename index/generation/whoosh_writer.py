"""Whoosh's segment writer, with the lengths it reads back while committing kept in memory
and a posting pool that takes the postings without checking each one again.

When Whoosh commits a segment it writes the postings term by term and, for every
posting, asks the segment's per-document reader for that document's field length
(``doc_field_length``): one seek and one read of the segment file per posting, and a
file-system lookup per posting for a field without a lengths column. On the reports
that is about a quarter of Whoosh's share of a build. Here each field's lengths are read
once, as one byte string, and answered from memory. The pool gets postings built by
Whoosh's own field types (bytes terms and values, as it asserts for each); it counts
their size exactly as Whoosh's pool does, so it sorts and spills the same runs. What is
written is unchanged (a test compares the postings with those of Whoosh's own writer).
"""

from __future__ import annotations

import pickle

from whoosh.codec.base import OutOfOrderError
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3FieldWriter, _lenfield
from whoosh.multiproc import MpWriter, SubWriterTask, finish_subsegment
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

    def doc_field_length(self, docnum: int, fieldname: str, default=0):
        try:
            column = self._columns[fieldname]
        except KeyError:
            column = self._columns[fieldname] = self._column(fieldname)
        if column is None:
            return default
        return _LENGTH_OF_BYTE[column[docnum]] if docnum < len(column) else None

    def close(self) -> None:
        self._reader.close()


RUN_BATCH = 10_000  # postings pickled together in a sorted run spilled to disk


class _Pool(PostingPool):
    def add(self, item):
        # item = (fieldname, tbytes, docnum, weight, vbytes); the size is PostingPool.add's estimate
        self.fieldnames.add(item[0])
        self.currentsize += 150 + len(item[0]) + 2 * len(item[1]) + len(item[4] or b"")
        if self.currentsize > self.limit:
            self.save()
        self.current.append(item)

    def add_field(self, fieldname: str, postings: list, size: int) -> None:
        """The postings of one field of one document at once (``size``: the sum of
        :meth:`add`'s estimates). The run spills before them rather than between them:
        the runs are merged in sorted order, so what is written is the same."""
        self.fieldnames.add(fieldname)
        if self.currentsize > self.limit:
            self.save()
        self.currentsize += size
        self.current.extend(postings)

    # A run (this pool's own temporary file) is written as lists of RUN_BATCH postings,
    # one pickle each, where Whoosh pickles every posting on its own: a sixth of
    # Whoosh's part of a build went to those calls. Read back one list at a time, the
    # same postings come out in the same order.
    def _write_run(self, f, items):
        batch: list = []
        for item in items:
            batch.append(item)
            if len(batch) >= RUN_BATCH:
                pickle.dump(batch, f, pickle.HIGHEST_PROTOCOL)
                batch = []
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


def add_postings(fieldwriter, schema, lengths, items) -> None:
    """``fieldwriter.add_postings(schema, lengths, items)``: the sorted postings
    ``(fieldname, tbytes, docnum, weight, vbytes)`` of a segment written term by term.
    For Whoosh's own (W3) field writer, each posting goes into the term's current block
    here, as ``W3PostingsWriter.add_posting`` puts it there, without its three calls
    and four type checks a posting (the pool was given bytes terms and values, int
    document numbers and float weights): a quarter of a segment's commit."""
    if type(fieldwriter) is not W3FieldWriter or lengths is None:
        fieldwriter.add_postings(schema, lengths, items)
        return
    dfl = lengths.doc_field_length
    lastfn = lasttext = pw = None
    for fieldname, btext, docnum, weight, value in items:
        if fieldname != lastfn:
            if lastfn is not None and fieldname < lastfn:
                raise OutOfOrderError(f"Field {lastfn!r} .. {fieldname!r}")
            if lasttext is not None:
                fieldwriter.finish_term()
            if lastfn is not None:
                fieldwriter.finish_field()
            fieldwriter.start_field(fieldname, schema[fieldname])
            lastfn, lasttext = fieldname, None
        elif lasttext and btext < lasttext:
            raise OutOfOrderError(f"Term {lastfn}:{lasttext!r} .. {fieldname}:{btext!r}")
        if docnum == -1:  # Whoosh's mark of a spelling word: not a posting
            continue
        if btext != lasttext:
            if lasttext is not None:
                fieldwriter.finish_term()
            fieldwriter.start_term(btext)
            lasttext = btext
            pw = fieldwriter._postwriter
        length = dfl(docnum, fieldname)
        if len(pw._ids) >= pw._blocklimit:
            pw._write_block()
        pw._ids.append(docnum)
        pw._weights.append(weight)
        if weight > pw._maxweight:
            pw._maxweight = weight
        if value:
            pw._values.append(value)
        if length:
            if pw._minlength is None or length < pw._minlength:
                pw._minlength = length
            if length > pw._maxlength:
                pw._maxlength = length
    if lasttext is not None:
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
                        pool.add_field(fieldname, [(fieldname, t, docnum, w * fieldboost, v) for t, _, w, v in items],
                                       size)
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
        add_postings(self.fieldwriter, self.schema, lengths, self.pool.iter_postings())
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


class ParallelWriter(MpWriter):
    """Whoosh's multi-process writer whose sub-processes write as :func:`writer` does."""

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
