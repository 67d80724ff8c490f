"""Check team rows (one row per member) before anything is saved; pure, no database.

Layout, one row per member, the first row naming the columns:

    队伍编号 (team key, optional) | 队伍名称 (team name) | 成员姓名 (member name)
    | 所在部门 (department)

Rows with the same team key belong to one team; with the key left blank, rows with the
same team name do, and the team gets the next free key T01, T02, ... Without a
recognised header row the columns are taken in that order and the first row is data.

A team has `size` members (the competition's `team_size`); with `distinct` (its
`distinct_departments`) each from a different department. When that department rule does
not apply (distinct false, or one member per team) the department cell may be empty and
the department column may be left out.
"""
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

from ..rules.errors import N_
from ..rules.team_rules import departments_required
from ..rules.text import Spellings, key_form, text_problem
from .columns import column_letter, normal_header

TEAM_SIZE = 3
KEY_RE = re.compile(r"^\w[\w.\-]{0,63}$")

# Column: (letter used in messages when there is no header, header aliases, label msgid).
COLUMNS = ("key", "name", "member", "department")
LABELS = {"key": N_("team key"), "name": N_("team name"), "member": N_("member name"),
          "department": N_("department")}
_ALIASES = {
    "key": {"队伍编号", "编号", "队号", "队伍代码", "teamkey", "key", "teamid", "团队编号"},
    "name": {"队伍名称", "队名", "队伍", "teamname", "team", "团队名称"},
    "member": {"成员姓名", "姓名", "成员", "membername", "member", "name", "参赛人员"},
    "department": {"所在部门", "部门", "单位部门", "单位", "所在单位", "department",
                   "memberdepartment", "dept"},
}
_MAX_LEN = {"key": 64, "name": 200, "member": 100, "department": 100}


@dataclass(frozen=True)
class TeamRow:
    """One member row as read: its spreadsheet row number and the four cells."""

    row: int
    key: str
    name: str
    member: str
    department: str


@dataclass
class TeamImport:
    """The outcome of checking: teams to create, problems, departments not known yet."""

    rows: list[TeamRow]
    teams: list[dict] = field(default_factory=list)  # {"key","name","row","members":[(n,d)]}
    # (row, column name or None, message template, params)
    problems: list[tuple] = field(default_factory=list)
    unknown_departments: dict[str, int] = field(default_factory=dict)  # name -> first row
    letters: dict[str, str] = field(default_factory=dict)  # column name -> A, B, ...

    @property
    def ok(self) -> bool:
        """True when nothing blocks the import (unknown departments are decided apart)."""
        return not self.problems


def map_columns(table, need_department=True):
    """(column name -> index, data rows): a header row is recognised by its names."""
    if not table:
        return {}, []
    _number, first = table[0]
    found = {}
    for i, cell in enumerate(first):
        text = normal_header(cell)
        for name, aliases in _ALIASES.items():
            if text in aliases and name not in found:
                found[name] = i
                break
    needed = {"name", "member", "department"} if need_department else {"name", "member"}
    if needed <= found.keys():
        return found, table[1:]
    return {name: i for i, name in enumerate(COLUMNS)}, table


def rows_from_table(table, need_department=True):
    """TeamRow per data row, and the letter of each column (for messages)."""
    columns, data = map_columns(table, need_department)
    rows = []
    for number, cells in data:
        values = {name: (cells[i] if i < len(cells) else "") for name, i in columns.items()}
        rows.append(TeamRow(number, values.get("key", ""), values.get("name", ""),
                            values.get("member", ""), values.get("department", "")))
    return rows, {name: column_letter(i) for name, i in columns.items()}


def _next_keys(used: set[str], count: int) -> list[str]:
    """count fresh keys T01, T02, ... skipping the ones in use."""
    width = 2 if count + len(used) < 100 else 3
    out, n = [], 0
    while len(out) < count:
        n += 1
        key = f"T{n:0{width}d}"
        if key not in used:
            out.append(key)
    return out


