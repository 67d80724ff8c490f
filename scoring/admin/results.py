"""Organizer pages: the ranking and how one team's score came about (rules: admin/rules.py)."""
from flask import abort, g, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import rules as R
from ..extensions import db
from ..models import Team
from ..results.exports import number_text, ranking_csv, ranking_json, ranking_xlsx
from ..results.standings import contest_input
from ..web.downloads import attachment
from ..web.lookups import competition_or_404
from ..web.security import staff_required
from . import bp, nav

nav.register(50, "admin.results", _l("Results"))

GROUP_LABELS = {"external": _l("external"), "internal": _l("internal")}


@bp.app_template_filter("plain_decimal")
def plain_decimal(value):
    """A Decimal without trailing zeros ("0.3", "25") for weights and maxima."""
    return "" if value is None else R.decimal_text(value)



def problem_text(problem):
    """One (place, message, params) problem translated, with its place."""
    from .setup.checklist import rule_place_text

    place, message, params = problem
    text = _(message, **params) if params else _(message)
    if place and place.startswith("rules"):
        place = rule_place_text(place)
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
    if note == "dropped_sum":
        return _("separated by the weighted sum of the dropped sheets (dropped_sum)")
    if kind == "group_mean":
        return _("separated by the mean of the %(group)s judges",
                 group=GROUP_LABELS.get(arg, arg))
    if kind == "precise":
        return _("separated by the final at %(n)s decimals (precise:%(n)s)", n=arg)
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
            # Section 12: rows come division by division; the first of each opens it.
            "division_heading": _division_heading(result, t, rows),
            "qualified": getattr(t, "qualified", None),
        })
    return rows


def _division_heading(result, t, rows_so_far):
    """The division's name when this row opens a division (divided results only)."""
    division = getattr(t, "division", None)
    if division is None:
        return None
    previous = getattr(rows_so_far[-1]["result"], "division", None) if rows_so_far else None
    if previous == division:
        return None
    names = {d.key: d.name or d.key for d in result.layout.divisions}
    return names.get(division, division)


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
    from .review import review_lines

    return render_template("admin/results/ranking.html", competition=competition,
                           contest=contest, result=result,
                           rows=ranking_rows(competition, contest, result),
                           review=review_lines(competition, contest, result),
                           published=bool(competition.stages) and all(
                               s.state == "published" for s in competition.stages))


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
    make, content_type = makers[fmt]
    data = make(competition, result)
    # content_type is taken as given; mimetype= would append werkzeug's own "; charset=utf-8"
    # to a text/* type that already names its charset (text/csv; charset=utf-8; charset=utf-8).
    return attachment(data, f"{competition.key}-results.{fmt}", content_type)


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
                "comment": getattr(sheet, "comment", "") if sheet else "",
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
