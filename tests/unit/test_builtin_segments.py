"""Built-in segments are ordinary definitions; age and gender come from tag prefixes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.analytics import rfm
from app.analytics.builtin_segments import builtin_segments, local_radius_km
from app.analytics.segment_ast import render
from app.analytics.segment_attributes import RFM_GROUP_NAMES
from app.analytics.segment_language import parse
from app.segments.demographics import age_from_text, gender_and_age, prefixes, tags_text


def test_every_builtin_parses_has_words_and_a_unique_bare_tag_name():
    segments = builtin_segments({})
    assert len(segments) == 22
    for segment in segments:
        assert render(parse(segment.definition)) == segment.definition
        assert segment.description.endswith(".")
        # The shop's prefix is added at push time; a stored name never carries one.
        assert ":" not in segment.tag and segment.tag == segment.tag.strip().lower()
    assert len({s.tag for s in segments}) == len({s.key for s in segments}) == 22
    assert {"vip", "rfm-champions"} <= {s.tag for s in segments}


def test_the_language_knows_exactly_the_rfm_groups_the_rfm_module_assigns():
    assert set(RFM_GROUP_NAMES) == set(rfm.GROUP_NAMES)


@pytest.mark.parametrize(
    ("settings", "radius"),
    [
        ({}, Decimal(40)),
        ({"analytics": {"local_radius_km": 10}}, Decimal(10)),
        ({"analytics": {"local_radius_km": "abc"}}, Decimal(40)),
        ({"analytics": {"local_radius_km": -5}}, Decimal(40)),
    ],
)
def test_the_local_radius_comes_from_settings_with_a_safe_default(settings, radius):
    assert local_radius_km(settings) == radius
    local = next(s for s in builtin_segments(settings) if s.key == "local")
    assert local.definition == f"distance_km <= {radius}km"


@pytest.mark.parametrize(
    ("text", "age"), [("25-34", 29.5), ("55+", 60.0), ("41", 41.0), ("34-25", None), ("old", None)]
)
def test_age_bands_count_as_their_midpoint(text, age):
    assert age_from_text(text) == age


def test_gender_and_age_follow_the_shops_tag_prefixes():
    tags = ["VIP", "Gender:Male", "age:35-44", "sex:f", "born:1990"]
    assert gender_and_age(tags, *prefixes({})) == ("male", 39.5)
    custom = prefixes({"analytics": {"gender_tag_prefix": "sex:", "age_tag_prefix": "years:"}})
    assert gender_and_age(tags, *custom) == ("f", None)
    assert tags_text(["VIP", " a|b ", ""]) == "|vip|a/b|"
