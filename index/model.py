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
    # values of fields the model declares beyond the attributes above (from a sidecar's
    # column of that name): field name → value
    extra: dict[str, object] = field(default_factory=dict)


def report_value(report: Report, name: str):
    """The value of a report's field ``name``: its attribute, or one of its extra values."""
    if name in Report.__dataclass_fields__ and name != "extra":
        return getattr(report, name)
    return report.extra.get(name)
