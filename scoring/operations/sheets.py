"""Score sheets: save a draft, submit, reopen; idempotent retries; versions kept.

Every accepted change bumps the sheet's version by one and keeps a SheetVersion copy, so
a sheet's history is versions 1..n without gaps. The sheet row is read with SELECT ...
FOR UPDATE (PostgreSQL, MariaDB; SQLite serializes writers with BEGIN IMMEDIATE), so two
requests for one sheet never lose a version; two requests creating the same sheet meet
the unique constraint, and the caller retries (see `run_idempotent`).
"""
import json
import random
import re
import time
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.attributes import set_committed_value

from .. import rules as R
from ..extensions import db
from ..models import (
    Absence,
    Competition,
    Criterion,
    Judge,
    Member,
    Recusal,
    Score,
    ScoreSheet,
    SheetVersion,
    SubmissionKey,
    Team,
    utcnow,
)
from .audit import bump_live, current_actor, record, record_now

DRAFT, SUBMITTED = "draft", "submitted"
_KEY = re.compile(r"[A-Za-z0-9_-]{8,80}")


class SheetRefused(Exception):
    """A write the user can fix or must not make; nothing was changed. Carries the JSON body."""

    def __init__(self, status: int, message: str, errors=None, sheet=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = dict(errors or {})
        self.sheet = sheet

    def body(self) -> dict:
        """The JSON answer: ok false, the message, per-criterion errors, the sheet as it is."""
        out = {"ok": False, "error": self.message, "errors": self.errors}
        if self.sheet is not None:
            out["sheet"] = sheet_state(self.sheet)
        return out


# ---- statements of every sheet write, built once -----------------------------------------
# Building a select() and its cache key takes ~80 µs a statement, more than SQLite takes to
# run it; built once with bind parameters, each request only executes them.

_CRITERIA = (select(Criterion).where(Criterion.stage_id == bindparam("stage_id"))
             .order_by(Criterion.position, Criterion.id))
_LOCK_COMPETITION = (select(Competition.id).where(Competition.id == bindparam("cid"))
                     .with_for_update())
_LOCKED_SHEET = (
    select(ScoreSheet).where(ScoreSheet.judge_id == bindparam("judge_id"),
                             ScoreSheet.team_id == bindparam("team_id"),
                             ScoreSheet.stage_id == bindparam("stage_id"))
    .with_for_update().execution_options(populate_existing=True))
_LOCKED_SCORES = (
    select(Score.id, Score.criterion_id, Criterion.key, Score.value)
    .join(Criterion, Criterion.id == Score.criterion_id)
    .where(Score.sheet_id == bindparam("sheet_id")).with_for_update())
_ABSENT = select(Absence.id).where(Absence.judge_id == bindparam("judge_id"),
                                   Absence.stage_id == bindparam("stage_id"))
_TEAM_MEMBERS = (select(Member.team_id, Member.department_id)
                 .where(Member.team_id == bindparam("team_id")))
_MANUAL_RECUSALS = (select(Recusal.team_id, Recusal.reason, Recusal.lift)
                    .where(Recusal.judge_id == bindparam("judge_id")).order_by(Recusal.id))
_MANUAL_RECUSAL_OF_TEAM = _MANUAL_RECUSALS.where(Recusal.team_id == bindparam("team_id"))
_STORED_KEY = (select(SubmissionKey.judge_id, SubmissionKey.response_json)
               .where(SubmissionKey.key == bindparam("key")).with_for_update())
# Plain writes: nothing in the request reads these rows back as objects, so they need no
# ORM object and no unit-of-work flush (column defaults such as created_at still apply).
_UPDATE_SHEET = (update(ScoreSheet.__table__)
                 .where(ScoreSheet.__table__.c.id == bindparam("sheet_id")))
_INSERT_SCORES = Score.__table__.insert()
_UPDATE_SCORE = (update(Score.__table__).where(Score.__table__.c.id == bindparam("score_id"))
                 .values(value=bindparam("new_value", type_=Score.__table__.c.value.type)))
_DELETE_SCORES = delete(Score.__table__).where(
    Score.__table__.c.id.in_(bindparam("score_ids", expanding=True)))
_INSERT_VERSION = SheetVersion.__table__.insert()
_INSERT_KEY = SubmissionKey.__table__.insert()


# ---- reading ----------------------------------------------------------------------------

def criteria_of(stage) -> list:
    """The stage's rubric in display order."""
    return list(db.session.scalars(_CRITERIA, {"stage_id": stage.id}))


def sheet_scores(sheet, lock=False) -> dict:
    """{criterion key: Decimal} of a sheet; a criterion without a row is not scored."""
    if sheet is None or sheet.id is None:
        return {}
    q = (select(Criterion.key, Score.value).join(Criterion, Criterion.id == Score.criterion_id)
         .where(Score.sheet_id == sheet.id))
    if lock:
        q = q.with_for_update()
    return {k: v for k, v in db.session.execute(q)}


def text_scores(values: dict) -> dict:
    """Decimal values as plain strings ("21.5"); None stays None."""
    return {k: (None if v is None else R.decimal_text(v)) for k, v in values.items()}


def sheet_state(sheet, scores=None) -> dict:
    """The JSON view of a sheet the judge page works from."""
    scores = sheet_scores(sheet) if scores is None else scores
    return {
        "id": sheet.id, "status": sheet.status, "version": sheet.version,
        "source": sheet.source, "scores": text_scores(scores),
        "total": R.decimal_text(R.sheet_total(scores)),
        "submitted_at": sheet.submitted_at.isoformat() + "Z" if sheet.submitted_at else None,
    }


def find_sheet(judge, team, stage):
    """The sheet of this judge, team and stage, or None."""
    return db.session.scalars(select(ScoreSheet).filter_by(
        judge_id=judge.id, team_id=team.id, stage_id=stage.id)).first()


def recusal_map(competition) -> dict:
    """RecusalState for every (judge id, team id) of a competition (rule 2, manual rows too)."""
    from ..models import Department

    cid = competition.id
    depts = dict(db.session.execute(
        select(Department.id, Department.name).where(Department.competition_id == cid)).all())
    judges = db.session.execute(select(Judge.id, Judge.key, Judge.panel_group,
                                       Judge.department_id)
                                .where(Judge.competition_id == cid)).all()
    teams = db.session.execute(select(Team.id, Team.key).where(Team.competition_id == cid)).all()
    members: dict = {}
    for tid, did in db.session.execute(
            select(Member.team_id, Member.department_id).join(Team, Team.id == Member.team_id)
            .where(Team.competition_id == cid)):
        members.setdefault(tid, []).append(depts.get(did))
    jkey = {j.id: j.key for j in judges}
    tkey = {t.id: t.key for t in teams}
    manual = [R.Recusal(jkey[r.judge_id], tkey[r.team_id], r.reason or "", bool(r.lift))
              for r in db.session.execute(
                  select(Recusal.judge_id, Recusal.team_id, Recusal.reason, Recusal.lift)
                  .join(Judge, Judge.id == Recusal.judge_id).where(Judge.competition_id == cid))]
    matrix = R.recusal_matrix(
        [R.Judge(j.key, j.panel_group, depts.get(j.department_id)) for j in judges],
        [R.Team(t.key, None, tuple(members.get(t.id, ()))) for t in teams], manual)
    return {(j.id, t.id): matrix[(j.key, t.key)] for j in judges for t in teams}


def _department_names(competition_id, ids) -> dict:
    """{department id: name} of the competition's departments among ids (others: absent)."""
    from ..models import Department

    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(
        select(Department.id, Department.name)
        .where(Department.competition_id == competition_id, Department.id.in_(ids))).all())


