"""Structure rules on real layouts: one text in four layouts gives the same passages;
numbered, inline and never-headings; the hand-annotated gold set."""

from __future__ import annotations

import sys

import pytest

from conftest import REAL_CORPUS, ROOT
from index import build
from index.analysis import Analyzer
from index.reading.structure import boilerplate_lines, parse
from search.engine import Searcher

sys.path.insert(0, str(ROOT / "bench"))
import structure_gold  # noqa: E402

ANALYZER = Analyzer()

# (kind, text): one report; headings numbered at two levels plus an inline one
REPORT = [
    ("title", "某某镇2022年政府工作报告"),
    ("h1", "一、经济发展"),
    ("p", "过去一年，全镇上下坚持稳中求进工作总基调，完成地区生产总值125.6亿元，增长6.5%；一般公共预算收入完成3.2亿元，增长8.1%。"),
    ("h2", "（一）聚焦项目建设"),
    ("p", "全年实施重点项目42个，完成投资56亿元，其中新开工项目18个，竣工投产项目12个，项目建设跑出了加速度，为全镇经济高质量发展提供了坚实支撑。"),
    ("p", "（二）优化营商环境。深化“放管服”改革，推行“一网通办”，企业开办时间压缩至1个工作日以内，新增市场主体1260户。"),
    ("h1", "二、民生保障"),
    ("p", "全镇民生支出占一般公共预算支出的78%，新增城镇就业2300人，城乡居民基本医疗保险参保率稳定在98%以上，群众获得感持续增强。"),
]


def blank_line(report) -> str:
    return "\n\n".join(t for _, t in report) + "\n"


def per_line(report) -> str:
    return "\n".join(t for _, t in report) + "\n"


def markdown(report) -> str:
    marks = {"title": "# ", "h1": "## ", "h2": "### ", "p": ""}
    return "\n\n".join(marks[k] + t for k, t in report) + "\n"


def hard_wrapped(report, width: int = 26) -> str:
    lines = []
    for kind, text in report:
        if kind != "p":
            lines.append(text)
            continue
        body = "\u3000\u3000" + text  # a paragraph starts indented, then wraps at the width
        lines.extend(body[i:i + width] for i in range(0, len(body), width))
    return "\n".join(lines) + "\n"


def passages(text: str):
    s = parse(text, ANALYZER)
    return s.title, [(kind, section, t) for kind, section, t in s.blocks if kind != "title"]


def test_four_layouts_give_the_same_passages():
    expected = passages(blank_line(REPORT))
    assert expected[0] == "某某镇2022年政府工作报告"
    for layout in (per_line, markdown, hard_wrapped):
        assert passages(layout(REPORT)) == expected, layout.__name__
    body = [(section, t) for kind, section, t in expected[1] if kind == "body"]
    assert body[2] == (("一、经济发展", "（二）优化营商环境"), REPORT[5][1])  # inline heading, line kept whole
    assert body[3][0] == ("二、民生保障",)


def test_hard_wrapped_lines_are_not_headings_and_page_numbers_go():
    lines = hard_wrapped(REPORT, width=20).split("\n")
    lines.insert(4, "— 2 —")  # a page number between two wrapped lines of a paragraph
    blocks = parse("\n".join(lines), ANALYZER).blocks
    assert [t for k, _, t in blocks if k == "heading"] == ["一、经济发展", "（一）聚焦项目建设", "二、民生保障"]
    assert [t for k, _, t in blocks if k == "body"][0] == REPORT[2][1]


def test_wrapped_title_is_rejoined():
    s = parse("政府工作报\n告\n\n各位代表：\n\n现在，我代表国务院，向大会报告政府工作。\n", ANALYZER)
    assert s.title == "政府工作报告"


def test_enumerations_fragments_speakers_and_dates_are_never_headings():
    text = "\n".join([
        "某县政府工作报告",
        "县长 张三",
        "各位代表：",
        "一、工作回顾",
        "主要问题有：",
        "一是",
        "产业结构不优，新动能不足。",
        "第一，加快转型升级",
        "认真贯彻《",
        "中华人民共和国传染病防治法",
        "》，制定《",
        "突发公共卫生事件应急条例",
        "》，全面做好防控工作。",
        "2022年3月10日",
    ]) + "\n"
    blocks = parse(text, ANALYZER).blocks
    headings = [t for k, _, t in blocks if k == "heading"]
    assert headings == ["一、工作回顾"]
    texts = [t for _, _, t in blocks]
    assert any("贯彻《中华人民共和国传染病防治法》，制定《突发公共卫生事件应急条例》" in t for t in texts)
    assert any(t.startswith("一是产业结构不优") for t in texts)
    assert ("byline", (), "县长 张三") in blocks


