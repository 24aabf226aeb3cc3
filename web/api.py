"""The JSON API. ``/api/search`` returns ``Results.to_dict()`` as is: that dict is the
contract shared with ``govsearch search --json``; nothing here renames or drops a field.
Errors become ``{"error": {"code", "message"}}`` in :mod:`web.errors`."""

from __future__ import annotations

import re
from pathlib import PurePath

from flask import Blueprint, current_app, jsonify, request

from index import fields as field_model
from index.errors import BadParameter, EmptyQuery, GovsearchError, QueryError
from search.results import empty_results
from web import access
from web.compare_view import run_compare
from web.document import check_doc_id
from web.errors import explain, status_of
from web.openapi import openapi_document
from web.ops import note_hits, visitor_key
from web.state import SearchState

bp = Blueprint("api", __name__)


def _web():
    return current_app.extensions["govsearch"]


# besides one parameter per filter of the field model (town, county, … and any field added to it)
OTHER_PARAMETERS = {"q", "page", "page_size", "sort", "synonyms", "related", "group", "fixed", "year_from", "year_to"}


def search_parameters() -> set[str]:
    """Every parameter /api/search reads."""
    return OTHER_PARAMETERS | set(field_model.current().api_filters)


SEARCH_PARAMETERS = search_parameters()  # those of the shipped field model


# per app configuration: (the configuration, {path: [(name, enum, maxLength)]} of the
# string parameters of each GET path), so a request does not build the OpenAPI document
_CHOICES: dict[int, tuple[object, dict[str, list[tuple[str, list | None, int | None]]]]] = {}


def _choices(param: dict) -> tuple[str, list | None, int | None]:
    """(name, allowed values, longest) of a string parameter, or of an array parameter
    whose items have a fixed set of values (each of its values, an empty one included,
    must be one of them)."""
    schema = param["schema"]
    if schema.get("type") == "array":
        return param["name"], schema["items"]["enum"], None
    return param["name"], schema.get("enum"), schema.get("maxLength")


def _string_parameters(path: str) -> list[tuple[str, list | None, int | None]]:
    config = _web().config
    cached = _CHOICES.get(id(config))
    if cached is None or cached[0] is not config:
        table = {}
        for where, operations in openapi_document("", config)["paths"].items():
            if "get" in operations:
                table[where] = [_choices(param) for param in operations["get"].get("parameters", [])
                                if param["schema"].get("type") == "string"
                                or (param["schema"].get("type") == "array" and "enum" in param["schema"].get("items", {}))]
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
                raise error(f"参数 {name} 过长：{len(value)} 个字符，最多 {longest} 个 "
                            f"({name} is too long: {len(value)} characters, at most {longest})")
            if choices is not None and value not in choices:
                raise BadParameter(f"参数 {name} 应为 {'、'.join(choices)} 之一，收到 {value!r} "
                                   f"({name} must be one of {', '.join(choices)}, not {value!r})")


def check_levels() -> None:
    """``level`` values of the comparison name a level (township … national) or one of
    its Chinese names (乡镇, 街道, 县级, 省级, 全国 …, the field model's), selected as the
    search selects them (a value without search's unknown-value warning): 400
    ``bad_parameter`` otherwise, as for ``by``; empty pieces name nothing, as for every filter."""
    from search.query import listed_values, unknown_value_warning

    level = field_model.current().by_filter["level"]
    for value in request.args.getlist("level"):
        for piece in re.split(r"[,，]", value):
            piece = piece.strip()
            if piece and unknown_value_warning(level, piece):
                zh, levels = listed_values(level)
                raise BadParameter(f"级别应为 {zh} 之一，收到 {piece!r} "
                                   f"(level must be one of {levels} or their Chinese names, not {piece!r})")


@bp.get("/api/search")
def search():
    check_choices("/api/search")
    web = _web()
    state = SearchState.from_args(request.args)
    related = request.args.get("related", "").strip().lower() in ("1", "true", "on", "yes")
    kwargs = state.engine_kwargs(web.config.page_size, web.config.max_page_size)
    try:
        results = access.searcher().search(state.q, pinyin=True, related=related, **kwargs)
    except EmptyQuery as exc:
        # nothing to search for (only `sort`, `town=,`, or a q with nothing searchable such
        # as q=*): every parameter is optional in the OpenAPI document, so this is an empty
        # answer that says why, not an error
        results = empty_results(int(state.page) if state.page.isdigit() else 1, int(kwargs["page_size"]),
                                state.sort, exc.all_warnings)
    else:
        if results.page == 1 and access.caller().anonymous:  # hot queries: what anonymous visitors found
            web.query_log.record(state.q, results.total, visitor_key())
    known = search_parameters()
    unknown = sorted(set(request.args) - known)
    if unknown:
        results.warnings.append(f"忽略了未知参数 {', '.join(unknown)} (unknown parameters ignored: {', '.join(unknown)}; "
                                f"known: {', '.join(sorted(known))})")
    note_hits(results.total)
    response = jsonify(results.to_dict())
    if results.generation:  # which generation answered: replicas switching one by one are told apart by it
        response.headers["X-Govsearch-Generation"] = results.generation
    return response


