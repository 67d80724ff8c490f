"""Judges: add, edit, delete, and regenerate their private links."""
from ..extensions import db
from ..models import PANEL_GROUPS, Judge
from ..rules.errors import N_
from .audit import record
from .setup_base import SetupError, check_key, check_text, sheet_count
from .setup_teams import add_department, find_department
from .sheets import lock_competition
from .tokens import new_token, regenerate_token


def _snapshot(judge) -> dict:
    return {"key": judge.key, "name": judge.name, "group": judge.panel_group,
            "department": judge.department.name if judge.department else None,
            "note": judge.note}


def save_judge(competition, judge, *, key, name, group, department="", note="") -> Judge:
    """Create (judge None, with a fresh private link) or update a judge.

    A department typed that the competition does not have yet is added. Under the
    competition lock: the department decides recusals a judge's write is checked against.
    """
    lock_competition(competition.id)
    key = check_key(key, "key")
    name = check_text(name, "name", 100)
    note = check_text(note, "note", 2000, required=False)
    department = check_text(department, "department", 100, required=False)
    if group not in PANEL_GROUPS:
        raise SetupError(N_('"%(value)s" is not one of %(choices)s'),
                         {"value": group, "choices": ", ".join(PANEL_GROUPS)}, "group")
    for other in competition.judges:
        if other is not judge and other.key == key:
            raise SetupError(N_('a judge with the key "%(key)s" already exists'),
                             {"key": key}, "key")
    dept = None
    if department:
        dept = find_department(competition, department) or add_department(competition,
                                                                           department)
    before = _snapshot(judge) if judge is not None else None
    if judge is None:
        judge = Judge(competition=competition, token=new_token())
        db.session.add(judge)
    judge.key, judge.name, judge.panel_group = key, name, group
    judge.department, judge.note = dept, note
    db.session.flush()
    record("judge.create" if before is None else "judge.update", competition=competition,
           obj=judge, summary=f"{judge.key} {judge.name}", before=before,
           after=_snapshot(judge))
    return judge


def delete_judge(judge) -> None:
    """Delete a judge; refused once they have score sheets (mark them absent instead)."""
    if sheet_count(judge_id=judge.id):
        raise SetupError(N_('Judge "%(judge)s" already has score sheets and cannot be '
                            'deleted; mark them absent for a stage instead.'),
                         {"judge": judge.name})
    competition = judge.competition
    record("judge.delete", competition=competition, obj=judge,
           summary=f"{judge.key} {judge.name}", before=_snapshot(judge))
    competition.judges.remove(judge)
    db.session.flush()


def regenerate_link(judge, reason: str = "") -> None:
    """A new private link: the old link and every session opened with it end at once."""
    regenerate_token(judge, check_text(reason, "reason", 2000, required=False))
    db.session.flush()
