"""The hall: the presentation timer of a stage and the award ceremony on the projector.

The clock's state is kept in the database in server time (stage_timer), so a reload, a
second projector or a second server process shows the same countdown; browsers only
count down between two polls, from the server's time and their offset to it. Each team's
presentation keeps how far it ran over (presentation), for the chief judge and for a
deduction (rule 12) to be proposed from. Writes take the competition lock, are audited,
bump the live version (every projector refreshes) and flush; the request commits.
"""
from datetime import UTC

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import Ceremony, Presentation, Stage, StageTimer, Team, utcnow
from ..rules import parse_plain_decimal
from .audit import bump_live, record
from .live import LiveError, set_presenting, teams_in_order
from .setup_base import lock_unarchived

LIMITS = {"talk": (1, 180 * 60), "questions": (0, 180 * 60), "warning": (0, 30 * 60)}


def epoch_ms(moment) -> int:
    """A naive UTC datetime as milliseconds since 1970 (what browsers count in)."""
    return int(moment.replace(tzinfo=UTC).timestamp() * 1000)


def timer_of(stage, create: bool = False):
    """The stage's timer row (made with the default lengths when create; else maybe None)."""
    row = db.session.scalars(select(StageTimer).filter_by(stage_id=stage.id)
                             .execution_options(populate_existing=True)).first()
    if row is None and create:
        row = StageTimer(stage_id=stage.id, talk_seconds=480, questions_seconds=120,
                         warning_seconds=60, phase="idle", running=False, elapsed_ms=0)
        db.session.add(row)
        db.session.flush()
    return row


def elapsed_ms(timer, now=None) -> int:
    """Milliseconds the current phase has run: the banked time plus the running stretch."""
    total = timer.elapsed_ms or 0
    if timer.running and timer.started_at is not None:
        total += max(0, int(((now or utcnow()) - timer.started_at).total_seconds() * 1000))
    return total


def _length_ms(timer) -> int:
    seconds = {"talk": timer.talk_seconds, "questions": timer.questions_seconds}
    return seconds.get(timer.phase, 0) * 1000


def timer_view(timer, now=None) -> dict | None:
    """The clock as plain data for a page: phase, lengths, time left at `now_ms` (server)."""
    if timer is None:
        return None
    now = now or utcnow()
    length = _length_ms(timer)
    left = length - elapsed_ms(timer, now)
    return {"phase": timer.phase, "running": bool(timer.running), "length_ms": length,
            "remaining_ms": left, "warning_ms": timer.warning_seconds * 1000,
            "now_ms": epoch_ms(now), "team": timer.team,
            "talk_seconds": timer.talk_seconds, "questions_seconds": timer.questions_seconds,
            "warning_seconds": timer.warning_seconds}


