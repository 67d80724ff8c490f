"""Organizer side: the board state, presenting, reopen, withdrawal, absence, paper entry,
projector."""
import json
import re
from decimal import Decimal

from scoring.extensions import db
from scoring.models import AuditEntry, Criterion, Reveal, Stage, Team

from .util import (
    GOOD,
    body,
    judge_client,
    live_version,
    post_submit,
    put_draft,
    recused_pairs,
    snapshot,
    versions,
)

KEY = "demo-2024"


def _staff_client(app, username, role="staff"):
    from tests.conftest import make_user

    make_user(app, username, "password-" + username, role)
    c = app.test_client()
    r = c.post("/admin/login", data={"username": username, "password": "password-" + username})
    assert r.status_code == 302
    return c


def test_board_state_reflects_a_submission(app, demo):
    admin = _staff_client(app, "boss", "admin")
    first = admin.get(f"/admin/c/{KEY}/live/state?stage=presentation").json
    v = first["version"]
    unchanged = admin.get(f"/admin/c/{KEY}/live/state?stage=presentation&v={v}").json
    assert unchanged == {"changed": False, "version": v, "now": unchanged["now"]}
    assert isinstance(unchanged["now"], int)  # the server's clock, for the operator's timer
    post_submit(judge_client(app, "X1"), "T05", body(GOOD))
    state = admin.get(f"/admin/c/{KEY}/live/state?stage=presentation&v={v}").json
    assert state["changed"] is True and state["version"] > v
    row = next(t for t in state["teams"] if t["team"] == "T05")
    assert row["cells"]["X1"] == {"status": "submitted", "total": "90", "dropped": False,
                                  "flag": False}
    assert "X1" not in row["missing"] and "X2" in row["missing"]
    assert "90" in state["html"]
    # Many judges missing: a count, their names in its tooltip (rows stay one line high).
    with app.app_context():
        from scoring.models import Judge

        names = dict(db.session.execute(db.select(Judge.key, Judge.name)).all())

    def missing_cell(html, team):
        row = html[html.index(f'data-team="{team}"'):]
        return row[:row.index("</tr>")]

    cell = missing_cell(state["html"], "T05")
    assert re.search(r'<span class="badge" title="[^"]*' + re.escape(names["X2"]) +
                     r'[^"]*">\d+ (位评委|judges)</span>', cell)
    # A few missing: each by key and name, for the chief judge to call.
    recused = recused_pairs(app)
    for key in names:
        if key not in ("X1", "X2") and (key, "T05") not in recused:
            assert post_submit(judge_client(app, key), "T05", body(GOOD)).status_code == 200
    state = admin.get(f"/admin/c/{KEY}/live/state?stage=presentation").json
    cell = missing_cell(state["html"], "T05")
    assert re.search(r'<span class="badge" title="[^"]*">X2 ' + re.escape(names["X2"]) +
                     "</span>", cell)


def test_presenting_shows_on_judge_pages(app, demo):
    admin = _staff_client(app, "boss", "admin")
    judge = judge_client(app, "X2")
    v = judge.get("/judge/api/state").json["version"]
    admin.post(f"/admin/c/{KEY}/live/presenting", data={"stage": "presentation", "team": "T07"})
    state = judge.get(f"/judge/api/state?v={v}").json
    assert state["changed"] and state["stages"][0]["current"] == "T07"
    assert 'data-team="T07" data-status' in judge.get("/judge/").get_data(as_text=True)
    assert "is-current" in judge.get("/judge/").get_data(as_text=True)


