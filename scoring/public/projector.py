"""The projector (现场亮分): draw order, team presenting, revealed scores; public, no login."""
from flask import abort, jsonify, render_template, request
from sqlalchemy import select

from ..extensions import db
from ..models import Competition
from ..operations import live as ops
from ..web.lookups import competition_or_404
from . import bp


def _render(comp):
    stage = ops.projector_stage(comp, request.args.get("stage"))
    state = ops.projector_state(comp, stage) if stage is not None else None
    return render_template("public/_projector_body.html", competition=comp, stage=stage,
                           state=state)


@bp.route("/projector/<key>")
def projector(key):
    """The big screen: updates itself whenever the organizer reveals or a sheet arrives."""
    comp = competition_or_404(key, public=True)
    return render_template("public/projector.html", competition=comp, body=_render(comp),
                           version=comp.live_version)


@bp.route("/projector/<key>/state")
def projector_state(key):
    """{"changed": false} when ?v= is the live version (one column read), else the new body."""
    version = db.session.scalar(select(Competition.live_version).filter_by(key=key))
    if version is None:
        abort(404)
    if request.args.get("v") == str(version):
        return jsonify({"changed": False, "version": version})
    comp = competition_or_404(key, public=True)
    return jsonify({"changed": True, "version": version, "html": _render(comp)})
