"""Organizer accounts and roles (admins only)."""
from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ...extensions import db
from ...models import User
from ...operations import setup_users as ops
from ...operations.setup_base import SetupError
from ...web.security import current_session_id
from .. import bp, nav
from .common import admin_only, commit_or_fail, fail
from .forms import ActionForm, PasswordForm, RoleForm, UserForm

nav.register(80, "admin.setup_users", _l("Users"), per_competition=False, admin_only=True)


def _user_or_404(user_id):
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users", methods=["GET", "POST"])
@admin_only
def setup_users():
    """Every account, and a form to add one."""
    form = UserForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            user = ops.create_user(form.username.data, form.name.data, form.role.data,
                                   form.password.data)
            db.session.commit()
        except SetupError as e:
            fail(e, form)
        else:
            flash(_('Account "%(username)s" created.', username=user.username), "success")
            return redirect(url_for("admin.setup_users"))
    users = db.session.scalars(db.select(User).order_by(User.username)).all()
    g.page_title = _("Users")
    return render_template("admin/setup/users.html", form=form, users=users,
                           action_form=ActionForm(), role_form=RoleForm(),
                           password_form=PasswordForm())


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@admin_only
def setup_user_role(user_id):
    """Make a user admin or staff."""
    user = _user_or_404(user_id)
    form = RoleForm()
    if form.validate_on_submit():
        commit_or_fail(lambda: ops.change_role(user, form.role.data, current_user,
                                               keep=current_session_id()), _("Saved."))
    return redirect(url_for("admin.setup_users"))


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@admin_only
def setup_user_deactivate(user_id):
    """Deactivate an account (never your own, never the last admin)."""
    return _set_active(user_id, False)


@bp.route("/users/<int:user_id>/activate", methods=["POST"])
@admin_only
def setup_user_activate(user_id):
    """Reactivate an account."""
    return _set_active(user_id, True)


def _set_active(user_id, active):
    user = _user_or_404(user_id)
    if ActionForm().validate_on_submit():
        commit_or_fail(lambda: ops.set_active(user, active, current_user), _("Saved."))
    return redirect(url_for("admin.setup_users"))


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@admin_only
def setup_user_password(user_id):
    """Set a new password for an account."""
    user = _user_or_404(user_id)
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            # The admin's own session survives resetting their own password; others end.
            ops.reset_password(user, form.password.data, keep=current_session_id())
            db.session.commit()
            flash(_('New password set for "%(username)s".', username=user.username),
                  "success")
        except SetupError as e:
            fail(e)
    else:
        flash(_("Type the new password."), "error")
    return redirect(url_for("admin.setup_users"))
