"""Published results for everyone (no login): only stages whose state is 'published' count."""
import base64
import io
import ipaddress
from urllib.parse import urlsplit

from flask import abort, current_app, g, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import rules as R
from ..extensions import db
from ..models import Competition, Stage, Team
from ..results.exports import number_text
from ..results.standings import contest_input
from ..web import venue
from ..web.venue import VenueError, chosen_public_url, clean_public_url, public_base_url
from . import bp


def share_link(key) -> str:
    """The address to share: under the organizer's public address when one is set, else
    the address this page was opened at (a visitor reached it, so others can), except a
    loopback one: opened on the server's own laptop, the page gives the venue network's
    address that the judges' cards carry, never 127.0.0.1 (a dead link on every phone).

    The Host header is whatever the visitor's device sent: empty, it made the link
    "http:/results/..."; a name of the sender's choosing ("evil.example") put an
    attacker's host into the link the projector shows. So the page's own address is used
    only when it names this computer (one of its network addresses); any other goes to
    the venue address, and with none, the link is the path alone.
    """
    base = current_app.config.get("SCORING_PUBLIC_URL") or chosen_public_url(current_app)
    try:
        base = clean_public_url(base) if base else None
    except (VenueError, ValueError):
        base = None
    own = _own_address(request.host)
    if base is None and own != "lan":
        try:
            base = public_base_url(current_app)
        except VenueError:  # no venue network: the page's own address is all there is
            base = None
    path = url_for("public.results", key=key)
    if base:
        return base.rstrip("/") + path
    return request.host_url.rstrip("/") + path if own else path


def _own_address(host: str):
    """"lan" when a Host header names one of this computer's network addresses,
    "loopback" for 127.x, ::1 or localhost, None for anything else (empty, another
    name, a malformed header)."""
    try:
        if _loopback(host or ""):
            return "loopback"
        parts = urlsplit("//" + (host or ""))
        name, _port = parts.hostname, parts.port  # port: ValueError when not a number
    except ValueError:
        return None
    return "lan" if name and name in venue.lan_addresses() else None


def _loopback(host: str) -> bool:
    """Whether a Host header names this computer only (127.x, ::1, localhost)."""
    name = urlsplit("//" + host).hostname or ""
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def qr_svg_uri(text: str) -> str:
    """An SVG QR code of text as a data: URI (made here: no image from another host)."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    image = qrcode.make(text, image_factory=SvgPathImage, border=2,
                        error_correction=qrcode.constants.ERROR_CORRECT_M)
    out = io.BytesIO()
    image.save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode("ascii")


@bp.route("/results/")
def results_index():
    """The competitions with at least one published stage."""
    published = (select(Stage.competition_id).where(Stage.state == "published")
                 .group_by(Stage.competition_id))
    competitions = db.session.scalars(
        select(Competition).where(Competition.id.in_(published))
        .order_by(Competition.archived, Competition.created_at.desc())).all()
    g.page_title = _("Published results")
    return render_template("public/results_index.html", competitions=competitions)


@bp.route("/results/<key>")
def results(key):
    """The ranking over the published stages; a friendly page while nothing is published."""
    competition = db.session.scalar(select(Competition).where(Competition.key == key))
    if competition is None:
        abort(404)
    g.page_title = competition.name
    n_stages = db.session.scalar(select(func.count()).select_from(Stage)
                                 .where(Stage.competition_id == competition.id))
    try:
        contest = contest_input(competition, published_only=True)
        if not contest.stages:
            return render_template("public/results_pending.html", competition=competition)
        result = R.compute_results(contest)
    except R.SettingsError:
        # Broken settings are the organizer's to fix; the public sees "not yet".
        return render_template("public/results_pending.html", competition=competition)
    complete = len(contest.stages) == n_stages
    decimals = contest.rules.decimals
    names = dict(db.session.execute(select(Team.key, Team.name)
                                    .where(Team.competition_id == competition.id)).all())
    rows = [{
        "result": t, "name": names.get(t.team, t.team),
        "rank": "" if t.rank is None else f"{t.rank}=" if t.tied else str(t.rank),
        "stages": [number_text(t.stages[s.key].score, decimals) for s in contest.stages],
        "deductions": [R.decimal_text(t.stages[s.key].deduction)
                       if t.stages[s.key].deduction else None for s in contest.stages],
        "final": number_text(t.final, decimals),
        "award": t.award if complete else None,
    } for t in result.teams]
    link = share_link(competition.key)
    return render_template("public/results.html", competition=competition,
                           stages=contest.stages, rows=rows, complete=complete,
                           fingerprint=result.fingerprint if complete else None,
                           share_link=link, share_qr=qr_svg_uri(link))
