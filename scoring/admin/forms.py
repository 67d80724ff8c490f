"""Organizer forms shared by every admin area, and the base every organizer form builds on.

SafeForm (and SafeSubForm for FormField rows) gives every text field the one character
check of rules/text.py: no control characters (line ends and tabs only in multi-line
fields: text areas, reasons, notes, descriptions), no lone surrogates. The message names
the field. Routes that answer a failed form with a redirect (buttons with a reason)
would lose the message, so it is flashed then.
"""
from flask import abort, flash, g, has_request_context, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    PasswordField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, ValidationError

from ..rules.moments import RANGE_TEXT, in_range
from ..rules.numbers import parse_whole
from ..rules.text import MULTILINE_FIELDS, text_problem
from . import bp

_WRITES = ("POST", "PUT", "PATCH", "DELETE")


class PlainText:
    """Validator: the text holds no character rules/text.py refuses; the message names the field."""

    def __init__(self, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, form, field):
        problem = text_problem(field.data, self.multiline)
        if problem is None:
            return
        template, params = problem
        text = _("%(field)s: %(problem)s", field=field.label.text,
                 problem=_(template, **params))
        raise ValidationError(text)


class NamedRequired(DataRequired):
    """DataRequired whose message names the field ("请填写名称。"), not WTForms' bare
    "This field is required.", which says nothing of where on a long form it belongs."""

    def __call__(self, form, field):
        if self.message is None:
            self.message = _("Fill in %(field)s.", field=field.label.text)
            try:
                super().__call__(form, field)
            finally:
                self.message = None
        else:
            super().__call__(form, field)


class _TextCheckMeta:
    """WTForms meta: every text field gets PlainText first, whatever the form declares;
    a required field's message names the field."""

    def bind_field(self, form, unbound_field, options):
        field = super().bind_field(form, unbound_field, options)
        field.validators = [NamedRequired() if type(v) is DataRequired and v.message is None
                            else v for v in field.validators]
        if isinstance(field, StringField):
            multiline = isinstance(field, TextAreaField) or \
                field.short_name.rpartition("-")[2] in MULTILINE_FIELDS
            field.validators = [PlainText(multiline), *field.validators]
        return field


class SafeForm(FlaskForm):
    """FlaskForm (CSRF) whose text fields refuse control characters."""

    class Meta(_TextCheckMeta):
        pass

    def __init__(self, *args, **kwargs):
        # Browsers post these forms as form data. Flask-WTF would read a JSON body as the
        # fields instead, handing lists and objects to code that expects texts: refused.
        if has_request_context() and request.is_json and request.method in _WRITES:
            abort(400)
        super().__init__(*args, **kwargs)

    def validate(self, extra_validators=None):
        """Validate, and note every failed field's "label: error" for a redirect to flash:
        a form answered by a redirect (a button with a reason, a department renamed)
        would otherwise refuse bad input without a word."""
        valid = super().validate(extra_validators)
        if not valid and has_request_context():
            noted = g.setdefault("unshown_field_errors", [])
            for text in field_errors(self):
                if text not in noted:
                    noted.append(text)
        return valid


def _leaves(field):
    """The plain fields in field: a FormField's fields, a FieldList's entries, or itself."""
    if isinstance(field, FormField):
        for sub in field.form:
            yield from _leaves(sub)
    elif isinstance(field, FieldList):
        for entry in field.entries:
            yield from _leaves(entry)
    else:
        yield field


def field_errors(form) -> list[str]:
    """Every error of form's fields, each naming its field ("Reason: ..."); an expired or
    missing CSRF token is one "the form expired" (its field has no label a user knows)."""
    out = []
    for top in form:
        for leaf in _leaves(top):
            for error in leaf.errors or ():
                if leaf.type == "CSRFTokenField":
                    text = _("The form expired; try again.")
                elif str(error).startswith(f"{leaf.label.text}:"):
                    text = str(error)  # PlainText names its field already
                else:
                    text = _("%(field)s: %(problem)s", field=leaf.label.text, problem=error)
                if text not in out:
                    out.append(text)
    return out


class WholeNumberField(IntegerField):
    """IntegerField that reads ASCII digits only: WTForms' int() took "１" and "٢" as 1 and
    2. Anything else is refused with a message quoting what was typed; empty is None
    (InputRequired or Optional decide)."""

    def process_formdata(self, valuelist):
        """The typed text as an int, or a ValueError saying it is not a whole number."""
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        # Long enough for any typed number: its range is the rules' to check, and a
        # range message quotes the number as typed.
        self.data = parse_whole(str(valuelist[0]), max_digits=40)
        if self.data is None:
            raise ValueError(_('"%(value)s" is not a whole number: type digits 0-9',
                               value=str(valuelist[0]).strip()[:24]))


class DayField(DateField):
    """DateField for a day typed as YYYY-MM-DD, ASCII digits only (strptime read "２０２４"
    as 2024), within rules.moments' range: 0001-01-01 overflowed when turned into UTC."""

    def process_formdata(self, valuelist):
        """The typed day, or a ValueError quoting what was typed."""
        if valuelist and not str(valuelist[0]).isascii():
            self.data = None
            raise ValueError(_('"%(value)s" is not a date like 2026-05-20',
                               value=str(valuelist[0]).strip()[:24]))
        super().process_formdata(valuelist)

    def pre_validate(self, form):
        """Refuse a day outside the accepted range, naming the range."""
        if self.data is not None and not in_range(self.data):
            raise ValidationError(_("give a date between %(range)s", range=RANGE_TEXT))


class SafeSubForm(Form):
    """A FormField row (no CSRF of its own) whose text fields refuse control characters."""

    class Meta(_TextCheckMeta):
        pass


def validated(form, expired: str) -> bool:
    """Whether a POST's form validates; when it does not, what is wrong is flashed and the
    caller answers with its page or redirect: `expired` for a missing or expired CSRF
    token, else each failed field named with its error ("Stage: Not a valid choice")."""
    if form.validate_on_submit():
        return True
    noted = g.get("unshown_field_errors") or []
    csrf = getattr(form, "csrf_token", None)
    problems = [] if csrf is not None and csrf.errors else field_errors(form)
    for text in problems or [expired]:
        flash(text, "error")
        # Flashed here: the redirect must not flash it a second time.
        if text in noted:
            noted.remove(text)
    if not problems:
        g.pop("unshown_field_errors", None)
    return False


@bp.after_app_request
def _flash_unshown_errors(response):
    """A form answered by a redirect never shows its fields' errors: flash them instead."""
    errors = g.pop("unshown_field_errors", None)
    if errors and response.status_code in (301, 302, 303, 307, 308):
        for text in dict.fromkeys(errors):
            flash(text, "error")
    return response


class LoginForm(SafeForm):
    """Organizer login."""

    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
