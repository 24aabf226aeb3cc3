"""The whole state of a search, as carried by the URL.

``?q=五星支部&topic=党建&town=大隗镇&year=2022&sort=year&page=2`` — filters may repeat.
Every page builds its links from a :class:`SearchState`, so a link, the back button
and a bookmark always show the same results.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from werkzeug.datastructures import MultiDict

FACETS = ("topic", "town", "county", "year")
FACET_LABELS = {"topic": "主题", "town": "乡镇", "county": "县市区", "year": "年份"}
SORT_LABELS = {"relevance": "相关度", "year": "年份（新→旧）"}


@dataclass(frozen=True)
class SearchState:
    q: str = ""
    topic: tuple[str, ...] = ()
    town: tuple[str, ...] = ()
    county: tuple[str, ...] = ()
    year: tuple[str, ...] = ()
    sort: str = "relevance"
    page: str = "1"  # kept as text: the engine checks it and says what is wrong
    page_size: str = ""  # empty: the configured default
    synonyms: bool = True  # False: ?synonyms=0, the synonym table is not applied
    group: str = ""  # empty: the endpoint's default (report on the pages, none in the API)
    extra: dict = field(default_factory=dict, compare=False)

    @classmethod
    def from_args(cls, args: MultiDict) -> "SearchState":
        def values(name: str) -> tuple[str, ...]:
            seen: dict[str, None] = {}
            for v in args.getlist(name):
                v = v.strip()
                if v:
                    seen[v] = None
            return tuple(seen)

        return cls(
            q=args.get("q", "").strip(),
            topic=values("topic"), town=values("town"), county=values("county"), year=values("year"),
            sort=args.get("sort", "").strip() or "relevance",
            page=args.get("page", "").strip() or "1",
            page_size=args.get("page_size", "").strip(),
            synonyms=args.get("synonyms", "").strip().lower() not in ("0", "false", "off", "no"),
            group=args.get("group", "").strip(),
        )

    @property
    def is_empty(self) -> bool:
        return not self.q and not any(getattr(self, f) for f in FACETS)

    @property
    def active(self) -> list[tuple[str, str]]:
        """(facet, value) for every filter given in the URL."""
        return [(f, v) for f in FACETS for v in getattr(self, f)]

    def is_active(self, facet: str, value: str) -> bool:
        return value in getattr(self, facet)

    def params(self) -> dict[str, object]:
        """URL parameters, defaults left out."""
        out: dict[str, object] = {}
        if self.q:
            out["q"] = self.q
        for f in FACETS:
            if getattr(self, f):
                out[f] = list(getattr(self, f))
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
        return out

    def with_synonyms(self, on: bool) -> "SearchState":
        return replace(self, synonyms=on, page="1")

    def with_query(self, q: str) -> "SearchState":
        return replace(self, q=q, page="1")

    def filter_params(self) -> dict[str, object]:
        """Only the query and filters: what a document page needs to come back."""
        return {k: v for k, v in self.params().items() if k in ("q", *FACETS)}

    def toggled(self, facet: str, value: str) -> "SearchState":
        """The state with ``value`` added to or removed from a facet, back on page 1."""
        current = getattr(self, facet)
        new = tuple(v for v in current if v != value) if value in current else (*current, value)
        return replace(self, **{facet: new}, page="1")

    def without_filters(self) -> "SearchState":
        return replace(self, topic=(), town=(), county=(), year=(), page="1")

    def sorted_by(self, sort: str) -> "SearchState":
        return replace(self, sort=sort, page="1")

    def at_page(self, page: int) -> "SearchState":
        return replace(self, page=str(page))

    def engine_kwargs(self, default_page_size: int, max_page_size: int, default_group: str = "none") -> dict:
        return dict(town=list(self.town), county=list(self.county), topic=list(self.topic), year=list(self.year),
                    page=self.page, page_size=self.page_size or default_page_size, sort=self.sort,
                    max_page_size=max_page_size, synonyms=self.synonyms, group=self.group or default_group)


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
