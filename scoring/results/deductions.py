"""Deductions (rule 12) from the database as plain rules records, for the results."""
from sqlalchemy import select

from .. import rules as R
from ..extensions import db
from ..models import Deduction


def deduction_records(stage_ids, team_key, stage_key) -> tuple:
    """rules.Deduction records of the given stages (proposed ones too; only confirmed count)."""
    if not stage_ids:
        return ()
    rows = db.session.execute(
        select(Deduction.team_id, Deduction.stage_id, Deduction.points, Deduction.reason,
               Deduction.state, Deduction.source)
        .where(Deduction.stage_id.in_(stage_ids)).order_by(Deduction.id)).all()
    return tuple(R.Deduction(team_key[r.team_id], stage_key[r.stage_id], r.points,
                             r.reason or "", r.state, r.source)
                 for r in rows if r.team_id in team_key)
