"""The judge page's JSON API: save a draft, submit, read state. Every write is idempotent."""

from flask import jsonify, request
from flask_babel import gettext as _
from sqlalchemy import bindparam, select

from ..extensions import db
from ..models import Competition, Stage, Team
from ..operations import idempotency, sheet_access, sheet_reads, sheets
from ..web import jsonbody
from ..web.security import current_judge, judge_identity, judge_required
from . import bp

# A sheet is a few dozen short values; anything bigger is a mistake or an attack.
API_BODY_LIMIT = 64 * 1024

# The stage and the team of one sheet in one statement, built once. The join on the
# competition only pairs the two single-row lookups (both keys are unique per competition).
_STAGE_AND_TEAM = (
    select(Stage, Team).join(Team, Team.competition_id == Stage.competition_id)
    .where(Stage.competition_id == bindparam("cid"), Stage.key == bindparam("stage"),
           Team.key == bindparam("team")))

_LIVE_VERSION = select(Competition.live_version).where(Competition.id == bindparam("cid"))


def _answer(status: int, body: dict):
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def _refused(status: int, message: str):
    return _answer(status, {"ok": False, "error": message, "errors": {}})


def read_body():
    """The JSON object sent (web/jsonbody.py), or a (status, message) refusal."""
    length = request.content_length
    if length is not None and length > API_BODY_LIMIT:
        return None, (413, _("What was sent is larger than %(limit)s KB.",
                             limit=API_BODY_LIMIT // 1024))
    raw = request.stream.read(API_BODY_LIMIT + 1) if length is None else request.get_data()
    if len(raw) > API_BODY_LIMIT:
        return None, (413, _("What was sent is larger than %(limit)s KB.",
                             limit=API_BODY_LIMIT // 1024))
    try:
        return jsonbody.parse_object(raw), None
    except jsonbody.BodyRefused as e:
        return None, (400, e.message)


def _target(stage_key: str, team_key: str):
    """(stage, team) of the judge's competition, or a (status, message) refusal."""
    judge = judge_identity()
    row = db.session.execute(_STAGE_AND_TEAM, {"cid": judge.competition_id, "stage": stage_key,
                                               "team": team_key}).first()
    if row is None:
        return None, None, (404, _("There is no such sheet."))
    return row[0], row[1], None


def _write(stage_key: str, team_key: str, submit: bool):
    judge = judge_identity()
    data, problem = read_body()
    if problem:
        return _refused(*problem)
    key = data.get("idempotency_key")
    if not idempotency.valid_key(key):
        return _refused(400, _("The request has no valid idempotency key; reload the page."))
    base = data.get("base_version")
    if base is not None and (isinstance(base, bool) or not isinstance(base, int)):
        return _refused(400, _("base_version must be a whole number."))
    judge_id, target = judge.id, None

    def locate():
        # After the competition lock (run_idempotent takes it first): the stage, the team
        # and every fact the rules need, in one statement, so a stage closed or a team
        # withdrawn while this request waited for the lock refuses the write. The
        # fingerprint names the rows found, as a retry of this request will.
        nonlocal target
        target = sheet_access.write_target(judge_id, stage_key, team_key)
        return idempotency.fingerprint(target.stage.id, target.team.id, submit,
                                       data.get("scores"), base, data.get("comment"))

    def action():
        sheet_access.check_write(target)
        j, st, tm, criteria = target.judge, target.stage, target.team, target.criteria
        values = sheet_reads.clean_scores(criteria, data.get("scores"), complete=submit)
        comment = sheet_reads.clean_comment(data.get("comment"),
                                            required=submit and st.comment_required)
        # The actor current_actor() names for a judge's request, without asking
        # Flask-Login (its user loader) who else might be logged in: nobody, a judge's
        # session holds a judge only (security.login_judge).
        sheet, scores, unchanged = sheets.write_sheet(j, tm, st, values, submit=submit,
                                                      base_version=base, criteria=criteria,
                                                      comment=comment, actor=f"judge:{j.key}")
        body = {"ok": True, "unchanged": unchanged, "sheet": sheet_reads.sheet_state(sheet, scores)}
        return 200, body, sheet

    status, body = idempotency.run_idempotent(judge, key, action, locate)
    return _answer(status, body)


@bp.route("/judge/api/sheet/<stage_key>/<team_key>/draft", methods=["PUT"])
@judge_required
def api_draft(stage_key, team_key):
    """Save the sheet as a draft: {scores, comment, base_version, idempotency_key}."""
    return _write(stage_key, team_key, submit=False)


@bp.route("/judge/api/sheet/<stage_key>/<team_key>/submit", methods=["POST"])
@judge_required
def api_submit(stage_key, team_key):
    """Submit the sheet: {scores, comment, idempotency_key}; it is then locked."""
    return _write(stage_key, team_key, submit=True)


@bp.route("/judge/api/sheet/<stage_key>/<team_key>", methods=["GET"])
@judge_required
def api_sheet(stage_key, team_key):
    """The sheet as the server holds it (status, version, scores)."""
    judge = current_judge()
    stage, team, problem = _target(stage_key, team_key)
    if problem:
        return _refused(*problem)
    try:
        sheet_access.check_judge_access(judge, stage, team, write=False)
    except sheet_reads.SheetRefused as e:
        return _answer(e.status, e.body())
    sheet = sheet_reads.find_sheet(judge, team, stage)
    state = sheet_reads.sheet_state(sheet) if sheet is not None else None
    return _answer(200, {"ok": True, "sheet": state})


@bp.route("/judge/api/state")
@judge_required
def api_state():
    """What the judge's home shows: the team presenting and each sheet's status.

    Answers {"changed": false} from a single-column read when ?v= is the live version.
    """
    # Plain statements on the connection: tablets send this every few seconds.
    version = db.session.connection().scalar(_LIVE_VERSION,
                                             {"cid": judge_identity().competition_id})
    if request.args.get("v") == str(version):
        return _answer(200, {"changed": False, "version": version})
    from .routes import home_rows

    stages = []
    for stage, rows in home_rows(current_judge()):
        stages.append({"key": stage.key,
                       "current": stage.current_team.key if stage.current_team else None,
                       "teams": [[r["team"].key, r["status"]] for r in rows]})
    return _answer(200, {"changed": True, "version": version, "stages": stages})