def test_second_line_shaped_like_the_sections_is_a_section_not_a_subtitle():
    text = ("某镇2022年工作总结\n\n聚焦民生 提升人居环境质量\n\n全镇改造提升背街小巷12条。\n\n"
            "聚焦发展 壮大集体经济\n\n村集体经济收入全部超过10万元。\n")
    s = parse(text, ANALYZER)
    assert s.subtitle == ""
    assert [t for k, _, t in s.blocks if k == "heading"] == ["聚焦民生 提升人居环境质量", "聚焦发展 壮大集体经济"]
    numbered = parse("某镇工作总结\n一、经济发展\n全年完成投资10亿元。\n", ANALYZER)
    assert numbered.subtitle == "" and ("body", ("一、经济发展",), "全年完成投资10亿元。") in numbered.blocks
    # a real subtitle (no later heading of its shape) stays one
    assert parse("实施“五大提升”\n中心镇建设迈出坚实步伐\n全年完成投资10亿元。\n", ANALYZER).subtitle == "中心镇建设迈出坚实步伐"


def test_policy_file_one_paragraph_per_line_gets_sections():
    lines = ["为加快培育新质生产力，特制定本行动计划。", "一、主要目标", "到2027年，全省算力规模达到14EFlops。", "二、重点任务"]
    lines += [f"{n}.实施第{n}项行动。围绕重点领域开展攻关，每年布局{n}0项以上项目。（牵头单位：省科技厅，责任单位：省教育厅）"
              for n in range(1, 6)]
    blocks = parse("\n".join(lines) + "\n", ANALYZER).blocks
    body = [(s, t) for k, s, t in blocks if k == "body"]
    assert len(body) == 7
    assert body[2] == (("二、重点任务", "1.实施第1项行动"), lines[4])


def test_boilerplate_lines_are_never_headings():
    footer = "本作品在全世界都属于公有领域\n\n来源：某某网\n"
    docs = [f"第{n}号报告\n\n全年完成投资{n}亿元。\n\n{footer}" for n in range(6)]
    repeated = boilerplate_lines(docs)
    assert "本作品在全世界都属于公有领域" in repeated
    assert not any(line.startswith("全年") for line in repeated)
    without = [k for k, _, t in parse(docs[0], ANALYZER).blocks if "公有领域" in t]
    with_set = [k for k, _, t in parse(docs[0], ANALYZER, boilerplate=repeated).blocks if "公有领域" in t]
    assert without == ["heading"] and with_set == ["body"]


def test_template_headings_shared_by_many_reports_stay_headings(tmp_path):
    """Towns write their reports from one template: its section headings stand in every
    report, each between lines of the town's own. They are headings, not boilerplate."""
    docs = {f"t{n}.txt": (f"第{n}镇2022年工作总结\n\n党建引领 筑牢战斗堡垒\n\n第{n}镇推进五星支部创建，成效明显。\n\n"
                          f"产业发展 夯实经济基础\n\n第{n}镇项目建设加快，新增企业{n + 3}家。\n\n"
                          "本作品在全世界都属于公有领域\n\n来源：某某网\n") for n in range(8)}
    assert boilerplate_lines(docs.values()) == {"本作品在全世界都属于公有领域", "来源：某某网"}
    corpus = tmp_path / "c"
    corpus.mkdir()
    for name, text in docs.items():
        (corpus / name).write_text(text, encoding="utf-8")
    build(corpus, tmp_path / "i", workers=1)
    hits = Searcher(tmp_path / "i").search("五星支部 section:党建引领").hits
    assert len(hits) == 8 and {h.section for h in hits} == {"党建引领 筑牢战斗堡垒"}


# --------------------------------------------------------------------------- gold set

GOLD = structure_gold.load_gold()


def test_gold_set_covers_real_reports_and_samples():
    assert sum(1 for g in GOLD if not g.get("sample")) >= 24
    assert sum(1 for g in GOLD if g.get("sample")) == 5


def test_gold_set_on_the_samples():
    rows = structure_gold.run(parse, [g for g in GOLD if g.get("sample")], ANALYZER)
    t = structure_gold.totals(rows)
    assert len(rows) == 5
    assert t["precision"] == 1.0 and t["recall"] == 1.0


def test_gold_set_on_real_reports():
    if not REAL_CORPUS.is_dir():
        pytest.skip(f"{REAL_CORPUS} is absent: the real corpus ships beside the project only on developer machines")
    rows = structure_gold.run(parse, GOLD, ANALYZER)
    t = structure_gold.totals(rows)
    assert len(rows) == len(GOLD)
    assert t["precision"] >= 0.95, t
    assert t["recall"] >= 0.95, t
    assert t["sections"] >= 0.95, t


def test_tables_forms_contacts_and_list_items_are_never_headings():
    text = "\n".join([
        "关于开展试点工作的通知",
        "一、试点内容",
        "各单位应按下列要求申报：",
        "（一）应登记申报单位的真实身份和联系方式。",
        "（二）应建立项目管理制度，明确责任分工。",
        "六、频谱发射模板要求",
        "距信道边缘偏移",
        "频率",
        "20MHz 带宽",
        "发射功率限值",
        "七、联系方式",
        "联系电话：010-68205241",
        "承诺时间：    年   月   日",
        "（二）检测机构应及时将检测报告提交主管部门。主管部门依据报告要求企业整改。",
    ]) + "\n"
    blocks = parse(text, ANALYZER).blocks
    assert [t for k, _, t in blocks if k == "heading"] == ["一、试点内容", "六、频谱发射模板要求", "七、联系方式"]
    assert all(s[-1:] != ("（二）检测机构应及时将检测报告提交主管部门",) for _, s, _ in blocks)


