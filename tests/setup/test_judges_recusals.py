"""Judges (links, QR, regeneration) and recusals (grid, manual add, lift, remove)."""
import html as html_lib

import pytest

from scoring.extensions import db
from scoring.models import AuditEntry, Competition, Judge, Recusal, ScoreSheet, Team

from .helpers import audit_actions, make_competition


def text(response):
    return html_lib.unescape(response.get_data(as_text=True))


@pytest.fixture
def key(app, client, login):
    login("admin")
    client.get("/lang/en")
    key = make_competition(app)
    from scoring.operations.setup_teams import save_team

    with app.app_context():
        comp = db.session.scalar(db.select(Competition).filter_by(key=key))
        save_team(comp, None, key="T1", name="甲队", members=[
            ("a", "组织部"), ("b", "宣传部"), ("c", "人事处")])
        save_team(comp, None, key="T2", name="乙队", members=[
            ("d", "教务处"), ("e", "科技处"), ("f", "财务处")])
        db.session.commit()
    return key


def add_judge(client, key, jkey, group="internal", department=""):
    return client.post(f"/admin/c/{key}/judges", data={
        "key": jkey, "name": f"评委{jkey}", "group": group, "department": department})


def ids(app, model, **filters):
    with app.app_context():
        return db.session.scalar(db.select(model.id).filter_by(**filters))


def test_add_edit_delete_judge(app, client, key):
    assert add_judge(client, key, "X1", "external").status_code == 302
    assert add_judge(client, key, "N1", "internal", "组织部").status_code == 302
    response = add_judge(client, key, "N1")
    assert "already exists" in text(response)
    response = add_judge(client, key, "bad key")
    assert "is not a valid key" in text(response)
    jid = ids(app, Judge, key="N1")
    # A department the competition lacks needs the organizer's say-so (a typo would stop
    # the recusal rule silently).
    edit = {"key": "N1", "name": "新名字", "group": "internal", "department": "新部门",
            "note": "x"}
    assert "is not a department of this competition" in text(
        client.post(f"/admin/c/{key}/judges/{jid}/edit", data=edit))
    client.post(f"/admin/c/{key}/judges/{jid}/edit", data={**edit, "new_department": "y"})
    with app.app_context():
        judge = db.session.get(Judge, jid)
        assert judge.name == "新名字" and judge.department.name == "新部门"
    client.post(f"/admin/c/{key}/judges/{ids(app, Judge, key='X1')}/delete")
    assert ids(app, Judge, key="X1") is None
    assert audit_actions(app, "judge.") == ["judge.create", "judge.create", "judge.update",
                                            "judge.delete"]


def test_judge_page_shows_link_and_qr(app, client, key):
    add_judge(client, key, "X1", "external")
    jid = ids(app, Judge, key="X1")
    page = text(client.get(f"/admin/c/{key}/judges/{jid}"))
    with app.app_context():
        token = db.session.get(Judge, jid).token
    assert f"/j/{jid}.{token}" in page
    assert 'src="data:image/svg+xml;base64,' in page


def test_regenerate_ends_old_link_and_sessions(app, client, key):
    add_judge(client, key, "X1", "external")
    jid = ids(app, Judge, key="X1")
    with app.app_context():
        old = db.session.get(Judge, jid).token
    tablet = app.test_client()
    assert tablet.get(f"/j/{jid}.{old}").status_code == 302
    assert tablet.get("/judge/").status_code == 200
    response = client.post(f"/admin/c/{key}/judges/{jid}/regenerate", data={"reason": "卡片丢失"})
    assert response.status_code == 302
    with app.app_context():
        new = db.session.get(Judge, jid).token
        entry = db.session.scalar(db.select(AuditEntry).filter_by(action="judge.regenerate_link"))
        assert entry.reason == "卡片丢失"
    assert new != old
    assert app.test_client().get(f"/j/{jid}.{old}").status_code == 404
    assert tablet.get("/judge/").status_code == 403  # the session from the old link ends
    assert app.test_client().get(f"/j/{jid}.{new}").status_code == 302


def test_archived_competition_refuses_judge_links(app, client, key):
    add_judge(client, key, "X1", "external")
    jid = ids(app, Judge, key="X1")
    with app.app_context():
        token = db.session.get(Judge, jid).token
    client.post(f"/admin/c/{key}/archive")
    assert app.test_client().get(f"/j/{jid}.{token}").status_code == 404
    client.post(f"/admin/c/{key}/unarchive")
    assert app.test_client().get(f"/j/{jid}.{token}").status_code == 302


