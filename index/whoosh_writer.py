"""Whoosh's segment writer, with the lengths it reads back while committing kept in memory.

When Whoosh commits a segment it writes the postings term by term and, for every
posting, asks the segment's per-document reader for that document's field length
(``doc_field_length``): one seek and one read of the segment file per posting, and a
file-system lookup per posting for a field without a lengths column. On the reports
that is about a quarter of Whoosh's share of a build. Here each field's lengths are read
once, as one byte string, and answered from memory; what is written is unchanged (a
test compares the postings with those of Whoosh's own writer).
"""

from __future__ import annotations

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

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


class LengthsInMemoryWriter(SegmentWriter):
    """A :class:`whoosh.writing.SegmentWriter` whose commit reads field lengths from memory."""

    def _flush_segment(self):
        self.perdocwriter.close()
        lengths = _LengthsInMemory(self.per_document_reader()) if self.codec.length_stats else None
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()
        if lengths is not None:
            lengths.close()


def writer(ix, **kwargs) -> SegmentWriter:
    """A single-process writer of index ``ix`` (``ix.writer(**kwargs)`` otherwise)."""
    return LengthsInMemoryWriter(ix, **kwargs)
