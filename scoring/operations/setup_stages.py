"""Stages, their rubric (criteria) and their lifecycle draft -> open -> closed -> published."""
from decimal import Decimal

from ..extensions import db
from ..models import Criterion, Stage
from ..rules import decimal_text
from ..rules.errors import N_
from ..rules.text import fold
from .audit import bump_live, record
from .hall import stop_clock
from .published import refuse_if_published
from .setup_base import (
    SetupError,
    check_decimal,
    check_key,
    check_text,
    lock_unarchived,
    sheets_exist,
)

# (from, to) -> (audit action, reason required)
TRANSITIONS = {
    ("draft", "open"): ("stage.open", False),
    ("open", "closed"): ("stage.close", False),
    ("closed", "open"): ("stage.reopen", True),
    ("closed", "published"): ("stage.publish", False),
    ("published", "closed"): ("stage.unpublish", True),
}
MAX_SCORE = Decimal("100000")
# A rubric row's required field left empty: the message names the row and the field.
MISSING = {
    "key": N_("Rubric row %(row)s: fill in the criterion's key."),
    "name": N_("Rubric row %(row)s: fill in the criterion's name."),
}


def weight_sum(competition) -> Decimal:
    """The sum of the stage weights (rule 4 wants 1)."""
    return sum((s.weight for s in competition.stages), Decimal(0))


def _stage_snapshot(stage) -> dict:
    """A stage and its rubric as plain values for the audit log."""
    return {"key": stage.key, "name": stage.name, "weight": decimal_text(stage.weight),
            "comment_required": bool(stage.comment_required),
            "criteria": [{"key": c.key, "name": c.name, "max": decimal_text(c.max),
                          "step": decimal_text(c.step)} for c in stage.criteria]}


def parse_criteria(rows) -> list[dict]:
    """Checked criteria from form rows (dicts key/name/description/max/step/id/remove).

    Blank rows are skipped: a row with no key, name, maximum or description is blank
    even when it carries a step (the form pre-fills the spare rows' step, so a stage
    saved unchanged sends them back). SetupError names the row (1-based) and the field.
    """
    out, keys = [], set()
    for index, row in enumerate(rows, start=1):
        if row.get("remove"):
            continue
        if not any((row.get(f) or "").strip() for f in ("key", "name", "max", "description")):
            continue
        where = f"criteria-{index}"
        try:
            key = check_key(row.get("key"), "key")
            name = check_text(row.get("name"), "name", 200)
            description = check_text(row.get("description"), "description", 2000,
                                     required=False)
            maximum = check_decimal(row.get("max"), "max", places=3, above_zero=True,
                                    maximum=MAX_SCORE)
            step = check_decimal(row.get("step") or "1", "step", places=3, above_zero=True,
                                 maximum=MAX_SCORE)
        except SetupError as e:
            if e.message == "This field is required." and e.field in MISSING:
                # Said where it is: the bare "This field is required." may end up flashed
                # at the top of a long rubric, far from its row.
                e.message, e.params = MISSING[e.field], {"row": index}
            e.field = f"{where}-{e.field}"
            raise
        if (maximum / step) != (maximum / step).to_integral_value():
            raise SetupError(N_("the maximum %(max)s is not a multiple of the step %(step)s"),
                             {"max": decimal_text(maximum), "step": decimal_text(step)},
                             f"{where}-max")
        if fold(key) in keys:
            raise SetupError(N_('"%(key)s" is used twice'), {"key": key}, f"{where}-key")
        keys.add(fold(key))
        out.append({"id": row.get("id"), "key": key, "name": name, "description": description,
                    "max": maximum, "step": step})
    return out


def _rubric_changes(stage, criteria) -> bool:
    """True when criteria change anything scores depend on (keys, maxima, steps, count)."""
    now = [(c.key, c.max, c.step) for c in stage.criteria]
    new = [(c["key"], c["max"], c["step"]) for c in criteria]
    return sorted(now) != sorted(new)


def save_stage(competition, stage, *, key, name, weight, criteria,
               comment_required=None) -> Stage:
    """Create (stage None) or update a stage and its whole rubric at once.

    Refused with SetupError when the stage already has score sheets and the change would
    alter what they were scored against (keys, maxima, steps); names may still be fixed.
    `comment_required` (None: unchanged) is whether judges must write a comment (评语) on
    every sheet of the stage; it is audited with the rest.

    Checked under the competition lock, on rows read after it: a judge's first sheet
    committed while the form was being filled in is seen, and none can come until this
    change commits (every sheet write takes the lock first).
    """
    lock_unarchived(competition.id, *([stage] if stage is not None else []))
    key = check_key(key, "key")
    name = check_text(name, "name", 200)
    weight = check_decimal(weight, "weight", places=4, minimum=Decimal(0), maximum=Decimal(1))
    criteria = parse_criteria(criteria)
    # Locking read: a stage saved a moment ago is seen also on MariaDB (see save_team).
    positions = []
    for other_id, other_key, position in db.session.execute(
            db.select(Stage.id, Stage.key, Stage.position)
            .where(Stage.competition_id == competition.id).with_for_update()):
        positions.append(position)
        if (stage is None or other_id != stage.id) and fold(other_key) == fold(key):
            raise SetupError(N_('a stage with the key "%(key)s" already exists'),
                             {"key": key}, "key")
    before = _stage_snapshot(stage) if stage is not None else None
    if stage is None:
        stage = Stage(competition=competition, key=key, name=name, weight=weight,
                      state="draft",
                      position=max(positions, default=-1) + 1)
        db.session.add(stage)
    else:
        has_sheets = sheets_exist(stage_id=stage.id)
        if has_sheets and (key != stage.key or _rubric_changes(stage, criteria)):
            raise SetupError(N_('Stage "%(stage)s" already has score sheets: its rubric '
                                '(keys, maxima, steps, criteria) can no longer change. '
                                'Names and descriptions can still be corrected.'),
                             {"stage": stage.name})
        if weight != stage.weight:  # the ranking of a published stage would change
            refuse_if_published(stage_id=stage.id)
        stage.key, stage.name, stage.weight = key, name, weight
    by_key = {c.key: c for c in stage.criteria}
    for position, data in enumerate(criteria):
        crit = by_key.pop(data["key"], None)
        if crit is None:
            crit = Criterion(key=data["key"])
            stage.criteria.append(crit)
        crit.name, crit.description = data["name"], data["description"]
        crit.max, crit.step, crit.position = data["max"], data["step"], position
    for crit in by_key.values():
        stage.criteria.remove(crit)
    if comment_required is not None:
        stage.comment_required = bool(comment_required)
    db.session.flush()
    record("stage.create" if before is None else "stage.update", competition=competition,
           obj=stage, summary=f"{stage.key} {stage.name}", before=before,
           after=_stage_snapshot(stage))
    return stage


