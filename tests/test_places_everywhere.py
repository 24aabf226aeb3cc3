"""A report is named by the finest place it has, with its level (全国, 河南省, 红星镇), on
the CLI, the pages, the JSON, the CSV and the comparison; 未注明地区 only when nothing
is known about it."""

from __future__ import annotations

import csv
import io
import re

import pytest
from click.testing import CliRunner

from conftest import write_corpus
from govsearch.cli import main
from index import build
from search.places_label import UNKNOWN, above_field, place_chain, place_label
from web import create_app

REPORTS = {
    "national.md": "# 2021年政府工作报告\n\n## 生态\n\n全国人居环境持续改善。\n",
    "province.md": "# 2022年省政府工作报告\n\n## 生态\n\n全省人居环境整治有力。\n",
    "town.md": "# 红星镇2020年工作总结\n\n## 环保\n\n红星镇人居环境整治成效明显。\n",
    "town2.md": "# 红星镇2022年工作总结\n\n## 环保\n\n今年继续抓好道路建设。\n",
    "nowhere.md": "# 工作总结\n\n人居环境得到改善。\n",
    "metadata.tsv": "file\ttown\tcounty\tcity\tprovince\tlevel\tyear\n"
                    "national.md\t\t\t\t\tnational\t2021\n"
                    "province.md\t\t\t\t河南省\tprovince\t2022\n"
                    "town.md\t红星镇\t东山县\t\t\ttownship\t2020\n"
                    "town2.md\t红星镇\t东山县\t\t\ttownship\t2022\n"
                    "nowhere.md\t-\t-\t-\t-\t-\t-\n",
}


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    base = tmp_path_factory.mktemp("places")
    build(write_corpus(base / "corpus", REPORTS), base / "index", workers=1)
    return base / "index"


@pytest.fixture(scope="module")
def client(index_dir):
    return create_app({"TESTING": True, "index": str(index_dir)}).test_client()


@pytest.mark.parametrize("values, at, expected", [
    ({"level": "national"}, None, "全国"),
    ({"province": "河南省", "level": "province"}, None, "河南省"),
    ({"province": "河南省", "city": "郑州市", "level": "city"}, None, "郑州市"),
    ({"town": "大隗镇", "county": "新密市", "city": "郑州市", "province": "河南省"}, None, "大隗镇"),
    ({"town": "大隗镇", "county": "新密市", "city": "郑州市", "province": "河南省"}, "city", "郑州市"),
    ({"province": "河南省", "level": "province"}, "city", "河南省"),  # above the chosen level: its own place
    ({"town": "红星"}, None, "红星（乡镇/街道）"),  # a name whose ending does not say its level
    ({"county": "东山县"}, None, "东山县"),
    ({"level": "county"}, None, "县级（地区未注明）"),
    ({}, None, UNKNOWN),
])
def test_place_label_names_the_finest_place_with_its_level(values, at, expected):
    assert place_label(values, at) == expected


def test_place_chain_lists_places_coarsest_first():
    assert place_chain({"town": "大隗镇", "county": "新密市", "province": "河南省"}) == "河南省 · 新密市 · 大隗镇"
    assert place_chain({"level": "national"}) == "全国"


def test_json_hits_and_documents_carry_the_place_label(client):
    data = client.get("/api/search?q=人居环境&page_size=50").get_json()
    labels = {h["doc_id"]: h["place_label"] for h in data["hits"]}
    assert labels == {"national": "全国", "province": "河南省", "town": "红星镇", "nowhere": UNKNOWN}
    assert client.get("/api/docs/province").get_json()["place_label"] == "河南省"


