"""The contest file's optional `deductions` (rule 12; an optional field of version 1).

    "deductions": [{"team": "A", "stage": "presentation", "points": "1", "reason": "超时"}]

`state` ("confirmed", the default, or "proposed") and `source` ("organizer", the
default, "timer" or "import") are optional too, so a backup keeps a timer's proposal
waiting for the organizer. A competition without deductions exports no such key.
"""
from decimal import Decimal

from sqlalchemy import select

from .. import rules as R
from ..extensions import db
from ..models import Deduction, Stage, Team
from ..rules import N_

POINTS_DIGITS = (5, 4)  # Exact(9, 4) of deduction.points
STATES = ("confirmed", "proposed")
SOURCES = ("organizer", "timer", "import")


def read_deductions(c, value) -> list:
    """The deductions as rules.Deduction records (shape checked; meaning in deduction_problems)."""
    out = []
    for i, d in enumerate(c.lst(value, "deductions")):
        place = f"deductions[{i}]"
        d = c.obj(d, place) or {}
        c.fields(d, place, ("team", "stage", "points"), ("reason", "state", "source"))
        team = c.text(d.get("team"), f"{place}.team") if "team" in d else None
        stage = c.text(d.get("stage"), f"{place}.stage") if "stage" in d else None
        points = (c.decimal(d["points"], f"{place}.points", POINTS_DIGITS)
                  if "points" in d else None)
        reason = (c.text(d["reason"], f"{place}.reason", max_length=2000, empty=True,
                         multiline=True) if "reason" in d else "") or ""
        state = _choice(c, d, "state", STATES, place)
        source = _choice(c, d, "source", SOURCES, place)
        # A placeholder where the shape was wrong: the meaning checks skip such entries.
        out.append(R.Deduction(team or f"#{i}", stage or f"#{i}",
                               points if points is not None else Decimal(0),
                               reason.strip(), state, source))
    return out


def _choice(c, d, key, choices, place):
    if key not in d:
        return choices[0]
    value = d[key]
    if not isinstance(value, str) or value not in choices:
        c.add(f"{place}.{key}", N_('"%(value)s" is not one of %(choices)s'),
              value=str(value), choices=", ".join(choices))
        return choices[0]
    return value


def deduction_problems(contest, shape_places=()) -> list:
    """Each deduction names a team and a stage of the file; its points fit `decimals`."""
    out = []
    teams = {t.key for t in contest.teams}
    stages = {s.key for s in contest.stages}
    for i, d in enumerate(contest.deductions):
        place = f"deductions[{i}]"
        if any(p == place or p.startswith(place + ".") for p in shape_places):
            continue  # its shape is already reported
        if d.team not in teams:
            out.append((f"{place}.team", N_('unknown team "%(team)s"'), {"team": d.team}))
        if d.stage not in stages:
            out.append((f"{place}.stage", N_('unknown stage "%(stage)s"'), {"stage": d.stage}))
        out.extend(R.points_problems(d.points, contest.rules.decimals, f"{place}.points"))
    return out


def write_deductions(contest, teams, stages) -> None:
    """Add the file's deductions under the new teams and stages (importer; flushed by it)."""
    for d in contest.deductions:
        db.session.add(Deduction(
            team_id=teams[d.team].id, stage_id=stages[d.stage].id, points=d.points,
            reason=d.reason, state=d.state, source=d.source, created_by="import",
            confirmed_by="import" if d.state == "confirmed" else None))


def export_deductions(competition_id) -> list:
    """The competition's deductions as the file lists them, by stage, team and time."""
    rows = db.session.execute(
        select(Team.key, Stage.key, Deduction.points, Deduction.reason, Deduction.state,
               Deduction.source)
        .join(Team, Team.id == Deduction.team_id).join(Stage, Stage.id == Deduction.stage_id)
        .where(Stage.competition_id == competition_id)
        .order_by(Stage.position, Stage.key, Team.key, Deduction.id)).all()
    out = []
    for team, stage, points, reason, state, source in rows:
        item = {"team": team, "stage": stage, "points": R.decimal_text(points),
                "reason": reason or ""}
        if state != "confirmed":
            item["state"] = state
        if source != "organizer":
            item["source"] = source
        out.append(item)
    return out
