"""A damaged index is detected (search, index stats, /healthz) with a recovery hint, never
an internal error; `index update` repairs it by a full build and says so."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from conftest import write_corpus
from govsearch.cli import main
from index import build, update
from index.generation import store
from search.engine import Searcher

A = "大隗镇工作总结\n\n大隗镇扎实推动五星支部创建。\n"
B = "来集镇工作总结\n\n来集镇持续深化万人助万企。\n"


def _live(index):
    return index / (index / "CURRENT").read_text().strip()


def _truncate(path):
    with open(path, "r+b") as f:
        f.truncate(max(1, path.stat().st_size // 3))


DAMAGES = {
    "garbage documents.json": lambda idx: (_live(idx) / "documents.json").write_text("garbage"),
    "truncated build.json": lambda idx: _truncate(_live(idx) / "build.json"),
    "garbage grams.json": lambda idx: (_live(idx) / "grams.json").write_text("{"),
    "missing documents.json": lambda idx: (_live(idx) / "documents.json").unlink(),
    "truncated segment": lambda idx: _truncate(next(_live(idx).glob("*.seg"))),
    "missing .npy": lambda idx: next(_live(idx).glob("*.npy")).unlink(),
    "garbage bytes in CURRENT": lambda idx: (idx / "CURRENT").write_bytes(b"\xff\xfe\x00\x9c garbage"),
    "CURRENT naming a missing generation": lambda idx: (idx / "CURRENT").write_text("gen-nowhere\n"),
    "missing CURRENT": lambda idx: (idx / "CURRENT").unlink(),
}


@pytest.fixture
def damaged(tmp_path, request):
    corpus = write_corpus(tmp_path / "c", {"a.txt": A, "b.txt": B})
    index = tmp_path / "index"
    build(corpus, index)
    DAMAGES[request.param](index)
    return corpus, index


@pytest.mark.parametrize("damaged", list(DAMAGES), indirect=True)
def test_damage_is_reported_with_a_hint_then_repaired_by_update(damaged):
    corpus, index = damaged
    runner = CliRunner()
    for args in (["search", "五星支部"], ["index", "stats"], ["show", "a"]):
        result = runner.invoke(main, [*args, "--index", str(index)])
        assert result.exit_code == 1, result.output
        assert "Internal error" not in result.output and "Traceback" not in result.output
        assert "错误 Error:" in result.output and "index build" in result.output  # the way out
    result = runner.invoke(main, ["index", "update", "--corpus", str(corpus), "--index", str(index)])
    assert result.exit_code == 0, result.output
    assert "Internal error" not in result.output
    assert "rebuilding it from scratch" in result.output or "no index yet" in result.output
    searcher = Searcher(index)
    assert searcher.search("五星支部").total == 1 and searcher.search("万人助万企").total == 1
    store.verify_generation(_live(index))


@pytest.mark.parametrize("damaged", ["truncated segment", "missing .npy", "garbage grams.json"], indirect=True)
def test_update_never_switches_to_a_still_broken_generation(damaged):
    corpus, index = damaged
    report = update(corpus, index)
    assert any("damaged" in note for note in report.notes)
    assert sorted(report.indexed) == ["a.txt", "b.txt"]  # everything re-analyzed, nothing linked from the damage


@pytest.mark.parametrize("damaged", ["garbage bytes in CURRENT", "truncated segment"], indirect=True)
def test_healthz_says_503_with_the_reason(damaged):
    from web import create_app

    _, index = damaged
    client = create_app({"index": str(index), "TESTING": True}).test_client()
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable" and body["error"]["code"] == "no_index"
    assert str(index) in body["error"]["message"]


def test_verify_generation_names_the_file(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"a.txt": A})
    build(corpus, tmp_path / "index")
    gen = _live(tmp_path / "index")
    store.verify_generation(gen)
    seg = next(gen.glob("*.seg"))
    _truncate(seg)
    with pytest.raises(store.IndexDamaged, match=seg.name):
        store.verify_generation(gen)
