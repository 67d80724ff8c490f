"""Changing a competition's rule settings (validated, audited before/after)."""
from sqlalchemy import func, select

from ..extensions import db
from ..models import Member, Stage, StagePlan, Team
from ..rules import N_, Rules, SettingsError, team_settings_of, validate_awards_fit
from ..rules.team_rules import team_violations
from .audit import bump_live, record
from .setup_base import lock_unarchived


def check_rules(competition, settings: dict) -> Rules:
    """Parse settings (the contest file's `rules` object) or raise SettingsError.

    Problems carry places like "rules.groups.external.weight"; changed award tiers must fit
    the teams entered so far (withdrawn teams are not ranked); a change of team_size or
    distinct_departments must suit every team entered so far.
    """
    stage_keys = db.session.scalars(
        select(Stage.key).where(Stage.competition_id == competition.id)).all()
    rules = Rules.from_dict(settings, list(stage_keys))
    ranked = db.session.scalar(
        select(func.count()).select_from(Team)
        .where(Team.competition_id == competition.id, Team.withdrawn.is_(False)))
    # As with the team settings below, only a change of the tiers is checked: a team that
    # withdrew after the tiers were set must not block an unrelated change (the decimals).
    changed = rules.awards != _stored_awards(competition.rules, stage_keys)
    problems = validate_awards_fit(rules, ranked) if ranked and changed else []
    normalized = db.session.scalar(
        select(Stage.key).join(StagePlan, StagePlan.stage_id == Stage.id)
        .where(Stage.competition_id == competition.id, StagePlan.normalization != "none")
        .limit(1))
    if normalized:  # the same refusal as the contest file's (rules/layout.py)
        problems += [(f"rules.tie_breaks[{i}]",
                      N_("%(value)s cannot be used with a stage normalized across rooms "
                         "(stage %(stage)s)"), {"value": tb, "stage": normalized})
                     for i, tb in enumerate(rules.tie_breaks) if tb.startswith("precise:")]
    new = (rules.team_size, rules.distinct_departments)
    # Only a change is checked: teams that already break the stored settings are the
    # checklist's business, and must not block an unrelated change (the decimals).
    if new != team_settings_of(competition.rules):
        problems += team_violations(_team_departments(competition.id), *new)
    if problems:
        raise SettingsError(problems)
    return rules


def _stored_awards(stored, stage_keys) -> tuple | None:
    """The award tiers of the stored rules, None when they cannot be read (then any is new)."""
    try:
        return Rules.from_dict(stored if isinstance(stored, dict) else {},
                               list(stage_keys)).awards
    except SettingsError:
        return None


def _team_departments(competition_id) -> list[tuple[str, list]]:
    """(team name, [department id or None per member]) of every team, withdrawn included."""
    rows = db.session.execute(
        select(Team.id, Team.name, Member.id, Member.department_id)
        .outerjoin(Member, Member.team_id == Team.id)
        .where(Team.competition_id == competition_id)
        .order_by(Team.key, Member.position)).all()
    teams: dict[int, tuple[str, list]] = {}
    for team_id, name, member_id, dept in rows:
        entry = teams.setdefault(team_id, (name, []))
        if member_id is not None:  # the outer join's row of a team without members
            entry[1].append(dept)
    return list(teams.values())


def update_rules(competition, settings: dict, reason: str = "") -> bool:
    """Save new rule settings; returns False when nothing changed. SettingsError if refused."""
    lock_unarchived(competition.id)  # the team check reads teams a team write could change
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
