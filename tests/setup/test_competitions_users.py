"""Competitions (create, copy, rename, archive, overview checklist), users and the audit log."""
import html as html_lib
import re

import pytest

from scoring.extensions import db
from scoring.models import AuditEntry, Competition, Judge, User

from .helpers import audit_actions


def text(response):
    return html_lib.unescape(response.get_data(as_text=True))


@pytest.fixture
def admin(app, client, login):
    login("admin")
    client.get("/lang/en")
    return client


def test_create_empty_and_default(app, admin):
    assert admin.post("/admin/competitions/new", data={
        "key": "a-2025", "name": "甲", "start": "default"}).status_code == 302
    assert admin.post("/admin/competitions/new", data={
        "key": "b-2025", "name": "乙", "start": "empty"}).status_code == 302
    response = admin.post("/admin/competitions/new", data={
        "key": "a-2025", "name": "重复", "start": "empty"})
    assert "already exists" in text(response)
    response = admin.post("/admin/competitions/new", data={
        "key": "中文 key", "name": "x", "start": "empty"})
    assert "is not a valid key" in text(response)
    with app.app_context():
        comps = {c.key: len(c.stages) for c in db.session.scalars(db.select(Competition))}
    assert comps == {"a-2025": 3, "b-2025": 0}


def test_copy_from_an_earlier_edition(app, demo, admin):
    with app.app_context():
        source = db.session.scalar(db.select(Competition).filter_by(key=demo))
        old_tokens = {j.key: j.token for j in source.judges}
        sid = source.id
    response = admin.post("/admin/competitions/new", data={
        "key": "next", "name": "下一届", "start": f"copy:{sid}"})
    assert response.status_code == 302
    with app.app_context():
        copy = db.session.scalar(db.select(Competition).filter_by(key="next"))
        source = db.session.get(Competition, sid)
        assert [s.key for s in copy.stages] == [s.key for s in source.stages]
        assert all(s.state == "draft" for s in copy.stages)
        assert [len(s.criteria) for s in copy.stages] == [len(s.criteria) for s in source.stages]
        assert copy.rules == source.rules
        assert {d.name for d in copy.departments} == {d.name for d in source.departments}
        judges = {j.key: j for j in copy.judges}
        assert set(judges) == set(old_tokens)
        assert all(judges[k].token != old_tokens[k] for k in judges)
        assert judges["N1"].department.competition_id == copy.id
        assert copy.teams == [] and copy.draw_seed is None
        assert db.session.scalar(db.select(db.func.count(Judge.id))) == 2 * len(old_tokens)


def test_rename_and_archive(app, demo, admin):
    admin.post(f"/admin/c/{demo}/rename", data={"name": "新名字"})
    admin.post(f"/admin/c/{demo}/archive", data={"reason": "结束"})
    with app.app_context():
        comp = db.session.scalar(db.select(Competition).filter_by(key=demo))
        assert comp.name == "新名字" and comp.archived
    assert audit_actions(app, "competition.")[-2:] == ["competition.rename",
                                                       "competition.archive"]


def test_overview_checklist_names_problems(app, admin):
    admin.post("/admin/competitions/new", data={"key": "c", "name": "竞赛", "start": "default"})
    page = text(admin.get("/admin/c/c/"))
    assert 'Stage "方案设计" has no criteria.' in page
    assert "No team yet." in page and "No judge yet." in page
    from scoring.operations.setup_judges import save_judge
    from scoring.operations.setup_teams import save_team

    with app.app_context():
        comp = db.session.scalar(db.select(Competition).filter_by(key="c"))
        team = save_team(comp, None, key="T1", name="甲队", members=[
            ("a", "组织部"), ("b", "宣传部"), ("c", "人事处")])
        team.members[1].department = team.members[0].department  # repeated department
        team.members.pop()  # and only two members
        save_judge(comp, None, key="N1", name="评委", group="internal")
        comp.stages[0].weight = comp.stages[0].weight * 2
        db.session.commit()
    page = text(admin.get("/admin/c/c/"))
    assert 'Team "甲队" has 2 members, not 3.' in page
    assert 'Team "甲队" has 2 members from 组织部.' in page
    assert "Stage weights sum to 1.3, not 1." in page
    assert 'Internal judge "评委" has no department' in page
    assert "No draw yet." in page


