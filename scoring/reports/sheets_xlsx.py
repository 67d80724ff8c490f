"""Every score sheet as an Excel workbook: one worksheet per stage, judge x team rows.

Same columns as the sheets PDF. Text cells that a spreadsheet would run as a formula
(starting with = + - @, or a tab / carriage return) get a leading apostrophe: names are
data typed by people, never formulas.
"""
import io
import re

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..results.exports import safe_cell
from ..rules.text import clean_text
from .common import group_label, localized
from .data import load, num
from .sheets import stages_for, status_text

_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


def safe_text(value) -> str:
    """A text cell value that no spreadsheet evaluates as a formula and openpyxl accepts
    (control characters stored by older versions are replaced)."""
    return safe_cell("" if value is None else str(value))  # one rule for every export


def _title(name, used) -> str:
    """A worksheet title: Excel allows 31 characters and none of []:*?/\\."""
    base = _BAD_TITLE.sub("_", clean_text(name or "stage", multiline=False))[:28] or "stage"
    title, n = base, 2
    while title.lower() in used:
        title = f"{base[:25]}_{n}"
        n += 1
    used.add(title.lower())
    return title


def _text_cell(ws, row, col, value):
    cell = ws.cell(row=row, column=col)
    cell.value = safe_text(value)
    cell.data_type = "s"  # never a formula, whatever the text
    return cell


@localized
def build_sheets_xlsx(competition, stage=None) -> bytes:
    """The .xlsx of every sheet (stage=None for all stages), as bytes."""
    data = load(competition, with_results=False)
    wb = Workbook()
    wb.remove(wb.active)
    used = set()
    bold = Font(bold=True)
    grey = PatternFill("solid", fgColor="EEEEEE")
    for s in stages_for(data, stage):
        ws = wb.create_sheet(_title(s.name or s.key, used))
        head = [_("Judge key"), _("Judge"), _("Panel group"), _("Draw no."), _("Team key"),
                _("Team")] + [f"{c.name or c.key} ({_('max %(max)s', max=num(c.max))})"
                              for c in s.criteria] + [_("Sheet total"), _("Sheet status")]
        for col, text in enumerate(head, start=1):
            cell = _text_cell(ws, 1, col, text)
            cell.font = bold
            cell.fill = grey
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        r = 2
        for judge in data.judges:
            for key in data.draw_order:
                team = data.teams[key]
                sheet = data.sheets.get((judge.key, key, s.key))
                recused = data.recusals[(judge.key, key)].recused
                values = [judge.key, judge.name, group_label(judge.group)]
                for col, v in enumerate(values, start=1):
                    _text_cell(ws, r, col, v)
                if team.draw is not None:
                    ws.cell(row=r, column=4, value=team.draw)
                _text_cell(ws, r, 5, team.key)
                _text_cell(ws, r, 6, team.name)
                col = 7
                for c in s.criteria:
                    value = sheet.scores.get(c.key) if sheet and not recused else None
                    if value is not None:
                        ws.cell(row=r, column=col, value=value)
                    col += 1
                if sheet is not None and sheet.scores and not recused:
                    ws.cell(row=r, column=col, value=sheet.total)
                _text_cell(ws, r, col + 1, status_text(data, judge, team, s, sheet))
                r += 1
        ws.freeze_panes = "G2"
        widths = [8, 16, 10, 8, 10, 22] + [12] * len(s.criteria) + [10, 14]
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        ws.auto_filter.ref = f"A1:{get_column_letter(len(head))}{max(r - 1, 1)}"
    if not wb.worksheets:
        wb.create_sheet("-")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
