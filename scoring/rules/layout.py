"""DESIGN section 12 as plain records: divisions, stage panels, rooms, normalization, qualify.

Pure code: it never touches the database. A competition that uses none of section 12
has no Layout (Contest.layout is None) and is computed exactly as sections 2 to 6 say.
`layout_problems` checks the meaning of a layout against its contest, each problem
with the place a contest file gives it (stages[i].rooms[j].judges[k], teams[i].rooms.K).
"""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from .errors import N_
from .numbers import decimal_text, round_half_up

NORMALIZATIONS = ("none", "room_mean", "z_score")
DEFAULT_COEFFICIENT_DECIMALS = 3
MAX_COEFFICIENT_DECIMALS = 6
# A qualification count and a stage draw position beyond any contest (a database integer
# would overflow long before a Python int does).
MAX_TEAMS = 10000


@dataclass(frozen=True)
class Division:
    """A division (组别): its teams are ranked, cut and awarded apart from the others."""

    key: str
    name: str = ""


@dataclass(frozen=True)
class Room:
    """A room (会场) of a stage with its own panel of judges."""

    key: str
    judges: tuple[str, ...]
    name: str = ""


@dataclass(frozen=True)
class Qualify:
    """Advancement to a stage: the `top` N or a `share` of each division's scored teams."""

    top: int | None = None
    share: Decimal | None = None

    def size(self, n_scored: int) -> int:
        """How many teams of a division qualify: top N, or share x N rounded half-up."""
        if self.top is not None:
            return self.top
        return int(round_half_up(self.share * n_scored, 0))

    def to_dict(self) -> dict:
        """The contest file's `qualify` object."""
        if self.top is not None:
            return {"top": self.top}
        return {"share": decimal_text(self.share)}


@dataclass(frozen=True)
class StagePlan:
    """Section 12 settings of one stage: its panel or its rooms, normalization, qualify."""

    judges: tuple[str, ...] | None = None  # None: every judge of the competition
    rooms: tuple[Room, ...] = ()
    normalization: str = "none"
    qualify: Qualify | None = None

    @property
    def normalizes(self) -> bool:
        """Whether this stage adjusts its scores across rooms."""
        return self.normalization != "none" and len(self.rooms) >= 2


@dataclass(frozen=True)
class Layout:
    """The section 12 part of a contest; empty mappings mean the feature is unused."""

    divisions: tuple[Division, ...] = ()
    team_divisions: Mapping[str, str] = field(default_factory=dict, hash=False)
    stages: Mapping[str, StagePlan] = field(default_factory=dict, hash=False)
    # team key -> {stage key -> room key}; team key -> {stage key -> position}
    team_rooms: Mapping[str, Mapping[str, str]] = field(default_factory=dict, hash=False)
    stage_draw: Mapping[str, Mapping[str, int]] = field(default_factory=dict, hash=False)
    coefficient_decimals: int = DEFAULT_COEFFICIENT_DECIMALS

    def plan(self, stage_key) -> StagePlan:
        """The stage's plan (an empty one when the stage uses none of section 12)."""
        return self.stages.get(stage_key) or StagePlan()

    def room_of(self, team_key, stage_key) -> str | None:
        """The key of the team's room in a stage, None when it has none."""
        return self.team_rooms.get(team_key, {}).get(stage_key)

    def panel(self, team_key, stage_key, all_judges) -> tuple[str, ...]:
        """The judge keys that score this team in this stage (its room's, the stage's or all)."""
        plan = self.plan(stage_key)
        if plan.rooms:
            room = self.room_of(team_key, stage_key)
            for r in plan.rooms:
                if r.key == room:
                    return r.judges
            return ()
        if plan.judges is not None:
            return plan.judges
        return tuple(all_judges)

    def qualifying_stage(self, stages) -> int | None:
        """The index of the stage that carries `qualify`, None when none does."""
        for i, s in enumerate(stages):
            if self.plan(s.key).qualify is not None:
                return i
        return None

    @property
    def used(self) -> bool:
        """Whether anything of section 12 is in use (else the contest file stays version 1)."""
        return bool(self.divisions or self.team_divisions or self.team_rooms
                    or self.stage_draw
                    or self.coefficient_decimals != DEFAULT_COEFFICIENT_DECIMALS
                    or any(p != StagePlan() for p in self.stages.values()))


