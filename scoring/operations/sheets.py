"""Writing score sheets: save a draft, submit, reopen; versions kept.

Every accepted change bumps the sheet's version by one and keeps a SheetVersion copy, so
a sheet's history is versions 1..n without gaps. The sheet row is read with SELECT ...
FOR UPDATE (PostgreSQL, MariaDB; SQLite serializes writers with BEGIN IMMEDIATE), so two
requests for one sheet never lose a version; two requests creating the same sheet meet
the unique constraint, and the caller retries (idempotency.run_idempotent).
Reading a sheet is in sheet_reads, who may write it in sheet_access.
"""
import json

from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..models import (
    Competition,
    Criterion,
    Score,
    ScoreSheet,
    SheetVersion,
    utcnow,
)
from .audit import bump_live, current_actor, record, record_now
from .sheet_reads import DRAFT, SUBMITTED, SheetRefused, criteria_of, sheet_scores, text_scores

# ---- statements of every sheet write, built once -----------------------------------------
# Building a select() and its cache key takes ~80 µs a statement, more than SQLite takes to
# run it; built once with bind parameters, each request only executes them.

_LOCK_COMPETITION = (select(Competition.id).where(Competition.id == bindparam("cid"))
                     .with_for_update())
_LOCKED_SHEET = (
    select(ScoreSheet).where(ScoreSheet.judge_id == bindparam("judge_id"),
                             ScoreSheet.team_id == bindparam("team_id"),
                             ScoreSheet.stage_id == bindparam("stage_id"))
    .with_for_update().execution_options(populate_existing=True))
# The same row as plain columns, for write_sheet: no ORM object in the session to build,
# track or expire (a commit or rollback leaves the values as read under the lock).
_LOCKED_SHEET_ROW = (
    select(*ScoreSheet.__table__.c)
    .where(ScoreSheet.judge_id == bindparam("judge_id"),
           ScoreSheet.team_id == bindparam("team_id"),
           ScoreSheet.stage_id == bindparam("stage_id"))
    .with_for_update())
_INSERT_SHEET = ScoreSheet.__table__.insert()
_LOCKED_SCORES = (
    select(Score.id, Score.criterion_id, Criterion.key, Score.value)
    .join(Criterion, Criterion.id == Score.criterion_id)
    .where(Score.sheet_id == bindparam("sheet_id")).with_for_update())
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
# The scores and comment a sheet last had when submitted (the "before" of a resubmission).
_LAST_SUBMITTED = (select(SheetVersion.scores_json, SheetVersion.comment)
                   .where(SheetVersion.sheet_id == bindparam("sheet_id"),
                          SheetVersion.status == SUBMITTED)
                   .order_by(SheetVersion.version.desc()).limit(1))


# ---- writing ----------------------------------------------------------------------------

def lock_competition(competition_id, *, fresh: bool = False) -> None:
    """Take the competition row lock first in every sheet write: one lock order, no deadlock.

    Sheet writes of one competition then run one after another (as SQLite does anyway);
    with nine judges that costs nothing, and MariaDB's gap locks can no longer deadlock.
    Every organizer change a write's guards depend on (stage state, withdrawal, absence,
    recusal, archive, departments) takes the same lock first, so a guard checked after
    the lock sees either all of such a change or none of it.
    On SQLite the lock is the transaction itself: see below.

    fresh=True is for a writer that checks its guards after the lock and has written
    nothing yet in this transaction (the judge API, paper entry). On MariaDB (REPEATABLE
    READ) a plain SELECT sees the snapshot taken by the transaction's first plain read,
    and the request already read before the lock (the judge's session, the sheet's stage
    and team): a stage closed between that read and the lock would still look open. So
    the transaction is ended there and the lock is the first statement of the next one:
    a locking read takes no snapshot, and the first plain read after the lock then sees
    every change committed before it (tests/judging/test_guards.py). PostgreSQL (READ
    COMMITTED) reads each statement afresh; its loaded objects are read again by the
    caller (populate_existing). Ending the transaction expires every loaded object, so
    pass competition_id as a plain value, never an attribute read after this call.
    """
    session = db.session()
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        # Begins the transaction if none is open: BEGIN IMMEDIATE (database/engine.py),
        # the database's write lock, held to the commit. It was taken by the request's
        # first statement, so everything the request read is already what the database
        # holds. SQLite has no row locks and drops FOR UPDATE; nothing more is sent.
        session.connection()
        return
    # Taken once per transaction: the API takes it before the idempotency check and the
    # sheet write asks again; a second SELECT ... FOR UPDATE of a row already locked by
    # this transaction would only cost a round trip. A new transaction (after a commit or
    # rollback) is a new object, so it always locks again.
    held = session.info.get("competition_lock")
    txn = session.get_transaction()
    if held is not None and txn is not None and held[0] is txn and held[1] == competition_id:
        return
    if fresh and dialect in ("mysql", "mariadb") and txn is not None:
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("lock_competition(fresh=True) would discard pending changes")
        session.rollback()
    session.execute(_LOCK_COMPETITION, {"cid": competition_id})
    session.info["competition_lock"] = (session.get_transaction(), competition_id)


