"""Pure tag diffing, batching and echo recognition."""

from __future__ import annotations

import pytest

from app.push import plan
from app.push.tags import TagChange, diff_customer, diff_tags, effective_tag, is_echo


def test_the_tag_written_is_the_shops_prefix_and_the_bare_name():
    assert effective_tag("vip") == "orbit:vip"
    assert effective_tag("vip", prefix="crm:") == "crm:vip"
    assert effective_tag(" vip ", prefix="crm-") == "crm-vip"
    # A name that happens to start with the prefix is still prefixed: one name, one tag.
    assert effective_tag("crm-fans", prefix="crm-") == "crm-crm-fans"


def test_the_prefix_crm_produces_crm_vip():
    change, _ = diff_customer(1, {"vip"}, [], prefix="crm:")
    assert change == TagChange(1, add=("crm:vip",))


def test_a_new_prefix_swaps_the_tags_orbit_pushed_under_the_old_one():
    diff = diff_tags(
        desired={1: {"vip", "repeat"}, 2: set()},
        pushed={1: ["orbit:vip", "orbit:repeat"], 2: ["orbit:lapsed"]},
        prefix="crm:",
    )
    assert diff.changes == [
        TagChange(1, add=("crm:repeat", "crm:vip"), remove=("orbit:repeat", "orbit:vip")),
        TagChange(2, remove=("orbit:lapsed",)),
    ]


def test_only_additions_and_removals_of_orbit_tags_are_planned():
    diff = diff_tags(
        desired={1: {"vip", "repeat"}, 2: set()},
        pushed={1: ["orbit:vip", "orbit:new"], 2: ["orbit:vip"], 3: ["orbit:lapsed"]},
    )
    assert diff.changes == [
        TagChange(1, add=("orbit:repeat",), remove=("orbit:new",)),
        TagChange(2, remove=("orbit:vip",)),
        TagChange(3, remove=("orbit:lapsed",)),
    ]
    assert diff.tag_changes == 4


def test_nothing_to_do_when_desired_equals_pushed():
    assert diff_tags({1: {"vip"}}, {1: ["orbit:vip"]}).changes == []


def test_only_tags_orbit_pushed_are_removed_even_ones_with_its_prefix_are_not():
    # "orbit:manual" carries the prefix but the merchant added it: Orbit has no record of it.
    current = ["orbit:vip", "wholesale", "orbit:manual", "crm:other-app"]
    change, _ = diff_customer(1, set(), ["orbit:vip"], current, prefix="crm:")
    assert change == TagChange(1, remove=("orbit:vip",))


def test_the_250_limit_counts_old_prefix_tags_as_freed_when_they_are_removed():
    current = [f"other-{n}" for n in range(249)] + ["orbit:vip"]
    change, refusals = diff_customer(1, {"vip"}, ["orbit:vip"], current, prefix="crm:")
    assert change == TagChange(1, add=("crm:vip",), remove=("orbit:vip",)) and refusals == []


@pytest.mark.parametrize(
    ("others", "mine", "desired", "added", "refused"),
    [
        (248, [], ["a", "b", "c"], ["orbit:a", "orbit:b"], ["orbit:c"]),
        (250, [], ["a"], [], ["orbit:a"]),
        (249, ["orbit:x"], ["a"], ["orbit:a"], []),  # removing x makes room for a
        (0, [], [f"t{n:03}" for n in range(251)], [f"orbit:t{n:03}" for n in range(250)], ["orbit:t250"]),
    ],
)
def test_the_250_tag_limit_counts_other_tags_and_refuses_the_rest(others, mine, desired, added, refused):
    current = [f"other-{n}" for n in range(others)] + mine
    change, refusals = diff_customer(7, desired, mine, current)
    assert list(change.add if change else ()) == added
    assert [r.tag for r in refusals] == refused


