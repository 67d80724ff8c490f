"""Builders for section 12 rules tests: one judge per room, so a sheet total is the score."""
from decimal import Decimal as D

from scoring.rules import Contest, Criterion, Judge, Rules, Sheet, Stage, Team
from scoring.rules.layout import Division, Layout, Qualify, Room, StagePlan


def build(stages, scores, *, divisions=None, rooms=None, qualify=None, normalization=None,
          tie_breaks=("raw_mean",), awards=None, withdrawn=(), decimals=2,
          coefficient_decimals=3, judges_per_room=1, trim=0):
    """stages: {key: weight}; scores: {team: {stage: total or [totals]}};
    divisions: {team: division}; rooms: {stage: {team: room}}; qualify: (stage, Qualify)."""
    rules_kwargs = {"trim": trim, "tie_breaks": tuple(tie_breaks), "decimals": decimals}
    if awards is not None:
        rules_kwargs["awards"] = awards
    rules = Rules(**rules_kwargs)
    stage_objs = tuple(Stage(k, D(w), (Criterion("total", D("100"), D("0.0001")),))
                       for k, w in stages.items())
    rooms = rooms or {}
    judges, plans, team_rooms = [], {}, {}
    for stage_key in stages:
        by_team = rooms.get(stage_key)
        if by_team:
            room_keys = sorted(set(by_team.values()))
            room_objs = []
            for r in room_keys:
                keys = tuple(f"{stage_key}-{r}-{i}" for i in range(judges_per_room))
                judges.extend(keys)
                room_objs.append(Room(r, keys))
            for team, r in by_team.items():
                team_rooms.setdefault(team, {})[stage_key] = r
            plan = StagePlan(rooms=tuple(room_objs),
                             normalization=(normalization or {}).get(stage_key, "none"))
        else:
            keys = tuple(f"{stage_key}-{i}" for i in range(judges_per_room))
            judges.extend(keys)
            plan = StagePlan(judges=keys)
        if qualify and qualify[0] == stage_key:
            plan = StagePlan(plan.judges, plan.rooms, plan.normalization, qualify[1])
        plans[stage_key] = plan
    sheets = []
    for team, by_stage in scores.items():
        for stage_key, totals in by_stage.items():
            if totals is None:
                continue
            if not isinstance(totals, list):
                totals = [totals]
            r = team_rooms.get(team, {}).get(stage_key)
            prefix = f"{stage_key}-{r}-" if r else f"{stage_key}-"
            for i, total in enumerate(totals):
                sheets.append(Sheet(f"{prefix}{i}", team, stage_key, "submitted",
                                    {"total": D(total)}))
    teams = tuple(Team(k, i, (), k in withdrawn) for i, k in enumerate(scores, start=1))
    division_keys = []
    for d in (divisions or {}).values():
        if d not in division_keys:
            division_keys.append(d)
    layout = Layout(divisions=tuple(Division(d) for d in division_keys),
                    team_divisions=dict(divisions or {}), stages=plans,
                    team_rooms=team_rooms, coefficient_decimals=coefficient_decimals)
    return Contest(rules, stage_objs, tuple(Judge(j, "internal") for j in judges), teams,
                   sheets=tuple(sheets), layout=layout)


__all__ = ["build", "Qualify"]
