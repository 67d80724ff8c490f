"""The draw: random from a recorded seed, or typed in by hand; locked once scoring starts."""
import re

from ..extensions import db
from ..models import utcnow
from ..rules import random_draw, validate_manual_draw
from ..rules.errors import N_
from .audit import bump_live, record
from .setup_base import SetupError, check_text, lock_unarchived, scoring_started

SEED_RE = re.compile(r"^[0-9A-Za-z_\-]{1,64}$")


def _guard(competition, override: bool, reason: str) -> str:
    """Once scoring started, a new draw needs the override box and a reason."""
    reason = (reason or "").strip()
    if not competition.teams:
        raise SetupError(N_("There are no teams to draw."))
    if scoring_started(competition):
        if not override:
            raise SetupError(N_("Scoring has started: changing the draw needs the override "
                                "box ticked and a reason."), {}, "override")
        check_text(reason, "reason", 2000)
    return reason


def _assign(competition, positions: dict, method: str, seed, reason: str, started: bool):
    """Write positions (NULL and flush first: positions are unique), record and audit."""
    before = {t.key: t.draw_position for t in competition.teams}
    for team in competition.teams:
        team.draw_position = None
    db.session.flush()
    for team in competition.teams:
        team.draw_position = positions[team.key]
    competition.draw_method, competition.draw_seed = method, seed
    competition.draw_at = utcnow()
    db.session.flush()
    action = "draw.override" if started else f"draw.{method}"
    record(action, competition=competition, obj=competition,
           summary=f"{method}" + (f" seed {seed}" if seed else ""), reason=reason,
           before={"positions": before} if any(v is not None for v in before.values()) else None,
           after={"method": method, "seed": seed, "positions": positions})
    bump_live(competition)


def make_random_draw(competition, seed: str, *, override=False, reason="") -> dict:
    """Positions from rules.random_draw(seed, team keys), recorded with the seed."""
    lock_unarchived(competition.id)  # "scoring started" is then read as it is now
    seed = (seed or "").strip()
    if not SEED_RE.match(seed):
        raise SetupError(N_('The seed "%(seed)s" is not valid: use 1 to 64 letters or digits.'),
                         {"seed": seed[:80]}, "seed")
    started = scoring_started(competition)
    reason = _guard(competition, override, reason)
    positions = random_draw(seed, [t.key for t in competition.teams])
    _assign(competition, positions, "random", seed, reason, started)
    return positions


def make_manual_draw(competition, positions: dict, *, override=False, reason="") -> dict:
    """Positions typed in from the lots drawn by hand; every problem listed, all or nothing.

    Raises SetupError whose `.problems` holds (team key, message, params) per problem.
    """
    lock_unarchived(competition.id)  # "scoring started" is then read as it is now
    started = scoring_started(competition)
    reason = _guard(competition, override, reason)
    problems = validate_manual_draw(positions, [t.key for t in competition.teams])
    if problems:
        error = SetupError(N_("The draw was not saved: %(count)s problem(s)."),
                           {"count": len(problems)}, "positions")
        error.problems = problems
        raise error
    _assign(competition, dict(positions), "manual", None, reason, started)
    return positions


def announce_seed(competition, seed: str) -> None:
    """Put a seed on the draw projector before the draw is made, so the hall sees the seed
    first and the order it gives after (audited; no team moves).

    Only while no draw exists: a seed shown beside an order it did not make would mislead.
    The draw itself is then made from the seed in the form, as always.
    """
    seed = (seed or "").strip()
    if not SEED_RE.match(seed):
        raise SetupError(N_('The seed "%(seed)s" is not valid: use 1 to 64 letters or digits.'),
                         {"seed": seed[:80]}, "seed")
    competition = lock_unarchived(competition.id)
    if competition.draw_method is not None:
        raise SetupError(N_("The draw is already made: its seed is on the draw projector."),
                         {}, "seed")
    before = competition.draw_seed
    competition.draw_seed = seed
    record("draw.seed", competition=competition, obj=competition, summary=f"seed {seed}",
           before={"seed": before}, after={"seed": seed})
    bump_live(competition)
    db.session.flush()
