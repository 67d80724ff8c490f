"""Per-competition rule settings: defaults, parsing from the contest file, validation."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from .errors import N_, SettingsError
from .numbers import decimal_refusal, decimal_text, parse_plain_decimal, round_half_up
from .precise import precise_problems
from .team_rules import read_team_settings, team_settings_dict, team_settings_problems

AGGREGATIONS = ("pooled", "weighted_groups")
MAX_DECIMALS = 4
# Upper bounds no real contest reaches: a panel has a few dozen judges at most, a reveal
# a few dozen teams. Without them trim=10**22 or calibration_reveal=10**30 were saved
# (and overflowed the database's integer on the way to a 500 elsewhere).
MAX_TRIM = 50
MAX_CALIBRATION_REVEAL = 1000
MAX_AWARD_COUNT = 100000


@dataclass(frozen=True)
class GroupRule:
    """How one panel group counts in `weighted_groups` (rule 3)."""

    weight: Decimal
    trim: int = 0


@dataclass(frozen=True)
class AwardTier:
    """One award tier: a fixed `count` of teams or a `share` of the ranked teams (rule 7)."""

    name: str
    count: int | None = None
    share: Decimal | None = None

    def size(self, n_ranked: int) -> int:
        """Rule 7: the tier's size, count or share x N rounded half-up."""
        if self.count is not None:
            return self.count
        return int(round_half_up(self.share * n_ranked, 0))


DEFAULT_GROUPS = {
    "external": GroupRule(Decimal("0.4"), 0),
    "internal": GroupRule(Decimal("0.6"), 1),
}
DEFAULT_TIE_BREAKS = ("stage:presentation", "raw_mean", "group_mean:external")
DEFAULT_AWARDS = (
    AwardTier("一等奖", share=Decimal("0.2")),
    AwardTier("二等奖", share=Decimal("0.3")),
    AwardTier("三等奖", share=Decimal("0.5")),
)

_INT_FIELDS = ("trim", "decimals", "calibration_reveal")
_DECIMAL_FIELDS = ("variance_threshold",)
_KNOWN = ("aggregation", "trim", "groups", "decimals", "tie_breaks", "awards",
          "variance_threshold", "calibration_reveal", "award_ties", "final_rounding",
          "team_size", "distinct_departments")
# Optional settings (issue 18): written to the contest file only when not the default,
# so a file of a competition that never used them reads exactly as before.
_CHOICES = {"award_ties": ("fixed", "shift"), "final_rounding": ("sum", "each")}


