"""The query side's files, written beside Whoosh: columns the OS maps instead of parsing.

For every passage row (the row of the bigram index, grams.py) a generation holds

* one ``.npy`` array per column of the field model (index/fields.py): report, kind,
  section, town, county, city, province, level (``int32`` codes into value tables),
  topics (``uint64`` bit sets), year (``int32``, 0 = unknown), position in the
  report, length of the normalized text, reading order and liveness;
* the normalized passage text as one UTF-8 blob with an ``int64`` offsets array
  (``norm.bin``), and the source text as an edit record per passage on top of it
  (``edits.bin``, about a fifth of the text's size; index/generation/source_text.py); the heading paths
  (source and normalized) and the report titles (source and normalized) the same way;
* the value tables (``values.json``: report ids, kinds, places, topics) and a
  manifest (``columns.json``) giving the size of every file.

Opening is ``np.load(..., mmap_mode="r")``, ``mmap`` and two small JSON reads: no
iteration over stored documents, no normalization. The passage texts (``norm.bin``,
``edits.bin``) are the exception: they are read, not mapped (:class:`BlobFile`). A
query reads a few hundred bytes of each of thousands of rows spread over the whole
file, and a mapped page faulted in brings its neighbours along (the kernel maps up to
64 KiB around it, whatever ``madvise`` says): a thousand rows read made 47 MiB of an
89 MiB ``norm.bin`` part of each process, as if it were the process's own memory.
Read with ``pread``, the page cache still holds what was read, shared by every
process and given back under pressure, and a process holds only the bytes it copies. Every file's size is checked
against the manifest before it is mapped, so a truncated file is reported by name
(:class:`~index.errors.IndexMissing`) instead of crashing the process with SIGBUS.
Files are written once into a new generation and never modified (they are made
read-only); an update writes a complete new set.

Whoosh stays the index of record: :func:`rebuild_from_whoosh` derives the same files
from the stored Whoosh documents alone (every passage holds every value of its report).
"""

from __future__ import annotations

import json
import os
import threading
from array import array
from collections import OrderedDict
from collections.abc import Iterator
from itertools import chain
from pathlib import Path

import numpy as np

from index import fields as field_model
from index.errors import IndexMissing
from index.fields import Field
from index.generation import source_text, store
from index.generation.generation_format import COLUMNS_FORMAT
from index.normalize import normalize

MANIFEST = "columns.json"
VALUES = "values.json"
FORMAT = COLUMNS_FORMAT  # bumped in generation_format.py
ORDER_SHIFT = 20  # reading order = report rank << 20 | position in the report
DEAD_ORDER = 1 << 40

# the string blobs: name -> (blob file, offsets file)
BLOBS = ("edits", "norm", "sections", "sections_norm", "titles_norm", "titles")
READ_BLOBS = ("edits", "norm")  # read by positioned reads (BlobFile), the others mapped
SPAN_GAP = 16384  # bytes between two wanted texts up to which one read takes both (and the bytes between)
SPAN_BYTES = 1 << 20  # a read of several texts starts a new one past this many bytes from its start

_DTYPES = {"code": np.int32, "bits": np.uint64, "year": np.int32, "int": np.int32}
EXTRA_COLUMNS = {"live": np.bool_, "length": np.int32, "reading_order": np.int64}


def column_file(name: str) -> str:
    return f"col.{name}.npy"


def blob_files(name: str) -> tuple[str, str]:
    return f"{name}.bin", f"{name}.offsets.npy"


def _array_columns() -> list[Field]:
    return [f for f in field_model.current().columns if f.column in _DTYPES]


# --------------------------------------------------------------------------- writing


SPILL_ROWS = 1 << 16  # rows of a per-row array held in memory; the earlier ones wait in a file


