"""govsearch, indexing side: corpus files → reports → passages → Whoosh index.

Public API::

    from index import build, update, BuildReport
    report = build("corpus", "var/index")

The names are imported on first use (PEP 562): a command that needs none of the
build machinery (``govsearch --version``, a search) does not load Whoosh's writer,
numpy and the structure parser by importing a module of this package.
"""

from index.errors import GovsearchError
from index.lazy import lazy_names

__all__ = ["BuildReport", "GovsearchError", "build", "update"]

_LAZY = {"BuildReport": "index.generation.build", "build": "index.generation.build",
         "update": "index.generation.build"}

__getattr__ = lazy_names("index", _LAZY, globals())