def recusal_states(judge, teams) -> dict:
    """{team id: RecusalState} of one judge for the given teams (rule 2, manual rows too).

    The same rule as recusal_map (rules.recusal_matrix), fed with this judge's department,
    these teams' member departments and this judge's manual rows only: the work grows with
    the teams asked about, not with judges x teams of the whole competition.
    """
    teams = list(teams)
    cid = judge.competition_id
    members: dict = {t.id: [] for t in teams}
    names: dict = {}
    if judge.department_id is not None and teams:
        # A judge without a department is never recused automatically (rules.automatic_recusal),
        # so the members' departments are only read when they can matter.
        if len(teams) == 1:
            rows = db.session.execute(_TEAM_MEMBERS, {"team_id": teams[0].id}).all()
        else:
            rows = db.session.execute(
                select(Member.team_id, Member.department_id)
                .join(Team, Team.id == Member.team_id).where(Team.competition_id == cid)).all()
        names = _department_names(cid, [judge.department_id] + [d for _, d in rows])
        for tid, did in rows:
            if tid in members:
                members[tid].append(names.get(did))
    if len(teams) == 1:
        manual_rows = db.session.execute(_MANUAL_RECUSAL_OF_TEAM,
                                         {"judge_id": judge.id, "team_id": teams[0].id})
    else:
        manual_rows = db.session.execute(_MANUAL_RECUSALS, {"judge_id": judge.id})
    tkey = {t.id: t.key for t in teams}
    manual = [R.Recusal(judge.key, tkey[r.team_id], r.reason or "", bool(r.lift))
              for r in manual_rows if r.team_id in tkey]
    matrix = R.recusal_matrix(
        [R.Judge(judge.key, judge.panel_group, names.get(judge.department_id))],
        [R.Team(t.key, None, tuple(members[t.id])) for t in teams], manual)
    return {t.id: matrix[(judge.key, t.key)] for t in teams}