class _Spill:
    """One per-row array of a column writer, in the order its values are added: the last
    up to :data:`SPILL_ROWS` in memory, the others appended to a file of the folder being
    written (``path``), read back a piece at a time when the columns are written and then
    removed. A build of 1 GB adds millions of rows: held whole, the arrays of all columns
    took about 80 bytes a row of the build's memory until its end."""

    def __init__(self, path: Path, dtype):
        self.path, self.dtype = path, np.dtype(dtype)
        self.buffer = array(self.dtype.char)
        self.file = None
        self.spilled = 0

    def __len__(self) -> int:
        return self.spilled + len(self.buffer)

    def append(self, value: int) -> None:
        self.buffer.append(value)
        if len(self.buffer) >= SPILL_ROWS:
            self._spill()

    def extend(self, values: np.ndarray) -> None:
        self._spill()
        self._write(np.ascontiguousarray(values, dtype=self.dtype))

    def _spill(self) -> None:
        if self.buffer:
            self._write(self.buffer)
            self.buffer = array(self.dtype.char)

    def _write(self, values) -> None:
        if self.file is None:
            self.file = open(_fresh(self.path), "wb")
        self.file.write(memoryview(values).cast("B"))
        self.spilled += len(values)

    def chunks(self) -> Iterator[np.ndarray]:
        """The values in order, at most :data:`SPILL_ROWS` at a time."""
        if self.file is not None:
            self.file.flush()
            with open(self.path, "rb") as f:
                while True:
                    piece = np.fromfile(f, dtype=self.dtype, count=SPILL_ROWS)
                    if not len(piece):
                        break
                    yield piece
        if self.buffer:
            yield np.array(self.buffer, dtype=self.dtype)

    def discard(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None
            self.path.unlink(missing_ok=True)
        self.buffer, self.spilled = array(self.dtype.char), 0


def _spill_path(folder: Path, name: str) -> Path:
    return folder / f"{name}.rows.tmp"


class _BlobWriter:
    def __init__(self, folder: Path, name: str):
        self.folder, self.name = folder, name
        blob, _ = blob_files(name)
        self.file = open(_fresh(folder / blob), "wb")
        self.offsets = _Spill(_spill_path(folder, f"{name}.offsets"), np.int64)
        self.offsets.append(0)
        self.size = 0

    def add(self, text: str) -> None:
        data = text.encode("utf-8")
        self.file.write(data)
        self.size += len(data)
        self.offsets.append(self.size)

    def add_bytes(self, data) -> None:
        self.file.write(data)
        self.size += len(data)
        self.offsets.append(self.size)

    def close(self) -> None:
        self.file.close()
        _save_chunks(self.folder / blob_files(self.name)[1], np.int64, self.offsets.chunks())
        self.offsets.discard()


def _save_chunks(path: Path, dtype, chunks) -> None:
    """``np.save(path, np.concatenate(chunks))`` (the same bytes), one chunk at a time."""
    from index.generation.grams import NpyWriter

    writer = NpyWriter(_fresh(path), dtype)
    try:
        for chunk in chunks:
            writer.append(chunk)
        writer.close()
    finally:
        writer.discard()


def _copy_runs(source: Path, data, runs: list[tuple[int, int]], out) -> None:
    """Append the byte ranges ``runs`` of ``source`` (mapped as ``data``) to the open
    file ``out``: with ``os.copy_file_range`` where the system has it (no copy through
    Python), else through the mapping."""
    out.flush()
    copy = getattr(os, "copy_file_range", None)
    if copy is not None and runs:
        try:
            with open(source, "rb") as f:
                src, dst = f.fileno(), out.fileno()
                for a, b in runs:
                    while a < b:
                        n = copy(src, dst, b - a, a)
                        if n <= 0:
                            raise OSError("copy_file_range copied nothing")
                        a += n
            out.seek(0, os.SEEK_END)
            return
        except OSError:  # not supported here (some file systems, containers): copy through Python
            out.seek(0)
            out.truncate()
    for a, b in runs:
        out.write(data[a:b])


class _Cells:
    """One column's values as rows are added, held as 4 or 8 bytes a row (the last
    :data:`SPILL_ROWS` in memory, see :class:`_Spill`): a code column as the index of its
    value among the distinct values in the order first seen (``seen``; -1 for None), a
    bit-set column as a mask over those values, a number column as the number (0 for
    None)."""

    def __init__(self, column: str, path: Path):
        self.column = column
        self.seen: dict = {}  # value (a topic, for a bit set) -> its index, in the order first seen
        self.rows = _Spill(path, np.uint64 if column == "bits" else np.int32)

    def append(self, v) -> None:
        if self.column == "code":
            self.rows.append(-1 if v is None else self.seen.setdefault(v, len(self.seen)))
        elif self.column == "bits":
            mask = 0
            for t in v or ():
                if t:
                    mask |= 1 << self.seen.setdefault(t, len(self.seen))
            self.rows.append(mask)
        else:
            self.rows.append(int(v or 0))

    def bits(self, positions: list[int]) -> Iterator[np.ndarray]:
        """The masks, a piece at a time, with the bit of the value seen ``k``-th moved to
        ``positions[k]``."""
        if any(p >= 64 for p in positions):  # as a Python int past 64 bits would not fit either
            raise OverflowError(f"{max(positions) + 1} values in a bit-set column: at most 64")
        for local in self.rows.chunks():
            out = np.zeros(len(local), dtype=np.uint64)
            for k, position in enumerate(positions):
                out |= ((local >> np.uint64(k)) & np.uint64(1)) << np.uint64(position)
            yield out


class ColumnWriter:
    """Writes the columns of one generation. Rows are added in order, from 0; a row
    without a passage (removed by an update) is added with :meth:`add_dead`.

    ``values`` of a row are those of the field model (index/fields.py,
    ``Model.row_values``): topics as a list, report-level values included. The per-row
    arrays wait in files of ``folder`` (``*.rows.tmp``) until :meth:`finish`, which
    removes them."""

    def __init__(self, folder: Path, topic_names: list[str]):
        self.folder = folder
        self.topic_names = list(topic_names)
        self.cells = {f.name: _Cells(f.column, _spill_path(folder, f"col.{f.name}")) for f in _array_columns()}
        self.live = _Spill(_spill_path(folder, "col.live"), np.uint8)
        self.lengths = _Spill(_spill_path(folder, "col.length"), np.int32)
        self.edits = _BlobWriter(folder, "edits")  # the source text: norm + edits (index/generation/source_text.py)
        self.norm = _BlobWriter(folder, "norm")
        self.base: tuple[Columns, np.ndarray] | None = None  # (previous generation, rows kept)
        self.base_rows = 0

    @property
    def rows(self) -> int:
        return self.base_rows + len(self.live)

    def copy_base(self, old: "Columns", keep: np.ndarray) -> None:
        """Start with every row of a previous generation, those where ``keep`` is true as
        they were, the others dead (column arithmetic and byte copies, no row loop)."""
        if self.rows:
            raise RuntimeError("the previous generation's rows come first")
        self.base, self.base_rows = (old, keep), old.rows
        for blob, writer in (("edits", self.edits), ("norm", self.norm)):
            data, offsets = old.blob(blob)
            offsets = np.asarray(offsets, dtype=np.int64)
            sizes = np.diff(offsets) * keep
            # copy runs of consecutive kept rows in one call each, file to file in the kernel
            edges = np.flatnonzero(np.diff(np.concatenate([[0], keep.astype(np.int8), [0]])))
            runs = [(int(offsets[a]), int(offsets[b])) for a, b in zip(edges[::2].tolist(), edges[1::2].tolist())]
            _copy_runs(old.folder / blob_files(blob)[0], data, runs, writer.file)
            offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64) + writer.size
            writer.offsets.discard()
            writer.offsets.extend(offsets)
            writer.size = int(offsets[-1])

    def _base_column(self, f: Field, table: list | None, names: list | None) -> np.ndarray:
        old, keep = self.base
        column = np.asarray(old.array(f.column_attr))
        if f.column == "code":
            old_table = old.strings(f.names_blob) if f.names_blob else old.values[f.names_attr]
            index = {v: i for i, v in enumerate(table)}
            remap = np.asarray([index.get(v, -1) for v in old_table] + [-1], dtype=np.int32)
            return np.where(keep & (column >= 0), remap[column], -1).astype(np.int32)
        if f.column == "bits":
            out = np.zeros(len(column), dtype=np.uint64)
            for i, name in enumerate(old.values[f.names_attr]):
                if name in names:  # the others are used by dead rows only
                    out |= ((column >> np.uint64(i)) & np.uint64(1)) << np.uint64(names.index(name))
            return np.where(keep, out, np.uint64(0)).astype(np.uint64)
        return np.where(keep, column, 0).astype(np.int32)

    def _base_values(self, f: Field) -> list:
        """The values of a code/bits column used by the kept rows of the base."""
        if self.base is None:
            return []
        old, keep = self.base
        column = np.asarray(old.array(f.column_attr))
        if f.column == "bits":
            used = int(np.bitwise_or.reduce(column[keep])) if keep.any() else 0
            return [n for i, n in enumerate(old.values[f.names_attr]) if used >> i & 1]
        table = old.strings(f.names_blob) if f.names_blob else old.values[f.names_attr]
        codes = np.unique(column[keep & (column >= 0)]).tolist()
        return [table[c] for c in codes]

    def add(self, values: dict, text: str, norm: str | None = None) -> None:
        if norm is None:
            norm = normalize(text)
        for name, cells in self.cells.items():
            cells.append(values.get(name))
        self.live.append(1)
        self.lengths.append(len(norm))
        self.edits.add(source_text.edits(text))
        self.norm.add(norm)

    def add_dead(self) -> None:
        for cells in self.cells.values():
            cells.append(None)
        self.live.append(0)
        self.lengths.append(0)
        self.edits.add("")
        self.norm.add("")

    def finish(self, titles: dict[str, str]) -> None:
        """Write everything; ``titles`` maps each report id to its title. Each column is
        written a piece at a time from its rows' file, then the file is removed."""
        try:
            self._finish(titles)
        finally:
            for spill in (*(c.rows for c in self.cells.values()), self.live, self.lengths,
                          self.edits.offsets, self.norm.offsets):
                spill.discard()

    def _finish(self, titles: dict[str, str]) -> None:
        self.edits.close()
        self.norm.close()
        files: dict[str, str] = {}
        values: dict[str, list] = {}
        written: list[str] = []
        n = self.rows

        def save(name: str, dtype, base, chunks) -> None:
            pieces = chunks if base is None else chain([base], chunks)
            _save_chunks(self.folder / column_file(name), dtype, pieces)
            written.append(name)

        for f in _array_columns():
            cells = self.cells[f.name]
            if f.column == "code":
                table = _value_table(f, list(cells.seen) + self._base_values(f))
                index = {v: i for i, v in enumerate(table)}
                remap = np.asarray([index[v] for v in cells.seen] + [-1], dtype=np.int32)  # [-1]: None stays -1
                base = self._base_column(f, table, None) if self.base is not None else None
                save(f.column_attr, np.int32, base, (remap[c] for c in cells.rows.chunks()))
                if f.names_blob:  # searched by the query side (headings): a blob and its normalized copy
                    _write_strings(self.folder, f.names_blob, table)
                    _write_strings(self.folder, f"{f.names_blob}_norm", [normalize(s) for s in table])
                else:
                    values[f.names_attr] = table
            elif f.column == "bits":
                names = list(self.topic_names)
                for t in [*cells.seen, *self._base_values(f)]:
                    if t and t not in names:
                        names.append(t)
                base = self._base_column(f, None, names) if self.base is not None else None
                save(f.column_attr, np.uint64, base, cells.bits([names.index(t) for t in cells.seen]))
                values[f.names_attr] = names
            else:  # year, int
                base = self._base_column(f, None, None) if self.base is not None else None
                save(f.column_attr, np.int32, base, cells.rows.chunks())
        keep = self.base[1] if self.base is not None else None
        save("live", np.bool_, keep, self.live.chunks())
        old_length = None
        if self.base is not None:
            old, keep = self.base
            old_length = np.where(keep, np.asarray(old.array("length")), 0).astype(np.int32)
        save("length", np.int32, old_length, self.lengths.chunks())
        # report codes are the ranks of the sorted report ids: reading order is code, then position
        save("reading_order", np.int64, None,
             (np.where(doc >= 0, doc.astype(np.int64) << ORDER_SHIFT | seq, DEAD_ORDER)
              for doc, seq in zip(self._written("doc"), self._written("seq"))))
        total = live_rows = 0  # the mean length of live rows, summed as NumPy's mean sums them
        for live, length in zip(self._written("live"), self._written("length")):
            total += int(length[live].sum(dtype=np.int64))
            live_rows += int(live.sum())
        _write_strings(self.folder, "titles_norm", [normalize(titles.get(d) or "") for d in values["doc_ids"]])
        _write_strings(self.folder, "titles", [titles.get(d) or "" for d in values["doc_ids"]])
        store.write_json(self.folder / VALUES, values)
        for name in written:
            files[column_file(name)] = None
        for name in BLOBS:
            for part in blob_files(name):
                files[part] = None
        files[VALUES] = None
        for name in files:
            path = self.folder / name
            files[name] = path.stat().st_size
            _read_only(path)
        store.write_json(self.folder / MANIFEST, {
            "format": FORMAT, "rows": n, "live": live_rows,
            "avg_length": total / live_rows if live_rows else 1.0, "files": files,
        })
        _read_only(self.folder / MANIFEST)

    def _written(self, name: str) -> Iterator[np.ndarray]:
        """A column file just written, read back :data:`SPILL_ROWS` rows at a time (not
        mapped: a map's pages read would stay in this process's memory)."""
        with open(self.folder / column_file(name), "rb") as f:
            fmt = np.lib.format
            read_header = fmt.read_array_header_1_0 if fmt.read_magic(f) == (1, 0) else fmt.read_array_header_2_0
            shape, _, dtype = read_header(f)
            left = shape[0]
            while left:
                piece = np.fromfile(f, dtype=dtype, count=min(left, SPILL_ROWS))
                left -= len(piece)
                yield piece


