"""govsearch, indexing side: corpus files → reports → passages → Whoosh index.

Public API::

    from index import build, update, BuildReport
    report = build("corpus", "var/index")
"""

from index.errors import GovsearchError
from index.generation.build import BuildReport, build, update

__all__ = ["BuildReport", "GovsearchError", "build", "update"]
