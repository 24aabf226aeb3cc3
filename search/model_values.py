"""The base of :class:`search.table.Row` and :class:`search.results.Hit`: a record whose
fields of the model (index/fields.py) without an attribute of their own are kept in
``values`` and read as attributes all the same (``row.district``, ``hit.district``)."""

from __future__ import annotations


class ModelValues:
    """Attribute access to ``self.values`` for the fields the class does not declare."""

    __slots__ = ()

    def __getattr__(self, name: str):
        if name.startswith("__") or name == "values":
            raise AttributeError(name)
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(f"{type(self).__name__} has no field {name!r}") from None