def _value_table(f: Field, cells: list) -> list:
    present = {v for v in cells if v is not None}
    first = [v for v in f.value_order if v in present]
    return first + sorted(present - set(first))


def _write_strings(folder: Path, name: str, strings: list[str]) -> None:
    w = _BlobWriter(folder, name)
    for s in strings:
        w.add(s)
    w.close()


def _fresh(path: Path) -> Path:
    """``path``, with any file of that name removed first: a generation's files may be
    hard links to the previous generation's, which must never be written through."""
    path.unlink(missing_ok=True)
    return path


def _read_only(path: Path) -> None:
    try:
        os.chmod(path, 0o444)
    except OSError:
        pass


def row_values(report, passage, seq: int) -> dict:
    """A passage's column values (index/fields.py, ``Model.row_values``)."""
    return field_model.current().row_values(report, passage, seq)


def copy_rows(writer: ColumnWriter, old: "Columns", keep_docs: set[str]) -> None:
    """Start ``writer`` with the rows of a previous generation: those of the reports in
    ``keep_docs`` as they were, the others as dead rows."""
    doc = np.asarray(old.array("doc"))
    kept_codes = np.asarray([d in keep_docs for d in old.values["doc_ids"]] + [False], dtype=bool)
    keep = np.asarray(old.array("live")) & kept_codes[np.where(doc >= 0, doc, len(kept_codes) - 1)]
    writer.copy_base(old, keep)