def test_recusal_grid_marks_automatic_ones(app, client, key):
    add_judge(client, key, "N1", "internal", "宣传部")
    add_judge(client, key, "X1", "external")
    page = client.get(f"/admin/c/{key}/recusals").get_data(as_text=True)
    t1, n1 = ids(app, Team, key="T1"), ids(app, Judge, key="N1")
    # The automatic recusal names the department causing it and links to lifting it.
    assert (f'class="rc rc-auto" title="宣传部" href="/admin/c/{key}/recusals?judge={n1}'
            f'&amp;team={t1}&amp;kind=lift#decide">宣传部<') in page
    assert page.count('class="rc rc-auto" title=') == 1


def test_add_lift_remove_recusals_audited(app, client, key):
    add_judge(client, key, "N1", "internal", "宣传部")
    add_judge(client, key, "X1", "external")
    n1, x1 = ids(app, Judge, key="N1"), ids(app, Judge, key="X1")
    t1, t2 = ids(app, Team, key="T1"), ids(app, Team, key="T2")
    url = f"/admin/c/{key}/recusals"
    # A reason is required.
    response = client.post(url, data={"judge": x1, "team": t2, "kind": "recuse", "reason": ""})
    assert response.status_code == 200 and ids(app, Recusal) is None
    client.post(url, data={"judge": x1, "team": t2, "kind": "recuse", "reason": "曾指导该队"})
    client.post(url, data={"judge": n1, "team": t1, "kind": "lift", "reason": "部门已调整"})
    # Lifting where no automatic recusal applies is refused.
    response = client.post(url, data={"judge": n1, "team": t2, "kind": "lift", "reason": "x"})
    assert "nothing to lift" in text(response)
    with app.app_context():
        decisions = {(r.judge.key, r.team.key): (r.lift, r.reason)
                     for r in db.session.scalars(db.select(Recusal))}
    assert decisions == {("X1", "T2"): (False, "曾指导该队"), ("N1", "T1"): (True, "部门已调整")}
    page = text(client.get(url))
    assert page.count('class="rc rc-lifted" title="部门已调整"') == 1
    assert page.count('class="rc rc-manual" title="曾指导该队"') == 1
    assert page.count('class="rc rc-auto" title=') == 0
    rid = ids(app, Recusal, judge_id=x1)
    client.post(f"/admin/c/{key}/recusals/{rid}/remove")
    assert ids(app, Recusal, judge_id=x1) is None
    assert audit_actions(app, "recusal.") == ["recusal.add", "recusal.lift", "recusal.remove"]


def test_recusal_refused_when_the_judge_already_scored_the_team(app, client, key):
    add_judge(client, key, "X1", "external")
    x1, t1 = ids(app, Judge, key="X1"), ids(app, Team, key="T1")
    with app.app_context():
        comp = db.session.scalar(db.select(Competition).filter_by(key=key))
        db.session.add(ScoreSheet(judge_id=x1, team_id=t1, stage_id=comp.stages[0].id,
                                  status="submitted"))
        db.session.commit()
    response = client.post(f"/admin/c/{key}/recusals", data={
        "judge": x1, "team": t1, "kind": "recuse", "reason": "利益冲突"})
    assert "already has a submitted score sheet" in text(response)
    assert ids(app, Recusal) is None


def test_judge_of_another_competition_is_not_found(app, client, key):
    other = make_competition(app, "other")
    add_judge(client, other, "X9", "external")
    x9 = ids(app, Judge, key="X9")
    assert client.get(f"/admin/c/{key}/judges/{x9}").status_code == 404
    response = client.post(f"/admin/c/{key}/recusals", data={
        "judge": x9, "team": ids(app, Team, key="T1"), "kind": "recuse", "reason": "r"})
    assert response.status_code == 404


def test_the_panel_group_choices_read_as_words(app, client, key):
    page = text(client.get(f"/admin/c/{key}/judges"))
    assert ">External expert<" in page and ">Internal judge<" in page
    client.get("/lang/zh_CN")
    page = text(client.get(f"/admin/c/{key}/judges"))
    assert ">校外专家<" in page and ">校内评委<" in page
