"""The projector (现场亮分): draw order, team presenting with its clock, revealed scores, and
the award ceremony after publishing; public, no login, no controls (the operator drives it
from the live page)."""
import threading

from flask import abort, current_app, jsonify, render_template, request
from flask_babel import get_locale
from sqlalchemy import select

from ..extensions import db
from ..models import Competition, Stage, utcnow
from ..operations import hall
from ..operations.projector import projector_stage, projector_state
from ..web.lookups import competition_or_404
from . import bp


def _render(comp, version=None):
    ceremony = hall.ceremony_view(comp)
    if ceremony is not None:
        return render_template("public/_ceremony.html", competition=comp, ceremony=ceremony)
    states = db.session.scalars(select(Stage.state).filter_by(competition_id=comp.id)).all()
    if states and all(s == "published" for s in states):
        return render_template("public/_ceremony.html", competition=comp, ceremony=None)
    stage = projector_stage(comp, request.args.get("stage"))
    state = projector_state(comp, stage, version) if stage is not None else None
    clock = None
    if stage is not None and stage.state != "published":
        clock = hall.timer_view(hall.timer_of(stage))
        if clock and (clock["phase"] == "idle" or clock["team"] is None
                      or clock["team"].key in state["shown"]):
            clock = None  # the team's revealed scores take the screen once shown
    return render_template("public/_projector_body.html", competition=comp, stage=stage,
                           state=state, clock=clock)


# Rendered bodies for the poll, by (competition, stage asked for, live version,
# language): every projector and preview open in the hall asks for the same body after
# each change, and one render serves them all. The version is in the key, so a body is
# never stale; the clock in it carries the server time it was computed at, so the
# browsers count right.
# Kept per app (app.extensions), so two apps in one process never share bodies.
_BODIES_LOCK = threading.Lock()


def _body(comp, version):
    bodies = current_app.extensions.setdefault("projector_bodies", {})
    key = (comp.id, request.args.get("stage"), version, str(get_locale()))
    with _BODIES_LOCK:
        html = bodies.get(key)
    if html is None:
        html = _render(comp, version)
        with _BODIES_LOCK:
            if len(bodies) > 64:
                bodies.clear()
            bodies[key] = html
    return html


@bp.route("/projector/<key>")
def projector(key):
    """The big screen: updates itself whenever the organizer reveals or a sheet arrives."""
    comp = competition_or_404(key, public=True)
    return render_template("public/projector.html", competition=comp,
                           body=_render(comp),  # fresh: a reload shows every change
                           version=comp.live_version, now_ms=hall.epoch_ms(utcnow()))


# The endpoint keeps its name "projector_state" (role table, caching rule, poll URL).
@bp.route("/projector/<key>/state", endpoint="projector_state")
def projector_state_json(key):
    """{"changed": false} when ?v= is the live version (one column read), else the new body.

    Every answer carries the server's time (`now`, ms) so the clock counts from it.
    """
    version = db.session.scalar(select(Competition.live_version).filter_by(key=key))
    if version is None:
        abort(404)
    now = hall.epoch_ms(utcnow())
    if request.args.get("v") == str(version):
        return jsonify({"changed": False, "version": version, "now": now})
    comp = competition_or_404(key, public=True)
    return jsonify({"changed": True, "version": version, "now": now,
                    "html": _body(comp, version)})