def check_team_rows(rows, *, existing_keys=(), existing_names=(), existing_members=(),
                    departments=(), letters=None, size=TEAM_SIZE,
                    distinct=True) -> TeamImport:
    """Every problem of the rows, with row numbers; the teams to create when there is none."""
    required = ("name", "member", "department") if departments_required(size, distinct) \
        else ("name", "member")
    # Each cell in the spelling already known or first seen (rules/text.py Spellings), so
    # look-alike names ("⼈事处", "ＩＴ部", "李明" with a trailing variation) compare
    # as the names people read, here and in the teams created.
    keys, names = Spellings(existing_keys), Spellings(existing_names)
    members, depts = Spellings(existing_members), Spellings(departments)
    rows = [replace(r, key=keys(key_form(r.key)), name=names(r.name), member=members(r.member),
                    department=depts(r.department)) for r in rows]
    result = TeamImport(rows=list(rows), letters=dict(letters or {}))
    problems = result.problems
    existing_keys, existing_names = set(existing_keys), set(existing_names)
    existing_members, departments = set(existing_members), set(departments)
    if not rows:
        problems.append((None, None, N_("The file has no data rows."), {}))
        return result

    for r in rows:
        for col in required:
            if not getattr(r, col):
                problems.append((r.row, col, N_("this cell is empty"), {}))
        for col in COLUMNS:
            bad = text_problem(getattr(r, col))
            if bad is not None:
                problems.append((r.row, col, *bad))
        for col, limit in _MAX_LEN.items():
            if len(getattr(r, col)) > limit:
                problems.append((r.row, col, N_("longer than %(limit)s characters"),
                                 {"limit": limit}))
        if r.key and not KEY_RE.match(r.key):
            problems.append((r.row, "key", N_('"%(key)s" is not a valid key: use letters, '
                                              'digits, "-", "_" or "." without spaces'),
                             {"key": r.key}))

    # Group the rows into teams: by key, else by name.
    groups: dict[tuple, list[TeamRow]] = defaultdict(list)
    for r in rows:
        if not r.name and not r.key:
            continue
        groups[("key", r.key) if r.key else ("name", r.name)].append(r)

    name_owner: dict[str, tuple] = {}
    for gid, members in groups.items():
        first = members[0]
        if gid[0] == "key":
            if first.key in existing_keys:
                problems.append((first.row, "key", N_('a team with the key "%(key)s" '
                                                      'already exists'), {"key": first.key}))
            for r in members[1:]:
                if r.name and first.name and r.name != first.name:
                    problems.append((r.row, "name", N_('team key "%(key)s" is given to two '
                                                       'teams: "%(other)s" on row %(first)s '
                                                       'and "%(name)s"'),
                                     {"key": r.key, "other": first.name, "first": first.row,
                                      "name": r.name}))
        name = first.name
        if name:
            if name in existing_names:
                problems.append((first.row, "name", N_('a team named "%(name)s" already '
                                                       'exists'), {"name": name}))
            elif name in name_owner and name_owner[name] != gid:
                other = groups[name_owner[name]][0]
                problems.append((first.row, "name", N_('the team name "%(name)s" is also '
                                                       'used on row %(first)s'),
                                 {"name": name, "first": other.row}))
            name_owner.setdefault(name, gid)
        if len(members) != size:
            problems.append((first.row, None, N_('team "%(name)s" has %(count)s members, '
                                                 'not %(size)s (rows %(rows)s)'),
                             {"name": name or first.key, "count": len(members), "size": size,
                              "rows": ", ".join(str(m.row) for m in members)}))
        seen_dept: dict[str, int] = {}
        for r in members if distinct else ():
            if r.department and r.department in seen_dept:
                problems.append((r.row, "department",
                                 N_('two members of team "%(name)s" are from %(department)s '
                                    '(rows %(first)s and %(row)s)'),
                                 {"name": name or first.key, "department": r.department,
                                  "first": seen_dept[r.department], "row": r.row}))
            seen_dept.setdefault(r.department, r.row)

    seen_member: dict[str, int] = {}
    for r in rows:
        if r.department and r.department not in departments:
            result.unknown_departments.setdefault(r.department, r.row)
        if not r.member:
            continue
        if r.member in existing_members:
            problems.append((r.row, "member", N_('"%(member)s" is already a member of a team'),
                             {"member": r.member}))
        elif r.member in seen_member:
            problems.append((r.row, "member", N_('"%(member)s" is also listed on row %(first)s'),
                             {"member": r.member, "first": seen_member[r.member]}))
        seen_member.setdefault(r.member, r.row)

    problems.sort(key=lambda p: (p[0] or 0))
    if problems:
        return result
    used = existing_keys | {gid[1] for gid in groups if gid[0] == "key"}
    fresh = iter(_next_keys(used, sum(1 for gid in groups if gid[0] == "name")))
    for gid, members in groups.items():
        result.teams.append({
            "key": gid[1] if gid[0] == "key" else next(fresh),
            "name": members[0].name, "row": members[0].row, "rows": [m.row for m in members],
            "members": [(m.member, m.department) for m in members],
        })
    return result


def count_by_team(rows) -> Counter:
    """How many rows each team key or name has (used by the preview table)."""
    return Counter(r.key or r.name for r in rows)
