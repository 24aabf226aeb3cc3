"""The judged relevance set and its scorer (bench/relevance.py): the file is well formed
and the measures are computed as documented. The figures themselves are the benchmark's."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import relevance  # noqa: E402


def test_judged_set_is_well_formed():
    needs = json.loads((ROOT / "bench" / "judged.json").read_text(encoding="utf-8"))["needs"]
    assert len(needs) >= 40
    assert len({n["id"] for n in needs}) == len(needs)
    kinds = {"and": 0, "filter": 0}
    for n in needs:
        assert n["q"] or n["filters"]
        assert set(n["judgements"].values()) <= {0, 1, 2}
        assert all("|" in k for k in n["judgements"])
        kinds["and"] += len(n["q"].split()) > 1
        kinds["filter"] += bool(n["filters"])
    assert kinds["and"] >= 4 and kinds["filter"] >= 4
    assert sum(len(n["judgements"]) for n in needs) >= 40 * 10


def test_passage_key_ignores_whitespace_and_keeps_24_characters():
    assert relevance.passage_key("d", " 五星 支部\n创建" + "字" * 40) == "d|五星支部创建" + "字" * 18


def test_measures():
    grades = {"a": 2, "b": 1, "c": 0, "d": 2}
    m = relevance.measures(["c", "a", "b"], grades)
    assert m["p10"] == pytest.approx(0.1)
    assert m["mrr"] == pytest.approx(0.5)
    dcg = 3 / math.log2(3) + 1 / math.log2(4)
    idcg = 3 / math.log2(2) + 3 / math.log2(3) + 1 / math.log2(4)
    assert m["ndcg10"] == pytest.approx(dcg / idcg)
    assert relevance.measures(["a", "d", "b"], grades)["ndcg10"] == pytest.approx(1.0)
    assert relevance.measures(["x"], grades) == {"p10": 0.0, "ndcg10": 0.0, "mrr": 0.0}
