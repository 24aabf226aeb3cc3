"""The sample corpus: what a reader of these five reports expects."""

from __future__ import annotations

import pytest

from conftest import all_hits


def test_wuxing_zhibu_finds_exactly_the_three_passages(sample):
    res = sample.search("五星支部")
    assert res.total == 3
    assert res.total_docs == 2
    by_town = sorted((h.town, h.section) for h in res.hits)
    assert by_town == [
        ("大隗镇", "聚焦党建引领 把稳高质量发展方向"),
        ("大隗镇", "聚焦党建引领 把稳高质量发展方向"),
        ("来集镇", "对标对表摘星夺旗 落实落细党建任务"),
    ]
    assert {h.match for h in res.hits} == {"exact"}
    laiji = next(h for h in res.hits if h.town == "来集镇")
    assert "“五星”支部" in laiji.passage
    assert "<mark>五星</mark>”<mark>支部</mark>" in laiji.snippet
    assert res.facets["town"] == {"大隗镇": 2, "来集镇": 1}
    assert res.facets["topic"]["党建"] == 3


EXPECTED_METADATA = {
    "gongyi-huiguo-2020": ("回郭镇", "巩义市", 2020),
    "xinmi-dawei-2022": ("大隗镇", "新密市", 2022),
    "gongyi-xiaoguan-2018": ("小关镇", "巩义市", 2018),
    "xinmi-laiji": ("来集镇", "新密市", None),
    "shangjie-xiawo-2022": ("峡窝镇", "上街区", 2022),
}


@pytest.mark.parametrize("doc_id,expected", EXPECTED_METADATA.items())
def test_metadata(sample, doc_id, expected):
    doc = sample.document(doc_id)
    assert (doc["town"], doc["county"], doc["year"]) == expected


def test_titles(sample):
    assert sample.document("gongyi-huiguo-2020")["title"] == "工业强镇再扬帆 高歌猛进铸辉煌"
    assert sample.document("gongyi-huiguo-2020")["subtitle"] == "——巩义市回郭镇交出发展优异“成绩单”"
    assert sample.document("xinmi-dawei-2022")["title"] == "实施“五大提升” 建设“一镇五区”"
    assert sample.document("gongyi-xiaoguan-2018")["title"] == "强基固本聚力跨越"
    # the first line of this one is a photo caption; corpus/metadata.tsv gives the headline
    assert sample.document("shangjie-xiawo-2022")["title"].endswith("上街区峡窝镇“十大攻坚”结硕果")


# Every paragraph the page layout cut in two, as "end of first part | start of second".
PAGE_BREAKS = [
    ("gongyi-huiguo-2020", "产业扶贫成效显著"),
    ("gongyi-huiguo-2020", "实验幼儿园"),
    ("gongyi-huiguo-2020", "所有村全部实现"),
    ("gongyi-huiguo-2020", "开展“亮赛比”和“挂图作战"),
    ("xinmi-dawei-2022", "“书记项目”契机"),
    ("xinmi-dawei-2022", "谋划新建、续建各类重点项目"),
    ("xinmi-dawei-2022", "进化凉粉、热干面"),
    ("xinmi-dawei-2022", "设置“6办+6中心”"),
    ("xinmi-dawei-2022", "力量分散、重复执法"),
    ("xinmi-dawei-2022", "窑沟瓷遗址公园"),
    ("xinmi-dawei-2022", "人民群众生命健康安全"),
    ("gongyi-xiaoguan-2018", "专题讲座，多次邀请"),
    ("gongyi-xiaoguan-2018", "全年在市级以上媒体"),
    ("gongyi-xiaoguan-2018", "打好大气、水、土壤污染防治"),
    ("gongyi-xiaoguan-2018", "建成生产车间2栋"),
    ("gongyi-xiaoguan-2018", "田园综合体项目。其中"),
    ("xinmi-laiji", "实现学习教育"),
    ("xinmi-laiji", "支持耐材产业"),
    ("xinmi-laiji", "以美丽乡村建设为目标"),
]


@pytest.mark.parametrize("doc_id,joined", PAGE_BREAKS)
def test_page_break_joined(sample, doc_id, joined):
    texts = [p["text"] for p in sample.document(doc_id)["passages"]]
    assert sum(joined in t for t in texts) == 1, f"{joined!r} should be inside one passage"
    hits = all_hits(sample, f'"{joined}"')
    assert [h.doc_id for h in hits] == [doc_id]


def test_no_fragment_left_dangling(sample):
    """After joining, no body passage of the samples ends in the middle of a sentence,
    except the headline of the 峡窝镇 report, which is a headline."""
    dangling = []
    for doc_id in EXPECTED_METADATA:
        for p in sample.document(doc_id)["passages"]:
            if p["kind"] == "body" and p["text"].rstrip("”’）)")[-1] not in "。！？!?…；：":
                dangling.append(p["text"][-12:])
    assert dangling == ["峡窝镇“十大攻坚”结硕果"]


