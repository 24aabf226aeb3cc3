"""The blind-judged set and its scorer (bench/relevance2.py): the file is well formed,
the halves are fixed by the id, the measures, κ, the merge and the BM25 peer work as
documented. The figures themselves are the benchmark's."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import relevance2  # noqa: E402


def test_judged2_is_well_formed_and_split_by_id():
    needs = relevance2.load(relevance2.JUDGED2)
    assert len(needs) >= 100 and len({n["id"] for n in needs}) == len(needs)
    old = {n["q"] for n in relevance2.load(relevance2.JUDGED)}
    assert not any(n["q"] in old and not n["filters"] for n in needs)  # new needs, not the 45 again
    for n in needs:
        assert n["kind"] in relevance2.KINDS and n["need"]
        assert n["half"] == ("tune" if int(n["id"][1:]) % 2 else "held-out")
        for key, grades in n["judgements"].items():
            assert "|" in key and isinstance(grades, list) and set(grades) <= {0, 1, 2, None}
    for kind in relevance2.KINDS:
        of_kind = [n for n in needs if n["kind"] == kind]
        assert {n["half"] for n in of_kind} == {"tune", "held-out"}


def test_mean_grade_and_the_relevance_threshold():
    # (2, 1) has the mean 1.5 = RELEVANT: counts for P@10; (1, 2) too; (1, 1) does not
    judged = {"a": [2, 1], "b": [1, 1], "c": [0, 0]}
    assert relevance2.measures(["a", "b"], judged)["p10"] == pytest.approx(0.1)
    assert relevance2.measures(["b", "a"], judged)["mrr"] == pytest.approx(0.5)
    assert relevance2.measures(["a"], judged)["ndcg10"] == pytest.approx(
        (2 ** 1.5 - 1) / ((2 ** 1.5 - 1) + 1 / relevance2.math.log2(3)))
    assert relevance2.answerable({"judgements": {"a": [2, 1]}})
    assert not relevance2.answerable({"judgements": {"a": [1, 1], "b": [2, 0]}})


def test_cohens_kappa():
    pairs = [(2, 2), (1, 1), (0, 0), (2, 1)]
    assert relevance2.kappa(pairs) == pytest.approx((0.75 - 5 / 16) / (1 - 5 / 16))
    assert relevance2.kappa([(2, 2), (0, 0)]) == 1.0
    # weighted: a 2 against a 1 is half a disagreement
    assert relevance2.kappa(pairs, weighted=True) > relevance2.kappa(pairs)


def test_merge_keeps_both_judges(tmp_path, monkeypatch):
    judged = tmp_path / "judged2.json"
    judged.write_text(json.dumps({"needs": [{"id": "m001", "q": "x", "filters": {}, "need": "x", "kind": "rare",
                                             "half": "tune", "judgements": {}}]}), encoding="utf-8")
    monkeypatch.setattr(relevance2, "JUDGED2", judged)
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text('{"need_id": "m001", "key": "d|t", "grade": 2}\n{"need_id": "zz", "key": "d|t", "grade": 1}\n')
    b.write_text('{"need_id": "m001", "key": "d|t", "grade": 1}\n{"need_id": "m001", "key": "d|u", "grade": 0}\n')
    assert relevance2.merge([a, b]) == 3
    got = json.loads(judged.read_text(encoding="utf-8"))["needs"][0]["judgements"]
    assert got == {"d|t": [2, 1], "d|u": [None, 0]}


def test_bm25_peer_ands_first_then_fills_with_or(make_index, monkeypatch, tmp_path):
    monkeypatch.setattr(relevance2, "OUT", tmp_path / "out")
    (tmp_path / "out").mkdir()
    s = make_index({"a.txt": "戊镇工作报告\n\n农村养老服务站建成投用。\n\n农村道路建设加快，农村公路通达。\n\n"
                             "养老服务体系健全，养老机构增加。\n\n城市更新稳步推进。\n"})
    peer = relevance2.BM25Peer(s)
    t = peer.table
    found = [t.text(r) for r in peer.search("农村 养老", {})]
    assert found[0] == "农村养老服务站建成投用。"  # the only passage with both words comes first
    assert set(found[1:]) == {"农村道路建设加快，农村公路通达。", "养老服务体系健全，养老机构增加。"}
    assert "城市更新稳步推进。" not in found


def test_merge_takes_a_judges_batches_together(tmp_path, monkeypatch):
    judged = tmp_path / "judged2.json"
    judged.write_text(json.dumps({"needs": [{"id": "m001", "q": "x", "filters": {}, "need": "x", "kind": "rare",
                                             "half": "tune", "judgements": {}}]}), encoding="utf-8")
    monkeypatch.setattr(relevance2, "JUDGED2", judged)
    a1, a2, b = tmp_path / "a1.jsonl", tmp_path / "a2.jsonl", tmp_path / "b.jsonl"
    a1.write_text('{"need_id": "m001", "key": "d|t", "grade": 2}\n')
    a2.write_text('{"need_id": "m001", "key": "d|u", "grade": 1}\n')
    b.write_text('{"need_id": "m001", "key": "d|u", "grade": 0}\n')
    assert relevance2.main(["--merge", f"{a1},{a2}", str(b)]) == 0
    got = json.loads(judged.read_text(encoding="utf-8"))["needs"][0]["judgements"]
    assert got == {"d|t": [2, None], "d|u": [1, 0]}


def test_the_linked_corpus_takes_the_towns_reports_only(tmp_path, monkeypatch):
    """bench/relevance.py links the corpora for both scripts; relevance2 passes the towns
    folder, whose .txt files are reports (truth.tsv and README.md are not)."""
    import relevance

    samples, real, towns = (tmp_path / n for n in ("samples", "real", "towns"))
    for folder, names in ((samples, ("a.txt", "metadata.tsv")), (real, ("b.md", "c.pdf")),
                          (towns, ("001.txt", "truth.tsv", "README.md"))):
        folder.mkdir()
        for name in names:
            (folder / name).write_text("x", encoding="utf-8")
    monkeypatch.setattr(relevance, "SAMPLES", samples)
    monkeypatch.setattr(relevance, "REAL", real)
    corpus = relevance._link_corpus(tmp_path / "out", towns)
    linked = sorted(p.relative_to(corpus).as_posix() for p in corpus.rglob("*") if p.is_symlink())
    assert linked == ["real/b.md", "samples/a.txt", "samples/metadata.tsv", "towns/001.txt"]
    assert sorted(p.name for p in relevance._link_corpus(tmp_path / "out2").iterdir()) == ["real", "samples"]


def test_snippet_cuts_counts_cut_snippets_and_two_piece_lengths(make_index):
    far = "全镇扎实推进基层党建工作，" + "围绕中心服务大局，" * 40 + "持续开展人居环境整治，" + "落实落细各项任务，" * 20 + "全面完成。"
    s = make_index({"a.txt": "甲镇工作报告\n\n" + far + "\n\n党建引领人居环境整治。\n"})
    cuts = relevance2.snippet_cuts(s, [{"q": "党建 人居环境"}])
    assert cuts["cut"] == 1 and cuts["in_enumeration"] == 0  # the short passage is shown whole
    assert len(cuts["two_piece"]) == 1 and cuts["two_piece"][0] >= 2 * 50
    text = "甲、乙、丙三村，丁村"
    assert relevance2._inside_enumeration(text, 2) and relevance2._inside_enumeration(text, 7)  # before ，
    assert not relevance2._inside_enumeration(text, 8)  # just after the comma
    assert not relevance2._inside_enumeration(text, 9)  # inside 丁村: no 、 in that clause


def test_ceiling_is_the_ideal_order_of_the_graded_passages():
    # 11 passages at 2 → P@10 1.0; with one of them at (2, 1) = 1.5 still relevant
    many = {f"k{i}": [2, 2] for i in range(10)} | {"x": [0, 0]}
    assert relevance2.ceiling(many) == {"p10": 1.0, "ndcg10": pytest.approx(1.0), "mrr": 1.0}
    # three relevant passages, one in passing (1, 1): P@10 at most 0.3, nDCG@10 1.0
    few = {"a": [0, 0], "b": [1, 1], "c": [2, 1], "d": [2, 2], "e": [1, 2]}
    got = relevance2.ceiling(few)
    assert got["p10"] == pytest.approx(0.3) and got["ndcg10"] == pytest.approx(1.0) and got["mrr"] == 1.0
    assert relevance2.ceiling({"a": [1, 1]})["p10"] == 0.0


def test_reorder_ceiling_orders_only_our_own_top_passages():
    assert relevance2.REORDER == 30
    grades = {"a": [2, 2], "b": [0, 0], "c": [2, 2], "far": [2, 2]}
    # b above a and c; "far" stands at 31, beyond what a reordering may use; z is unjudged (0)
    keys = ["b", "a", "z"] + [f"u{i}" for i in range(26)] + ["c", "far"]
    got = relevance2.reorder_ceiling(keys, grades)
    assert got["p10"] == pytest.approx(0.2) and got["mrr"] == 1.0
    best = relevance2.measures(["a", "c"], grades)["ndcg10"]
    assert got["ndcg10"] == pytest.approx(best) and best < 1.0  # "far" is relevant and out of reach
    assert relevance2.reorder_ceiling(keys[:29] + ["far"], grades)["p10"] == pytest.approx(0.2)  # far at 30
    assert relevance2.reorder_ceiling(keys[:29], grades)["p10"] == pytest.approx(0.1)  # c left out


def test_extra_grades_fill_only_ungraded_passages_of_answerable_needs(tmp_path):
    needs = [{"id": "m001", "judgements": {"a": [2, 2]}}, {"id": "m002", "judgements": {"a": [1, 0]}}]
    one, two = tmp_path / "d.jsonl", tmp_path / "e.jsonl"
    one.write_text('{"need_id": "m001", "key": "a", "grade": 0}\n{"need_id": "m001", "key": "b", "grade": 1}\n'
                   '{"need_id": "m002", "key": "b", "grade": 2}\n', encoding="utf-8")
    two.write_text('{"need_id": "m001", "key": "b", "grade": 2}\n{"need_id": "m001", "key": "c", "grade": 2}\n',
                   encoding="utf-8")
    assert relevance2.add_extra_grades(needs, [one, two]) == 2
    assert needs[0]["judgements"] == {"a": [2, 2], "b": [1], "c": [2]}  # the first file that grades b counts
    assert needs[1]["judgements"] == {"a": [1, 0]}  # not answerable: left as it is


def test_report_collects_the_unjudged_passages_of_our_top_10s(make_index, monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(relevance2, "OUT", tmp_path / "out")
    (tmp_path / "out").mkdir()
    graded, other = "农村养老服务站建成投用。", "农村养老保险覆盖面扩大。"
    s = make_index({"a.txt": f"戊镇工作报告\n\n{graded}\n\n{other}\n\n城市更新稳步推进。\n"})
    key = next(k for k, h in relevance2.engine_keys(s, {"q": "农村养老"}, "none") if h.passage == graded)
    need = {"id": "m001", "q": "农村养老", "need": "农村养老的做法", "kind": "phrase", "half": "tune",
            "judgements": {key: [2, 2]}}
    found: list[dict] = []
    relevance2.report(s, relevance2.BM25Peer(s), [need], "none", False, unjudged_out=found)
    assert "unjudged passages in the top 10s (counted as 0): tune half: govsearch 1" in capsys.readouterr().out
    assert [x["text"] for x in found] == [other]  # the graded passage is not pooled again
    assert set(found[0]) == {"need_id", "need", "q", "filters", "key", "title", "section", "text"}
    assert found[0]["need_id"] == "m001" and found[0]["need"] == "农村养老的做法" and found[0]["key"] != key
