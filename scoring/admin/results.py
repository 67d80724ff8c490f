"""Organizer pages: the ranking, how one team's score came about, and the rule settings."""
from flask import Response, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from .. import rules as R
from ..extensions import db
from ..models import Team
from ..operations.rules_settings import update_rules
from ..results.exports import number_text, ranking_csv, ranking_json, ranking_xlsx
from ..results.standings import contest_input
from ..web.lookups import competition_or_404
from ..web.security import admin_required, staff_required
from . import bp, nav
from .forms import SafeForm as FlaskForm  # text fields refuse control characters

nav.register(15, "admin.rules_settings", _l("Rules"), admin_only=True)
nav.register(50, "admin.results", _l("Results"))

GROUP_LABELS = {"external": _l("external"), "internal": _l("internal")}


@bp.app_template_filter("plain_decimal")
def plain_decimal(value):
    """A Decimal without trailing zeros ("0.3", "25") for weights and maxima."""
    return "" if value is None else R.decimal_text(value)



def problem_text(problem):
    """One (place, message, params) problem translated, with its place."""
    place, message, params = problem
    text = _(message, **params) if params else _(message)
    return f"{place}: {text}" if place else text


def tie_note_text(note, stage_names):
    """What separated a team from others with the same final, in words."""
    if not note:
        return ""
    kind, _sep, arg = note.partition(":")
    if kind == "stage":
        return _("separated by the %(stage)s score", stage=stage_names.get(arg, arg))
    if note == "raw_mean":
        return _("separated by the plain mean of all sheets (raw_mean)")
    if note == "raw_sum":
        return _("separated by the sum of all sheets (raw_sum)")
    if kind == "group_mean":
        return _("separated by the mean of the %(group)s judges",
                 group=GROUP_LABELS.get(arg, arg))
    return note


def fraction_text(value, decimals):
    """An exact Fraction shown exactly when it fits a few places, else rounded with "≈"."""
    for places in range(decimals + 3):
        scaled = value * 10**places
        if scaled.denominator == 1:
            return str(R.round_half_up(value, max(places, 0)))
    return "≈" + str(R.round_half_up(value, decimals + 2))


def load(competition, *, published_only=False):
    """(contest, result) or (None, problems) when the contest cannot be computed."""
    try:
        contest = contest_input(competition, published_only=published_only)
        return contest, R.compute_results(contest)
    except R.SettingsError as e:
        return None, [problem_text(p) for p in e.problems]


def ranking_rows(competition, contest, result):
    """The ranking as the page shows it: one dict per team, in display order."""
    decimals = contest.rules.decimals
    stage_names = {s.key: s.name for s in contest.stages}
    judge_names = {j.key: j.name or j.key for j in contest.judges}
    teams = {t.key: t for t in db.session.scalars(
        select(Team).where(Team.competition_id == competition.id)
        .options(selectinload(Team.members)))}
    rows = []
    for t in result.teams:
        team = teams[t.team]
        missing = []
        for s in contest.stages:
            r = t.stages.get(s.key)
            if r is not None and r.missing_judges:
                missing.append((s.name, [judge_names.get(k, k) for k in r.missing_judges]))
        rows.append({
            "result": t, "team": team, "members": [m.name for m in team.members],
            "rank": "" if t.rank is None else f"{t.rank}=" if t.tied else str(t.rank),
            "stages": [(s.key, number_text(t.stages[s.key].score, decimals)
                        if s.key in t.stages else None,
                        s.key in t.stages and t.stages[s.key].provisional)
                       for s in contest.stages],
            "final": number_text(t.final, decimals),
            "tie_note": tie_note_text(t.tie_note, stage_names),
            "missing": missing,
        })
    return rows


@bp.route("/c/<key>/results")
@staff_required
def results(key):
    """The ranking with stage scores, awards, tie notes, provisional marks and fingerprint."""
    competition = competition_or_404(key)
    g.page_title = _("Results")
    contest, result = load(competition)
    if contest is None:
        return render_template("admin/results/problems.html", competition=competition,
                               problems=result), 409
    return render_template("admin/results/ranking.html", competition=competition,
                           contest=contest, result=result,
                           rows=ranking_rows(competition, contest, result))


