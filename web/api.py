"""The JSON API. ``/api/search`` returns ``Results.to_dict()`` as is: that dict is the
contract shared with ``govsearch search --json``; nothing here renames or drops a field.
Errors become ``{"error": {"code", "message"}}`` in :mod:`web.errors`."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from index.errors import GovsearchError

from .compare_view import run_compare
from .document import check_doc_id
from .openapi import openapi_document
from .state import SearchState

bp = Blueprint("api", __name__)


def _web():
    return current_app.extensions["govsearch"]


@bp.get("/api/search")
def search():
    web = _web()
    state = SearchState.from_args(request.args)
    results = web.searcher.search(state.q, **state.engine_kwargs(web.config.page_size, web.config.max_page_size))
    return jsonify(results.to_dict())


@bp.get("/api/compare")
def compare():
    """The cross-tab of the whole result set (see search/compare.py)."""
    state = SearchState.from_args(request.args)
    return jsonify(run_compare(_web().searcher, state).to_dict())


@bp.get("/api/docs/<doc_id>")
def document(doc_id: str):
    return jsonify(_web().searcher.document(check_doc_id(doc_id)))


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
