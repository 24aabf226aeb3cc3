"""The joint fit of the ranking constants (bench/fit_weights.py): the folds, the ascent's
rules (best value of each grid, a move only above the minimum gain, the start restored)
and that a setting really reaches the ranking. The figures themselves are the benchmark's."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import fit_weights  # noqa: E402
import relevance2  # noqa: E402


class _Quadratic:
    """A stand-in bench: the score is known in closed form from the values."""

    def __init__(self, peak: dict):
        self.peak, self.applied, self.calls = peak, None, 0

    def score(self, values: dict, needs: list) -> tuple[float, int, dict]:
        self.calls += 1
        s = 1.0 - sum((values[k] - v) ** 2 for k, v in self.peak.items())
        return s, 0, {"m001": s}

    def apply(self, values: dict) -> None:
        self.applied = dict(values)


def test_folds_split_each_kind_and_cover_every_need():
    needs = [{"id": f"m{i:03d}", "kind": kind} for i, kind in
             enumerate(["rare"] * 3 + ["topic"] * 2 + ["phrase"], start=1)]
    a, b = fit_weights.folds(needs)
    assert {n["id"] for n in a} | {n["id"] for n in b} == {n["id"] for n in needs}
    assert not {n["id"] for n in a} & {n["id"] for n in b}
    for kind in ("rare", "topic"):  # a kind of two or more needs is in both folds
        assert any(n["kind"] == kind for n in a) and any(n["kind"] == kind for n in b)
    assert [n["id"] for n in a if n["kind"] == "rare"] == ["m001", "m003"]  # alternately by id


def test_ascent_takes_the_best_value_of_each_grid_and_restores_the_start(monkeypatch):
    monkeypatch.setattr(fit_weights, "GRID", {"X": [0.0, 1.0, 2.0], "Y": [0.0, 0.5, 1.0]})
    bench = _Quadratic({"X": 2.0, "Y": 0.5})
    start = {"X": 0.0, "Y": 0.0}
    fitted, best = fit_weights.ascend(bench, start, [], passes=2, min_gain=0.0, label="t", log=False)
    assert fitted == {"X": 2.0, "Y": 0.5} and best == pytest.approx(1.0)
    assert bench.applied == start  # the module constants are left as they were


@pytest.mark.parametrize("min_gain, moves", [(0.25, True), (0.2501, False)])
def test_a_move_must_gain_at_least_the_minimum(monkeypatch, min_gain, moves):
    monkeypatch.setattr(fit_weights, "GRID", {"X": [0.0, 0.5]})
    bench = _Quadratic({"X": 0.5})  # 0.0 → 0.5 gains exactly 0.25
    fitted, _ = fit_weights.ascend(bench, {"X": 0.0}, [], passes=1, min_gain=min_gain, label="t", log=False)
    assert fitted["X"] == (0.5 if moves else 0.0)


def test_a_setting_reaches_the_ranking(make_index, monkeypatch, tmp_path):
    from search import ranking

    monkeypatch.setattr(relevance2, "OUT", tmp_path / "out")
    once, twice = "养老服务站建成投用，服务群众。", "养老服务持续改善，养老机构增加床位。"
    s = make_index({"a.txt": f"戊镇工作报告\n\n{once}\n\n{twice}\n"})
    need = {"id": "m001", "q": "养老", "kind": "rare", "half": "tune", "judgements": {}}
    bench = fit_weights.Bench(s, [need])
    monkeypatch.setattr(ranking, "K1", ranking.K1)  # undone after the test
    scores = {}
    for k1 in (0.5, 3.0):
        bench.apply({"K1": k1})
        hits = s.search("养老", page_size=10).hits
        scores[k1] = {h.passage: h.score for h in hits}
    # the ratio of two tf (2 against 1) grows with K1: a fresh ranker followed the constant
    assert scores[3.0][twice] / scores[3.0][once] > scores[0.5][twice] / scores[0.5][once]