def parse_minutes(text, field: str, label: str) -> int:
    """"8" or "7.5" minutes -> seconds; LiveError naming the field when it is not a length."""
    low, high = LIMITS[field]
    # ASCII digits, no exponent: Decimal() alone reads "８" as 8 and "1e1" as 10.
    value = parse_plain_decimal(str(text)) if text is not None else None
    seconds = int(value * 60) if value is not None else None
    if seconds is None or seconds != value * 60 or not low <= seconds <= high:
        raise LiveError(_("%(field)s: give minutes between %(low)s and %(high)s (e.g. 8 or "
                          "7.5).", field=label, low=low // 60, high=high // 60))
    return seconds


def set_lengths(stage, talk: int, questions: int, warning: int) -> None:
    """Set the stage's talk and questions times and the warning before the end (seconds)."""
    for field, value in (("talk", talk), ("questions", questions), ("warning", warning)):
        low, high = LIMITS[field]
        if not isinstance(value, int) or not low <= value <= high:
            raise LiveError(_("The timer's lengths are out of range."))
    lock_unarchived(stage.competition_id)
    timer = timer_of(stage, create=True)
    before = {"talk": timer.talk_seconds, "questions": timer.questions_seconds,
              "warning": timer.warning_seconds}
    timer.talk_seconds, timer.questions_seconds, timer.warning_seconds = talk, questions, warning
    record("timer.lengths", competition=stage.competition_id, obj=stage,
           summary=f"{stage.key}: {talk}s + {questions}s", before=before,
           after={"talk": talk, "questions": questions, "warning": warning})
    bump_live(stage.competition_id)
    db.session.flush()


def _presentation(stage, team):
    row = db.session.scalars(select(Presentation).filter_by(stage_id=stage.id,
                                                            team_id=team.id)).first()
    if row is None:
        row = Presentation(stage_id=stage.id, team_id=team.id, started_at=utcnow())
        db.session.add(row)
    return row


def _bank_overtime(stage, timer, now) -> None:
    """Write down how far the phase now ending ran over (seconds, 0 when on time)."""
    if timer.team_id is None or timer.phase not in ("talk", "questions"):
        return
    over = max(0, (elapsed_ms(timer, now) - _length_ms(timer)) // 1000)
    row = _presentation(stage, db.session.get(Team, timer.team_id))
    if timer.phase == "talk":
        row.talk_overtime_seconds = over
    else:
        row.questions_overtime_seconds = over


def _start(timer, phase, now) -> None:
    timer.phase, timer.running, timer.started_at, timer.elapsed_ms = phase, True, now, 0


def _next_team(stage, timer):
    """The team after the one on the clock (or after the presenting one), in draw order."""
    teams = [t for t in teams_in_order(stage.competition_id)
             if not t.withdrawn and t.draw_position is not None]
    current = timer.team_id or stage.current_team_id
    ids = [t.id for t in teams]
    if current in ids:
        rest = teams[ids.index(current) + 1:]
        return rest[0] if rest else None
    done = set(db.session.scalars(select(Presentation.team_id).filter_by(stage_id=stage.id)))
    return next((t for t in teams if t.id not in done), None)


def timer_action(stage, action: str, team=None) -> None:
    """next (mark the next team, start its talk), questions, pause, resume, reset, stop."""
    lock_unarchived(stage.competition_id)
    db.session.refresh(stage)
    timer = timer_of(stage, create=True)
    now = utcnow()
    before = {"phase": timer.phase, "running": timer.running,
              "elapsed_ms": elapsed_ms(timer, now)}
    if action == "next":
        if stage.state == "published":
            raise LiveError(_("This stage is published: its presentations are over."))
        if stage.state != "open":
            # A closed stage takes no more sheets: a team starting there would present
            # to tablets that refuse its scores.
            raise LiveError(_("The stage %(stage)s is not open: open it (or reopen it) on "
                              "the stages page before a team presents.", stage=stage.name))
        team = team or _next_team(stage, timer)
        if team is None:
            raise LiveError(_("Every team of this stage has presented."))
        if team.competition_id != stage.competition_id or team.withdrawn:
            raise LiveError(_("This team cannot present (withdrawn or not in this "
                              "competition)."))
        _bank_overtime(stage, timer, now)
        set_presenting(stage, team)
        timer.team_id = team.id
        _presentation(stage, team).started_at = now
        _start(timer, "talk", now)
    elif action == "questions":
        if timer.phase != "talk":
            raise LiveError(_("The questions follow a talk: start a team first."))
        _bank_overtime(stage, timer, now)
        _start(timer, "questions", now)
    elif action == "pause":
        if not timer.running:
            raise LiveError(_("The clock is not running."))
        timer.elapsed_ms, timer.running, timer.started_at = elapsed_ms(timer, now), False, None
    elif action == "resume":
        if timer.running or timer.phase == "idle":
            raise LiveError(_("The clock is not paused."))
        timer.running, timer.started_at = True, now
    elif action == "reset":
        if timer.phase == "idle":
            raise LiveError(_("The clock is not running."))
        timer.running, timer.started_at, timer.elapsed_ms = False, None, 0
    elif action == "stop":
        _bank_overtime(stage, timer, now)
        timer.phase, timer.running, timer.started_at, timer.elapsed_ms = "idle", False, None, 0
    else:
        raise LiveError(_("Unknown timer action."))
    record(f"timer.{action}", competition=stage.competition_id, obj=stage,
           summary=f"{stage.key}: {timer.team.key if timer.team else '-'}", before=before,
           after={"phase": timer.phase, "running": timer.running})
    bump_live(stage.competition_id)
    db.session.flush()


def stop_clock(stage) -> None:
    """Stop the stage's clock as "stop" does (its overtime written down), when it runs.

    Called when a stage closes or is published, under the caller's competition lock: a
    closed stage has no team presenting, and its projector must not count "overtime"
    on and on.
    """
    timer = timer_of(stage)
    if timer is None or timer.phase == "idle":
        return
    now = utcnow()
    before = {"phase": timer.phase, "running": timer.running,
              "elapsed_ms": elapsed_ms(timer, now)}
    _bank_overtime(stage, timer, now)
    timer.phase, timer.running, timer.started_at, timer.elapsed_ms = "idle", False, None, 0
    record("timer.stop", competition=stage.competition_id, obj=stage,
           summary=f"{stage.key}: {timer.team.key if timer.team else '-'}", before=before,
           after={"phase": timer.phase, "running": timer.running})


def overtimes(stage) -> dict:
    """{team id: Presentation} of the stage (the operator's overtime column)."""
    return {p.team_id: p for p in db.session.scalars(
        select(Presentation).filter_by(stage_id=stage.id))}


# ---- the award ceremony -----------------------------------------------------------------

def _all_published(competition) -> bool:
    states = db.session.scalars(select(Stage.state).filter_by(
        competition_id=competition.id)).all()
    return bool(states) and all(s == "published" for s in states)


def ceremony_tiers(competition) -> list:
    """[(tier name, [TeamResult])] from the last tier to the first; [] before publishing."""
    from ..results.standings import results_for, rules_of
    from ..rules import RuleError

    if not _all_published(competition):
        return []
    try:
        result = results_for(competition, published_only=True)
        names = [t.name for t in rules_of(competition).awards]
    except RuleError:
        return []
    tiers = [(name, [t for t in result.teams if t.award == name]) for name in names]
    return list(reversed(tiers))


def ceremony_of(competition):
    """The running ceremony row, or None."""
    return db.session.scalars(select(Ceremony).filter_by(competition_id=competition.id)
                              .execution_options(populate_existing=True)).first()


def ceremony_action(competition, action: str) -> None:
    """start, next, back or end the award ceremony on the projector."""
    lock_unarchived(competition.id)
    row = ceremony_of(competition)
    if action == "start":
        if not ceremony_tiers(competition):
            raise LiveError(_("The ceremony starts once every stage is published."))
        if row is None:
            row = Ceremony(competition_id=competition.id, step=0, started_at=utcnow())
            db.session.add(row)
        row.step = 0
    elif row is None:
        raise LiveError(_("The ceremony has not started."))
    elif action in ("next", "back"):
        last = len(ceremony_tiers(competition)) + 1  # the closing screen after the first tier
        step = row.step + (1 if action == "next" else -1)
        if not 0 <= step <= last:  # a stale page's button: say so, change nothing
            raise LiveError(_("The projector already shows the closing screen.")
                            if action == "next" else
                            _("The projector already shows the ceremony's title."))
        row.step = step
    elif action == "end":
        db.session.delete(row)
    else:
        raise LiveError(_("Unknown ceremony action."))
    record(f"ceremony.{action}", competition=competition.id, obj=competition,
           summary=f"{competition.key}: {row.step if action != 'end' else '-'}")
    bump_live(competition.id)
    db.session.flush()


def ceremony_view(competition) -> dict | None:
    """What the projector shows during the ceremony: the tiers up to the current step."""
    row = ceremony_of(competition)
    if row is None:
        return None
    tiers = ceremony_tiers(competition)
    teams = {t.key: t for t in db.session.scalars(
        select(Team).filter_by(competition_id=competition.id))}
    shown = [{"name": name, "teams": [{"team": teams.get(t.team), "rank": t.rank,
                                       "final": t.final} for t in rows]}
             for name, rows in tiers[:row.step]]
    return {"step": row.step, "total": len(tiers), "tiers": tiers and [n for n, _r in tiers],
            "current": shown[-1] if shown and row.step <= len(tiers) else None,
            "closing": row.step > len(tiers), "shown": shown}


__all__ = ["ceremony_action", "ceremony_of", "ceremony_tiers", "ceremony_view", "elapsed_ms",
           "epoch_ms", "overtimes", "parse_minutes", "set_lengths", "timer_action",
           "timer_of", "timer_view"]
