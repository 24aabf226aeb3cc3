"""index/reading/chrome.simplified: traditional characters read as simplified ones, one
for one, the same through its list by code point as through the dict table it is made
from, for characters met before and not, a noncharacter and characters beyond the first plane."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from index.normalize import _t2s
from index.reading.chrome import _simplified, simplified


def test_traditional_characters_read_as_simplified_one_for_one():
    assert simplified("鄉村振興會議") == "乡村振兴会议"
    assert simplified("鄉村振興會議") == "乡村振兴会议"  # met before: the list alone
    assert simplified("乡镇 GDP 2023") == "乡镇 GDP 2023"


def test_a_noncharacter_and_a_character_beyond_the_first_plane_go_the_tables_way():
    astral = next(k for k in _t2s() if ord(k) > 0xFFFF)
    assert simplified(f"鄉{astral}") == "乡" + _t2s()[astral]
    assert simplified("鄉\uffff會") == "乡\uffff会"
    assert simplified("\uffff") == "\uffff"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.one_of(st.characters(codec="utf-8"), st.sampled_from("鄉村振興會議乡镇\uffff")),
               max_size=30))
def test_the_list_reads_every_text_as_the_table_does(text):
    assert simplified(text) == text.translate(_simplified())
    assert simplified(text) == text.translate(_simplified())  # its characters met now
