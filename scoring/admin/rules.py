"""The rules page: a competition's rule settings as a form, validated as a whole."""
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from .. import rules as R
from ..extensions import db
from ..operations.rules_settings import check_rules, update_rules
from ..web.lookups import competition_or_404
from ..web.security import admin_required
from . import bp, nav
from .forms import SafeForm as FlaskForm  # text fields refuse control characters
from .forms import WholeNumberField
from .results import problem_text
from .rules_preview import preview_rows, rules_in_words, tie_break_legend

nav.register(15, "admin.rules_settings", _l("Rules"), admin_only=True)


class RulesForm(FlaskForm):
    """Every rule setting of a competition (DESIGN section 2)."""

    aggregation = SelectField(_l("Stage score"), choices=[
        SelectChoice("pooled", _l("Pooled: drop the highest and lowest of the whole panel")),
        SelectChoice("weighted_groups",
                     _l("Weighted groups: each panel group averaged, then weighted"))])
    trim = WholeNumberField(_l("Sheets dropped at each end (pooled)"),
                        validators=[InputRequired()])
    external_weight = StringField(_l("External judges: weight"), validators=[Length(max=24)])
    external_trim = WholeNumberField(_l("External judges: sheets dropped at each end"),
                                 validators=[InputRequired()])
    internal_weight = StringField(_l("Internal judges: weight"), validators=[Length(max=24)])
    internal_trim = WholeNumberField(_l("Internal judges: sheets dropped at each end"),
                                 validators=[InputRequired()])
    decimals = WholeNumberField(_l("Decimal places"), validators=[InputRequired()])
    tie_breaks = TextAreaField(_l("Tie-breaks, one per line"), validators=[Optional()],
                               description=_l("stage:KEY, raw_mean, raw_sum, dropped_sum, "
                                              "group_mean:external / group_mean:internal, or "
                                              "precise:3 (the final recomputed at 3 decimals: "
                                              "\"on equal scores, compare the third "
                                              "decimal\")"))
    awards = TextAreaField(_l("Award tiers, one per line"), validators=[Optional()],
                           description=_l("Name, then share or count: "
                                          "一等奖 share 0.2 / 二等奖 count 5"))
    variance_threshold = StringField(_l("Variance flag threshold (points)"),
                                     validators=[Length(max=24)])
    calibration_reveal = WholeNumberField(_l("Reveal the first N teams together (0: off)"),
                                      validators=[InputRequired()])
    award_ties = SelectField(_l("Ties across an award boundary"), choices=[
        SelectChoice("fixed", _l("Fixed: tied teams share the higher award; the next tier "
                                 "shrinks by as many")),
        SelectChoice("shift", _l("Shift (并列计算，少掉后面的奖项): tied teams share the award, "
                                 "every later tier starts after them, and no team past "
                                 "the total of all tiers gets an award"))],
        description=_l("With one award of each tier and two teams tied first, fixed gives "
                       "gold, gold, bronze; shift gives gold, gold, silver."),
        # A form without the field (a client older than the setting) keeps the default;
        # a value outside the choices is refused by Rules with a message on the field.
        default="fixed", validate_choice=False)
    final_rounding = SelectField(_l("Rounding of the final"), choices=[
        SelectChoice("sum", _l("Sum: add stage score x weight, round once")),
        SelectChoice("each", _l("Each (as the ISU does): round each stage score x weight, "
                                "then add"))],
        description=_l("The two can differ by 0.01; published ISU totals follow "
                       "\"each\"."), default="sum", validate_choice=False)
    team_size = WholeNumberField(
        _l("Members per team"), validators=[Optional()],
        description=_l("How many members each team has, 1 to 10: 3 by default, 1 for "
                       "solo singers or skaters. Existing teams must already have that many "
                       "members."))
    distinct_departments = SelectField(_l("Members from different departments"), choices=[
        SelectChoice("yes", _l("Yes: each member of a team comes from a different "
                               "department")),
        SelectChoice("no", _l("No: members may share a department or give none"))],
        description=_l("Judges are recused from a team with a member of their own "
                       "department either way."), validate_choice=False)
    reason = StringField(_l("Reason for the change"), validators=[Optional(), Length(max=2000)])


def _fill_form(form, rules):
    form.aggregation.data = rules.aggregation
    form.trim.data = rules.trim
    for name in ("external", "internal"):
        grp = rules.groups.get(name)
        getattr(form, f"{name}_weight").data = R.decimal_text(grp.weight) if grp else ""
        getattr(form, f"{name}_trim").data = grp.trim if grp else 0
    form.decimals.data = rules.decimals
    form.tie_breaks.data = "\n".join(rules.tie_breaks)
    form.awards.data = "\n".join(
        f"{a.name} count {a.count}" if a.count is not None
        else f"{a.name} share {R.decimal_text(a.share)}" for a in rules.awards)
    form.variance_threshold.data = R.decimal_text(rules.variance_threshold)
    form.calibration_reveal.data = rules.calibration_reveal
    form.award_ties.data = rules.award_ties
    form.final_rounding.data = rules.final_rounding
    form.team_size.data = rules.team_size
    form.distinct_departments.data = "yes" if rules.distinct_departments else "no"


