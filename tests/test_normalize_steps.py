"""The normalizer's named steps, each alone, and the whole pipeline against the
independent reference (tests/reference_normalize.py) over arbitrary text."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

import reference_normalize as ref
from index.normalize import (
    STEPS,
    casefold,
    changed_runs,
    drop_unmatched,
    fold_variants,
    nfkc,
    normalize,
    normalize_with_offsets,
)


def test_the_pipeline_is_the_four_named_steps_in_order():
    assert [s.name for s in STEPS] == ["nfkc", "casefold", "drop_unmatched", "fold_variants"]


# -- nfkc

def test_nfkc_makes_full_width_letters_digits_and_punctuation_half_width():
    assert nfkc("ＧＤＰ１２，") == "GDP12,"


def test_nfkc_expands_a_compatibility_character_into_several():
    assert nfkc("㎓") == "GHz"


def test_nfkc_leaves_chinese_alone():
    assert nfkc("乡村振兴") == "乡村振兴"


# -- casefold

def test_casefold_lowers_latin_letters():
    assert casefold("GDP") == "gdp"


def test_casefold_leaves_digits_and_chinese_alone():
    assert casefold("5G网络") == "5g网络"


# -- drop_unmatched: one case per dropped category, and the kept ones beside them

def test_drop_unmatched_drops_a_zero_width_space_cf():
    assert unicodedata.category("\u200b") == "Cf"
    assert drop_unmatched("五星\u200b支部") == "五星支部"


def test_drop_unmatched_drops_a_soft_hyphen_cf():
    assert unicodedata.category("\u00ad") == "Cf"
    assert drop_unmatched("五星\u00ad支部") == "五星支部"


def test_drop_unmatched_drops_punctuation_quotes_and_brackets():
    assert drop_unmatched("“五星”（支部）-_!") == "五星支部"


def test_drop_unmatched_drops_spaces_and_line_breaks():
    assert drop_unmatched("五星 \u3000\n\t支部\u2028\u2029") == "五星支部"


def test_drop_unmatched_drops_private_use_and_unassigned_code_points():
    assert drop_unmatched("五\ue000星\U000e0fff") == "五星"


def test_drop_unmatched_keeps_symbols_letters_marks_and_numbers():
    # + × are symbols (Sm): 1+4+X is not 14X
    assert drop_unmatched("1+4+x×2é") == "1+4+x×2é"


# -- fold_variants

def test_fold_variants_maps_traditional_to_simplified():
    assert fold_variants("鄉村振興") == "乡村振兴"


def test_fold_variants_maps_variants_to_the_standard_form():
    assert fold_variants("汚") == "污"


def test_fold_variants_works_on_lower_case_letters_only_after_casefold():
    # the table's keys are characters, not punctuation: a dropped character never reaches it
    assert fold_variants("abc") == "abc"


# -- the pipeline

def test_the_pipeline_applies_the_steps_per_source_character():
    assert normalize("“鄉村”振興　ＧＤＰ\u200b") == "乡村振兴gdp"


def test_offsets_point_at_the_source_character_of_each_normalized_one():
    norm, offsets = normalize_with_offsets("“五星”\u00ad支部㎓")
    assert norm == "五星支部ghz"
    assert offsets == [1, 2, 5, 6, 7, 7, 7]


# arbitrary text: every Unicode category, plus the characters the rules are about
_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from("五星支部鄉村振興“”（）,，。\u200b\u00ad\u3000\nＡａ１㎓ß+×%"),
    ),
    max_size=40,
)


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_the_pipeline_agrees_with_the_independent_reference(text):
    assert normalize(text) == ref.normalize(text)


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_the_offsets_agree_with_the_independent_reference(text):
    norm, offsets = normalize_with_offsets(text)
    assert list(zip(norm, offsets)) == ref.chars(text)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_the_changed_runs_are_the_characters_the_reference_changes(text):
    runs = list(changed_runs(text))  # characters met here for the first time, as often as not
    changed = [i for i, c in enumerate(text) if ref.normalize(c) != c]
    assert [i for start, end in runs for i in range(start, end)] == changed
    assert all(end < start2 for (_, end), (start2, _) in zip(runs, runs[1:]))  # runs as long as they go
    assert normalize(text) == ref.normalize(text)  # met before now


def test_a_noncharacter_and_characters_beyond_the_first_plane_are_normalized_by_the_rules():
    # U+FFFF marks a character not met yet in the translation lists: as text it is dropped
    assert normalize("五\uffff星") == "五星" and normalize("\uffff") == ""
    text = "五\uffff星\U0001d400\U0001d54f\U000f0000支部"  # 𝐀 𝕏 (NFKC: A X), private use
    assert normalize(text) == "五星ax支部" == normalize(text)
    assert list(changed_runs(text)) == [(1, 2), (3, 6)]
