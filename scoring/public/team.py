"""A team's own page, opened from the private link on its team card (no account):
its materials per stage, an upload until the stage's deadline, and its feedback report
once results are published (DESIGN section 11). Another team's data never appears."""
from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import Stage
from ..operations import materials as ops
from ..operations.setup_base import SetupError
from ..rules import RuleError
from ..web.downloads import attachment
from ..web.i18n import select_locale
from . import bp


def _team_or_404(link):
    team = ops.find_team_by_link(link)
    if team is None:
        abort(404)
    return team


def _stages(team):
    return list(db.session.scalars(select(Stage).filter_by(competition_id=team.competition_id)
                                   .order_by(Stage.position, Stage.id)))


@bp.route("/t/<team_link>")
def team_page(team_link):
    link = team_link
    """The team's page: materials per stage, upload while open, feedback when published."""
    team = _team_or_404(link)
    stages = _stages(team)
    found = ops.stage_materials([s.id for s in stages])
    g.page_title = team.name
    return render_template(
        "public/team.html", team=team, link=link, stages=stages,
        materials={s.id: found.get((team.id, s.id)) for s in stages},
        open_now={s.id: ops.upload_open(s) for s in stages},
        feedback=any(s.state == "published" for s in stages))


@bp.route("/t/<team_link>/upload/<stage_key>", methods=["POST"])
def team_upload(team_link, stage_key):
    link = team_link
    """The team uploads its material for a stage (before the deadline)."""
    from ..imports.materials import MaterialError, error_text, render_files

    team = _team_or_404(link)
    back = redirect(url_for("public.team_page", team_link=link))
    stage = db.session.scalars(select(Stage).filter_by(competition_id=team.competition_id,
                                                       key=stage_key)).first()
    if stage is None:
        abort(404)
    # The CSRF token is checked for every POST by CSRFProtect (extensions.csrf).
    refusal = ops.team_upload_refusal(stage)
    if refusal:
        flash(_(refusal[0], **refusal[1]), "error")
        return back
    ids = team.competition_id, team.id, stage.id
    secret = team.upload_token
    db.session.commit()  # no transaction (no SQLite write lock) while rendering
    try:
        rendered = render_files(current_app.instance_path, request.files.getlist("files"))
    except MaterialError as e:
        flash(error_text(e), "error")
        return back
    try:
        material = ops.save_material(*ids, rendered, "team", secret=secret)
    except SetupError as e:
        db.session.rollback()
        flash(_(e.message, **e.params), "error")
        return back
    db.session.commit()
    flash(_("%(stage)s: %(n)s pages received.", stage=material.stage.name,
            n=len(rendered.pages)), "success")
    return back


@bp.route("/t/<team_link>/feedback.pdf")
def team_feedback(team_link):
    """The team's feedback report (its own scores against the field), once published, in
    the language the team reads its page in."""
    from ..reports import FontError
    from ..reports.feedback import NotPublished, build_team_feedback

    link = team_link
    team = _team_or_404(link)
    try:
        pdf = build_team_feedback(team.competition, team=team.key, require_published=True,
                                  lang=select_locale())
    except NotPublished:
        flash(_("The feedback report comes once the results are published."), "info")
        return redirect(url_for("public.team_page", team_link=link))
    except (FontError, RuleError) as exc:
        flash(_("The report could not be made: %(reason)s", reason=str(exc)), "error")
        return redirect(url_for("public.team_page", team_link=link))
    return attachment(pdf, f"{team.competition.key}-{team.key}-feedback.pdf",
                      "application/pdf")