def lock_for_change(competition_id, *rows) -> None:
    """An organizer change that a sheet write's guards depend on: the competition lock,
    then each row to change read again with a locking read.

    A locking read returns the newest committed row (also on MariaDB, whose plain reads
    may return the transaction's older snapshot), so the change starts from what the
    database holds, and waits for any sheet write in progress to commit first.
    """
    lock_competition(competition_id)
    for row in rows:
        db.session.refresh(row, with_for_update=True)


def locked_sheet(judge_id, team_id, stage_id):
    """The sheet row, locked for this transaction, freshly read (never a stale cached copy)."""
    return db.session.scalars(_LOCKED_SHEET, {"judge_id": judge_id, "team_id": team_id,
                                              "stage_id": stage_id}).first()


def _sheet_of_row(row) -> ScoreSheet:
    """A ScoreSheet holding a row's values, never added to the session (see write_sheet)."""
    return ScoreSheet(**row._mapping)


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
                criteria=None, comment: str | None = None):
    """Save values as a draft or submit them; returns (sheet, scores, unchanged).

    Refuses (SheetRefused 409) to change a submitted sheet and, for drafts, a stale
    base_version. An unchanged draft, or a repeated identical submission, writes nothing.
    `criteria` is the stage's rubric (criteria_of(stage)) when the caller already has it.
    `comment` (评语) is saved and versioned with the scores; None keeps the sheet's own.
    """
    criteria = criteria_of(stage) if criteria is None else criteria
    actor = actor or current_actor()
    lock_competition(judge.competition_id)
    # The sheet is read and written as plain rows; the ScoreSheet returned (and audited)
    # holds the values but is never in the session: no unit-of-work flush, and a rollback
    # has no object to forget, so a retry that gets the same id back (SQLite reuses it)
    # is not confused by a stale one.
    row = db.session.connection().execute(_LOCKED_SHEET_ROW, {
        "judge_id": judge.id, "team_id": team.id, "stage_id": stage.id}).first()
    created = row is None
    if created:
        # Inserted below, once its first version is known: one INSERT with the final
        # status and version instead of an INSERT and an UPDATE.
        sheet = ScoreSheet(judge_id=judge.id, team_id=team.id, stage_id=stage.id,
                           status=DRAFT, version=0, source=source, comment=None)
    else:
        sheet = _sheet_of_row(row)
    # A sheet this request creates has no scores yet (a concurrent creator fails on the
    # unique constraint when it inserts), so there is nothing to read back.
    before, rows = ({}, {}) if created else _locked_scores(sheet)
    after = {k: v for k, v in values.items() if v is not None}
    old_comment = sheet.comment or ""
    new_comment = old_comment if comment is None else comment
    same = after == before and new_comment == old_comment
    if sheet.status == SUBMITTED:
        if submit and same:
            return sheet, before, True
        raise SheetRefused(409, _("This sheet is already submitted and locked. Ask the "
                                  "organizer to reopen it to change a score."), sheet=sheet)
    if not submit and base_version is not None and base_version != sheet.version:
        raise SheetRefused(409, _("This sheet was changed elsewhere; the newest version was "
                                  "loaded."), sheet=sheet)
    if not submit and not created and same:
        return sheet, before, True
    changes = {"version": sheet.version + 1, "source": source, "comment": new_comment or None}
    if submit:
        changes.update(status=SUBMITTED, submitted_at=utcnow())
    # The sheet row first: its id and the foreign keys below need it.
    if created:
        # One INSERT; a concurrent creator of the same sheet makes it raise
        # IntegrityError (the unique constraint): the caller retries.
        for key, value in changes.items():
            setattr(sheet, key, value)
        sheet.updated_at = utcnow()
        columns = {c.key: getattr(sheet, c.key) for c in ScoreSheet.__table__.c
                   if c.key != "id"}
        result = db.session.connection().execute(_INSERT_SHEET, columns)
        sheet.id = result.inserted_primary_key[0]
    else:
        _update_sheet(sheet, **changes)
    _set_scores(sheet, criteria, rows, values)
    # Read before this version is written: the audit's "before" is the last submission.
    submitted_before = {} if created or not submit else _submitted_before(sheet.id)
    db.session.connection().execute(_INSERT_VERSION, {
        "sheet_id": sheet.id, "version": sheet.version, "status": sheet.status,
        "scores_json": json.dumps(text_scores(after), sort_keys=True), "actor": actor,
        "reason": reason, "comment": new_comment or None})
    if submit:
        record_now("sheet.submit", competition=judge.competition_id, obj=sheet, actor=actor,
                   summary=f"{judge.key} / {team.key} / {stage.key} v{sheet.version} ({source})",
                   before=submitted_before,
                after=_with_comment(text_scores(after), new_comment), reason=reason)
    bump_live(judge.competition_id)
    return sheet, after, False


