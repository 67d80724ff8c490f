"""Rule settings: defaults, contest-file parsing, round trip, every problem with its place."""

import copy
from decimal import Decimal as D

import pytest

from scoring.rules import AwardTier, GroupRule, Rules, SettingsError, validate_awards_fit

FILE_RULES = {
    "aggregation": "pooled", "trim": 1,
    "groups": {"external": {"weight": "0.4", "trim": 0},
               "internal": {"weight": "0.6", "trim": 1}},
    "decimals": 2,
    "tie_breaks": ["stage:presentation", "raw_mean", "group_mean:external"],
    "awards": [{"name": "一等奖", "share": "0.2"}, {"name": "二等奖", "count": 5},
               {"name": "三等奖", "share": "0.5"}],
    "variance_threshold": "10", "calibration_reveal": 3,
}
STAGES = ["plan", "presentation", "reflection"]


def test_defaults_match_the_design():
    r = Rules()
    assert (r.aggregation, r.trim, r.decimals, r.calibration_reveal) == ("pooled", 1, 2, 0)
    assert r.groups == {"external": GroupRule(D("0.4"), 0), "internal": GroupRule(D("0.6"), 1)}
    assert r.tie_breaks == ("stage:presentation", "raw_mean", "group_mean:external")
    assert [(a.name, a.share) for a in r.awards] == [
        ("一等奖", D("0.2")), ("二等奖", D("0.3")), ("三等奖", D("0.5"))]
    assert r.variance_threshold == D("10")
    assert r.problems(STAGES) == []


def test_from_dict_reads_the_design_example():
    r = Rules.from_dict(FILE_RULES, STAGES)
    assert r.awards[1] == AwardTier("二等奖", count=5)
    assert r.awards[0] == AwardTier("一等奖", share=D("0.2"))
    assert r.calibration_reveal == 3
    assert r.to_dict() == FILE_RULES


@pytest.mark.parametrize("rules", [
    Rules(),
    Rules(aggregation="weighted_groups", trim=0, decimals=4, variance_threshold=D("7.5"),
          groups={"a": GroupRule(D("0.25"), 2), "b": GroupRule(D("0.75"), 0)},
          tie_breaks=("raw_sum",), awards=(), calibration_reveal=5),
])
def test_round_trip(rules):
    assert Rules.from_dict(rules.to_dict()) == rules


def test_to_dict_normalizes_decimal_strings():
    r = Rules(variance_threshold=D("10.00"),
              groups={"external": GroupRule(D("0.40"), 0), "internal": GroupRule(D("0.60"), 1)},
              awards=(AwardTier("一等奖", share=D("0.50")),))
    d = r.to_dict()
    assert d["variance_threshold"] == "10"
    assert d["groups"]["external"]["weight"] == "0.4"
    assert d["awards"] == [{"name": "一等奖", "share": "0.5"}]


def test_empty_object_gives_defaults():
    assert Rules.from_dict({}) == Rules()
    assert Rules.from_dict(None) == Rules()


def with_change(path, value):
    d = copy.deepcopy(FILE_RULES)
    target = d
    for p in path[:-1]:
        target = target[p]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return d


