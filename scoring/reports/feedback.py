"""Team feedback (反馈报告, DESIGN section 11): per team, over the published stages, its
stage and criterion scores against the field's mean and best, its place per criterion,
a chart, and the judges' comments without names in an order shuffled per team.

Nothing of another team appears but field aggregates (mean, best, the number of teams).
"""
import hashlib
import random
from fractions import Fraction

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Spacer

from .. import rules as R
from ..results.standings import contest_input, gc_paused
from .charts import grouped_bars
from .common import localized
from .data import ReportError
from .flowables import Section
from .frame import Meta, frame_width, render
from .table import grid_table
from .text import Styles, configured_fonts, esc

NOTHING_PUBLISHED = R.N_("No stage is published yet: the feedback report follows publishing.")


class NotPublished(R.RuleError):
    """No stage is published: there is no feedback to give yet."""


def _mean(values):
    values = list(values)
    return sum(values, Fraction(0)) / len(values) if values else None


def _place(value, field) -> int | None:
    """1 + the number of teams strictly above value (shared places for equal values)."""
    return None if value is None else 1 + sum(1 for v in field if v > value)


def _percent(value, maximum):
    """value as a share of maximum, in percent (None stays None)."""
    return None if value is None or not maximum else value / Fraction(maximum) * 100


def _text(value, decimals) -> str:
    # Every place the contest rounds to ("82.10", not "82.1"), as the signed ranking and
    # the results page show the same figures.
    return "—" if value is None else format(R.round_half_up(value, decimals), "f")


def stage_figures(contest, result, stage, team_key):
    """What the feedback shows of one stage: the team's figures and field aggregates."""
    teams = [t.key for t in contest.teams if not t.withdrawn]
    per_team: dict = {t: {} for t in teams}
    for s in contest.sheets:
        if s.stage == stage.key and s.submitted and s.team in per_team:
            for c, v in s.scores.items():
                if v is not None:
                    per_team[s.team].setdefault(c, []).append(Fraction(v))
    rows = []
    for c in stage.criteria:
        means = {t: _mean(per_team[t].get(c.key, [])) for t in teams}
        field = [m for m in means.values() if m is not None]
        own = means.get(team_key)
        rows.append({"criterion": c, "own": own, "mean": _mean(field),
                     "best": max(field) if field else None, "place": _place(own, field),
                     "n": len(field)})
    scores = {t.team: t.stages[stage.key].score for t in result.teams
              if not t.withdrawn and stage.key in t.stages}
    field = [v for v in scores.values() if v is not None]
    own = scores.get(team_key)
    total = {"own": own, "mean": _mean(Fraction(v) for v in field),
             "best": max(field) if field else None, "place": _place(own, field),
             "n": len(field), "max": sum((c.max for c in stage.criteria), 0)}
    return rows, total


def shuffled_comments(contest, stage_key, team_key, secret: str) -> list[str]:
    """The team's comments in a stage, without names, in an order shuffled per team.

    The shuffle is seeded with the team's private token, so the order is stable between
    printings but cannot be re-derived (and matched to the judge list) by anyone else.
    """
    comments = sorted((s.judge, s.comment.strip()) for s in contest.sheets
                      if s.stage == stage_key and s.team == team_key and s.submitted
                      and (s.comment or "").strip())
    texts = [c for _j, c in comments]
    seed = hashlib.sha256(f"{secret}:{stage_key}".encode()).hexdigest()
    random.Random(seed).shuffle(texts)
    return texts