def stored_passages(old: "Columns", first: int, last: int) -> Iterator[tuple[str, str, str]]:
    """``(kind, text, norm)`` of the rows ``first`` … ``last - 1`` of a generation."""
    kinds = np.asarray(old.array("kind"))
    names = old.values[field_model.current().by_name["kind"].names_attr]
    texts, norms = old.source_texts(), old.texts("norm")
    for r in range(first, last):
        code = int(kinds[r])
        yield (names[code] if code >= 0 else "body"), texts[r], norms[r]


# --------------------------------------------------------------------------- reading


class Columns:
    """The mapped columns of one generation (see the module docstring)."""

    def __init__(self, folder: Path):
        self.folder = folder
        manifest_path = folder / MANIFEST
        try:
            self.manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            expected = self.manifest["files"]
            self.rows = int(self.manifest["rows"])
        except FileNotFoundError:
            raise IndexMissing(f"the index generation {folder} has no {MANIFEST}", fix="rebuild") from None
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
            raise IndexMissing(f"the index file {manifest_path} is damaged ({exc})", fix="rebuild") from None
        self._expected = expected
        self._watched: list[tuple[Path, int, int, int]] = []  # (file, inode, size, mtime) of mapped files
        for name, size in expected.items():
            self._check_size(name, size)
        self.values = json.loads((folder / VALUES).read_text(encoding="utf-8"))
        self._arrays: dict[str, np.ndarray] = {}
        self._blobs: dict[str, tuple[object, np.ndarray]] = {}
        self._strings: dict[str, list[str]] = {}

    def _check_size(self, name: str, size: int) -> int:
        """Check a file's size against the manifest; return its inode."""
        path = self.folder / name
        try:
            st = path.stat()
        except OSError:
            raise IndexMissing(f"the index file {path} is missing", fix="rebuild") from None
        if st.st_size != size:
            raise IndexMissing(f"the index file {path} is damaged: {st.st_size} bytes, {size} expected", fix="rebuild")
        return st.st_ino

    def _watch(self, name: str, inode: int) -> None:
        path = self.folder / name
        try:
            mtime = os.stat(path).st_mtime_ns
        except OSError:
            mtime = 0
        self._watched.append((path, inode, self._expected[name], mtime))

    def verify(self) -> None:
        """Raise :class:`IndexMissing` if a mapped file has shrunk (someone truncated a
        file of the live generation: reading it would crash the process with SIGBUS) or
        was written in place since it was mapped (see :func:`store.check_watched`).
        Costs one ``stat`` per mapped file."""
        for watched in self._watched:
            store.check_watched(watched)

    def array(self, name: str) -> np.ndarray:
        a = self._arrays.get(name)
        if a is None:
            a = self._arrays[name] = self._load_npy(column_file(name), (self.rows,))
        return a

    def _load_npy(self, name: str, shape: tuple | None = None) -> np.ndarray:
        path = self.folder / name
        inode = self._check_size(name, self._expected[name])
        try:
            a = np.load(path, mmap_mode="r", allow_pickle=False)
        except (ValueError, OSError) as exc:
            raise IndexMissing(f"the index file {path} is damaged ({exc})", fix="rebuild") from None
        if shape is not None and a.shape != shape:
            raise IndexMissing(f"the index file {path} has shape {a.shape}, {shape} expected", fix="rebuild")
        if a.size:
            self._watch(name, inode)
        # a plain ndarray over the same mapping: np.memmap's Python-level __getitem__
        # costs a microsecond per index, which the query side pays thousands of times
        return a.view(np.ndarray) if isinstance(a, np.memmap) else a

    def blob(self, name: str) -> tuple[object, np.ndarray]:
        """(data, offsets) of a string blob: the data mapped (bytes-like), or for the
        passage texts (:data:`READ_BLOBS`) a :class:`BlobFile`."""
        got = self._blobs.get(name)
        if got is None:
            blob_name, offsets_name = blob_files(name)
            if blob_name not in self._expected or offsets_name not in self._expected:
                raise IndexMissing(f"the index generation {self.folder} has no {blob_name}", fix="rebuild")
            offsets = self._load_npy(offsets_name)
            size = self._expected[blob_name]
            if len(offsets) == 0 or int(offsets[-1]) != size:
                raise IndexMissing(f"the index file {self.folder / offsets_name} does not match {blob_name}", fix="rebuild")
            inode = self._check_size(blob_name, size)
            try:
                data = (BlobFile(self.folder / blob_name, size) if name in READ_BLOBS and BlobFile.supported()
                        else store.map_exactly(self.folder / blob_name, size))
            except ValueError:
                raise IndexMissing(f"the index file {self.folder / blob_name} is damaged", fix="rebuild") from None
            if size:
                self._watch(blob_name, inode)
            got = self._blobs[name] = (data, offsets)
        return got

    def strings(self, name: str) -> list[str]:
        """A small blob (headings, titles) decoded as a list, once."""
        got = self._strings.get(name)
        if got is None:
            data, offsets = self.blob(name)
            raw = bytes(data[: int(offsets[-1])]) if len(offsets) else b""
            o = offsets.tolist()
            got = self._strings[name] = [raw[a:b].decode("utf-8") for a, b in zip(o, o[1:])]
        return got

    def texts(self, name: str) -> "Texts":
        """The strings of a blob by row, each decoded when asked for."""
        return Texts(self, name)

    def source_texts(self) -> "SourceTexts":
        """The passages' source texts by row: put back together from the normalized
        text and the edit records."""
        return SourceTexts(self.texts("norm"), self.texts("edits"))

    def text(self, r: int) -> str:
        return self.source_texts()[r]

    def norm(self, r: int) -> str:
        return self.texts("norm")[r]

    def close(self) -> None:
        """Nothing to close: the mappings go when the last array or blob using them does."""


