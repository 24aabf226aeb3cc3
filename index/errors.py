"""One family of errors, each with a status for the web layer and a next step for people."""

from __future__ import annotations


class GovsearchError(Exception):
    status = 500
    code = "internal"
    hint = ""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        if hint is not None:
            self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class IndexMissing(GovsearchError):
    status = 503
    code = "no_index"
    hint = "run `govsearch index build` first"


class IndexDamaged(IndexMissing):
    """A generation with a missing, truncated or unreadable file."""
    hint = "run `govsearch index build` to rebuild it"


class CorpusMismatch(GovsearchError):
    """An index would be rebuilt or updated from another corpus folder than its own."""
    status = 409
    code = "corpus_mismatch"


class IndexUnwritable(GovsearchError):
    status = 500
    code = "index_unwritable"


class BuildLocked(GovsearchError):
    status = 409
    code = "build_running"
    hint = "wait for it to finish"


class NothingIndexed(GovsearchError):
    status = 500
    code = "nothing_indexed"


class QueryError(GovsearchError):
    status = 400
    code = "bad_query"


class BadParameter(GovsearchError):
    status = 400
    code = "bad_parameter"


class DocumentNotFound(GovsearchError):
    status = 404
    code = "not_found"
