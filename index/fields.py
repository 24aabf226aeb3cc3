"""The field model: every field of a passage, declared once.

Each :class:`Field` says

* how Whoosh indexes it (``whoosh``: a function of the shared analyzer giving the
  Whoosh field type, or ``None`` for a value kept only beside Whoosh),
* where its value comes from (``level``: ``"report"`` or ``"passage"``, and ``take``:
  the value taken from a :class:`~index.model.Report` and a
  :class:`~index.model.Passage`, in the form the Whoosh writer gets it),
* its column on the query side (``column``: ``"code"`` — an ``int32`` code into a
  table of values, ``-1`` for none —, ``"bits"`` — a ``uint64`` bit set over a
  value table —, ``"year"`` — ``int32``, ``0`` for unknown —, ``"int"`` or
  ``"text"`` — a blob with offsets —, or ``None``),
* its name in the JSON of a hit (``json``, with its JSON Schema), and
* the query filter and facet it gives (``filter``: the filter/facet name, with
  ``aliases`` that may be written in a query, e.g. ``省:``).

The Whoosh schema (index/schema.py), the writer (index/build.py), the columns written
beside Whoosh (index/columns.py), the passage table (search/table.py), the hit JSON
(search/results.py), the query filters (search/query.py) and the OpenAPI description
(web/openapi.py) are all derived from :data:`FIELDS`: a new field is one line here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from whoosh import columns as wc
from whoosh import fields as wf
from whoosh import formats

from .model import KINDS

NULLABLE_STRING = {"type": ["string", "null"]}
NULLABLE_INT = {"type": ["integer", "null"]}
STRING = {"type": "string"}
STRINGS = {"type": "array", "items": {"type": "string"}}

SECTION_BOOST = 2.0  # Whoosh field boost of the heading path


def _words(analyzer):
    from .analysis import WordTokenizer

    return WordTokenizer(analyzer)


@dataclass(frozen=True)
class Field:
    name: str  # Whoosh field name, and the Report / Passage attribute for plain fields
    level: str  # "report" or "passage"
    whoosh: Callable | None  # analyzer -> whoosh.fields.FieldType
    take: Callable | None = None  # (report, passage) -> value for the Whoosh writer
    column: str | None = None  # "code" | "bits" | "year" | "int" | "text" | None
    attr: str | None = None  # PassageTable column attribute (default: name)
    names: str | None = None  # PassageTable attribute of the value table (code/bits columns)
    json: str | None = None  # name in a hit's JSON
    schema: dict | None = None  # JSON Schema of the JSON value
    filter: str | None = None  # filter and facet name
    aliases: tuple[str, ...] = ()  # other names of the filter in queries
    facet: bool = False
    description: str = ""  # of the filter, for the OpenAPI description
    example: str = ""

    @property
    def column_attr(self) -> str:
        return self.attr or self.name

    @property
    def names_attr(self) -> str:
        return self.names or f"{self.name}_names"


def _report_attr(name: str) -> Callable:
    return lambda report, passage: getattr(report, name, None)


def _place(name: str, label: str, aliases: tuple[str, ...], example: str) -> Field:
    return Field(name, "report", lambda a: wf.ID(), _report_attr(name), column="code", json=name,
                 schema=NULLABLE_STRING, filter=name, aliases=aliases, facet=True,
                 description=label, example=example)


FIELDS: tuple[Field, ...] = (
    # the passage's row in the bigram index and the columns, as a Whoosh column (docnum → row)
    Field("row", "passage", lambda a: wf.COLUMN(wc.NumericColumn("I"))),
    Field("doc_id", "report", lambda a: wf.ID(stored=True), lambda r, p: r.doc_id, column="code", attr="doc",
          names="doc_ids", json="doc_id", schema=STRING),
    Field("seq", "passage", lambda a: wf.STORED(), column="int"),  # position in the report
    Field("kind", "passage", lambda a: wf.ID(stored=True), lambda r, p: p.kind, column="code", json="kind",
          schema={"type": "string", "enum": list(KINDS)}),
    # the heading path, " > " between levels: searchable with the shared jieba analyzer
    Field("section", "passage",
          lambda a: wf.TEXT(analyzer=_words(a), stored=True, field_boost=SECTION_BOOST),
          lambda r, p: p.section_path, column="code", json="section", filter="section", aliases=("标题", "章节"),
          description="heading path (标题检索: words in the headings)", example="党建",
          schema={"type": "string", "description": "Heading path, parts joined by ' > '; empty before the first heading."}),
    Field("topics", "passage", lambda a: wf.KEYWORD(stored=True, commas=True, scorable=True),
          lambda r, p: ",".join(p.topics), column="bits", names="topic_names", json="topics", schema=STRINGS,
          filter="topic", aliases=("主题",), facet=True, description="topic of the lexicon", example="党建"),
    _place("town", "town 镇/乡/街道", ("镇", "乡镇", "街道"), "大隗镇"),
    _place("county", "county-level unit 市/区/县", ("县", "区县", "县区", "县市区"), "新密市"),
    _place("city", "prefecture-level city 地级市", ("市", "地市", "城市"), "郑州市"),
    _place("province", "province 省", ("省", "省份"), "河南省"),
    _place("level", "administrative level 级别", ("级别", "层级"), "乡镇"),
    # one term per passage (no range tiers: the query side filters years from its column)
    Field("year", "report", lambda a: wf.NUMERIC(int, bits=16, shift_step=16), _report_attr("year"), column="year", json="year",
          schema=NULLABLE_INT, filter="year", aliases=("年", "年份"), facet=True,
          description="year (YYYY) or range (YYYY-YYYY)", example="2022"),
    # the year a report looks back on (a 2019 session reviewing 2018): documents.json and
    # the document view only
    Field("review_year", "report", None, _report_attr("review_year")),
    Field("title", "report", None, json="title", schema=STRING),  # kept once per report (documents.json)
    # which multi-character jieba words a passage has (existence only: exact matching and
    # ranking work from the text itself); "scorable" only keeps a lengths column, without
    # which Whoosh's writer asks the file system about it once per posting
    Field("words", "passage", lambda a: wf.FieldType(formats.Existence(), _words(a), scorable=True)),
    Field("text", "passage", lambda a: wf.STORED(), lambda r, p: p.text, column="text", json="passage",
          schema={"type": "string", "description": "Plain text of the passage."}),
)

BY_NAME = {f.name: f for f in FIELDS}
WHOOSH_FIELDS = tuple(f for f in FIELDS if f.whoosh is not None)
COLUMNS = tuple(f for f in FIELDS if f.column is not None)
CODE_COLUMNS = tuple(f for f in COLUMNS if f.column in ("code", "bits"))
FILTERS = tuple(f for f in FIELDS if f.filter)
FACETS = tuple(f.filter for f in FIELDS if f.facet)
# town, county, city, province, level: report-level values matched by name (大隗 → 大隗镇)
PLACE_FILTERS = tuple(f.filter for f in FIELDS if f.column == "code" and f.filter and f.level == "report")
REPORT_VALUES = tuple(f.name for f in FIELDS if f.level == "report" and f.take is not None and f.name != "doc_id")


def filter_names() -> dict[str, str]:
    """Every name a filter may be written with in a query (``town``, ``镇`` …) → its field."""
    out: dict[str, str] = {}
    for f in FILTERS:
        out[f.filter] = f.filter
        for alias in f.aliases:
            out[alias] = f.filter
    return out


def report_values(report) -> dict:
    """The report-level values of a report (town, county, city, province, level, year)."""
    return {name: getattr(report, name, None) for name in REPORT_VALUES}


def whoosh_document(report, passage, row: int, seq: int, words: list[str], section_words: list[str]) -> dict:
    """The Whoosh document of one passage; text fields arrive already segmented."""
    doc: dict = {"row": row, "seq": seq, "words": words, "section": section_words}
    for f in WHOOSH_FIELDS:
        if f.take is not None and f.name not in doc:
            doc[f.name] = f.take(report, passage)
    return doc
