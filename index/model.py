"""The records that flow one way: file → Report → Passage → index → Hit."""

from __future__ import annotations

from dataclasses import dataclass, field

SECTION_SEPARATOR = " > "

# Passage kinds. Captions and bylines are kept (searchable, shown as such) but never
# become a section heading.
KINDS = ("title", "heading", "body", "caption", "byline")


@dataclass
class Passage:
    passage_id: str
    kind: str
    section: tuple[str, ...]
    text: str
    topics: list[str] = field(default_factory=list)

    @property
    def section_path(self) -> str:
        return SECTION_SEPARATOR.join(self.section)


@dataclass
class Report:
    doc_id: str
    source: str  # path relative to the corpus folder, with "/" separators
    title: str
    town: str | None
    county: str | None
    year: int | None
    encoding: str
    passages: list[Passage]
    subtitle: str = ""
    province: str | None = None
    city: str | None = None
    level: str | None = None
    review_year: int | None = None  # the year the report looks back on (its session year is ``year``)
