"""Helpers for the judging tests: judge clients, sheet reads, request bodies."""
import json
import uuid

from scoring.extensions import db
from scoring.models import (
    Competition,
    Criterion,
    Judge,
    Score,
    ScoreSheet,
    SheetVersion,
    Stage,
    Team,
)
from scoring.rules import decimal_text

DEMO = "demo-2024"
STAGE = "presentation"
GOOD = {"substance": "35.5", "delivery": "27", "teamwork": "18", "timing": "9.5"}


def judge_link(app, key, comp=DEMO) -> str:
    """The private login path of judge key."""
    with app.app_context():
        judge = db.session.scalars(db.select(Judge).join(Competition)
                                   .where(Competition.key == comp, Judge.key == key)).one()
        return f"/j/{judge.id}.{judge.token}"


def judge_client(app, key, comp=DEMO):
    """A test client logged in as judge key through their private link."""
    c = app.test_client()
    r = c.get(judge_link(app, key, comp))
    assert r.status_code == 302, r.status_code
    return c


def body(scores, **extra) -> dict:
    """A write request body with a fresh idempotency key."""
    out = {"scores": scores, "idempotency_key": str(uuid.uuid4())}
    out.update(extra)
    return out


def put_draft(c, team, data, stage=STAGE, **kw):
    """PUT a draft."""
    return c.put(f"/judge/api/sheet/{stage}/{team}/draft", json=data, **kw)


def post_submit(c, team, data, stage=STAGE, **kw):
    """POST a submission."""
    return c.post(f"/judge/api/sheet/{stage}/{team}/submit", json=data, **kw)


def snapshot(app, comp=DEMO) -> dict:
    """Every sheet of the competition as {(judge, team, stage): (status, version, scores)}.

    Two queries, the sheets and then their scores with the criterion keys (a query per
    sheet and a lazy load per score cost a third of a second on the demo contest, and
    the fuzz and guard tests take a snapshot before and after each request)."""
    with app.app_context():
        rows = db.session.execute(
            db.select(ScoreSheet.id, ScoreSheet.status, ScoreSheet.version, Judge.key,
                      Team.key, Stage.key)
            .join(Judge, Judge.id == ScoreSheet.judge_id).join(Team, Team.id == ScoreSheet.team_id)
            .join(Stage, Stage.id == ScoreSheet.stage_id)
            .join(Competition, Competition.id == Stage.competition_id)
            .where(Competition.key == comp)).all()
        scores = {sheet_id: {} for sheet_id, *_rest in rows}
        for sheet_id, key, value in db.session.execute(
                db.select(Score.sheet_id, Criterion.key, Score.value)
                .join(Criterion, Criterion.id == Score.criterion_id)
                .where(Score.sheet_id.in_(list(scores)))):
            scores[sheet_id][key] = decimal_text(value)
        return {(jk, tk, sk): (status, version, scores[sheet_id])
                for sheet_id, status, version, jk, tk, sk in rows}


def versions(app, judge, team, stage=STAGE, comp=DEMO) -> list:
    """[(version, status, scores)] kept for one sheet."""
    with app.app_context():
        sheet = db.session.scalars(
            db.select(ScoreSheet).join(Judge, Judge.id == ScoreSheet.judge_id)
            .join(Team, Team.id == ScoreSheet.team_id).join(Stage, Stage.id == ScoreSheet.stage_id)
            .join(Competition, Competition.id == Judge.competition_id)
            .where(Competition.key == comp, Judge.key == judge, Team.key == team,
                   Stage.key == stage)).one()
        return [(v.version, v.status, json.loads(v.scores_json)) for v in db.session.scalars(
            db.select(SheetVersion).where(SheetVersion.sheet_id == sheet.id)
            .order_by(SheetVersion.version))]


def live_version(app, comp=DEMO) -> int:
    """The competition's live version."""
    with app.app_context():
        return db.session.scalar(db.select(Competition.live_version).filter_by(key=comp))


def recused_pairs(app, comp=DEMO) -> set:
    """{(judge key, team key)} that are recused."""
    from scoring.operations.sheet_access import recusal_map

    with app.app_context():
        c = db.session.scalars(db.select(Competition).filter_by(key=comp)).one()
        m = recusal_map(c)
        jk = {j.id: j.key for j in c.judges}
        tk = {t.id: t.key for t in c.teams}
        return {(jk[j], tk[t]) for (j, t), s in m.items() if s.recused}