def is_recused(judge, team) -> bool:
    """Rule 2 for one pair, counting the organizer's manual decisions."""
    return recusal_states(judge, [team])[team.id].recused


def is_absent(judge, stage) -> bool:
    """Whether the organizer marked this judge absent for the stage."""
    return db.session.scalar(_ABSENT, {"judge_id": judge.id, "stage_id": stage.id}) is not None


def check_judge_access(judge, stage, team, write: bool) -> None:
    """Raise SheetRefused unless this judge may see (write=False) or change this sheet."""
    if stage.competition_id != judge.competition_id or team.competition_id != judge.competition_id:
        raise SheetRefused(404, _("There is no such sheet."))
    if stage.state != "open":
        raise SheetRefused(403, _("The stage %(stage)s is not open for scoring.",
                                  stage=stage.name))
    if is_recused(judge, team):
        raise SheetRefused(403, _("You do not score the team %(team)s (recusal).",
                                  team=team.name))
    if write and team.withdrawn:
        raise SheetRefused(409, _("The team %(team)s has withdrawn; it is not scored.",
                                  team=team.name))
    if write and is_absent(judge, stage):
        raise SheetRefused(409, _("You are marked absent for this stage; ask the organizer."))


# ---- validating -------------------------------------------------------------------------

def clean_scores(criteria, scores, complete: bool) -> dict:
    """{criterion key: Decimal or None} from what a client sent, or SheetRefused naming each
    bad value.

    Keys not sent are "not scored"; complete=True (a submission) needs every criterion.
    """
    if not isinstance(scores, dict):
        raise SheetRefused(400, _("The scores must be sent as an object of criterion to value."))
    by_key = {c.key: c for c in criteria}
    errors, names = {}, {}
    for key in scores:
        if key not in by_key:
            errors[str(key)[:64]] = _('unknown criterion "%(criterion)s"', criterion=str(key)[:64])
            names[str(key)[:64]] = str(key)[:64]
    values = {}
    for c in criteria:
        raw = scores.get(c.key)
        if raw is None:
            if complete:
                errors[c.key] = _("Enter a score")
                names[c.key] = c.name
            else:
                values[c.key] = None
            continue
        if isinstance(raw, bool) or not isinstance(raw, (str, int, Decimal)):
            errors[c.key] = _("%(value)s is not a number", value=type(raw).__name__)
            names[c.key] = c.name
            continue
        try:
            values[c.key] = R.parse_score(raw, c)
        except R.ScoreError as e:
            errors[c.key] = _(e.message, **e.params)
            names[c.key] = c.name
    if errors:
        summary = "; ".join(_("%(criterion)s: %(message)s", criterion=names[k], message=m)
                            for k, m in errors.items())
        raise SheetRefused(422, summary, errors)
    return values


# ---- writing ----------------------------------------------------------------------------

def lock_competition(competition_id) -> None:
    """Take the competition row lock first in every sheet write: one lock order, no deadlock.

    Sheet writes of one competition then run one after another (as SQLite does anyway);
    with nine judges that costs nothing, and MariaDB's gap locks can no longer deadlock.
    On SQLite the lock is the transaction itself: see below.
    """
    session = db.session()
    # Begins the transaction if none is open. On SQLite that is BEGIN IMMEDIATE
    # (dbsetup): the database's write lock, held to the commit, which already serializes
    # every writer. SQLite has no row locks and drops FOR UPDATE from the SQL, so the
    # SELECT below would lock nothing more there; it is not sent.
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        return
    # Taken once per transaction: the API takes it before the idempotency check and the
    # sheet write asks again; a second SELECT ... FOR UPDATE of a row already locked by
    # this transaction would only cost a round trip. A new transaction (after a commit or
    # rollback) is a new object, so it always locks again.
    held = session.info.get("competition_lock")
    txn = session.get_transaction()
    if held is not None and txn is not None and held[0] is txn and held[1] == competition_id:
        return
    session.execute(_LOCK_COMPETITION, {"cid": competition_id})
    session.info["competition_lock"] = (session.get_transaction(), competition_id)


