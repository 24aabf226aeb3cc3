"""The OpenAPI 3.1 description served at ``/api/openapi.json``.

Its schemas are JSON Schema 2020-12, so the tests validate real responses against
them; a test also checks that every ``/api/`` route and ``/healthz`` is described.
"""

from __future__ import annotations

from index.fields import FACETS, FIELDS, FILTERS

from .config import WebConfig

NULLABLE_STRING = {"type": ["string", "null"]}
NULLABLE_INT = {"type": ["integer", "null"]}
STRINGS = {"type": "array", "items": {"type": "string"}}
COUNTS = {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema_name: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema_name)}}}


ERRORS = {
    "400": _json("Error", "A bad parameter or query (code bad_parameter or bad_query)."),
    "503": _json("Error", "No readable index (code no_index)."),
}

SCHEMAS: dict[str, dict] = {
    "Error": {
        "type": "object", "required": ["error"],
        "properties": {"error": {
            "type": "object", "required": ["code", "message"],
            "properties": {"code": {"type": "string", "examples": ["bad_parameter", "bad_query", "not_found", "no_index"]},
                           "message": {"type": "string"}},
        }},
    },
    "Hit": {
        "type": "object",
        "required": ["doc_id", "passage_id", "title", "town", "county", "year", "section", "topics", "match",
                     "passage", "snippet", "score"],
        "properties": {
            "passage_id": {"type": "string"},
            # the fields of the field model (index/fields.py), by their JSON names
            **{f.json: f.schema for f in FIELDS if f.json},
            "match": {"type": "string", "enum": ["exact", "words"],
                      "description": "exact: every term occurs as written; words: only its words occur."},
            "snippet": {"type": "string", "description": "HTML: escaped text around the first match; the only markup is <mark>."},
            "score": {"type": "number"},
            "highlights": {"type": "array", "description": "[start, end) character spans of matches in passage.",
                           "items": {"type": "array", "items": {"type": "integer", "minimum": 0},
                                     "minItems": 2, "maxItems": 2}},
        },
    },
    "SearchResults": {
        "type": "object",
        "required": ["query", "total", "total_docs", "page", "page_size", "facets", "hits"],
        "properties": {
            "query": {"type": "string"},
            "total": {"type": "integer", "minimum": 0, "description": "Matching passages."},
            "total_docs": {"type": "integer", "minimum": 0, "description": "Reports they belong to."},
            "page": {"type": "integer", "minimum": 1},
            "page_size": {"type": "integer", "minimum": 1},
            "pages": {"type": "integer", "minimum": 1},
            "facets": {"type": "object", "required": ["topic", "town", "county", "year"],
                       "properties": {k: COUNTS for k in FACETS}},
            "hits": {"type": "array", "items": _ref("Hit")},
            "total_exact": {"type": "integer", "minimum": 0},
            "filters": {"type": "object", "additionalProperties": STRINGS},
            "sort": {"type": "string", "enum": ["relevance", "year"]},
            "warnings": STRINGS,
            "took_ms": {"type": "number"},
        },
    },
    "Passage": {
        "type": "object", "required": ["passage_id", "section", "kind", "text", "topics"],
        "properties": {"passage_id": {"type": "string"}, "section": {"type": "string"},
                       "kind": {"type": "string", "enum": ["title", "heading", "body", "caption", "byline"]},
                       "text": {"type": "string"}, "topics": STRINGS},
    },
    "Document": {
        "type": "object",
        "required": ["doc_id", "title", "town", "county", "year", "source", "subtitle", "encoding", "passages"],
        "properties": {"doc_id": {"type": "string"}, "title": {"type": "string"}, "town": NULLABLE_STRING,
                       "county": NULLABLE_STRING, "year": NULLABLE_INT, "source": {"type": "string"},
                       "subtitle": {"type": "string"}, "encoding": NULLABLE_STRING,
                       "passages": {"type": "array", "items": _ref("Passage")}},
    },
    "Stats": {
        "type": "object",
        "required": ["documents", "passages", "built_at", "generation", "topics", "towns", "counties", "years"],
        "properties": {
            "documents": {"type": "integer", "minimum": 0}, "passages": {"type": "integer", "minimum": 0},
            "built_at": NULLABLE_STRING, "characters": NULLABLE_INT, "generation": {"type": "string"},
            "index": {"type": "string"}, "corpus": NULLABLE_STRING, "mode": NULLABLE_STRING,
            "topics": STRINGS, "towns": STRINGS, "counties": STRINGS,
            "years": {"type": "array", "items": {"type": "integer"}},
            "skipped": {"type": "array", "items": {"type": "object", "required": ["file", "reason"],
                                                   "properties": {"file": {"type": "string"}, "reason": {"type": "string"}}}},
        },
    },
    "Health": {
        "type": "object", "required": ["status"],
        "properties": {
            "status": {"type": "string", "enum": ["ok", "unavailable"]},
            "documents": {"type": "integer"}, "passages": {"type": "integer"},
            "generation": {"type": "string"}, "built_at": NULLABLE_STRING,
            "error": {"$ref": "#/components/schemas/Error/properties/error"},
        },
    },
    "OpenAPI": {"type": "object", "required": ["openapi", "info", "paths"]},
}


