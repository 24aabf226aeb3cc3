"""HTML pages: the search page, a report, the embeddable results page, the CSV export.

All of them are plain GET pages that work without JavaScript; their whole state is
in the URL (see :mod:`web.state`).
"""

from __future__ import annotations

import csv
import io
from collections import OrderedDict
from dataclasses import dataclass, field

from flask import Blueprint, Flask, Response, current_app, g, redirect, render_template, request, url_for

from index import fields as field_model
from index.errors import BadParameter, EmptyQuery, GovsearchError, IndexMissing, QueryError
from index.reading.places import level_label
from search.compare import empty_comparison
from search.facets import multi_select_facets
from search.places_label import place_label, places_above
from search.results import Hit, Results, empty_results
from web import access, compare_view, export, home
from web.document import KIND_LABELS, build_view, check_doc_id
from web.errors import status_of
from web.ops import note_hits, visitor_key
from web.state import SORT_LABELS, SearchState, facet_labels, facets, page_window
from web.toc import list_is_self_numbered, toc_tree

bp = Blueprint("views", __name__)


def _web():
    return current_app.extensions["govsearch"]


@dataclass
class ReportGroup:
    """The hits of one report on the current page."""
    doc_id: str
    title: str
    town: str | None
    county: str | None
    year: int | None
    hits: list[Hit] = field(default_factory=list)
    place: str = ""  # the finest place with its level (大隗镇, 河南省, 全国): search/places_label.py
    above: str = ""  # the places above it, for telling places of one name apart (新密市 · 郑州市)


def group_hits(hits: list[Hit]) -> list[ReportGroup]:
    """Hits grouped by report, reports in the order of their best hit."""
    groups: OrderedDict[str, ReportGroup] = OrderedDict()
    for h in hits:
        group = groups.get(h.doc_id)
        if group is None:
            group = groups[h.doc_id] = ReportGroup(h.doc_id, h.title, h.town, h.county, h.year,
                                                   place=place_label(h), above=places_above(h))
        group.hits.append(h)
    return list(groups.values())


def run_search(state: SearchState, page_size: int | None = None, embed: bool = False,
               related: bool = False) -> Results:
    """The pages list passages by report, identical passages once (group=report); the
    CSV export (``page_size`` given) lists every passage (group=none) unless the URL says."""
    web = _web()
    kwargs = state.engine_kwargs(web.config.page_size, web.config.max_page_size, fixed_default_all=embed,
                                 default_group="report" if page_size is None else "none")
    if page_size is not None:
        kwargs.update(page=1, page_size=page_size, max_page_size=page_size)
    results = access.searcher().search(state.q, pinyin=True, related=related, **kwargs)
    if results.page == 1 and page_size is None and access.caller().anonymous:
        web.query_log.record(state.q, results.total, visitor_key())
    note_hits(results.total)
    return results


def _require_index() -> None:
    """Every page answers 503 with the same notice while there is no index (the search
    box alone would only lead to that notice)."""
    access.searcher().stats()


def _results_page(template: str, endpoint: str, embed: bool = False):
    """A results page; a query the engine refuses is explained on the page itself
    (status 400), one that names nothing (``q=*``) is an empty result with its warnings
    (200, as the API), a missing index goes to the error handler (503)."""
    state = SearchState.from_args(request.args)
    results = groups = error = multi = None
    if state.is_empty:
        _require_index()
    else:
        try:
            results = run_search(state, embed=embed, related=endpoint == "views.search")
            if not embed and state.active:
                multi = multi_select_facets(access.searcher(), state.q, **_facet_args(state))
        except EmptyQuery as exc:
            # as /api/search: a query naming nothing once parsed (q=*, town=,) is an empty
            # answer with warnings saying why, not an error
            results = empty_results(1, _web().config.page_size, state.sort, exc.all_warnings)
            groups = []
        except (QueryError, BadParameter) as exc:
            error = exc
        else:
            groups = group_hits(results.hits)
    fixed = state.fixed_facets(default_all=embed)
    body = render_template(template, state=state, results=results, groups=groups, endpoint=endpoint, error=error,
                           pages=page_window(results.page, results.pages) if results else [], multi=multi or {},
                           fixed=fixed)
    return body, status_of(error) if error else 200