def delete_stage(stage) -> None:
    """Remove a stage with its rubric; refused once it has score sheets or left draft
    (both read under the competition lock: a stage opened, or a first sheet saved, while
    the organizer clicked is seen)."""
    lock_unarchived(stage.competition_id, stage)
    if stage.state != "draft" or sheets_exist(stage_id=stage.id):
        raise SetupError(N_('Stage "%(stage)s" has been opened or has score sheets and '
                            'cannot be deleted.'), {"stage": stage.name})
    competition = stage.competition
    record("stage.delete", competition=competition, obj=stage,
           summary=f"{stage.key} {stage.name}", before=_stage_snapshot(stage))
    competition.stages.remove(stage)
    db.session.flush()


def move_stage(stage, direction: int) -> None:
    """Move a stage one place up (-1) or down (+1) in the order."""
    lock_unarchived(stage.competition_id)
    stages = list(stage.competition.stages)
    index = stages.index(stage)
    other = index + direction
    if not 0 <= other < len(stages):
        return
    stages[index], stages[other] = stages[other], stages[index]
    for position, s in enumerate(stages):
        s.position = position
    record("stage.reorder", competition=stage.competition, obj=stage, summary=stage.key,
           after={"order": [s.key for s in stages]})
    db.session.flush()


def open_problems(stage) -> list[tuple]:
    """Why a stage cannot be opened yet, as (message, params); empty when it can."""
    out = []
    competition = stage.competition
    if not stage.criteria:
        out.append((N_('Stage "%(stage)s" has no criteria yet.'), {"stage": stage.name}))
    if competition.archived:
        out.append((N_("The competition is archived."), {}))
    if not competition.teams:
        out.append((N_("There are no teams yet."), {}))
    elif competition.draw_at is None or any(t.draw_position is None for t in competition.teams):
        out.append((N_("Make the draw first: every team needs a draw position."), {}))
    return out


def change_state(stage, target: str, reason: str = "") -> None:
    """Move a stage along its lifecycle (allowed steps only), audited; live pages refresh.

    Under the competition lock, from the stage row as it is now: a judge's write in
    progress commits before the stage closes, and one waiting for the lock then finds
    the stage closed (sheets.lock_competition).
    """
    lock_unarchived(stage.competition_id, stage)
    step = TRANSITIONS.get((stage.state, target))
    if step is None:
        raise SetupError(N_('Stage "%(stage)s" cannot go from %(from)s to %(to)s.'),
                         {"stage": stage.name, "from": stage.state, "to": target})
    action, needs_reason = step
    reason = (reason or "").strip()
    if needs_reason and not reason:
        raise SetupError(N_("Give a reason for this change."), {}, "reason")
    if target == "open" and stage.state == "draft":
        problems = open_problems(stage)
        if problems:
            raise SetupError(*problems[0])
    before = stage.state
    stage.state = target
    if target in ("closed", "published"):
        stop_clock(stage)
        stage.current_team_id = None  # nobody presents in a closed stage (live.set_presenting)
    record(action, competition=stage.competition, obj=stage, summary=stage.name,
           before={"state": before}, after={"state": target}, reason=reason)
    bump_live(stage.competition)
    db.session.flush()


def publish_problems(competition) -> list[tuple]:
    """Why the results cannot be published yet, as (message, params); empty when they can."""
    out = []
    if not competition.stages:
        out.append((N_("There is no stage yet."), {}))
    for stage in competition.stages:
        if stage.state == "open":
            out.append((N_('Stage "%(stage)s" is still open for scoring: close it first.'),
                        {"stage": stage.name}))
        elif stage.state == "draft":
            out.append((N_('Stage "%(stage)s" has not been scored yet.'),
                        {"stage": stage.name}))
    return out


def publish_results(competition, reason: str = "") -> list:
    """Publish every closed stage at once (the results page's button); returns them."""
    problems = publish_problems(competition)
    if problems:
        raise SetupError(*problems[0])
    published = []
    for stage in competition.stages:
        if stage.state == "closed":
            change_state(stage, "published", reason)
            published.append(stage)
    return published
