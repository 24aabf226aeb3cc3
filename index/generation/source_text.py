"""A passage's source text, kept as its normalized text plus what normalization changed.

The query side needs both texts of a passage: the normalized one to match and count
in, the source one to show. Normalization (index/normalize.py) maps one character at a
time and leaves most characters as they are; what it changes — punctuation and spaces
it drops, full-width or traditional characters it folds, ``㎓`` it expands — comes in
short runs, about a fifth of the text's bytes in Chinese reports. So instead of a
second copy of the text, a generation keeps per passage an *edit record*: for each run
of changed source characters, where its normalized form stands in the normalized text,
how long that form is, and the run itself. :func:`restore` puts the source text back
together from the normalized text and the record; it is exact (tested against the
texts themselves), and what Whoosh stores (the index of record) is still the text.

A record is a string: per run, three numbers and the run. A number below ``0xD000``
is one character of that code point; a larger one is ``chr(0xD000 + k)`` followed by
``k`` base-``0xD000`` digits (no surrogate code points, so a record is valid UTF-8).
The first number is the distance from the end of the previous run's normalized form
(or from the start) to this run's, the second the length of its normalized form, the
third the length of the run.
"""

from __future__ import annotations

from bisect import bisect_right

from index.normalize import changed_runs, normalize_with_offsets, translate

_BASE = 0xD000


def _number(v: int) -> str:
    if v < _BASE:
        return chr(v)
    digits = []
    while v:
        v, d = divmod(v, _BASE)
        digits.append(chr(d))
    return chr(_BASE + len(digits)) + "".join(reversed(digits))


def edits(text: str) -> str:
    """The edit record of ``text`` ("" when normalization leaves it as it is)."""
    parts: list[str] = []
    shift = 0  # source position minus normalized position
    end = 0  # in the normalized text, where the previous run's form ends
    for start, stop in changed_runs(text):
        run = text[start:stop]
        mapped = len(translate(run))
        at = start - shift
        parts += [_number(at - end), _number(mapped), _number(len(run)), run]
        shift += len(run) - mapped
        end = at + mapped
    return "".join(parts)


def restore(norm: str, record: str) -> str:
    """The source text of a passage from its normalized text and its edit record."""
    if not record:
        return norm
    out: list[str] = []
    append = out.append
    i, n, pos = 0, len(record), 0
    while i < n:
        gap, mapped, length = ord(record[i]), ord(record[i + 1]), ord(record[i + 2])
        if gap < _BASE and mapped < _BASE and length < _BASE:  # three one-character numbers: nearly always
            i += 3
        else:
            (gap, mapped, length), i = _numbers(record, i)
        start = pos + gap
        append(norm[pos:start])
        append(record[i : i + length])
        i += length
        pos = start + mapped
    append(norm[pos:])
    return "".join(out)


def _numbers(record: str, i: int) -> tuple[tuple[int, int, int], int]:
    """Three numbers of a record from position ``i``, and the position after them."""
    values = []
    for _ in range(3):
        c = ord(record[i])
        i += 1
        if c >= _BASE:
            v = 0
            for _ in range(c - _BASE):
                v = v * _BASE + ord(record[i])
                i += 1
            c = v
        values.append(c)
    return (values[0], values[1], values[2]), i


class SourceOffsets:
    """``offsets[i]``: the index in the source text of the character that produced
    character ``i`` of the normalized text — what :func:`index.normalize.normalize_with_offsets`
    gives — read from a passage's normalized text and edit record instead of normalizing
    the source text again. Each position is looked up when asked for (a binary search
    over the record's runs), so marking a few matches costs a few lookups, not a list as
    long as the passage; the record is read only as far as the positions asked for."""

    __slots__ = ("_starts", "_ends", "_shifts", "_inside", "_length", "_record", "_at", "_pos", "_shift")

    def __init__(self, norm: str, record: str):
        self._length = len(norm)
        self._starts: list[int] = []  # normalized position of each run's form
        self._ends: list[int] = []  # ... and where it ends
        self._shifts: list[int] = []  # source minus normalized position just after the run
        self._inside: list = []  # the run's source start, the run (its own offsets: on first use)
        self._record, self._at, self._pos, self._shift = record, 0, 0, 0  # how far the record is read

    def _read_past(self, i: int) -> None:
        """Read the record's runs until one starts after normalized position ``i`` (or
        the record ends): then the runs read hold every run starting at or before ``i``."""
        record, at, pos, shift = self._record, self._at, self._pos, self._shift
        n = len(record)
        starts, ends, shifts, inside = self._starts, self._ends, self._shifts, self._inside
        while at < n and (not starts or starts[-1] <= i):
            gap, mapped, length = ord(record[at]), ord(record[at + 1]), ord(record[at + 2])
            if gap < _BASE and mapped < _BASE and length < _BASE:
                at += 3
            else:
                (gap, mapped, length), at = _numbers(record, at)
            start = pos + gap
            run = record[at : at + length]
            at += length
            source_start = start + shift
            shift += length - mapped
            starts.append(start)
            ends.append(start + mapped)
            shifts.append(shift)
            inside.append((source_start, run))
            pos = start + mapped
        self._at, self._pos, self._shift = at, pos, shift

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, i: int) -> int:
        if i < 0:
            i += self._length
        if not 0 <= i < self._length:
            raise IndexError(i)
        starts = self._starts
        if self._at < len(self._record) and (not starts or starts[-1] <= i):
            self._read_past(i)
        k = bisect_right(starts, i) - 1
        if k < 0:
            return i
        if i < self._ends[k]:  # inside the normalized form of run k
            source_start, offsets = self._inside[k]
            if isinstance(offsets, str):  # the run itself until a position inside it is asked for
                offsets = _run_offsets(offsets)
                self._inside[k] = (source_start, offsets)
            return source_start + offsets[i - starts[k]]
        return i + self._shifts[k]

    def many(self, a: int, b: int) -> list[int]:
        """``[self[i] for i in range(a, b)]`` (0 <= a <= b <= len), the runs found once for
        the whole range rather than once per position."""
        if a >= b:
            return []
        if not (0 <= a and b <= self._length):
            raise IndexError((a, b))
        starts, ends, shifts = self._starts, self._ends, self._shifts
        if self._at < len(self._record) and (not starts or starts[-1] <= b - 1):
            self._read_past(b - 1)
        k = bisect_right(starts, a) - 1
        last = len(starts) - 1
        out = []
        for i in range(a, b):
            while k < last and starts[k + 1] <= i:
                k += 1
            if k < 0:
                out.append(i)
            elif i < ends[k]:
                source_start, offsets = self._inside[k]
                if isinstance(offsets, str):
                    offsets = _run_offsets(offsets)
                    self._inside[k] = (source_start, offsets)
                out.append(source_start + offsets[i - starts[k]])
            else:
                out.append(i + shifts[k])
        return out


def _run_offsets(run: str) -> list[int]:
    """Per character of a run's normalized form, its source character within the run."""
    return normalize_with_offsets(run)[1]
