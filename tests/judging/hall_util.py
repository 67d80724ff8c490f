"""Helpers for the hall tests: score a whole stage, publish, move the clock back."""
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
