"""The leak battery: restricted reports reveal nothing to callers who may not see them.

One index holds public reports, an internal one (folder rule ``internal/**``) and one of
``dept:财政局`` (sidecar column), each restricted report with words found nowhere else;
a second index holds the public reports only. For an anonymous caller, an embed token of
the public group and a token of the other group, every endpoint of the app (enumerated
from Flask's url_map: a new endpoint fails here until it is listed) is asked with probes
that lead to the hidden words without naming them (prefixes, typos, pinyin, shared
words, hidden towns and years, hidden document ids), and every answer must hold each
hidden word, title, town and id exactly as often as the public-only index's answer does
(the query echoed back counts the same in both). Totals, facets, comparison cells, CSV
counts, did-you-mean, completions, stats, /healthz and /metrics must be those of the
public-only index. With the right token, all of them appear.
"""

from __future__ import annotations

import json
import logging

import pytest
from visibilityfixtures import DEPT, DOC_IDS, PROBES, SECRETS, build_pair, encoded

from index.visibility import TokenStore, embed_secret, sign_embed
from web import create_app

SETTINGS = {"TESTING": True, "metrics": True, "query_log": True, "hot_queries_min_visitors": 1,
            "request_log": True, "token_header": "X-Govsearch-Token"}
PUBLIC_DOC = "hongxing-2021"

# every endpoint, and what is asked of it; an endpoint missing here fails the battery
SEARCHING = ("views.search", "views.embed", "views.export_csv", "views.compare_page", "views.embed_compare",
             "views.compare_csv", "api.search", "api.suggest", "api.compare")
DOCUMENTS = ("views.document", "api.document")
FIXED = ("static", "views.favicon", "api.fields", "api.stats", "api.openapi", "api.healthz", "_metrics")
ENDPOINTS = set(SEARCHING) | set(DOCUMENTS) | set(FIXED)
VARIANTS = ("", "&related=1&group=report", "&town=青松镇", "&town=紫云镇", "&year=2023,2024", "&by=town&by=year")


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    full, public = build_pair(tmp_path_factory.mktemp("visibility"))
    store = TokenStore(full)
    internal, _ = store.create("内部", ["internal"])
    dept, _ = store.create("财政局", [DEPT])
    embed = sign_embed(embed_secret(full, create=True), ["public"])
    restricted = create_app({**SETTINGS, "index": str(full)}).test_client()
    public_only = create_app({**SETTINGS, "index": str(public)}).test_client()
    return restricted, public_only, {"internal": internal, DEPT: dept, "embed": embed}


def _callers(tokens):
    """(name, headers, extra query string, the groups whose secrets must not show)."""
    both = ["internal", DEPT]
    return [("anonymous", {}, "", both),
            ("embed token of public", {}, f"&embed_token={tokens['embed']}", both),
            ("internal token", {"Authorization": f"Bearer {tokens['internal']}"}, "", [DEPT]),
            ("dept token via the proxy header", {"X-Govsearch-Token": tokens[DEPT]}, "", ["internal"])]


def _urls(rule) -> list[str]:
    endpoint = rule.endpoint
    if endpoint in SEARCHING:
        probes = PROBES if endpoint.startswith("api.") else PROBES[::2]
        variants = VARIANTS if endpoint in ("api.search", "api.compare", "views.search") else VARIANTS[:3]
        return [f"{rule.rule}?q={p}{v}" for p in probes for v in variants]
    if endpoint in DOCUMENTS:
        return [rule.rule.replace("<doc_id>", d) + q for d in (*DOC_IDS.values(), PUBLIC_DOC) for q in ("", "?q=翡翠")]
    if endpoint == "static":
        return ["/static/govsearch-widget.js", "/static/govsearch.js"]
    return [rule.rule]


def _body(response) -> str:
    return response.get_data(as_text=True)


def test_every_endpoint_is_in_the_battery(pair):
    restricted, _, _ = pair
    endpoints = {r.endpoint for r in restricted.application.url_map.iter_rules() if "GET" in r.methods}
    assert endpoints - ENDPOINTS == set(), "new endpoints: add them to the leak battery (tests/web/test_web_visibility.py)"


