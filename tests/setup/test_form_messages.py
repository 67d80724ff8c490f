"""A refused form says what is wrong: the field and its error (a choice not offered was
once reported as "the form expired"; an expired token is answered by CSRFProtect)."""
import re

from scoring.extensions import db
from scoring.models import Competition, Stage
from tests.setup.helpers import make_competition


def _flashes(html):
    return re.findall(r'class="flash flash-error"[^>]*>(.*?)</', html, re.S)


def test_a_choice_not_offered_names_its_field_not_an_expired_form(app, demo, client, login):
    login()
    make_competition(app, "other")
    with app.app_context():
        foreign = db.session.scalars(db.select(Stage).join(Competition).where(
            Competition.key == "other")).first()
        foreign_id, before = foreign.id, foreign.materials_deadline
    client.get("/lang/zh_CN")
    response = client.post(f"/admin/c/{demo}/materials/deadline",
                           data={"dl-stage": str(foreign_id), "dl-deadline": "2030-01-01T10:00"},
                           follow_redirects=True)
    flashes = _flashes(response.get_data(as_text=True))
    assert flashes and not any("过期" in f for f in flashes), flashes
    assert any(f.startswith("环节：") for f in flashes), flashes
    client.get("/lang/en")
    response = client.post(f"/admin/c/{demo}/materials/deadline",
                           data={"dl-stage": str(foreign_id)}, follow_redirects=True)
    flashes = _flashes(response.get_data(as_text=True))
    assert flashes == ["Stage: Not a valid choice."], flashes
    with app.app_context():
        assert db.session.get(Stage, foreign_id).materials_deadline == before

