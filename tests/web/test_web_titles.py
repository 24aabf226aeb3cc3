"""One title everywhere: the report page, the results, the CSV export and the API show
the same title, also when a sidecar sets it (the 峡窝镇 report's first line is a photo
caption; corpus/metadata.tsv gives its headline)."""

from __future__ import annotations

import csv
import io

from webfixtures import *  # noqa: F401,F403  (pytest fixtures)
from webhelpers import parse

XIAWO = "shangjie-xiawo-2022"
CAPTION = "峡窝镇社区环境质量越来越好"


def _titles(corpus_client, doc_id: str, query: str) -> dict[str, set[str]]:
    api_doc = corpus_client.get(f"/api/docs/{doc_id}").get_json()
    hits = corpus_client.get("/api/search", query_string={"q": query, "page_size": 100}).get_json()["hits"]
    rows = list(csv.DictReader(io.StringIO(corpus_client.get("/export.csv", query_string={"q": query})
                                           .get_data(as_text=True).lstrip("\ufeff"))))
    page = parse(corpus_client.get(f"/docs/{doc_id}").get_data(as_text=True))
    results = parse(corpus_client.get("/", query_string={"q": query}).get_data(as_text=True))
    return {
        "api": {api_doc["title"]},
        "hits": {h["title"] for h in hits if h["doc_id"] == doc_id},
        "csv": {r["标题"] for r in rows if r["标题"] and (r["乡镇"] == api_doc["town"])},
        "page": {page.find_all("h1")[0].text().strip()},
        "results": {e.text().strip() for e in results.find_all("a") if f"/docs/{doc_id}" in e.attrs.get("href", "")
                    and e.text().strip() == api_doc["title"]},
    }


def test_a_sidecar_title_heads_the_report_page_as_everywhere(corpus_client):
    titles = _titles(corpus_client, XIAWO, "十大攻坚")
    expected = titles["api"]
    assert next(iter(expected)).endswith("上街区峡窝镇“十大攻坚”结硕果")
    assert titles["hits"] == titles["csv"] == titles["page"] == expected
    assert titles["results"] == expected
    # the first line of the report (the photo caption) is still shown, under the title
    page = parse(corpus_client.get(f"/docs/{XIAWO}").get_data(as_text=True))
    assert CAPTION not in page.find_all("h1")[0].text()
    assert any(CAPTION in p.text() for p in page.find_all("p"))


def test_a_report_titled_by_its_first_line_keeps_it_as_heading(corpus_client):
    titles = _titles(corpus_client, "xinmi-dawei-2022", "五星支部")
    assert titles["page"] == titles["api"] == titles["hits"] == titles["csv"] == {"实施“五大提升” 建设“一镇五区”"}


def test_the_title_on_the_page_is_marked_and_escaped(corpus_client):
    html = corpus_client.get(f"/docs/{XIAWO}", query_string={"q": "十大攻坚"}).get_data(as_text=True)
    h1 = html.split("<h1", 1)[1].split("</h1>", 1)[0]
    assert "<mark" in h1 and "十大攻坚" in h1
    assert "&#34;" in h1 or "“" in h1