@dataclass(frozen=True)
class Rules:
    """Every rule setting of one competition, with the defaults of DESIGN section 2."""

    aggregation: str = "pooled"
    trim: int = 1
    groups: Mapping[str, GroupRule] = field(default_factory=lambda: dict(DEFAULT_GROUPS))
    decimals: int = 2
    tie_breaks: tuple[str, ...] = DEFAULT_TIE_BREAKS
    awards: tuple[AwardTier, ...] = DEFAULT_AWARDS
    variance_threshold: Decimal = Decimal("10")
    calibration_reveal: int = 0
    award_ties: str = "fixed"  # rule 7: "fixed" or "shift" (awards_ties.py)
    final_rounding: str = "sum"  # rule 5: "sum" or "each" (precise.py)
    team_size: int = 3  # section 1: members per team (team_rules.py)
    distinct_departments: bool = True  # section 1: members from different departments

    @classmethod
    def from_dict(cls, d, stage_keys=None, place="rules"):
        """Parse the contest file's `rules` object; SettingsError lists every problem."""
        problems = []
        if d is None:
            d = {}
        if not isinstance(d, Mapping):
            raise SettingsError([(place, N_("give an object"), {})])
        kwargs = {}
        for key in d:
            if key not in _KNOWN:
                problems.append((f"{place}.{key}", N_("unknown setting"), {}))
        kwargs.update(read_team_settings(d, place, problems))
        for key in _CHOICES:
            if key in d:
                if isinstance(d[key], str):
                    kwargs[key] = d[key]
                else:
                    problems.append((f"{place}.{key}", N_("give a text"), {}))
        if "aggregation" in d:
            if isinstance(d["aggregation"], str):
                kwargs["aggregation"] = d["aggregation"]
            else:
                problems.append((f"{place}.aggregation", N_("give a text"), {}))
        for key in _INT_FIELDS:
            if key in d:
                value = _int(d[key], f"{place}.{key}", problems)
                if value is not None:
                    kwargs[key] = value
        for key in _DECIMAL_FIELDS:
            if key in d:
                value = _decimal(d[key], f"{place}.{key}", problems)
                if value is not None:
                    kwargs[key] = value
        if "groups" in d:
            groups = _groups(d["groups"], f"{place}.groups", problems)
            if groups is not None:
                kwargs["groups"] = groups
        if "tie_breaks" in d:
            tbs = d["tie_breaks"]
            if isinstance(tbs, list) and all(isinstance(t, str) for t in tbs):
                kwargs["tie_breaks"] = tuple(tbs)
            else:
                problems.append((f"{place}.tie_breaks", N_("give a list of texts"), {}))
        if "awards" in d:
            awards = _awards(d["awards"], f"{place}.awards", problems)
            if awards is not None:
                kwargs["awards"] = awards
        rules = cls(**kwargs)
        problems.extend(rules.problems(stage_keys, place))
        if problems:
            raise SettingsError(problems)
        return rules

    def to_dict(self) -> dict:
        """The contest file's `rules` object, decimals as normalized strings (round-trips)."""
        out = self._base_dict()
        for key, choices in _CHOICES.items():
            if getattr(self, key) != choices[0]:
                out[key] = getattr(self, key)
        out.update(team_settings_dict(self))
        return out

    def _base_dict(self) -> dict:
        return {
            "aggregation": self.aggregation,
            "trim": self.trim,
            "groups": {name: {"weight": decimal_text(g.weight), "trim": g.trim}
                       for name, g in self.groups.items()},
            "decimals": self.decimals,
            "tie_breaks": list(self.tie_breaks),
            "awards": [_award_dict(a) for a in self.awards],
            "variance_threshold": decimal_text(self.variance_threshold),
            "calibration_reveal": self.calibration_reveal,
        }

    def problems(self, stage_keys=None, place="rules") -> list:
        """Check the meaning of settings (ranges, sums, references) as (place, message, params)."""
        out = []
        if self.aggregation not in AGGREGATIONS:
            out.append((f"{place}.aggregation", N_('"%(value)s" is not one of %(choices)s'),
                        {"value": self.aggregation, "choices": ", ".join(AGGREGATIONS)}))
        out.extend(_range_problem(self.trim, MAX_TRIM, f"{place}.trim"))
        if not 0 <= self.decimals <= MAX_DECIMALS:
            out.append((f"{place}.decimals", N_("%(value)s is not between 0 and %(max)s"),
                        {"value": self.decimals, "max": MAX_DECIMALS}))
        out.extend(_group_problems(self.groups, f"{place}.groups"))
        out.extend(_tie_break_problems(self.tie_breaks, self.groups, stage_keys,
                                       f"{place}.tie_breaks"))
        out.extend(_award_problems(self.awards, f"{place}.awards"))
        for key, choices in _CHOICES.items():
            if getattr(self, key) not in choices:
                out.append((f"{place}.{key}", N_('"%(value)s" is not one of %(choices)s'),
                            {"value": getattr(self, key), "choices": ", ".join(choices)}))
        out.extend(precise_problems(self.tie_breaks, self.decimals, f"{place}.tie_breaks"))
        out.extend(team_settings_problems(self.team_size, self.distinct_departments, place))
        if self.variance_threshold < 0:
            out.append((f"{place}.variance_threshold", N_("%(value)s is below the minimum 0"),
                        {"value": decimal_text(self.variance_threshold)}))
        out.extend(_range_problem(self.calibration_reveal, MAX_CALIBRATION_REVEAL,
                                  f"{place}.calibration_reveal"))
        return out


def _range_problem(value: int, maximum: int, place: str) -> list:
    """[(place, "51 is above the maximum 50", ...)] when value is outside 0..maximum."""
    if value < 0:
        return [(place, N_("%(value)s is below the minimum 0"), {"value": value})]
    if value > maximum:
        return [(place, N_("%(value)s is above the maximum %(max)s"),
                 {"value": value, "max": maximum})]
    return []


def validate_awards_fit(rules: Rules, n_teams: int, place="rules.awards") -> list:
    """Rule 7: a problem when the tiers ask for more places than there are ranked teams.

    The places asked for are counted exactly (count, or share x N unrounded): shares that
    add up to 1 fit every N, although rounding each tier half-up may give one place more
    than N (0.2/0.3/0.5 of 15 teams is 3 + 5 + 8); rule 7 then simply gives every ranked
    team an award, which is what the organizer asked for.
    """
    asked = sum(Fraction(tier.count) if tier.count is not None
                else Fraction(tier.share) * n_teams for tier in rules.awards)
    if asked > n_teams:
        total = sum(tier.size(n_teams) for tier in rules.awards)
        return [(place, N_("the award tiers hold %(total)s teams, but only %(n)s are ranked"),
                 {"total": total, "n": n_teams})]
    return []


def _award_dict(a: AwardTier) -> dict:
    out = {"name": a.name}
    if a.count is not None:
        out["count"] = a.count
    if a.share is not None:
        out["share"] = decimal_text(a.share)
    return out


def _int(value, place, problems):
    # bool is an int in Python, but `true` is never a count in the contest file.
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    problems.append((place, N_("give a whole number"), {}))
    return None


def _decimal(value, place, problems):
    parsed = parse_plain_decimal(value) if isinstance(value, str) else None
    if parsed is None:
        problems.append((place, *decimal_refusal(value)))
    return parsed


