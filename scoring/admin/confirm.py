"""Changes an organizer is asked about once more (templates/admin/confirm.html): the page
that says what a change does, and the frame of a button that shows it before acting."""
from flask import flash, g, redirect, render_template, request

from .forms import validated


def confirm_page(title: str, consequence: str, details, action: str, cancel: str,
                 fields=None) -> str:
    """The page that says what a change does and asks again: its form posts `fields` to
    `action` with confirm=yes; by default `fields` is this request's form (but `confirm`),
    so the second POST carries what the first did."""
    g.page_title = title
    if fields is None:
        fields = [(k, v) for k, v in request.form.items(multi=True) if k != "confirm"]
    return render_template("admin/confirm.html", title=title, consequence=consequence,
                           details=details, action=action, fields=fields, cancel=cancel)


def ask_then_act(form, back: str, *, expired: str, ask, act, done: str, refusal=None):
    """A button that asks first: back to `back` with `expired` flashed when the form does
    not validate, or with `refusal()` flashed when it returns a text (the input is not
    enough to ask); the first POST gets ask() (confirm_page, or any response); the second
    (confirm=yes) runs act() and commits once, flashing `done` (a SetupError is flashed
    instead and changes nothing)."""
    if not validated(form, expired):
        return redirect(back)
    problem = refusal() if refusal is not None else None
    if problem:
        flash(problem, "error")
        return redirect(back)
    if request.form.get("confirm") != "yes":
        return ask()
    # Imported here: the setup pages import this module while admin.setup is loading.
    from .setup.common import commit_or_fail

    commit_or_fail(act, done)
    return redirect(back)