def test_reopen_keeps_history_and_lets_the_judge_correct(app, demo):
    admin = _staff_client(app, "boss", "admin")
    judge = judge_client(app, "X1")
    wrong = dict(GOOD, teamwork="8")
    sheet_id = post_submit(judge, "T01", body(wrong)).json["sheet"]["id"]
    r = admin.post(f"/admin/c/{KEY}/sheets/{sheet_id}/reopen", data={"reason": ""})
    assert r.status_code == 200 and snapshot(app)[("X1", "T01", "presentation")][0] == "submitted"
    r = admin.post(f"/admin/c/{KEY}/sheets/{sheet_id}/reopen", data={"reason": "typed 8, meant 18"})
    assert r.status_code == 302
    assert snapshot(app)[("X1", "T01", "presentation")][:2] == ("draft", 2)
    # The judge saves the correction as a draft first, then submits it.
    assert put_draft(judge, "T01", body(GOOD, base_version=2)).status_code == 200
    r = post_submit(judge, "T01", body(GOOD))
    assert r.status_code == 200 and r.json["sheet"]["version"] == 4
    kept = versions(app, "X1", "T01")
    assert [(v, s) for v, s, _ in kept] == [(1, "submitted"), (2, "draft"), (3, "draft"),
                                            (4, "submitted")]
    assert kept[0][2]["teamwork"] == "8" and kept[3][2]["teamwork"] == "18"
    with app.app_context():
        audit = db.session.scalars(db.select(AuditEntry).filter_by(action="sheet.reopen")).one()
        assert audit.reason == "typed 8, meant 18" and '"8"' in audit.before_json
        resubmit = db.session.scalars(db.select(AuditEntry).filter_by(
            action="sheet.submit", object_id=sheet_id).order_by(AuditEntry.id.desc())).first()
        # The correction as the chief judge looks for it: what was submitted before.
        assert json.loads(resubmit.before_json)["teamwork"] == "8"
        assert json.loads(resubmit.after_json)["teamwork"] == "18"
        name = db.session.scalar(db.select(Criterion.name).join(Stage).where(
            Stage.key == "presentation", Criterion.key == "teamwork"))
    # The audit log names the criterion (团队配合), not its key.
    log = admin.get("/admin/audit").get_data(as_text=True)
    assert name in log and ">teamwork<" not in log
    # Staff cannot reopen; only admins.
    staff = _staff_client(app, "helper")
    assert staff.post(f"/admin/c/{KEY}/sheets/{sheet_id}/reopen",
                      data={"reason": "x"}).status_code == 403


