"""Judge login by private link; the judge's home, score sheets and offline service worker."""
from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import Criterion, Score, ScoreSheet, Stage, Team
from ..operations import sheet_access, sheet_reads
from ..rules import N_, decimal_text, sheet_total
from ..web.security import (
    current_judge,
    find_judge_by_link,
    judge_required,
    login_judge,
    logout_judge,
)
from . import bp

STATUS_LABELS = {
    "not_started": N_("Not started"), "draft": N_("Draft"), "submitted": N_("Submitted"),
    "recused": N_("Recused"), "withdrawn": N_("Withdrawn"),
}


@bp.route("/j/<link>")
def enter(link):
    """Log a judge in from their private link or QR code: no password to type."""
    judge = find_judge_by_link(link)
    if judge is None:
        abort(404)
    login_judge(judge)
    db.session.commit()
    return redirect(url_for("judge.home"))


@bp.route("/judge/logout", methods=["POST"])
def logout():
    """End this tablet's judge session (a shared tablet); it then shows how to log in."""
    logout_judge()
    db.session.commit()
    flash(_("You are logged out. To score again, scan the QR code on your judge card "
            "or open your private link."), "info")
    return redirect(url_for("public.index"))


def teams_in_draw_order(competition_id) -> list:
    """The competition's teams in presentation order (undrawn teams last, by key)."""
    teams = db.session.scalars(select(Team).where(Team.competition_id == competition_id)).all()
    return sorted(teams, key=lambda t: (t.draw_position is None, t.draw_position or 0, t.key))


def open_stages(competition_id) -> list:
    """The stages judges may score now."""
    return list(db.session.scalars(select(Stage).filter_by(
        competition_id=competition_id, state="open").order_by(Stage.position, Stage.id)))


def _own_scores(judge, stage_ids) -> dict:
    """{sheet id: {criterion key: Decimal}} of the judge's sheets in these stages, one query.

    What sheet_reads.sheet_scores gives sheet by sheet, read at once for the home page.
    """
    out: dict = {}
    if not stage_ids:
        return out
    rows = db.session.execute(
        select(Score.sheet_id, Criterion.key, Score.value)
        .join(Criterion, Criterion.id == Score.criterion_id)
        .join(ScoreSheet, ScoreSheet.id == Score.sheet_id)
        .where(ScoreSheet.judge_id == judge.id, ScoreSheet.stage_id.in_(stage_ids)))
    for sheet_id, key, value in rows:
        out.setdefault(sheet_id, {})[key] = value
    return out


def home_rows(judge) -> list:
    """[(stage, [{team, status, total, current}])] for each open stage, teams in draw order."""
    stages = open_stages(judge.competition_id)
    teams = teams_in_draw_order(judge.competition_id)
    # This judge's recusals only (not the whole competition's judges x teams).
    recusals = sheet_access.recusal_states(judge, teams)
    own_sheets: dict = {}
    if stages:
        for s in db.session.scalars(select(ScoreSheet).where(
                ScoreSheet.judge_id == judge.id,
                ScoreSheet.stage_id.in_([st.id for st in stages]))):
            own_sheets.setdefault(s.stage_id, {})[s.team_id] = s
    scores = _own_scores(judge, [st.id for st in stages])
    out = []
    for stage in stages:
        own = own_sheets.get(stage.id, {})
        rows = []
        for team in teams:
            sheet = own.get(team.id)
            if recusals[team.id].recused:
                status = "recused"
            elif team.withdrawn:
                status = "withdrawn"
            elif sheet is None:
                status = "not_started"
            else:
                status = sheet.status
            total = None
            if sheet is not None and status != "recused":
                total = decimal_text(sheet_total(scores.get(sheet.id, {})))
            rows.append({"team": team, "status": status, "total": total,
                         "current": stage.current_team_id == team.id})
        out.append((stage, rows))
    return out


