"""What a text file is, decided from its bytes: random code points are not a report
even when they are valid UTF-8; a file of UTF-8 lines and GBK lines is read a line at
a time rather than skipped whole."""

from __future__ import annotations

import os
import random

import pytest

from conftest import write_corpus
from index import build
from index.reading.ingest import SkipFile, decode
from search.engine import Searcher

U = "青山镇全面推进人居环境整治。\n".encode("utf-8")
G = "来集镇持续深化万人助万企。\n".encode("gbk")


def test_odd_characters_at_a_fifth_pass_one_more_skips():
    assert decode(("甲" * 800 + "Ж" * 200).encode("utf-8"))[1] == "utf-8"  # 200 of 1,000: at the limit
    with pytest.raises(SkipFile, match="not text: over 20% of its first characters"):
        decode(("甲" * 799 + "Ж" * 201).encode("utf-8"))


def test_random_code_points_in_valid_utf8_are_not_a_report(tmp_path):
    rng = random.Random(20)
    noise = "".join(chr(rng.randrange(0x80, 0xD800)) for _ in range(3000)).encode("utf-8")
    corpus = write_corpus(tmp_path / "c", {"a.txt": "大隗镇工作总结\n\n大隗镇扎实推动五星支部创建。\n",
                                           "noise.txt": noise, "bytes.txt": os.urandom(3000)})
    report = build(corpus, tmp_path / "idx", workers=1)
    skipped = dict(report.skipped)
    assert skipped["noise.txt"].startswith("not text: over 20%")
    assert "bytes.txt" in skipped and report.indexed == ["a.txt"]


def test_a_half_utf8_half_gbk_file_is_read_line_by_line(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"mixed.txt": U * 3 + G * 3})
    report = build(corpus, tmp_path / "idx", workers=1)
    assert report.indexed == ["mixed.txt"]
    searcher = Searcher(tmp_path / "idx")
    assert searcher.search("人居环境").total_docs == 1 and searcher.search("万人助万企").total_docs == 1
    assert decode(U * 3 + G * 3)[1] == "utf-8+gb18030"


def test_a_line_readable_both_ways_is_utf8_from_three_non_ascii_characters():
    three = "x ééé\n".encode("utf-8")  # é is C3 A9: a GB18030 pair too
    two = "x éé\n".encode("utf-8")
    assert decode(U + G + three)[0].splitlines()[2] == "x ééé"
    assert decode(U + G + two)[0].splitlines()[2] == two.decode("gb18030").strip()


def test_a_pure_gbk_file_is_still_gb18030():
    assert decode(G * 3)[1] == "gb18030"