# the filters the API takes as parameters (web/state.py); the others work inside q
API_FILTERS = ("town", "county", "topic", "year")


def _filter_param(name: str, description: str, example: str) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description + " Repeat it, or separate values with commas, for several (any of them).",
            "schema": {"type": "array", "items": {"type": "string"}}, "style": "form", "explode": True,
            "example": [example]}


def openapi_document(script_root: str, config: WebConfig) -> dict:
    search_params = [
        {"name": "q", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 1000},
         "description": 'Query: words separated by spaces must all occur; "..." exact phrase; -word excludes; '
                        "A OR B either; " + "/".join(f"{f.filter}:" for f in FILTERS)
                        + " filter inside the query (section: searches the headings). Either q or a filter is required.",
         "example": "五星支部"},
        *(_filter_param(f.filter, f"Only passages of this {f.description}.", f.example)
          for f in FILTERS if f.filter in API_FILTERS),
        {"name": "page", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1, "default": 1}},
        {"name": "page_size", "in": "query", "required": False,
         "schema": {"type": "integer", "minimum": 1, "maximum": config.max_page_size, "default": config.page_size}},
        {"name": "sort", "in": "query", "required": False,
         "schema": {"type": "string", "enum": ["relevance", "year"], "default": "relevance"}},
    ]
    return {
        "openapi": "3.1.0",
        "info": {"title": "govsearch API", "version": "1",
                 "description": "Full-text search of Chinese local-government reports. "
                                "Errors are {\"error\": {\"code\", \"message\"}} with status 400, 404 or 503."},
        "servers": [{"url": script_root or "/"}],
        "paths": {
            "/api/search": {"get": {
                "operationId": "search", "summary": "Search passages, grouped facets and paging.",
                "parameters": search_params,
                "responses": {"200": _json("SearchResults", "One page of hits, with facet counts over all of them."),
                              **ERRORS},
            }},
            "/api/docs/{doc_id}": {"get": {
                "operationId": "document", "summary": "One report with all its passages.",
                "parameters": [{"name": "doc_id", "in": "path", "required": True,
                                "schema": {"type": "string", "pattern": "^[A-Za-z0-9_][A-Za-z0-9._-]{0,199}$"},
                                "example": "xinmi-dawei-2022"}],
                "responses": {"200": _json("Document", "The report."),
                              "404": _json("Error", "No such report (code not_found)."),
                              "503": ERRORS["503"]},
            }},
            "/api/stats": {"get": {
                "operationId": "stats", "summary": "What the index holds.",
                "responses": {"200": _json("Stats", "Counts, topics, towns, counties and years."), "503": ERRORS["503"]},
            }},
            "/api/openapi.json": {"get": {
                "operationId": "openapi", "summary": "This description.",
                "responses": {"200": _json("OpenAPI", "OpenAPI 3.1 document.")},
            }},
            "/healthz": {"get": {
                "operationId": "health", "summary": "200 when the index is readable, 503 with the reason when not.",
                "responses": {"200": _json("Health", "Index readable."), "503": _json("Health", "Index missing or unreadable.")},
            }},
        },
        "components": {"schemas": SCHEMAS},
    }
