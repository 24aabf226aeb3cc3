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

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
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


class LengthsInMemoryWriter(SegmentWriter):
    """A :class:`whoosh.writing.SegmentWriter` whose commit reads field lengths from memory."""

    def __init__(self, ix, limitmb: int = 128, **kwargs):
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self.pool = _Pool(self._tempstorage, self.newsegment, limitmb=limitmb)

    def _flush_segment(self):
        self.perdocwriter.close()
        lengths = _LengthsInMemory(self.per_document_reader()) if self.codec.length_stats else None
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
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
