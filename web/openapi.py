"""The OpenAPI 3.1 description served at ``/api/openapi.json``.

Its schemas are JSON Schema 2020-12, so the tests validate real responses against
them; a test also checks that every ``/api/`` route and ``/healthz`` is described.
"""

from __future__ import annotations

import copy
import re

from index import fields as field_model
from index.reading.places import LEVEL_LABELS
from web.config import WebConfig

NULLABLE_STRING = {"type": ["string", "null"]}
NULLABLE_INT = {"type": ["integer", "null"]}
STRINGS = {"type": "array", "items": {"type": "string"}}
TEXT_SOURCE = {"type": "string", "enum": ["file", "ocr"],
               "description": "Where the report's text comes from: the file itself, or OCR of a scan (see ocr)."}
COUNTS = {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema_name: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema_name)}}}


ERRORS = {
    "400": _json("Error", "A bad parameter or query (code bad_parameter or bad_query)."),
    "401": _json("Error", "A token that is wrong, revoked or expired (code bad_token, with a hint); without a "
                          "token the caller is anonymous and sees the public reports (docs/visibility.md)."),
    "503": _json("Error", "No readable index (code no_index)."),
}
SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer",
               "description": "An API token (govsearch token create) or a signed embed token (govsearch token embed): "
                              "the answer covers the reports of its groups besides the public ones. Optional."},
}