def test_overlong_and_comma_tags_are_refused():
    change, refusals = diff_customer(1, {"x" * 250, "a,b", "ok"}, [])
    assert change == TagChange(1, add=("orbit:ok",))
    assert sorted(r.reason.split()[0] for r in refusals) == ["contains", "longer"]


def test_a_tag_of_exactly_255_characters_is_allowed():
    change, refusals = diff_customer(1, {"x" * 249}, [])
    assert change.add == ("orbit:" + "x" * 249,) and refusals == []
    change, refusals = diff_customer(1, {"x" * 250}, [])
    assert change is None and [r.tag for r in refusals] == ["orbit:" + "x" * 250]


def test_fields_put_removals_before_additions():
    fields = plan.fields_of([TagChange(1, add=("orbit:a",), remove=("orbit:b",))])
    assert [f.mutation for f in fields] == ["tagsRemove", "tagsAdd"]


@pytest.mark.parametrize(
    ("maximum", "expected"),
    [(None, plan.FIRST_BATCH_FIELDS), (1000.0, 25), (2000.0, 50), (10000.0, 100), (40.0, 1)],
)
def test_batch_size_follows_the_bucket_and_the_single_query_limit(maximum, expected):
    assert plan.fields_per_request(maximum) == expected


def test_batches_cover_every_field_once_and_keep_a_customers_pair_together():
    changes = [TagChange(c, add=("orbit:a",), remove=("orbit:b",)) for c in range(7)]
    fields = plan.fields_of(changes)
    batches = list(plan.batches(fields, 5))
    assert [f for batch in batches for f in batch] == fields
    assert all(len(batch) <= 5 for batch in batches)
    for batch in batches:
        assert batch[-1].mutation == "tagsAdd" or batch is batches[-1]


@pytest.mark.parametrize(
    ("added", "tags", "pushed", "in_flight", "echo"),
    [
        (True, ["orbit:vip"], ["orbit:vip"], None, True),
        (True, ["orbit:vip"], [], {"add": ["orbit:vip"], "remove": []}, True),  # before the outcome
        (True, ["orbit:vip"], [], None, False),  # someone else added Orbit's tag
        (True, ["wholesale"], [], None, False),  # another app's tag is news
        (True, ["orbit:vip", "wholesale"], ["orbit:vip"], None, False),
        (False, ["orbit:vip"], [], None, True),
        (False, ["orbit:vip"], ["orbit:vip"], {"add": [], "remove": ["orbit:vip"]}, True),
        (False, ["orbit:vip"], ["orbit:vip"], None, False),  # the merchant removed it
        (True, ["old:vip"], ["old:vip"], None, True),  # pushed before a prefix change
        (False, ["old:vip"], ["old:vip"], {"add": ["orbit:vip"], "remove": ["old:vip"]}, True),
        (False, ["old:vip"], [], None, False),  # no record: not Orbit's to claim
        (True, [], [], None, False),
    ],
)
def test_echoes_of_orbits_own_writes_are_recognised(added, tags, pushed, in_flight, echo):
    assert is_echo(added, tags, pushed, in_flight) is echo


def test_the_bulk_path_is_chosen_only_when_it_would_finish_sooner():
    model = plan.CostModel(
        bulk_fixed_seconds=2.0, bulk_seconds_per_field=0.001, paced_seconds_per_field=0.004
    )
    # A push that fits in the bucket goes out at once.
    assert not plan.use_bulk(50, available=1000, restore_rate=100, model=model)
    # Beyond the bucket, Standard waits 0.1 s per field: bulk wins early.
    assert plan.use_bulk(300, available=1000, restore_rate=100, model=model)
    # Plus has a bigger bucket and restores ten times faster, so the switch comes later.
    assert not plan.use_bulk(300, available=10000, restore_rate=1000, model=model)
    assert plan.use_bulk(5000, available=10000, restore_rate=1000, model=model)
    assert not plan.use_bulk(0, available=0, restore_rate=100, model=model)