def test_withdrawal_and_absence(app, demo):
    admin = _staff_client(app, "boss", "admin")
    admin.get("/lang/en")
    # No reason: refused at once, before any confirmation page (not after "confirm").
    for url, data in ((f"/admin/c/{KEY}/live/withdraw?stage=presentation",
                       {"w-team": "T09", "w-action": "withdraw", "w-reason": "  "}),
                      (f"/admin/c/{KEY}/live/absence?stage=presentation",
                       {"a-judge": "X3", "a-action": "absent", "a-reason": ""})):
        r = admin.post(url, data=data)
        assert r.status_code == 302, url
        board = admin.get(r.headers["Location"]).get_data(as_text=True)
        assert "Give a reason." in board and "Yes" not in board
    with app.app_context():
        assert db.session.scalars(db.select(Team).filter_by(key="T09")).one().withdrawn is False
    withdraw = {"w-team": "T09", "w-action": "withdraw", "w-reason": "did not show up"}
    # First what it does, nothing changed; then with the explicit confirmation.
    admin.get("/lang/en")
    page = admin.post(f"/admin/c/{KEY}/live/withdraw?stage=presentation", data=withdraw)
    assert "gets no rank and no award" in page.get_data(as_text=True)
    assert re.search(r"Sheets already submitted for this team: \d+ \(kept, not counted\)",
                     page.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalars(db.select(Team).filter_by(key="T09")).one().withdrawn is False
    admin.post(f"/admin/c/{KEY}/live/withdraw?stage=presentation",
               data={**withdraw, "confirm": "yes"})
    with app.app_context():
        team = db.session.scalars(db.select(Team).filter_by(key="T09")).one()
        assert team.withdrawn and team.withdrawn_reason == "did not show up"
    r = put_draft(judge_client(app, "X1"), "T09", body({"substance": "1"}, base_version=0))
    assert r.status_code == 409
    absent = {"a-judge": "X3", "a-action": "absent", "a-reason": "left at noon"}
    page = admin.post(f"/admin/c/{KEY}/live/absence?stage=presentation", data=absent)
    assert "are no longer expected" in page.get_data(as_text=True)
    admin.post(f"/admin/c/{KEY}/live/absence?stage=presentation",
               data={**absent, "confirm": "yes"})
    state = admin.get(f"/admin/c/{KEY}/live/state?stage=presentation").json
    assert all(t["cells"]["X3"]["status"] in ("absent", "recused") for t in state["teams"])
    assert all("X3" not in t["missing"] for t in state["teams"])
    x3 = judge_client(app, "X3")
    assert put_draft(x3, "T01", body({"substance": "1"}, base_version=0)).status_code == 409
    # The tablet says why every team reads "absent", and whom to ask.
    x3.get("/lang/en")
    assert "You are marked absent for this stage" in x3.get("/judge/").get_data(as_text=True)
    admin.post(f"/admin/c/{KEY}/live/absence?stage=presentation",
               data={"a-judge": "X3", "a-action": "present", "a-reason": "back",
                     "confirm": "yes"})
    assert put_draft(judge_client(app, "X3"), "T01",
                     body({"substance": "1"}, base_version=0)).status_code == 200


def test_paper_entry_starts_at_the_stage_being_scored(app, demo):
    staff = _staff_client(app, "typist")
    with app.app_context():
        states = dict(db.session.execute(db.select(Stage.key, Stage.state).join(
            Stage.competition).where(Stage.competition.has(key=KEY))).all())
    assert states["plan"] == "closed" and states["presentation"] == "open"  # plan comes first
    page = staff.get(f"/admin/c/{KEY}/paper").get_data(as_text=True)
    assert re.search(r'<option selected value="presentation">|'
                     r'<option value="presentation" selected>', page), page[:2000]


def _paper(c, judge, team, values, stage="presentation"):
    data = {"c_" + k: v for k, v in values.items()}
    return c.post(f"/admin/c/{KEY}/paper/{stage}/{judge}/{team}", data=data)


def test_paper_double_entry_agree(app, demo):
    s1, s2 = _staff_client(app, "s1"), _staff_client(app, "s2")
    assert _paper(s1, "X2", "T04", GOOD).status_code == 302
    assert ("X2", "T04", "presentation") not in snapshot(app)
    # The same person twice is refused; the second form never shows the first values.
    page = s1.get(f"/admin/c/{KEY}/paper/presentation/X2/T04").get_data(as_text=True)
    assert "35.5" not in page
    _paper(s1, "X2", "T04", GOOD)
    assert ("X2", "T04", "presentation") not in snapshot(app)
    page = s2.get(f"/admin/c/{KEY}/paper/presentation/X2/T04").get_data(as_text=True)
    assert "35.5" not in page and 'name="c_substance"' in page
    _paper(s2, "X2", "T04", GOOD)
    assert snapshot(app)[("X2", "T04", "presentation")] == ("submitted", 1, GOOD)
    with app.app_context():
        from scoring.models import ScoreSheet
        assert db.session.scalars(db.select(ScoreSheet.source).where(
            ScoreSheet.status == "submitted", ScoreSheet.source == "paper")).all() == ["paper"]
    # Once agreed, further entries are refused.
    s3 = _staff_client(app, "s3")
    _paper(s3, "X2", "T04", dict(GOOD, timing="1"))
    assert snapshot(app)[("X2", "T04", "presentation")] == ("submitted", 1, GOOD)


def test_paper_double_entry_disagree_then_resolve(app, demo):
    s1, s2 = _staff_client(app, "s1"), _staff_client(app, "s2")
    _paper(s1, "X2", "T06", GOOD)
    _paper(s2, "X2", "T06", dict(GOOD, delivery="21"))
    assert ("X2", "T06", "presentation") not in snapshot(app)
    for c in (s1, s2):
        page = c.get(f"/admin/c/{KEY}/paper/presentation/X2/T06").get_data(as_text=True)
        assert "语言表达" in page and "21" in page and "27" in page
    outsider = _staff_client(app, "s9")
    page = outsider.get(f"/admin/c/{KEY}/paper/presentation/X2/T06").get_data(as_text=True)
    assert "录入结果不一致" not in page and 'value="21"' not in page
    # s2 corrects the entry after looking at the paper: now they agree.
    _paper(s2, "X2", "T06", GOOD)
    assert snapshot(app)[("X2", "T06", "presentation")] == ("submitted", 1, GOOD)


def test_paper_refused_for_recused_or_tablet_submitted(app, demo):
    recused = recused_pairs(app)
    judge, team = next(iter(sorted(recused)))
    s1 = _staff_client(app, "s1")
    _paper(s1, judge, team, GOOD)
    assert (judge, team, "presentation") not in snapshot(app)
    post_submit(judge_client(app, "X1"), "T02", body(GOOD))
    page = s1.get(f"/admin/c/{KEY}/paper/presentation/X1/T02").get_data(as_text=True)
    assert 'name="c_substance"' not in page
    _paper(s1, "X1", "T02", dict(GOOD, timing="1"))
    assert snapshot(app)[("X1", "T02", "presentation")][2] == GOOD
    # Bad values change nothing and are named.
    r = _paper(s1, "X3", "T02", dict(GOOD, substance="41"))
    assert r.status_code == 200 and "41" in r.get_data(as_text=True)
    assert ("X3", "T02", "presentation") not in snapshot(app)


def _submit_all(app, team, stage="presentation"):
    recused = recused_pairs(app)
    totals = {}
    for i, j in enumerate(["X1", "X2", "X3", "N1", "N2", "N3", "N4", "N5", "N6"]):
        if (j, team) in recused:
            continue
        scores = dict(GOOD, substance=str(20 + 2 * i))
        assert post_submit(judge_client(app, j), team, body(scores)).status_code == 200
        totals[j] = Decimal(scores["substance"]) + Decimal("54.5")
    return totals


def _order(app):
    with app.app_context():
        return [t.key for t in sorted(db.session.scalars(db.select(Team)).all(),
                                      key=lambda t: t.draw_position)]


def test_projector_reveals_with_dropped_struck_through(app, demo):
    admin = _staff_client(app, "boss", "admin")
    with app.app_context():
        from scoring.models import Competition
        comp = db.session.scalars(db.select(Competition).filter_by(key=KEY)).one()
        comp.rules = dict(comp.rules, calibration_reveal=0)
        db.session.commit()
    team = _order(app)[0]
    totals = _submit_all(app, team)
    public = app.test_client()
    page = public.get(f"/projector/{KEY}").get_data(as_text=True)
    assert 'class="pj-card' not in page
    admin.post(f"/admin/c/{KEY}/live/reveal", data={"stage": "presentation", "team": team})
    page = public.get(f"/projector/{KEY}").get_data(as_text=True)
    assert f'data-team="{team}"' in page
    dropped = page.count('<li class="dropped seat-counted"')
    assert dropped == 2
    hi = max(totals.values())
    assert re.search(r'<li class="dropped seat-counted" data-seat="[A-Z]"><span class="pj-judge">',
                     page)
    assert str(hi.normalize()) in page
    for name in ("外请专家甲", "校内评委一"):
        assert name not in page  # judges by number, never by name
    assert "评委 A" in page or "评委A" in page
    # The stage score reads as on the printed ranking: exactly `decimals` places.
    with app.app_context():
        from scoring.models import Competition
        from scoring.results.standings import results_for

        comp = db.session.scalars(db.select(Competition).filter_by(key=KEY)).one()
        score = results_for(comp).team(team).stages["presentation"].score
    assert score.as_tuple().exponent == -2

    shown = re.search(r'class="pj-score"><span>[^<]*</span><strong>([^<]*)</strong>', page)
    assert shown and shown.group(1) == str(score)  # e.g. "81.50", never "81.5"


def test_calibration_reveal_holds_the_first_teams(app, demo):
    admin = _staff_client(app, "boss", "admin")
    order = _order(app)
    public = app.test_client()
    for team in order[:2]:
        _submit_all(app, team)
        admin.post(f"/admin/c/{KEY}/live/reveal", data={"stage": "presentation", "team": team})
    v = live_version(app)
    state = public.get(f"/projector/{KEY}/state?v={v - 1}").json
    assert state["changed"] and 'class="pj-card' not in state["html"]
    same = public.get(f"/projector/{KEY}/state?v={v}").json
    assert same == {"changed": False, "version": v, "now": same["now"]}
    _submit_all(app, order[2])
    admin.post(f"/admin/c/{KEY}/live/reveal", data={"stage": "presentation", "team": order[2]})
    html = public.get(f"/projector/{KEY}").get_data(as_text=True)
    for team in order[:3]:
        assert f'data-team="{team}"' in html
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Reveal.id))) == 3
        assert db.session.scalars(db.select(Stage).filter_by(key="presentation")).one()