def layout_problems(contest) -> list:
    """Every problem of a contest's layout as (place, message, params), places as in the file."""
    layout = contest.layout
    if layout is None:
        return []
    out = []
    judges = {j.key for j in contest.judges}
    stage_index = {s.key: i for i, s in enumerate(contest.stages)}
    division_keys = [d.key for d in layout.divisions]
    for key, n in Counter(division_keys).items():
        if n > 1:
            out.append(("divisions", N_('"%(value)s" is listed twice'), {"value": key}))
    if not 0 <= layout.coefficient_decimals <= MAX_COEFFICIENT_DECIMALS:
        out.append(("competition.rules.coefficient_decimals",
                    N_("%(value)s is not between 0 and %(max)s"),
                    {"value": layout.coefficient_decimals, "max": MAX_COEFFICIENT_DECIMALS}))
    qualifying = []
    for i, s in enumerate(contest.stages):
        plan = layout.plan(s.key)
        place = f"stages[{i}]"
        out.extend(_plan_problems(plan, place, judges))
        if plan.qualify is not None:
            qualifying.append(i)
            if i == 0:
                out.append((f"{place}.qualify", N_("the first stage cannot carry qualify"), {}))
    normalizing = [s.key for s in contest.stages if layout.plan(s.key).normalizes]
    for i, tb in enumerate(contest.rules.tie_breaks):
        if normalizing and tb.startswith("precise:"):
            # precise:N recomputes stage scores from the sheets at N decimals; an adjusted
            # score has no such exact value, so the two are refused together, not guessed.
            out.append((f"competition.rules.tie_breaks[{i}]",
                        N_("%(value)s cannot be used with a stage normalized across rooms "
                           "(stage %(stage)s)"), {"value": tb, "stage": normalizing[0]}))
    if len(qualifying) > 1:
        for i in qualifying[1:]:
            out.append((f"stages[{i}].qualify",
                        N_("only one stage may carry qualify (stage %(stage)s already does)"),
                        {"stage": contest.stages[qualifying[0]].key}))
    for i, t in enumerate(contest.teams):
        out.extend(_team_problems(layout, t.key, f"teams[{i}]", division_keys, stage_index,
                                  contest.stages))
    return out


def _plan_problems(plan, place, judges):
    out = []
    if plan.judges is not None and plan.rooms:
        out.append((place, N_("name either judges or rooms, not both"), {}))
    for k, j in enumerate(plan.judges or ()):
        if j not in judges:
            out.append((f"{place}.judges[{k}]", N_('unknown judge "%(judge)s"'), {"judge": j}))
    for key, n in Counter(plan.judges or ()).items():
        if n > 1:
            out.append((f"{place}.judges", N_('"%(value)s" is listed twice'), {"value": key}))
    seen_rooms = set()
    seat = {}
    for r_i, room in enumerate(plan.rooms):
        rplace = f"{place}.rooms[{r_i}]"
        if room.key in seen_rooms:
            out.append((f"{rplace}.key", N_('"%(value)s" is listed twice'), {"value": room.key}))
        seen_rooms.add(room.key)
        for k, j in enumerate(room.judges):
            jplace = f"{rplace}.judges[{k}]"
            if j not in judges:
                out.append((jplace, N_('unknown judge "%(judge)s"'), {"judge": j}))
            elif j in seat:
                out.append((jplace, N_("judge %(judge)s already sits in room %(room)s of "
                                       "this stage"), {"judge": j, "room": seat[j]}))
            else:
                seat[j] = room.key
    if plan.normalization not in NORMALIZATIONS:
        out.append((f"{place}.normalization", N_('"%(value)s" is not one of %(choices)s'),
                    {"value": plan.normalization, "choices": ", ".join(NORMALIZATIONS)}))
    elif plan.normalization != "none" and len(plan.rooms) < 2:
        out.append((f"{place}.normalization",
                    N_("normalization needs a stage with two rooms or more"), {}))
    q = plan.qualify
    if q is not None:
        if (q.top is None) == (q.share is None):
            out.append((f"{place}.qualify", N_("give top or share, not both"), {}))
        elif q.top is not None and q.top < 1:
            out.append((f"{place}.qualify.top", N_("%(value)s is below the minimum 1"),
                        {"value": q.top}))
        elif q.top is not None and q.top > MAX_TEAMS:
            out.append((f"{place}.qualify.top", N_("%(value)s is above the maximum %(max)s"),
                        {"value": q.top, "max": MAX_TEAMS}))
        elif q.share is not None and not 0 < q.share <= 1:
            out.append((f"{place}.qualify.share", N_("%(value)s is not above 0 and at most 1"),
                        {"value": decimal_text(q.share)}))
    return out


def _team_problems(layout, team, place, division_keys, stage_index, stages):
    out = []
    division = layout.team_divisions.get(team)
    if division is not None and division not in division_keys:
        out.append((f"{place}.division", N_('unknown division "%(division)s"'),
                    {"division": division}))
    if division is None and division_keys:
        out.append((f"{place}.division", N_("give the team's division"), {}))
    for stage, room in layout.team_rooms.get(team, {}).items():
        rplace = f"{place}.rooms.{stage}"
        if stage not in stage_index:
            out.append((rplace, N_('unknown stage "%(stage)s"'), {"stage": stage}))
            continue
        rooms = [r.key for r in layout.plan(stage).rooms]
        if not rooms:
            out.append((rplace, N_("stage %(stage)s has no rooms"), {"stage": stage}))
        elif room not in rooms:
            out.append((rplace, N_('unknown room "%(room)s"'), {"room": room}))
    for stage, position in layout.stage_draw.get(team, {}).items():
        dplace = f"{place}.stage_draw.{stage}"
        if stage not in stage_index:
            out.append((dplace, N_('unknown stage "%(stage)s"'), {"stage": stage}))
        elif position < 1:
            out.append((dplace, N_("%(value)s is below the minimum 1"), {"value": position}))
        elif position > MAX_TEAMS:
            out.append((dplace, N_("%(value)s is above the maximum %(max)s"),
                        {"value": position, "max": MAX_TEAMS}))
    return out