def spans(starts: np.ndarray, ends: np.ndarray) -> list[tuple[int, int, int, int]]:
    """How to read the byte ranges ``[starts[i], ends[i])`` (ascending, not overlapping:
    rows of a blob in row order) in few reads: ``(lo, hi, first, end)`` per read, the
    bytes ``[lo, hi)`` holding ranges ``first`` … ``end - 1``. One read takes the next
    range while the bytes between them are at most :data:`SPAN_GAP` (a system call costs
    what copying a few KiB does), and a run of such ranges is cut where a range starts
    :data:`SPAN_BYTES` or more further on than the run's first (no read grows past about
    a MiB plus one text)."""
    n = len(starts)
    if not n:
        return []
    starts = np.asarray(starts, dtype=np.int64)
    ends = np.asarray(ends, dtype=np.int64)
    new = np.ones(n, dtype=bool)
    new[1:] = starts[1:] - ends[:-1] > SPAN_GAP
    run = np.cumsum(new) - 1
    bucket = (starts - starts[np.flatnonzero(new)][run]) // SPAN_BYTES
    new[1:] |= bucket[1:] != bucket[:-1]
    firsts = np.flatnonzero(new)
    lasts = np.append(firsts[1:], n)
    return list(zip(starts[firsts].tolist(), ends[lasts - 1].tolist(), firsts.tolist(), lasts.tolist()))