SCHEMAS: dict[str, dict] = {
    "Error": {
        "type": "object", "required": ["error"],
        "properties": {"error": {
            "type": "object", "required": ["code", "message"],
            "properties": {"code": {"type": "string", "examples": ["bad_parameter", "bad_query", "not_found", "no_index"]},
                           "message": {"type": "string"},
                           "hint": {"type": "string", "description": "The next step, when there is one (e.g. for "
                                    "no_index the `govsearch index build --index <folder>` that repairs it)."}},
        }},
    },
    "Hit": {
        "type": "object",
        "required": ["doc_id", "passage_id", "title", "town", "county", "year", "section", "topics", "match",
                     "passage", "snippet", "score"],
        "properties": {
            "passage_id": {"type": "string"},
            # the fields of the field model (index/fields.py) by their JSON names: see schemas()
            "match": {"type": "string", "enum": ["exact", "words", "context", "partial", "synonym"],
                      "description": "exact: every term occurs as written; words: only its words occur; "
                                     "context: a term stands in the heading path, title or list lead-in above the "
                                     "passage (context_terms); partial: every term but the least informative one (a "
                                     "one-term query: every word of the term but one), listed when the full matches "
                                     "are few (missing_terms); "
                                     "synonym: found only through the synonym table (ranked after the others)."},
            "context_terms": {"type": "array", "items": {"type": "string"},
                              "description": "match context: the terms found in the heading path, title or list lead-in."},
            "missing_terms": {"type": "array", "items": {"type": "string"},
                              "description": "match partial: the query term (a one-term query: the word of "
                                             "it) the passage does without."},
            "lead_in": {"type": "string", "description": "A numbered list item: the text of the passage ending "
                                                         "with a colon that introduces its list (下列条件：); empty otherwise."},
            "level_label": {"type": ["string", "null"], "enum": [*LEVEL_LABELS.values(), None],
                            "description": "The level as people read it (township 乡镇/街道, county 县级, city 地级, "
                                           "province 省级, national 全国); level keeps the stored value."},
            "place_label": {"type": "string", "description": "The finest place of the report named with its level, "
                            "for display: 大隗镇, 新密市, 河南省, 全国; 县级（地区未注明） when only the level is known; "
                            "未注明地区 when nothing is."},
            "snippet": {"type": "string", "description": "HTML: escaped text, 100-200 characters cut at clause boundaries, showing every query term when they fit (pieces joined with …); the only markup is <mark>."},
            "score": {"type": "number"},
            "highlights": {"type": "array", "description": "[start, end) character spans of matches in passage.",
                           "items": {"type": "array", "items": {"type": "integer", "minimum": 0},
                                     "minItems": 2, "maxItems": 2}},
            "more_in_report": {"type": "integer", "minimum": 0,
                               "description": "group=report: matching passages of this report that are not listed "
                                              "(the report page opened at its matches shows them); 0 otherwise."},
            "also_in": {"type": "array", "description": "group=report: the same passage (identical normalized "
                                                        "text) in other reports, shown once; empty otherwise.",
                        "items": {"type": "object", "required": ["doc_id", "passage_id", "title"],
                                  "properties": {"doc_id": {"type": "string"}, "passage_id": {"type": "string"},
                                                 "title": {"type": "string"}, "town": NULLABLE_STRING,
                                                 "county": NULLABLE_STRING, "year": NULLABLE_INT}}},
            "text_source": TEXT_SOURCE,
            "ocr_confidence": {"type": ["number", "null"], "minimum": 0, "maximum": 100,
                               "description": "For text_source ocr: the report's mean OCR confidence (0-100)."},
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
                       "properties": {}},  # one per facet of the field model: see schemas()
            "hits": {"type": "array", "items": _ref("Hit")},
            "total_exact": {"type": "integer", "minimum": 0, "description": "Passages holding every term as written (match: exact)."},
            "total_words": {"type": "integer", "minimum": 0,
                            "description": "Passages found by the words of the terms only (match: words)."},
            "total_context": {"type": "integer", "minimum": 0,
                              "description": "Passages matched with a term in their heading path, title or list lead-in (match: context)."},
            "total_partial": {"type": "integer", "minimum": 0,
                              "description": "Passages holding every term but the least informative one (match: partial); "
                                             "total = total_exact + total_words + total_context + total_partial + synonym hits."},
            "group": {"type": "string", "enum": ["none", "report"]},
            "listed": {"type": "integer", "minimum": 0,
                       "description": "Length of the hit list the pages cut: total for group=none; with group=report, "
                                      "at most 5 passages per report, identical passages once."},
            "filters": {"type": "object", "additionalProperties": STRINGS,
                        "description": "Filters typed in q or given as parameters (town=, level= …), not fixed."},
            "fixed_filters": {"type": "object", "additionalProperties": STRINGS,
                              "description": "Filters fixed with fixed= (an embed's): ANDed with filters. Every "
                                             "filter that applied is in filters or fixed_filters."},
            "sort": {"type": "string", "enum": ["relevance", "year"]},
            "warnings": STRINGS,
            "took_ms": {"type": "number"},
            "did_you_mean": {"type": "array", "description": "Corrections for a query with no or very few hits "
                             "(at most 2), best first; the hits stay those of the query as typed.",
                             "items": {"type": "object", "required": ["query", "total"],
                                       "properties": {"query": {"type": "string"},
                                                      "total": {"type": "integer", "minimum": 1}}}},
            "expanded": {"type": "object", "description": "What was searched besides the query as typed.",
                         "properties": {
                             "synonyms": {"type": "array", "items": {
                                 "type": "object", "required": ["term", "synonyms"],
                                 "properties": {"term": {"type": "string"}, "synonyms": STRINGS}},
                                 "description": "Synonyms added for each term (what would be added when synonyms_off)."},
                             "synonym_hits": {"type": "integer", "minimum": 0,
                                              "description": "Hits found only through synonyms; they are included in total, not in total_exact."},
                             "synonyms_off": {"type": "boolean", "description": "True when synonyms=0 turned the table off."},
                             "pinyin": {"type": ["object", "null"], "description": "Set when a Latin-letter query without literal hits was read as pinyin.",
                                        "properties": {"typed": {"type": "string"}, "searched": {"type": "string"},
                                                       "alternatives": STRINGS}},
                         }},
            "suggestions": {"type": "array", "description": "Related searches (相关搜索) when related=1.",
                            "items": {"type": "object", "required": ["query"],
                                      "properties": {"query": {"type": "string"}, "kind": {"type": "string", "enum": ["related"]}}}},
            "widen": {"type": "array", "description": "No hits for a query of several terms: the query without one "
                      "of them, with the passages it finds (most first).",
                      "items": {"type": "object", "required": ["query", "total", "dropped"],
                                "properties": {"query": {"type": "string"}, "total": {"type": "integer", "minimum": 1},
                                               "dropped": {"type": "string"}}}},
            "facet_labels": {"type": "object", "description": "For each value in facets.level, its label as people "
                             "read it ({\"level\": {\"township\": \"乡镇/街道\"}}); facets keep the stored values.",
                             "properties": {"level": {"type": "object", "additionalProperties": {"type": "string"}}}},
        },
    },
    "Suggestions": {
        "type": "object", "required": ["query", "suggestions", "hot"],
        "properties": {
            "query": {"type": "string"},
            "suggestions": {"type": "array", "items": {
                "type": "object", "required": ["text", "count", "kind"],
                "properties": {"text": {"type": "string"},
                               "count": {"type": "integer", "minimum": 1, "description": "Passages a search for text finds."},
                               "kind": {"type": "array", "items": {"type": "string", "enum": ["word", "heading", "dictionary", "phrase"]}}}}},
            "hot": {"type": "array", "description": "Hot queries (热门搜索) from the anonymous query log; empty when it is off.",
                    "items": {"type": "object", "required": ["query", "count"],
                              "properties": {"query": {"type": "string"}, "count": {"type": "integer", "minimum": 1}}}},
        },
    },
    "CompareLine": {
        "type": "object", "required": ["value", "passages", "reports"],
        "properties": {
            "value": {"type": ["string", "null"], "description": "The town, county, year … of this row or column; null: passages without a value."},
            "label": {"type": ["string", "null"], "description": "The value as people read it: for by=level the "
                      "Chinese label (township 乡镇/街道 …), else the value itself; for a line of reports above the "
                      "level of a place field (value null: a county's report by town), their place (东山县, 全国)."},
            "passages": {"type": "integer", "minimum": 0, "description": "Distinct matching passages."},
            "reports": {"type": "integer", "minimum": 0, "description": "Distinct reports they are in."},
            "filters": {"type": "object", "additionalProperties": {"type": "string"},
                        "description": "by=place, and the lines of reports above the level of a place field: the "
                                       "filters (place and level) that select exactly this line's passages; absent "
                                       "for the line of reports without any known place or level."},
            "cells": {"type": "array", "description": "Rows only: one cell per column, in the order of columns.",
                      "items": {"type": "object", "required": ["passages", "reports"],
                                "properties": {"passages": {"type": "integer", "minimum": 0},
                                               "reports": {"type": "integer", "minimum": 0}}}},
        },
    },
    "Comparison": {
        "type": "object",
        "required": ["query", "by", "auto", "total", "total_docs", "columns", "rows", "filters", "fields"],
        "properties": {
            "query": {"type": "string"},
            "by": {"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 2,
                   "description": "The row field and the column field used."},
            "auto": {"type": "boolean", "description": "The row field was picked automatically: the finest place level with two or more values."},
            "total": {"type": "integer", "minimum": 0, "description": "Matching passages (the whole result set)."},
            "total_docs": {"type": "integer", "minimum": 0},
            "columns": {"type": "array", "items": _ref("CompareLine")},
            "rows": {"type": "array", "items": _ref("CompareLine")},
            "filters": {"type": "object", "additionalProperties": STRINGS,
                        "description": "Every filter that applied, the fixed ones included."},
            "fixed_filters": {"type": "object", "additionalProperties": STRINGS,
                              "description": "The filters of filters that were fixed with fixed=."},
            "fields": {"type": "array", "items": {"type": "string"}, "description": "Fields this index can compare by."},
            "warnings": STRINGS,
            "took_ms": {"type": "number"},
        },
    },
    "Passage": {
        "type": "object", "required": ["passage_id", "section", "kind", "text", "topics"],
        "properties": {"passage_id": {"type": "string"}, "section": {"type": "string"},
                       "kind": {"type": "string", "enum": ["title", "heading", "body", "caption", "byline"]},
                       "text": {"type": "string"}, "topics": STRINGS,
                       "highlights": {"type": "array", "description": "With ?q=: [start, end) spans of the matches in text.",
                                      "items": {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2}},
                       "matches": {"type": "integer", "minimum": 0,
                                   "description": "With ?q=: how many matches the passage holds. A match that "
                                                  "punctuation splits (“五星”支部) has two highlights but counts once."}},
    },
    "Document": {
        "type": "object",
        "required": ["doc_id", "title", "town", "county", "year", "source", "subtitle", "encoding", "passages"],
        "properties": {"doc_id": {"type": "string"}, "title": {"type": "string"}, "town": NULLABLE_STRING,
                       "county": NULLABLE_STRING, "city": NULLABLE_STRING, "province": NULLABLE_STRING,
                       "level": {"type": ["string", "null"],
                                 "enum": ["township", "county", "city", "province", "national", None]},
                       "year": NULLABLE_INT, "source": {"type": "string"},
                       "level_label": {"type": ["string", "null"], "description": "The level as people read it (乡镇/街道 …)."},
                       "place_label": {"type": "string", "description": "The finest place named with its level (see Hit)."},
                       "subtitle": {"type": "string"}, "encoding": NULLABLE_STRING,
                       "text_source": TEXT_SOURCE,
                       "ocr": {"type": ["object", "null"],
                               "description": "For a scan read by OCR: pages (OCR'd, 1-based), confidence (mean, "
                                              "0-100), page_confidence (per page), uncertain (words read with a low "
                                              "confidence, with their page), cached, seconds."},
                       "passages": {"type": "array", "items": _ref("Passage")},
                       "query": {"type": "string"}, "needles": STRINGS,
                       "matches": {"type": "integer", "minimum": 0,
                                   "description": "With ?q=: the matches in the report (the sum of its passages' matches)."}},
    },
    "Stats": {
        "type": "object",
        "required": ["documents", "passages", "built_at", "generation", "topics", "towns", "counties", "years"],
        "properties": {
            "documents": {"type": "integer", "minimum": 0}, "passages": {"type": "integer", "minimum": 0},
            "built_at": NULLABLE_STRING, "characters": NULLABLE_INT, "generation": {"type": "string"},
            "index": {"type": "string"}, "corpus": NULLABLE_STRING, "mode": NULLABLE_STRING,
            "topics": STRINGS, "towns": STRINGS, "counties": STRINGS, "cities": STRINGS, "provinces": STRINGS,
            "levels": {**COUNTS, "description": "Reports per stored level (township, county, city, province, national)."},
            "years": {"type": "array", "items": {"type": "integer"}},
            "skipped": {"type": "array", "items": {"type": "object", "required": ["file", "reason"],
                                                   "properties": {"file": {"type": "string"}, "reason": {"type": "string"}}}},
            "skipped_count": {"type": "integer", "minimum": 0,
                              "description": "Files of the corpus the build skipped (their names only in `govsearch index stats`)."},
            "skipped_reasons": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0},
                                "description": "How many files were skipped for each reason."},
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
    "Fields": {
        "type": "object", "required": ["filters"],
        "properties": {"filters": {"type": "array", "items": {
            "type": "object", "required": ["name", "label", "aliases", "facet", "parameter"],
            "properties": {"name": {"type": "string", "description": "The filter's name (town=, town:)."},
                           "label": {"type": "string", "description": "What people call it (乡镇)."},
                           "unknown": NULLABLE_STRING, "aliases": STRINGS,
                           "facet": {"type": "boolean", "description": "Counted in facets."},
                           "parameter": {"type": "boolean", "description": "A parameter of /api/search (else only written in q)."},
                           "description": {"type": "string"},
                           "values": {"type": "array", "description": "A closed filter's values (level): each stored value, "
                                      "its label and every name it may be written with (乡镇, 街道 …).",
                                      "items": {"type": "object", "required": ["value", "label", "names"],
                                                "properties": {"value": {"type": "string"}, "label": {"type": "string"},
                                                               "names": STRINGS}}}}}}},
    },
}


