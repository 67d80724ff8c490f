"""Judges: add, edit, delete, and regenerate their private links."""
from ..extensions import db
from ..models import PANEL_GROUPS, Judge
from ..rules.errors import N_
from ..rules.text import fold
from .audit import record
from .setup_base import SetupError, check_key, check_text, lock_unarchived, sheet_count
from .setup_rows import remove_recorded
from .setup_teams import add_department, find_department
from .sheets import lock_competition
from .tokens import new_token, regenerate_token


def _snapshot(judge) -> dict:
    return {"key": judge.key, "name": judge.name, "group": judge.panel_group,
            "department": judge.department.name if judge.department else None,
            "note": judge.note}


def unknown_department_error(competition, name, field="department") -> SetupError:
    """The refusal of a department the competition does not have, naming the closest."""
    import difflib

    close = difflib.get_close_matches(name, sorted(d.name for d in competition.departments),
                                      n=3, cutoff=0.5)
    if close:
        return SetupError(N_('"%(department)s" is not a department of this competition; did '
                             'you mean %(close)s? To add it as a new department, tick the box.'),
                          {"department": name, "close": "、".join(close)}, field)
    return SetupError(N_('"%(department)s" is not a department of this competition yet; to '
                         'add it, tick the box.'), {"department": name}, field)


def save_judge(competition, judge, *, key, name, group, department="", note="",
               new_department=False) -> Judge:
    """Create (judge None, with a fresh private link) or update a judge.

    A department the competition does not have is refused (a typo would silently stop
    the recusal rule) unless new_department says to add it. Under the competition lock:
    the department decides recusals a judge's write is checked against.
    """
    lock_unarchived(competition.id)
    key = check_key(key, "key")
    name = check_text(name, "name", 100)
    note = check_text(note, "note", 2000, required=False)
    department = check_text(department, "department", 100, required=False)
    if group not in PANEL_GROUPS:
        raise SetupError(N_('"%(value)s" is not one of %(choices)s'),
                         {"value": group, "choices": ", ".join(PANEL_GROUPS)}, "group")
    # Locking read: the newest rows, also on MariaDB (see setup_teams.save_team); a judge
    # saved a moment ago is answered on the key field, not by the unique constraint.
    for other_id, other_key in db.session.execute(
            db.select(Judge.id, Judge.key).where(Judge.competition_id == competition.id)
            .with_for_update()):
        if (judge is None or other_id != judge.id) and fold(other_key) == fold(key):
            raise SetupError(N_('a judge with the key "%(key)s" already exists'),
                             {"key": key}, "key")
    dept = None
    if department:
        dept = find_department(competition, department)
        if dept is None and not new_department:
            raise unknown_department_error(competition, department)
        dept = dept or add_department(competition, department)
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
    """Delete a judge; refused once they have score sheets (mark them absent instead).

    Counted after the competition lock, which every sheet write takes first: a first sheet
    committed just before is counted, and none can follow until this request ends (the
    delete would otherwise cascade to a sheet its judge was told was saved).
    """
    judge_id, competition_id = judge.id, judge.competition_id
    lock_competition(competition_id, fresh=True)
    lock_unarchived(competition_id)
    if sheet_count(judge_id=judge_id):
        raise SetupError(N_('Judge "%(judge)s" already has score sheets and cannot be '
                            'deleted; mark them absent for a stage instead.'),
                         {"judge": judge.name})
    remove_recorded(judge, judge.competition.judges, "judge.delete", _snapshot(judge))


def regenerate_link(judge, reason: str = "") -> None:
    """A new private link: the old link and every session opened with it end at once."""
    lock_unarchived(judge.competition_id)
    regenerate_token(judge, check_text(reason, "reason", 2000, required=False))
    db.session.flush()


def import_judges(competition, judges) -> int:
    """Create the checked judges of an import (imports.judges), all or nothing; each is
    checked again under the competition lock (save_judge)."""
    for row in judges:
        save_judge(competition, None, key=row["key"], name=row["name"], group=row["group"],
                   department=row["department"], note=row["note"])
    return len(judges)