_PREADV = getattr(os, "preadv", None)


class BlobFile:
    """A blob of passage texts read with ``os.pread`` rather than mapped (see the module
    docstring). ``blob[a:b]`` is the bytes ``[a, b)``; a read that comes back short (the
    file truncated under a running search) is an :class:`IndexMissing` naming it, as a
    truncated mapped file is (never SIGBUS)."""

    def __init__(self, path: Path, size: int):
        self.path, self.size = Path(path), size
        self._file = open(path, "rb", buffering=0)  # closed when the last reader drops it
        self._fd = self._file.fileno()
        got = os.fstat(self._file.fileno()).st_size
        if got != size:
            self._file.close()
            raise ValueError(f"{self.path.name} has {got} bytes, {size} expected")

    @staticmethod
    def supported() -> bool:
        """Whether the system has positioned reads (not Windows: there the blob is mapped)."""
        return hasattr(os, "pread")

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, key) -> bytes:
        if not isinstance(key, slice) or key.step not in (None, 1):
            raise TypeError("a BlobFile is read by slices of bytes")
        a, b, _ = key.indices(self.size)
        return self.read(a, b)

    def read_into(self, view: memoryview, a: int) -> None:
        """Fill ``view`` with the bytes from ``a`` on."""
        at, size = 0, len(view)
        while at < size:
            if _PREADV is not None:
                got = _PREADV(self._fd, [view[at:]], a + at)
            else:
                piece = os.pread(self._fd, size - at, a + at)
                view[at:at + len(piece)] = piece
                got = len(piece)
            if not got:
                raise IndexMissing(f"the index file {self.path} is damaged: it ends before byte {a + size}",
                                   fix="rebuild")
            at += got

    def read(self, a: int, b: int) -> bytes:
        if b <= a:
            return b""
        got = os.pread(self._fd, b - a, a)
        if len(got) == b - a:
            return got
        fd, parts, at = self._fd, [got], a + len(got)
        while at < b:
            got = os.pread(fd, b - at, at)
            if not got:
                raise IndexMissing(f"the index file {self.path} is damaged: it ends before byte {b}",
                                   fix="rebuild")
            parts.append(got)
            at += len(got)
        return parts[0] if len(parts) == 1 else b"".join(parts)


