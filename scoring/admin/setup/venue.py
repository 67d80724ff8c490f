"""The venue network page: the address tablets use, chosen once (DESIGN section 10).

Every judge link, QR code and printed card is built from this address
(web/venue.public_base_url), never from the address of the organizer's own browser.
"""
from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...operations.audit import record
from ...web import venue
from .. import bp, nav
from .common import admin_only
from .forms import ActionForm
from .venue_ca import ca_context

nav.register(85, "admin.setup_venue", _l("Venue network"), per_competition=False,
             admin_only=True)


@bp.route("/venue", methods=["GET", "POST"])
@admin_only
def setup_venue():
    """Show this computer's LAN addresses and the public address; choose or type one."""
    app = current_app._get_current_object()
    form = ActionForm()
    typed = ""
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        typed = (request.form.get("address") or request.form.get("choice") or "").strip()
        try:
            url = venue.clean_public_url(typed) if typed else None
        except venue.VenueError as e:
            flash(str(e.message), "error")
            status = 422
        else:
            before = venue.chosen_public_url(app)
            venue.save_public_url(app, url)
            record("venue.public_url", before={"public_url": before},
                   after={"public_url": url})
            from ...extensions import db

            db.session.commit()
            flash(_("Judges' links, QR codes and cards now use %(url)s.", url=url)
                  if url else _("The address is chosen automatically again."), "success")
            return redirect(url_for("admin.setup_venue"))
    try:
        current, problem = venue.public_base_url(app), None
    except venue.VenueError as e:
        current, problem = None, e.message
    g.page_title = _("Venue network")
    return render_template(
        "admin/setup/venue.html", form=form, addresses=venue.lan_addresses(),
        port=venue.server_port(app), current=current, problem=problem, typed=typed,
        chosen=venue.chosen_public_url(app),
        fixed=app.config.get("SCORING_PUBLIC_URL") or app.config.get("SCORING_BASE_URL"),
        **ca_context(app)), status
