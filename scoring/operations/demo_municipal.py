"""The municipal edition demo (DESIGN section 12): 120 teams in two divisions, four
preliminary rooms adjusted by room_mean, a final of 12 (the top 6 of each division).

`municipal_document` builds the whole competition as a version 2 contest file (a dict):
the preliminaries scored and closed, the final open with its own draw and no sheet yet.
The CLI imports it (`scoring demo --edition municipal`), so the demo goes through the
same checks as any contest file.
"""
import random
from decimal import Decimal

from .. import rules as R
from ..rules.layout import Division, Layout, Qualify, Room, StagePlan
from ..rules.room_draw import room_draw
from .demo import DEPARTMENTS, GIVEN, SURNAMES

MUNICIPAL_KEY = "municipal-2026"
SEED = "20261130"
DIVISIONS = [("wen", "文科组"), ("li", "理科组")]
ROOMS = [("A", "第一会场"), ("B", "第二会场"), ("C", "第三会场"), ("D", "第四会场")]
# Each room's panel is a little more or less severe: what room_mean corrects.
SEVERITY = {"A": 0.0, "B": -0.05, "C": 0.03, "D": -0.02}
CRITERIA = [("content", "教学内容", "40"), ("method", "教学方法", "30"),
            ("delivery", "语言表达", "20"), ("timing", "时间控制", "10")]
FINAL_TOP = 6
RULES = {
    "aggregation": "pooled", "trim": 1, "decimals": 2, "coefficient_decimals": 3,
    "tie_breaks": ["stage:final", "stage:prelim", "raw_mean"],
    "awards": [{"name": "一等奖", "count": 2}, {"name": "二等奖", "count": 4},
               {"name": "三等奖", "share": "0.2"}],
    "variance_threshold": "10", "calibration_reveal": 0,
}


def _value(rng, maximum, quality):
    share = min(1.0, max(0.4, rng.gauss(quality, 0.05)))
    return Decimal(int(Decimal(maximum) * 2 * Decimal(str(round(share, 3))))) / 2


def _people(rng):
    used = set()
    teams = []
    for i in range(120):
        division = DIVISIONS[i % 2][0]
        members = []
        for dept in rng.sample(DEPARTMENTS, 3):
            while True:
                name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))
                if name not in used:
                    used.add(name)
                    break
            members.append({"name": name, "department": dept})
        teams.append({"key": f"M{i + 1:03d}", "name": f"参赛队{i + 1:03d}",
                      "division": division, "members": members})
    return teams


def municipal_document() -> dict:
    """The municipal edition as a version 2 contest file (deterministic)."""
    rng = random.Random(2026)
    criteria = [{"key": k, "name": n, "max": m, "step": "0.5"} for k, n, m in CRITERIA]
    teams = _people(rng)
    keys = [t["key"] for t in teams]
    draw = R.random_draw(SEED, keys)
    divisions = {t["key"]: t["division"] for t in teams}
    rooms = room_draw(SEED, keys, [r for r, _n in ROOMS], divisions=divisions,
                      division_order=[d for d, _n in DIVISIONS], stratify=True)
    judges, room_panels = [], {}
    for r, _name in ROOMS:
        panel = [f"{r}{i}" for i in range(1, 6)]
        room_panels[r] = panel
        judges += [{"key": k, "name": f"{r}会场评委{k[1:]}",
                    "group": "external" if k.endswith("1") else "internal",
                    "department": None} for k in panel]
    final_panel = [f"F{i}" for i in range(1, 8)]
    judges += [{"key": k, "name": f"决赛评委{k[1:]}",
                "group": "external" if k in ("F1", "F2") else "internal",
                "department": None} for k in final_panel]
    quality = {k: rng.uniform(0.62, 0.9) for k in keys}
    sheets = []
    for k in sorted(keys):
        room = rooms[k]
        for judge in room_panels[room]:
            scores = {c: str(_value(rng, m, quality[k] + SEVERITY[room]))
                      for c, _n, m in CRITERIA}
            sheets.append({"judge": judge, "team": k, "stage": "prelim",
                           "status": "submitted", "scores": scores})
    for t in teams:
        t["draw"] = draw[t["key"]]
        t["rooms"] = {"prelim": rooms[t["key"]]}
    stages = [
        {"key": "prelim", "name": "初赛", "weight": "0", "normalization": "room_mean",
         "rooms": [{"key": r, "name": n, "judges": room_panels[r]} for r, n in ROOMS],
         "state": "closed", "criteria": criteria},
        {"key": "final", "name": "决赛", "weight": "1", "qualify": {"top": FINAL_TOP},
         "judges": final_panel, "state": "open", "criteria": criteria}]
    _final_draw(teams, stages, judges, sheets)
    return {
        "format": "scoring-contest", "version": 2,
        "competition": {"key": MUNICIPAL_KEY, "name": "青年教师教学竞赛市级决赛（演示）",
                        "rules": RULES,
                        "draw": {"method": "random", "seed": SEED}},
        "divisions": [{"key": d, "name": n} for d, n in DIVISIONS],
        "departments": sorted(DEPARTMENTS),
        "stages": stages, "judges": judges, "teams": teams, "sheets": sheets}


def _final_draw(teams, stages, judges, sheets):
    """The final's own draw among the qualifiers (the rules engine makes the cut)."""
    rule_stages = tuple(
        R.Stage(s["key"], Decimal(s["weight"]),
                tuple(R.Criterion(c["key"], Decimal(c["max"]), Decimal(c["step"]))
                      for c in s["criteria"])) for s in stages)
    prelim, final = stages
    layout = Layout(
        divisions=tuple(Division(d, n) for d, n in DIVISIONS),
        team_divisions={t["key"]: t["division"] for t in teams},
        stages={"prelim": StagePlan(rooms=tuple(Room(r["key"], tuple(r["judges"]))
                                                for r in prelim["rooms"]),
                                    normalization="room_mean"),
                "final": StagePlan(judges=tuple(final["judges"]), qualify=Qualify(FINAL_TOP))},
        team_rooms={t["key"]: dict(t["rooms"]) for t in teams})
    rules = R.Rules.from_dict({k: v for k, v in RULES.items() if k != "coefficient_decimals"},
                              ["prelim", "final"])
    contest = R.Contest(
        rules, rule_stages, tuple(R.Judge(j["key"], j["group"]) for j in judges),
        tuple(R.Team(t["key"], t["draw"]) for t in teams),
        sheets=tuple(R.Sheet(s["judge"], s["team"], s["stage"], s["status"],
                             {k: Decimal(v) for k, v in s["scores"].items()})
                     for s in sheets), layout=layout)
    result = R.compute_results(contest)
    qualified = [t.team for t in result.teams if t.qualified]
    positions = R.random_draw(SEED + ":final", qualified)
    for t in teams:
        if t["key"] in positions:
            t["stage_draw"] = {"final": positions[t["key"]]}
