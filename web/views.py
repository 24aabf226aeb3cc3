"""HTML pages: the search page, a report, the embeddable results page, the CSV export.

All of them are plain GET pages that work without JavaScript; their whole state is
in the URL (see :mod:`web.state`).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from flask import Blueprint, Flask, Response, current_app, redirect, render_template, request, url_for

from index.errors import BadParameter, IndexMissing, QueryError
from search.results import Hit, Results

from . import export
from .document import KIND_LABELS, build_view, check_doc_id
from .ops import note_hits
from .state import FACET_LABELS, FACETS, SORT_LABELS, SearchState, page_window

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


def group_hits(hits: list[Hit]) -> list[ReportGroup]:
    """Hits grouped by report, reports in the order of their best hit."""
    groups: OrderedDict[str, ReportGroup] = OrderedDict()
    for h in hits:
        group = groups.get(h.doc_id)
        if group is None:
            group = groups[h.doc_id] = ReportGroup(h.doc_id, h.title, h.town, h.county, h.year)
        group.hits.append(h)
    return list(groups.values())


def run_search(state: SearchState, page_size: int | None = None) -> Results:
    web = _web()
    kwargs = state.engine_kwargs(web.config.page_size, web.config.max_page_size)
    if page_size is not None:
        kwargs.update(page=1, page_size=page_size, max_page_size=page_size)
    results = web.searcher.search(state.q, **kwargs)
    note_hits(results.total)
    return results


def _results_page(template: str, endpoint: str):
    """A results page; a query the engine refuses is explained on the page itself
    (status 400), a missing index goes to the error handler (503)."""
    state = SearchState.from_args(request.args)
    results = groups = error = None
    if not state.is_empty:
        try:
            results = run_search(state)
        except (QueryError, BadParameter) as exc:
            error = exc
        else:
            groups = group_hits(results.hits)
    body = render_template(template, state=state, results=results, groups=groups, endpoint=endpoint, error=error,
                           pages=page_window(results.page, results.pages) if results else [])
    return body, error.status if error else 200


@bp.get("/")
def search():
    return _results_page("search.html", "views.search")


@bp.get("/embed")
def embed():
    return _results_page("embed.html", "views.embed")


@bp.get("/export.csv")
def export_csv():
    state = SearchState.from_args(request.args)
    results = run_search(state, page_size=_web().config.csv_max_rows)
    response = Response(export.to_csv(results.hits), mimetype="text/csv")
    response.headers["Content-Disposition"] = export.content_disposition()
    response.headers["X-Total-Count"] = str(results.total)
    return response


@bp.get("/favicon.ico")
def favicon():
    return redirect(url_for("static", filename="favicon.svg"), 301)


@bp.get("/docs/<doc_id>")
def document(doc_id: str):
    state = SearchState.from_args(request.args)
    web = _web()
    doc = web.searcher.document(check_doc_id(doc_id), query=state.q or None)
    view = build_view(doc, max_passages=web.config.document_max_passages)
    return render_template("document.html", state=state, view=view, doc=doc)


# --------------------------------------------------------------------------- template helpers


def state_url(state: SearchState, endpoint: str | None = None, **extra) -> str:
    return url_for(endpoint or request.endpoint or "views.search", **state.params(), **extra)


def doc_url(doc_id: str, state: SearchState | None = None, anchor: str | None = None) -> str:
    params = state.params() if state else {}
    return url_for("views.document", doc_id=doc_id, **params, _anchor=anchor)


def facet_entries(results: Results, state: SearchState, facet: str) -> list[tuple[str, int, bool]]:
    """(value, passages, active) for one facet; an active value with no passages is
    kept, so it can still be removed."""
    counts = dict(results.facets.get(facet, {}))
    for value in getattr(state, facet):
        counts.setdefault(value, 0)
    return [(value, count, state.is_active(facet, value)) for value, count in counts.items()]


def index_summary() -> dict | None:
    try:
        return _web().searcher.stats()
    except IndexMissing:
        return None


def init_app(app: Flask) -> None:
    @app.context_processor
    def helpers():
        return dict(site_title=_web().config.site_title, csv_max_rows=_web().config.csv_max_rows, state_url=state_url, doc_url=doc_url,
                    FACETS=FACETS, FACET_LABELS=FACET_LABELS, SORT_LABELS=SORT_LABELS,
                    KIND_LABELS=KIND_LABELS, index_summary=index_summary,
                    facet_entries=facet_entries)
