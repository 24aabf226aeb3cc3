"""The synonym table, applied at query time (no rebuild).

Format (``index/data/synonyms.txt``, or your own file): one group per line;
``河长制 = 河湖长制`` (or the terms separated by spaces) makes every term of the group
find the others; ``湖长制 => 河湖长制`` is one-way; ``#`` starts a comment. Terms are
normalized like queries. The file is read again when it changes (checked by its
modification time on each search), so an edit applies to the next search.

The engine expands each unquoted query term that *is* a table entry (after
normalization) with the other terms of its groups; quoted phrases are never
expanded. Passages found only through a synonym are marked ``"match": "synonym"``
and rank after the literal ones.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import replace
from importlib import resources
from pathlib import Path

from index.errors import GovsearchError
from index.normalize import normalize
from search.query import ParsedQuery, Term


class SynonymError(GovsearchError):
    code = "bad_synonyms"


def shipped_path() -> Path:
    return Path(str(resources.files("index").joinpath("data").joinpath("synonyms.txt")))


def parse(text: str, where: str = "synonyms") -> dict[str, list[str]]:
    """``{normalized term: [normalized alternatives]}`` from the table's text."""
    table: dict[str, list[str]] = {}

    def add(a: str, b: str) -> None:
        if a != b:
            alts = table.setdefault(a, [])
            if b not in alts:
                alts.append(b)

    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if "=>" in line:
            left, _, right = line.partition("=>")
            sources = [normalize(t) for t in re.split(r"[\s=]+", left) if normalize(t)]
            targets = [normalize(t) for t in re.split(r"[\s=]+", right) if normalize(t)]
            if not sources or not targets:
                raise SynonymError(f"{where} line {n}: 'A => B' needs terms on both sides: {raw.strip()!r}")
            for s in sources:
                for t in targets:
                    add(s, t)
            continue
        group = [normalize(t) for t in re.split(r"[\s=]+", line) if normalize(t)]
        if len(group) < 2:
            raise SynonymError(f"{where} line {n}: a group needs two terms or more: {raw.strip()!r}")
        for a in group:
            for b in group:
                add(a, b)
    return table


class SynonymSource:
    """A synonym file, re-read when its modification time changes. ``path=None``:
    the shipped table."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else shipped_path()
        self._lock = threading.Lock()
        self._stamp: tuple | None = None
        self._table: dict[str, list[str]] = {}
        self.table()  # a missing or malformed file is an error now, not at the first search

    def table(self) -> dict[str, list[str]]:
        try:
            st = os.stat(self.path)
        except OSError as exc:
            if self._stamp is not None:
                return self._table  # removed while running: keep the last good table
            raise SynonymError(f"synonym file {self.path}: cannot read it ({exc.strerror or exc})") from None
        stamp = (st.st_mtime_ns, st.st_size)
        if stamp != self._stamp:
            with self._lock:
                if stamp != self._stamp:
                    try:
                        text = self.path.read_text(encoding="utf-8-sig")
                        table = parse(text, str(self.path))
                    except (OSError, UnicodeDecodeError, SynonymError) as exc:
                        if self._stamp is None:
                            if isinstance(exc, SynonymError):
                                raise
                            raise SynonymError(f"synonym file {self.path}: {exc}") from None
                        return self._table  # a bad edit keeps the last good table
                    self._table, self._stamp = table, stamp
        return self._table

    def expand(self, norm: str) -> list[str]:
        return list(self.table().get(norm, ()))


def expand_query(q: ParsedQuery, source: SynonymSource | None) -> tuple[ParsedQuery, list[dict]]:
    """The query with each unquoted term's synonyms added to its OR clause (as exact
    phrases), and ``[{"term", "synonyms"}]`` for what was added. Quoted phrases are
    never expanded."""
    if source is None:
        return q, []
    applied: list[dict] = []
    clauses = []
    for clause in q.clauses:
        out = list(clause)
        present = {term.norm for term in clause}
        for term in clause:
            if term.quoted:
                continue
            alts = [a for a in source.expand(term.norm) if a not in present]
            if alts:
                present.update(alts)
                out.extend(Term(a, a, True) for a in alts)
                applied.append({"term": term.text, "synonyms": alts})
        clauses.append(out)
    if not applied:
        return q, []
    return replace(q, clauses=clauses), applied
