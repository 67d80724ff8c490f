"""The rules page's helpers: what new settings do to the current standings before saving,
and the tie-break codes and award tiers in words."""
from dataclasses import replace

from flask_babel import gettext as _

from .. import rules as R
from ..results.exports import number_text
from ..results.standings import contest_input


def preview_rows(competition, new_rules) -> list:
    """One row per team whose final, rank or award the new settings change.

    Each row: team name, then (before, after) of the final, the rank and the award,
    computed from the sheets as they are now. An empty list: nothing changes.
    """
    contest = contest_input(competition)
    before = R.compute_results(contest)
    after = R.compute_results(replace(contest, rules=new_rules))
    names = {t.key: t.name for t in contest.teams}
    rows = []
    for t in after.teams:
        old = before.team(t.team)
        if (old.final, old.rank, old.award) == (t.final, t.rank, t.award):
            continue
        rows.append({
            "team": names.get(t.team, t.team),
            "final": (number_text(old.final, contest.rules.decimals) or "-",
                      number_text(t.final, new_rules.decimals) or "-"),
            "rank": (old.rank or "-", t.rank or "-"),
            "award": (old.award or _("none"), t.award or _("none")),
        })
    return rows


def tie_break_legend(competition) -> list:
    """(code, meaning) of every tie-break the rules page accepts, with this competition's
    stages: the organizer types codes, and reads here what each one does."""
    from ..reports.common import tie_break_label

    codes = [f"stage:{s.key}" for s in competition.stages]
    codes += ["raw_mean", "raw_sum", "dropped_sum", "group_mean:external",
              "group_mean:internal", "precise:3"]
    return [(code, tie_break_label(code, competition)) for code in codes]


def rules_in_words(competition, rules) -> dict:
    """The tie-break chain and the award tiers of `rules` as sentences."""
    from ..reports.common import tie_break_label

    tiers = []
    for a in rules.awards:
        if a.count is not None:
            tiers.append(_("%(name)s: %(count)s teams", name=a.name, count=a.count))
        else:
            tiers.append(_("%(name)s: %(percent)s%% of the ranked teams", name=a.name,
                           percent=R.decimal_text(a.share * 100)))
    return {"tie_breaks": [tie_break_label(k, competition) for k in rules.tie_breaks],
            "awards": tiers}
