"""Changing a competition's rule settings (validated, audited before/after)."""
from sqlalchemy import func, select

from ..extensions import db
from ..models import Stage, StagePlan, Team
from ..rules import N_, Rules, SettingsError, validate_awards_fit
from .audit import bump_live, record


def check_rules(competition, settings: dict) -> Rules:
    """Parse settings (the contest file's `rules` object) or raise SettingsError.

    Problems carry places like "rules.groups.external.weight"; the award tiers must fit
    the teams entered so far (withdrawn teams are not ranked).
    """
    stage_keys = db.session.scalars(
        select(Stage.key).where(Stage.competition_id == competition.id)).all()
    rules = Rules.from_dict(settings, list(stage_keys))
    ranked = db.session.scalar(
        select(func.count()).select_from(Team)
        .where(Team.competition_id == competition.id, Team.withdrawn.is_(False)))
    problems = validate_awards_fit(rules, ranked) if ranked else []
    normalized = db.session.scalar(
        select(Stage.key).join(StagePlan, StagePlan.stage_id == Stage.id)
        .where(Stage.competition_id == competition.id, StagePlan.normalization != "none")
        .limit(1))
    if normalized:  # the same refusal as the contest file's (rules/layout.py)
        problems += [(f"rules.tie_breaks[{i}]",
                      N_("%(value)s cannot be used with a stage normalized across rooms "
                         "(stage %(stage)s)"), {"value": tb, "stage": normalized})
                     for i, tb in enumerate(rules.tie_breaks) if tb.startswith("precise:")]
    if problems:
        raise SettingsError(problems)
    return rules


def update_rules(competition, settings: dict, reason: str = "") -> bool:
    """Save new rule settings; returns False when nothing changed. SettingsError if refused."""
    rules = check_rules(competition, settings)
    before = competition.rules
    after = rules.to_dict()
    if before == after:
        return False
    competition.rules = after
    record("competition.rules", competition=competition, obj=competition,
           summary=competition.name, before=before, after=after, reason=reason)
    bump_live(competition)
    db.session.flush()
    return True