class Texts:
    """The strings of a blob by row (``texts[r]``), decoded one at a time."""

    def __init__(self, columns: Columns, name: str):
        self.data, self.offsets = columns.blob(name)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, r: int) -> str:
        o = self.offsets
        return self.data[int(o[r]) : int(o[r + 1])].decode("utf-8")

    def __iter__(self):
        return (self[r] for r in range(len(self)))

    def chunks(self, rows: np.ndarray) -> Iterator[tuple[np.ndarray, bytes, list[int], list[int]]]:
        """The encoded texts of ``rows`` (any order) in few reads (:func:`spans`):
        ``(positions, data, starts, ends)`` per read, the text of ``rows[positions[k]]``
        being ``data[starts[k]:ends[k]]`` (``data`` is valid until the next read: one
        buffer is read into again)."""
        rows = np.asarray(rows, dtype=np.int64)
        if not len(rows):
            return
        order = np.argsort(rows, kind="stable")
        ordered = rows[order]
        starts, ends = self.offsets[ordered].astype(np.int64), self.offsets[ordered + 1].astype(np.int64)
        data = self.data
        plan = spans(starts, ends)
        if isinstance(data, BlobFile):  # one buffer for all the reads: fresh memory for each costs its page faults
            buffer = bytearray(max(hi - lo for lo, hi, _, _ in plan))
            view = memoryview(buffer)
        for lo, hi, first, end in plan:
            if isinstance(data, BlobFile):
                data.read_into(view[:hi - lo], lo)
                chunk = buffer  # its first hi - lo bytes
            else:
                chunk = data[lo:hi]
            yield (order[first:end], chunk, (starts[first:end] - lo).tolist(), (ends[first:end] - lo).tolist())

    def heads(self, rows: np.ndarray, size: int) -> tuple[bytes, np.ndarray, np.ndarray]:
        """The first ``size`` bytes (at most) of the texts of ``rows``, one after the
        other: ``(data, starts, ends)`` as the blob's bytes and offsets would give them."""
        rows = np.asarray(rows, dtype=np.int64)
        pieces: list[bytes] = [b""] * len(rows)
        for positions, chunk, starts, ends in self.chunks(rows):
            for k, a, b in zip(positions.tolist(), starts, ends):
                pieces[k] = chunk[a:min(b, a + size)]
        lengths = np.fromiter((len(p) for p in pieces), dtype=np.int64, count=len(pieces))
        ends = np.cumsum(lengths)
        return b"".join(pieces), ends - lengths, ends


