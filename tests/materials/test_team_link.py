"""The team's private link: its page, upload until the stage's deadline, feedback after
publishing; another team's data never appears (issue 15, DESIGN section 11)."""
import io
import subprocess
from datetime import timedelta

import pytest

from scoring.extensions import db
from scoring.models import Competition, Judge, ScoreSheet, Stage, Team, utcnow
from tests.materials import samples
from tests.materials.util import DEMO, audit_count, materials, team_link


def _stage(app, key="presentation", **values):
    with app.app_context():
        stage = db.session.scalars(db.select(Stage).join(Competition).where(
            Competition.key == DEMO, Stage.key == key)).one()
        for k, v in values.items():
            setattr(stage, k, v)
        db.session.commit()


def _team_upload(client, link, files, stage="presentation"):
    return client.post(f"{link}/upload/{stage}", data={
        "files": [(io.BytesIO(b), n) for n, b in files]},
        content_type="multipart/form-data", follow_redirects=True)


def test_a_team_uploads_through_its_link_until_the_deadline(app, demo):
    client = app.test_client()
    link = team_link(app)
    page = client.get(link).get_data(as_text=True)
    assert "启航队" in page or "T01" in page
    assert 'name="files"' not in page  # no deadline set: no team upload
    before = audit_count(app)
    refused = _team_upload(client, link, [("plan.pdf", samples.pdf(2))]).get_data(as_text=True)
    assert "截止" in refused and materials(app) == [] and audit_count(app) == before

    _stage(app, materials_deadline=utcnow() + timedelta(hours=2))
    assert 'name="files"' in client.get(link).get_data(as_text=True)
    _team_upload(client, link, [("plan.pdf", samples.pdf(3))])
    assert materials(app) == [("T01", "presentation", "plan.pdf", 3, "team")]

    _stage(app, materials_deadline=utcnow() - timedelta(minutes=1))
    _team_upload(client, link, [("late.pdf", samples.pdf(1))])
    assert materials(app) == [("T01", "presentation", "plan.pdf", 3, "team")]


def test_a_closed_stage_takes_no_team_upload_even_before_its_deadline(app, demo):
    _stage(app, materials_deadline=utcnow() + timedelta(hours=2), state="closed")
    _team_upload(app.test_client(), team_link(app), [("plan.pdf", samples.pdf(1))])
    assert materials(app) == []


@pytest.mark.parametrize("link", ["/t/1.wrong", "/t/999999.x", "/t/abc", "/t/1.",
                                  "/t/" + "9" * 40 + ".x"])
def test_a_wrong_link_is_404(app, demo, link):
    client = app.test_client()
    assert client.get(link).status_code == 404
    assert client.post(link + "/upload/presentation").status_code == 404
    assert client.get(link + "/feedback.pdf").status_code == 404


def test_another_teams_link_does_not_open_this_teams_page(app, demo):
    t1, t2 = team_link(app, "T01"), team_link(app, "T02")
    mixed = t1.split(".")[0] + "." + t2.split(".")[1]
    assert app.test_client().get(mixed).status_code == 404


def test_a_new_link_ends_the_old_one(app, client, login, demo):
    login()
    old = team_link(app)
    with app.app_context():
        tid = db.session.scalars(db.select(Team.id).filter_by(key="T01")).one()
    client.post(f"/admin/c/{DEMO}/teams/{tid}/new-link")  # asks first
    assert client.get(old).status_code == 200
    client.post(f"/admin/c/{DEMO}/teams/{tid}/new-link", data={"confirm": "yes"})
    assert client.get(old).status_code == 404
    assert client.get(team_link(app)).status_code == 200


def _pdftext(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data,
                          capture_output=True, check=True).stdout.decode()