@bp.get("/api/suggest")
def suggest():
    """Completions of ``q`` while typing, and the hot queries."""
    from search.suggest import MAX_LIMIT, complete

    web = _web()
    q = request.args.get("q", "")
    raw_limit = request.args.get("limit", "8").strip()
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= MAX_LIMIT:
        raise BadParameter(f"条数应为 1 到 {MAX_LIMIT} 之间的整数，收到 {raw_limit!r} "
                           f"(limit must be a whole number between 1 and {MAX_LIMIT}, not {raw_limit!r})")
    if len(q) > 100:
        raise BadParameter(f"输入过长，无法提示：{len(q)} 个字符，最多 100 个 "
                           f"(q is too long for a suggestion: {len(q)} characters, at most 100)")
    items = complete(access.searcher(), q, int(raw_limit)) if q.strip() else []
    response = jsonify({"query": q, "suggestions": items, "hot": web.query_log.hot()})
    response.headers["Cache-Control"] = "private, max-age=30"
    return response


@bp.get("/api/compare")
def compare():
    """The cross-tab of the whole result set (see search/compare.py)."""
    from search.compare import empty_comparison

    check_choices("/api/compare")
    check_levels()
    by = request.args.getlist("by")
    if len(set(by)) < len(by):
        raise BadParameter(f"对比项重复（{'、'.join(by)}）：请选两个不同的对比项 "
                           f"(by names a field twice ({', '.join(by)}): give two different fields)")
    state = SearchState.from_args(request.args)
    try:
        comparison = run_compare(access.searcher(), state)
    except EmptyQuery as exc:
        # nothing to compare (say only `synonyms=0`): every parameter is optional in the
        # OpenAPI document, so this is an empty answer that says why, as /api/search does
        comparison = empty_comparison(access.searcher(), list(state.by) or None, exc.all_warnings)
    return jsonify(comparison.to_dict())


@bp.get("/api/docs/<doc_id>")
def document(doc_id: str):
    query = request.args.get("q", "").strip() or None
    return jsonify(access.searcher().document(check_doc_id(doc_id), query=query))


@bp.get("/api/fields")
def fields():
    """The filters of the field model with their labels: what the widget names a fixed
    filter with (乡镇 大隗镇), from the model rather than a table of its own."""
    model = field_model.current()
    return jsonify({"filters": [
        {"name": f.filter, "label": f.label or f.filter, "unknown": f.unknown or None, "aliases": list(f.aliases),
         "facet": f.facet, "parameter": f.api, "description": f.description,
         **({"values": [{"value": v, "label": f.shown(v), "names": list(names)} for v, names in f.value_names().items()]}
            if f.value_aliases else {})}
        for f in sorted(model.filters, key=lambda f: (not f.facet, f.order))]})


@bp.get("/api/stats")
def stats():
    """The index's figures for anyone who can search: no folder of the server (index and
    corpus are named, not located) and no skipped file's name, only how many were
    skipped and why (`govsearch index stats` shows them to the operator)."""
    return jsonify(public_stats(access.searcher().stats()))


def public_stats(stats: dict) -> dict:
    """``Searcher.stats()`` with its names for every figure, less what names the server's
    files: the skipped files' list (``skipped_count`` and ``skipped_reasons`` stay) and the
    folders' paths (``index`` and ``corpus`` keep their last part)."""
    out = {k: v for k, v in stats.items() if k != "skipped"}
    for key in ("index", "corpus"):
        if out.get(key):
            out[key] = PurePath(str(out[key]).replace("\\", "/")).name
    return out


@bp.get("/api/openapi.json")
def openapi():
    from search.compare import dimension_fields

    web = _web()
    try:
        dimensions = dimension_fields(access.searcher().current_table())
    except GovsearchError:  # no index yet: the document lists every field
        dimensions = None
    return jsonify(openapi_document(request.script_root, web.config, dimensions))


@bp.get("/healthz")
def healthz():
    """200 when a search would succeed, 503 with the reason when not (search/health.py)."""
    try:
        stats = _web().health.check()
    except GovsearchError as exc:
        explain(exc)
        error = {"code": exc.code, "message": exc.message, **({"hint": exc.hint} if exc.hint else {})}
        response = jsonify({"status": "unavailable", "error": error})
        status = status_of(exc)
        response.status_code = status if status >= 500 else 503
        return response
    seen = access.searcher().stats()  # the caller's reports only
    return jsonify({"status": "ok", "documents": seen["documents"], "passages": seen["passages"],
                    "generation": stats["generation"], "built_at": stats["built_at"]})
