"""pypinyin's readings written into each generation (index/generation/pinyin_readings.py):
the replay of its segmenter over the arrays reads every text as pypinyin reads it, and an
update reuses the previous generation's arrays only when they were made by the installed
pypinyin."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
from pypinyin import Style, pinyin
from pypinyin.constants import PHRASES_DICT, PINYIN_DICT

from conftest import write_corpus
from index import build, update
from index.generation import assist_tables, pinyin_readings, store
from index.generation.pinyin_readings import Readings, own


@pytest.fixture(scope="module")
def readings() -> Readings:
    return Readings(pinyin_readings.arrays())


def _pypinyin(text: str) -> list[list[str]]:
    return pinyin(text, style=Style.NORMAL, heteronym=True, errors=own)


def _texts() -> list[str]:
    """Texts for each way pypinyin's strict forward maximum matching cuts a run, and
    random runs of phrases and characters (seeded)."""
    phrases = sorted(PHRASES_DICT)
    no_reading = [c for c in map(chr, range(0x3400, 0xA000)) if ord(c) not in PINYIN_DICT]
    assert no_reading  # characters that stand for themselves
    # the beginning of a phrase that no phrase is a prefix of: every character alone
    runs_to_end = [p[:3] for p in phrases if len(p) == 4 and p[:2] not in PHRASES_DICT and p[:3] not in PHRASES_DICT]
    # a phrase followed by a character that goes on no phrase: the phrase, then the rest
    cut_after = [p + "的" for p in phrases[:: 500]]
    texts = ["银行", "行长", "银行行长", "重庆", "朝阳", "那些", "长沙行长", "五心支部", "人居环竟",
             no_reading[0], no_reading[0] + "银行" + no_reading[1], *runs_to_end[:200], *cut_after]
    rng = random.Random(22)
    chars = [chr(c) for c in sorted(PINYIN_DICT) if 0x3400 <= c <= 0x9FFF]
    for _ in range(3000):
        parts = [rng.choice(phrases) for _ in range(rng.randint(1, 3))]
        text = list("".join(parts))
        for _ in range(rng.randint(0, 2)):
            text[rng.randrange(len(text))] = rng.choice(chars + no_reading[:50])
        start = rng.randrange(3)
        texts.append("".join(text)[start:start + rng.randint(1, 9)] or text[0])
    return texts


def test_the_replay_reads_every_text_as_pypinyin_reads_it(readings):
    texts = _texts()
    assert any(len(_pypinyin(t)[0]) > 1 for t in texts)  # polyphones read with all their readings
    assert readings.pinyin("银行") == [["yin"], ["hang"]] and readings.pinyin("行") == [["xing", "hang", "heng"]]
    assert readings.pinyin("朝阳") == _pypinyin("朝阳") and len(readings.pinyin("朝阳")[0]) == 2
    different = [t for t in texts if readings.pinyin(t) != _pypinyin(t)]
    assert different == []


def test_every_character_and_phrase_of_pypinyin_is_in_the_arrays(readings):
    a = pinyin_readings.arrays()
    assert a["py.chars"].tolist() == sorted(PINYIN_DICT)
    assert len(a["py.phrase.offsets"]) == len(PHRASES_DICT) + 1
    # every prefix of a phrase begins one (-1) or is one (its id)
    prefixes = {p[:n] for p in PHRASES_DICT for n in range(1, len(p) + 1)}
    assert len(a["py.prefix.i"]) == len(prefixes)
    assert int((a["py.prefix.i"] >= 0).sum()) == len(PHRASES_DICT)


A = "大隗镇2022年工作总结\n\n全面推进五星支部创建，五星支部创建覆盖全部村。持续开展人居环境整治，人居环境整治见效。\n"
B = "来集镇2023年工作总结\n\n乡村振兴稳步推进，人居环境整治提升，五星支部创建深入开展。银行网点延伸到村。\n"


def test_an_update_reuses_the_readings_only_when_the_installed_pypinyin_made_them(tmp_path, monkeypatch):
    corpus = write_corpus(tmp_path / "c", {"a.txt": A, "b.txt": B})
    index = tmp_path / "i"
    build(corpus, index, workers=1)
    info = json.loads((store.current_generation(index) / assist_tables.INFO).read_text(encoding="utf-8"))
    assert info["readings"] == {"version": pinyin_readings.VERSION, "pypinyin": pinyin_readings.pypinyin_version()}

    made = []
    computed = pinyin_readings.arrays

    def counting():
        made.append(1)
        return computed()

    monkeypatch.setattr(pinyin_readings, "arrays", counting)
    (corpus / "b.txt").write_text(B + "养老服务中心建成。\n", encoding="utf-8")
    update(corpus, index, workers=1)
    assert made == []  # the previous generation's arrays, copied
    gen = store.current_generation(index)
    assert assist_tables.AssistTables(gen).info["readings"]["pypinyin"] == pinyin_readings.pypinyin_version()

    monkeypatch.setattr(pinyin_readings, "pypinyin_version", lambda: "0.0.other")
    (corpus / "b.txt").write_text(B, encoding="utf-8")
    update(corpus, index, workers=1)
    assert made == [1]  # made by another pypinyin than the previous generation's: made again
    tables = assist_tables.AssistTables(store.current_generation(index))
    assert tables.info["readings"]["pypinyin"] == "0.0.other"
    assert Readings(tables).pinyin("五心支部") == _pypinyin("五心支部")


class _TypedSearch(np.ndarray):
    """A chars array that records the type of each value it is searched for."""

    searched: list = []

    def searchsorted(self, v, side="left", sorter=None):
        type(self).searched.append(np.asarray(v).dtype)
        return np.asarray(self).searchsorted(v, side=side, sorter=sorter)


def test_a_character_is_searched_as_a_value_of_the_chars_array_at_its_first_and_last_entry():
    tables = dict(pinyin_readings.arrays())
    chars = tables["py.chars"]
    assert chars.dtype == np.int32
    tables["py.chars"] = chars.view(_TypedSearch)
    _TypedSearch.searched = []
    readings = Readings(tables)
    first, last = chr(int(chars[0])), chr(int(chars[-1]))  # the smallest and the largest code
    # both ends are read from the arrays, as pypinyin reads them
    assert readings.pinyin(first) == _pypinyin(first) and readings.pinyin(first) != own(first)
    assert readings.pinyin(last) == _pypinyin(last) and readings.pinyin(last) != own(last)
    # one past either end, and the largest code point there is, stand for themselves
    for c in (chr(int(chars[0]) - 1), chr(int(chars[-1]) + 1), chr(0x10FFFF)):
        assert int(chars[0]) > ord(c) or ord(c) > int(chars[-1])
        assert readings._char(c) == own(c)
    assert _TypedSearch.searched and set(_TypedSearch.searched) == {np.dtype(np.int32)}