def _i18n() -> dict:
    """Strings judge.js shows, translated here (the script itself holds no text)."""
    return {
        "sent": _("All scores are sent."),
        "saving": _("Saved on this tablet; sending…"),
        "waiting": _("Saved on this tablet; waiting for network…"),
        "refused": _("Not accepted: %(message)s"),
        "empty": _("Enter a score"),
        "nan": _("%(value)s is not a number"),
        "below": _("%(value)s is below the minimum 0"),
        "above": _("%(value)s is above the maximum %(max)s"),
        "step": _("%(value)s is not a multiple of the step %(step)s"),
        "missing": _("Some criteria are not scored yet."),
        "fix": _("Correct the marked scores first."),
        "submitted_local": _("Submitted on this tablet; it will be sent when the network is back."),
        "submitted_at": _("Submitted at %(time)s"),
        "status": {k: _(v) for k, v in STATUS_LABELS.items()},
        "pending": _("Waiting to send"),
    }


def _config(judge, **extra) -> dict:
    config = {"judge": judge.id, "i18n": _i18n(), "sw": url_for("judge.service_worker"),
              "home": url_for("judge.home"), "state": url_for("judge.api_state")}
    config.update(extra)
    return config


@bp.route("/judge/")
@judge_required
def home():
    """The judge's own page: open stages, teams in draw order, each sheet's status."""
    judge = current_judge()
    stages = home_rows(judge)
    urls = [url_for("judge.sheet", stage_key=s.key, team_key=r["team"].key)
            for s, rows in stages for r in rows if r["status"] not in ("recused",)]
    version = judge.competition.live_version
    return render_template("judge/home.html", judge=judge, stages=stages,
                           labels=STATUS_LABELS,
                           config=_config(judge, page="home", version=version, prefetch=urls))


@bp.route("/judge/s/<stage_key>/<team_key>")
@judge_required
def sheet(stage_key, team_key):
    """The score sheet of one team: large controls, running total, saved as you go."""
    judge = current_judge()
    stage = db.session.scalars(select(Stage).filter_by(
        competition_id=judge.competition_id, key=stage_key)).first()
    team = db.session.scalars(select(Team).filter_by(
        competition_id=judge.competition_id, key=team_key)).first()
    if stage is None or team is None:
        abort(404)
    try:
        sheet_access.check_judge_access(judge, stage, team, write=False)
    except sheet_reads.SheetRefused as e:
        return render_template("errors/error.html", status=e.status, title=_("Not allowed"),
                               message=e.message), e.status
    criteria = list(db.session.scalars(select(Criterion).where(Criterion.stage_id == stage.id)
                                       .order_by(Criterion.position, Criterion.id)))
    row = sheet_reads.find_sheet(judge, team, stage)
    state = sheet_reads.sheet_state(row) if row is not None else {
        "id": None, "status": "draft", "version": 0, "scores": {}, "total": "0",
        "submitted_at": None, "source": "judge"}
    crit = [{"key": c.key, "name": c.name, "max": decimal_text(c.max),
             "step": decimal_text(c.step)} for c in criteria]
    blocked = None
    if team.withdrawn:
        blocked = _("The team %(team)s has withdrawn; it is not scored.", team=team.name)
    elif sheet_access.is_absent(judge, stage):
        blocked = _("You are marked absent for this stage; ask the organizer.")
    config = _config(
        judge, page="sheet", stage=stage.key, team=team.key, sheet=state, criteria=crit,
        blocked=blocked,
        draft_url=url_for("judge.api_draft", stage_key=stage.key, team_key=team.key),
        submit_url=url_for("judge.api_submit", stage_key=stage.key, team_key=team.key))
    return render_template("judge/sheet.html", judge=judge, stage=stage, team=team,
                           criteria=criteria, state=state, config=config, blocked=blocked,
                           decimal_text=decimal_text)


@bp.route("/judge/sw.js")
def service_worker():
    """The service worker that keeps judge pages usable offline (scope /judge/)."""
    assets = [url_for("static", filename=f) for f in
              ("css/app.css", "css/judge.css", "js/app.js", "js/judge.js", "favicon.svg")]
    body = render_template("judge/sw.js", assets=assets, home=url_for("judge.home"),
                           version=current_app.config.get("SCORING_SW_VERSION", "1"))
    response = make_response(body)
    response.headers["Content-Type"] = "application/javascript; charset=utf-8"
    response.headers["Service-Worker-Allowed"] = "/judge/"
    response.headers["Cache-Control"] = "no-cache"
    return response
