"""The field model: every field of a passage, declared once.

Each :class:`Field` says

* how Whoosh indexes and stores it (``whoosh``: a function of the shared analyzer
  giving the Whoosh field type, or ``None`` for a value Whoosh does not hold),
* where its value comes from (``level``: ``"report"`` or ``"passage"``, and ``take``:
  the value taken from a :class:`~index.model.Report` and a
  :class:`~index.model.Passage`; topics as a list),
* its column on the query side (``column``: ``"code"`` — an ``int32`` code into a
  table of values, ``-1`` for none —, ``"bits"`` — a ``uint64`` bit set over a
  value table —, ``"year"`` — ``int32``, ``0`` for unknown —, ``"int"`` or
  ``"text"`` — a blob with offsets —, or ``None``),
* its name in the JSON of a hit (``json``, with its JSON Schema; also the attribute
  of a :class:`~search.results.Hit`, while a :class:`~search.table.Row` uses ``name``),
* the query filter and facet it gives (``filter``: the filter/facet name, with
  ``aliases`` that may be written in a query, e.g. ``省:``; ``match``: how a filter
  value selects passages), and
* how people read it (``label``, ``unknown`` for a missing value, ``value_label``
  for a stored value, ``order`` among the facets, ``export`` its CSV column).

Everything else is derived from a :class:`Model` of these fields: the Whoosh schema
(index/generation/schema.py), the writer (index/generation/build.py), the columns written beside Whoosh
(index/generation/columns.py), the passage table and its rows (search/table.py), the hit JSON
(search/results.py), the query filters (search/query.py), the filter masks and facets
(search/engine.py), the comparison's dimensions (search/compare.py), the CLI options
(govsearch/cli.py), the API parameters and the OpenAPI description (web/), the label
tables and the CSV export. A new field is one line in :data:`FIELDS`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property

from whoosh import columns as wc
from whoosh import fields as wf
from whoosh import formats

from index.model import KINDS, Report, report_value
from index.normalize import normalize
from index.reading.places import LEVEL_ALIASES, level_label
from index.visibility import PUBLIC

NULLABLE_STRING = {"type": ["string", "null"]}
NULLABLE_INT = {"type": ["integer", "null"]}
STRING = {"type": "string"}
STRINGS = {"type": "array", "items": {"type": "string"}}

SECTION_BOOST = 2.0  # Whoosh field boost of the heading path

# how a filter value selects passages (search/engine.py)
MATCHES = ("value", "bits", "year", "heading")


def _words(analyzer):
    from index.analysis import WordTokenizer

    return WordTokenizer(analyzer)


class WordSetField(wf.FieldType):
    """Whoosh field of the words a passage has (existence only). The build hands over each
    passage's words as a list, which is indexed as Whoosh's ``Existence`` format indexes a
    list (each distinct word once, weight the field boost), without making a token per word."""

    def index(self, value, **kwargs):
        if isinstance(value, (list, tuple)):
            boost = self.format.field_boost
            return ((w.encode("utf-8"), 1, boost, b"") for w in set(value))
        return super().index(value, **kwargs)


@dataclass(frozen=True)
class Field:
    name: str  # Whoosh field name, the Report / Passage attribute and the Row attribute
    level: str  # "report" or "passage"
    whoosh: Callable | None  # analyzer -> whoosh.fields.FieldType
    take: Callable | None = None  # (report, passage) -> value
    column: str | None = None  # "code" | "bits" | "year" | "int" | "text" | None
    attr: str | None = None  # PassageTable column attribute (default: name)
    names: str | None = None  # PassageTable attribute of the value table (code/bits columns)
    json: str | None = None  # name in a hit's JSON, and the Hit attribute
    schema: dict | None = None  # JSON Schema of the JSON value
    filter: str | None = None  # filter and facet name
    aliases: tuple[str, ...] = ()  # other names of the filter in queries
    facet: bool = False
    description: str = ""  # of the filter, for the OpenAPI description and the CLI help
    example: str = ""
    match: str | None = None  # one of MATCHES: how a filter value selects passages
    label: str = ""  # the field as people call it (facet legends, comparison headings, CSV header)
    unknown: str = ""  # a missing value as people read it (comparison rows)
    value_label: Callable[[str | None], str | None] | None = None  # a stored value as people read it
    value_aliases: Mapping[str, str] | None = None  # what users write for a stored value (level:乡镇)
    value_order: tuple[str, ...] = ()  # values listed first in the value table, in this order
    names_blob: str | None = None  # the value table kept as a text blob (and its normalized copy), not in values.json
    order: int = 0  # position among the facets and filters shown to people
    export: int = 0  # position of its CSV column (0: not exported)
    api: bool = True  # a parameter of the search API (else only written inside q)
    empty: object = None  # the value a passage without one has (Whoosh does not store an empty value)

    @property
    def column_attr(self) -> str:
        return self.attr or self.name

    @property
    def names_attr(self) -> str:
        return self.names or f"{self.name}_names"

    def shown(self, value) -> str | None:
        """A value as people read it (the level township as 乡镇/街道)."""
        if value is None:
            return None
        return self.value_label(value) if self.value_label else str(value)

    def aliased(self, value: str) -> str | None:
        """The stored value that ``value`` names as an alias, compared normalized
        (乡镇/街道, 鄉鎮 and ``街道`` name township); None when it names none."""
        return _normalized_aliases(self.value_aliases).get(normalize(value)) if self.value_aliases else None

    def value_names(self) -> dict[str, tuple[str, ...]]:
        """Each stored value of a closed filter (one with :attr:`value_aliases`) → the
        names users may write for it, its label first (township → 乡镇/街道, 乡镇, 镇 …)."""
        out: dict[str, list[str]] = {}
        for alias, stored in (self.value_aliases or {}).items():
            out.setdefault(stored, [])
            if alias != stored:
                out[stored].append(alias)
        label = self.shown
        return {v: tuple(sorted(names, key=lambda a: a != label(v))) for v, names in out.items()}

    def selecting(self, values) -> list[str]:
        """What filter ``values`` select stored values by, normalized: each value, and the
        stored value its alias names (level:乡镇 also selects township); see :meth:`selects`."""
        wanted = [normalize(v) for v in values]
        if self.value_aliases:
            wanted += [normalize(stored) for v in values if (stored := self.aliased(v)) is not None]
        return wanted

    @staticmethod
    def selects(stored: str, wanted: list[str]) -> bool:
        """Whether a stored value is selected by :meth:`selecting`'s values: it is one of
        them or starts with one (大隗 → 大隗镇)."""
        s = normalize(stored)
        return any(s.startswith(w) for w in wanted)

    def to_whoosh(self, value):
        """The value as Whoosh takes it (a topic list as one comma-separated string)."""
        if self.column == "bits":
            return ",".join(value or ())
        return value

    def from_whoosh(self, stored):
        """The value of a stored Whoosh field, as :attr:`take` gives it."""
        if self.column == "bits":
            return [v for v in (stored or "").split(",") if v]
        return self.empty if stored is None else stored


@functools.cache
def _normalized_aliases_of(items: tuple) -> dict[str, str]:
    return {normalize(alias): stored for alias, stored in items}


def _normalized_aliases(aliases: Mapping[str, str]) -> dict[str, str]:
    """An alias table keyed by the normalized aliases (what a filter value is compared as)."""
    return _normalized_aliases_of(tuple(aliases.items()))


def _place(name: str, label: str, description: str, aliases: tuple[str, ...], example: str, order: int,
           export: int = 0, **more) -> Field:
    return Field(name, "report", lambda a: wf.ID(stored=True), lambda r, p, n=name: report_value(r, n),
                 column="code", json=name, schema=NULLABLE_STRING, filter=name, aliases=aliases, facet=True,
                 description=description, example=example, match="value", label=label, unknown=f"未注明{label}",
                 order=order, export=export, **more)


FIELDS: tuple[Field, ...] = (
    # the passage's row in the bigram index and the columns, as a Whoosh column (docnum → row)
    Field("row", "passage", lambda a: wf.COLUMN(wc.NumericColumn("I"))),
    Field("doc_id", "report", lambda a: wf.ID(stored=True), lambda r, p: r.doc_id, column="code", attr="doc",
          names="doc_ids", json="doc_id", schema=STRING),
    Field("seq", "passage", lambda a: wf.STORED(), column="int"),  # position in the report
    Field("kind", "passage", lambda a: wf.ID(stored=True), lambda r, p: p.kind, column="code", json="kind",
          schema={"type": "string", "enum": list(KINDS)}, value_order=KINDS, empty="body"),
    # the heading path, " > " between levels: searchable with the shared jieba analyzer
    Field("section", "passage",
          lambda a: wf.TEXT(analyzer=_words(a), stored=True, field_boost=SECTION_BOOST),
          lambda r, p: p.section_path, column="code", json="section", filter="section", aliases=("标题", "章节"),
          description="heading path (标题检索: words in the headings)", example="党建", match="heading",
          label="章节", names_blob="sections", export=4, api=False, empty="",
          schema={"type": "string", "description": "Heading path, parts joined by ' > '; empty before the first heading."}),
    Field("topics", "passage", lambda a: wf.KEYWORD(stored=True, commas=True, scorable=True),
          lambda r, p: list(p.topics), column="bits", names="topic_names", json="topics", schema=STRINGS,
          filter="topic", aliases=("主题",), facet=True, description="topic of the lexicon", example="党建",
          match="bits", label="主题", unknown="无主题", order=10),
    _place("town", "乡镇", "town 镇/乡/街道", ("镇", "乡镇", "街道"), "大隗镇", 50, export=1),
    _place("county", "县市区", "county-level unit 市/区/县", ("县", "区县", "县区", "县市区"), "新密市", 40, export=6),
    _place("city", "地市", "prefecture-level city 地级市", ("市", "地市", "城市"), "郑州市", 30, export=7),
    _place("province", "省份", "province 省", ("省", "省份"), "河南省", 20, export=8),
    _place("level", "级别", "administrative level 级别", ("级别", "层级"), "乡镇", 60,
           value_label=level_label, value_aliases=LEVEL_ALIASES),
    # one term per passage (no range tiers: the query side filters years from its column)
    Field("year", "report", lambda a: wf.NUMERIC(int, bits=16, shift_step=16, stored=True),
          lambda r, p: report_value(r, "year"), column="year", json="year",
          schema=NULLABLE_INT, filter="year", aliases=("年", "年份"), facet=True,
          description="year (YYYY) or range (YYYY-YYYY)", example="2022", match="year", label="年份",
          unknown="年份不详", order=70, export=3),
    # the year a report looks back on (a 2019 session reviewing 2018), where it differs
    # from its session year: stored, shown in the document view
    Field("review_year", "report", lambda a: wf.STORED(), lambda r, p: r.review_year, label="回顾年份"),
    # stored with every passage (Whoosh is a complete record); the query side keeps it once
    # per report, in the titles blob
    Field("title", "report", lambda a: wf.STORED(), lambda r, p: r.title, json="title", schema=STRING,
          label="标题", export=2),
    Field("visibility", "report", lambda a: wf.ID(stored=True), lambda r, p: report_value(r, "visibility") or PUBLIC, column="code", json="visibility", schema=STRING, label="可见范围", empty=PUBLIC),  # who may see it: index/visibility.py
    # which multi-character jieba words a passage has (existence only: exact matching and
    # ranking work from the text itself); "scorable" only keeps a lengths column, without
    # which Whoosh's writer asks the file system about it once per posting
    Field("words", "passage", lambda a: WordSetField(formats.Existence(), _words(a), scorable=True)),
    Field("text", "passage", lambda a: wf.STORED(), lambda r, p: p.text, column="text", json="passage",
          label="段落", export=5, schema={"type": "string", "description": "Plain text of the passage."}),
)


class Model:
    """A set of fields and everything derived from it. :data:`MODEL` is the one in use;
    code reads it through :func:`current` when it runs, so a model made for a test
    (``monkeypatch.setattr(index.fields, "MODEL", Model(...))``) reaches every layer."""

    def __init__(self, fields: tuple[Field, ...]):
        self.fields = tuple(fields)
        self.by_name = {f.name: f for f in self.fields}
        self.whoosh_fields = tuple(f for f in self.fields if f.whoosh is not None)
        self.columns = tuple(f for f in self.fields if f.column is not None)
        self.code_columns = tuple(f for f in self.columns if f.column in ("code", "bits"))
        self.filters = tuple(f for f in self.fields if f.filter)
        self.by_filter = {f.filter: f for f in self.filters}
        self.facets = tuple(f.filter for f in self.fields if f.facet)  # in model order: the JSON's facet order
        # town, county, city, province, level: report-level values matched by name (大隗 → 大隗镇)
        self.value_filters = tuple(f.filter for f in self.filters if f.match == "value")
        self.report_fields = tuple(f for f in self.fields if f.level == "report" and f.take is not None)
        # the values a report carries besides its id (title, places, year …)
        self.report_values = tuple(f.name for f in self.report_fields if f.name != "doc_id")
        # report fields the extracted metadata does not give: only a sidecar column sets them
        self.extra_report_values = tuple(n for n in self.report_values if n not in Report.__dataclass_fields__)
        self.hit_fields = {f.json: f.name for f in self.fields if f.json}  # JSON name (Hit attribute) → Row attribute

    @cached_property
    def shown_facets(self) -> tuple[str, ...]:
        """Facets in the order people see them (topic, then places from large to small, then year)."""
        return tuple(f.filter for f in sorted((f for f in self.fields if f.facet), key=lambda f: f.order))

    @cached_property
    def api_filters(self) -> tuple[str, ...]:
        return tuple(f.filter for f in self.filters if f.api)

    @cached_property
    def labels(self) -> dict[str, str]:
        """Filter / facet name (and field name) → its label: 乡镇, 主题 …"""
        out = {f.name: f.label for f in self.fields if f.label}
        out.update({f.filter: f.label for f in self.filters if f.label})
        return out

    @cached_property
    def unknown_labels(self) -> dict[str, str]:
        return {f.filter: f.unknown for f in self.filters if f.unknown}

    @cached_property
    def export_fields(self) -> tuple[Field, ...]:
        return tuple(sorted((f for f in self.fields if f.export and f.json), key=lambda f: f.export))

    def filter_names(self) -> dict[str, str]:
        """Every name a filter may be written with in a query (``town``, ``镇`` …) → its field."""
        out: dict[str, str] = {}
        for f in self.filters:
            out[f.filter] = f.filter
            for alias in f.aliases:
                out[alias] = f.filter
        return out

    def shown(self, filter_name: str, value) -> str | None:
        """A value of a filter / facet as people read it."""
        f = self.by_filter.get(filter_name) or self.by_name.get(filter_name)
        return f.shown(value) if f is not None else value

    def whoosh_document(self, report, passage, row: int, seq: int, words: list[str], section_words: list[str]) -> dict:
        """The Whoosh document of one passage; text fields arrive already segmented, the
        heading path is stored as written."""
        doc: dict = {"row": row, "seq": seq, "words": words, "section": section_words,
                     "_stored_section": passage.section_path}
        for f in self.whoosh_fields:
            if f.take is not None and f.name not in doc:
                doc[f.name] = f.to_whoosh(f.take(report, passage))
        return doc

    def row_values(self, report, passage, seq: int) -> dict:
        """A passage's column values (topics as a list)."""
        values = {"seq": seq}
        for f in self.columns:
            if f.take is not None and f.column != "text":
                values[f.name] = f.take(report, passage)
        return values

    def report_record(self, report) -> dict:
        """The values of a report (title, places, year …) by field name."""
        return {name: self.by_name[name].take(report, None) for name in self.report_values}


MODEL = Model(FIELDS)


def current() -> Model:
    """The field model in use."""
    return MODEL


# the names other modules imported before the Model: the shipped model's
BY_NAME = MODEL.by_name
WHOOSH_FIELDS = MODEL.whoosh_fields
COLUMNS = MODEL.columns
CODE_COLUMNS = MODEL.code_columns
FILTERS = MODEL.filters
FACETS = MODEL.facets
PLACE_FILTERS = MODEL.value_filters
REPORT_VALUES = MODEL.report_values


def filter_names() -> dict[str, str]:
    return current().filter_names()


def report_values(report) -> dict:
    """The values of a report (title, town, county, city, province, level, year …)."""
    return current().report_record(report)


def whoosh_document(report, passage, row: int, seq: int, words: list[str], section_words: list[str]) -> dict:
    return current().whoosh_document(report, passage, row, seq, words, section_words)
