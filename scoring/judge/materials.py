"""The teams' materials on the judge's stage page: which teams have pages (in the page's
config), and the page images, fetched by the page as soon as it loads so that a judge
reads them with the network cut (DESIGN sections 10 and 11)."""
from flask import abort, current_app, send_file, url_for
from flask_babel import gettext as _

from ..extensions import db
from ..imports.materials import stored_path
from ..models import Material
from ..operations import sheet_access, sheet_reads
from ..operations.materials import stage_materials
from ..web.security import current_judge, judge_required
from . import bp

# The page's own URL pattern for a page image; judge.js-side code fills in both numbers.
URL_PATTERN_ARGS = {"material_id": 0, "page": 0}


def material_config(stages_rows) -> dict:
    """{"url": pattern, "teams": {stage key: {team key: [material id, pages]}}}.

    Only teams the judge may score get theirs (not recused, not withdrawn).
    """
    found = stage_materials([stage.id for stage, _rows in stages_rows])
    teams: dict = {}
    for stage, rows in stages_rows:
        for r in rows:
            m = found.get((r["team"].id, stage.id))
            if m is not None and r["status"] not in ("recused", "withdrawn"):
                teams.setdefault(stage.key, {})[r["team"].key] = [m.id, len(m.pages)]
    url = url_for("judge.material_page", **URL_PATTERN_ARGS)
    return {"url": url.replace("/0/0", "/MID/PAGE"), "teams": teams}


def material_i18n() -> dict:
    """The texts materials.js shows (sent only when a team has materials: the page
    stays small without them)."""
    return {
        "mat_page": _("Page %(n)s / %(total)s"),
        "mat_loading": _("Loading this page…"),
        "mat_missing": _("This page was not loaded before the network dropped; it comes "
                         "when the network is back."),
        "mat_kept": _("Materials: %(done)s of %(total)s pages kept on this tablet"),
        "mat_all": _("Materials: all %(total)s pages kept on this tablet (readable "
                     "without network)"),
    }


@bp.route("/judge/m/<int:material_id>/<int:page>")
@judge_required
def material_page(material_id, page):
    """One page image of a team's material, for a judge who may score that team now."""
    judge = current_judge()
    material = db.session.get(Material, material_id)
    if material is None:
        abort(404)
    try:
        sheet_access.check_judge_access(judge, material.stage, material.team, write=False)
    except sheet_reads.SheetRefused as e:
        abort(e.status)
    pages = material.pages
    if not 1 <= page <= len(pages):
        abort(404)
    path = stored_path(current_app.instance_path, pages[page - 1], "webp")
    if not path.is_file():  # the folder was not restored with the database
        abort(404)
    return send_file(path, mimetype="image/webp")
