"""Towns the national gazetteer does not list are found by the shape of an administrative
name in the title or the opening lines (index/reading/town_names.py); everyday words of the same
shape (城乡, 乡镇, 全镇, 各乡镇, 新型城镇 …) never become towns."""

from __future__ import annotations

import pytest

from conftest import write_corpus
from index import build
from index.reading.places import Gazetteer
from search.engine import Searcher

MADE_UP = ("青石沟镇", "白杨岭乡", "金果园街道", "石沟镇")

POSITIVE = {
    "title-start.txt": ("青石沟镇2021年工作总结\n\n2021年，全镇上下团结一心，经济稳步发展，群众生活持续改善。\n",
                        "青石沟镇"),
    "after-year.txt": ("2022年白杨岭乡工作报告\n\n一年来，全乡推进乡村振兴，城乡融合发展。\n", "白杨岭乡"),
    # 街道办事处 → 街道; not the listed 果园街道 that it ends with
    "office.txt": ("金果园街道办事处2022年工作总结\n\n2022年，金果园街道推进老旧小区改造，金果园街道环境持续改善。\n",
                   "金果园街道"),
    "after-party.txt": ("中共青石沟镇委员会2023年工作总结\n\n全镇党员干部担当作为。\n", "青石沟镇"),
    # a leading word is not part of the name when the text names the town without it
    "lead-word.txt": ("推进石沟镇高质量发展\n\n2021年，石沟镇招商引资取得新突破，石沟镇工业稳步增长。\n", "石沟镇"),
    # named only in the opening lines, twice
    "opening.txt": ("2021年工作总结\n\n青石沟镇党委、政府团结带领全镇干部群众，青石沟镇经济社会发展取得新成绩。\n",
                    "青石沟镇"),
}

NEGATIVE = {
    "cityrural.txt": "城乡建设工作总结\n\n推进城乡一体化，各乡镇全面推进人居环境整治，全镇上下齐心协力。\n",
    "urbanization.txt": "新型城镇化建设情况报告\n\n推进新型城镇化，各乡镇加快发展，小城镇建设提速。\n",
    "all-towns.txt": "各乡镇2022年工作要点\n\n全镇、各乡镇要加强组织领导，建设美丽乡村。\n",
    "whole-town.txt": "全镇2022年工作总结\n\n全镇上下团结一心，乡镇企业稳步发展。\n",
    "rural.txt": "关于推进美丽乡村建设的意见\n\n推动乡村振兴，建设特色小镇，发展乡村旅游。\n",
    "small-towns.txt": "特色小镇建设方案\n\n打造一批特色小镇、重点镇和文明乡镇。\n",
    "one-town-five.txt": "建设“一镇五区” 开创发展新局面\n\n建设一镇五区，全镇经济稳步发展。\n",
    # named once in the opening only: not enough evidence
    "once.txt": "2021年工作总结\n\n青石沟镇今年经济稳步发展，群众生活持续改善。\n",
}


@pytest.fixture(scope="module")
def places(tmp_path_factory):
    base = tmp_path_factory.mktemp("unlisted")
    files = {name: text for name, (text, _) in POSITIVE.items()} | NEGATIVE
    files["county.txt"] = "新密市青石沟镇2021年工作总结\n\n全镇经济稳步发展，群众生活持续改善。\n"
    files["province.txt"] = ("2026年安徽省政府工作报告\n\n现在，我代表省人民政府向大会报告工作。"
                             "青石沟镇发展乡村旅游，青石沟镇游客倍增，全省经济持续回升。\n")
    build(write_corpus(base / "corpus", files), base / "index", workers=1)
    return {d["source"]: d for d in Searcher(base / "index").documents()}


def test_the_made_up_towns_are_not_in_the_gazetteer():
    g = Gazetteer.load()
    assert not any(g.units(name) for name in MADE_UP)
    assert g.units("果园街道")  # the listed street 金果园街道 must not be taken for


@pytest.mark.parametrize("name", sorted(POSITIVE))
def test_an_unlisted_town_is_found(places, name):
    doc = places[name]
    assert (doc["town"], doc["level"]) == (POSITIVE[name][1], "township")


@pytest.mark.parametrize("name", sorted(NEGATIVE))
def test_everyday_words_are_not_towns(places, name):
    assert places[name]["town"] is None


def test_the_county_written_before_it_is_its_county(places):
    doc = places["county.txt"]
    assert (doc["town"], doc["county"], doc["city"], doc["province"], doc["level"]) == (
        "青石沟镇", "新密市", "郑州市", "河南省", "township")


def test_a_province_report_is_not_about_an_unlisted_town_it_mentions(places):
    doc = places["province.txt"]
    assert (doc["town"], doc["province"], doc["level"]) == (None, "安徽省", "province")


def test_the_samples_keep_their_listed_towns(sample):
    towns = {d["source"]: (d["town"], d["county"]) for d in sample.documents()}
    assert towns == {"gongyi-huiguo-2020.txt": ("回郭镇", "巩义市"), "gongyi-xiaoguan-2018.txt": ("小关镇", "巩义市"),
                     "shangjie-xiawo-2022.txt": ("峡窝镇", "上街区"), "xinmi-dawei-2022.txt": ("大隗镇", "新密市"),
                     "xinmi-laiji.txt": ("来集镇", "新密市")}


@pytest.mark.real_corpus
def test_real_reports_get_no_made_up_town(real_corpus_slice):
    # the real corpus holds provincial, national and policy reports only: none is a town's
    docs = Searcher(real_corpus_slice).documents()
    assert len(docs) > 30
    assert [(d["source"], d["town"]) for d in docs if d["town"]] == []