def test_cli_groups_by_place_and_show_prints_the_place(index_dir):
    runner = CliRunner()
    out = runner.invoke(main, ["search", "人居环境", "--index", str(index_dir)]).output
    heads = re.findall(r"^■ (.+)$", out, flags=re.M)
    assert sorted(heads) == sorted(["全国", "河南省", "红星镇（东山县）", UNKNOWN])
    assert "未知乡镇" not in out and "town unknown" not in out
    by_city = runner.invoke(main, ["search", "人居环境", "--places-at", "city", "--index", str(index_dir)]).output
    assert "■ 东山县" in by_city and "■ 红星镇" not in by_city  # no city known: the county above the town
    shown = runner.invoke(main, ["show", "national", "--index", str(index_dir)]).output
    assert shown.splitlines()[1].startswith("全国 · 2021")
    stats = runner.invoke(main, ["index", "stats", "--index", str(index_dir)]).output
    assert "provinces  河南省" in stats and re.search(r"levels .*全国:1", stats)


def test_result_cards_and_document_page_name_the_place(client):
    page = client.get("/?q=人居环境").get_data(as_text=True)
    places = re.findall(r'<span class="place(?: town)?">([^<]+)</span>', page)
    assert sorted(places) == sorted(["全国", "河南省", "红星镇", UNKNOWN])
    assert "乡镇不详" not in page and "不详" not in page.split("</header>", 1)[1].split("年份")[0]
    doc = client.get("/docs/province").get_data(as_text=True)
    assert '<dd class="place">河南省</dd>' in doc and "不详" not in doc


def test_csv_has_every_field_and_a_link_to_the_passage(client):
    text = client.get("/export.csv?q=人居环境").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == ["乡镇", "标题", "年份", "章节", "段落", "地区", "级别", "县市区", "地市", "省份",
                             "报告编号", "段落编号", "匹配方式", "段落类型", "链接"]
    national = next(r for r in rows if r["报告编号"] == "national")
    assert (national["地区"], national["级别"], national["省份"], national["匹配方式"]) == ("全国", "全国", "", "完整匹配")
    assert national["链接"].endswith("/docs/national?q=%E4%BA%BA%E5%B1%85%E7%8E%AF%E5%A2%83#" + national["段落编号"])
    town = next(r for r in rows if r["报告编号"] == "town")
    assert (town["乡镇"], town["县市区"], town["级别"]) == ("红星镇", "东山县", "乡镇/街道")


def test_comparison_by_place_names_every_level_and_links_to_exactly_its_passages(client):
    data = client.get("/api/compare?q=人居环境&by=place&by=year").get_json()
    rows = {r["label"]: r for r in data["rows"]}
    assert set(rows) == {"全国", "河南省", "红星镇", None}
    assert rows["河南省"]["filters"] == {"province": "河南省", "level": "province"}
    assert rows["全国"]["filters"] == {"level": "national"}
    for label, row in rows.items():
        if label is None:
            assert "filters" not in row
            continue
        found = client.get("/api/search", query_string={"q": "人居环境", **row["filters"]}).get_json()
        assert found["total"] == row["passages"]
    auto = client.get("/api/compare?q=人居环境").get_json()
    assert auto["by"] == ["place", "year"]  # town and provincial reports together: each by its finest place
    only_towns = client.get("/api/compare?q=人居环境&level=township").get_json()
    assert only_towns["by"][0] == "town"


def test_comparison_page_draws_gaps_for_years_without_a_report(client):
    page = client.get("/compare?q=人居环境&by=place&by=year").get_data(as_text=True)
    table = page.split('<table class="compare-table"', 1)[1].split("</table>", 1)[0]
    rows = {re.search(r'<th scope="row">([^<]+)</th>', tr).group(1): tr
            for tr in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S) if '<th scope="row">' in tr}
    assert "省份不详" not in table and set(rows) >= {"全国", "河南省", "红星镇", UNKNOWN}
    cells = re.findall(r'<td class="([^"]*)"', rows["红星镇"])
    # columns 2020, 2021, 2022, then the undated reports: 红星镇 has reports in 2020 and 2022 only
    assert cells[:3] == ["heat-5", "gap", "heat-0"] and "undated" in cells[3]
    assert re.findall(r'<td class="([^"]*)"', rows["全国"])[:3] == ["gap", "heat-5", "gap"]


