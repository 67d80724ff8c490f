"""The venue CA on the organizer's pages: its QR code on the venue page and a printable
card (HTTPS mode, web/venue_ca.py and docs/operations.md)."""
from flask import current_app, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from ...web import venue_ca
from ...web.venue import VenueError
from .. import bp
from .common import admin_only
from .judges import qr_data_uri


def ca_context(app) -> dict:
    """What the venue page and the card show of the CA: {} when there is none."""
    try:
        cert = venue_ca.ca_certificate(app.instance_path)
    except venue_ca.CAError:
        return {}
    try:
        url, problem = venue_ca.download_url(app), None
    except VenueError as e:
        url, problem = None, e.message
    return {"ca_url": url, "ca_problem": problem, "ca_qr": qr_data_uri(url) if url else None,
            "ca_fingerprint": venue_ca.fingerprint(cert),
            "ca_until": cert.not_valid_after_utc.date().isoformat(),
            "https_on": bool(app.config.get("SCORING_HTTPS"))}


@bp.route("/venue/ca-card")
@admin_only
def setup_venue_ca_card():
    """A printable card: the QR code to the CA certificate and how to install it."""
    context = ca_context(current_app._get_current_object())
    if not context.get("ca_url"):
        flash(context.get("ca_problem") or _("There is no venue certificate yet: run "
                                             "`scoring venue-ca` on the server."), "error")
        return redirect(url_for("admin.setup_venue"))
    g.page_title = _("Venue certificate card")
    return render_template("admin/setup/venue_ca_card.html", **context)
