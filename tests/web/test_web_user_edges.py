"""What a new user met on the pages and the API: a year range written as a year value,
a reversed range, a value no closed filter has — each read as meant and said."""

from __future__ import annotations

from test_web_pages import facet_boxes

from webfixtures import *  # noqa: F401,F403  (pytest fixtures)
from webhelpers import parse


def _years_shown(doc) -> list[str]:
    return sorted(s.text() for s in doc.find_all("span", cls="year"))


def test_a_year_range_value_is_the_from_to_range(client):
    as_value = parse(client.get("/?q=五星支部&year=2021-2022").get_data(as_text=True))
    as_boxes = parse(client.get("/?q=五星支部&year_from=2021&year_to=2022").get_data(as_text=True))
    assert _years_shown(as_value) == _years_shown(as_boxes) == ["2021年", "2022年"]
    form = as_value.find("form", cls="facets")
    assert form.find("input", name="year_from").attrs["value"] == "2021"
    assert form.find("input", name="year_to").attrs["value"] == "2022"
    assert "2021-2022" not in facet_boxes(as_value, "year")  # no ticked entry of 0 passages
    for facet in ("year", "town"):  # the same entries with the same counts
        counts = {v: count for v, (_, count) in facet_boxes(as_value, facet).items()}
        assert counts == {v: count for v, (_, count) in facet_boxes(as_boxes, facet).items()} and counts, facet


def test_a_year_range_value_beside_a_year_still_ors(client):
    doc = parse(client.get("/?q=五星支部&year=2021-2021&year=2022").get_data(as_text=True))
    assert _years_shown(doc) == ["2021年", "2022年"]


def test_reversed_year_range_warns_on_the_page_and_in_the_api(client):
    doc = parse(client.get("/?q=五星支部&year=2022-2021").get_data(as_text=True))
    assert _years_shown(doc) == ["2021年", "2022年"]
    assert "read as 2021-2022" in doc.find("ul", cls="warnings").text()
    body = client.get("/api/search?q=五星支部&year=2022-2021").get_json()
    straight = client.get("/api/search?q=五星支部&year=2021-2022").get_json()
    assert body["total"] == straight["total"] > 0
    assert any("read as 2021-2022" in w for w in body["warnings"])
    assert not any("reversed" in w for w in straight["warnings"])
    boxes = client.get("/api/search?q=五星支部&year_from=2022&year_to=2021").get_json()
    assert any("read as 2021-2022" in w for w in boxes["warnings"])


def test_unknown_level_value_warns_with_the_valid_ones(client):
    body = client.get("/api/search?q=五星支部&level=village").get_json()
    assert body["total"] == 0
    warning = next(w for w in body["warnings"] if "village" in w)
    assert "township" in warning and "national" in warning and "乡镇" in warning
    assert not client.get("/api/search?q=五星支部&level=乡镇").get_json()["warnings"]


def test_a_year_written_with_its_character_in_the_range_boxes_and_values(client):
    plain = client.get("/api/search?q=五星支部&year_from=2021&year_to=2021").get_json()
    assert plain["total"] > 0
    typed = client.get("/api/search?q=五星支部&year_from=2021年&year_to=2021 年").get_json()
    assert typed["total"] == plain["total"] and typed["filters"] == plain["filters"]
    value = client.get("/api/search?q=五星支部&year=2021年").get_json()
    assert value["total"] == plain["total"]
    as_range = client.get("/api/search?q=五星支部&year=2021年至2021年").get_json()
    assert as_range["total"] == plain["total"]
    for wrong in ("2021年年", "年", "21年"):
        body = client.get(f"/api/search?q=五星支部&year_from={wrong}").get_json()
        assert body["error"]["code"] == "bad_query", wrong


def test_the_openapi_year_pattern_takes_the_years_as_people_type_them(client):
    import re

    params = client.get("/api/openapi.json").get_json()["paths"]["/api/search"]["get"]["parameters"]
    pattern = next(p for p in params if p["name"] == "year")["schema"]["items"]["pattern"]
    for typed in ("2022", "2022年", "2020-2022", "2020年至2022年", "2020——2022", "2020～2022", "2020,2022年"):
        assert re.search(pattern, typed), typed
    for wrong in ("2022年年", "21年", "2020-"):
        assert not re.search(pattern, wrong), wrong