def test_qi_ji_across_the_page_break(sample):
    res = sample.search("契机")
    assert {h.doc_id for h in res.hits} == {"xinmi-dawei-2022", "gongyi-xiaoguan-2018"}


def test_captions_and_bylines_are_kept_but_never_sections(sample):
    doc = sample.document("gongyi-huiguo-2020")
    kinds = {p["text"]: p["kind"] for p in doc["passages"]}
    assert kinds["巩义市产业集聚区(回郭镇)俯瞰"] == "caption"
    assert kinds["河南新昌铜业生产车间"] == "caption"
    assert kinds["谢庆"] == "byline"
    sections = {p["section"] for p in doc["passages"]}
    assert not any("俯瞰" in s or "谢庆" in s or "生产车间" in s for s in sections)
    dawei = sample.document("xinmi-dawei-2022")
    assert {"记者 薛璐 通讯员 王冠甫 裴红彬 文/图": "byline"}.items() <= {p["text"]: p["kind"] for p in dawei["passages"]}.items()
    xiaoguan = sample.document("gongyi-xiaoguan-2018")
    byline = [p for p in xiaoguan["passages"] if p["kind"] == "byline"]
    assert [p["text"] for p in byline] == ["记者 李晓霞 文/图"]  # split off the end of a paragraph


def test_section_paths(sample):
    xiaoguan = sample.document("gongyi-xiaoguan-2018")
    paths = {p["section"] for p in xiaoguan["passages"] if p["kind"] == "body"}
    assert "执行上级部署 完成目标任务 > 幸福区域一： > 稳步推进三大攻坚战，提高群众获得感" in paths
    xiawo = sample.document("shangjie-xiawo-2022")
    paths = {p["section"] for p in xiawo["passages"] if p["kind"] == "body"}
    assert "实施产业项目建设攻坚 > 坚持聚焦中心、助力转型,产业项目发展增添更多活力" in paths


@pytest.mark.parametrize("text_part,topic", [
    ("大隗镇扎实推动“五星支部”创建", "党建"),
    ("持续抓好环境保护", "环保"),
    ("持续抓好脱贫攻坚", "民生"),
    ("共实施重大项目22项", "项目"),
    ("人居环境大提升", "环保"),
])
def test_topics_look_right(sample, text_part, topic):
    hits = all_hits(sample, f'"{text_part}"')
    assert hits, text_part
    assert all(topic in h.topics for h in hits)


def test_section_heading_gives_the_topic(sample):
    # this passage never says 党建 itself, but sits under 聚焦党建引领
    hits = all_hits(sample, "网格激发治理新活力")
    assert len(hits) == 1 and "党建" in hits[0].topics


def test_jieba_sensitive_substrings(sample):
    for q in ("设项目", "支部创", "回郭镇", "郭镇党"):
        hits = all_hits(sample, q)
        assert hits, q
        assert all(q in h.passage.replace("“", "").replace("”", "") for h in hits)
    # 回郭镇 inside 回郭镇党委
    assert any("回郭镇党委" in h.passage for h in all_hits(sample, "回郭镇"))


def test_the_tests_take_only_the_shipped_samples_from_corpus(tmp_path):
    """A user's own report added to corpus/ (as the README invites) changes no test's
    counts: the tests copy the five samples and their metadata rows, nothing else."""
    from conftest import SAMPLE_CORPUS, SAMPLE_FILES, copy_samples

    assert len(SAMPLE_FILES) == 5 and all((SAMPLE_CORPUS / n).is_file() for n in SAMPLE_FILES)
    copied = copy_samples(tmp_path / "c")
    assert sorted(p.name for p in copied.iterdir()) == sorted([*SAMPLE_FILES, "metadata.tsv"])
    rows = (copied / "metadata.tsv").read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("file\t") and {r.split("\t")[0] for r in rows[1:]} <= set(SAMPLE_FILES)


def test_no_test_reads_the_whole_corpus_folder():
    """Only ``copy_samples`` takes from corpus/: a test that copied or indexed the whole
    folder would count a user's own reports (three browser tests once did)."""
    import re
    from pathlib import Path

    whole = re.compile(r"(copytree|build|index_corpus)\(\s*(ROOT|SAMPLE_CORPUS|PROJECT)\s*/\s*[\"']corpus[\"']\s*[,)]")
    here = Path(__file__).resolve().parent
    offenders = [f"{p.relative_to(here)}:{n}" for p in sorted(here.rglob("*.py"))
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if whole.search(line)]
    assert offenders == []
    once = "    shutil.copytree(ROOT / " + '"corpus", base / "corpus")'  # how the browser tests did it
    assert whole.search(once)
