"""Creating, copying, renaming and archiving competitions."""
from decimal import Decimal

from ..extensions import db
from ..models import Competition, Criterion, Department, Judge, Stage
from ..rules import Rules
from ..rules.errors import N_
from .audit import record
from .setup_base import COMPETITION_KEY_RE, SetupError, check_key, check_text, lock_unarchived
from .setup_users import queue_for_new_names
from .sheets import lock_for_change
from .tokens import new_token

# The three stages of the contest in DESIGN section 1, with their default weights.
DEFAULT_STAGES = (("plan", "方案设计", "0.3"), ("presentation", "现场展示", "0.5"),
                  ("reflection", "总结反思", "0.2"))


def _new(key: str, name: str) -> Competition:
    """A competition row with checked key and name (key not taken yet)."""
    key = check_key(key, "key", COMPETITION_KEY_RE)
    name = check_text(name, "name", 200)
    queue_for_new_names()  # then a locking read: the newest keys, also on MariaDB
    if db.session.scalar(db.select(Competition.id).filter_by(key=key)
                         .with_for_update()) is not None:
        raise SetupError(N_('a competition with the key "%(key)s" already exists'),
                         {"key": key}, "key")
    competition = Competition(key=key, name=name)
    db.session.add(competition)
    return competition


def create_competition(key: str, name: str, *, default_stages: bool = True) -> Competition:
    """A new competition with the default rules, and the three default stages if asked."""
    competition = _new(key, name)
    # No tie_breaks stored: the default chain then follows the stages that exist
    # (rules.with_default_tie_breaks), never naming a stage the contest does not have.
    rules = Rules().to_dict()
    rules.pop("tie_breaks")
    competition.rules = rules
    if default_stages:
        for position, (skey, sname, weight) in enumerate(DEFAULT_STAGES):
            db.session.add(Stage(competition=competition, key=skey, name=sname,
                                 position=position, weight=Decimal(weight), state="draft"))
    db.session.flush()
    record("competition.create", competition=competition, obj=competition,
           summary=f"{competition.key} {competition.name}",
           after={"key": competition.key, "name": competition.name,
                  "default_stages": default_stages})
    return competition


def copy_competition(source: Competition, key: str, name: str) -> Competition:
    """A new edition from an earlier one: stages, criteria, rules, departments, judges.

    Judges get NEW private links (last year's cards must not work); teams, sheets and
    the draw are not copied.
    """
    competition = _new(key, name)
    competition.rules_json = source.rules_json
    departments = {}
    for dept in source.departments:
        departments[dept.id] = Department(competition=competition, name=dept.name)
        db.session.add(departments[dept.id])
    for stage in source.stages:
        copy = Stage(competition=competition, key=stage.key, name=stage.name,
                     position=stage.position, weight=stage.weight, state="draft")
        # Added before the source's criteria load: that load autoflushes the session.
        db.session.add(copy)
        for crit in stage.criteria:
            copy.criteria.append(Criterion(key=crit.key, name=crit.name,
                                           description=crit.description,
                                           position=crit.position, max=crit.max,
                                           step=crit.step))
    for judge in source.judges:
        db.session.add(Judge(competition=competition, key=judge.key, name=judge.name,
                             panel_group=judge.panel_group, note=judge.note,
                             department=departments.get(judge.department_id),
                             token=new_token()))
    db.session.flush()
    record("competition.copy", competition=competition, obj=competition,
           summary=f"{source.key} -> {competition.key}",
           after={"from": source.key, "key": competition.key, "name": competition.name})
    return competition


def rename_competition(competition: Competition, name: str) -> None:
    """Change the name people read (the key stays: it is in every link)."""
    lock_unarchived(competition.id)
    name = check_text(name, "name", 200)
    before = competition.name
    if name == before:
        return
    competition.name = name
    record("competition.rename", competition=competition, obj=competition, summary=name,
           before={"name": before}, after={"name": name})


def set_archived(competition: Competition, archived: bool, reason: str = "") -> None:
    """Archive (judges' links stop working at once) or bring a competition back.

    Under the competition lock: no judge's write is accepted once the archive committed.
    """
    lock_for_change(competition.id, competition)
    if competition.archived == archived:
        return
    competition.archived = archived
    record("competition.archive" if archived else "competition.unarchive",
           competition=competition, obj=competition, summary=competition.name,
           before={"archived": not archived}, after={"archived": archived}, reason=reason)
