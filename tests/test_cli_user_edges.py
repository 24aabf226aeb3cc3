"""What a new user met on the command line: a reversed year range, a value no closed
filter has, a query of a wildcard alone — each said, not silently turned into zero hits."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from govsearch.cli import main
from search.query import parse_query


@pytest.fixture
def runner():
    return CliRunner()


def test_reversed_year_range_is_searched_swapped_with_a_warning(sample_index, runner):
    args = ["search", "五星支部", "--index", str(sample_index), "--json"]
    swapped = json.loads(runner.invoke(main, [*args, "--year", "2022-2018"]).output)
    straight = json.loads(runner.invoke(main, [*args, "--year", "2018-2022"]).output)
    assert swapped["total"] == straight["total"] > 0
    assert any("read as 2018-2022" in w and "2018–2022" in w for w in swapped["warnings"])
    assert not any("reversed" in w for w in straight["warnings"])
    human = runner.invoke(main, args[:-1] + ["--year", "2022-2018"])
    assert human.exit_code == 0 and "read as 2018-2022" in human.output


def test_a_year_range_of_one_year_is_not_reversed():
    assert parse_query("x year:2022-2022").warnings == []
    assert parse_query("x year:2022-2021").warnings  # the edge: one year below is reversed


def test_unknown_value_of_a_closed_filter_names_the_valid_ones(sample_index, runner):
    args = ["search", "五星支部", "--index", str(sample_index), "--json"]
    data = json.loads(runner.invoke(main, [*args, "--level", "village"]).output)
    assert data["total"] == 0
    warning = next(w for w in data["warnings"] if "village" in w)
    for value in ("township", "county", "city", "province", "national", "乡镇", "全国"):
        assert value in warning
    for known in ("township", "乡镇", "town", "县级"):  # a value, an alias, a start of a value
        assert not json.loads(runner.invoke(main, [*args, "--level", known]).output)["warnings"], known


def test_open_filters_take_any_value_without_a_warning():
    assert parse_query("x", {"town": ["没有这个镇"]}).warnings == []


def test_a_wildcard_alone_says_why_nothing_is_searched(sample_index, runner):
    result = runner.invoke(main, ["search", "*", "--index", str(sample_index)])
    assert result.exit_code == 2
    assert "wildcards are not supported" in result.output and "empty query" in result.output


def test_every_value_the_warning_lists_is_a_value_the_filter_takes():
    warning = parse_query("x", {"level": ["village"]}).warnings[0]
    listed = re.findall(r"(\w+)（([^）]+)）", warning)
    assert [v for v, _ in listed] == ["township", "county", "city", "province", "national"]
    # the pages' labels first, then every other Chinese name the filter takes
    assert [zh.split("、")[0] for _, zh in listed] == ["乡镇/街道", "县级", "地级", "省级", "全国"]
    for value, zh in listed:
        assert parse_query("x", {"level": [value]}).warnings == []
        for name in zh.split("、"):
            assert parse_query("x", {"level": [name]}).warnings == [], name


def test_a_topic_the_lexicon_lacks_warns_with_the_topics_and_a_variant_form_is_the_topic(sample_index, runner):
    args = ["search", "五星支部", "--index", str(sample_index), "--json"]
    known = json.loads(runner.invoke(main, [*args, "--topic", "党建"]).output)
    assert known["total"] > 0 and known["warnings"] == []
    # written in traditional characters or full width it is the same topic
    variant = json.loads(runner.invoke(main, [*args, "--topic", "黨建"]).output)
    assert variant["total"] == known["total"] and variant["warnings"] == []
    unknown = json.loads(runner.invoke(main, [*args, "--topic", "不存在"]).output)
    assert unknown["total"] == 0 and len(unknown["warnings"]) == 1
    assert "不存在" in unknown["warnings"][0] and all(t in unknown["warnings"][0] for t in known["facets"]["topic"])
    # one known and one unknown value: the known one still selects, the other is named
    both = json.loads(runner.invoke(main, [*args, "--topic", "党建", "--topic", "党"]).output)
    assert both["total"] == known["total"] and len(both["warnings"]) == 1 and "“党”" in both["warnings"][0]
    inline = json.loads(runner.invoke(main, ["search", "五星支部 主题:不存在", "--index", str(sample_index), "--json"]).output)
    assert inline["warnings"] == unknown["warnings"]


def test_a_place_no_report_has_warns_and_a_prefix_of_one_does_not(sample_index, runner):
    """A town or county no report of the index has found nothing without a word; now it is
    named (without the list of places: an archive has thousands). A value that selects a
    stored one as the engine selects (大隗 → 大隗镇) warns of nothing."""
    args = ["search", "五星支部", "--index", str(sample_index), "--json"]
    known = json.loads(runner.invoke(main, [*args, "--town", "大隗镇"]).output)
    assert known["total"] > 0 and known["warnings"] == []
    prefix = json.loads(runner.invoke(main, [*args, "--town", "大隗"]).output)
    assert prefix["total"] == known["total"] and prefix["warnings"] == []
    # one character past the stored value selects none
    unknown = json.loads(runner.invoke(main, [*args, "--town", "大隗镇镇"]).output)
    assert unknown["total"] == 0 and len(unknown["warnings"]) == 1
    assert "大隗镇镇" in unknown["warnings"][0] and "town" in unknown["warnings"][0]
    county = json.loads(runner.invoke(main, [*args, "--county", "不存在县"]).output)
    assert county["total"] == 0 and len(county["warnings"]) == 1 and "不存在县" in county["warnings"][0]
    # one known and one unknown value: the known one still selects, the other is named
    both = json.loads(runner.invoke(main, [*args, "--town", "大隗镇", "--town", "不存在镇"]).output)
    assert both["total"] == known["total"] and len(both["warnings"]) == 1 and "不存在镇" in both["warnings"][0]
    inline = json.loads(runner.invoke(main, ["search", "五星支部 镇:大隗镇镇", "--index", str(sample_index), "--json"]).output)
    assert inline["warnings"] == unknown["warnings"]