def _facet_args(state: SearchState, embed: bool = False) -> dict:
    return state.filter_kwargs(embed)


@bp.get("/")
def search():
    return _results_page("search.html", "views.search")


@bp.get("/embed")
def embed():
    return _results_page("embed.html", "views.embed", embed=True)


@bp.get("/export.csv")
def export_csv():
    state = SearchState.from_args(request.args)
    cap = _web().config.csv_max_rows
    results = run_search(state, page_size=cap, embed=request.args.get("embed") == "1")
    body = export.to_csv(results.hits, lambda hit: url_for("views.document", doc_id=hit.doc_id, q=state.q or None,
                                                           _anchor=hit.passage_id, _external=True))
    if results.total > len(results.hits):
        body += truncation_row(len(results.hits), results.total)
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = export.content_disposition()
    response.headers["X-Total-Count"] = str(results.total)
    response.headers["X-Govsearch-Truncated"] = "true" if results.total > len(results.hits) else "false"
    return response


TRUNCATED_MARK = "（已截断）"


def truncation_row(rows: int, total: int) -> str:
    """The last CSV row of a capped export: says how many passages it leaves out."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(
        [TRUNCATED_MARK, f"本文件只含前 {rows} 段，共 {total} 段匹配；请加筛选条件分批导出 "
                         f"(truncated: {rows} of {total} passages, csv_max_rows)"] + [""] * (len(export.COLUMNS) - 2))
    return out.getvalue()


@bp.get("/compare")
def compare_page():
    return _compare_page("compare.html", "views.compare_page")


def _compare_page(template: str, endpoint: str, embed: bool = False):
    state = SearchState.from_args(request.args)
    view = error = None
    if state.is_empty:
        _require_index()
    else:
        try:
            try:
                comparison = compare_view.run_compare(access.searcher(), state, embed)
            except EmptyQuery as exc:  # as /api/compare: an empty answer that says why
                comparison = empty_comparison(access.searcher(), list(state.by) or None, exc.all_warnings)
            view = compare_view.build_view(comparison, state, documents=access.searcher().documents())
        except (QueryError, BadParameter) as exc:
            error = exc
    body = render_template(template, state=state, view=view, error=error, endpoint=endpoint, embed=embed,
                           fixed=state.fixed_facets(default_all=embed), FIELD_LABELS=compare_view.field_labels(),
                           line_label=compare_view.line_label)
    return body, status_of(error) if error else 200


@bp.get("/embed/compare")
def embed_compare():
    """The comparison view for an <iframe>: no site chrome; filters in the src fixed."""
    return _compare_page("compare.html", "views.embed_compare", embed=True)


@bp.get("/compare.csv")
def compare_csv():
    state = SearchState.from_args(request.args)
    comparison = compare_view.run_compare(access.searcher(), state, fixed_default_all=request.args.get("embed") == "1")
    response = Response(compare_view.to_csv(comparison), mimetype="text/csv")
    response.headers["Content-Disposition"] = export.content_disposition(export.COMPARE_FILENAME,
                                                                         export.COMPARE_FILENAME_ZH)
    return response


@bp.get("/favicon.ico")
def favicon():
    return redirect(url_for("static", filename="favicon.svg"), 301)


@bp.get("/docs/<doc_id>")
def document(doc_id: str):
    state = SearchState.from_args(request.args)
    web = _web()
    doc = access.searcher().document(check_doc_id(doc_id), query=state.q or None)
    view = build_view(doc, max_passages=web.config.document_max_passages)
    return render_template("document.html", state=state, view=view, doc=doc)


# --------------------------------------------------------------------------- template helpers


def state_url(state: SearchState, endpoint: str | None = None, **extra) -> str:
    return url_for(endpoint or request.endpoint or "views.search", **state.params(), **extra)


def doc_url(doc_id: str, state: SearchState | None = None, anchor: str | None = None) -> str:
    params = state.params() if state else {}
    return url_for("views.document", doc_id=doc_id, **params, _anchor=anchor)


@dataclass
class FacetEntry:
    value: str
    count: int  # passages of this value in the result (for a value not chosen in an active facet: what it adds)
    active: bool
    adds: bool = False  # count is what choosing this value too would add
    included: bool = False  # not chosen, but its passages are all in the result already (e.g. by the year range)
    label: str = ""  # the value as people read it (乡镇/街道 for the level township); the value itself by default

    def __post_init__(self):
        self.label = self.label or self.value


def facet_entries(results: Results, state: SearchState, facet: str, multi: dict | None = None) -> list[FacetEntry]:
    """The values of one facet. When the facet has a filter, every value keeps its
    count with that filter removed (multi-select: choosing another adds it); a value
    not chosen shows how many passages it would add. An active value with no passages
    is kept, so it can still be removed."""
    info = (multi or {}).get(facet)
    if info is None:
        counts = dict(results.facets.get(facet, {}))
        entries = {v: FacetEntry(v, n, False) for v, n in counts.items()}
    else:
        counts = info["counts"]
        if facet == "topic":  # every topic of the lexicon, as the plain counts list them
            counts = {v: counts.get(v, 0) for v in results.facets.get("topic", {})} | counts
        if facet == "year":
            counts = dict(sorted(counts.items(), key=lambda kv: kv[0], reverse=True))
        entries = {}
        for v, n in counts.items():
            chosen = state.is_active(facet, v)
            added = info["added"].get(v, 0)
            if chosen or (n and not added):
                entries[v] = FacetEntry(v, n, chosen, included=not chosen)
            else:
                entries[v] = FacetEntry(v, added, False, adds=True)
    for value in getattr(state, facet):
        if value not in entries:
            entries[value] = FacetEntry(value, 0, True)
        entries[value].active = True
        entries[value].adds = False
    if facet == "level":
        for entry in entries.values():
            entry.label = shown_level(entry.value)
    return list(entries.values())


def shown_level(value: str) -> str:
    """A level as people read it, whether stored (township → 乡镇/街道) or written as a
    user writes it (乡镇, 县级: shown as written)."""
    return level_label(value) or value


def filter_label(state: SearchState, facet: str, value: str) -> str:
    """A filter value as the chips show it; the from–to year range in words."""
    if facet == "year" and value == state.year_range and value not in state.year:
        if state.year_from and state.year_to:
            return f"{state.year_from}–{state.year_to} 年"
        return f"{state.year_from} 年起" if state.year_from else f"至 {state.year_to} 年"
    if facet == "level":
        return shown_level(value)
    return value


def index_summary() -> dict | None:
    try:
        return access.searcher().stats()
    except IndexMissing:
        return None


def home_texts() -> home.Home:
    """Subtitle, counts and example queries of the index (or of the settings)."""
    if "govsearch_home" in g:  # the header, the search box and the welcome text ask once per page
        return g.govsearch_home
    web = _web()
    try:
        texts = home.home_of(access.searcher(), access.searcher().stats(), web.config)
    except GovsearchError:  # no index, or one that cannot be read: the settings' texts only
        texts = home.home_of(access.searcher(), None, web.config)
    g.govsearch_home = texts
    return texts


def init_app(app: Flask) -> None:
    @app.context_processor
    def helpers():
        return dict(hot_queries=_web().query_log.hot, site_title=_web().config.site_title, csv_max_rows=_web().config.csv_max_rows, state_url=state_url, doc_url=doc_url,
                    FACETS=facets(), FACET_LABELS=facet_labels(), SORT_LABELS=SORT_LABELS,
                    KIND_LABELS=KIND_LABELS, index_summary=index_summary, home_texts=home_texts,
                    facet_entries=facet_entries, filter_label=filter_label, toc_tree=toc_tree,
                    toc_self_numbered=list_is_self_numbered,
                    UNKNOWN_LABELS=field_model.MODEL.unknown_labels)
