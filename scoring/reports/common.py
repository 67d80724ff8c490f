"""Pieces several report builders share: language switch, labels, rule descriptions."""
from functools import wraps

from flask_babel import force_locale
from flask_babel import gettext as _

from .. import rules as R
from .data import num
from .text import list_text, with_key

DEFAULT_LANG = "zh_CN"


def localized(builder):
    """Run a builder with the report language (`lang`, default zh_CN) as the locale."""

    @wraps(builder)
    def wrapper(competition, *args, lang=DEFAULT_LANG, **kwargs):
        with force_locale(lang or DEFAULT_LANG):
            return builder(competition, *args, **kwargs)

    return wrapper


def group_label(group) -> str:
    """The printed name of a panel group."""
    if group == "external":
        return _("External expert")
    if group == "internal":
        return _("Internal judge")
    return str(group or "")


def judge_label(judge) -> str:
    """A judge as printed: name (key)."""
    return with_key(judge.name, judge.key) if judge.name else judge.key


def team_label(team) -> str:
    """A team as printed: name (key)."""
    return with_key(team.name, team.key) if team.name else team.key


def weight_text(weight) -> str:
    """A stage weight as printed (0.3)."""
    return num(weight)


def tie_break_label(key, data) -> str:
    """A tie-break rule in words (stage:presentation -> 现场展示得分)."""
    kind, _sep, arg = key.partition(":")
    if kind == "stage":
        names = {s.key: s.name or s.key for s in data.stages}
        return _("%(stage)s score", stage=names.get(arg, arg))
    if kind == "raw_mean":
        return _("mean of all sheets, nothing dropped")
    if kind == "raw_sum":
        return _("sum of all sheets, nothing dropped")
    if kind == "dropped_sum":
        return _("sum of the dropped sheets")
    if kind == "group_mean":  # whole phrases: a label would be capitalised mid-sentence
        if arg == "external":
            return _("mean of the external experts' sheets")
        if arg == "internal":
            return _("mean of the internal judges' sheets")
        return _("mean of the %(group)s sheets", group=group_label(arg))
    if kind == "precise":
        return _("the final at %(n)s decimals", n=arg)
    return key


def rules_summary(data) -> list[str]:
    """The computing rules in plain sentences, printed above the ranking."""
    rules = data.contest.rules
    out = []
    if rules.aggregation == "weighted_groups":
        parts = [_("%(group)s: weight %(weight)s, %(trim)s highest and lowest dropped",
                   group=group_label(g), weight=num(gr.weight), trim=gr.trim)
                 for g, gr in sorted(rules.groups.items())]
        out.append(_("Stage score: each panel group averaged on its own, then weighted "
                     "(%(parts)s).", parts="；".join(parts)))
    else:
        out.append(_("Stage score: the %(trim)s highest and %(trim)s lowest sheet totals "
                     "are dropped, the rest averaged.", trim=rules.trim))
    formula = " + ".join(f"{s.name or s.key} × {weight_text(s.weight)}" for s in data.stages)
    out.append(_("Final score = %(formula)s; every score rounded half-up to %(decimals)s "
                 "decimals, the final from the rounded stage scores.",
                 formula=formula, decimals=rules.decimals))
    if rules.final_rounding == "each":
        out.append(_("Each stage score × weight is rounded first, then added (the "
                     "ISU way)."))
    if rules.award_ties == "shift":
        out.append(_("Tied teams share an award and the later awards shrink: each tier "
                     "counts from where the previous one actually ended."))
    if data.result.has_deductions:
        out.append(_("Deductions are taken off the rounded stage scores (never below 0); "
                     "the stage scores printed are after them."))
    if rules.tie_breaks:
        out.append(_("Equal finals are separated by, in order: %(chain)s.",
                     chain=list_text(tie_break_label(k, data) for k in rules.tie_breaks)))
    return out


def awards_summary(data, teams=None) -> str:
    """The award tiers with their sizes for the ranked teams (rule 7); `teams`: the rows
    the tiers are counted over (one division's), default every row."""
    teams = data.result.teams if teams is None else teams
    n_ranked = sum(1 for t in teams if t.rank is not None)
    if not data.contest.rules.awards:
        return ""
    bounds = R.tier_bounds(data.contest.rules.awards, n_ranked)
    parts, start = [], 0
    for tier, end in zip(data.contest.rules.awards, bounds, strict=True):
        size = end - start
        start = end
        basis = (_("%(share)s%% of ranked teams", share=num(tier.share * 100))
                 if tier.share is not None else _("fixed count"))
        parts.append(_("%(award)s %(count)s teams (%(basis)s)", award=tier.name,
                       count=size, basis=basis))
    return _("Awards for %(n)s ranked teams: %(tiers)s.", n=n_ranked, tiers="；".join(parts))
