"""The town-level bench (bench/towns.py): its fixed split, its phrase picker and its
place comparison on text written here, and its scores on a few development files of
../shared/corpus-towns (skipped without that folder)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import towns  # noqa: E402

TOWNS = ROOT.parent / "shared" / "corpus-towns"


def test_split_is_by_file_number():
    assert towns.half("001-a.txt") == "dev" and towns.half("079-b.txt") == "dev"
    assert towns.half("002-a.txt") == "held-out" and towns.half("080-b.txt") == "held-out"


def test_phrases_across_breaks_inside_sentences_only():
    truth = towns.Truth("x.txt", {f: None for f in towns.FIELDS}, ["一、经济发展"])
    raw = ("青禾镇工作总结\n一、经济发展\n全年完成投资3.2亿元，新建村级道\n路5公里，改造农村危房12户。\n"
           "——2024年1月23日在青禾镇第二十届\n人民代表大会第八次会议上\n镇长 李青山\n各位代表：\n")
    phrases = towns.broken_phrases(raw, truth)
    assert "建村级道路5公里" in phrases  # 4 + 4 characters around the break
    assert "第二十届人民代表" in phrases  # a wrapped session line
    assert not any("李青山" in p or "会议上镇" in p for p in phrases)  # speaker and salutation: no sentence
    assert not any("工作总结" in p for p in phrases)  # the title line ends there


def test_places_compare_by_short_form_of_autonomous_units():
    assert towns.same_place("芷江侗族自治县", "芷江县")
    assert towns.same_place("化隆回族自治县", "化隆县")
    assert not towns.same_place("芷江县", "化隆县")
    assert towns.same_place(None, "")


@pytest.mark.skipif(not (TOWNS / "truth.tsv").exists(), reason="../shared/corpus-towns is not here")
def test_scores_on_development_files():
    wanted = {1, 9, 13, 25, 27, 65}
    truth = [t for t in towns.load_truth(TOWNS) if towns.number(t.file) in wanted]
    assert len(truth) == len(wanted) and all(towns.half(t.file) == "dev" for t in truth)
    score = towns.run(truth, TOWNS)["dev"]
    assert score.files == len(wanted)
    for field in ("town", "level", "year", "title"):
        assert score.right[field] == len(wanted), (field, score.misses)
    assert score.headings_hit / score.headings_real >= 0.65, score.misses  # 6 of 9 reached
    assert score.headings_found / score.headings_parsed >= 0.75, score.misses
    assert score.phrases_found == score.phrases, score.misses


def test_show_lists_both_halves_of_a_gathered_folder(tmp_path, capsys):
    # a gathered folder is development once scored; corpus-towns' held-out half is not shown
    text = "青禾镇2023年工作总结\n一、经济发展\n全年完成投资3.2亿元。\n"
    (tmp_path / "701-a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "702-b.txt").write_text(text, encoding="utf-8")
    (tmp_path / "truth.tsv").write_text(
        "file\ttitle\ttown\tcounty\tcity\tprovince\tlevel\tyear\theadings\n"
        "701-a.txt\t青禾镇2023年工作总结\t青禾镇\t\t\t\ttownship\t2021\t一、经济发展\n"
        "702-b.txt\t青禾镇2023年工作总结\t青禾镇\t\t\t\ttownship\t2022\t一、经济发展\n",
        encoding="utf-8")
    assert towns.main(["--folder", str(tmp_path), "--show"]) == 0
    out = capsys.readouterr().out
    assert "[dev] 701-a.txt year: got 2023, truth 2021" in out
    assert "[held-out] 702-b.txt year: got 2023, truth 2022" in out
