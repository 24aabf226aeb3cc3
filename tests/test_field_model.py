"""The field model as one line (index/fields.py): a field added to a temporary model is
read from a sidecar, written to Whoosh and the columns, and searched, filtered, faceted,
compared and exported through the Python API, the CLI, the JSON API and the CSV with no
other change; and the model's own tables (labels, filters, options) come from it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import write_corpus
from govsearch.cli import main
from index import build
from index import fields as field_model
from index.generation.columns import MANIFEST, rebuild_from_whoosh
from search import Searcher
from search.compare import compare
from web import create_app

REPORT_EAST = "东湖镇2022年工作总结\n\n一、党建工作\n东湖镇扎实推动五星支部创建。\n\n二、项目建设\n新建厂房两栋。\n"
REPORT_WEST = "西岭镇2021年工作总结\n\n一、党建工作\n西岭镇推进五星支部建设，党员冬训全覆盖。\n"
REPORT_NONE = "南山镇2020年工作总结\n\n一、党建工作\n南山镇五星支部创建起步。\n"
SIDECAR = "file\tdistrict\n" "east.txt\t东片\n" "west.txt\t西片\n" "none.txt\t\n"

DISTRICT = field_model._place("district", "片区", "district 片区", ("片区",), "东片", order=80, export=6)


@pytest.fixture
def district_model(monkeypatch):
    """The shipped model plus one line: a report-level ``district`` field."""
    model = field_model.Model((*field_model.FIELDS, DISTRICT))
    monkeypatch.setattr(field_model, "MODEL", model)
    return model


@pytest.fixture
def district_index(tmp_path, district_model) -> Path:
    corpus = write_corpus(tmp_path / "c", {"east.txt": REPORT_EAST, "west.txt": REPORT_WEST, "none.txt": REPORT_NONE,
                                           "metadata.tsv": SIDECAR})
    build(corpus, tmp_path / "i", workers=1)
    return tmp_path / "i"


def _gen(index_dir: Path) -> Path:
    return index_dir / (index_dir / "CURRENT").read_text().strip()


def test_an_added_field_is_searched_filtered_faceted_and_compared(district_index):
    s = Searcher(district_index)
    res = s.search("五星支部")
    assert res.total == 3
    by_town = {h.town: h for h in res.hits}
    assert by_town["东湖镇"].district == "东片" and by_town["西岭镇"].district == "西片"
    assert by_town["南山镇"].district is None  # an empty sidecar cell: no value
    assert by_town["东湖镇"].to_dict()["district"] == "东片"
    assert res.facets["district"] == {"东片": 1, "西片": 1}
    assert res.to_dict()["filter_labels"]["district"] == "片区"
    # the same filter as a dict, a keyword and written in the query (name and alias)
    for filtered in (s.search("五星支部", {"district": ["东片"]}), s.search("五星支部", district="东片"),
                     s.search("五星支部 district:东片"), s.search("五星支部 片区:东")):
        assert [h.town for h in filtered.hits] == ["东湖镇"], filtered.query
    alone = s.search("片区:东片", page_size=50)  # a filter alone: every passage of the east report
    assert alone.total == 5 and {h.town for h in alone.hits} == {"东湖镇"}
    assert s.search("五星支部", {"district": ["东片", "西片"]}).total == 2
    assert s.search("五星支部", {"district": ["北片"]}).total == 0
    comparison = compare(s, "五星支部", by=["district", "year"])
    assert comparison.by == ["district", "year"] and "district" in comparison.fields
    assert {line.value: line.passages for line in comparison.rows} == {"东片": 1, "西片": 1, None: 1}
    assert compare(s, "五星支部", {"district": ["西片"]}, by=["town", "year"]).total == 1
    # the report view and the report list carry it too
    doc = s.document(by_town["西岭镇"].doc_id)
    assert doc["district"] == "西片"
    assert {d["district"] for d in s.documents()} == {"东片", "西片", None}


def test_an_added_field_through_the_cli(district_index):
    runner = CliRunner()
    result = runner.invoke(main, ["search", "五星支部", "--district", "西片", "--json", "--index", str(district_index)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [h["district"] for h in data["hits"]] == ["西片"] and data["filters"] == {"district": ["西片"]}
    assert "--district" in runner.invoke(main, ["search", "--help"]).output


def test_an_added_field_through_the_api_and_the_csv(district_index):
    client = create_app({"TESTING": True, "index": str(district_index)}).test_client()
    data = client.get("/api/search", query_string={"q": "五星支部", "district": "东片"}).get_json()
    assert [h["district"] for h in data["hits"]] == ["东片"]
    assert data["filters"] == {"district": ["东片"]} and not data["warnings"]  # a known parameter
    assert client.get("/api/search?q=五星支部").get_json()["facets"]["district"] == {"东片": 1, "西片": 1}
    compared = client.get("/api/compare", query_string=[("q", "五星支部"), ("by", "district"), ("by", "year")]).get_json()
    assert compared["by"] == ["district", "year"]
    assert {r["value"]: r["passages"] for r in compared["rows"]} == {"东片": 1, "西片": 1, None: 1}
    spec = client.get("/api/openapi.json").get_json()
    assert "district" in [p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]]
    assert "district" in spec["components"]["schemas"]["Hit"]["properties"]
    labels = {f["name"]: f["label"] for f in client.get("/api/fields").get_json()["filters"]}
    assert labels["district"] == "片区" and labels["town"] == "乡镇"
    response = client.get("/export.csv", query_string={"q": "五星支部", "district": "西片"})
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert "片区" in rows[0] and rows[0][0] == "乡镇"  # the model's export columns, then the computed ones
    column = rows[0].index("片区")
    assert [r[column] for r in rows[1:] if r and r[0] == "西岭镇"] == ["西片"] and len(rows) == 2
    # the HTML page offers it as a facet with its label
    page = client.get("/", query_string={"q": "五星支部"}).get_data(as_text=True)
    assert "片区" in page and "东片" in page


def test_whoosh_holds_an_added_field_and_the_columns_rebuild_from_it(district_index, tmp_path):
    gen = _gen(district_index)
    (gen / "documents.json").rename(tmp_path / "documents.json")  # not needed: Whoosh is the record
    rebuilt = rebuild_from_whoosh(gen, tmp_path / "rebuilt")
    names = json.loads((gen / MANIFEST).read_text())["files"]
    assert {n: (gen / n).read_bytes() for n in names} == {n: (rebuilt / n).read_bytes() for n in names}
    assert "district_names" in json.loads((gen / "values.json").read_text())


# --------------------------------------------------------------------------- the model's own tables


def test_every_filter_has_a_label_and_a_match_rule():
    model = field_model.current()
    for f in model.filters:
        assert f.label, f.name
        assert f.match in field_model.MATCHES, f.name
        if f.facet:
            assert f.unknown, f.name
    assert model.shown_facets == ("topic", "province", "city", "county", "town", "level", "year")


def test_every_value_with_a_column_or_json_is_stored_in_whoosh():
    """Whoosh is a complete record: each value the query side maps or a hit shows is a
    stored Whoosh field (the row is Whoosh's own column)."""
    from index.analysis import Analyzer
    from index.generation.schema import make_schema

    schema = make_schema(Analyzer())
    for f in field_model.current().fields:
        if (f.column or f.json) and f.name != "row":
            assert schema[f.name].stored, f.name


def test_cli_has_an_option_per_api_filter():
    import click

    from govsearch.cli import search_command

    # the filter options are made when the command is shown or run (index.fields imports
    # Whoosh, which --version does not load): asked as click asks, not read from .params,
    # which holds them only once another test has run the command
    options = {o for p in search_command.get_params(click.Context(search_command)) for o in p.opts}
    for name in ("--town", "--county", "--city", "--province", "--level", "--topic", "--year"):
        assert name in options
    assert "--section" not in options  # section: is written in the query only (Field.api False)


def test_province_city_level_options_filter(sample_index):
    runner = CliRunner()
    out = runner.invoke(main, ["search", "五星支部", "--level", "乡镇", "--json", "--index", str(sample_index)])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["filters"] == {"level": ["乡镇"]} and data["total"] >= 1
    none = json.loads(runner.invoke(main, ["search", "五星支部", "--province", "不存在省", "--json",
                                           "--index", str(sample_index)]).output)
    assert none["total"] == 0 and none["filters"] == {"province": ["不存在省"]}


def test_topics_are_a_list_from_the_report_to_the_hit(sample):
    from index.model import Passage, Report

    passage = Passage("x:0", "body", (), "党建工作", ["党建", "民生"])
    report = Report("x", "x.txt", "标题", None, None, None, "utf-8", [passage])
    assert field_model.current().row_values(report, passage, 0)["topics"] == ["党建", "民生"]
    assert field_model.current().whoosh_document(report, passage, 0, 0, [], [])["topics"] == "党建,民生"
    hit = sample.search("五星支部", topic="党建").hits[0]
    assert isinstance(hit.topics, list) and "党建" in hit.topics
