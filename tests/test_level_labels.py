"""People see a report's level in Chinese (乡镇/街道, 省级 …) on the search page, in the
comparison view and on the CLI; the JSON keeps the stored value and adds the label."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from conftest import write_corpus
from govsearch.cli import main
from index import build
from web import create_app

REPORTS = {
    "town.md": "# 红星镇2022年工作总结\n\n## 环保\n\n红星镇人居环境整治成效明显。\n",
    "province.md": "# 2022年省政府工作报告\n\n## 生态\n\n全省人居环境持续改善。\n",
    "metadata.tsv": "file\ttown\tcounty\tprovince\tlevel\n"
                    "town.md\t红星镇\t东山县\t\ttownship\n"
                    "province.md\t\t\t河南省\tprovince\n",
}


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    base = tmp_path_factory.mktemp("levels")
    build(write_corpus(base / "corpus", REPORTS), base / "index", workers=1)
    return base / "index"


@pytest.fixture(scope="module")
def client(index_dir):
    return create_app({"TESTING": True, "index": str(index_dir)}).test_client()


def test_json_keeps_the_stored_level_and_adds_its_label(client):
    data = client.get("/api/search?q=人居环境").get_json()
    assert data["facets"]["level"] == {"province": 1, "township": 1}
    assert data["facet_labels"] == {"level": {"province": "省级", "township": "乡镇/街道"}}
    by_level = {h["level"]: h["level_label"] for h in data["hits"]}
    assert by_level == {"township": "乡镇/街道", "province": "省级"}
    doc = client.get("/api/docs/town").get_json()
    assert doc["level"] == "township" and doc["level_label"] == "乡镇/街道"


def test_a_hit_without_level_has_no_label(tmp_path):
    build(write_corpus(tmp_path / "c", {"x.md": "# 工作总结\n\n人居环境整治。\n"}), tmp_path / "i", workers=1)
    data = create_app({"TESTING": True, "index": str(tmp_path / "i")}).test_client().get("/api/search?q=人居环境").get_json()
    assert data["hits"][0]["level"] is None and data["hits"][0]["level_label"] is None
    assert data["facet_labels"] == {"level": {}}


def test_search_page_lists_levels_in_chinese_and_filters_by_the_stored_value(client):
    page = client.get("/?q=人居环境").get_data(as_text=True)
    level = page.split('id="facet-level"', 1)[1].split("</fieldset>", 1)[0]
    names = re.findall(r'<span class="name">([^<]+)</span>', level)
    assert sorted(names) == ["乡镇/街道", "省级"]
    assert 'value="township"' in level and 'value="province"' in level  # what the form sends
    chosen = client.get("/?q=人居环境&level=township").get_data(as_text=True)
    chips = chosen.split('class="active-filters"', 1)[1].split("</div>", 1)[0]
    assert "级别：乡镇/街道" in chips and "township" not in re.sub(r'href="[^"]*"', "", chips)
    typed = client.get("/?q=人居环境&level=县级").get_data(as_text=True)
    assert "级别：县级" in typed.split('class="active-filters"', 1)[1].split("</div>", 1)[0]


def test_comparison_by_level_shows_labels(client):
    page = client.get("/compare?q=人居环境&by=level&by=year").get_data(as_text=True)
    table = page.split('<table class="compare-table"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<th scope="row">([^<]+)</th>', table)
    assert sorted(rows) == ["乡镇/街道", "合计", "省级"]
    assert "township" not in re.sub(r'href="[^"]*"', "", table)
    csv = client.get("/compare.csv?q=人居环境&by=level&by=year").get_data(as_text=True)
    assert "乡镇/街道," in csv and "township" not in csv
    data = client.get("/api/compare?q=人居环境&by=level&by=year").get_json()
    assert {r["value"]: r["label"] for r in data["rows"]} == {"township": "乡镇/街道", "province": "省级"}
    assert all(c["label"] == c["value"] for c in data["columns"])  # years: the value itself


def test_cli_filters_line_and_json(index_dir):
    runner = CliRunner()
    out = runner.invoke(main, ["search", "人居环境", "level:township", "--index", str(index_dir)])
    assert out.exit_code == 0, out.output
    assert "筛选 filters: level=乡镇/街道" in out.output
    data = json.loads(runner.invoke(main, ["search", "人居环境", "level:township", "--json",
                                           "--index", str(index_dir)]).output)
    assert data["filters"] == {"level": ["township"]}
    assert [h["level_label"] for h in data["hits"]] == ["乡镇/街道"]
