"""The organizer's reason for reopening a sheet reaches the judge: the sheet's JSON (the
API and the stage page's embedded data) carries it until the judge submits again."""
import json
import re

from scoring.extensions import db
from scoring.models import Judge, ScoreSheet, Stage, Team

from .util import GOOD, STAGE, body, judge_client, post_submit, put_draft, recused_pairs

REASON = '打分有误 <script>alert("x")</script> & 请核对'


def _free_team(app, judge):
    recused = recused_pairs(app)
    return next(f"T{i:02d}" for i in range(1, 16) if (judge, f"T{i:02d}") not in recused)


def _reopen(app, judge, team, reason=REASON):
    from scoring.operations.sheets import reopen

    with app.app_context():
        sheet = db.session.scalars(
            db.select(ScoreSheet).join(Judge, Judge.id == ScoreSheet.judge_id)
            .join(Team, Team.id == ScoreSheet.team_id).join(Stage, Stage.id == ScoreSheet.stage_id)
            .where(Judge.key == judge, Team.key == team, Stage.key == STAGE)).one()
        reopen(sheet, reason, actor="user:boss")
        db.session.commit()


def _page_sheet(c, team) -> dict:
    html = c.get("/judge/").get_data(as_text=True)
    block = re.search(r'<script type="application/json" id="judge-config">(.*?)</script>',
                      html, re.S).group(1)
    assert "<script>" not in block  # the reason cannot end the data block
    stage = next(s for s in json.loads(block)["stages"] if s["key"] == STAGE)
    return next(t for t in stage["teams"] if t["key"] == team)["sheet"]


def test_the_reopen_reason_is_in_the_json_and_the_page_until_submitted_again(app, demo):
    team = _free_team(app, "X1")
    c = judge_client(app, "X1")
    assert post_submit(c, team, body(GOOD)).json["sheet"]["reopen_reason"] is None
    _reopen(app, "X1", team)
    api = c.get(f"/judge/api/sheet/{STAGE}/{team}").json["sheet"]
    assert api["status"] == "draft" and api["reopened"] is True
    assert api["reopen_reason"] == REASON
    assert _page_sheet(c, team)["reopen_reason"] == REASON
    # A draft saved meanwhile keeps it; a new submission ends it.
    saved = put_draft(c, team, body(dict(GOOD, timing="8"), base_version=api["version"]))
    assert saved.json["sheet"]["reopen_reason"] == REASON
    assert c.get(f"/judge/api/sheet/{STAGE}/{team}").json["sheet"]["reopen_reason"] == REASON
    done = post_submit(c, team, body(dict(GOOD, timing="8"))).json["sheet"]
    assert done["status"] == "submitted" and done["reopen_reason"] is None
    assert _page_sheet(c, team)["reopen_reason"] is None
    # Reopened a second time: the second reason, not the first.
    _reopen(app, "X1", team, "第二次")
    assert c.get(f"/judge/api/sheet/{STAGE}/{team}").json["sheet"]["reopen_reason"] == "第二次"
    assert _page_sheet(c, team)["reopen_reason"] == "第二次"


def test_a_draft_never_submitted_has_no_reopen_reason(app, demo):
    team = _free_team(app, "X2")
    c = judge_client(app, "X2")
    put_draft(c, team, body({"substance": "30"}))
    r = put_draft(c, team, body({"substance": "31"}, base_version=1))
    assert r.json["sheet"]["version"] == 2 and r.json["sheet"]["reopened"] is False
    assert _page_sheet(c, team)["reopen_reason"] is None
