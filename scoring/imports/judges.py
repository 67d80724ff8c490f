"""Check judge rows before anything is saved; pure, no database.

Layout, one row per judge, the first row naming the columns:

    评委编号 (key, optional) | 姓名 (name) | 评委组 (校外 / 校内, external / internal)
    | 所在部门 (department; external experts usually have none) | 备注 (note)

A department must be one the competition already has (from its teams): a typo such as
"組織部" for "组织部" would silently stop the recusal rule (DESIGN section 2, rule 2), so
it is refused with the names that come closest. Keys left blank get the next free X1,
X2... for external experts and N1, N2... for internal judges.
"""
import difflib
import re
from dataclasses import dataclass, field, replace

from ..rules.errors import N_
from ..rules.text import Spellings, key_form, text_problem
from .columns import column_letter, normal_header

KEY_RE = re.compile(r"^\w[\w.\-]{0,63}$")
COLUMNS = ("key", "name", "group", "department", "note")
LABELS = {"key": N_("judge key"), "name": N_("name"), "group": N_("panel group"),
          "department": N_("department"), "note": N_("note")}
_ALIASES = {
    "key": {"评委编号", "编号", "key", "judgekey", "代码"},
    "name": {"姓名", "评委姓名", "评委", "name", "judge", "judgename"},
    "group": {"评委组", "类别", "组别", "校内外", "group", "panelgroup", "type"},
    "department": {"所在部门", "部门", "单位", "所在单位", "department", "dept"},
    "note": {"备注", "说明", "note", "notes"},
}
GROUPS = {"校外": "external", "校外专家": "external", "外请": "external",
          "外请专家": "external", "external": "external", "校内": "internal",
          "校内专家": "internal", "校内评委": "internal", "internal": "internal"}
_MAX_LEN = {"key": 64, "name": 100, "department": 100, "note": 2000}


@dataclass(frozen=True)
class JudgeRow:
    """One judge row as read: its spreadsheet row number and the cells."""

    row: int
    key: str
    name: str
    group: str
    department: str
    note: str


@dataclass
class JudgeImport:
    """The outcome of checking: the judges to create, or the problems (nothing saved)."""

    judges: list[dict] = field(default_factory=list)
    problems: list[tuple] = field(default_factory=list)  # (row, column, message, params)
    letters: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when every row can be saved."""
        return not self.problems


def rows_from_table(table):
    """JudgeRow per data row, and the letter of each column (for messages)."""
    columns = {}
    data = table
    if table:
        for i, cell in enumerate(table[0][1]):
            text = normal_header(cell)
            for name, aliases in _ALIASES.items():
                if text in aliases and name not in columns:
                    columns[name] = i
                    break
        if {"name", "group"} <= columns.keys():
            data = table[1:]
        else:
            columns = {name: i for i, name in enumerate(COLUMNS)}
    rows = []
    for number, cells in data:
        values = {name: (cells[i] if i < len(cells) else "") for name, i in columns.items()}
        rows.append(JudgeRow(number, *(values.get(c, "") for c in COLUMNS)))
    return rows, {name: column_letter(i) for name, i in columns.items()}


def _next_key(prefix: str, used: set) -> str:
    n = 1
    while f"{prefix}{n}" in used:
        n += 1
    used.add(f"{prefix}{n}")
    return f"{prefix}{n}"


def check_judge_rows(rows, *, existing_keys=(), departments=(), letters=None) -> JudgeImport:
    """Every problem of the rows, by row and column; the judges to create when none."""
    result = JudgeImport(letters=dict(letters or {}))
    problems = result.problems
    # Look-alike keys and departments are the known ones (see imports/teams.py).
    keys, depts = Spellings(existing_keys), Spellings(departments)
    rows = [replace(r, key=keys(key_form(r.key)), department=depts(r.department))
            for r in rows]
    departments = set(departments)
    used = set(existing_keys)
    if not rows:
        problems.append((None, None, N_("The file has no data rows."), {}))
        return result
    seen_keys: dict[str, int] = {}
    for r in rows:
        for col in COLUMNS:
            bad = text_problem(getattr(r, col), multiline=col == "note")
            if bad is not None:
                problems.append((r.row, col, *bad))
        for col, limit in _MAX_LEN.items():
            if len(getattr(r, col)) > limit:
                problems.append((r.row, col, N_("longer than %(limit)s characters"),
                                 {"limit": limit}))
        if not r.name:
            problems.append((r.row, "name", N_("this cell is empty"), {}))
        group = GROUPS.get(r.group.strip().lower())
        if group is None:
            problems.append((r.row, "group", N_('"%(value)s" is not a panel group: write 校外 '
                                                '(external) or 校内 (internal)'),
                             {"value": r.group}))
        if r.key:
            if not KEY_RE.match(r.key):
                problems.append((r.row, "key", N_('"%(key)s" is not a valid key: use letters, '
                                                  'digits, "-", "_" or "." without spaces'),
                                 {"key": r.key}))
            elif r.key in used:
                problems.append((r.row, "key", N_('a judge with the key "%(key)s" already '
                                                  'exists'), {"key": r.key}))
            elif r.key in seen_keys:
                problems.append((r.row, "key", N_('the key "%(key)s" is also used on row '
                                                  '%(first)s'),
                                 {"key": r.key, "first": seen_keys[r.key]}))
            seen_keys.setdefault(r.key, r.row)
        if r.department and r.department not in departments:
            close = difflib.get_close_matches(r.department, sorted(departments), n=3,
                                              cutoff=0.5)
            if close:
                problems.append((r.row, "department", N_(
                    '"%(department)s" is not a department of this competition; did you mean '
                    '%(close)s?'), {"department": r.department, "close": "、".join(close)}))
            else:
                problems.append((r.row, "department", N_(
                    '"%(department)s" is not a department of this competition; add it on '
                    'the Teams page first'), {"department": r.department}))
    if problems:
        return result
    used |= set(seen_keys)
    for r in rows:
        group = GROUPS[r.group.strip().lower()]
        key = r.key or _next_key("X" if group == "external" else "N", used)
        result.judges.append({"row": r.row, "key": key, "name": r.name, "group": group,
                              "department": r.department, "note": r.note})
    return result
