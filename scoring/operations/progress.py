"""Progress of a stage: which sheets are expected, submitted, drafts or missing.

Read only; used wherever an organizer decides something that depends on it (closing
a stage says how many sheets are missing and whose, the competition list shows how
far scoring is). Expected = every judge x every team not withdrawn, less recusals
(rule 2) and the judges marked absent for the stage (rule 11).
"""
from dataclasses import dataclass, field

from ..extensions import db
from ..models import Absence, ScoreSheet
from .sheet_access import recusal_map


@dataclass
class StageProgress:
    """Counts of one stage's sheets, and who has not submitted for whom."""

    expected: int = 0
    submitted: int = 0
    drafts: int = 0
    missing: list = field(default_factory=list)  # [(judge name, team name)] in draw order

    @property
    def complete(self) -> bool:
        """Every expected sheet is submitted."""
        return self.expected > 0 and not self.missing


def stage_progress(competition, stage, recused=None) -> StageProgress:
    """The progress of one stage (recused: a recusal_map already read, to share it)."""
    recused = recusal_map(competition) if recused is None else recused
    absent = {j for (j,) in db.session.execute(
        db.select(Absence.judge_id).where(Absence.stage_id == stage.id))}
    status = {(j, t): s for j, t, s in db.session.execute(
        db.select(ScoreSheet.judge_id, ScoreSheet.team_id, ScoreSheet.status)
        .where(ScoreSheet.stage_id == stage.id))}
    teams = sorted((t for t in competition.teams if not t.withdrawn),
                   key=lambda t: (t.draw_position is None, t.draw_position or 0, t.key))
    judges = sorted(competition.judges, key=lambda j: (j.panel_group != "external", j.key))
    out = StageProgress()
    for team in teams:
        for judge in judges:
            state = recused.get((judge.id, team.id))
            if judge.id in absent or (state is not None and state.recused):
                continue
            out.expected += 1
            sheet = status.get((judge.id, team.id))
            if sheet == "submitted":
                out.submitted += 1
            else:
                out.drafts += sheet == "draft"
                out.missing.append((judge.name or judge.key, team.name))
    return out


def competition_progress(competition) -> dict:
    """{stage id: StageProgress} of every stage (one recusal read for all)."""
    recused = recusal_map(competition)
    return {s.id: stage_progress(competition, s, recused) for s in competition.stages}
