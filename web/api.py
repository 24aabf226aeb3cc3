"""The JSON API. ``/api/search`` returns ``Results.to_dict()`` as is: that dict is the
contract shared with ``govsearch search --json``; nothing here renames or drops a field.
Errors become ``{"error": {"code", "message"}}`` in :mod:`web.errors`."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from index.errors import GovsearchError, QueryError
from search.results import Results

from .document import check_doc_id
from .openapi import openapi_document
from .ops import note_hits
from .state import SearchState

bp = Blueprint("api", __name__)


def _web():
    return current_app.extensions["govsearch"]


SEARCH_PARAMETERS = {"q", "town", "county", "topic", "year", "page", "page_size", "sort"}


@bp.get("/api/search")
def search():
    web = _web()
    state = SearchState.from_args(request.args)
    kwargs = state.engine_kwargs(web.config.page_size, web.config.max_page_size)
    try:
        results = web.searcher.search(state.q, **kwargs)
    except QueryError as exc:
        if not state.is_empty:
            raise
        # nothing to search for (say only `sort`): every parameter is optional in the
        # OpenAPI document, so this is an empty answer that says why, not an error
        results = Results(query="", total=0, total_docs=0, page=int(state.page) if state.page.isdigit() else 1,
                          page_size=int(kwargs["page_size"]), facets={k: {} for k in ("topic", "town", "county", "year")},
                          hits=[], sort=state.sort, warnings=[exc.message])
    unknown = sorted(set(request.args) - SEARCH_PARAMETERS)
    if unknown:
        results.warnings.append(f"忽略了未知参数 {', '.join(unknown)} (unknown parameters ignored: {', '.join(unknown)}; "
                                f"known: {', '.join(sorted(SEARCH_PARAMETERS))})")
    note_hits(results.total)
    return jsonify(results.to_dict())


@bp.get("/api/docs/<doc_id>")
def document(doc_id: str):
    query = request.args.get("q", "").strip() or None
    return jsonify(_web().searcher.document(check_doc_id(doc_id), query=query))


@bp.get("/api/stats")
def stats():
    return jsonify(_web().searcher.stats())


@bp.get("/api/openapi.json")
def openapi():
    return jsonify(openapi_document(request.script_root, _web().config))


@bp.get("/healthz")
def healthz():
    """200 when the index can be read and searched, 503 with the reason when not."""
    try:
        stats = _web().searcher.stats()
    except GovsearchError as exc:
        response = jsonify({"status": "unavailable", "error": {"code": exc.code, "message": exc.message}})
        response.status_code = exc.status if exc.status >= 500 else 503
        return response
    return jsonify({"status": "ok", "documents": stats["documents"], "passages": stats["passages"],
                    "generation": stats["generation"], "built_at": stats["built_at"]})
