"""Helpers for the hall tests: score a whole stage, publish, move the clock back, log an
organizer in, a panel's submissions, the projector's cards."""
import re
from datetime import timedelta
from decimal import Decimal

from scoring.extensions import db
from scoring.models import (
    Competition,
    Score,
    ScoreSheet,
    Stage,
    StageTimer,
    Team,
    utcnow,
)

from .util import GOOD, body, judge_client, post_submit, recused_pairs

KEY = "demo-2024"


def score_stage(app, stage_key, teams=None, comp=KEY) -> None:
    """Submitted sheets of every non-recused judge for the teams (all when None) of a stage;
    team i in draw order gets values that rank it i-th from the top."""
    from scoring.operations.sheet_access import recusal_map

    with app.app_context():
        c = db.session.scalars(db.select(Competition).filter_by(key=comp)).one()
        stage = db.session.scalars(db.select(Stage).filter_by(competition_id=c.id,
                                                              key=stage_key)).one()
        recused = recusal_map(c)
        order = sorted(c.teams, key=lambda t: t.draw_position)
        for i, team in enumerate(order):
            if teams is not None and team.key not in teams:
                continue
            for n, judge in enumerate(sorted(c.judges, key=lambda j: j.key)):
                if recused[(judge.id, team.id)].recused:
                    continue
                sheet = ScoreSheet(judge_id=judge.id, team_id=team.id, stage_id=stage.id,
                                   status="submitted", version=1, submitted_at=utcnow())
                for crit in stage.criteria:
                    value = crit.max - Decimal(i) * Decimal("0.5") - Decimal(n % 3) * Decimal(
                        "0.5")
                    sheet.scores.append(Score(criterion_id=crit.id, value=max(value, 0)))
                db.session.add(sheet)
        db.session.commit()


def publish_all(app, comp=KEY) -> None:
    """Every stage published (as the publish page leaves them)."""
    with app.app_context():
        c = db.session.scalars(db.select(Competition).filter_by(key=comp)).one()
        for stage in c.stages:
            stage.state = "published"
        db.session.commit()


def rewind_clock(app, seconds: int, stage_key="presentation", comp=KEY) -> None:
    """Move the running clock's start back by seconds (as if that much time had passed)."""
    with app.app_context():
        timer = db.session.scalars(
            db.select(StageTimer).join(Stage).join(Competition)
            .where(Competition.key == comp, Stage.key == stage_key)).one()
        timer.started_at = timer.started_at - timedelta(seconds=seconds)
        db.session.commit()


def draw_order(app, comp=KEY) -> list:
    """Team keys in draw order."""
    with app.app_context():
        c = db.session.scalars(db.select(Competition).filter_by(key=comp)).one()
        return [t.key for t in sorted(db.session.scalars(db.select(Team).filter_by(
            competition_id=c.id)), key=lambda t: t.draw_position)]


PANEL = ["X1", "X2", "X3", "N1", "N2", "N3", "N4", "N5", "N6"]


def hall_admin(app, username="boss", role="admin"):
    """A test client logged in as a new organizer account of that role."""
    from tests.conftest import make_user

    make_user(app, username, "password-" + username, role)
    c = app.test_client()
    assert c.post("/admin/login", data={"username": username,
                                        "password": "password-" + username}).status_code == 302
    return c


def submit_team(app, team) -> dict:
    """Every non-recused judge submits for team; {judge: sheet id}."""
    recused = recused_pairs(app)
    ids = {}
    for i, j in enumerate(PANEL):
        if (j, team) in recused:
            continue
        r = post_submit(judge_client(app, j), team, body(dict(GOOD, substance=str(20 + 2 * i))))
        assert r.status_code == 200
        ids[j] = r.json["sheet"]["id"]
    return ids


def projector_cards(html) -> dict:
    """{team key: stage score} of the cards the projector shows."""
    out = {}
    for m in re.finditer(r'<section class="pj-card[^"]*" data-team="(\w+)"(.*?)</section>', html,
                         re.S):
        score = re.search(r'class="pj-score"><span>[^<]*</span><strong>([^<]*)</strong>',
                          m.group(2))
        out[m.group(1)] = score.group(1)
    return out


def projector_page(app, c=None):
    """The projector page's HTML."""
    return (c or app.test_client()).get(f"/projector/{KEY}").get_data(as_text=True)
