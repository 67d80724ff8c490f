"""Organizer login, logout and the list of competitions."""
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..extensions import db
from ..models import Competition, User
from ..operations import throttle, users
from ..web.redirects import safe_next
from ..web.security import login_organizer, logout_organizer, staff_required
from . import bp, nav
from .forms import LoginForm

nav.register(0, "admin.index", _l("Competitions"), per_competition=False)


@bp.context_processor
def _admin_globals():
    """The menu for the current competition (if the URL has one)."""
    key = (request.view_args or {}).get("key")
    is_admin = current_user.is_authenticated and current_user.is_admin
    return {"nav_links": nav.links(None, is_admin),
            "competition_nav": nav.links(key, is_admin) if key else [],
            "nav_key": key,
            "competition_links": lambda k: nav.links(k, is_admin)}


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Organizer login with username and password, throttled (operations/throttle.py)."""
    form = LoginForm()
    if form.validate_on_submit():
        username = form.username.data.strip()
        # The socket's peer: waitress trusts no proxy header (scoring serve).
        attempt = throttle.begin(username, request.remote_addr or "?")
        if not attempt.allowed:
            flash(_("Too many failed attempts. Wait %(minutes)s minutes and try again.",
                    minutes=attempt.wait_minutes), "error")
            return render_template("admin/login.html", login_form=form), 429
        user_id = users.check_login(username, form.password.data)
        if user_id is not None:
            throttle.succeeded(attempt)
            login_organizer(db.session.get(User, user_id))
            db.session.commit()
            return redirect(safe_next(request.args.get("next")))
        # The failure keeps the slots it took.
        flash(_("Wrong username or password."), "error")
    return render_template("admin/login.html", login_form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    """End the organizer session, on the server too (a copied cookie stops working)."""
    logout_organizer()
    db.session.commit()
    flash(_("You are logged out."), "info")
    return redirect(url_for("admin.login"))


@bp.route("/")
@staff_required
def index():
    """Every competition, newest first, archived ones last."""
    competitions = db.session.scalars(
        db.select(Competition).order_by(Competition.archived, Competition.created_at.desc())
    ).all()
    from .status import competition_status

    g.page_title = _("Competitions")
    return render_template("admin/index.html", competitions=competitions,
                           status={c.id: competition_status(c) for c in competitions})
