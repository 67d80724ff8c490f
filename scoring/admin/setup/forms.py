"""Forms of the setup pages (Flask-WTF: every POST carries a CSRF token).

Every form builds on SafeForm / SafeSubForm (admin/forms.py): text fields refuse
control characters with a message naming the field.
"""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ...rules import TEAM_SIZE_MAX, parse_whole
from ...web.converters import MAX_ID
from ..forms import DayField, SafeForm, SafeSubForm


def choices(pairs):
    """SelectField choices from (value, label) pairs (WTForms wants SelectChoice objects)."""
    return [SelectChoice(value, label) for value, label in pairs]


class ActionForm(SafeForm):
    """A button that changes something: only the CSRF token, optional reason."""

    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=2000)])


class CompetitionForm(SafeForm):
    """A new competition: key, name and what to start from."""

    key = StringField(_l("Key"), validators=[DataRequired(), Length(max=64)],
                      description=_l("Short and stable, used in links, e.g. bucea-2025"))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    start = SelectField(_l("Start from"), choices=[], validate_choice=False)


class RenameForm(SafeForm):
    """The competition's name."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])


class CopyForm(SafeForm):
    """Copy this competition as a new edition."""

    key = StringField(_l("Key of the new edition"), validators=[DataRequired(), Length(max=64)])
    name = StringField(_l("Name of the new edition"),
                       validators=[DataRequired(), Length(max=200)])


class CriterionForm(SafeSubForm):
    """One rubric line inside the stage form."""

    id = HiddenField()
    key = StringField(_l("Key"))
    name = StringField(_l("Criterion"))
    description = StringField(_l("Description"))
    max = StringField(_l("Maximum"))
    step = StringField(_l("Step"))
    remove = BooleanField(_l("Remove"))


class StageForm(SafeForm):
    """A stage and its whole rubric, saved at once."""

    key = StringField(_l("Key"), validators=[DataRequired(), Length(max=64)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    weight = StringField(_l("Weight"), validators=[DataRequired(), Length(max=20)],
                         description=_l("Share of the final score, e.g. 0.3; all stages "
                                        "together make 1"))
    comment_required = BooleanField(_l("Judges must write a comment on every sheet"))
    criteria = FieldList(FormField(CriterionForm), min_entries=0, max_entries=200)


class DepartmentForm(SafeForm):
    """A department name."""

    name = StringField(_l("Department"), validators=[DataRequired(), Length(max=100)])


class MemberForm(SafeSubForm):
    """One member inside the team form."""

    name = StringField(_l("Member name"))
    department = StringField(_l("Department"))


class TeamForm(SafeForm):
    """A team with its members (the view shows as many rows as the rules' team size)."""

    key = StringField(_l("Team key"), validators=[DataRequired(), Length(max=64)])
    name = StringField(_l("Team name"), validators=[DataRequired(), Length(max=200)])
    members = FieldList(FormField(MemberForm), min_entries=1, max_entries=TEAM_SIZE_MAX)


class ImportForm(SafeForm):
    """The spreadsheet to import."""

    file = FileField(_l("Spreadsheet (.xlsx or .csv)"))


class ImportConfirmForm(SafeForm):
    """Confirming a previewed import: the checked rows travel signed, never trusted bare."""

    payload = HiddenField()
    create_departments = BooleanField(_l("Create the departments listed above"))


class JudgeForm(SafeForm):
    """A judge."""

    key = StringField(_l("Key"), validators=[DataRequired(), Length(max=64)],
                      description=_l("e.g. X1 for an external expert, N1 for an internal one"))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    group = SelectField(_l("Panel group"), choices=choices([("external", _l("External expert")),
                                                            ("internal", _l("Internal judge"))]),
                        default="internal")
    department = StringField(_l("Department"), validators=[Optional(), Length(max=100)],
                             description=_l("Internal judges: their department decides "
                                            "which teams they do not score"))
    new_department = BooleanField(_l("This is a new department: add it"))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


class RecusalForm(SafeForm):
    """A manual recusal decision."""

    judge = SelectField(_l("Judge"), choices=[], validate_choice=False)
    team = SelectField(_l("Team"), choices=[], validate_choice=False)
    kind = SelectField(_l("Decision"), choices=choices([
        ("recuse", _l("Recuse: the judge does not score this team")),
        ("lift", _l("Lift an automatic recusal"))]))
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class RandomDrawForm(SafeForm):
    """A random draw from a seed."""

    seed = StringField(_l("Seed"), validators=[DataRequired(), Length(max=64)],
                       description=_l("Generated by the system, or type the number announced "
                                     "in the room"))
    override = BooleanField(_l("Override: change the draw although scoring has started"))
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=2000)])


class ManualDrawForm(SafeForm):
    """A draw typed in from paper lots (positions come as pos-<team id> fields)."""

    override = BooleanField(_l("Override: change the draw although scoring has started"))
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=2000)])


class UserForm(SafeForm):
    """A new organizer account."""

    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=100)])
    role = SelectField(_l("Role"), choices=choices([("staff", _l("staff")),
                                                          ("admin", _l("admin"))]))
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)],
                             description=_l("At least 8 characters"))


class RoleForm(SafeForm):
    """Change a user's role."""

    role = SelectField(_l("Role"), choices=choices([("staff", _l("staff")),
                                                          ("admin", _l("admin"))]))


class PasswordForm(SafeForm):
    """Reset a user's password."""

    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])


def _competition_id(value):
    """A competition id as typed in the address: digits within the id range, else none."""
    number = parse_whole(str(value or ""), max_digits=10)
    return str(number) if number is not None and number <= MAX_ID else ""


class AuditFilterForm(SafeForm):
    """Filters of the audit log (a GET form: no CSRF needed, nothing changes)."""

    class Meta:
        csrf = False

    competition = SelectField(_l("Competition"), choices=[], validate_choice=False,
                              filters=[_competition_id])
    actor = StringField(_l("Who"), validators=[Optional(), Length(max=120)])
    action = StringField(_l("Action"), validators=[Optional(), Length(max=64)])
    date_from = DayField(_l("From"), validators=[Optional()])
    date_to = DayField(_l("To"), validators=[Optional()])