@pytest.mark.parametrize(("d", "place", "text"), [
    (with_change(["aggregation"], "median"), "rules.aggregation",
     '"median" is not one of pooled, weighted_groups'),
    (with_change(["aggregation"], 3), "rules.aggregation", "give a text"),
    (with_change(["trim"], -1), "rules.trim", "-1 is below the minimum 0"),
    (with_change(["trim"], "1"), "rules.trim", "give a whole number"),
    (with_change(["trim"], True), "rules.trim", "give a whole number"),
    (with_change(["decimals"], 5), "rules.decimals", "5 is not between 0 and 4"),
    (with_change(["decimals"], -1), "rules.decimals", "-1 is not between 0 and 4"),
    (with_change(["groups", "internal", "weight"], "0.5"), "rules.groups",
     "weights sum to 0.9, not 1"),
    (with_change(["groups", "internal", "weight"], 0.6), "rules.groups.internal.weight",
     'give a decimal number as a text, like "0.4"'),
    # A text already: what is wrong is the exponent.
    (with_change(["groups", "internal", "weight"], "6e-1"), "rules.groups.internal.weight",
     '"6e-1" is in exponent notation, which is not accepted: write the number out, like '
     '"10" or "0.4"'),
    (with_change(["groups", "internal", "weight"], KeyError), "rules.groups.internal.weight",
     "missing"),
    (with_change(["groups", "internal", "trim"], -2), "rules.groups.internal.trim",
     "-2 is below the minimum 0"),
    (with_change(["groups", "external", "weight"], "0"), "rules.groups.external.weight",
     "0 is not above 0 and at most 1"),
    (with_change(["groups", "external", "size"], 3), "rules.groups.external.size",
     "unknown setting"),
    (with_change(["groups"], []), "rules.groups", "give an object"),
    (with_change(["groups"], {}), "rules.groups", "give at least one panel group"),
    (with_change(["tie_breaks"], ["stage:x"]), "rules.tie_breaks[0]", 'unknown stage "x"'),
    (with_change(["tie_breaks"], ["raw_mean", "group_mean:jury"]), "rules.tie_breaks[1]",
     'unknown panel group "jury"'),
    (with_change(["tie_breaks"], ["coin"]), "rules.tie_breaks[0]",
     'unknown tie-break "coin"; use stage:KEY, raw_mean, raw_sum, dropped_sum, '
     'group_mean:GROUP or precise:N'),
    (with_change(["tie_breaks"], ["raw_sum", "raw_sum"]), "rules.tie_breaks[1]",
     '"raw_sum" is listed twice'),
    (with_change(["tie_breaks"], "raw_mean"), "rules.tie_breaks", "give a list of texts"),
    (with_change(["awards", 1, "share"], "0.3"), "rules.awards[1]",
     "give a count or a share, not both"),
    (with_change(["awards", 1, "count"], KeyError), "rules.awards[1]",
     "give a count or a share, not both"),
    (with_change(["awards", 0, "share"], "1.5"), "rules.awards[0].share",
     "1.5 is not above 0 and at most 1"),
    (with_change(["awards", 0, "share"], "0"), "rules.awards[0].share",
     "0 is not above 0 and at most 1"),
    (with_change(["awards", 1, "count"], -1), "rules.awards[1].count",
     "-1 is below the minimum 0"),
    (with_change(["awards", 2, "name"], "一等奖"), "rules.awards[2].name",
     '"一等奖" is listed twice'),
    (with_change(["awards", 2, "name"], " "), "rules.awards[2].name", "give a name"),
    (with_change(["awards", 2, "name"], None), "rules.awards[2].name", "give a text"),
    (with_change(["awards", 2, "colour"], "gold"), "rules.awards[2].colour", "unknown setting"),
    (with_change(["awards"], {}), "rules.awards", "give a list"),
    (with_change(["variance_threshold"], 10), "rules.variance_threshold",
     'give a decimal number as a text, like "0.4"'),
    (with_change(["variance_threshold"], "-1"), "rules.variance_threshold",
     "-1 is below the minimum 0"),
    (with_change(["calibration_reveal"], -3), "rules.calibration_reveal",
     "-3 is below the minimum 0"),
    (with_change(["median"], True), "rules.median", "unknown setting"),
])
def test_each_problem_is_named_with_its_place(d, place, text):
    with pytest.raises(SettingsError) as info:
        Rules.from_dict(d, STAGES)
    rendered = [(p, m % params) for p, m, params in info.value.problems]
    assert (place, text) in rendered
    assert f"{place}: {text}" in str(info.value)


def test_every_problem_is_listed_at_once():
    d = with_change(["trim"], -1)
    d["decimals"] = 9
    d["tie_breaks"] = ["stage:x"]
    d["groups"]["internal"]["weight"] = "0.5"
    with pytest.raises(SettingsError) as info:
        Rules.from_dict(d, STAGES)
    places = {p for p, _, _ in info.value.problems}
    assert places == {"rules.trim", "rules.decimals", "rules.tie_breaks[0]", "rules.groups"}


def test_not_an_object():
    with pytest.raises(SettingsError) as info:
        Rules.from_dict([], STAGES)
    assert info.value.problems[0][0] == "rules"


def test_stage_keys_are_checked_only_when_given():
    assert Rules.from_dict({"tie_breaks": ["stage:x"]}).tie_breaks == ("stage:x",)


@pytest.mark.parametrize(("awards", "n", "fits"), [
    ([{"name": "a", "count": 3}, {"name": "b", "count": 2}], 5, True),
    ([{"name": "a", "count": 3}, {"name": "b", "count": 3}], 5, False),
    ([{"name": "a", "share": "0.2"}, {"name": "b", "share": "0.3"}], 10, True),
    # 0.2 x 15 = 3, 0.3 x 15 = 4.5 -> 5, 0.5 x 15 = 7.5 -> 8: 16 places by rounding, but
    # the shares ask for exactly 15 of 15 teams, so they fit (every team gets an award).
    ([{"name": "a", "share": "0.2"}, {"name": "b", "share": "0.3"},
      {"name": "c", "share": "0.5"}], 15, True),
    ([{"name": "a", "share": "0.5"}, {"name": "b", "share": "0.6"}], 10, False),
    ([{"name": "a", "count": 3}, {"name": "b", "share": "0.5"}], 6, True),  # 3 + 3
    ([{"name": "a", "count": 3}, {"name": "b", "share": "0.5"}], 5, False),  # 3 + 2.5
    ([{"name": "a", "share": "0.34"}, {"name": "b", "share": "0.33"},
      {"name": "c", "share": "0.34"}], 100, False),  # 101 places asked
    ([{"name": "a", "share": "0.2"}, {"name": "b", "share": "0.3"},
      {"name": "c", "share": "0.5"}], 10, True),
])
def test_validate_awards_fit(awards, n, fits):
    rules = Rules.from_dict({"awards": awards})
    problems = validate_awards_fit(rules, n)
    assert (problems == []) == fits
    if not fits:
        assert problems[0][0] == "rules.awards"