def schemas() -> dict[str, dict]:
    """The schemas, with the hit fields, facets and report values of the field model in use."""
    model = field_model.current()
    out = copy.deepcopy(_SCHEMAS)
    out["Hit"]["properties"].update({f.json: f.schema for f in model.fields if f.json})
    out["SearchResults"]["properties"]["facets"]["properties"] = {k: COUNTS for k in model.facets}
    out["SearchResults"]["properties"]["filter_labels"] = {
        "type": "object", "additionalProperties": {"type": "string"},
        "description": "Each facet's label as people read it ({\"town\": \"乡镇\"}), from the field model."}
    out["Document"]["properties"].update({f.name: f.schema for f in model.report_fields
                                          if f.schema and f.name not in out["Document"]["properties"]})
    return out


_SCHEMAS = SCHEMAS
SCHEMAS = schemas()  # those of the shipped field model


# the filters the API takes as parameters (web/state.py; Field.api); the others work inside q
API_FILTERS = field_model.MODEL.api_filters


def _filter_param(name: str, description: str, example: str, match: str | None = None) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description + " Repeat it, or separate values with commas, for several (any of them).",
            "schema": {"type": "array", "items": {"type": "string", **({"pattern": YEAR_PATTERN} if match == "year" else {})}},
            "style": "form", "explode": True, "example": [example]}


