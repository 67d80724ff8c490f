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
