"""The Chinese names people type for a level (乡镇, 街道, 乡, 镇, 县级, 市级, 省级, 国家 …)
select the stored level (township, county, city, province, national) the same way in
the query syntax, the CLI's ``--level``, ``/api/search`` and ``/api/compare``: all read
them from the field model's ``level`` field, and the warning for a value that names no
level lists every one of them."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conftest import write_corpus
from govsearch.cli import main
from index import build
from index import fields as field_model
from search import Searcher
from search.query import parse_query
from web import create_app

LEVEL = field_model.MODEL.by_filter["level"]
# what a staff user types, and the stored level it means
TYPED = {"乡镇": "township", "街道": "township", "乡": "township", "镇": "township", "县级": "county",
         "市级": "city", "省级": "province", "国家": "national", "全国": "national"}

# one report per level, each saying 五星支部 once; the sidecar sets the level
REPORTS = {
    f"{level}.txt": f"{level}报告2022年工作总结\n\n{level}全面推进五星支部创建工作。\n"
    for level in ("township", "county", "city", "province", "national")
}
SIDECAR = "file\tlevel\n" + "".join(f"{level}.txt\t{level}\n" for level in
                                     ("township", "county", "city", "province", "national"))


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    base = tmp_path_factory.mktemp("levels")
    write_corpus(base / "corpus", {**REPORTS, "metadata.tsv": SIDECAR})
    build(base / "corpus", base / "index", workers=1)
    return base / "index"


@pytest.fixture(scope="module")
def searcher(index):
    return Searcher(index)


@pytest.fixture(scope="module")
def client(index):
    return create_app({"TESTING": True, "index": str(index)}).test_client()


def _every_name():
    return [(name, value) for value, names in LEVEL.value_names().items() for name in names]


def test_the_names_users_type_are_names_of_the_level_field():
    for name, value in TYPED.items():
        assert LEVEL.aliased(name) == value, name
    names = LEVEL.value_names()
    assert list(names) == ["township", "county", "city", "province", "national"]
    for value, written in names.items():
        assert written[0] == LEVEL.shown(value)  # the pages' label first: 乡镇/街道, 县级 …


@pytest.mark.parametrize(("name", "value"), _every_name())
def test_every_name_selects_its_level_in_the_query_and_the_api(searcher, client, name, value):
    assert parse_query(f"五星支部 level:{name}").warnings == []
    found = searcher.search(f"五星支部 level:{name}")
    assert {h.level for h in found.hits} == {value} and found.total == 1, name
    assert searcher.search(f"五星支部 级别:{name}").total == 1
    body = client.get("/api/search", query_string={"q": "五星支部", "level": name}).get_json()
    assert body["total"] == 1 and body["hits"][0]["level"] == value and body["warnings"] == [], name
    compare = client.get("/api/compare", query_string={"q": "五星支部", "level": name, "by": "level"})
    assert compare.status_code == 200, compare.get_json()
    assert [row["value"] for row in compare.get_json()["rows"]] == [value]


def test_a_name_is_compared_as_normalized_text(searcher, client):
    # the label with its slash, traditional characters, full-width and capital Latin letters
    for written in ("乡镇/街道", "鄉鎮", "街道辦", "ＴＯＷＮＳＨＩＰ", "Township", " 乡镇 "):
        found = searcher.search("五星支部", filters={"level": [written]})
        assert found.total == 1 and found.hits[0].level == "township" and not found.warnings, written
        assert client.get("/api/compare", query_string={"q": "五星支部", "level": written}).status_code == 200


def test_the_cli_level_option_takes_the_chinese_names(index):
    runner = CliRunner()
    for name, value in TYPED.items():
        out = runner.invoke(main, ["search", "五星支部", "--level", name, "--index", str(index), "--json"])
        assert out.exit_code == 0, out.output
        data = json.loads(out.output)
        assert data["total"] == 1 and data["hits"][0]["level"] == value and data["warnings"] == [], name
    both = json.loads(runner.invoke(main, ["search", "五星支部", "--level", "乡镇", "--level", "省级",
                                           "--index", str(index), "--json"]).output)
    assert sorted(h["level"] for h in both["hits"]) == ["province", "township"]
    shown = " ".join(runner.invoke(main, ["search", "--help"]).output.split())  # as wrapped at any width
    assert "township (乡镇/街道" in shown and "national (全国" in shown


def test_a_value_one_character_past_a_name_warns_and_lists_every_name(searcher, client):
    # 街道办事处 is a name; one character more names no level
    assert searcher.search("五星支部", filters={"level": ["街道办事处"]}).total == 1
    off = searcher.search("五星支部", filters={"level": ["街道办事处处"]})
    assert off.total == 0 and len(off.warnings) == 1
    warning = off.warnings[0]
    for value, names in LEVEL.value_names().items():
        assert f"{value}（{'、'.join(names)}）" in warning
    # the comparison takes what the search takes without a warning, and refuses the rest
    for taken in ("街道办事处", "town", "Township"):
        assert client.get("/api/compare", query_string={"q": "五星支部", "level": taken}).status_code == 200, taken
    assert client.get("/api/compare", query_string={"q": "五星支部", "level": "街道办事处处"}).status_code == 400
    refused = client.get("/api/compare", query_string={"q": "五星支部", "level": "村"})
    assert refused.status_code == 400
    message = refused.get_json()["error"]["message"]
    assert all(name in message for name, _ in _every_name()) and message.startswith("级别应为")


def test_api_fields_lists_each_level_with_every_name_it_takes(client):
    filters = {f["name"]: f for f in client.get("/api/fields").get_json()["filters"]}
    values = filters["level"]["values"]
    assert [v["value"] for v in values] == list(LEVEL.value_names())
    for v in values:
        assert v["label"] == LEVEL.shown(v["value"]) == v["names"][0]
        assert all(LEVEL.aliased(name) == v["value"] for name in v["names"])
    assert "values" not in filters["town"]  # an open filter: any town
