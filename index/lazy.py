"""A package's public names loaded from their modules on first use (PEP 562), so that
importing the package, or a light module of it, does not load its heavy machinery."""

from __future__ import annotations

import importlib
from collections.abc import Callable


def lazy_names(package: str, where: dict[str, str], namespace: dict) -> Callable[[str], object]:
    """The package's ``__getattr__``: ``name`` taken from the module ``where[name]``
    names, then kept in ``namespace`` (the package's globals) for later lookups."""

    def __getattr__(name: str):
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    return __getattr__