def test_no_endpoint_reveals_a_hidden_report(pair, caplog):
    restricted, public_only, tokens = pair
    # signed-in callers search the hidden words first: the hot queries must not list them
    for token, words in ((tokens["internal"], ("翡翠湾隧道", "青松镇")), (tokens[DEPT], ("琥珀港码头", "紫云镇"))):
        for q in words:
            assert restricted.get(f"/api/search?q={q}", headers={"Authorization": f"Bearer {token}"}).json["total"]
    caplog.set_level(logging.INFO, logger="govsearch.requests")
    rules = [r for r in restricted.application.url_map.iter_rules() if "GET" in r.methods]
    asked = 0
    for rule in rules:
        for url in _urls(rule):
            expected = public_only.get(url)
            for name, headers, extra, hidden in _callers(tokens):
                got = restricted.get(url + (extra if "?" in url else extra.replace("&", "?", 1)), headers=headers)
                asked += 1
                if url.startswith("/docs/") or url.startswith("/api/docs/"):
                    doc_id = url.split("/")[-1].split("?")[0]
                    if doc_id in [DOC_IDS[g] for g in hidden]:
                        assert got.status_code == 404, (name, url)  # never 403: that would confirm it exists
                assert got.status_code == expected.status_code or url.startswith(("/docs/", "/api/docs/")), (name, url)
                body, reference = _body(got), _body(expected)
                for group in hidden:
                    for secret in SECRETS[group]:
                        for form in encoded(secret):
                            assert body.count(form) == reference.count(form), (name, url, form)
    assert asked > 1000
    for record in caplog.records:  # the request log names no hidden title, word or id
        for group in ("internal", DEPT):
            assert not any(s in record.getMessage() for s in SECRETS[group])


def _same_counts(got: dict, expected: dict) -> None:
    for key in ("total", "total_docs", "total_exact", "total_words", "total_context", "total_partial", "facets",
                "did_you_mean", "widen", "listed"):
        assert got.get(key) == expected.get(key), key
    assert (got["expanded"] or {}).get("pinyin") == (expected["expanded"] or {}).get("pinyin")


@pytest.mark.parametrize("probe", PROBES)
def test_anonymous_counts_are_those_of_the_public_reports(pair, probe):
    restricted, public_only, tokens = pair
    for extra, headers in (("", {}), (f"&embed_token={tokens['embed']}", {})):
        for variant in ("", "&group=report", "&town=青松镇", "&year=2023,2024"):
            got = restricted.get(f"/api/search?q={probe}{variant}{extra}", headers=headers).json
            _same_counts(got, public_only.get(f"/api/search?q={probe}{variant}").json)
        got = restricted.get(f"/api/compare?q={probe}&by=town&by=year{extra}").json
        expected = public_only.get(f"/api/compare?q={probe}&by=town&by=year").json
        assert (got.get("rows"), got.get("columns"), got.get("total")) == \
            (expected.get("rows"), expected.get("columns"), expected.get("total"))
        got = restricted.get(f"/api/suggest?q={probe}{extra}").json
        assert got["suggestions"] == public_only.get(f"/api/suggest?q={probe}").json["suggestions"]
        csv = restricted.get(f"/export.csv?q={probe}{extra}")
        expected_csv = public_only.get(f"/export.csv?q={probe}")
        assert csv.headers.get("X-Total-Count") == expected_csv.headers.get("X-Total-Count")
        assert len(_body(csv).splitlines()) == len(_body(expected_csv).splitlines())


def test_anonymous_figures_are_those_of_the_public_reports(pair):
    restricted, public_only, _ = pair
    volatile = {"generation", "built_at", "index", "corpus"}
    got, expected = restricted.get("/api/stats").json, public_only.get("/api/stats").json
    assert {k: v for k, v in got.items() if k not in volatile} == {k: v for k, v in expected.items() if k not in volatile}
    assert got["documents"] == 2
    health, expected_health = restricted.get("/healthz").json, public_only.get("/healthz").json
    assert (health["documents"], health["passages"]) == (expected_health["documents"], expected_health["passages"])
    metrics = [line for line in _body(restricted.get("/metrics")).splitlines() if line.startswith("govsearch_index_")
               and "generation" not in line]
    expected_metrics = [line for line in _body(public_only.get("/metrics")).splitlines()
                        if line.startswith("govsearch_index_") and "generation" not in line]
    assert metrics == expected_metrics and "govsearch_index_documents 2" in metrics


def test_the_right_token_sees_everything(pair):
    restricted, _, tokens = pair
    for group, token in (("internal", tokens["internal"]), (DEPT, tokens[DEPT])):
        auth = {"Authorization": f"Bearer {token}"}
        marker = SECRETS[group][0]
        found = restricted.get(f"/api/search?q={marker}", headers=auth).json
        assert found["total"] >= 3 and {h["doc_id"] for h in found["hits"]} == {DOC_IDS[group]}
        assert found["hits"][0]["visibility"] == group
        assert restricted.get(f"/api/docs/{DOC_IDS[group]}", headers=auth).json["visibility"] == group
        page = _body(restricted.get(f"/docs/{DOC_IDS[group]}", headers={"X-Govsearch-Token": token}))
        assert SECRETS[group][4] in page and group in page  # the title, and the visibility shown on the page
        suggestions = restricted.get(f"/api/suggest?q={marker[:2]}", headers=auth).json["suggestions"]
        assert any(marker in s["text"] for s in suggestions)
        stats = restricted.get("/api/stats", headers=auth).json
        assert stats["documents"] == 3 and stats["skipped_count"] == (group == "internal")
    typo = restricted.get("/api/search?q=翡翠湾隧道工程建没", headers={"Authorization": f"Bearer {tokens['internal']}"}).json
    assert typo["did_you_mean"] == [{"query": "翡翠湾隧道工程建设", "total": 2}]
    pinyin = restricted.get("/api/search?q=hupo", headers={"Authorization": f"Bearer {tokens[DEPT]}"}).json
    assert pinyin["expanded"]["pinyin"]["searched"] == "琥珀" and pinyin["total"] == 4
    cells = restricted.get("/api/compare?q=五星支部&by=town&by=year",
                           headers={"Authorization": f"Bearer {tokens['internal']}"}).json
    assert "青松镇" in json.dumps(cells, ensure_ascii=False) and "紫云镇" not in json.dumps(cells, ensure_ascii=False)


