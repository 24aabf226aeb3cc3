"""govsearch, indexing side: corpus files → reports → passages → Whoosh index.

Public API::

    from index import build, update, BuildReport
    report = build("corpus", "var/index")
"""

from .build import BuildReport, build, update
from .errors import GovsearchError

__all__ = ["BuildReport", "GovsearchError", "build", "update"]
