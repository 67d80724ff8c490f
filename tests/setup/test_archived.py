"""An archived competition is read-only for organizers too (admin/archived.py): every
organizer POST under /admin/c/<key>/ is refused with a message and changes nothing,
except bringing the competition back and copying it as a new edition."""
import sqlalchemy as sa

from scoring.admin.archived import ALLOWED
from scoring.extensions import db
from scoring.models import Competition


def _counts(app):
    with app.app_context():
        return {t.name: db.session.execute(sa.select(sa.func.count()).select_from(t)).scalar()
                for t in db.metadata.sorted_tables if t.name not in ("audit_entry",)}


def _post_urls(app, key):
    """Every organizer POST address of a competition, its other parts filled with 1."""
    for rule in app.url_map.iter_rules():
        if (rule.endpoint.startswith("admin.") and "POST" in rule.methods
                and "key" in rule.arguments and rule.endpoint not in ALLOWED):
            values = {name: 1 for name in rule.arguments}
            values.update(key=key, direction="up", target="closed", stage_key="presentation",
                          kind="ranking")
            yield rule.endpoint, app.url_for(rule.endpoint, **values, _external=False)


def test_every_organizer_change_is_refused_while_archived(app, demo, client, login):
    login()
    client.post(f"/admin/c/{demo}/archive", data={"reason": "比赛结束"})
    before = _counts(app)
    with app.test_request_context():
        urls = list(_post_urls(app, demo))
    assert len(urls) > 40
    for endpoint, url in urls:
        response = client.post(url, data={"name": "改名", "reason": "x", "stage": "plan",
                                           "team": "T01", "seed": "1"})
        assert response.status_code == 303, (endpoint, response.status_code)
        assert response.headers["Location"].endswith(f"/admin/c/{demo}/"), endpoint
    page = client.get(f"/admin/c/{demo}/").get_data(as_text=True)
    assert "本竞赛已归档，不能再做任何更改。如需修改，请先在竞赛概览页" in page
    assert _counts(app) == before
    with app.app_context():
        comp = db.session.scalars(sa.select(Competition).filter_by(key=demo)).one()
        assert comp.name != "改名" and comp.archived
    # Copying as a new edition and bringing it back still work.
    assert client.post(f"/admin/c/{demo}/copy", data={
        "key": "next-year", "name": "下一届"}).status_code in (302, 303)
    client.post(f"/admin/c/{demo}/unarchive")
    assert client.post(f"/admin/c/{demo}/rename", data={"name": "改名"}).status_code in (302, 303)
    with app.app_context():
        names = dict(db.session.execute(sa.select(Competition.key, Competition.name)).all())
    assert names[demo] == "改名" and "next-year" in names


def test_others_get_their_usual_answer_on_an_archived_competition(app, demo, client, login):
    login()
    client.post(f"/admin/c/{demo}/archive", data={"reason": "比赛结束"})
    anonymous = app.test_client()
    response = anonymous.post(f"/admin/c/{demo}/rename", data={"name": "x"})
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


def test_staff_get_their_403_first_and_the_archive_refusal_where_they_may_act(app, demo,
                                                                             client, login):
    login()
    client.post(f"/admin/c/{demo}/archive", data={"reason": "比赛结束"})
    staff = app.test_client()
    login("staff", c=staff)
    assert staff.post(f"/admin/c/{demo}/rename", data={"name": "x"}).status_code == 403
    response = staff.post(f"/admin/c/{demo}/live/reveal", data={"stage": "plan",
                                                                "team": "T01"})
    assert response.status_code == 303 and response.headers["Location"].endswith(
        f"/admin/c/{demo}/")


def test_the_writes_left_to_themselves_still_refuse_an_archived_competition(app, demo, client,
                                                                            login):
    """Deductions and paper entry check the archive after the lock, on their own page."""
    from scoring.models import Deduction, PaperEntry, Stage, Team

    login()
    client.post(f"/admin/c/{demo}/archive", data={"reason": "比赛结束"})
    with app.app_context():
        comp = db.session.scalars(sa.select(Competition).filter_by(key=demo)).one()
        team = db.session.scalars(sa.select(Team).filter_by(competition_id=comp.id)).first()
        stage = db.session.scalars(sa.select(Stage).filter_by(competition_id=comp.id,
                                                                key="presentation")).one()
        team_id, team_key, stage_id = team.id, team.key, stage.id
    r = client.post(f"/admin/c/{demo}/deductions", data={
        "team": str(team_id), "stage": str(stage_id), "points": "1", "reason": "超时",
        "confirm": "yes"})
    assert "本竞赛已归档，不能再做任何更改。" in r.get_data(as_text=True)
    r = client.post(f"/admin/c/{demo}/paper/presentation/X1/{team_key}",
                    data={"c_substance": "30"})
    assert "本竞赛已归档，不能再做任何更改。" in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Deduction.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(PaperEntry.id))) == 0
