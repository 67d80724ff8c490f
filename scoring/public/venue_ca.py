"""/venue-ca.crt: the venue CA's certificate, for tablets to install (web/venue_ca.py).

Public on purpose: a certificate is not a secret, and a tablet fetches it before it has
any session. Only the certificate is ever served; the private keys stay in the instance
folder.
"""
from flask import current_app, render_template
from flask_babel import gettext as _

from ..web import venue_ca
from ..web.downloads import attachment
from . import bp

# Android and iOS offer to install a CA certificate served with this type (DER).
CA_MIMETYPE = "application/x-x509-ca-cert"


@bp.route("/venue-ca.crt")
def venue_ca_certificate():
    """The CA certificate (DER); a page saying there is none when HTTPS is not set up."""
    try:
        body = venue_ca.ca_der(current_app.instance_path)
    except venue_ca.CAError:
        return render_template(
            "errors/error.html", status="", title=_("No venue certificate"),
            message=_("This server does not use its own certificate: there is nothing to "
                      "install on this tablet. Open the judge link from your card."))
    return attachment(body, "venue-ca.crt", CA_MIMETYPE)