def _lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _settings_from_form(form, competition):
    """The form as a rules dict, and the problems of lines that could not be read."""
    problems = []
    # A form without the team fields (a client older than them) keeps the stored values:
    # falling back to the default would try to turn solo entries into teams of three.
    size, distinct = R.team_settings_of(competition.rules)
    if form.team_size.data is not None:
        size = form.team_size.data
    if form.distinct_departments.raw_data:
        distinct = {"yes": True, "no": False}.get(form.distinct_departments.data,
                                                  form.distinct_departments.data)
    awards = []
    for i, line in enumerate(_lines(form.awards.data)):
        parts = line.rsplit(None, 2)
        if len(parts) != 3 or parts[1] not in ("share", "count"):
            problems.append((f"rules.awards[{i}]", R.N_('write a name, then "share 0.2" or '
                                                        '"count 5"'), {}))
            continue
        name, kind, value = parts
        if kind == "count":
            count = R.parse_whole(value, max_digits=40)  # its range: Rules.problems
            if count is None:
                problems.append((f"rules.awards[{i}].count", R.N_("give a whole number"), {}))
                continue
            awards.append({"name": name, "count": count})
        else:
            awards.append({"name": name, "share": value})
    settings = {
        "aggregation": form.aggregation.data, "trim": form.trim.data,
        "groups": {name: {"weight": getattr(form, f"{name}_weight").data.strip(),
                          "trim": getattr(form, f"{name}_trim").data}
                   for name in ("external", "internal")},
        "decimals": form.decimals.data,
        "tie_breaks": _lines(form.tie_breaks.data),
        "awards": awards,
        "variance_threshold": form.variance_threshold.data.strip(),
        "calibration_reveal": form.calibration_reveal.data,
        "award_ties": form.award_ties.data, "final_rounding": form.final_rounding.data,
        "team_size": size, "distinct_departments": distinct,
    }
    return settings, problems


# Which form field a problem's place belongs to (longest prefix first).
_PLACE_FIELDS = [
    ("rules.groups.external", "external_weight"), ("rules.groups.internal", "internal_weight"),
    ("rules.groups", "external_weight"), ("rules.aggregation", "aggregation"),
    ("rules.trim", "trim"), ("rules.decimals", "decimals"), ("rules.tie_breaks", "tie_breaks"),
    ("rules.awards", "awards"), ("rules.variance_threshold", "variance_threshold"),
    ("rules.calibration_reveal", "calibration_reveal"), ("rules.award_ties", "award_ties"),
    ("rules.final_rounding", "final_rounding"), ("rules.team_size", "team_size"),
    ("rules.distinct_departments", "distinct_departments"),
]


def _show_problems(form, problems):
    """Put each problem on its field, with its line number for list fields."""
    import re

    for place, message, params in problems:
        text = _(message, **params) if params else _(message)
        name = None
        if place.endswith(".trim") and place.startswith("rules.groups."):
            name = place.split(".")[2] + "_trim"
        for prefix, fld in _PLACE_FIELDS:
            if name is None and place.startswith(prefix):
                name = fld
        m = re.match(r"rules\.(?:tie_breaks|awards)\[(\d+)\]", place)
        if m:
            text = _("line %(line)s: %(message)s", line=int(m.group(1)) + 1, message=text)
        target = form._fields.get(name) if name else None
        if target is None:
            flash(problem_text((place, message, params)), "error")
            continue
        target.errors = list(target.errors or []) + [text]


@bp.route("/c/<key>/rules", methods=["GET", "POST"])
@admin_required
def rules_settings(key):
    """The rule settings form: validated as a whole, saved with an audit entry."""
    competition = competition_or_404(key)
    g.page_title = _("Rules")
    form = RulesForm()
    status = 200
    preview = None
    valid = form.validate_on_submit()
    if valid and "preview" in request.form:
        # Nothing is saved: the page shows what the settings would change, then asks.
        settings, problems = _settings_from_form(form, competition)
        if not problems:
            try:
                preview = preview_rows(competition, check_rules(competition, settings))
            except R.SettingsError as e:
                problems = e.problems
            except R.RuleError as e:  # the sheets themselves cannot be ranked yet
                flash(_(e.message, **e.params) if e.params else _(e.message), "error")
        _show_problems(form, problems)
        status = 422 if problems else 200
    elif valid:
        settings, problems = _settings_from_form(form, competition)
        if not problems:
            try:
                changed = update_rules(competition, settings, reason=form.reason.data or "")
            except R.SettingsError as e:
                db.session.rollback()
                problems = e.problems
            else:
                db.session.commit()
                flash(_("The rules are saved.") if changed else _("Nothing was changed."),
                      "success")
                return redirect(url_for("admin.rules_settings", key=key))
        _show_problems(form, problems)
        status = 422
    elif form.is_submitted():
        status = 422
    else:
        # The default chain follows the stages that exist (no stage:presentation in a
        # contest without that stage), as the results and the checklist read it.
        stage_keys = [s.key for s in competition.stages]
        try:
            rules = R.Rules.from_dict(R.with_default_tie_breaks(competition.rules, stage_keys),
                                      stage_keys)
        except R.SettingsError as e:
            rules = R.Rules(tie_breaks=())
            for p in e.problems:
                flash(problem_text(p), "error")
        else:
            from .setup.checklist import thin_panel_items

            for item in thin_panel_items(competition, rules):
                flash(item["text"], "warning")
        _fill_form(form, rules)
    stage_keys = [s.key for s in competition.stages]
    try:
        saved = R.Rules.from_dict(R.with_default_tie_breaks(competition.rules, stage_keys),
                                  stage_keys)
    except R.SettingsError:
        saved = None
    return render_template("admin/results/rules.html", competition=competition, form=form,
                           preview=preview, legend=tie_break_legend(competition),
                           in_words=rules_in_words(competition, saved) if saved else None
                           ), status
