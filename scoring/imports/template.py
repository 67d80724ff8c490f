"""The downloadable example spreadsheet that shows the team import layout."""
import io

# Header texts match what check_team_rows recognises; the sample is three teams.
HEADER = ("队伍编号", "队伍名称", "成员姓名", "所在部门")
SAMPLE = [
    ("T01", "启航队", "李明", "组织部"), ("T01", "启航队", "王芳", "宣传部"),
    ("T01", "启航队", "张伟", "人事处"),
    ("T02", "致远队", "刘洋", "教务处"), ("T02", "致远队", "陈静", "财务处"),
    ("T02", "致远队", "杨磊", "后勤处"),
    ("", "笃行队", "赵敏", "科技处"), ("", "笃行队", "黄涛", "图书馆"),
    ("", "笃行队", "周颖", "校团委"),
]
NOTES = [
    "每行一名成员；同一队伍的三名成员各占一行。",
    "队伍编号可留空：留空时按队伍名称归队，并自动编为 T01、T02……",
    "每队3人，3人须来自不同部门；成员姓名不能重复。",
    "One row per member. Team key may be blank (then rows with the same team name form "
    "one team, keyed T01, T02, ...). Three members per team, each from a different "
    "department.",
]


def team_template_xlsx() -> bytes:
    """An .xlsx with the header row, a sample of three teams and a notes sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "队伍"
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in SAMPLE:
        sheet.append(row)
    for col, width in zip("ABCD", (12, 18, 14, 18), strict=True):
        sheet.column_dimensions[col].width = width
    notes = book.create_sheet("说明")
    for line in NOTES:
        notes.append([line])
    notes.column_dimensions["A"].width = 90
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