def test_overview_flags_tie_break_on_missing_stage(app, admin):
    admin.post("/admin/competitions/new", data={"key": "e", "name": "空", "start": "empty"})
    page = text(admin.get("/admin/c/e/"))
    assert 'unknown stage "presentation"' in page


def test_users_add_role_deactivate_password(app, admin):
    response = admin.post("/admin/users", data={
        "username": "bob", "name": "Bob", "role": "staff", "password": "short"})
    assert "at least 8 characters" in text(response)
    admin.post("/admin/users", data={"username": "bob", "name": "Bob", "role": "staff",
                                     "password": "long enough"})
    with app.app_context():
        bob = db.session.scalar(db.select(User).filter_by(username="bob"))
        me = db.session.scalar(db.select(User).filter_by(username="admin"))
        bob_id, me_id = bob.id, me.id
    other = app.test_client()
    assert other.post("/admin/login", data={"username": "bob",
                                            "password": "long enough"}).status_code == 302
    admin.post(f"/admin/users/{bob_id}/password", data={"password": "another secret"})
    admin.post(f"/admin/users/{bob_id}/deactivate")
    assert other.get("/admin/").status_code == 302  # their session ended
    assert app.test_client().post("/admin/login", data={
        "username": "bob", "password": "another secret"}).status_code != 302
    # Cannot deactivate oneself, nor demote the last admin.
    response = admin.post(f"/admin/users/{me_id}/deactivate", follow_redirects=True)
    assert "cannot deactivate your own account" in text(response)
    response = admin.post(f"/admin/users/{me_id}/role", data={"role": "staff"},
                          follow_redirects=True)
    assert "is the last admin" in text(response)
    admin.post(f"/admin/users/{bob_id}/activate")
    admin.post(f"/admin/users/{bob_id}/role", data={"role": "admin"})
    admin.post(f"/admin/users/{me_id}/role", data={"role": "staff"})
    with app.app_context():
        assert db.session.get(User, me_id).role == "staff"
        assert db.session.get(User, bob_id).role == "admin"
    assert audit_actions(app, "user.")[-6:] == [
        "user.create", "user.password", "user.deactivate", "user.activate", "user.role",
        "user.role"]


def test_audit_log_filters_and_pages(app, admin):
    for i in range(3):
        admin.post("/admin/competitions/new", data={"key": f"k{i}", "name": f"N{i}",
                                                    "start": "empty"})
    with app.app_context():
        k1 = db.session.scalar(db.select(Competition.id).filter_by(key="k1"))
        for i in range(60):
            db.session.add(AuditEntry(actor="user:admin", competition_id=k1,
                                      action="team.update", summary=f"entry {i}",
                                      before_json='{"name": "old"}',
                                      after_json='{"name": "new"}'))
        db.session.commit()
    page = text(admin.get(f"/admin/audit?competition={k1}"))
    assert "61 entries" in page and "Page 1 of 2" in page
    assert "entry 59" in page and "entry 0" not in page  # newest first
    assert '"name": "old"' in page
    page = text(admin.get(f"/admin/audit?competition={k1}&page=2"))
    assert "entry 0" in page
    page = text(admin.get("/admin/audit?action=competition.create"))
    assert "3 entries" in page
    page = text(admin.get("/admin/audit?actor=nobody"))
    assert "0 entries" in page
    page = text(admin.get("/admin/audit?date_from=2000-01-01&date_to=2000-01-02"))
    assert "0 entries" in page
    page = text(admin.get("/admin/audit?date_from=not-a-date&page=abc"))
    assert re.search(r"\d+ entries", page)