def test_bad_tokens_are_401_json_with_a_hint(pair, tmp_path):
    restricted, _, tokens = pair
    for headers, query in (({"Authorization": "Bearer gs_00000000_nothing"}, ""),
                           ({"Authorization": "Basic abc"}, ""),
                           ({"Authorization": f"Bearer {tokens['embed']}x"}, ""),
                           ({}, "&embed_token=abc.def"),
                           ({}, f"&embed_token={tokens['internal']}")):  # an API token never goes in a URL
        response = restricted.get(f"/api/search?q=五星支部{query}", headers=headers)
        assert response.status_code == 401
        assert response.json["error"]["code"] == "bad_token" and response.json["error"]["hint"]
        assert restricted.get(f"/?q=五星支部{query}", headers=headers).status_code == 401
    expired = sign_embed(embed_secret(restricted.application.config["GOVSEARCH"]["index"]), ["internal"], seconds=-1)
    assert restricted.get(f"/embed?q=翡翠&embed_token={expired}").status_code == 401


def test_a_revoked_token_is_refused(pair):
    restricted, _, _ = pair
    folder = restricted.application.config["GOVSEARCH"]["index"]
    store = TokenStore(folder)
    token, record = store.create("short", ["internal"])
    auth = {"Authorization": f"Bearer {token}"}
    assert restricted.get("/api/search?q=翡翠", headers=auth).json["total"] == 4
    store.revoke(record.id)
    assert restricted.get("/api/search?q=翡翠", headers=auth).status_code == 401


def test_an_embed_token_cannot_be_widened(pair):
    """The host page may edit the iframe's src or the widget's attributes: the groups and
    filters inside the signed token still hold."""
    restricted, _, _ = pair
    folder = restricted.application.config["GOVSEARCH"]["index"]
    token = sign_embed(embed_secret(folder), ["internal"], {"town": ["青松镇"]})
    inside = restricted.get(f"/api/search?q=五星支部&embed_token={token}").json
    assert {h["doc_id"] for h in inside["hits"]} == {DOC_IDS["internal"]}
    widened = restricted.get(f"/api/search?q=五星支部&town=红星镇&fixed=none&embed_token={token}").json
    assert widened["total"] == 0  # another town only narrows to nothing
    assert restricted.get(f"/api/docs/{PUBLIC_DOC}?embed_token={token}").status_code == 404
    page = _body(restricted.get(f"/embed?q=五星支部&embed_token={token}"))
    assert "青松镇" in page and "红星镇" not in page and f"embed_token={token}" in page  # its links keep the token
    body, _, signature = token.partition(".")
    forged = sign_embed(b"another secret", ["internal", DEPT])
    assert restricted.get(f"/api/search?q=五星支部&embed_token={forged}").status_code == 401
    assert restricted.get(f"/api/search?q=五星支部&embed_token={body}x.{signature}").status_code == 401


def test_the_anonymous_default_and_the_trusted_header_are_settings(pair):
    restricted, _, tokens = pair
    folder = restricted.application.config["GOVSEARCH"]["index"]
    plain = create_app({"TESTING": True, "index": folder}).test_client()  # token_header off by default
    assert plain.get("/api/search?q=翡翠", headers={"X-Govsearch-Token": tokens["internal"]}).json["total"] == 0
    assert plain.get("/api/search?q=翡翠", headers={"Authorization": f"Bearer {tokens['internal']}"}).json["total"] == 4
    intranet = create_app({"TESTING": True, "index": folder, "anonymous_groups": "public, internal"}).test_client()
    assert intranet.get("/api/search?q=翡翠").json["total"] == 4
    assert intranet.get("/api/search?q=琥珀").json["total"] == 0
    assert intranet.get("/api/search?q=琥珀", headers={"Authorization": f"Bearer {tokens[DEPT]}"}).json["total"] == 4


@pytest.mark.parametrize("settings, says", [
    ({"anonymous_groups": "public, dept:a:b"}, "anonymous_groups"),
    ({"token_header": "Authorization"}, "token_header"),
    ({"token_header": "X Token"}, "token_header"),
])
def test_bad_visibility_settings_stop_the_app(tmp_path, settings, says):
    from web.config import ConfigError, load_config

    with pytest.raises(ConfigError, match=says):
        load_config({"index": str(tmp_path), **settings}, environ={})
    load_config({"index": str(tmp_path), "anonymous_groups": "public, dept:a", "token_header": "X-Token"}, environ={})
