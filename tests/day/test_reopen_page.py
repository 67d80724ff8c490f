"""The reopen page says what reopening does and offers a way back that changes nothing."""
from scoring.extensions import db
from scoring.models import ScoreSheet
from tests.judging.hall_util import KEY, hall_admin, submit_team


def test_the_reopen_page_explains_and_cancel_changes_nothing(app, demo):
    admin = hall_admin(app)
    sheet_id = next(iter(submit_team(app, "T01").values()))
    html = admin.get(f"/admin/c/{KEY}/sheets/{sheet_id}/reopen").get_data(as_text=True)
    assert "重新开放会怎样" in html and "评委平板上立即显示为可修改" in html
    assert "不计入成绩" in html and "操作日志保留前后两个版本" in html
    cancel = html.split('id="reopen-cancel"', 1)[0].rsplit('href="', 1)[1].split('"', 1)[0]
    assert cancel == f"/admin/c/{KEY}/live?stage=presentation"
    assert admin.get(cancel).status_code == 200
    with app.app_context():
        assert db.session.get(ScoreSheet, sheet_id).status == "submitted"


def test_a_published_stage_offers_no_reopen_link_and_says_how(app, demo):
    from scoring.models import Stage

    admin = hall_admin(app)
    sheet_id = next(iter(submit_team(app, "T01").values()))
    reopen = f"/admin/c/{KEY}/sheets/{sheet_id}/reopen"
    board = admin.get(f"/admin/c/{KEY}/live?stage=presentation").get_data(as_text=True)
    assert reopen in board  # an open stage: every submitted sheet can be reopened
    with app.app_context():
        db.session.scalars(db.select(Stage).filter_by(key="presentation")).one().state = \
            "published"
        db.session.commit()
    board = admin.get(f"/admin/c/{KEY}/live?stage=presentation").get_data(as_text=True)
    assert reopen not in board  # the page it led to could only refuse
    assert "请先在“环节”页面撤回发布" in board