def _submitted_before(sheet_id) -> dict:
    """What the sheet held when it was last submitted (scores and comment), {} if never.

    The "before" of a submission in the audit log: a corrected sheet shows the correction
    (17.5 -> 18.5), not the draft the judge saved on the way (already 18.5).
    """
    row = db.session.connection().execute(_LAST_SUBMITTED, {"sheet_id": sheet_id}).first()
    if row is None:
        return {}
    return _with_comment(json.loads(row.scores_json), row.comment or "")


def _with_comment(scores: dict, comment: str) -> dict:
    """An audit before/after: the scores, and the comment when there is one."""
    return dict(scores, comment=comment) if comment else scores


def reopen(sheet, reason: str, actor: str | None = None):
    """An organizer reopens a submitted sheet: back to draft, version + 1, history kept.

    Refused on an archived competition and on a published stage (operations/published.py).
    """
    # Imported here: both modules import this one (the lock).
    from .published import StagePublished, refuse_if_published
    from .setup_base import SetupError, lock_unarchived

    actor = actor or current_actor()
    try:
        lock_unarchived(sheet.judge.competition_id)
        refuse_if_published(stage_id=sheet.stage_id)
    except StagePublished as e:
        raise SheetRefused(409, e.translated()) from None
    except SetupError as e:  # archived
        raise SheetRefused(403, _(e.message, **e.params)) from None
    locked = locked_sheet(sheet.judge_id, sheet.team_id, sheet.stage_id)
    if locked is None or locked.status != SUBMITTED:
        raise SheetRefused(409, _("Only a submitted sheet can be reopened."))
    scores = text_scores(sheet_scores(locked, lock=True))
    before = {"status": locked.status, "version": locked.version, "scores": scores}
    locked.status = DRAFT
    locked.version += 1
    locked.submitted_at = None
    db.session.add(SheetVersion(sheet_id=locked.id, version=locked.version, status=DRAFT,
                                scores_json=json.dumps(scores, sort_keys=True), actor=actor,
                                reason=reason, comment=locked.comment))
    record("sheet.reopen", competition=locked.judge.competition_id, obj=locked, actor=actor,
           summary=f"{locked.judge.key} / {locked.team.key} / {locked.stage.key}",
           before=before, after={"status": DRAFT, "version": locked.version, "scores": scores},
           reason=reason)
    bump_live(locked.judge.competition_id)
    db.session.flush()
    return locked
