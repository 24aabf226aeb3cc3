"""A report without a year says so in the field model's words (index/fields.py), on the
results page as in the command line and the comparison: one label, not one per view."""

from __future__ import annotations

from conftest import write_corpus
from index import build
from index import fields as field_model
from web import create_app


def test_the_results_page_labels_a_missing_year_as_the_field_model_does(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"a.txt": "某某镇工作汇报\n\n某某镇推进五星支部创建，五星支部全覆盖。\n"})
    build(corpus, tmp_path / "i", workers=1)
    client = create_app({"index": str(tmp_path / "i"), "TESTING": True}).test_client()
    assert client.get("/api/search", query_string={"q": "五星支部"}).get_json()["hits"][0]["year"] in (None, "")
    page = client.get("/", query_string={"q": "五星支部"}).get_data(as_text=True)
    label = field_model.MODEL.unknown_labels["year"]
    assert label == "年份不详" and f'<span class="year">{label}</span>' in page