class SourceTexts:
    """Source texts by row, put back together from the normalized text and the edit
    record of each passage (index/generation/source_text.py). The texts put together
    last, up to :data:`RESTORED_CHARS` characters, are kept: a long paragraph's record has
    hundreds of runs, and the passages a server shows and ranks again and again are few."""

    RESTORED_CHARS = 1 << 22  # about 8 MB of text

    def __init__(self, norms: Texts, edits: Texts):
        self.norms, self.edits = norms, edits
        self._restored: OrderedDict[int, str] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.norms)

    def __getitem__(self, r: int) -> str:
        r = int(r)
        with self._lock:
            text = self._restored.get(r)
            if text is not None:
                self._restored.move_to_end(r)
                return text
        text = source_text.restore(self.norms[r], self.edits[r])
        with self._lock:
            if r not in self._restored:
                self._restored[r] = text
                self._chars += len(text)
                while len(self._restored) > 1 and self._chars > self.RESTORED_CHARS:
                    self._chars -= len(self._restored.popitem(last=False)[1])
        return text


# --------------------------------------------------------------------------- from Whoosh


def rebuild_from_whoosh(gen: Path, folder: Path | None = None) -> Path:
    """Write the columns of generation ``gen`` again, from its Whoosh index (the index
    of record) alone, into ``folder`` (default: ``gen``): every column value and the
    report titles are stored with each passage. Besides Whoosh it reads only the
    number of rows (the bigram manifest: rows removed by updates have no Whoosh
    document) and the topic lexicon's order of names (build.json)."""
    from index.generation import grams
    from index.generation.schema import stored_by_row

    folder = folder or gen
    folder.mkdir(parents=True, exist_ok=True)
    info = store.read_json(gen / store.BUILD_INFO)
    size = store.read_json(gen / grams.MANIFEST)["next_row"]
    model = field_model.current()
    fields = [f for f in model.columns if f.column != "text" and f.name != "seq"]
    stored = stored_by_row(gen)
    writer = ColumnWriter(folder, info.get("topics", []))
    titles: dict[str, str] = {}
    for r in range(size):
        doc = stored.get(r)
        if doc is None:
            writer.add_dead()
            continue
        values = {"seq": doc["seq"], **{f.name: f.from_whoosh(doc.get(f.name)) for f in fields}}
        titles[doc["doc_id"]] = doc.get("title", "")
        writer.add(values, doc["text"])
    writer.finish(titles)
    return folder