def test_feedback_only_after_publishing_and_nothing_of_other_teams(app, demo):
    client = app.test_client()
    link = team_link(app, "T01")
    assert client.get(link + "/feedback.pdf").status_code == 302  # nothing published yet
    with app.app_context():
        comp = db.session.scalars(db.select(Competition).filter_by(key=DEMO)).one()
        for sheet in db.session.scalars(db.select(ScoreSheet).join(Stage).where(
                Stage.key == "plan", Stage.competition_id == comp.id)):
            sheet.comment = f"评语-{sheet.team.key}-{sheet.judge.key}"
        judges = [(j.key, j.name) for j in comp.judges]
        others = [(t.key, t.name) for t in comp.teams if t.key != "T01"]
        db.session.commit()
    _stage(app, "plan", state="published")
    response = client.get(link + "/feedback.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _pdftext(response.data)
    assert "方案设计" in text
    own = [f"评语-T01-{k}" for k, _n in judges]
    assert sum(c in text for c in own) >= 3  # its own comments are there, without names
    for _key, name in judges:
        assert name not in text
    for key, name in others:
        assert name not in text and f"评语-{key}-" not in text
    assert "评语-T01-" in text
    # Only field aggregates: the finals of other teams never appear.
    from scoring.results.standings import results_for

    with app.app_context():
        comp = db.session.scalars(db.select(Competition).filter_by(key=DEMO)).one()
        result = results_for(comp, published_only=True)
    own_stage = result.team("T01").stages["plan"].score
    # Its own stage score, with every place the contest rounds to (as the ranking shows).
    assert format(own_stage, "f") in text and own_stage.as_tuple().exponent == -2
    own_final = str(result.team("T01").final)
    assert "最终得分" not in text  # one stage of three published: no final yet
    for line in result.teams:
        if line.team != "T01" and line.final is not None and str(line.final) != own_final:
            assert f" {line.final}" not in text, line


def test_comment_order_is_shuffled_per_team_and_stable(app, demo):
    from scoring.reports.feedback import shuffled_comments
    from scoring.rules import Sheet

    sheets = tuple(Sheet(judge=f"J{i}", team=t, stage="plan", status="submitted",
                         comment=f"c{i}") for i in range(8) for t in ("A", "B"))
    contest = type("C", (), {"sheets": sheets})()
    a = shuffled_comments(contest, "plan", "A", "secret-a")
    assert sorted(a) == [f"c{i}" for i in range(8)]
    assert a == shuffled_comments(contest, "plan", "A", "secret-a")
    assert a != [f"c{i}" for i in range(8)]  # not in judge order
    assert shuffled_comments(contest, "plan", "B", "secret-b") != a


def test_judge_names_never_reach_the_feedback_even_in_english(app, demo):
    from scoring.reports import build

    _stage(app, "plan", state="published")
    with app.app_context():
        comp = db.session.scalars(db.select(Competition).filter_by(key=DEMO)).one()
        names = [j.name for j in db.session.scalars(db.select(Judge).filter_by(
            competition_id=comp.id))]
        pdf = build("team-feedback", comp, lang="en")
    text = _pdftext(pdf)
    assert "Team feedback" in text and not any(n in text for n in names)


def test_an_upload_without_a_file_says_so(app, demo):
    _stage(app, materials_deadline=utcnow() + timedelta(hours=2))
    client = app.test_client()
    page = client.post(f"{team_link(app)}/upload/presentation", data={},
                       follow_redirects=True).get_data(as_text=True)
    assert "请先选择 PDF 或图片" in page and materials(app) == []


def test_an_archived_competition_takes_no_team_upload_but_shows_the_page(app, client, login,
                                                                          demo):
    _stage(app, materials_deadline=utcnow() + timedelta(hours=2))
    link = team_link(app)
    login()
    assert client.post(f"/admin/c/{DEMO}/archive", data={"reason": "比赛结束"}).status_code \
        in (302, 303)
    team = app.test_client()
    page = team.get(link)
    assert page.status_code == 200 and 'name="files"' not in page.get_data(as_text=True)
    before = audit_count(app)
    answer = _team_upload(team, link, [("plan.pdf", samples.pdf(1))]).get_data(as_text=True)
    assert "本竞赛已归档，不能再做任何更改。" in answer
    assert materials(app) == [] and audit_count(app) == before


def test_invisible_characters_in_an_uploaded_file_name_are_dropped(app, demo):
    _stage(app, materials_deadline=utcnow() + timedelta(hours=2))
    client = app.test_client()
    _team_upload(client, team_link(app), [("\u202egnp.\u200bexe.pdf", samples.pdf(1))])
    assert materials(app) == [("T01", "presentation", "gnp.exe.pdf", 1, "team")]
