"""Operations: a request log line per search, and /metrics behind a setting."""

from __future__ import annotations

import logging
import re

from conftest import write_corpus
from index import build
from web import create_app
from webfixtures import *  # noqa: F401,F403  (pytest fixtures)


def test_metrics_are_off_by_default(tiny_index):
    client = create_app({"index": str(tiny_index), "TESTING": True}).test_client()
    assert client.get("/metrics").status_code == 404


def test_metrics_in_prometheus_text_format(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"a.txt": "大隗镇工作总结\n\n大隗镇扎实推动五星支部创建。\n"})
    build(corpus, tmp_path / "i")
    client = create_app({"index": str(tmp_path / "i"), "TESTING": True, "metrics": True}).test_client()
    client.get("/api/search?q=五星支部")
    client.get("/api/search?q=五星支部")
    client.get("/api/search?q=-五星支部")  # exclusions only: a 400
    client.get("/?q=五星支部")
    r = client.get("/metrics")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    text = r.get_data(as_text=True)
    samples = dict(re.findall(r"^([a-z_]+(?:\{[^}]*\})?) (\S+)$", text, re.M))
    assert samples['govsearch_requests_total{route="/api/search",status="200"}'] == "2"
    assert samples['govsearch_requests_total{route="/api/search",status="400"}'] == "1"
    assert samples['govsearch_request_seconds_bucket{le="+Inf"}'] == samples["govsearch_request_seconds_count"] == "4"
    assert samples["govsearch_index_up"] == "1" and samples["govsearch_index_documents"] == "1"
    generation = (tmp_path / "i" / "CURRENT").read_text().strip()
    assert samples[f'govsearch_index_info{{generation="{generation}"}}'] == "1"
    assert samples['govsearch_last_build_result{result="ok"}'] == "1"
    assert float(samples["govsearch_last_build_timestamp_seconds"]) > 1.6e9
    # every line is a comment or a sample
    assert all(line.startswith("#") or re.match(r"^[a-z_]+(\{[^}]*\})? [0-9.e+-]+$", line) for line in text.splitlines())


def test_a_failed_build_shows_in_metrics(tmp_path):
    import pytest

    from index.errors import NothingIndexed

    corpus = write_corpus(tmp_path / "c", {"a.txt": "大隗镇工作总结\n\n大隗镇扎实推动五星支部创建。\n"})
    build(corpus, tmp_path / "i")
    (corpus / "a.txt").write_text("")
    with pytest.raises(NothingIndexed):
        build(corpus, tmp_path / "i")
    client = create_app({"index": str(tmp_path / "i"), "TESTING": True, "metrics": True}).test_client()
    text = client.get("/metrics").get_data(as_text=True)
    assert 'govsearch_last_build_result{result="failed"} 1' in text
    assert "govsearch_index_up 1" in text  # the old index still serves


def test_one_log_line_per_search_without_personal_data(tiny_index, caplog):
    client = create_app({"index": str(tiny_index), "TESTING": True}).test_client()
    with caplog.at_level(logging.INFO, logger="govsearch.requests"):
        client.get("/api/search?q=五星支部", environ_base={"REMOTE_ADDR": "10.9.8.7"})
        client.get("/static/govsearch.css")
        client.get("/?q=生活")
    lines = [r.getMessage() for r in caplog.records if r.name == "govsearch.requests"]
    assert len(lines) == 2
    assert re.search(r"GET /api/search status=200 ms=\d+\.\d hits=\d+$", lines[0])
    assert "10.9.8.7" not in " ".join(lines) and "五星支部" not in " ".join(lines)


def test_queries_are_logged_only_when_asked(tiny_index, caplog):
    client = create_app({"index": str(tiny_index), "TESTING": True, "log_queries": True}).test_client()
    with caplog.at_level(logging.INFO, logger="govsearch.requests"):
        client.get("/api/search?q=五星支部")
    assert "q='五星支部'" in caplog.records[-1].getMessage()
    quiet = create_app({"index": str(tiny_index), "TESTING": True, "request_log": False}).test_client()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="govsearch.requests"):
        quiet.get("/api/search?q=五星支部")
    assert not [r for r in caplog.records if r.name == "govsearch.requests"]


def test_metrics_only_for_this_machine_without_a_proxy(tiny_index):
    client = create_app({"index": str(tiny_index), "TESTING": True, "metrics": True, "proxy_hops": 1}).test_client()
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.0.0.5"}).status_code == 404
    # through a local proxy (nginx on the same machine): the public's request, refused
    proxied = client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"},
                         headers={"X-Forwarded-For": "203.0.113.7"})
    assert proxied.status_code == 404
    # a client claiming to be local through the header is not believed either
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.0.0.5"},
                      headers={"X-Forwarded-For": "127.0.0.1"}).status_code == 404


def test_metrics_with_a_token(tiny_index):
    client = create_app({"index": str(tiny_index), "TESTING": True, "metrics": True,
                         "metrics_token": "s3cret-token"}).test_client()
    remote = {"REMOTE_ADDR": "10.0.0.5"}
    assert client.get("/metrics", environ_base=remote,
                      headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
    assert client.get("/metrics", environ_base=remote, headers={"Authorization": "Bearer s3cret-toke"}).status_code == 404
    assert client.get("/metrics", environ_base=remote, headers={"Authorization": "Basic s3cret-token"}).status_code == 404
    assert client.get("/metrics").status_code == 404  # with a token, loopback alone is not enough
