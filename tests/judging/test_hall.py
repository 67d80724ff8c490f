"""The hall (issue 14): the projector keeps what it showed, fixed judge seats, the
presentation clock in server time, overtime per presentation, the award ceremony, and
public results with a share link. Browser checks are in test_hall_browser.py."""
import re

import pytest

from scoring.extensions import db
from scoring.models import (
    Ceremony,
    Presentation,
    Stage,
    StageTimer,
    Team,
)

from .hall_util import (
    KEY,
    PANEL,
    draw_order,
    hall_admin,
    projector_cards,
    projector_page,
    rewind_clock,
    submit_team,
)
from .util import GOOD, body, judge_client, post_submit, recused_pairs


def test_the_team_presenting_shows_its_score_once_revealed(app, demo):
    """The order list: a team still marked presenting shows its revealed score, not the
    words 'presenting now' beside teams that already show theirs."""
    admin = hall_admin(app)
    order = draw_order(app)
    for team in order[:3]:
        submit_team(app, team)
    admin.post(f"/admin/c/{KEY}/live/presenting", data={"stage": "presentation",
                                                        "team": order[2]})
    for team in order[:3]:
        admin.post(f"/admin/c/{KEY}/live/reveal", data={"stage": "presentation", "team": team})
    html = projector_page(app)
    row = re.search(r'<li class="pj-now[^"]*" data-team="' + re.escape(order[2]) +
                    r'">(.*?)</li>', html, re.S)
    assert row, html[:3000]
    score = re.search(r'<span class="pj-s">([^<]*)', row.group(1)).group(1).strip()
    assert re.fullmatch(r"\d+(\.\d+)?", score), score


# ---- the projector keeps what it showed --------------------------------------------------

