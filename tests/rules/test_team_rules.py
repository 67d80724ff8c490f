"""team_size and distinct_departments (issue 18 follow-up): reading, validation, checks."""
import pytest

from scoring.rules import Rules, SettingsError, team_department_problems
from scoring.rules.model import Team
from scoring.rules.team_rules import member_problems, team_settings_of, team_violations


def _problems(settings):
    try:
        Rules.from_dict(settings)
    except SettingsError as e:
        return [(p[0], p[1]) for p in e.problems]
    return []


@pytest.mark.parametrize("settings, expected", [
    ({}, []),
    ({"team_size": 1}, []),
    ({"team_size": 10}, []),
    ({"team_size": 3, "distinct_departments": True}, []),
    ({"team_size": 2, "distinct_departments": False}, []),
    ({"team_size": 0}, [("rules.team_size", "%(value)s is not between %(min)s and %(max)s")]),
    ({"team_size": 11}, [("rules.team_size", "%(value)s is not between %(min)s and %(max)s")]),
    ({"team_size": -3}, [("rules.team_size", "%(value)s is not between %(min)s and %(max)s")]),
    ({"team_size": "3"}, [("rules.team_size", "give a whole number")]),
    ({"team_size": True}, [("rules.team_size", "give a whole number")]),
    ({"team_size": 3.0}, [("rules.team_size", "give a whole number")]),
    ({"team_size": None}, [("rules.team_size", "give a whole number")]),
    ({"distinct_departments": "false"}, [("rules.distinct_departments", "give true or false")]),
    ({"distinct_departments": 0}, [("rules.distinct_departments", "give true or false")]),
    ({"distinct_departments": None}, [("rules.distinct_departments", "give true or false")]),
    ({"team_size": 0, "distinct_departments": "no"},
     [("rules.team_size", "%(value)s is not between %(min)s and %(max)s"),
      ("rules.distinct_departments", "give true or false")]),
])
def test_settings_validation(settings, expected):
    assert sorted(_problems(settings)) == sorted(expected)


@pytest.mark.parametrize("settings, written", [
    ({}, {}),
    ({"team_size": 3, "distinct_departments": True}, {}),  # defaults are never written
    ({"team_size": 1}, {"team_size": 1}),
    ({"distinct_departments": False}, {"distinct_departments": False}),
    ({"team_size": 5, "distinct_departments": False},
     {"team_size": 5, "distinct_departments": False}),
])
def test_only_non_defaults_are_written(settings, written):
    out = Rules.from_dict(settings).to_dict()
    got = {k: out[k] for k in ("team_size", "distinct_departments") if k in out}
    assert got == written
    assert Rules.from_dict(out).to_dict() == out  # round-trips


@pytest.mark.parametrize("departments, size, distinct, expected", [
    (("a", "b", "c"), 3, True, []),
    (("a", "b"), 3, True, [("t", "the team has %(count)s members, not %(size)s")]),
    (("a", "b"), 2, True, []),
    (("a", "a", "b"), 3, True, [("t", "%(count)s members are from the same department "
                                      "%(department)s")]),
    (("a", "a", "b"), 3, False, []),
    (("a", None, "b"), 3, True, [("t.members[1]", "no department given")]),
    ((None, None, None), 3, False, []),  # the department rule off: departments optional
    ((None,), 1, True, []),  # one member: nothing to be different from
    (("a",), 1, True, []),
    (("a", "b"), 1, True, [("t", "the team has %(count)s members, not %(size)s")]),
    ((), 1, True, [("t", "the team has %(count)s members, not %(size)s")]),
])
def test_member_problems(departments, size, distinct, expected):
    assert [(p[0], p[1]) for p in member_problems(departments, size, distinct, "t")] == expected
    # The contest-level wrapper says the same about a Team.
    got = team_department_problems(Team("A", 1, departments), size, "t", distinct)
    assert [(p[0], p[1]) for p in got] == expected


@pytest.mark.parametrize("teams, size, distinct, expected", [
    ([("甲", [1, 2, 3]), ("乙", [4, 5, 6])], 3, True, []),
    ([("甲", [1, 2, 3]), ("乙", [4, 5, 6])], 1, True,
     [("rules.team_size", {"count": 2, "size": 1, "teams": "甲, 乙"})]),
    ([("甲", [1]), ("乙", [2, 3])], 1, True,
     [("rules.team_size", {"count": 1, "size": 1, "teams": "乙"})]),
    ([("甲", [1, 1, 2]), ("乙", [None, 2, 3]), ("丙", [1, 2, 3])], 3, True,
     [("rules.distinct_departments", {"count": 2, "teams": "甲, 乙"})]),
    ([("甲", [1, 1, 2]), ("乙", [None, 2, 3])], 3, False, []),
    ([], 1, True, []),
])
def test_team_violations_name_the_teams(teams, size, distinct, expected):
    assert [(p[0], p[2]) for p in team_violations(teams, size, distinct)] == expected


@pytest.mark.parametrize("stored, expected", [
    ({}, (3, True)),
    (None, (3, True)),
    ({"team_size": 1}, (1, True)),
    ({"team_size": 2, "distinct_departments": False}, (2, False)),
    ({"team_size": 99}, (3, True)),  # unreadable: the default, never a crash
    ({"team_size": "x", "distinct_departments": "x"}, (3, True)),
])
def test_team_settings_of_stored_rules(stored, expected):
    assert team_settings_of(stored) == expected