BY_TOWN = {
    "town.md": "# 红星镇2020年工作总结\n\n## 环保\n\n红星镇人居环境整治成效明显。\n",
    "county.md": "# 东山县2021年政府工作报告\n\n## 生态\n\n全县人居环境整治全面推进。\n",
    "notown.md": "# 2022年工作总结\n\n## 环保\n\n本镇人居环境持续改善。\n",
    "metadata.tsv": "file\ttown\tcounty\tcity\tprovince\tlevel\tyear\n"
                    "town.md\t红星镇\t东山县\t\t\ttownship\t2020\n"
                    "county.md\t\t东山县\t\t\tcounty\t2021\n"
                    "notown.md\t\t东山县\t\t\ttownship\t2022\n",
}


@pytest.fixture(scope="module")
def town_client(tmp_path_factory):
    base = tmp_path_factory.mktemp("by-town")
    build(write_corpus(base / "corpus", BY_TOWN), base / "index", workers=1)
    return create_app({"TESTING": True, "index": str(base / "index")}).test_client()


@pytest.mark.parametrize("level, field, above", [
    ("township", "town", False), ("county", "town", True), ("national", "town", True),
    ("county", "county", False), ("city", "county", True), ("province", "city", True),
    ("province", "province", False), ("national", "province", True), (None, "town", False), ("乡镇", "town", False),
])
def test_above_field_is_a_level_coarser_than_the_field(level, field, above):
    assert above_field(level, field) is above


def test_comparison_by_town_names_a_county_report_by_its_place_not_as_a_missing_town(town_client):
    """未注明乡镇 is kept for a town-level report without a town; a county's report is
    named as the result groups name it at the town level (place_label(…, at="town"))."""
    data = town_client.get("/api/compare?q=人居环境&by=town&by=year").get_json()
    rows = [(r["value"], r["label"], r["passages"], r.get("filters")) for r in data["rows"]]
    assert rows == [("红星镇", "红星镇", 1, None),
                    (None, place_label({"county": "东山县", "level": "county"}, "town"), 1,
                     {"county": "东山县", "city": "漳州市", "province": "福建省", "level": "county"}),
                    (None, None, 1, None)]
    assert rows[1][1] == "东山县"
    found = town_client.get("/api/search", query_string={"q": "人居环境", **rows[1][3]}).get_json()
    assert [h["doc_id"] for h in found["hits"]] == ["county"]
    page = town_client.get("/compare?q=人居环境&by=town&by=year").get_data(as_text=True)
    assert re.findall(r'<th scope="row">([^<]+)</th>', page) == ["红星镇", "东山县", "未注明乡镇", "合计"]
    columns = town_client.get("/compare.csv?q=人居环境&by=year&by=town").get_data(as_text=True).splitlines()[0]
    assert columns.lstrip("\ufeff").split(",")[1:7] == ["红星镇 段落", "红星镇 报告", "东山县 段落", "东山县 报告",
                                                        "未注明乡镇 段落", "未注明乡镇 报告"]


def test_comparison_by_town_or_province_names_the_national_and_provincial_reports(client):
    by_town = client.get("/api/compare?q=人居环境&by=town&by=year").get_json()
    assert [(r["value"], r["label"], r.get("filters")) for r in by_town["rows"]] == [
        ("红星镇", "红星镇", None), (None, "全国", {"level": "national"}),
        (None, "河南省", {"province": "河南省", "level": "province"}), (None, None, None)]  # None: nowhere.md
    by_province = client.get("/api/compare?q=人居环境&by=province&by=year").get_json()
    assert [(r["value"], r["label"], r["passages"]) for r in by_province["rows"]] == [
        ("河南省", "河南省", 1), (None, "全国", 1), (None, None, 2)]  # the town's province is not known
