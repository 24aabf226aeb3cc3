"""The JSON API. ``/api/search`` returns ``Results.to_dict()`` as is: that dict is the
contract shared with ``govsearch search --json``; nothing here renames or drops a field.
Errors become ``{"error": {"code", "message"}}`` in :mod:`web.errors`."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from index.errors import BadParameter, EmptyQuery, GovsearchError, QueryError
from index.fields import FACETS as FIELD_FACETS
from search.results import Results

from .compare_view import run_compare
from .document import check_doc_id
from .errors import explain, status_of
from .openapi import openapi_document
from .ops import note_hits
from .state import SearchState

bp = Blueprint("api", __name__)


def _web():
    return current_app.extensions["govsearch"]


SEARCH_PARAMETERS = {"q", "town", "county", "city", "province", "level", "topic", "year", "page", "page_size", "sort",
                     "synonyms", "related", "group", "fixed", "year_from", "year_to"}


# per app configuration: (the configuration, {path: [(name, enum, maxLength)]} of the
# string parameters of each GET path), so a request does not build the OpenAPI document
_CHOICES: dict[int, tuple[object, dict[str, list[tuple[str, list | None, int | None]]]]] = {}


def _string_parameters(path: str) -> list[tuple[str, list | None, int | None]]:
    config = _web().config
    cached = _CHOICES.get(id(config))
    if cached is None or cached[0] is not config:
        table = {}
        for where, operations in openapi_document("", config)["paths"].items():
            if "get" in operations:
                table[where] = [(param["name"], param["schema"].get("enum"), param["schema"].get("maxLength"))
                                for param in operations["get"].get("parameters", []) if param["schema"].get("type") == "string"]
        cached = _CHOICES[id(config)] = (config, table)
    return cached[1][path]


def check_choices(path: str) -> None:
    """Parameters with a fixed set of values in the OpenAPI document (synonyms, related,
    group, sort) take one of them as written, nothing else, and ``maxLength`` holds:
    400 ``bad_parameter``."""
    for name, choices, longest in _string_parameters(path):
        for value in request.args.getlist(name):
            if longest is not None and len(value) > longest:
                # an over-long query stays bad_query, as the engine has always said it
                error = QueryError if name == "q" else BadParameter
                raise error(f"{name} is too long: {len(value)} characters, at most {longest}")
            if choices is not None and value not in choices:
                raise BadParameter(f"{name} must be one of {', '.join(choices)}, not {value!r}")


@bp.get("/api/search")
def search():
    check_choices("/api/search")
    web = _web()
    state = SearchState.from_args(request.args)
    related = request.args.get("related", "").strip().lower() in ("1", "true", "on", "yes")
    kwargs = state.engine_kwargs(web.config.page_size, web.config.max_page_size)
    try:
        results = web.searcher.search(state.q, pinyin=True, related=related, **kwargs)
    except EmptyQuery as exc:
        # nothing to search for (only `sort`, `town=,`, or a q with nothing searchable such
        # as q=*): every parameter is optional in the OpenAPI document, so this is an empty
        # answer that says why, not an error
        results = Results(query="", total=0, total_docs=0, page=int(state.page) if state.page.isdigit() else 1,
                          page_size=int(kwargs["page_size"]), facets={k: {} for k in FIELD_FACETS},
                          hits=[], sort=state.sort, warnings=[exc.message])
    else:
        if results.page == 1:
            web.query_log.record(state.q, results.total)
    unknown = sorted(set(request.args) - SEARCH_PARAMETERS)
    if unknown:
        results.warnings.append(f"忽略了未知参数 {', '.join(unknown)} (unknown parameters ignored: {', '.join(unknown)}; "
                                f"known: {', '.join(sorted(SEARCH_PARAMETERS))})")
    note_hits(results.total)
    return jsonify(results.to_dict())


@bp.get("/api/suggest")
def suggest():
    """Completions of ``q`` while typing, and the hot queries."""
    from search.suggest import MAX_LIMIT, complete

    web = _web()
    q = request.args.get("q", "")
    raw_limit = request.args.get("limit", "8").strip()
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= MAX_LIMIT:
        raise BadParameter(f"limit must be a whole number between 1 and {MAX_LIMIT}, not {raw_limit!r}")
    if len(q) > 100:
        raise BadParameter(f"q is too long for a suggestion: {len(q)} characters, at most 100")
    items = complete(web.searcher, q, int(raw_limit)) if q.strip() else []
    response = jsonify({"query": q, "suggestions": items, "hot": web.query_log.hot()})
    response.headers["Cache-Control"] = "private, max-age=30"
    return response


@bp.get("/api/compare")
def compare():
    """The cross-tab of the whole result set (see search/compare.py)."""
    from search.compare import empty_comparison

    check_choices("/api/compare")
    by = request.args.getlist("by")
    if len(set(by)) < len(by):
        raise BadParameter(f"by names a field twice ({', '.join(by)}): give two different fields")
    state = SearchState.from_args(request.args)
    try:
        comparison = run_compare(_web().searcher, state)
    except EmptyQuery as exc:
        # nothing to compare (say only `synonyms=0`): every parameter is optional in the
        # OpenAPI document, so this is an empty answer that says why, as /api/search does
        comparison = empty_comparison(_web().searcher, list(state.by) or None, exc.message)
    return jsonify(comparison.to_dict())


@bp.get("/api/docs/<doc_id>")
def document(doc_id: str):
    query = request.args.get("q", "").strip() or None
    return jsonify(_web().searcher.document(check_doc_id(doc_id), query=query))


@bp.get("/api/stats")
def stats():
    return jsonify(_web().searcher.stats())


@bp.get("/api/openapi.json")
def openapi():
    from search.compare import dimension_fields

    web = _web()
    try:
        dimensions = dimension_fields(web.searcher.current_table())
    except GovsearchError:  # no index yet: the document lists every field
        dimensions = None
    return jsonify(openapi_document(request.script_root, web.config, dimensions))


@bp.get("/healthz")
def healthz():
    """200 when the index can be read and searched, 503 with the reason when not."""
    try:
        searcher = _web().searcher
        stats = searcher.stats()
        problem = searcher.problem()  # the live generation is damaged; an older one still answers
        if problem is not None:
            raise problem
    except GovsearchError as exc:
        explain(exc)
        error = {"code": exc.code, "message": exc.message, **({"hint": exc.hint} if exc.hint else {})}
        response = jsonify({"status": "unavailable", "error": error})
        status = status_of(exc)
        response.status_code = status if status >= 500 else 503
        return response
    return jsonify({"status": "ok", "documents": stats["documents"], "passages": stats["passages"],
                    "generation": stats["generation"], "built_at": stats["built_at"]})