FIXED_PARAM = {
    "name": "fixed", "in": "query", "required": False,
    "description": "Filter fields whose values are fixed (comma-separated, e.g. town,county): they are ANDed with "
                   "any filter written in q, which can narrow them but never widen them (the widget sends it). "
                   "The answer lists them in fixed_filters.",
    "schema": {"type": "string"}, "example": "town",
}
YEAR_RANGE_PARAMS = [
    {"name": "year_from", "in": "query", "required": False, "description": "Year range start (YYYY; empty: no bound); ORed with year values.",
     "schema": {"type": "string", "pattern": "^([0-9]{4})?$"}},
    {"name": "year_to", "in": "query", "required": False, "description": "Year range end (YYYY; empty: no bound).",
     "schema": {"type": "string", "pattern": "^([0-9]{4})?$"}},
]


# what the API takes for an on/off parameter (web/api.py refuses anything else)
SWITCH_VALUES = ("0", "1", "true", "false", "on", "off", "yes", "no")
# a year filter value: YYYY or YYYY-YYYY, several separated by commas (search/query.py)
_YEAR_ITEM = "[0-9]{4} *年?( *[-–—－~～〜至到]+ *[0-9]{4} *年?)?"
YEAR_PATTERN = f"^ *({_YEAR_ITEM})? *((,|，) *({_YEAR_ITEM})? *)*$"
DIMENSIONS = ("auto", "place", *(f.filter for f in field_model.MODEL.filters if f.facet))
# the levels and every name the field model takes for them, longest first (a regex alternation)
LEVEL_VALUES = sorted({name for value, names in field_model.MODEL.by_filter["level"].value_names().items()
                       for name in (value, *names)}, key=lambda v: (-len(v), v))