def _locked_sheet(judge_id, team_id, stage_id):
    """The sheet row, locked for this transaction, freshly read (never a stale cached copy)."""
    return db.session.scalars(_LOCKED_SHEET, {"judge_id": judge_id, "team_id": team_id,
                                              "stage_id": stage_id}).first()


def _locked_scores(sheet) -> tuple:
    """({criterion key: Decimal}, {criterion id: (score id, Decimal)}) of a sheet, rows locked.

    One locking read serves both the "before" values (as sheet_scores(lock=True) gives
    them) and the rows _set_scores changes. Plain rows, always what the database holds.
    """
    rows = db.session.connection().execute(_LOCKED_SCORES, {"sheet_id": sheet.id}).all()
    return ({r.key: r.value for r in rows},
            {r.criterion_id: (r.id, r.value) for r in rows})


def _update_sheet(sheet, **values) -> None:
    """UPDATE a loaded sheet's row as one plain statement; the object takes the same values.

    The values are set as the object's committed state (set_committed_value), so the
    session holds what the row now holds and has nothing left to flush for it.
    """
    values["updated_at"] = utcnow()
    db.session.connection().execute(_UPDATE_SHEET, dict(values, sheet_id=sheet.id))
    for key, value in values.items():
        set_committed_value(sheet, key, value)


def _set_scores(sheet, criteria, rows: dict, values: dict) -> None:
    """Make the sheet's score rows (rows: {criterion id: (id, value)}) equal values.

    None means no row. Plain statements: one DELETE for the rows to remove, one UPDATE
    per changed value (executemany), one multi-row INSERT for the new ones; nothing in
    the request reads Score objects back. The sheet row is written already (foreign key).
    """
    by_key = {c.key: c for c in criteria}
    new, changed, gone = [], [], []
    for key, value in values.items():
        crit = by_key[key]
        row = rows.get(crit.id)
        if value is None:
            if row is not None:
                gone.append(row[0])
        elif row is None:
            new.append({"sheet_id": sheet.id, "criterion_id": crit.id, "value": value})
        elif row[1] != value:
            changed.append({"score_id": row[0], "new_value": value})
    connection = db.session.connection()
    if gone:
        connection.execute(_DELETE_SCORES, {"score_ids": gone})
    if changed:
        connection.execute(_UPDATE_SCORE, changed)
    if new:
        connection.execute(_INSERT_SCORES, new)


def write_sheet(judge, team, stage, values: dict, *, submit: bool, base_version=None,
                source: str = "judge", actor: str | None = None, reason: str = "",
                criteria=None):
    """Save values as a draft or submit them; returns (sheet, scores, unchanged).

    Refuses (SheetRefused 409) to change a submitted sheet and, for drafts, a stale
    base_version. An unchanged draft, or a repeated identical submission, writes nothing.
    `criteria` is the stage's rubric (criteria_of(stage)) when the caller already has it.
    """
    criteria = criteria_of(stage) if criteria is None else criteria
    actor = actor or current_actor()
    lock_competition(judge.competition_id)
    sheet = _locked_sheet(judge.id, team.id, stage.id)
    created = sheet is None
    if created:
        # Inserted below, once its first version is known: one INSERT with the final
        # status and version instead of an INSERT and an UPDATE.
        sheet = ScoreSheet(judge_id=judge.id, team_id=team.id, stage_id=stage.id,
                           status=DRAFT, version=0, source=source)
    # A sheet this request creates has no scores yet (a concurrent creator fails on the
    # unique constraint when it is flushed), so there is nothing to read back.
    before, rows = ({}, {}) if created else _locked_scores(sheet)
    after = {k: v for k, v in values.items() if v is not None}
    if sheet.status == SUBMITTED:
        if submit and after == before:
            return sheet, before, True
        raise SheetRefused(409, _("This sheet is already submitted and locked. Ask the "
                                  "organizer to reopen it to change a score."), sheet=sheet)
    if not submit and base_version is not None and base_version != sheet.version:
        raise SheetRefused(409, _("This sheet was changed elsewhere; the newest version was "
                                  "loaded."), sheet=sheet)
    if not submit and not created and after == before:
        return sheet, before, True
    changes = {"version": sheet.version + 1, "source": source}
    if submit:
        changes.update(status=SUBMITTED, submitted_at=utcnow())
    # The sheet row first: its id and the foreign keys below need it.
    if created:
        # Through the ORM (one INSERT): a rollback then forgets the object, so a retry
        # that gets the same id back (SQLite reuses it) can add its own. A concurrent
        # creator of the same sheet makes the flush raise IntegrityError: retried.
        for key, value in changes.items():
            setattr(sheet, key, value)
        db.session.add(sheet)
        db.session.flush()
    else:
        _update_sheet(sheet, **changes)
    _set_scores(sheet, criteria, rows, values)
    db.session.connection().execute(_INSERT_VERSION, {
        "sheet_id": sheet.id, "version": sheet.version, "status": sheet.status,
        "scores_json": json.dumps(text_scores(after), sort_keys=True), "actor": actor,
        "reason": reason})
    if submit:
        record_now("sheet.submit", competition=judge.competition_id, obj=sheet, actor=actor,
                   summary=f"{judge.key} / {team.key} / {stage.key} v{sheet.version} ({source})",
                   before=text_scores(before), after=text_scores(after), reason=reason)
    bump_live(judge.competition_id)
    return sheet, after, False