def _groups(value, place, problems):
    if not isinstance(value, Mapping):
        problems.append((place, N_("give an object"), {}))
        return None
    groups = {}
    for name, g in value.items():
        gplace = f"{place}.{name}"
        if not isinstance(g, Mapping):
            problems.append((gplace, N_("give an object"), {}))
            continue
        for key in g:
            if key not in ("weight", "trim"):
                problems.append((f"{gplace}.{key}", N_("unknown setting"), {}))
        if "weight" not in g:
            problems.append((f"{gplace}.weight", N_("missing"), {}))
            continue
        weight = _decimal(g["weight"], f"{gplace}.weight", problems)
        trim = _int(g.get("trim", 0), f"{gplace}.trim", problems)
        if weight is not None and trim is not None:
            groups[name] = GroupRule(weight, trim)
    return groups


def _awards(value, place, problems):
    if not isinstance(value, list):
        problems.append((place, N_("give a list"), {}))
        return None
    tiers = []
    for i, a in enumerate(value):
        aplace = f"{place}[{i}]"
        if not isinstance(a, Mapping):
            problems.append((aplace, N_("give an object"), {}))
            continue
        for key in a:
            if key not in ("name", "count", "share"):
                problems.append((f"{aplace}.{key}", N_("unknown setting"), {}))
        name = a.get("name")
        if not isinstance(name, str):
            problems.append((f"{aplace}.name", N_("give a text"), {}))
            continue
        count = _int(a["count"], f"{aplace}.count", problems) if "count" in a else None
        share = _decimal(a["share"], f"{aplace}.share", problems) if "share" in a else None
        if ("count" in a and count is None) or ("share" in a and share is None):
            continue
        tiers.append(AwardTier(name, count, share))
    return tuple(tiers)


def _group_problems(groups, place):
    out = []
    if not groups:
        return [(place, N_("give at least one panel group"), {})]
    for name, g in groups.items():
        if not 0 < g.weight <= 1:
            out.append((f"{place}.{name}.weight", N_("%(value)s is not above 0 and at most 1"),
                        {"value": decimal_text(g.weight)}))
        out.extend(_range_problem(g.trim, MAX_TRIM, f"{place}.{name}.trim"))
    total = sum((g.weight for g in groups.values()), Decimal(0))
    if total != 1:
        out.append((place, N_("weights sum to %(sum)s, not 1"), {"sum": decimal_text(total)}))
    return out


def _tie_break_problems(tie_breaks, groups, stage_keys, place):
    out = []
    seen = set()
    for i, tb in enumerate(tie_breaks):
        tplace = f"{place}[{i}]"
        if tb in seen:
            out.append((tplace, N_('"%(value)s" is listed twice'), {"value": tb}))
        seen.add(tb)
        kind, _, arg = tb.partition(":")
        if tb in ("raw_mean", "raw_sum", "dropped_sum") or kind == "precise":
            continue  # precise:N is checked against `decimals` (precise.precise_problems)
        if kind == "stage" and arg:
            if stage_keys is not None and arg not in stage_keys:
                out.append((tplace, N_('unknown stage "%(stage)s"'), {"stage": arg}))
        elif kind == "group_mean" and arg:
            if arg not in groups:
                out.append((tplace, N_('unknown panel group "%(group)s"'), {"group": arg}))
        else:
            out.append((tplace, N_('unknown tie-break "%(value)s"; use stage:KEY, raw_mean, '
                                   'raw_sum, dropped_sum, group_mean:GROUP or precise:N'),
                        {"value": tb}))
    return out


def _award_problems(awards, place):
    out = []
    names = set()
    for i, a in enumerate(awards):
        aplace = f"{place}[{i}]"
        if not a.name.strip():
            out.append((f"{aplace}.name", N_("give a name"), {}))
        elif a.name in names:
            out.append((f"{aplace}.name", N_('"%(value)s" is listed twice'), {"value": a.name}))
        names.add(a.name)
        if (a.count is None) == (a.share is None):
            out.append((aplace, N_("give a count or a share, not both"), {}))
        if a.count is not None:
            out.extend(_range_problem(a.count, MAX_AWARD_COUNT, f"{aplace}.count"))
        if a.share is not None and not 0 < a.share <= 1:
            out.append((f"{aplace}.share", N_("%(value)s is not above 0 and at most 1"),
                        {"value": decimal_text(a.share)}))
    return out


def with_default_tie_breaks(settings, stage_keys):
    """Settings with the default tie-break chain spelled out, minus stages the contest lacks.

    The default chain starts with stage:presentation; a contest without such a stage
    simply skips that step rather than being refused for a default it never chose.
    """
    if not isinstance(settings, dict) or "tie_breaks" in settings:
        return settings
    return dict(settings, tie_breaks=[
        t for t in DEFAULT_TIE_BREAKS
        if not t.startswith("stage:") or t.partition(":")[2] in stage_keys])
