"""What a search returns. ``Results.to_dict()`` is the public JSON contract of
``govsearch search --json`` and ``GET /api/search``: keep field names, add fields.

A hit's field values and their JSON names come from the field model
(index/fields.py); ``match``, ``snippet``, ``score`` and ``highlights`` are the
search's own."""

from __future__ import annotations

from dataclasses import dataclass, field

from index import fields as field_model
from index.reading.places import level_label
from search.model_values import ModelValues
from search.places_label import place_label

# the shipped model's JSON names (= Hit attributes) → Row attributes
HIT_FIELDS: dict[str, str] = field_model.MODEL.hit_fields


@dataclass
class Hit(ModelValues):
    doc_id: str
    passage_id: str
    title: str
    town: str | None
    county: str | None
    year: int | None
    section: str
    topics: list[str]
    match: str  # "exact" | "words" | "context" | "partial" | "synonym" (search/tiers.py)
    passage: str  # plain text, original characters
    snippet: str  # HTML: escaped text, <mark> around matches
    score: float
    kind: str = "body"
    runs: list[tuple[int, int]] = field(default_factory=list)  # match spans in `passage`
    city: str | None = None
    province: str | None = None
    level: str | None = None
    more_in_report: int = 0  # group="report": matching passages of this report not listed
    also_in: list[dict] = field(default_factory=list)  # group="report": identical passages of other reports
    text_source: str = "file"  # "ocr": the report's text was read from a scan by OCR
    ocr_confidence: float | None = None  # its mean OCR confidence (0–100), for "ocr"
    context_terms: list[str] = field(default_factory=list)  # match "context": terms found in the heading path, title or list lead-in
    missing_terms: list[str] = field(default_factory=list)  # match "partial": the term (or a one-term query's word) the passage does without
    lead_in: str = ""  # a numbered list item: the passage ending with a colon that introduces the list
    # fields of the model without an attribute here (a field added to the model), by JSON name
    values: dict = field(default_factory=dict)

    @classmethod
    def from_row(cls, row, *, match: str, snippet: str, score: float, runs) -> "Hit":
        """A hit for a passage of the table (search/table.py ``Row``): every field of
        the model with a JSON name, as the attribute of that name."""
        values = {json: getattr(row, name) for json, name in field_model.current().hit_fields.items()}
        values = {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}  # topics as a list
        known = {k: v for k, v in values.items() if k in _HIT_ATTRIBUTES}
        return cls(passage_id=row.passage_id, match=match, snippet=snippet, score=score, runs=runs,
                   values={k: v for k, v in values.items() if k not in _HIT_ATTRIBUTES}, **known)

    def to_dict(self) -> dict:
        out = {"doc_id": self.doc_id, "passage_id": self.passage_id}
        out.update({name: getattr(self, name) for name in field_model.current().hit_fields})
        out["topics"] = list(self.topics)
        out["level_label"] = level_label(self.level)  # 乡镇/街道 for township …: for display
        out["place_label"] = place_label(self)  # the finest place with its level: 大隗镇, 河南省, 全国
        out.update({"match": self.match, "snippet": self.snippet, "score": self.score,
                    "highlights": [list(r) for r in self.runs],
                    "more_in_report": self.more_in_report, "also_in": [dict(a) for a in self.also_in],
                    "text_source": self.text_source, "ocr_confidence": self.ocr_confidence,
                    "context_terms": list(self.context_terms), "missing_terms": list(self.missing_terms),
                    "lead_in": self.lead_in})
        return out


_HIT_ATTRIBUTES = frozenset(Hit.__dataclass_fields__) - {"values"}


@dataclass
class Results:
    query: str
    total: int
    total_docs: int
    page: int
    page_size: int
    facets: dict[str, dict[str, int]]
    hits: list[Hit]
    total_exact: int = 0
    total_words: int = 0  # passages found by their words only ("match": "words")
    total_context: int = 0  # passages matched with a term in their heading path, title or list lead-in ("context")
    total_partial: int = 0  # passages holding all terms but one ("partial"); total = exact + words + context + partial + synonym
    group: str = "none"
    listed: int | None = None  # group="report": length of the grouped list (what the pages cut)
    filters: dict[str, list[str]] = field(default_factory=dict)  # typed in the query or given as parameters
    # fixed filters (an embed's, ``fixed=``): ANDed with ``filters``; every filter that applied is in one of the two
    fixed_filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevance"
    warnings: list[str] = field(default_factory=list)
    took_ms: float = 0.0
    # query assistance (search/assist.py): corrections, what else was searched, related searches
    did_you_mean: list[dict] = field(default_factory=list)
    expanded: dict = field(default_factory=lambda: {"synonyms": [], "synonym_hits": 0, "synonyms_off": False,
                                                     "pinyin": None})
    suggestions: list[dict] = field(default_factory=list)
    widen: list[dict] = field(default_factory=list)  # no hits: the query without one term, with its total
    generation: str = ""  # the index generation that answered (not in the JSON: the API sends it as a header)

    @property
    def pages(self) -> int:
        count = self.total if self.listed is None else self.listed
        return max(1, -(-count // self.page_size))

    def to_dict(self) -> dict:
        return {
            "query": self.query, "total": self.total, "total_docs": self.total_docs,
            "page": self.page, "page_size": self.page_size, "facets": self.facets,
            "hits": [h.to_dict() for h in self.hits],
            "total_exact": self.total_exact, "total_words": self.total_words,
            "total_context": self.total_context, "total_partial": self.total_partial, "group": self.group,
            "listed": self.total if self.listed is None else self.listed,
            "pages": self.pages, "filters": self.filters, "fixed_filters": self.fixed_filters,
            "sort": self.sort, "warnings": self.warnings, "took_ms": self.took_ms,
            "did_you_mean": self.did_you_mean, "expanded": self.expanded, "suggestions": self.suggestions,
            "widen": self.widen,
            # display labels of facet values whose stored form is not for people (level)
            "facet_labels": facet_labels(self.facets),
            # what people call each facet (乡镇, 主题 …), from the field model
            "filter_labels": {name: field_model.current().labels.get(name, name) for name in self.facets},
        }


def facet_labels(facets: dict[str, dict[str, int]]) -> dict[str, dict[str, str]]:
    """For each facet whose field has a ``value_label`` (level), its values as people read them."""
    model = field_model.current()
    return {name: {v: model.by_filter[name].shown(v) for v in facets.get(name, {})}
            for name in model.facets if model.by_filter[name].value_label}


def empty_results(page: int, page_size: int, sort: str = "relevance", warnings: list[str] | None = None) -> Results:
    """The answer to a query that names nothing once parsed (``q=*``, ``town=,``): no hits,
    and the warnings saying why. The API and the pages answer it alike (200, not an error)."""
    return Results(query="", total=0, total_docs=0, page=page, page_size=page_size,
                   facets={k: {} for k in field_model.current().facets}, hits=[], sort=sort,
                   warnings=list(warnings or []))
