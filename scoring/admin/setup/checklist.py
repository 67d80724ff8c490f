"""The setup checklist on a competition's overview: what is missing or wrong, with links."""
from collections import Counter
from decimal import Decimal

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...rules import Rules, decimal_text
from ...rules.errors import SettingsError
from .. import nav
from .common import problem_text


def _item(level, text, endpoint, key):
    return {"level": level, "text": text, "url": url_for(endpoint, key=key),
            "endpoint": endpoint}


def _linked_if_offered(items, key) -> list[dict]:
    """Link an item only to a page this user's menu offers (staff: no link to a 403)."""
    offered = {endpoint for _url, _label, endpoint in nav.links(key, current_user.is_admin)}
    for item in items:
        if item.pop("endpoint") not in offered:
            item["url"] = None
    return items


def setup_checklist(competition) -> list[dict]:
    """Problems ("bad"), warnings ("warn") and done steps ("ok") of a competition's setup."""
    key = competition.key
    items = []
    stages, teams, judges = competition.stages, competition.teams, competition.judges

    if not stages:
        items.append(_item("bad", _("No stage yet."), "admin.setup_stages", key))
    else:
        total = sum((s.weight for s in stages), Decimal(0))
        if total != 1:
            items.append(_item("bad", _("Stage weights sum to %(sum)s, not 1.",
                                        sum=decimal_text(total)), "admin.setup_stages", key))
        for s in stages:
            if not s.criteria:
                items.append(_item("bad", _('Stage "%(stage)s" has no criteria.',
                                            stage=s.name), "admin.setup_stages", key))
        if total == 1 and all(s.criteria for s in stages):
            items.append(_item("ok", _("Stages and rubric are complete."),
                               "admin.setup_stages", key))
    try:
        Rules.from_dict(competition.rules, [s.key for s in stages])
    except SettingsError as e:
        for place, msg, params in e.problems:
            items.append(_item("bad", f"{place}: " + problem_text(msg, params),
                               "admin.setup_overview", key))

    if not teams:
        items.append(_item("bad", _("No team yet."), "admin.setup_teams", key))
    else:
        team_problems = 0
        for t in teams:
            if len(t.members) != 3:
                team_problems += 1
                items.append(_item("bad", _('Team "%(team)s" has %(count)s members, not 3.',
                                            team=t.name, count=len(t.members)),
                                   "admin.setup_teams", key))
            counts = Counter(m.department.name for m in t.members if m.department)
            for dept, n in counts.items():
                if n > 1:
                    team_problems += 1
                    items.append(_item("bad", _('Team "%(team)s" has %(count)s members from '
                                                '%(department)s.', team=t.name, count=n,
                                                department=dept), "admin.setup_teams", key))
            if any(m.department is None for m in t.members):
                team_problems += 1
                items.append(_item("bad", _('A member of team "%(team)s" has no department.',
                                            team=t.name), "admin.setup_teams", key))
        if not team_problems:
            items.append(_item("ok", _("%(count)s teams of three, each from three departments.",
                                       count=len(teams)), "admin.setup_teams", key))

    if not judges:
        items.append(_item("bad", _("No judge yet."), "admin.setup_judges", key))
    else:
        missing = [j for j in judges if j.panel_group == "internal" and j.department is None]
        for j in missing:
            items.append(_item("warn", _('Internal judge "%(judge)s" has no department: no '
                                         'recusal can be detected for them.', judge=j.name),
                               "admin.setup_judges", key))
        if not missing:
            items.append(_item("ok", _("%(count)s judges.", count=len(judges)),
                               "admin.setup_judges", key))

    if teams:
        if competition.draw_at is None:
            items.append(_item("bad", _("No draw yet."), "admin.setup_draw", key))
        elif any(t.draw_position is None for t in teams):
            items.append(_item("bad", _("Some teams have no draw position (added after the "
                                        "draw): draw again."), "admin.setup_draw", key))
        else:
            items.append(_item("ok", _("The draw is made."), "admin.setup_draw", key))
    return _linked_if_offered(items, key)