def test_numbered_heading_line_is_never_swallowed_by_a_wrapped_paragraph():
    para = "为深入贯彻落实党中央国务院关于加快发展人工智能的部署要求进一步加强人工智能标准化工作系统谋划加快构建满足产业高质量发展需求的标准体系"
    lines = [para[i:i + 26] for i in range(0, len(para), 26)] * 4  # a hard-wrapped text
    lines.insert(5, "二、总体要求")
    blocks = parse("\n".join(lines) + "\n", ANALYZER).blocks
    assert ("heading", (), "二、总体要求") in blocks


def test_build_passes_corpus_boilerplate_to_the_parser(make_index):
    footer = "本作品在全世界都属于公有领域\n\n来源：某某网\n"
    files = {f"r{n}.txt": f"第{n}号报告\n\n全年完成投资{n}亿元。\n\n{footer}" for n in range(6)}
    searcher = make_index(files)
    for doc in searcher.documents():
        kinds = {p["text"]: p["kind"] for p in searcher.document(doc["doc_id"])["passages"]}
        assert kinds["本作品在全世界都属于公有领域"] == "body"
    assert searcher.search("公有领域").total == 6


def test_numbered_first_line_is_a_section_and_headings_after_a_colon_stay_headings():
    text = "\n".join([
        "第一章　总　则",
        "第一条　为规范平台资源内容审核工作，制定本规范。",
        "第二章　工作职责",
        "围绕上述科学问题，重点支持以下研究方向：",
        "1.深度学习的表示理论。",
        "研究卷积神经网络的逼近理论和泛化误差估计。",
        "2.深度学习的训练方法。",
        "研究深度学习的损失景观和优化算法。",
        "申请人应当具备以下条件：",
        "（1）具有承担基础研究课题的经历；",
        "（2）具有高级专业技术职务。",
        "（3）不在其他项目中担任负责人。",
    ]) + "\n"
    s = parse(text, ANALYZER)
    assert s.title == ""
    headings = [(sec, t) for k, sec, t in s.blocks if k == "heading"]
    assert headings == [((), "第一章　总　则"), ((), "第二章　工作职责"),
                        (("第二章　工作职责",), "1.深度学习的表示理论。"), (("第二章　工作职责",), "2.深度学习的训练方法。")]


def _real(name: str) -> str:
    if not REAL_CORPUS.is_dir():
        pytest.skip(f"{REAL_CORPUS} is absent: the real corpus ships beside the project only on developer machines")
    return (REAL_CORPUS / name).read_text(encoding="utf-8-sig")


def test_real_reports_named_in_the_issue():
    s = parse(_real("china_2004_gwr.txt"), ANALYZER)
    assert sum("贯彻《中华人民共和国传染病防治法》" in t for _, _, t in s.blocks) == 1
    assert not any(t.startswith("》") for k, _, t in s.blocks if k == "heading")
    policy = parse(_real("shandong_2024_policy-055.txt"), ANALYZER)
    assert max(len(t) for _, _, t in policy.blocks) < 1000
    assert {sec for k, sec, _ in policy.blocks if k == "body"} >= {("一、主要目标",), ("二、重点任务", "（一）实施软硬协同“策源攀高”创新行动", "1.强化前沿基础研究和技术预见")}
    assert parse(_real("china_2017_gwr.txt"), ANALYZER).title == "政府工作报告"
    enumerated = parse(_real("china_1997_gwr.txt"), ANALYZER)
    assert not any(t in ("一是", "二是", "三是") for k, _, t in enumerated.blocks if k == "heading")


def test_any_unicode_indent_and_parallel_numbered_headings():
    text = "\n".join([
        "\u2003\u2003一、主要任务",
        "\u2003\u2003（一）加强顶层设计，科学谋划智能化建设。",
        "\u2003\u2003研究制定智能化发展行动计划，明确行动方向和政策措施。",
        "\u2003\u2003（二）强化标准引领，提升建设水平。",
        "\u2003\u2003结合部门职责分工，协同推进标准体系建设。",
        "二、申报要求",
        "7. 申报项目受理后，原则上不能更改申报单位。",
        "8. 项目的具体申报要求，详见项目申报指南。",
        "各申报单位应认真做好申报工作。",
    ]) + "\n"
    headings = [t for k, _, t in parse(text, ANALYZER).blocks if k == "heading"]
    assert headings == ["一、主要任务", "（一）加强顶层设计，科学谋划智能化建设。", "（二）强化标准引领，提升建设水平。", "二、申报要求"]
