"""Departments, teams and their members, and the all-or-nothing spreadsheet import."""
from ..extensions import db
from ..models import Department, Judge, Member, Team
from ..rules.errors import N_
from ..rules.team_rules import departments_required, team_settings_of
from ..rules.text import fold
from .audit import record
from .setup_base import SetupError, check_key, check_text, lock_unarchived, sheet_count
from .setup_rows import remove_recorded
from .sheets import lock_competition


def find_department(competition, name: str):
    """The competition's department of that name, or None.

    Compared as people read them (rules.text.fold): "⼈事处" typed with a Kangxi radical,
    or "ＩＴ部" in full width, is the existing 人事处 or IT部, not a second department
    that would let a judge and a member of the same office escape the recusal rule.
    """
    wanted = fold(name)
    # Locking read (callers hold the competition lock): a department added a moment ago
    # on another connection is seen, also on MariaDB whose plain read may return the
    # transaction's older snapshot; the unique constraint would otherwise answer. No
    # autoflush: an import asks while its new team is still being put together.
    with db.session.no_autoflush:
        return next((d for d in db.session.scalars(
            db.select(Department).where(Department.competition_id == competition.id)
            .with_for_update()) if fold(d.name) == wanted), None)


def add_department(competition, name: str, *, audit: bool = True) -> Department:
    """Add a department (its name unique in the competition)."""
    lock_unarchived(competition.id)
    name = check_text(name, "name", 100)
    if find_department(competition, name) is not None:
        raise SetupError(N_('The department "%(name)s" already exists.'), {"name": name},
                         "name")
    dept = Department(competition=competition, name=name)
    db.session.add(dept)
    db.session.flush()
    if audit:
        record("department.create", competition=competition, obj=dept, summary=name)
    return dept


def department_in_use(dept) -> bool:
    """True when a member or a judge belongs to the department."""
    return (db.session.scalar(db.select(Member.id).filter_by(department_id=dept.id).limit(1))
            is not None or db.session.scalar(
                db.select(Judge.id).filter_by(department_id=dept.id).limit(1)) is not None)


def rename_department(dept, name: str) -> None:
    """Rename a department everywhere it is used (members and judges follow)."""
    lock_unarchived(dept.competition_id)
    name = check_text(name, "name", 100)
    other = find_department(dept.competition, name)
    if other is not None and other is not dept:
        raise SetupError(N_('The department "%(name)s" already exists.'), {"name": name},
                         "name")
    before = dept.name
    dept.name = name
    record("department.rename", competition=dept.competition, obj=dept, summary=name,
           before={"name": before}, after={"name": name})
    db.session.flush()


def delete_department(dept) -> None:
    """Delete a department nobody belongs to."""
    lock_unarchived(dept.competition_id)
    if department_in_use(dept):
        raise SetupError(N_('The department "%(name)s" is still used by a member or a judge.'),
                         {"name": dept.name})
    competition = dept.competition
    record("department.delete", competition=competition, obj=dept, summary=dept.name)
    competition.departments.remove(dept)
    db.session.flush()


def _team_snapshot(team) -> dict:
    return {"key": team.key, "name": team.name,
            "members": [[m.name, m.department.name if m.department else None]
                        for m in team.members]}


def _check_members(competition, team, members) -> list[tuple[str, str]]:
    """Checked (name, department or None) pairs: the team size, the department rule
    of the competition's rules (team_size, distinct_departments), names unique."""
    size, distinct = team_settings_of(competition.rules)
    need_dept = departments_required(size, distinct)
    clean = []
    for index, (name, dept) in enumerate(members, start=1):
        name, dept = (name or "").strip(), (dept or "").strip()
        if not name and not dept:
            continue
        field = f"members-{index}"
        check_text(name, f"{field}-name", 100)
        if dept or need_dept:
            check_text(dept, f"{field}-department", 100)
        clean.append((name, dept, field))
    if len(clean) != size:
        raise SetupError(N_("A team has %(size)s members; %(count)s were given."),
                         {"size": size, "count": len(clean)}, "members")
    seen_names, seen_depts = set(), set()
    for name, dept, field in clean:
        if fold(name) in seen_names:
            raise SetupError(N_('"%(member)s" is listed twice.'), {"member": name},
                             f"{field}-name")
        if distinct and dept and fold(dept) in seen_depts:
            raise SetupError(N_("Two members are from %(department)s: each member of a team "
                                "comes from a different department."), {"department": dept},
                             f"{field}-department")
        seen_names.add(fold(name))
        seen_depts.add(fold(dept))
    others = db.session.scalars(
        db.select(Member.name).join(Team).where(Team.competition_id == competition.id,
                                                Team.id != (team.id if team else -1))
        .with_for_update()).all()
    taken = [n for n in others if fold(n) in seen_names]
    if taken:
        raise SetupError(N_('"%(member)s" is already a member of another team.'),
                         {"member": taken[0]}, "members")
    return [(n, d or None) for n, d, _f in clean]


