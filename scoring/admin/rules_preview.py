"""The rules page's preview: what new settings do to the current standings, before saving."""
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
