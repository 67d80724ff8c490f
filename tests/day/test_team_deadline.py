"""The team's page says plainly when a stage has no upload deadline (so no upload here),
instead of showing nothing."""
from datetime import timedelta

from scoring.extensions import db
from scoring.models import Stage, utcnow
from tests.materials.util import team_link


def test_a_stage_without_deadline_says_so_and_one_with_a_deadline_offers_the_upload(app, demo):
    with app.app_context():
        stage = db.session.scalars(db.select(Stage).filter_by(key="reflection")).one()
        stage.materials_deadline = utcnow() + timedelta(days=2)
        db.session.commit()
    html = app.test_client().get(team_link(app)).get_data(as_text=True)
    sections = {part.split('"', 1)[0]: part for part in html.split('data-stage="')[1:]}
    assert 'type="file"' in sections["reflection"]
    assert "未设置上传截止时间" not in sections["reflection"]
    for key in ("plan", "presentation"):
        assert "本环节未设置上传截止时间，因此本页不接受该环节的上传" in sections[key]
        assert 'type="file"' not in sections[key]
