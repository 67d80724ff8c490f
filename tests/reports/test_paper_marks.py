"""A sheet typed in from the judge's paper sheet says so wherever a sheet's status is
printed: the judge's signed score sheets (PDF) and the sheets workbook."""
import io

from openpyxl import load_workbook
from sqlalchemy import select, update

from scoring.extensions import db
from scoring.models import Competition, Judge, ScoreSheet, Stage
from scoring.operations.demo import DEMO_KEY
from scoring.reports import build
from scoring.reports.sheets_xlsx import build_sheets_xlsx

from .pdfcheck import squeeze, text, write


def _one_paper_sheet():
    """The first submitted sheet of the demo becomes a paper one; (competition, its judge,
    its stage key)."""
    comp = db.session.scalar(select(Competition).filter_by(key=DEMO_KEY))
    sheet = db.session.scalars(select(ScoreSheet).filter_by(status="submitted")
                               .order_by(ScoreSheet.id)).first()
    db.session.execute(update(ScoreSheet).where(ScoreSheet.id == sheet.id)
                       .values(source="paper"))
    db.session.commit()
    stage = db.session.get(Stage, sheet.stage_id)
    return comp, db.session.get(Judge, sheet.judge_id), stage.key


def test_the_signed_sheets_mark_the_sheet_typed_in_from_paper(demo_sqlite, tmp_path):
    comp, judge, stage = _one_paper_sheet()
    body = squeeze(text(write(tmp_path, "sheets.pdf", build("sheets", comp, stage=stage))))
    assert body.count("已提交（纸质）") == 1
    # On that judge's page, not another's.
    pages = body.split("评委签字")
    marked = [p for p in pages if "已提交（纸质）" in p]
    assert len(marked) == 1 and judge.name in marked[0]


def test_the_sheets_workbook_marks_it_too(demo_sqlite):
    comp, _judge, _stage = _one_paper_sheet()
    book = load_workbook(io.BytesIO(build_sheets_xlsx(comp)))
    cells = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert cells.count("已提交（纸质）") == 1