def save_team(competition, team, *, key, name, members) -> Team:
    """Create (team None) or update a team and its members; new departments are added.

    Under the competition lock: the members' departments decide recusals a judge's write
    is checked against.
    """
    lock_unarchived(competition.id)
    key = check_key(key, "key")
    name = check_text(name, "name", 200)
    # Locking reads: the newest rows, also on MariaDB (see _refuse_taken).
    for other_id, other_key, other_name in db.session.execute(
            db.select(Team.id, Team.key, Team.name)
            .where(Team.competition_id == competition.id).with_for_update()):
        if (team is None or other_id != team.id) and fold(other_key) == fold(key):
            raise SetupError(N_('a team with the key "%(key)s" already exists'), {"key": key},
                             "key")
        if (team is None or other_id != team.id) and fold(other_name) == fold(name):
            raise SetupError(N_('a team named "%(name)s" already exists'), {"name": name},
                             "name")
    pairs = _check_members(competition, team, members)
    before = _team_snapshot(team) if team is not None else None
    if team is None:
        team = Team(competition=competition, key=key, name=name)
        db.session.add(team)
    team.key, team.name = key, name
    team.members.clear()
    db.session.flush()
    for position, (mname, dname) in enumerate(pairs):
        dept = None if dname is None else (find_department(competition, dname)
                                           or add_department(competition, dname))
        team.members.append(Member(name=mname, department=dept, position=position))
    db.session.flush()
    record("team.create" if before is None else "team.update", competition=competition,
           obj=team, summary=f"{team.key} {team.name}", before=before,
           after=_team_snapshot(team))
    return team


def delete_team(team) -> None:
    """Delete a team; refused once it has score sheets (withdraw it instead).

    Counted after the competition lock, as delete_judge does (see there).
    """
    team_id, competition_id = team.id, team.competition_id
    lock_competition(competition_id, fresh=True)
    lock_unarchived(competition_id)
    if sheet_count(team_id=team_id):
        raise SetupError(N_('Team "%(team)s" already has score sheets and cannot be deleted; '
                            'mark it withdrawn instead.'), {"team": team.name})
    remove_recorded(team, team.competition.teams, "team.delete", _team_snapshot(team))


def _refuse_taken(competition, teams) -> None:
    """SetupError when a key, team name or member name of the import is now taken.

    Locking reads: the newest committed rows, also on MariaDB, whose plain reads return
    the snapshot the request's first read took (before the lock)."""
    rows = db.session.execute(db.select(Team.key, Team.name).where(
        Team.competition_id == competition.id).with_for_update()).all()
    keys, names = {fold(k) for k, _n in rows}, {fold(n) for _k, n in rows}
    members = {fold(n) for n in db.session.scalars(
        db.select(Member.name).join(Team, Team.id == Member.team_id)
        .where(Team.competition_id == competition.id).with_for_update())}
    for data in teams:
        if fold(data["key"]) in keys:
            raise SetupError(N_('a team with the key "%(key)s" already exists'),
                             {"key": data["key"]}, "key")
        if fold(data["name"]) in names:
            raise SetupError(N_('a team named "%(name)s" already exists'),
                             {"name": data["name"]}, "name")
        for mname, _dept in data["members"]:
            if fold(mname) in members:
                raise SetupError(N_('"%(member)s" is already a member of another team.'),
                                 {"member": mname}, "members")


def import_teams(competition, teams: list[dict], create_departments: list[str]) -> int:
    """Create the checked teams of an import in one go; returns how many were created.

    `teams` comes from imports.check_team_rows (already free of problems); departments
    in `create_departments` are added first. Any failure raises and the request rolls
    back, so an import is all or nothing. The file was checked against the teams the page
    read before the competition lock; a team saved meanwhile is checked again here.
    """
    lock_unarchived(competition.id)
    _refuse_taken(competition, teams)
    for name in create_departments:
        if find_department(competition, name) is None:
            add_department(competition, name, audit=False)
    competition.departments  # noqa: B018 -- loaded now, not by an autoflush mid-team
    for data in teams:
        team = Team(competition=competition, key=data["key"], name=data["name"])
        for position, (mname, dname) in enumerate(data["members"]):
            dept = find_department(competition, dname) if dname else None
            if dname and dept is None:
                raise SetupError(N_('unknown department "%(department)s"'),
                                 {"department": dname})
            team.members.append(Member(name=mname, department=dept, position=position))
        db.session.add(team)
    db.session.flush()
    record("team.import", competition=competition,
           summary=f"{len(teams)} teams",
           after={"teams": [{"key": t["key"], "name": t["name"],
                             "members": [list(m) for m in t["members"]]} for t in teams],
                  "departments_created": list(create_departments)})
    return len(teams)
