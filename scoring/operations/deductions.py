"""Deductions (扣分, rule 12): recorded by the organizer for the chief judge, or proposed
by the presentation timer and confirmed. Every change is audited and bumps the live page.

Only confirmed deductions count in results (rules/deductions.py computes with them).
A rejected proposal or a withdrawn deduction is deleted; the audit log keeps it.
"""
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from ..extensions import db
from ..models import Deduction, Stage, Team, utcnow
from ..rules import Rules, SettingsError
from ..rules.errors import N_
from .audit import bump_live, current_actor, record
from .published import refuse_if_published
from .setup_base import SetupError, check_decimal, check_text, lock_unarchived
from .sheets import lock_competition

MAX_POINTS = Decimal("1000")  # far above any stage's scale: a typo, not a deduction
SOURCES = ("organizer", "timer", "import")
# The same deduction recorded again this soon is the same form sent twice (a double
# click on "confirm", a reload of the answer), not a second penalty.
REPEAT_WINDOW = timedelta(seconds=60)


def _decimals(competition) -> int:
    """The competition's `decimals`: a deduction has at most that many decimal places."""
    try:
        return Rules.from_dict(competition.rules).decimals
    except SettingsError:
        return 2


def check_deduction(competition, team, stage, points, reason):
    """The checked (points, reason) of a deduction, or SetupError naming the field."""
    if team.competition_id != competition.id or stage.competition_id != competition.id:
        raise SetupError(N_("The team and the stage belong to different competitions."))
    if competition.archived:
        raise SetupError(N_("The competition is archived; nothing can be changed."))
    value = check_decimal(points, "points", places=_decimals(competition),
                          maximum=MAX_POINTS, above_zero=True)
    return value, check_text(reason, "reason", 2000)


def _refuse_repeat(team, stage, value, reason, source, actor) -> None:
    """After the competition lock: SetupError when this deduction was just recorded
    (the same team, stage, points, reason and person within REPEAT_WINDOW), or when the
    timer already proposed one for this team and stage (one proposal per overtime)."""
    query = select(Deduction.id).where(Deduction.team_id == team.id,
                                       Deduction.stage_id == stage.id,
                                       Deduction.source == source)
    if source != "timer":
        query = query.where(Deduction.points == value, Deduction.reason == reason,
                            Deduction.created_by == actor,
                            Deduction.created_at >= utcnow() - REPEAT_WINDOW)
    if db.session.scalar(query.limit(1)) is None:
        return
    if source == "timer":
        raise SetupError(N_("The timer's overtime of this team in this stage is already "
                            "proposed; confirm or reject that proposal."), {}, "points")
    raise SetupError(N_("This deduction was recorded a moment ago (was the form sent "
                        "twice?); it is not recorded again. To take off more points, "
                        "record one deduction with the total."), {}, "points")


def _lock(competition_id, stage_id) -> None:
    """The competition lock, then the archive and the stage's publication as they are now
    (both were checked on the page's rows before the lock: an archive or a publication
    committed meanwhile is seen here)."""
    lock_competition(competition_id, fresh=True)
    lock_unarchived(competition_id)
    refuse_if_published(stage_id=stage_id)


def _snapshot(d: Deduction) -> dict:
    return {"team": d.team.key, "stage": d.stage.key, "points": d.points, "reason": d.reason,
            "state": d.state, "source": d.source}


def _summary(d: Deduction) -> str:
    return f"{d.team.name} · {d.stage.name} · -{d.points}"


def record_deduction(competition, team, stage, points, reason) -> Deduction:
    """The organizer records a deduction for the chief judge: it counts at once."""
    value, reason = check_deduction(competition, team, stage, points, reason)
    _lock(competition.id, stage.id)
    actor = current_actor()
    _refuse_repeat(team, stage, value, reason, "organizer", actor)
    d = Deduction(team=team, stage=stage, points=value, reason=reason, state="confirmed",
                  source="organizer", created_by=actor, confirmed_by=actor,
                  confirmed_at=utcnow())
    db.session.add(d)
    db.session.flush()
    record("deduction.record", competition=competition, obj=d, summary=_summary(d),
           after=_snapshot(d), reason=reason)
    bump_live(competition)
    return d


def propose_deduction(competition, team, stage, points, reason, source="timer") -> Deduction:
    """A proposal (e.g. by the presentation timer at the end of an overtime talk).

    It changes no score until the organizer confirms it (confirm_deduction).
    """
    if source not in SOURCES:
        raise ValueError(f"unknown deduction source {source!r}")
    value, reason = check_deduction(competition, team, stage, points, reason)
    _lock(competition.id, stage.id)
    _refuse_repeat(team, stage, value, reason, source, current_actor())
    d = Deduction(team=team, stage=stage, points=value, reason=reason, state="proposed",
                  source=source, created_by=current_actor())
    db.session.add(d)
    db.session.flush()
    record("deduction.propose", competition=competition, obj=d, summary=_summary(d),
           after=_snapshot(d), reason=reason)
    bump_live(competition)
    return d


def _locked(competition, deduction_id) -> Deduction:
    """The deduction read after the competition lock (the newest row), or SetupError."""
    lock_unarchived(competition.id)
    d = db.session.scalar(
        select(Deduction).join(Team, Team.id == Deduction.team_id)
        .where(Deduction.id == deduction_id, Team.competition_id == competition.id)
        .with_for_update().execution_options(populate_existing=True))
    if d is None:
        raise SetupError(N_("This deduction no longer exists; the page was out of date."))
    refuse_if_published(stage_id=d.stage_id)
    return d


def confirm_deduction(competition, deduction_id, reason="") -> Deduction:
    """The organizer confirms a proposal: from now on it counts in the results."""
    d = _locked(competition, deduction_id)
    if d.state == "confirmed":
        raise SetupError(N_("This deduction is already confirmed."))
    before = _snapshot(d)
    d.state = "confirmed"
    d.confirmed_by = current_actor()
    d.confirmed_at = utcnow()
    db.session.flush()
    record("deduction.confirm", competition=competition, obj=d, summary=_summary(d),
           before=before, after=_snapshot(d), reason=check_text(reason, "reason", 2000,
                                                                required=False))
    bump_live(competition)
    return d


def remove_deduction(competition, deduction_id, reason) -> None:
    """Withdraw a deduction or reject a proposal (a reason is required; the log keeps it)."""
    reason = check_text(reason, "reason", 2000)
    d = _locked(competition, deduction_id)
    before = _snapshot(d)
    summary = _summary(d)
    db.session.delete(d)
    db.session.flush()
    record("deduction.remove", competition=competition, obj=None, summary=summary,
           before=before, reason=reason)
    bump_live(competition)


def deductions_of(competition) -> list:
    """Every deduction of the competition, by stage, team and time (for pages and reports)."""
    return db.session.scalars(
        select(Deduction).join(Stage, Stage.id == Deduction.stage_id)
        .join(Team, Team.id == Deduction.team_id)
        .where(Stage.competition_id == competition.id)
        .order_by(Stage.position, Team.draw_position, Team.key, Deduction.id)).all()
