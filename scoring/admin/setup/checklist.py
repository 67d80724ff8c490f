"""The setup checklist on a competition's overview: what is missing or wrong, with links."""
import re
from collections import Counter
from decimal import Decimal

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from ...extensions import db
from ...rules import (
    DEFAULT_TIE_BREAKS,
    Rules,
    decimal_text,
    departments_required,
    team_settings_of,
    thin_panels,
    with_default_tie_breaks,
)
from ...rules.errors import SettingsError
from .. import nav
from .common import problem_text

# Where in the rules a problem is, as the rules page names it (not "rules.tie_breaks[0]").
_RULE_PLACES = {
    "aggregation": _l("Aggregation"), "trim": _l("Sheets dropped at each end"),
    "decimals": _l("Decimal places"), "tie_breaks": _l("Tie-break"),
    "awards": _l("Award tier"), "variance_threshold": _l("Variance threshold"),
    "calibration_reveal": _l("Calibration reveal"), "groups": _l("Panel groups"),
    "team_size": _l("Members per team"),
    "distinct_departments": _l("Members from different departments"),
}


def rule_place_text(place: str) -> str:
    """"rules.tie_breaks[0]" as "Rules, Tie-break 1": the words of the rules page."""
    match = re.fullmatch(r"rules(?:\.(\w+))?(?:\[(\d+)\])?(?:\.(.*))?", place or "")
    if not match or not match.group(1):
        return str(_("Rules"))
    name, index, rest = match.groups()
    label = str(_RULE_PLACES.get(name, name))
    if index is not None:
        label += f" {int(index) + 1}"
    if rest and name == "groups":
        label += f" ({rest})"
    return _("Rules, %(where)s", where=label)


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
    stage_keys = [s.key for s in stages]
    rules = None
    try:
        rules = Rules.from_dict(with_default_tie_breaks(competition.rules, stage_keys),
                                stage_keys)
    except SettingsError as e:
        for place, msg, params in e.problems:
            items.append(_item("bad", rule_place_text(place) + _(": ") +
                               problem_text(msg, params), "admin.rules_settings", key))
    if rules is not None and stages and teams and judges:
        items.extend(thin_panel_items(competition, rules))
    defaults = isinstance(competition.rules, dict) and "tie_breaks" not in competition.rules
    dropped = [t for t in DEFAULT_TIE_BREAKS
               if t.startswith("stage:") and t.partition(":")[2] not in stage_keys]
    if rules is not None and stages and defaults and dropped:
        # The default chain's stage step fell away silently (a stage keyed "pres", not
        # "presentation"): a tie at an award boundary would skip the step the rules meant.
        items.append(_item("warn", _(
            'The default tie-break chain starts with the stage "%(missing)s", which this '
            'competition does not have, so ties go straight to the means. Set the chain '
            'on the rules page (for example stage:%(stage)s first).',
            missing=dropped[0].partition(":")[2], stage=stages[-1].key),
            "admin.rules_settings", key))

    if not teams:
        items.append(_item("bad", _("No team yet."), "admin.setup_teams", key))
    else:
        team_problems = 0
        size, distinct = team_settings_of(competition.rules)
        for t in teams:
            if len(t.members) != size:
                team_problems += 1
                items.append(_item("bad", _('Team "%(team)s" has %(count)s members, not '
                                            '%(size)s.', team=t.name, count=len(t.members),
                                            size=size), "admin.setup_teams", key))
            if not departments_required(size, distinct):
                continue
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
            items.append(_item("ok", _teams_ok_text(len(teams), size, distinct),
                               "admin.setup_teams", key))

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



def thin_panel_items(competition, rules) -> list[dict]:
    """Warnings for teams whose expected sheets (after recusals and absences) are fewer
    than the trim needs: their stage score would keep every sheet and be flagged.

    With rooms or named panels (section 12) a team expects the sheets of its room's or
    panel's judges only, and a team cut before a stage expects none there."""
    from ...models import Absence
    from ...operations.panels import board_scope
    from ...operations.sheet_access import recusal_map

    recused = {pair for pair, state in recusal_map(competition).items() if state.recused}
    absent = {(j, s) for j, s in db.session.execute(
        db.select(Absence.judge_id, Absence.stage_id)
        .where(Absence.stage_id.in_([s.id for s in competition.stages])))}
    names = {t.key: t.name for t in competition.teams}
    expected = {}
    for stage in competition.stages:
        scope, cut = board_scope(stage, competition.judges)
        for team in competition.teams:
            if team.withdrawn or team.key in cut:
                continue
            by_group = expected.setdefault((stage.key, team.key), {})
            for judge in competition.judges:
                if (judge.id, team.id) in recused or (judge.id, stage.id) in absent:
                    continue
                if scope.get(judge.id) is not None and team.id not in scope[judge.id]:
                    continue  # another room's or panel's team
                by_group[judge.panel_group] = by_group.get(judge.panel_group, 0) + 1
    items = []
    by_stage = {}
    for thin in thin_panels(rules, expected):
        by_stage.setdefault(thin.stage, []).append(thin)
    for stage in competition.stages:
        found = by_stage.get(stage.key)
        if not found:
            continue
        shown = "、".join(_("%(team)s (%(count)s)", team=names[t.team], count=t.sheets)
                         for t in found[:8])
        if len(found) > 8:
            shown += _(" and %(count)s more", count=len(found) - 8)
        items.append(_item("warn", _(
            'Stage "%(stage)s": %(count)s teams would be scored on fewer sheets than the '
            'trim needs (%(needed)s, twice the sheets dropped at each end plus one), after '
            'recusals and absences, so nothing is dropped and their scores are flagged: '
            '%(teams)s. Add judges or lower the trim on the rules page.',
            stage=stage.name, count=len(found), needed=found[0].needed, teams=shown),
            "admin.rules_settings", competition.key))
    return items


def _teams_ok_text(count, size, distinct):
    """The checklist's line for well-formed teams, in the words of the team rules."""
    if size == 3 and distinct:
        return _("%(count)s teams of three, each from three departments.", count=count)
    if size == 1:
        return ngettext("%(num)s contestant, one per team.",
                        "%(num)s contestants, one per team.", count)
    if distinct:
        return _("%(count)s teams of %(size)s, each member from a different department.",
                 count=count, size=size)
    return _("%(count)s teams of %(size)s.", count=count, size=size)