def reopen(sheet, reason: str, actor: str | None = None):
    """An organizer reopens a submitted sheet: back to draft, version + 1, history kept."""
    actor = actor or current_actor()
    lock_competition(sheet.judge.competition_id)
    locked = _locked_sheet(sheet.judge_id, sheet.team_id, sheet.stage_id)
    if locked is None or locked.status != SUBMITTED:
        raise SheetRefused(409, _("Only a submitted sheet can be reopened."))
    scores = text_scores(sheet_scores(locked, lock=True))
    before = {"status": locked.status, "version": locked.version, "scores": scores}
    locked.status = DRAFT
    locked.version += 1
    locked.submitted_at = None
    db.session.add(SheetVersion(sheet_id=locked.id, version=locked.version, status=DRAFT,
                                scores_json=json.dumps(scores, sort_keys=True), actor=actor,
                                reason=reason))
    record("sheet.reopen", competition=locked.judge.competition_id, obj=locked, actor=actor,
           summary=f"{locked.judge.key} / {locked.team.key} / {locked.stage.key}",
           before=before, after={"status": DRAFT, "version": locked.version, "scores": scores},
           reason=reason)
    bump_live(locked.judge.competition_id)
    db.session.flush()
    return locked


# ---- idempotency ------------------------------------------------------------------------

def valid_key(key) -> bool:
    """An idempotency key is 8-80 letters, digits, '-' or '_' (a UUID is)."""
    return isinstance(key, str) and bool(_KEY.fullmatch(key))


def replay(judge, key: str):
    """The stored (status, body) for a key this judge already used, or None if it is new."""
    # A locking read: on MariaDB a plain read could see a snapshot older than the lock.
    # Plain columns, not an ORM object: always what the database holds now.
    row = db.session.connection().execute(_STORED_KEY, {"key": key}).first()
    if row is None:
        return None
    if row.judge_id != judge.id:
        return 409, {"ok": False, "error": _("This request key was already used.")}
    stored = json.loads(row.response_json)
    body = stored["body"]
    body["replayed"] = True
    return stored["status"], body


def remember(judge, key: str, sheet, status: int, body: dict) -> None:
    """Keep the answer to key, so a retry of the same request gets it again and writes nothing."""
    # Executed at once: a concurrent request with the same key fails here on the unique
    # constraint (IntegrityError), is retried and then finds this answer.
    db.session.connection().execute(_INSERT_KEY, {
        "key": key, "judge_id": judge.id, "sheet_id": sheet.id if sheet is not None else None,
        "response_json": json.dumps({"status": status, "body": body})})


def retryable(exc) -> bool:
    """A conflict another transaction caused: a unique clash, a deadlock, a lock wait."""
    if isinstance(exc, IntegrityError):
        return True
    if isinstance(exc, OperationalError):
        orig = getattr(exc, "orig", None)
        code = orig.args[0] if orig is not None and getattr(orig, "args", None) else None
        state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
        return code in (1205, 1213) or state in ("40001", "40P01") or \
            "database is locked" in str(orig)
    return False


def run_idempotent(judge, key: str, action, attempts: int = 6):
    """Run action() -> (status, body, sheet) once per key, committing; returns (status, body).

    A retried key gets the stored answer. A conflict with a concurrent request rolls the
    whole transaction back and runs again from a fresh read, so nothing is half-done.
    """
    for attempt in range(attempts):
        try:
            lock_competition(judge.competition_id)
            stored = replay(judge, key)
            if stored is not None:
                db.session.rollback()
                return stored
            status, body, sheet = action()
            remember(judge, key, sheet, status, body)
            db.session.commit()
            return status, body
        except SheetRefused as e:
            db.session.rollback()
            return e.status, e.body()
        except (IntegrityError, OperationalError) as e:
            db.session.rollback()
            if not retryable(e) or attempt == attempts - 1:
                raise
            time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
    raise RuntimeError("unreachable")