# level values of /api/compare: levels or their Chinese names, separated by commas (empty pieces name nothing)
_LEVEL = "(?:" + "|".join(map(re.escape, LEVEL_VALUES)) + ")?"
LEVEL_LIST = rf"^\s*{_LEVEL}\s*(?:[,，]\s*{_LEVEL}\s*)*$"


def _with_pattern(schema: dict, pattern: str) -> dict:
    """``schema`` whose string values (or array items) must match ``pattern``."""
    if schema.get("type") == "array":
        return {**schema, "items": {**schema.get("items", {}), "pattern": pattern}}
    return {**schema, "pattern": pattern}


def openapi_document(script_root: str, config: WebConfig, dimensions: list[str] | None = None) -> dict:
    """``dimensions``: the fields ``by`` of /api/compare may name in this index (default: all)."""
    model = field_model.current()
    search_params = [
        {"name": "q", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 1000},
         "description": 'Query: words separated by spaces must all occur; "..." exact phrase; -word excludes; '
                        "A OR B either; " + "/".join(f"{f.filter}:" for f in model.filters)
                        + " filter inside the query (section: searches the headings). Either q or a filter is required.",
         "example": "五星支部"},
        *(_filter_param(f.filter, f"Only passages of this {f.description}.", f.example, f.match)
          for f in model.filters if f.api),
        {"name": "page", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1, "default": 1}},
        {"name": "page_size", "in": "query", "required": False,
         "schema": {"type": "integer", "minimum": 1, "maximum": config.max_page_size, "default": config.page_size}},
        {"name": "sort", "in": "query", "required": False,
         "schema": {"type": "string", "enum": ["relevance", "year"], "default": "relevance"}},
        {"name": "synonyms", "in": "query", "required": False, "schema": {"type": "string", "enum": list(SWITCH_VALUES), "default": "1"},
         "description": "0: do not search the synonyms of the terms (the synonym table)."},
        {"name": "related", "in": "query", "required": False, "schema": {"type": "string", "enum": list(SWITCH_VALUES), "default": "0"},
         "description": "1: fill suggestions with related searches."},
        {"name": "group", "in": "query", "required": False,
         "description": "report: reports in the order of their best passage, at most 3 passages each "
                        "(more_in_report counts the rest), identical passages of several reports once (also_in); "
                        "none: every matching passage in ranking order.",
         "schema": {"type": "string", "enum": ["none", "report"], "default": "none"}},
        FIXED_PARAM, *YEAR_RANGE_PARAMS,
    ]
    # what /api/compare reads: the query and the filters (not paging, order, grouping or the switches)
    filter_params = [p for p in search_params if p["name"] not in ("page", "page_size", "sort", "synonyms", "related", "group")]
    # /api/compare names levels as rows and columns: a level value there is one of the levels
    # or their Chinese names (web/api.py check_levels refuses any other with 400)
    filter_params = [{**p, "schema": _with_pattern(p["schema"], LEVEL_LIST)} if p["name"] == "level" else p
                     for p in filter_params]
    compare_params = [*filter_params,
                      {"name": "by", "in": "query", "required": False, "style": "form", "explode": True,
                       "description": "Row field, then column field (repeat: by=town&by=year). auto (the default for rows): "
                                      "the finest place level (town, county, city, province) with two or more values, or "
                                      "place when some reports are above that level (place: each report's finest place "
                                      "with its level, 大隗镇, 河南省, 全国); columns "
                                      "default to year. Any facet field of the index: town, county, year, topic, and "
                                      "province, city, level when the index has them.",
                       "schema": {"type": "array", "items": {"type": "string", "enum": [
                           "auto", *(dimensions or ("place", *(f.filter for f in model.filters if f.facet)))]},
                                  "maxItems": 2, "uniqueItems": True}, "example": ["town", "year"]}]
    return {
        "openapi": "3.1.0",
        "info": {"title": "govsearch API", "version": "1",
                 "description": "Full-text search of Chinese local-government reports. "
                                "Errors are {\"error\": {\"code\", \"message\"}} with status 400, 401, 403, 404, 405, 503 or 500 (the table in docs/api.md)."},
        "servers": [{"url": script_root or "/"}],
        "paths": {
            "/api/search": {"get": {
                "operationId": "search", "summary": "Search passages, grouped facets and paging.",
                "parameters": search_params,
                "responses": {"200": _json("SearchResults", "One page of hits, with facet counts over all of them."),
                              **ERRORS},
            }},
            "/api/suggest": {"get": {
                "operationId": "suggest", "summary": "Completions while typing, and the hot queries.",
                "parameters": [
                    {"name": "q", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 100},
                     "description": "What has been typed: Chinese, or Latin letters read as pinyin or initials (wxzb). "
                                    "Empty: no completions, only the hot queries.", "example": "人居"},
                    {"name": "limit", "in": "query", "required": False,
                     "schema": {"type": "integer", "minimum": 1, "maximum": 20, "default": 8}},
                ],
                "responses": {"200": _json("Suggestions", "Completions with their passage counts, and hot queries."), **ERRORS},
            }},
            "/api/compare": {"get": {
                "operationId": "compare",
                "summary": "Passages and reports per place × year (or any two facet fields) over the whole result set.",
                "parameters": compare_params,
                "responses": {"200": _json("Comparison", "The cross-tab; counts are exact."), **ERRORS},
            }},
            "/api/docs/{doc_id}": {"get": {
                "operationId": "document", "summary": "One report with all its passages.",
                "parameters": [{"name": "doc_id", "in": "path", "required": True,
                                "schema": {"type": "string", "pattern": "^[A-Za-z0-9_][A-Za-z0-9._-]{0,254}$"},
                                "example": "xinmi-dawei-2022"},
                               {"name": "q", "in": "query", "required": False, "schema": {"type": "string"},
                                "description": "Mark this query's matches: each passage gets highlights.",
                                "example": "五星支部"}],
                "responses": {"200": _json("Document", "The report."),
                              "401": ERRORS["401"],
                              "404": _json("Error", "No such report, or one the caller may not see (code not_found)."),
                              "503": ERRORS["503"]},
            }},
            "/api/fields": {"get": {
                "operationId": "fields", "summary": "The filters of the field model and their labels (the widget's).",
                "responses": {"200": _json("Fields", "One entry per filter: facets first, in the order people see them."),
                              "401": ERRORS["401"]},
            }},
            "/api/stats": {"get": {
                "operationId": "stats", "summary": "What the index holds.",
                "responses": {"200": _json("Stats", "Counts, topics, towns, counties and years (of the reports the "
                                                    "caller may see)."), "401": ERRORS["401"], "503": ERRORS["503"]},
            }},
            "/api/openapi.json": {"get": {
                "operationId": "openapi", "summary": "This description.",
                "responses": {"200": _json("OpenAPI", "OpenAPI 3.1 document."), "401": ERRORS["401"]},
            }},
            "/healthz": {"get": {
                "operationId": "health", "summary": "200 when the index is readable, 503 with the reason when not.",
                "responses": {"200": _json("Health", "Index readable (counts: the caller's reports)."),
                              "401": ERRORS["401"], "503": _json("Health", "Index missing or unreadable.")},
            }},
        },
        "components": {"schemas": schemas(), "securitySchemes": SECURITY_SCHEMES},
        "security": [{}, {"bearer": []}],  # anonymous, or a bearer token
    }
