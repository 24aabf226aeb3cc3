"""A report without a year says so in the field model's words (index/fields.py), on the
results page, on the report page, in the command line, the embeddable widget and the
comparison: one label, not one per view."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import write_corpus
from govsearch.cli import main
from index import build
from index import fields as field_model
from web import create_app

LABEL = field_model.MODEL.unknown_labels["year"]
WIDGET = Path(__file__).resolve().parents[2] / "web" / "static" / "govsearch-widget.js"


@pytest.fixture(scope="module")
def no_year_index(tmp_path_factory):
    base = tmp_path_factory.mktemp("noyear")
    corpus = write_corpus(base / "c", {"a.txt": "某某镇工作汇报\n\n某某镇推进五星支部创建，五星支部全覆盖。\n"})
    build(corpus, base / "i", workers=1)
    return base / "i"


@pytest.fixture(scope="module")
def client(no_year_index):
    return create_app({"index": str(no_year_index), "TESTING": True}).test_client()


def test_the_results_page_labels_a_missing_year_as_the_field_model_does(client):
    assert client.get("/api/search", query_string={"q": "五星支部"}).get_json()["hits"][0]["year"] in (None, "")
    page = client.get("/", query_string={"q": "五星支部"}).get_data(as_text=True)
    assert LABEL == "年份不详" and f'<span class="year">{LABEL}</span>' in page


def test_the_report_page_says_the_same_as_the_results(client):
    doc_id = client.get("/api/search", query_string={"q": "五星支部"}).get_json()["hits"][0]["doc_id"]
    page = client.get(f"/docs/{doc_id}").get_data(as_text=True)
    assert f"<dt>年份</dt><dd>{LABEL}</dd>" in page and "未注明</dd>" not in page


def test_the_command_line_and_the_widget_say_the_same(no_year_index):
    found = CliRunner().invoke(main, ["search", "五星支部", "--index", str(no_year_index)])
    assert found.exit_code == 0 and f"· {LABEL}  [" in found.output, found.output
    doc_id = found.output.split("[", 1)[1].split("]", 1)[0]
    shown = CliRunner().invoke(main, ["show", doc_id, "--index", str(no_year_index)])
    assert shown.exit_code == 0 and f" · {LABEL} · " in shown.output, shown.output
    # the widget renders hits in the browser, away from the field model: it spells the label out
    assert f'"{LABEL}"' in WIDGET.read_text(encoding="utf-8")