def _team_story(st, contest, result, team, token, decimals, width, show_final):
    story = [Section(team.key, team.name), st.p(team.name, st.h1)]
    story.append(st.p(_("Your team's scores per stage and criterion against the field of "
                        "%(n)s teams: the mean and the best of all teams, and your place. "
                        "Judges' comments are listed without names, in no particular order.",
                        n=len([t for t in contest.teams if not t.withdrawn])), st.small))
    line = result.team(team.key)
    # Only once every stage is published: over some stages it is no final score.
    if show_final and line.final is not None and line.rank is not None:
        story.append(st.p(_("Final score %(final)s, place %(rank)s.",
                            final=format(line.final, "f"), rank=line.rank), st.big))
    for stage in contest.stages:
        rows, total = stage_figures(contest, result, stage, team.key)
        story.append(st.p(stage.name, st.h2))
        header = [st.p(h, st.head) for h in (_("Criterion"), _("Maximum"), _("Your team"),
                                              _("Field mean"), _("Best"), _("Your place"))]
        body = [[st.p(r["criterion"].name), st.p(R.decimal_text(r["criterion"].max),
                                                  st.cell_right),
                 st.p(_text(r["own"], decimals), st.cell_right),
                 st.p(_text(r["mean"], decimals), st.cell_right),
                 st.p(_text(r["best"], decimals), st.cell_right),
                 st.p(f'{r["place"]} / {r["n"]}' if r["place"] else "—", st.cell_center)]
                for r in rows]
        body.append([st.p(_("Stage score"), st.cell), st.p(R.decimal_text(total["max"]),
                                                           st.cell_right),
                     st.p(_text(total["own"], decimals), st.cell_right),
                     st.p(_text(total["mean"], decimals), st.cell_right),
                     st.p(_text(total["best"], decimals), st.cell_right),
                     st.p(f'{total["place"]} / {total["n"]}' if total["place"] else "—",
                          st.cell_center)])
        widths = [width * f for f in (0.34, 0.11, 0.14, 0.14, 0.13, 0.14)]
        story.append(grid_table(header, body, widths))
        pct = [[_percent(r[k], r["criterion"].max) for r in rows]
               for k in ("own", "mean", "best")]
        story.append(Spacer(1, 2 * mm))
        story.append(grouped_bars([r["criterion"].name for r in rows], pct,
                                  [_("Your team"), _("Field mean"), _("Best")],
                                  font=st.fonts.regular, width=width))
        comments = shuffled_comments(contest, stage.key, team.key, token)
        if comments:
            story.append(st.p(_("Judges' comments"), st.h2))
            for text in comments:
                story.append(st.markup("· " + esc(text).replace("\r\n", "\n")
                                       .replace("\n", "<br/>"), st.body))
    return story


@localized
def build_team_feedback(competition, team=None, require_published=False) -> bytes:
    """The feedback PDF of one team (team=KEY) or of every team, over published stages.

    Before anything is published: a page that says so, or NotPublished with
    require_published (the team's link); ReportError for an unknown team.
    """
    with gc_paused():
        contest = contest_input(competition, published_only=True)
        if not contest.stages:
            if require_published:
                raise NotPublished(NOTHING_PUBLISHED)
            st = Styles(configured_fonts())
            return render([st.p(_(NOTHING_PUBLISHED), st.big)],
                          Meta(competition=competition.name, title=_("Team feedback")))
        result = R.compute_results(contest)
    rows = {t.key: t for t in competition.teams}
    if team is not None and team not in rows:
        raise ReportError(f'no team "{team}" in competition {competition.key}')
    # In draw order, as the organizer hands the pages out (never in rank order).
    keys = [team] if team else [t.key for t in sorted(
        contest.teams, key=lambda t: (t.draw is None, t.draw or 0, t.key)) if not t.withdrawn]
    st = Styles(configured_fonts())
    width = frame_width(False)
    story = []
    for key in keys:
        if story:
            story.append(PageBreak())
        story += _team_story(st, contest, result, rows[key], rows[key].upload_token or key,
                             contest.rules.decimals, width,
                             len(contest.stages) == len(competition.stages))
    if not story:
        story.append(st.p(_("No team yet."), st.body))
    return render(story, Meta(competition=competition.name, title=_("Team feedback")))
