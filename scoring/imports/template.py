"""The downloadable example spreadsheet that shows the team import layout.

The sample follows the competition's team settings: `size` rows per team (one row per
member), and departments all different only when `distinct` asks for it.
"""
import io

# Header texts match what check_team_rows recognises.
HEADER = ("队伍编号", "队伍名称", "成员姓名", "所在部门")
# Three teams of three, each from three departments (the default rules).
SAMPLE = [
    ("T01", "启航队", "李明", "组织部"), ("T01", "启航队", "王芳", "宣传部"),
    ("T01", "启航队", "张伟", "人事处"),
    ("T02", "致远队", "刘洋", "教务处"), ("T02", "致远队", "陈静", "财务处"),
    ("T02", "致远队", "杨磊", "后勤处"),
    ("", "笃行队", "赵敏", "科技处"), ("", "笃行队", "黄涛", "图书馆"),
    ("", "笃行队", "周颖", "校团委"),
]
_TEAMS = (("T01", "启航队"), ("T02", "致远队"), ("", "笃行队"))
_PEOPLE = ("李明", "王芳", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄涛", "周颖", "吴昊")
_DEPARTMENTS = ("组织部", "宣传部", "人事处", "教务处", "财务处", "后勤处", "科技处",
                "图书馆", "校团委", "保卫处")
_SOLO = (("S01", "李明", "音乐学院"), ("S02", "王芳", "文学院"), ("", "张伟", ""))


def sample_rows(size: int = 3, distinct: bool = True) -> list[tuple]:
    """Example rows for teams of `size`: three teams (or three solo entrants)."""
    if size == 1:
        # A solo entry: the entrant is the team; the department is optional.
        return [(key, name, name, dept) for key, name, dept in _SOLO]
    rows, person = [], 0
    for t, (key, name) in enumerate(_TEAMS):
        for i in range(size):
            # With distinct false the sample shows what it allows: one department per team.
            dept = _DEPARTMENTS[(person + i) % len(_DEPARTMENTS)] if distinct \
                else _DEPARTMENTS[t]
            rows.append((key, name, _PEOPLE[(person + i) % len(_PEOPLE)]
                         + ("" if person + i < len(_PEOPLE) else str(person + i)), dept))
        person += size
    return rows


def notes(size: int = 3, distinct: bool = True) -> list[str]:
    """The notes sheet, Chinese then English, for the chosen team settings."""
    out = ["队伍编号可留空：留空时按队伍名称归队，并自动编为 T01、T02……"]
    if size == 1:
        out.insert(0, "每行一名参赛者（每队1人）；队伍名称可与姓名相同。")
        out.append("所在部门可留空（仅用于评委回避）；参赛者姓名不能重复。")
        out.append("One row per contestant (one per team); the team name may be the "
                   "contestant's name. Team key may be blank (then keyed T01, T02, ...). "
                   "The department may be left blank (it only serves judges' recusal).")
        return out
    out.insert(0, f"每行一名成员；同一队伍的{size}名成员各占一行。")
    if distinct:
        out.append(f"每队{size}人，{size}人须来自不同部门；成员姓名不能重复。")
        rule = "each from a different department"
    else:
        out.append(f"每队{size}人，可来自同一部门，部门可留空（仅用于评委回避）；"
                   "成员姓名不能重复。")
        rule = "departments may repeat or be left blank"
    out.append(f"One row per member. Team key may be blank (then rows with the same team "
               f"name form one team, keyed T01, T02, ...). {size} members per team, {rule}.")
    return out


def team_template_xlsx(size: int = 3, distinct: bool = True) -> bytes:
    """An .xlsx with the header row, a sample of three teams and a notes sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "队伍"
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in sample_rows(size, distinct):
        sheet.append(row)
    for col, width in zip("ABCD", (12, 18, 14, 18), strict=True):
        sheet.column_dimensions[col].width = width
    sheet_notes = book.create_sheet("说明")
    for line in notes(size, distinct):
        sheet_notes.append([line])
    sheet_notes.column_dimensions["A"].width = 90
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
