"""The whole state of a search, as carried by the URL.

``?q=五星支部&topic=党建&town=大隗镇&year=2022&sort=year&page=2`` — filters may repeat.
Every page builds its links from a :class:`SearchState`, so a link, the back button
and a bookmark always show the same results.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from werkzeug.datastructures import MultiDict

from index import fields as field_model
from index.errors import QueryError
from search.query import year_range

# the facets of the shipped field model as people see them, and their labels (index/fields.py);
# a state reads the model in use (index.fields.current())
FACETS = field_model.MODEL.shown_facets
FACET_LABELS = {f: field_model.MODEL.labels[f] for f in FACETS}
SORT_LABELS = {"relevance": "相关度", "year": "年份（新→旧）"}


YEAR_RANGE_MIN, YEAR_RANGE_MAX = "1000", "9999"  # an open end of the from–to range
YEAR_INPUTS = {"year_from": "起始年份", "year_to": "截止年份"}
NO_FIXED = "none"


def facets() -> tuple[str, ...]:
    """The facets of the field model in use, in the order people see them."""
    return field_model.current().shown_facets


def facet_labels() -> dict[str, str]:
    model = field_model.current()
    return {f: model.labels.get(f, f) for f in model.shown_facets}


@dataclass(frozen=True)
class SearchState:
    """The query, the values chosen for each facet of the field model (``chosen``; also
    read as attributes: ``state.town``, ``state["town"]``) and the page's settings."""
    q: str = ""
    chosen: dict = field(default_factory=dict)  # facet → tuple of values
    year_from: str = ""  # year as a range: from–to inputs (either may be empty)
    year_to: str = ""
    sort: str = "relevance"
    page: str = "1"  # kept as text: the engine checks it and says what is wrong
    page_size: str = ""  # empty: the configured default
    synonyms: bool = True  # False: ?synonyms=0, the synonym table is not applied
    group: str = ""  # empty: the endpoint's default (report on the pages, none in the API)
    fixed: tuple[str, ...] | None = None  # facets that cannot be removed or widened; None: not given
    by: tuple[str, ...] = ()  # comparison view: rows, columns
    pick: tuple[str, ...] = ()  # comparison view: row values drawn as lines
    embed_token: str = ""  # a signed embed token (web/access.py): every link of an embedded page carries it
    extra: dict = field(default_factory=dict, compare=False)

    def __getattr__(self, name: str):
        if name.startswith("__") or name == "chosen":
            raise AttributeError(name)
        if name in facets():
            return self.chosen.get(name, ())
        raise AttributeError(f"SearchState has no attribute {name!r}")

    def __getitem__(self, facet: str) -> tuple[str, ...]:
        return self.chosen.get(facet, ())

    def _with(self, chosen: dict, **changes) -> "SearchState":
        """The state with these facets' values replaced (and other fields changed)."""
        merged = {k: v for k, v in {**self.chosen, **chosen}.items() if v}
        return replace(self, chosen=merged, **changes)

    @classmethod
    def from_args(cls, args: MultiDict) -> "SearchState":
        def values(name: str) -> tuple[str, ...]:
            """A filter's values, each parameter split at commas as the query language
            splits ``town:甲,乙`` (so that ``town=,`` names no town, like ``town=``)."""
            seen: dict[str, None] = {}
            for v in args.getlist(name):
                for piece in re.split(r"[,，]", v) if name not in ("by", "pick") else (v,):
                    piece = piece.strip()
                    if piece:
                        seen[piece] = None
            return tuple(seen)

        fixed = None
        if "fixed" in args:
            names = [n.strip() for v in args.getlist("fixed") for n in re.split(r"[,，\s]+", v) if n.strip()]
            fixed = tuple(dict.fromkeys(n for n in names if n in facets()))
        chosen = {f: v for f in facets() if (v := values(f))}
        # a box's year as people type it too (2020年): the year
        year_from, year_to = (re.sub(r"(?<=\d)\s*年$", "", args.get(name, "").strip()) for name in ("year_from", "year_to"))
        # one range written as a year value (year=2018-2022) is the from–to range, as the
        # boxes would give it (not a facet entry of its own); kept as written, so that a
        # reversed range is still named by the parser's warning
        ranges = [v for v in chosen.get("year", ()) if year_range(v)]
        if len(ranges) == 1 and not year_from and not year_to:
            year_from, year_to = year_range(ranges[0])
            chosen["year"] = tuple(v for v in chosen["year"] if v != ranges[0])
            if not chosen["year"]:
                del chosen["year"]
        return cls(
            q=args.get("q", "").strip(),
            chosen=chosen,
            year_from=year_from, year_to=year_to,
            sort=args.get("sort", "").strip() or "relevance",
            page=args.get("page", "").strip() or "1",
            page_size=args.get("page_size", "").strip(),
            synonyms=args.get("synonyms", "").strip().lower() not in ("0", "false", "off", "no"),
            group=args.get("group", "").strip(),
            fixed=fixed, by=values("by"), pick=values("pick"),
            embed_token=args.get("embed_token", "").strip(),
        )

    @property
    def year_range(self) -> str:
        """The from–to inputs as a year filter (``2020-2022``), or empty."""
        if not self.year_from and not self.year_to:
            return ""
        return f"{self.year_from or YEAR_RANGE_MIN}-{self.year_to or YEAR_RANGE_MAX}"

    def values_of(self, facet: str) -> tuple[str, ...]:
        """Every filter value of a facet, the year range included."""
        values = self.chosen.get(facet, ())
        if facet == "year" and self.year_range:
            values = (*values, self.year_range)
        return values

    @property
    def is_empty(self) -> bool:
        return not self.q and not any(self.values_of(f) for f in facets())

    @property
    def active(self) -> list[tuple[str, str]]:
        """(facet, value) for every filter given in the URL (the year range is one)."""
        return [(f, v) for f in facets() for v in self.values_of(f)]

    def fixed_facets(self, default_all: bool = False) -> tuple[str, ...]:
        """The facets whose filters are fixed: those named by ``fixed=`` (``fixed=none``:
        none); without it, every facet with a filter when ``default_all`` (an embed)."""
        if self.fixed is None:
            return tuple(f for f in facets() if self.values_of(f)) if default_all else ()
        return self.fixed

    def is_active(self, facet: str, value: str) -> bool:
        return value in self.values_of(facet)

    def params(self) -> dict[str, object]:
        """URL parameters, defaults left out."""
        out: dict[str, object] = {}
        if self.q:
            out["q"] = self.q
        for f in facets():
            if self.chosen.get(f):
                out[f] = list(self.chosen[f])
        if self.year_from:
            out["year_from"] = self.year_from
        if self.year_to:
            out["year_to"] = self.year_to
        if self.fixed is not None:
            out["fixed"] = ",".join(self.fixed) or NO_FIXED
        if self.sort != "relevance":
            out["sort"] = self.sort
        if self.page != "1":
            out["page"] = self.page
        if self.page_size:
            out["page_size"] = self.page_size
        if not self.synonyms:
            out["synonyms"] = "0"
        if self.group:
            out["group"] = self.group
        if self.by:
            out["by"] = list(self.by)
        if self.pick:
            out["pick"] = list(self.pick)
        if self.embed_token:
            out["embed_token"] = self.embed_token
        return out

    def with_synonyms(self, on: bool) -> "SearchState":
        return replace(self, synonyms=on, page="1")

    def with_query(self, q: str) -> "SearchState":
        return replace(self, q=q, page="1")

    def filter_params(self) -> dict[str, object]:
        """Only the query and filters: what a document page needs to come back."""
        return {k: v for k, v in self.params().items() if k in ("q", *facets(), "year_from", "year_to", "fixed", "embed_token")}

    def toggled(self, facet: str, value: str) -> "SearchState":
        """The state with ``value`` added to or removed from a facet, back on page 1
        (the year range, given as its value, is removed as a whole)."""
        if facet == "year" and value == self.year_range and value not in self.year:
            return replace(self, year_from="", year_to="", page="1")
        current = self.chosen.get(facet, ())
        new = tuple(v for v in current if v != value) if value in current else (*current, value)
        return self._with({facet: new}, page="1")

    def without_filters(self, keep: tuple[str, ...] = ()) -> "SearchState":
        """No filters but those of the facets in ``keep`` (the fixed ones)."""
        changes = {"year_from": "", "year_to": ""} if "year" not in keep else {}
        return replace(self, chosen={f: v for f, v in self.chosen.items() if f in keep}, **changes, page="1")

    def sorted_by(self, sort: str) -> "SearchState":
        return replace(self, sort=sort, page="1")

    def at_page(self, page: int) -> "SearchState":
        return replace(self, page=str(page))

    def with_only(self, **values) -> "SearchState":
        """The state with these facets set to exactly one value each (a comparison cell)."""
        chosen = {f: (str(v),) for f, v in values.items() if f in facets()}
        changes = {"year_from": "", "year_to": ""} if "year" in chosen else {}
        return self._with(chosen, **changes, page="1", by=(), pick=())

    def engine_kwargs(self, default_page_size: int, max_page_size: int, fixed_default_all: bool = False,
                      default_group: str = "none") -> dict:
        return dict(**self.filter_kwargs(fixed_default_all), page=self.page,
                    page_size=self.page_size or default_page_size, sort=self.sort,
                    max_page_size=max_page_size, synonyms=self.synonyms, group=self.group or default_group)

    def filter_kwargs(self, fixed_default_all: bool = False) -> dict:
        """Only the filters ({facet: [values]}) and the fixed filters: what search,
        the comparison and the facet counts take as ``filters`` and ``fixed``."""
        for name, label in YEAR_INPUTS.items():  # each named as typed, not as the range made of them
            value = getattr(self, name)
            if value and not re.fullmatch(r"\d{4}", value):
                raise QueryError(f"{label}应为四位数字，如 2020，收到 {value!r} ({name} must be YYYY, not {value!r})")
        fixed_names = self.fixed_facets(fixed_default_all)
        filters = {f: list(self.values_of(f)) for f in facets() if f not in fixed_names and self.values_of(f)}
        fixed = {f: list(self.values_of(f)) for f in fixed_names if self.values_of(f)}
        return {"filters": filters, "fixed": fixed or None}


def page_window(page: int, pages: int, width: int = 2) -> list[int | None]:
    """Page numbers to show: first, last and ``width`` around the current one;
    ``None`` stands for a gap."""
    wanted = {1, pages, *range(page - width, page + width + 1)}
    shown = sorted(p for p in wanted if 1 <= p <= pages)
    out: list[int | None] = []
    for p in shown:
        if out and p - (out[-1] or 0) > 1:
            out.append(None)
        out.append(p)
    return out
