"""Every field of every setup form shows its errors somewhere on its page.

A field whose errors the template never renders refuses bad input with no message at
all (a criterion's description over 2000 characters was refused in silence). Here every
field reports a marker error while the setup pages render; each rendered field's
marker must then be on the page."""
import re

from flask import template_rendered
from wtforms import FieldList, FormField
from wtforms.fields.core import Field

from scoring.extensions import db
from scoring.models import Judge, Stage, Team
from tests.setup.test_pages import _pages, admin_client, demo_sqlite  # noqa: F401

# Fields whose value a browser cannot make invalid, or that are not shown as inputs.
_NEVER_INVALID = {"HiddenField", "CSRFTokenField", "BooleanField", "SubmitField"}


def _leaves(field):
    if isinstance(field, FormField):
        for sub in field.form:
            yield from _leaves(sub)
    elif isinstance(field, FieldList):
        for entry in field.entries:
            yield from _leaves(entry)
    elif field.type not in _NEVER_INVALID:
        yield field


def _marker(field):
    return f"ERROR-OF-{field.id}"


def _extra_pages(app, key):
    with app.app_context():
        stage = db.session.scalar(db.select(Stage).filter_by(key="plan"))
        assert stage and db.session.scalar(db.select(Team).limit(1))
        assert db.session.scalar(db.select(Judge).limit(1))
    return [f"/admin/c/{key}/rooms", f"/admin/c/{key}/rules", f"/admin/c/{key}/materials",
            f"/admin/c/{key}/deductions", "/admin/venue"]


def test_every_rendered_field_shows_its_errors(sqlite_app, admin_client,  # noqa: F811
                                               demo_sqlite, monkeypatch):  # noqa: F811
    """A field's errors are on its page, or, for a form answered by a redirect (a button
    with a reason), flashed on the page it leads to: "Reason: <error>"."""
    # A data descriptor on Field wins over the instance attribute that validate() sets.
    monkeypatch.setattr(Field, "errors", property(lambda self: [_marker(self)],
                                                  lambda self, value: None))
    rendered = []

    def record(sender, template, context, **extra):
        # Labels read here, in the request: they are lazy texts in its language.
        rendered.extend((leaf.name, _marker(leaf), str(leaf.label.text))
                        for form in context.values() if hasattr(form, "_fields")
                        for top in form for leaf in _leaves(top))

    unshown = []
    with template_rendered.connected_to(record, sqlite_app):
        for url in _pages(sqlite_app, demo_sqlite) + _extra_pages(sqlite_app, demo_sqlite):
            rendered.clear()
            response = admin_client.get(url)
            if response.status_code == 404:
                continue
            assert response.status_code == 200, url
            html = response.get_data(as_text=True)
            for name, marker, label in rendered:
                shown_input = re.search(rf'\bname="{re.escape(name)}"', html)
                if shown_input and marker not in html:
                    unshown.append((url, name, label,
                                    _action(html, shown_input.start()) or url))
    monkeypatch.undo()
    silent = []
    for url, name, label, action in unshown:
        # Too long for any text field of the app: refused, so nothing changes.
        response = admin_client.post(action, data={name: "x" * 5000})
        page = admin_client.get(response.headers.get("Location", url)).get_data(as_text=True)
        if response.status_code != 302 or f"{label}：" not in page and f"{label}:" not in page:
            silent.append(f"{url}: {name} (posted to {action})")
    assert not silent, "fields whose errors are never shown:\n" + "\n".join(sorted(set(silent)))


def _action(html, position):
    """The action of the <form> that holds the input at position ("" for its own page)."""
    forms = list(re.finditer(r'<form\b[^>]*>', html[:position]))
    assert forms, position
    action = re.search(r'\baction="([^"]*)"', forms[-1].group())
    return action.group(1).replace("&amp;", "&") if action else ""


def test_a_criterion_description_too_long_says_so_under_it(sqlite_app, admin_client,  # noqa: F811
                                                           demo_sqlite):  # noqa: F811
    with sqlite_app.app_context():
        stage = db.session.scalar(db.select(Stage).filter_by(key="plan"))
        url = f"/admin/c/{demo_sqlite}/stages/{stage.id}/edit"
        data = {"key": stage.key, "name": stage.name, "weight": str(stage.weight)}
        for i, c in enumerate(stage.criteria):
            data |= {f"criteria-{i}-id": str(c.id), f"criteria-{i}-key": c.key,
                     f"criteria-{i}-name": c.name, f"criteria-{i}-description": c.description,
                     f"criteria-{i}-max": str(c.max), f"criteria-{i}-step": str(c.step)}
        before = [c.description for c in stage.criteria]
    data["criteria-0-description"] = "长" * 2001
    html = admin_client.post(url, data=data).get_data(as_text=True)
    cell = re.search(r'name="criteria-0-description".*?</td>', html, re.S).group()
    assert 'class="error"' in cell and "2000" in cell
    with sqlite_app.app_context():
        stage = db.session.scalar(db.select(Stage).filter_by(key="plan"))
        assert [c.description for c in stage.criteria] == before
