"""Manual recusal decisions: recuse a judge from a team, or lift an automatic recusal."""
from ..extensions import db
from ..models import Recusal, ScoreSheet
from ..rules.errors import N_
from .audit import bump_live, record
from .setup_base import SetupError, check_text, lock_unarchived

# Decisions and sheets are read with locking reads after the competition lock: they see
# the newest committed rows (MariaDB's plain reads may see an older snapshot), so a sheet
# a judge submitted a moment ago is never missed, and no judge writes while a decision
# is being made.


def existing_decision(judge, team):
    """The manual decision for this pair, or None (a locking read: the newest row)."""
    return db.session.scalar(db.select(Recusal).filter_by(judge_id=judge.id, team_id=team.id)
                             .with_for_update()
                             .execution_options(populate_existing=True))


def _refuse_if_scored(judge, team) -> None:
    """A judge who already scored the team cannot be recused before that sheet is dealt with."""
    sheet = db.session.scalar(db.select(ScoreSheet).filter_by(judge_id=judge.id,
                                                              team_id=team.id).limit(1)
                              .with_for_update().execution_options(populate_existing=True))
    if sheet is not None:
        raise SetupError(N_('%(judge)s already has a %(status)s score sheet for %(team)s in '
                            '%(stage)s. Reopen and delete that sheet first, then recuse.'),
                         {"judge": judge.name, "team": team.name, "status": sheet.status,
                          "stage": sheet.stage.name})


def decide(judge, team, *, lift: bool, reason: str, automatic: bool) -> Recusal:
    """Record a manual recusal (lift False) or the lifting of an automatic one (lift True)."""
    reason = check_text(reason, "reason", 2000)
    if judge.competition_id != team.competition_id:
        raise SetupError(N_("The judge and the team belong to different competitions."))
    lock_unarchived(judge.competition_id)
    if existing_decision(judge, team) is not None:
        raise SetupError(N_("There is already a decision for %(judge)s and %(team)s; remove "
                            "it first."), {"judge": judge.name, "team": team.name})
    if lift and not automatic:
        raise SetupError(N_("%(judge)s is not recused from %(team)s by the department rule; "
                            "there is nothing to lift."), {"judge": judge.name,
                                                          "team": team.name})
    if not lift:
        if automatic:
            raise SetupError(N_("%(judge)s is already recused from %(team)s by the "
                                "department rule."), {"judge": judge.name, "team": team.name})
        _refuse_if_scored(judge, team)
    recusal = Recusal(judge=judge, team=team, lift=lift, reason=reason)
    db.session.add(recusal)
    db.session.flush()
    record("recusal.lift" if lift else "recusal.add", competition=judge.competition_id,
           obj=recusal, summary=f"{judge.key} / {team.key}", reason=reason,
           after={"judge": judge.key, "team": team.key, "lift": lift})
    bump_live(judge.competition_id)
    return recusal


def remove_decision(recusal, reason: str = "") -> None:
    """Undo a manual decision: the department rule alone applies again."""
    judge, team = recusal.judge, recusal.team
    lock_unarchived(judge.competition_id)
    if recusal.lift:
        # Removing a lift recuses the judge again: their sheets for the team must go first.
        _refuse_if_scored(judge, team)
    record("recusal.remove", competition=judge.competition_id, obj=recusal,
           summary=f"{judge.key} / {team.key}", reason=reason,
           before={"judge": judge.key, "team": team.key, "lift": recusal.lift,
                   "reason": recusal.reason})
    db.session.delete(recusal)
    db.session.flush()
    bump_live(judge.competition_id)
