"""Authorization route by route: judges see only their own open, non-recused sheets."""
from scoring.extensions import db
from scoring.models import Judge, Stage

from .util import (
    GOOD,
    body,
    judge_client,
    judge_link,
    post_submit,
    put_draft,
    recused_pairs,
    snapshot,
)


def test_judge_sees_only_own_sheets_and_nothing_else(app, demo):
    recused = recused_pairs(app)
    n1_recused = next(t for (j, t) in recused if j == "N1")
    free = next(f"T{i:02d}" for i in range(1, 16) if ("N1", f"T{i:02d}") not in recused)
    x1 = judge_client(app, "X1")
    n1 = judge_client(app, "N1")
    post_submit(x1, free, body(GOOD))
    # N1's API works on N1's own sheet only: X1's sheet for the same team is untouched.
    r = n1.get(f"/judge/api/sheet/presentation/{free}")
    assert r.status_code == 200 and r.json["sheet"] is None
    before = snapshot(app)
    # Recused team: no page, no API read, no write.
    assert n1.get(f"/judge/s/presentation/{n1_recused}").status_code == 403
    assert n1.get(f"/judge/api/sheet/presentation/{n1_recused}").status_code == 403
    r = put_draft(n1, n1_recused, body({"substance": "1"}, base_version=0))
    assert r.status_code == 403 and r.json["error"]
    # A stage that is not open (plan is closed, reflection is a draft).
    for stage in ("plan", "reflection"):
        assert n1.get(f"/judge/s/{stage}/{free}").status_code == 403
        r = put_draft(n1, free, body({"depth": "1"}, base_version=0), stage=stage)
        assert r.status_code == 403
    # Unknown stage or team.
    assert put_draft(n1, "T99", body({}, base_version=0)).status_code == 404
    # Organizer pages are not for judges.
    for url in ("/admin/", "/admin/c/demo-2024/live", "/admin/c/demo-2024/live/state",
                "/admin/c/demo-2024/paper"):
        assert n1.get(url).status_code in (302, 401, 403)
    assert n1.post("/admin/c/demo-2024/live/presenting",
                   data={"stage": "presentation", "team": free}).status_code in (302, 401, 403)
    assert snapshot(app) == before


def test_anonymous_cannot_use_the_api(app, demo):
    c = app.test_client()
    assert c.get("/judge/").status_code == 403
    assert c.get("/judge/s/presentation/T01").status_code == 403
    r = put_draft(c, "T01", body({"substance": "1"}, base_version=0))
    assert r.status_code == 403 and r.json["ok"] is False
    assert post_submit(c, "T01", body(GOOD)).status_code == 403
    assert c.get("/judge/api/state").status_code == 403
    assert snapshot(app).get(("X1", "T01", "presentation")) is None


def test_regenerated_link_ends_the_old_session(app, demo):
    from scoring.operations.tokens import regenerate_token

    old_link = judge_link(app, "X2")
    c = judge_client(app, "X2")
    assert c.get("/judge/").status_code == 200
    with app.app_context():
        judge = db.session.scalars(db.select(Judge).filter_by(key="X2")).one()
        regenerate_token(judge, "lost card")
        db.session.commit()
    assert c.get("/judge/").status_code == 403
    assert put_draft(c, "T01", body({"substance": "1"}, base_version=0)).status_code == 403
    assert app.test_client().get(old_link).status_code == 404
    fresh = judge_client(app, "X2")
    assert fresh.get("/judge/").status_code == 200


def test_closed_stage_refuses_even_a_retry_of_new_writes(app, demo):
    c = judge_client(app, "X3")
    assert put_draft(c, "T01", body({"substance": "1"}, base_version=0)).status_code == 200
    with app.app_context():
        stage = db.session.scalars(db.select(Stage).filter_by(key="presentation")).one()
        stage.state = "closed"
        db.session.commit()
    before = snapshot(app)
    assert post_submit(c, "T01", body(GOOD)).status_code == 403
    assert snapshot(app) == before


def test_home_lists_teams_in_draw_order_with_status(app, demo):
    c = judge_client(app, "N1")
    recused = recused_pairs(app)
    free = [f"T{i:02d}" for i in range(1, 16) if ("N1", f"T{i:02d}") not in recused]
    put_draft(c, free[0], body({"substance": "5"}, base_version=0))
    post_submit(c, free[1], body(GOOD))
    html = c.get("/judge/").get_data(as_text=True)
    assert f'data-team="{free[0]}" data-status="draft"' in html
    assert f'data-team="{free[1]}" data-status="submitted"' in html
    state = c.get("/judge/api/state").json
    pairs = state["stages"][0]["teams"]
    teams = dict(pairs)
    assert teams[free[0]] == "draft" and teams[free[1]] == "submitted"
    assert all(teams[t] == "recused" for (j, t) in recused if j == "N1")
    assert [k for k, _ in pairs] == sorted(teams, key=lambda k: _draw(app, k))
    assert c.get(f"/judge/api/state?v={state['version']}").json == {
        "changed": False, "version": state["version"]}


def _draw(app, key):
    from scoring.models import Team

    with app.app_context():
        return db.session.scalars(db.select(Team.draw_position).filter_by(key=key)).one()
