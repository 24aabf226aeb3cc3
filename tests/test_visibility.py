"""Visibility per report (index/visibility.py, search/visibility.py): where the value
comes from, the folder rules and tokens at their edges, and the CLI's leak battery
(``--as``: a caller's view equals the public-only index; without it the operator sees all)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent / "web"))
from visibilityfixtures import DEPT, DOC_IDS, PROBES, SECRETS, build_pair, encoded  # noqa: E402

from govsearch.cli import main  # noqa: E402
from index import build  # noqa: E402
from index.visibility import (  # noqa: E402
    BadToken,
    Rules,
    TokenStore,
    VisibilityError,
    check_value,
    embed_secret,
    sign_embed,
    verify_embed,
)
from search.engine import Searcher  # noqa: E402


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    return build_pair(tmp_path_factory.mktemp("cli-visibility"))


def test_visibility_comes_from_sidecar_rule_or_default(pair):
    full, _ = pair
    docs = {d["doc_id"]: d["visibility"] for d in Searcher(full).documents()}
    assert docs == {"hongxing-2021": "public", "lvye-2022": "public", DOC_IDS["internal"]: "internal",
                    DOC_IDS[DEPT]: DEPT}
    hit = Searcher(full).search("琥珀港码头").hits[0]
    assert hit.visibility == DEPT and hit.to_dict()["visibility"] == DEPT


def test_visibility_is_stored_in_whoosh(pair):
    from whoosh import index as whoosh_index

    full, _ = pair
    gen = full / (full / "CURRENT").read_text().strip()
    with whoosh_index.open_dir(str(gen)).searcher() as s:
        values = {(d["doc_id"], d["visibility"]) for d in s.all_stored_fields()}
    assert (DOC_IDS["internal"], "internal") in values and ("hongxing-2021", "public") in values


def test_a_sidecar_value_beats_the_folder_rule_and_a_bad_one_is_noted(tmp_path):
    corpus = tmp_path / "c"
    (corpus / "internal").mkdir(parents=True)
    (corpus / "internal" / "a.md").write_text("# 甲镇报告\n\n甲镇推进工作。\n", encoding="utf-8")
    (corpus / "internal" / "b.md").write_text("# 乙镇报告\n\n乙镇推进工作。\n", encoding="utf-8")
    (corpus / "internal" / "c.md").write_text("# 丙镇报告\n\n丙镇推进工作。\n", encoding="utf-8")
    (corpus / "internal" / "metadata.tsv").write_text("file\tvisibility\na.md\tpublic\nb.md\tbad value\n",
                                                      encoding="utf-8")
    report = build(corpus, tmp_path / "ix", workers=1,
                   visibility=Rules.from_mapping({"default": "internal", "rules": {"internal/c.md": "dept:乙"}}))
    docs = {d["doc_id"]: d["visibility"] for d in Searcher(tmp_path / "ix").documents()}
    assert docs == {"internal--a": "public", "internal--b": "internal", "internal--c": "dept:乙"}
    assert any("bad value" in note for note in report.notes)


@pytest.mark.parametrize("path, expected", [
    ("internal/a.txt", "internal"), ("internal/x/y/b.txt", "internal"), ("internalx/a.txt", "public"),
    ("internal", "public"), ("a/internal/b.txt", "public"), ("drafts/2023-draft.txt", "dept:甲"),
    ("drafts/sub/2023-draft.txt", "public"),
])
def test_folder_rules_at_their_edges(path, expected):
    rules = Rules.from_mapping({"rules": [["internal/**", "internal"], ["drafts/*-draft.txt", "dept:甲"]]})
    assert rules.of(path) == expected


@pytest.mark.parametrize("value, ok", [("public", True), ("dept:财政局", True), ("a" * 64, True), ("a" * 65, False),
                                       ("dept:a:b", False), ("two words", False), ("", False), ("a,b", False)])
def test_visibility_values(value, ok):
    if ok:
        assert check_value(value) == value
    else:
        with pytest.raises(VisibilityError):
            check_value(value)


def test_api_tokens_expire_at_their_second_and_are_kept_hashed(tmp_path):
    store = TokenStore(tmp_path)
    token, record = store.create("x", "internal, dept:甲", days=1)
    assert token not in (tmp_path / "tokens.json").read_text(encoding="utf-8")
    assert store.groups_of(token, now=record.expires - 1) == ("internal", "dept:甲")
    with pytest.raises(BadToken, match="expired"):
        store.groups_of(token, now=record.expires)
    with pytest.raises(BadToken):
        store.groups_of(token[:-1] + ("A" if token[-1] != "A" else "B"))
    store.revoke(record.id)
    with pytest.raises(BadToken, match="revoked"):
        store.groups_of(token, now=record.expires - 1)


def test_embed_tokens_expire_at_their_second_and_are_signed(tmp_path):
    secret = embed_secret(tmp_path, create=True)
    assert (tmp_path / "embed-secret").stat().st_mode & 0o077 == 0
    token = sign_embed(secret, ["internal"], {"town": "青松镇"}, seconds=100, now=1000)
    grant = verify_embed(secret, token, now=1099)
    assert grant.groups == ("internal",) and grant.filters == {"town": ["青松镇"]}
    with pytest.raises(BadToken, match="expired"):
        verify_embed(secret, token, now=1100)
    with pytest.raises(BadToken, match="signature"):
        verify_embed(b"other", token, now=1000)


# --------------------------------------------------------------------------- the CLI


def _run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output


def test_cli_token_commands(tmp_path):
    code, out = _run("token", "create", "--name", "财政局", "--groups", "dept:财政局", "--index", tmp_path)
    assert code == 0
    token = out.splitlines()[0]
    assert token.startswith("gs_")
    code, out = _run("token", "list", "--json", "--index", tmp_path)
    tokens = json.loads(out)["tokens"]
    assert [(t["name"], t["groups"], t["revoked"]) for t in tokens] == [("财政局", ["dept:财政局"], False)]
    assert token not in out
    assert _run("token", "list", "--index", tmp_path / "none")[1].strip() == "没有令牌 (no tokens)"
    code, out = _run("token", "revoke", tokens[0]["id"], "--index", tmp_path)
    assert code == 0 and out.strip() == f"已吊销 {tokens[0]['id']}（财政局） (revoked {tokens[0]['id']} (财政局))"
    assert "revoked" in _run("token", "list", "--index", tmp_path)[1]
    code, out = _run("token", "embed", "--groups", "internal", "--town", "青松镇", "--index", tmp_path)
    assert code == 0
    grant = verify_embed(embed_secret(tmp_path), out.strip())
    assert grant.filters == {"town": ["青松镇"]} and grant.groups == ("internal",)


def test_cli_sees_everything_without_as(pair):
    full, _ = pair
    code, out = _run("search", "琥珀港码头", "--json", "--index", full)
    assert code == 0 and json.loads(out)["total"] == 4
    code, out = _run("show", DOC_IDS["internal"], "--index", full)
    assert code == 0 and "内部工作要点" in out and "可见范围 internal" in out


def test_cli_as_a_token_of_another_group_reveals_nothing(pair):
    full, public = pair
    store = TokenStore(full)
    internal, _ = store.create("内部", ["internal"])
    anonymous = sign_embed(embed_secret(full, create=True), ["public"])
    for token, hidden in ((internal, [DEPT]), (anonymous, ["internal", DEPT])):
        for probe in PROBES:
            for command in (["search", probe, "--json"], ["search", probe], ["suggest", probe, "--json"]):
                _, got = _run(*command, "--index", full, "--as", token)
                _, expected = _run(*command, "--index", public)
                if "--json" in command and command[0] == "search" and len(hidden) == 2:  # sees the public ones only
                    got_json, expected_json = json.loads(got), json.loads(expected)
                    for key in ("total", "total_docs", "facets", "did_you_mean"):
                        assert got_json[key] == expected_json[key], (probe, key)
                for group in hidden:
                    for secret in SECRETS[group]:
                        for form in encoded(secret):
                            assert got.count(form) == expected.count(form), (probe, command, form)
        for group in hidden:
            code, out = _run("show", DOC_IDS[group], "--index", full, "--as", token)
            assert code == 1 and "no document" in out
        _, stats = _run("index", "stats", "--json", "--index", full, "--as", token)
        assert json.loads(stats)["documents"] == 2 + (token == internal)
    code, out = _run("search", "五星支部", "--index", full, "--as", "gs_00000000_wrong")
    assert code == 1 and "not known" in out


def test_an_update_without_the_settings_keeps_the_recorded_rules(tmp_path, monkeypatch):
    from index import update

    monkeypatch.delenv("GOVSEARCH_CONFIG", raising=False)
    corpus = tmp_path / "c"
    (corpus / "internal").mkdir(parents=True)
    (corpus / "internal" / "a.md").write_text("# 甲镇报告\n\n甲镇推进工作。\n", encoding="utf-8")
    (corpus / "b.md").write_text("# 乙镇报告\n\n乙镇推进工作。\n", encoding="utf-8")
    build(corpus, tmp_path / "ix", workers=1, visibility=Rules.from_mapping({"rules": {"internal/**": "internal"}}))
    (corpus / "internal" / "c.md").write_text("# 丙镇报告\n\n丙镇推进工作。\n", encoding="utf-8")
    report = update(corpus, tmp_path / "ix", workers=1)  # as from cron: no settings, no rules given
    assert report.unchanged == ["b.md", "internal/a.md"]
    docs = {d["doc_id"]: d["visibility"] for d in Searcher(tmp_path / "ix").documents()}
    assert docs == {"internal--a": "internal", "b": "public", "internal--c": "internal"}
    settings = tmp_path / "settings.toml"
    settings.write_text('[visibility]\ndefault = "public"\n', encoding="utf-8")
    monkeypatch.setenv("GOVSEARCH_CONFIG", str(settings))  # the settings say otherwise now: they win
    update(corpus, tmp_path / "ix", workers=1)
    assert {d["visibility"] for d in Searcher(tmp_path / "ix").documents()} == {"public"}
