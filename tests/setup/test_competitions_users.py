"""Competitions (create, copy, rename, archive, overview checklist), users and the audit log."""
import html as html_lib
import re

import pytest

from scoring.extensions import db
from scoring.models import AuditEntry, Competition, Judge, User

from .helpers import audit_actions, make_competition


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


def test_defaults_follow_the_stages_that_exist(app, admin):
    # A competition made without stages carries no tie-break naming a stage it lacks.
    admin.post("/admin/competitions/new", data={"key": "e", "name": "空", "start": "empty"})
    page = text(admin.get("/admin/c/e/"))
    assert "unknown stage" not in page and "tie_breaks" not in page
    rules_page = text(admin.get("/admin/c/e/rules"))
    assert "stage:presentation" not in rules_page and "raw_mean" in rules_page
    with app.app_context():
        comp = db.session.scalar(db.select(Competition).filter_by(key="e"))
        assert "tie_breaks" not in comp.rules
        # A chain chosen by hand that names a missing stage is named in words.
        comp.rules = dict(comp.rules, tie_breaks=["raw_mean", "stage:final"])
        db.session.commit()
    page = text(admin.get("/admin/c/e/"))
    assert 'Rules, Tie-break 2: unknown stage "final"' in page
    assert "rules.tie_breaks" not in page


def test_checklist_warns_of_panels_too_small_for_the_trim(app, admin):
    """3 judges, trim 1: a team with a recused judge keeps 2 sheets (< 3): named."""
    from scoring.operations.setup_judges import save_judge
    from scoring.operations.setup_teams import save_team

    admin.post("/admin/competitions/new", data={"key": "s", "name": "小", "start": "default"})
    with app.app_context():
        comp = db.session.scalar(db.select(Competition).filter_by(key="s"))
        save_team(comp, None, key="T1", name="甲队", members=[
            ("a", "组织部"), ("b", "宣传部"), ("c", "人事处")])
        save_team(comp, None, key="T2", name="乙队", members=[
            ("d", "教务处"), ("e", "科技处"), ("f", "财务处")])
        for key, dept in (("N1", "组织部"), ("N2", "后勤处"), ("N3", "图书馆")):
            save_judge(comp, None, key=key, name=f"评委{key}", group="internal",
                       department=dept, new_department=True)
        db.session.commit()
    page = text(admin.get("/admin/c/s/"))
    assert "甲队 (2)" in page and "乙队" not in page.split("fewer sheets")[1][:300]
    assert "fewer sheets than the trim needs (3" in page
    # Lower the trim to 0: nothing to warn about.
    with app.app_context():
        comp = db.session.scalar(db.select(Competition).filter_by(key="s"))
        comp.rules = dict(comp.rules, trim=0)
        db.session.commit()
    assert "fewer sheets than the trim needs" not in text(admin.get("/admin/c/s/"))


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


def test_audit_log_reads_as_sentences_with_names(app, admin, demo):
    """Who did what to whom, with names and translated states, not codes or JSON keys."""
    from scoring.models import ScoreSheet, Stage
    from scoring.operations.setup_stages import change_state
    from scoring.operations.sheets import reopen

    with app.app_context():
        stage = db.session.scalar(db.select(Stage).filter_by(key="plan"))
        change_state(stage, "open", "补录")
        sheet = db.session.scalar(db.select(ScoreSheet).filter_by(stage_id=stage.id,
                                                                  status="submitted"))
        judge, team = sheet.judge.name, sheet.team.name
        reopen(sheet, "评委要求修改", actor="user:admin")
        db.session.commit()
    def words(response):
        flat = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text(response)))
        return flat.replace(" :", ":").replace("： ", "：")

    page = words(admin.get("/admin/audit"))
    assert "reopened a stage for scoring: 方案设计" in page
    assert "state: closed → open" in page
    assert f"reopened a score sheet: {judge}'s sheet for {team}, 方案设计" in page
    assert "status: submitted → draft" in page
    assert "评委要求修改" in page
    admin.get("/lang/zh_CN")
    page = words(admin.get("/admin/audit"))
    assert "重新开放了环节评分：方案设计" in page
    assert "状态：已关闭 → 评分中" in page
    assert "用户名：admin" in page and "角色：管理员" in page  # a code only where it is one
    # Codes only in the collapsed technical details.
    visible = page.split("技术细节")[0]
    assert "stage.reopen" not in visible and "user:admin" not in visible


def test_competition_list_says_where_each_stands_and_what_is_next(app, admin, demo):
    def row(page, key):
        flat = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
        return flat.split(key, 1)[1][:400]

    admin.post("/admin/competitions/new", data={"key": "new-1", "name": "新", "start": "default"})
    page = text(admin.get("/admin/"))
    assert "Setting up" in row(page, "new-1") and "setup problems to fix" in row(page, "new-1")
    # The demo scores its presentation stage: the progress and the live page.
    demo_row = row(page, demo)
    assert re.search(r"Scoring: 现场展示 \d+ of \d+ sheets submitted", demo_row)
    assert "Follow the scoring" in demo_row
    with app.app_context():
        comp = db.session.scalar(db.select(Competition).filter_by(key=demo))
        for stage in comp.stages:
            stage.state = "closed"
        db.session.commit()
    demo_row = row(text(admin.get("/admin/")), demo)
    assert "Scored" in demo_row and "sheets missing" in demo_row
    assert "Review and publish the results" in demo_row
    with app.app_context():
        comp = db.session.scalar(db.select(Competition).filter_by(key=demo))
        for stage in comp.stages:
            stage.state = "published"
        db.session.commit()
    assert "Print the ranking" in row(text(admin.get("/admin/")), demo)


def test_checklist_warns_when_the_default_tie_break_loses_its_stage(app, admin):
    """The default chain starts with stage:presentation; a competition whose stages are
    keyed otherwise would silently go straight to the means."""
    from scoring.operations.setup_stages import save_stage

    warning = 'The default tie-break chain starts with the stage "presentation"'
    make_competition(app, "pres", default_stages=False)
    make_competition(app, "dflt")  # the default stages include "presentation"
    with app.app_context():
        comp = db.session.scalar(db.select(Competition).filter_by(key="pres"))
        for key, weight in (("plan", "0.4"), ("pres", "0.6")):
            save_stage(comp, None, key=key, name=key, weight=weight, criteria=[
                {"key": "c", "name": "指标", "max": "100", "step": "0.5"}])
        db.session.commit()
    page = text(admin.get("/admin/c/pres/"))
    assert warning in page and "stage:pres first" in page
    assert warning not in text(admin.get("/admin/c/dflt/"))
    with app.app_context():  # a chain the organizer set is theirs: no warning
        comp = db.session.scalar(db.select(Competition).filter_by(key="pres"))
        comp.rules = dict(comp.rules or {}, tie_breaks=["raw_mean"])
        db.session.commit()
    assert warning not in text(admin.get("/admin/c/pres/"))
