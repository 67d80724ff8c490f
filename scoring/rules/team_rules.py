"""The team-composition settings (DESIGN section 1, issue 18 follow-up).

`team_size`: members per team, 1..10 (default 3: the article's teams of three).
`distinct_departments`: whether the members of a team come from different departments
(default true). A solo contest (a singer, a skater) is `team_size: 1`; its entrant's
department is optional, as it is whenever the department rule does not apply (it then
only serves recusal: a judge never scores a team with a member of the judge's department).

Pure: no database, no Flask.
"""
from collections import Counter

from .errors import N_

TEAM_SIZE_DEFAULT = 3
TEAM_SIZE_MAX = 10
# key: default; written to the contest file's `rules` only when not the default.
TEAM_DEFAULTS = {"team_size": TEAM_SIZE_DEFAULT, "distinct_departments": True}


def read_team_settings(d, place, problems) -> dict:
    """The two settings found in a `rules` object, as Rules keyword arguments."""
    out = {}
    if "team_size" in d:
        value = d["team_size"]
        # bool is an int in Python, but `true` is never a count in the contest file.
        if isinstance(value, int) and not isinstance(value, bool):
            out["team_size"] = value
        else:
            problems.append((f"{place}.team_size", N_("give a whole number"), {}))
    if "distinct_departments" in d:
        value = d["distinct_departments"]
        if isinstance(value, bool):
            out["distinct_departments"] = value
        else:
            problems.append((f"{place}.distinct_departments", N_("give true or false"), {}))
    return out


def team_settings_problems(team_size, distinct_departments, place) -> list:
    """Range checks of the two settings as (place, message, params)."""
    out = []
    if not 1 <= team_size <= TEAM_SIZE_MAX:
        out.append((f"{place}.team_size", N_("%(value)s is not between %(min)s and %(max)s"),
                    {"value": team_size, "min": 1, "max": TEAM_SIZE_MAX}))
    if not isinstance(distinct_departments, bool):
        out.append((f"{place}.distinct_departments", N_("give true or false"), {}))
    return out


def team_settings_dict(rules) -> dict:
    """The settings that differ from their default, for the contest file's `rules`."""
    return {k: getattr(rules, k) for k, default in TEAM_DEFAULTS.items()
            if getattr(rules, k) != default}


def departments_required(size: int, distinct: bool) -> bool:
    """Whether every member must name a department: only when the department rule applies."""
    return distinct and size > 1


def member_problems(departments, size=TEAM_SIZE_DEFAULT, distinct=True, place="team") -> list:
    """Section 1: `size` members; with `distinct`, each from a different department.

    `departments` holds one entry per member (None when not given). Problems as
    (place, message, params); a member's own problem is placed at `place.members[i]`.
    """
    problems = []
    if len(departments) != size:
        problems.append((place, N_("the team has %(count)s members, not %(size)s"),
                         {"count": len(departments), "size": size}))
    if not departments_required(size, distinct):
        return problems
    for i, d in enumerate(departments):
        if d is None:
            problems.append((f"{place}.members[{i}]", N_("no department given"), {}))
    for d, n in Counter(d for d in departments if d is not None).items():
        if n > 1:
            problems.append((place, N_("%(count)s members are from the same department "
                                       "%(department)s"), {"count": n, "department": d}))
    return problems


def team_settings_of(stored) -> tuple[int, bool]:
    """(team_size, distinct_departments) of a stored `rules` object, defaults when unreadable.

    The stored rules were validated when saved; this reads only the two settings, so a
    team can be checked even while another setting is being fixed.
    """
    problems = []
    found = read_team_settings(stored if isinstance(stored, dict) else {}, "rules", problems)
    size = found.get("team_size", TEAM_SIZE_DEFAULT)
    distinct = found.get("distinct_departments", True)
    if team_settings_problems(size, distinct, "rules"):
        size = TEAM_SIZE_DEFAULT
    return size, distinct


def team_violations(teams, team_size, distinct, place="rules") -> list:
    """Problems of a team-settings change: the teams it would break, by name.

    `teams` is (team name, [department of each member, None when not given]); any
    hashable stands for a department.
    """
    wrong_size = [name for name, depts in teams if len(depts) != team_size]
    out = []
    if wrong_size:
        out.append((f"{place}.team_size",
                    N_("%(count)s teams do not have %(size)s members: %(teams)s"),
                    {"count": len(wrong_size), "size": team_size,
                     "teams": ", ".join(wrong_size)}))
    if departments_required(team_size, distinct):
        bad = [name for name, depts in teams if len(depts) == team_size and (
            None in depts or len(set(depts)) != len(depts))]
        if bad:
            out.append((f"{place}.distinct_departments",
                        N_("%(count)s teams have members from the same department or "
                           "without one: %(teams)s"),
                        {"count": len(bad), "teams": ", ".join(bad)}))
    return out
