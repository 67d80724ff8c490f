"""A paper sheet's comment (评语), once both entries agree, is printed where a tablet
sheet's comment is: on the judge's score sheets, on team detail, and, without the judge's
name, in the team's feedback (DESIGN section 11)."""
from sqlalchemy import select, update

from scoring.extensions import db
from scoring.models import Competition, Stage
from scoring.operations.demo import DEMO_KEY, load_demo
from scoring.reports import build
from tests.reports.pdfcheck import squeeze, text, write

from .test_live import _staff_client
from .test_paper_comment import _paper, _sheet_comment
from .util import GOOD

COMMENT = "纸质评语：方案可行，\n预算部分需细化。"


def test_the_paper_sheets_comment_is_printed_and_in_the_feedback(sqlite_app, tmp_path):
    app = sqlite_app
    with app.app_context():
        load_demo()
        db.session.commit()
    s1, s2 = _staff_client(app, "s1"), _staff_client(app, "s2")
    _paper(s1, "X2", "T04", GOOD, COMMENT.replace("\n", "\r\n"))
    _paper(s2, "X2", "T04", GOOD, COMMENT)
    assert _sheet_comment(app, "X2", "T04") == ("submitted", "paper", COMMENT)
    wanted = squeeze(COMMENT)
    with app.app_context():
        comp = db.session.scalars(select(Competition).filter_by(key=DEMO_KEY)).one()
        for kind in ("sheets", "team-detail"):
            assert wanted in squeeze(text(write(tmp_path, kind + ".pdf", build(kind, comp))))
        db.session.execute(update(Stage).where(Stage.competition_id == comp.id)
                           .values(state="published"))
        db.session.commit()
        feedback = text(write(tmp_path, "fb.pdf", build("team-feedback", comp, team="T04")))
        assert wanted in squeeze(feedback)
        judge = next(j for j in comp.judges if j.key == "X2")
        assert judge.name not in feedback  # the comment, never who wrote it


def test_the_blank_paper_sheet_asks_for_the_comment_where_the_stage_requires_it(
        sqlite_app, tmp_path):
    from tests.reports.pdfcheck import check_page_layout, page_count

    with sqlite_app.app_context():
        load_demo()
        db.session.commit()
        comp = db.session.scalars(select(Competition).filter_by(key=DEMO_KEY)).one()
        db.session.execute(update(Stage).where(Stage.competition_id == comp.id,
                                               Stage.key == "presentation")
                           .values(comment_required=True))
        db.session.commit()
        required = write(tmp_path, "req.pdf", build("blank-sheets", comp, stage="presentation"))
        other = write(tmp_path, "plan.pdf", build("blank-sheets", comp, stage="plan"))
        comp_judges = list(comp.judges)
    asked = squeeze("本环节要求为所评每支队伍填写评语")
    assert asked in squeeze(text(required)) and "评语/备注" in squeeze(text(required))
    assert asked not in squeeze(text(other)) and "评语/备注" in squeeze(text(other))
    # Still one judge's sheet on one page (a sheet without its signature could be lost).
    assert page_count(required) == page_count(other) == len(comp_judges)
    check_page_layout(required, 1)
