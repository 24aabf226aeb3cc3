"""What one caller may see of a generation: a bit mask over its passages, made once.

A caller's *audience* is the set of visibility values it may see (index/visibility.py);
``*`` sees everything. For each audience a generation keeps one :class:`ScopedTable`:
the passage table with ``live`` narrowed to the passages of the reports the audience
may see (``live & visible``, one NumPy boolean array computed from the ``visibility``
code column when the audience is first seen), and ``documents``, ``count`` and the
rows by report narrowed alike. Everything the engine computes from ``live`` — matches,
totals, facets, the comparison, grouping, passage counts behind did-you-mean and
completions — then only ever sees those passages; nothing checks a hit one by one.
"""

from __future__ import annotations

import threading
from functools import cached_property

import numpy as np

from index.visibility import EVERYTHING, PUBLIC, Rules

_LOCK = threading.Lock()
# attributes of a scoped table that are its own, never the table's
_OWN = frozenset({"base", "audience", "visible", "within", "live", "count", "_list_shapes",
                  "documents", "by_doc", "live_rows", "ocr_documents", "info", "rows"})


def audience_of(groups) -> frozenset[str] | None:
    """The audience of these groups; None when it sees everything."""
    groups = frozenset(groups or ())
    return None if EVERYTHING in groups else groups


def visible_mask(t, audience: frozenset[str]) -> np.ndarray:
    """Per passage row of ``t``: whether its report's visibility is in ``audience`` (an
    index without the column: every report is public)."""
    column = getattr(t, "visibility", None)
    if column is None:
        return np.full(len(t.live), PUBLIC in audience, dtype=bool)
    names = list(getattr(t, "visibility_names", []))
    codes = [i for i, name in enumerate(names) if name in audience]
    visible = np.isin(column, codes)
    if PUBLIC in audience:
        visible |= np.asarray(column) < 0  # no value stored: the field's empty value, public
    return visible


def document_visible(doc: dict, audience: frozenset[str]) -> bool:
    return (doc.get("visibility") or PUBLIC) in audience


def freeze(filters: dict | None) -> tuple:
    """Fixed filters as a key: ``(("town", ("大隗镇",)), …)``."""
    return tuple(sorted((k, tuple(v)) for k, v in (filters or {}).items() if v))


def scoped(t, audience: frozenset[str] | None, fixed: tuple = (), mask_of=None, cache: dict | None = None):
    """``t`` as ``audience`` sees it, within the ``fixed`` filters (an embed token's:
    ``mask_of(t)`` gives their rows); the same table when it sees everything. Kept in
    ``cache`` (the searcher's, for its live table) once made per audience and filters."""
    if audience is None and not fixed:
        return t
    key = (audience, fixed)
    view = cache.get(key) if cache is not None else None
    if view is None:
        with _LOCK:
            view = cache.get(key) if cache is not None else None
            if view is None:
                view = ScopedTable(t, audience, mask_of(t) if fixed and mask_of else None)
                if cache is not None:
                    cache[key] = view
    return view


class ScopedTable:
    """A :class:`~search.table.PassageTable` narrowed to what one audience may see (and,
    for an embed token, to its fixed filters); every other attribute is the table's own."""

    def __init__(self, base, audience: frozenset[str] | None, within: np.ndarray | None = None):
        self.base = base
        self.audience = audience
        visible = np.ones(len(base.live), dtype=bool) if audience is None else visible_mask(base, audience)
        if within is not None:
            visible &= within
        self.visible = visible
        self.within = within is not None
        self.live = np.asarray(base.live, dtype=bool) & visible
        self.count = int(np.count_nonzero(self.live))
        # the table's own columns and hot accessors, read directly (not through __getattr__
        # on every access); what this class narrows (documents, info …) is never copied
        for name, value in vars(base).items():
            if not hasattr(type(self), name) and name not in _OWN:
                self.__dict__[name] = value
        self.text, self.norm, self.row = base.text, base.norm, base.row

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.base, name)

    @cached_property
    def documents(self) -> dict[str, dict]:
        out = {k: d for k, d in self.base.documents.items()
               if self.audience is None or document_visible(d, self.audience)}
        if self.within:  # an embed's filters: the reports with a passage inside them
            out = {k: d for k, d in out.items() if "rows" not in d or self.live[d["rows"][0]:d["rows"][1]].any()}
        return out

    @cached_property
    def by_doc(self):
        from search.table import _RowsByDoc

        return _RowsByDoc(self.documents, self.live)

    @cached_property
    def live_rows(self) -> np.ndarray:
        return np.flatnonzero(self.live).astype(np.int64)

    @property
    def rows(self):
        from search.table import _Rows

        return _Rows(self)

    @cached_property
    def ocr_documents(self) -> dict[str, float]:
        return {k: v for k, v in self.base.ocr_documents.items() if k in self.documents}

    @cached_property
    def info(self) -> dict:
        """The build's record, with the figures of the whole index replaced by this
        audience's; a skipped file counts when the folder rules would let it see the file
        (a sidecar's value is not known for a file that could not be read)."""
        docs = self.documents.values()
        info = self.base.info
        rules = Rules.from_mapping(info["visibility"]) if isinstance(info.get("visibility"), dict) else Rules()
        skipped = [s for s in info.get("skipped") or []
                   if self.audience is None or rules.of(str((s or {}).get("file", ""))) in self.audience]
        return {**info, "documents": len(self.documents), "passages": self.count,
                "characters": sum(int(d.get("characters") or 0) for d in docs), "skipped": skipped}
