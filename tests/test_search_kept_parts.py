"""What a searcher keeps between queries besides its term cache (search/hit_parts.py: a
hit's row, snippet, highlights and lead-in; search/ranking.py: the rerank's values per
row): a new generation is answered from its own text, and what one caller's search kept
never reaches another caller's answer."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "web"))
from visibilityfixtures import DEPT, SECRETS, build_pair  # noqa: E402

from index import build  # noqa: E402
from search import hit_parts  # noqa: E402
from search.engine import Searcher  # noqa: E402


def _answer(results) -> dict:
    out = results.to_dict()
    out["took_ms"] = None
    return out


def test_a_new_generation_is_answered_from_its_own_text(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    report = corpus / "a.md"
    report.write_text("# 甲镇报告\n\n甲镇推进五星支部创建，成效明显。\n", encoding="utf-8")
    build(corpus, tmp_path / "index", workers=1)
    s = Searcher(tmp_path / "index")
    first = s.search("五星支部")
    assert "成效明显" in first.hits[0].passage and len(hit_parts.kept_parts(s.current_table())) == 1
    report.write_text("# 甲镇报告\n\n甲镇推进五星支部创建，群众满意。\n", encoding="utf-8")
    build(corpus, tmp_path / "index", workers=1)  # the same row, a new generation
    again = s.search("五星支部")
    assert again.generation != first.generation
    assert [h.passage for h in again.hits] == ["甲镇推进五星支部创建，群众满意。"]
    assert "群众满意" in again.hits[0].snippet and "成效明显" not in again.hits[0].snippet


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    return build_pair(tmp_path_factory.mktemp("kept-parts"))


@pytest.mark.parametrize("query", ["五星支部", "人居环境", "工程建设", "工程"])
def test_what_a_caller_kept_never_reaches_another(pair, query):
    """Callers who see the restricted reports search first (their hits' parts and rerank
    values are kept by the searcher they share); an anonymous caller then gets exactly
    what a searcher that never served them answers, and none of their words."""
    full, _ = pair
    shared = Searcher(full)
    assert shared.search(query).hits  # everything (the operator's view)
    for groups in (["internal"], [DEPT]):
        shared.scoped(groups).search(query)
    # rows of the restricted reports were shown and kept
    assert any(s in p.row.text for p in _kept(shared) for s in SECRETS["internal"] + SECRETS[DEPT])
    anonymous = _answer(shared.scoped(["public"]).search(query))
    assert anonymous == _answer(Searcher(full).scoped(["public"]).search(query))
    body = repr(anonymous)
    for group in ("internal", DEPT):
        assert not any(secret in body for secret in SECRETS[group])


def _kept(searcher) -> list[hit_parts.Parts]:
    kept = hit_parts.kept_parts(searcher.current_table())
    return [parts for parts, _ in kept._kept.values()]
