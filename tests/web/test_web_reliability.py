"""What the HTTP server sees before Flask (raw UTF-8 request lines, malformed requests)
and formula injection in CSV cells."""

from __future__ import annotations

import csv
import io
import json
import socket

import pytest

from govsearch.serve import ServerThread
from web import create_app
from web.export import safe_cell
from webfixtures import *  # noqa: F401,F403  (pytest fixtures)


@pytest.fixture
def server(tiny_index):
    with ServerThread(create_app({"index": str(tiny_index)}), threads=2) as running:
        yield running


def raw(server, request: bytes) -> tuple[int, dict, bytes]:
    """Send bytes exactly as given (as curl does with a URL of raw UTF-8)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as conn:
        conn.sendall(request)
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


def get_raw(server, target: str) -> tuple[int, dict, bytes]:
    return raw(server, b"GET " + target.encode("utf-8") + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")


def test_raw_utf8_in_the_request_line_simply_works(server):
    status, headers, body = get_raw(server, "/api/search?q=五星支部&page_size=2")
    assert status == 200 and headers["content-type"].startswith("application/json")
    data = json.loads(body)
    assert data["query"] == "五星支部" and data["total"] > 0
    encoded = json.loads(get_raw(server, "/api/search?q=%E4%BA%94%E6%98%9F%E6%94%AF%E9%83%A8&page_size=2")[2])
    assert encoded["total"] == data["total"]  # the same answer as the percent-encoded URL


def test_raw_utf8_in_page_urls_works_too(server):
    status, headers, body = get_raw(server, "/?q=五星支部")
    assert status == 200 and "text/html" in headers["content-type"]
    assert "五星支部".encode() in body


@pytest.mark.parametrize("request_bytes", [
    b"GET /api/search?q=x HTTP/1.1\r\nHost: x\r\nBad Header\r\nConnection: close\r\n\r\n",
    b"GET /api/search?q=x HTTP/1.1\r\nHost: x\r\nX-Bad Name: v\r\nConnection: close\r\n\r\n",
    b"GET /api/search?q=a\rb HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\nConnection: close\r\n\r\n",
], ids=["header without colon", "space in a header name", "bare CR", "bad content-length"])
def test_what_waitress_rejects_under_api_is_json(server, request_bytes):
    status, headers, body = raw(server, request_bytes)
    assert status == 400
    assert headers["content-type"] == "application/json"
    error = json.loads(body)["error"]
    assert error["code"] == "bad_request"
    # in Chinese first, as every message a user meets; waitress's English kept in brackets
    assert error["message"].startswith("请求格式有误，服务器无法解析") and "(Bad Request: " in error["message"]


@pytest.mark.parametrize("request_bytes", [
    b"GET /?q=x HTTP/1.1\r\nHost: x\r\nBad Header\r\nConnection: close\r\n\r\n",
    b"GARBAGE\r\nHost: x\r\n\r\n",  # a malformed request line
], ids=["bad header", "malformed request line"])
def test_what_waitress_rejects_elsewhere_stays_plain_text_in_chinese_first(server, request_bytes):
    status, headers, body = raw(server, request_bytes)
    text = body.decode("utf-8")
    assert status == 400 and headers["content-type"].startswith("text/plain")
    assert text.startswith("400 请求格式有误，服务器无法解析") and "(Bad Request: " in text, text


@pytest.mark.parametrize("cell", ["＝HYPERLINK(\"http://evil\",\"点击\")", "﹦1+1", "＋1", "－1", "＠SUM(A1)",
                                  "  =1+1", "\u3000＝1", "=1", "+1", "-1", "@x", "\tx", "\rx"])
def test_formula_cells_are_neutralized_in_every_width(cell):
    assert safe_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["五星支部", "1-2", "2022年", "a=b", "电话：0371-1234", ""])
def test_ordinary_cells_are_left_alone(cell):
    assert safe_cell(cell) == cell


def test_csv_export_neutralizes_full_width_formulas_from_report_text(tmp_path):
    from conftest import write_corpus
    from index import build

    corpus = write_corpus(tmp_path / "c", {"a.txt": "大隗镇工作总结\n\n＝HYPERLINK(\"http://x\",\"五星支部\")推进。\n"})
    build(corpus, tmp_path / "i")
    client = create_app({"index": str(tmp_path / "i"), "TESTING": True}).test_client()
    text = client.get("/export.csv?q=五星支部").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][4].startswith("'＝HYPERLINK")