@bp.route("/c/<key>/results.<fmt>")
@staff_required
def results_download(key, fmt):
    """The ranking as .xlsx, .csv or .json (the same numbers as the page)."""
    competition = competition_or_404(key)
    makers = {
        "xlsx": (ranking_xlsx, "application/vnd.openxmlformats-officedocument."
                               "spreadsheetml.sheet"),
        "csv": (ranking_csv, "text/csv; charset=utf-8"),
        "json": (ranking_json, "application/json; charset=utf-8"),
    }
    if fmt not in makers:
        abort(404)
    contest, result = load(competition)
    if contest is None:
        return render_template("admin/results/problems.html", competition=competition,
                               problems=result), 409
    make, mimetype = makers[fmt]
    data = make(competition, result)
    return Response(data, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{competition.key}-results.{fmt}"'})


def _arithmetic_pooled(r, decimals):
    kept = [s.total for s in r.sheets if not s.dropped]
    if not kept or r.score is None:
        return ""
    terms = " + ".join(R.decimal_text(v) for v in kept)
    return f"({terms}) / {len(kept)} = {number_text(r.score, decimals)}"


def _arithmetic_groups(r, decimals):
    parts, sums = [], []
    for grp in r.groups:
        if grp.mean is None:
            continue
        kept = [s.total for s in r.sheets if s.group == grp.group and not s.dropped]
        mean = fraction_text(grp.mean, decimals)
        label = GROUP_LABELS.get(grp.group, grp.group)
        parts.append(f"{label}: ({' + '.join(R.decimal_text(v) for v in kept)}) / "
                     f"{len(kept)} = {mean}")
        sums.append(f"{mean} × {fraction_text(grp.weight_used, 4)}")
    if not parts or r.score is None:
        return ""
    return "; ".join(parts) + f"; {' + '.join(sums)} = {number_text(r.score, decimals)}"


def _value_text(value):
    return "" if value is None else R.decimal_text(value)


def stage_detail(contest, result, team_key):
    """Per stage: every judge's line (criteria, total, dropped, flags) and the arithmetic."""
    rules = contest.rules
    decimals = rules.decimals
    t = result.team(team_key)
    sheets = {(s.judge, s.stage): s for s in contest.sheets if s.team == team_key}
    out = []
    for st in contest.stages:
        r = t.stages.get(st.key)
        if r is None:
            continue
        counted = {s.judge: s for s in r.sheets}
        lines = []
        for j in sorted(contest.judges, key=lambda j: (j.group != "external", j.key)):
            sheet = sheets.get((j.key, st.key))
            sr = counted.get(j.key)
            if j.key in r.recused_judges:
                status = "recused"
            elif sr is not None:
                status = "counted"
            elif sheet is not None and not sheet.submitted:
                status = "draft"
            elif j.key in r.absent_judges:
                status = "absent"
            elif j.key in r.missing_judges:
                status = "missing"
            else:
                status = "none"
            lines.append({
                "judge": j, "status": status,
                "values": [_value_text(sheet.scores.get(c.key)) if sheet else ""
                           for c in st.criteria],
                "total": _value_text(sr.total if sr else (sheet.total if sheet else None)),
                "dropped": bool(sr and sr.dropped),
                "flag": bool(sr and sr.variance_flag),
            })
        arithmetic = (_arithmetic_groups(r, decimals) if rules.aggregation == "weighted_groups"
                      else _arithmetic_pooled(r, decimals))
        out.append({"stage": st, "result": r, "lines": lines, "arithmetic": arithmetic,
                    "score": number_text(r.score, decimals)})
    final = ""
    if t.final is not None:
        terms = " + ".join(f"{number_text(t.stages[s.key].score, decimals)} × "
                           f"{R.decimal_text(s.weight)}" for s in contest.stages)
        final = f"{terms} = {number_text(t.final, decimals)}"
    return t, out, final


@bp.route("/c/<key>/teams/<team_key>/result")
@staff_required
def team_result(key, team_key):
    """How one team's score came about: every sheet, what was dropped, the arithmetic."""
    competition = competition_or_404(key)
    team = db.session.scalar(select(Team).where(Team.competition_id == competition.id,
                                                Team.key == team_key))
    if team is None:
        abort(404)
    contest, result = load(competition)
    if contest is None:
        return render_template("admin/results/problems.html", competition=competition,
                               problems=result), 409
    t, stages, final = stage_detail(contest, result, team_key)
    g.page_title = _("Result of %(team)s", team=team.name)
    return render_template("admin/results/team.html", competition=competition, team=team,
                           result=t, stages=stages, final=final, rules=contest.rules,
                           final_score=number_text(t.final, contest.rules.decimals),
                           decimals=contest.rules.decimals,
                           tie_note=tie_note_text(t.tie_note,
                                                  {s.key: s.name for s in contest.stages}),
                           group_labels=GROUP_LABELS)


# ---- rule settings ----------------------------------------------------------------------

class RulesForm(FlaskForm):
    """Every rule setting of a competition (DESIGN section 2)."""

    aggregation = SelectField(_l("Stage score"), choices=[
        SelectChoice("pooled", _l("Pooled: drop the highest and lowest of the whole panel")),
        SelectChoice("weighted_groups",
                     _l("Weighted groups: each panel group averaged, then weighted"))])
    trim = IntegerField(_l("Sheets dropped at each end (pooled)"),
                        validators=[InputRequired()])
    external_weight = StringField(_l("External judges: weight"), validators=[Length(max=24)])
    external_trim = IntegerField(_l("External judges: sheets dropped at each end"),
                                 validators=[InputRequired()])
    internal_weight = StringField(_l("Internal judges: weight"), validators=[Length(max=24)])
    internal_trim = IntegerField(_l("Internal judges: sheets dropped at each end"),
                                 validators=[InputRequired()])
    decimals = IntegerField(_l("Decimal places"), validators=[InputRequired()])
    tie_breaks = TextAreaField(_l("Tie-breaks, one per line"), validators=[Optional()],
                               description=_l("stage:KEY, raw_mean, raw_sum or "
                                              "group_mean:external / group_mean:internal"))
    awards = TextAreaField(_l("Award tiers, one per line"), validators=[Optional()],
                           description=_l("Name, then share or count: "
                                          "一等奖 share 0.2 / 二等奖 count 5"))
    variance_threshold = StringField(_l("Variance flag threshold (points)"),
                                     validators=[Length(max=24)])
    calibration_reveal = IntegerField(_l("Reveal the first N teams together (0: off)"),
                                      validators=[InputRequired()])
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


def _lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _settings_from_form(form):
    """The form as a rules dict, and the problems of lines that could not be read."""
    problems = []
    awards = []
    for i, line in enumerate(_lines(form.awards.data)):
        parts = line.rsplit(None, 2)
        if len(parts) != 3 or parts[1] not in ("share", "count"):
            problems.append((f"rules.awards[{i}]", R.N_('write a name, then "share 0.2" or '
                                                        '"count 5"'), {}))
            continue
        name, kind, value = parts
        if kind == "count":
            if not value.isdigit():
                problems.append((f"rules.awards[{i}].count", R.N_("give a whole number"), {}))
                continue
            awards.append({"name": name, "count": int(value)})
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
    }
    return settings, problems


# Which form field a problem's place belongs to (longest prefix first).
_PLACE_FIELDS = [
    ("rules.groups.external", "external_weight"), ("rules.groups.internal", "internal_weight"),
    ("rules.groups", "external_weight"), ("rules.aggregation", "aggregation"),
    ("rules.trim", "trim"), ("rules.decimals", "decimals"), ("rules.tie_breaks", "tie_breaks"),
    ("rules.awards", "awards"), ("rules.variance_threshold", "variance_threshold"),
    ("rules.calibration_reveal", "calibration_reveal"),
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
            flash(f"{place}: {text}", "error")
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
    if form.validate_on_submit():
        settings, problems = _settings_from_form(form)
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
        try:
            rules = R.Rules.from_dict(competition.rules)
        except R.SettingsError as e:
            rules = R.Rules()
            for p in e.problems:
                flash(problem_text(p), "error")
        _fill_form(form, rules)
    return render_template("admin/results/rules.html", competition=competition, form=form), \
        status
