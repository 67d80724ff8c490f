"""The ranking as files: JSON (`scoring results --format json`), CSV for Excel, and XLSX.

Every number is written as text with exactly `decimals` places ("84.50"), the way the
printed ranking shows it. Texts that a spreadsheet would run as a formula are
neutralized with a leading apostrophe, and control characters that older versions
stored are replaced (safe_cell), so an export never fails on what was stored before.
"""
import csv
import io
import json
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import Stage, Team
from ..rules.text import clean_text
from .layout_exports import add_row_fields, extra_cells, extra_columns, is_layout_result
from .standings import results_for, rules_of

# A cell starting with one of these is a formula (or becomes one) in Excel/LibreOffice.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def number_text(value, decimals) -> str | None:
    """A rounded Decimal as text with exactly `decimals` places; None stays None."""
    if value is None:
        return None
    return f"{value:.{decimals}f}"


def safe_cell(text):
    """A text cell any spreadsheet writer takes and no spreadsheet runs as a formula.

    Control characters (rows stored before inputs refused them) are replaced: openpyxl
    refuses them outright, and Excel would show them as garbage in a CSV.
    """
    if isinstance(text, str):
        text = clean_text(text)
        if text.startswith(FORMULA_START):
            return "'" + text
    return text


def stage_columns(competition, *, published_only=False) -> list:
    """(key, name) of the stages a ranking shows, in stage order (published ones only if asked)."""
    q = (select(Stage.key, Stage.name).where(Stage.competition_id == competition.id)
         .order_by(Stage.position, Stage.key))
    if published_only:
        q = q.where(Stage.state == "published")
    return [(k, n) for k, n in db.session.execute(q).all()]


def team_names(competition) -> dict:
    """Team key -> team name."""
    return dict(db.session.execute(
        select(Team.key, Team.name).where(Team.competition_id == competition.id)).all())


def deduction_cells(team_result, stage_keys, decimals) -> dict:
    """Rule 12: stage key -> the confirmed points taken off, as text, where there are any."""
    return {k: number_text(team_result.stages[k].deduction, decimals) for k in stage_keys
            if k in team_result.stages and team_result.stages[k].deduction}


def ranking_document(competition, result=None, *, published_only=False) -> dict:
    """The `scoring results --format json` object (DESIGN section 6), key order kept."""
    if result is None:
        result = results_for(competition, published_only=published_only)
    decimals = rules_of(competition).decimals
    stages = [k for k, _n in stage_columns(competition, published_only=published_only)]
    names = team_names(competition)
    rows = []
    for t in result.teams:
        rows.append(add_row_fields({
            "team": t.team,
            "rank": t.rank,
            "tied": t.tied,
            "final": number_text(t.final, decimals),
            "stages": {k: number_text(t.stages[k].score, decimals)
                       for k in stages if k in t.stages},
            "award": t.award,
            "name": names.get(t.team, ""),
            "provisional": t.provisional,
            "withdrawn": t.withdrawn,
            "tie_note": t.tie_note,
        }, result, t, decimals, number_text))  # section 12's keys, only where used
        if result.has_deductions:  # rule 12: stage key -> confirmed points taken off
            rows[-1]["deductions"] = deduction_cells(t, stages, decimals)
    return {"competition": competition.key, "results": rows,
            "provisional": result.provisional, "fingerprint": result.fingerprint}


def ranking_json(competition, result=None, *, published_only=False) -> str:
    """ranking_document as indented JSON text with a final newline."""
    doc = ranking_document(competition, result, published_only=published_only)
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def ranking_table(competition, result=None, *, published_only=False):
    """(header, rows) of the ranking as the CSV and XLSX show it; numbers are texts."""
    if result is None:
        result = results_for(competition, published_only=published_only)
    decimals = rules_of(competition).decimals
    stages = stage_columns(competition, published_only=published_only)
    names = team_names(competition)
    header = [_("Rank"), _("Team key"), _("Team"), *[n for _k, n in stages], _("Final"),
              _("Award"), _("Tied"), _("Provisional"),
              *extra_columns(result, dict(stages))]
    division_names = {d.key: d.name for d in getattr(result.layout, "divisions", ())} \
        if is_layout_result(result) else {}
    rows = []
    for t in result.teams:
        rows.append([
            t.rank if t.rank is not None else (_("Withdrawn") if t.withdrawn else ""),
            t.team, names.get(t.team, ""),
            *[number_text(t.stages[k].score, decimals) if k in t.stages else None
              for k, _n in stages],
            number_text(t.final, decimals), t.award or "",
            _("Yes") if t.tied else "", _("Yes") if t.provisional else "",
            *extra_cells(result, t, decimals, number_text, division_names),
        ])
    if result.has_deductions:
        # Rule 12: one column per stage, after the others (the stage scores already
        # have them subtracted; these say by how much).
        header += [_("Deduction: %(stage)s", stage=n) for _k, n in stages]
        for row, t in zip(rows, result.teams, strict=True):
            cells = deduction_cells(t, [k for k, _n in stages], decimals)
            row += [cells.get(k) for k, _n in stages]
    return header, rows


def ranking_csv(competition, result=None, *, published_only=False) -> bytes:
    """The ranking as CSV for Excel: UTF-8 with BOM, formula-like cells neutralized."""
    header, rows = ranking_table(competition, result, published_only=published_only)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell("" if v is None else v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def ranking_xlsx(competition, result=None, *, published_only=False) -> bytes:
    """The ranking as an .xlsx workbook (same columns as the CSV).

    Scores are numbers (Excel sums and sorts them), shown with the contest's decimal
    places (84.50 as printed); the values are the rounded scores, exact in decimal.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    header, rows = ranking_table(competition, result, published_only=published_only)
    wb = Workbook()
    ws = wb.active
    ws.title = _("Ranking")[:31]
    ws.append([safe_cell(h) for h in header])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    decimals = rules_of(competition).decimals
    score_format = "0" if decimals == 0 else "0." + "0" * decimals
    # the stage columns and the final (1-based); section 12's columns come after them
    first, last = 4, header.index(_("Final")) + 1
    for row in rows:
        cells = [safe_cell("" if v is None else v) for v in row]
        for i in range(first - 1, last):
            cells[i] = Decimal(row[i]) if row[i] not in (None, "") else None
        ws.append(cells)
        for col in range(first, last + 1):
            ws.cell(row=ws.max_row, column=col).number_format = score_format
    for cell in ws["C"]:
        ws.column_dimensions["C"].width = max(ws.column_dimensions["C"].width or 0,
                                              min(40, 2 * len(str(cell.value or "")) + 2))
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