def test_a_reopen_never_blanks_the_calibration_reveal_and_a_correction_is_marked(app, demo):
    admin = hall_admin(app)
    order = draw_order(app)
    ids = {team: submit_team(app, team) for team in order[:3]}
    for team in order[:3]:
        admin.post(f"/admin/c/{KEY}/live/reveal", data={"stage": "presentation", "team": team})
    shown = projector_cards(projector_page(app))
    assert set(shown) == set(order[:3])  # the calibration group, together
    assert "已更正" not in projector_page(app) and "Corrected" not in projector_page(app)

    # The organizer reopens one sheet of the second team: nothing leaves the screen.
    judges = list(ids[order[1]])
    judge = judges[len(judges) // 2]  # a middle sheet: not dropped, so the score moves
    r = admin.post(f"/admin/c/{KEY}/sheets/{ids[order[1]][judge]}/reopen",
                   data={"reason": "typed 35.5, meant 15.5"})
    assert r.status_code == 302
    html = projector_page(app)
    assert projector_cards(html) == shown
    assert 'data-corrected="true"' not in html
    board = admin.get(f"/admin/c/{KEY}/live/state?stage=presentation").json
    assert board["teams"][1]["cells"][judge]["status"] == "draft"  # the operator sees the truth

    # The judge submits the correction: the new score shows, marked as corrected.
    scores = dict(GOOD, substance=str(20 + 2 * PANEL.index(judge) + 1))
    assert post_submit(judge_client(app, judge), order[1], body(scores)).status_code == 200
    html = projector_page(app)
    after = projector_cards(html)
    assert set(after) == set(order[:3])
    assert after[order[0]] == shown[order[0]] and after[order[2]] == shown[order[2]]
    card = re.search(rf'data-team="{order[1]}"( data-corrected="true")?>', html)
    assert card and card.group(1)
    if after[order[1]] == shown[order[1]]:
        pytest.fail("the corrected sheet did not change the score; pick another value")
    # The order list marks it too, and only it.
    assert html.count('class="pj-corrected-mark"') == 1


def test_a_correction_that_changes_nothing_is_not_marked(app, demo):
    admin = hall_admin(app)
    with app.app_context():
        from scoring.models import Competition
        comp = db.session.scalars(db.select(Competition).filter_by(key=KEY)).one()
        comp.rules = dict(comp.rules, calibration_reveal=0)
        db.session.commit()
    team = draw_order(app)[0]
    ids = submit_team(app, team)
    admin.post(f"/admin/c/{KEY}/live/reveal", data={"stage": "presentation", "team": team})
    before = projector_cards(projector_page(app))
    admin.post(f"/admin/c/{KEY}/sheets/{ids['X1']}/reopen", data={"reason": "check"})
    post_submit(judge_client(app, "X1"), team, body(dict(GOOD, substance="20")))
    html = projector_page(app)
    assert projector_cards(html) == before and 'data-corrected' not in html


def test_judges_keep_fixed_seats_and_a_recusal_reads_as_such(app, demo):
    admin = hall_admin(app)
    with app.app_context():
        from scoring.models import Competition
        comp = db.session.scalars(db.select(Competition).filter_by(key=KEY)).one()
        comp.rules = dict(comp.rules, calibration_reveal=0)
        db.session.commit()
    recused = recused_pairs(app)
    team = next(t for t in draw_order(app) if any(p[1] == t for p in recused))
    submit_team(app, team)
    admin.post(f"/admin/c/{KEY}/live/reveal", data={"stage": "presentation", "team": team})
    html = projector_page(app)
    seats = re.findall(r'<li class="[^"]*seat-(\w+)[^"]*" data-seat="([A-Z]+)">', html)
    assert [s for _status, s in seats] == list("ABCDEFGHI")  # every seat, none skipped
    statuses = dict((s, status) for status, s in seats)
    n_recused = sum(1 for p in recused if p[1] == team)
    assert list(statuses.values()).count("recused") == n_recused >= 1
    assert "回避" in html or "Recused" in html
    for name in ("外请专家甲", "校内评委一"):
        assert name not in html  # seats, never names


# ---- the presentation clock ----------------------------------------------------------------

def _timer(app, stage="presentation"):
    with app.app_context():
        row = db.session.scalars(db.select(StageTimer).join(Stage).where(
            Stage.key == stage)).first()
        return None if row is None else (row.phase, row.running, row.team_id, row.elapsed_ms)


def test_next_team_marks_it_presenting_and_starts_the_clock(app, demo):
    admin = hall_admin(app, "helper", "staff")  # staff drive the clock
    order = draw_order(app)
    r = admin.post(f"/admin/c/{KEY}/live/timer", data={"stage": "presentation",
                                                       "action": "next"})
    assert r.status_code == 302
    with app.app_context():
        stage = db.session.scalars(db.select(Stage).filter_by(key="presentation")).one()
        assert stage.current_team.key == order[0]
    assert _timer(app)[:2] == ("talk", True)
    html = projector_page(app)
    assert 'id="pj-clock"' in html and 'data-running="true"' in html
    assert re.search(r'data-remaining-ms="(4[5-8]\d{4})"', html)  # about 8:00 left
    assert "Space" not in html and "空格" not in html  # no operator hint for the hall
    admin.post(f"/admin/c/{KEY}/live/timer", data={"stage": "presentation", "action": "next"})
    with app.app_context():
        stage = db.session.scalars(db.select(Stage).filter_by(key="presentation")).one()
        assert stage.current_team.key == order[1]


def test_pause_resume_reset_and_the_state_survives_another_process(make_app, demo, app):
    # A second app on the same database file is a second server process's view of it.
    other = make_app("sqlite", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"]) \
        if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") else app
    admin = hall_admin(app)
    admin.post(f"/admin/c/{KEY}/live/timer", data={"stage": "presentation", "action": "next"})
    rewind_clock(app, 100)
    admin.post(f"/admin/c/{KEY}/live/timer", data={"stage": "presentation", "action": "pause"})
    phase, running, _team, elapsed = _timer(app)
    assert (phase, running) == ("talk", False) and 100_000 <= elapsed < 103_000
    html = projector_page(other)
    left = int(re.search(r'data-remaining-ms="(-?\d+)"', html).group(1))
    assert 480_000 - elapsed == left and 'data-running="false"' in html
    assert "已暂停" in html or "Paused" in html
    admin.post(f"/admin/c/{KEY}/live/timer", data={"stage": "presentation", "action": "resume"})
    assert _timer(other)[1] is True
    admin.post(f"/admin/c/{KEY}/live/timer", data={"stage": "presentation", "action": "reset"})
    assert _timer(app)[1:] [0] is False and _timer(app)[3] == 0
    # The poll carries the server's time, for the browsers' offset.
    state = other.test_client().get(f"/projector/{KEY}/state?v=0").json
    assert isinstance(state["now"], int) and state["changed"]


def test_overtime_is_recorded_per_presentation_and_shown_to_the_operator(app, demo):
    admin = hall_admin(app)
    order = draw_order(app)
    admin.post(f"/admin/c/{KEY}/live/timer", data={"stage": "presentation", "action": "next"})
    rewind_clock(app, 8 * 60 + 75)  # 1:15 over the talk
    html = projector_page(app)
    left = int(re.search(r'data-remaining-ms="(-?\d+)"', html).group(1))
    # The projector counts over time (the slack is the time the request itself took on a
    # loaded machine).
    assert -95_000 < left <= -75_000
    admin.post(f"/admin/c/{KEY}/live/timer", data={"stage": "presentation",
                                                   "action": "questions"})
    rewind_clock(app, 30)  # questions on time
    admin.post(f"/admin/c/{KEY}/live/timer", data={"stage": "presentation", "action": "next"})
    with app.app_context():
        first = db.session.scalars(db.select(Presentation).join(Team).where(
            Team.key == order[0])).one()
        assert 75 <= first.talk_overtime_seconds <= 95
        assert first.questions_overtime_seconds == 0
    board = admin.get(f"/admin/c/{KEY}/live?stage=presentation").get_data(as_text=True)
    row = re.search(rf'data-team="{order[0]}".*?data-overtime="(\d+)"', board, re.S)
    assert row and int(row.group(1)) == first.talk_overtime_seconds
    assert f"+{first.talk_overtime_seconds // 60}:{first.talk_overtime_seconds % 60:02d}" in board


def test_timer_lengths_per_stage(app, demo):
    admin = hall_admin(app)
    r = admin.post(f"/admin/c/{KEY}/live/timer/lengths", data={
        "stage": "presentation", "talk": "7.5", "questions": "2", "warning": "0.5"})
    assert r.status_code == 302
    with app.app_context():
        row = db.session.scalars(db.select(StageTimer)).one()
        assert (row.talk_seconds, row.questions_seconds, row.warning_seconds) == (450, 120, 30)


@pytest.mark.parametrize("form", [
    {"talk": "abc", "questions": "2", "warning": "1"},
    {"talk": "-8", "questions": "2", "warning": "1"},
    {"talk": "1e9", "questions": "2", "warning": "1"},
    {"talk": "NaN", "questions": "2", "warning": "1"},
    {"talk": "8", "questions": "Infinity", "warning": "1"},
    {"talk": "8.001", "questions": "2", "warning": "1"},
    {"talk": "8", "questions": "2"},
])
def test_bad_timer_lengths_are_refused_and_change_nothing(app, demo, form):
    admin = hall_admin(app)
    r = admin.post(f"/admin/c/{KEY}/live/timer/lengths", data=dict(form, stage="presentation"),
                   follow_redirects=True)
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert "分钟" in page or "minutes" in page  # the message names what to give
    with app.app_context():
        assert db.session.scalars(db.select(StageTimer)).first() is None


@pytest.mark.parametrize(("path", "data", "status"), [
    ("timer", {"stage": "presentation", "action": "explode"}, 302),
    ("timer", {"stage": "nope", "action": "next"}, 404),
    ("timer", {"stage": "presentation", "action": "next", "team": "NOPE"}, 404),
    ("timer", {"stage": "presentation", "action": "pause"}, 302),
    ("timer", {"stage": "presentation", "action": "questions"}, 302),
    ("timer", {"stage": "presentation", "action": "resume"}, 302),
    ("ceremony", {"action": "start"}, 302),
    ("ceremony", {"action": "next"}, 302),
    ("ceremony", {"action": "<script>"}, 302),
    ("timer/lengths", {"stage": "", "talk": "8"}, 404),
])
def test_hostile_hall_requests_get_a_clear_answer_and_change_nothing(app, demo, path, data,
                                                                      status):
    admin = hall_admin(app)
    r = admin.post(f"/admin/c/{KEY}/live/{path}", data=data)
    assert r.status_code == status
    if status == 302:
        page = admin.get(r.headers["Location"]).get_data(as_text=True)
        assert 'class="flash flash-error"' in page
    with app.app_context():
        assert db.session.scalars(db.select(Ceremony)).first() is None
        timer = db.session.scalars(db.select(StageTimer)).first()
        assert timer is None or timer.phase == "idle"


def test_a_withdrawn_team_is_skipped_by_next_team(app, demo):
    admin = hall_admin(app)
    order = draw_order(app)
    with app.app_context():
        team = db.session.scalars(db.select(Team).filter_by(key=order[0])).one()
        team.withdrawn, team.withdrawn_reason = True, "absent"
        db.session.commit()
    admin.post(f"/admin/c/{KEY}/live/timer", data={"stage": "presentation", "action": "next"})
    with app.app_context():
        assert db.session.scalars(db.select(Stage).filter_by(
            key="presentation")).one().current_team.key == order[1]
