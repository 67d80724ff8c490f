"""Random but valid contest files for the oracle comparison (seeded `random.Random`).

Ties are made likely on purpose: coarse steps, narrow score ranges, few judges, teams
copying another team's sheets. `contest(rng)` gives a version 1 file; with
`layout=True`, a version 2 file (divisions, stage panels, rooms, normalization,
advancement) whose sheets respect the cut the oracle computes.
"""
import random
from decimal import Decimal
from fractions import Fraction

from .oracle import recused_pairs
from .oracle_layout import expected_results

STEPS = ["0.5", "0.1", "1", "0.25", "0.5", "1", "0.01", "0.05", "2", "0.125"]
DEPTS = [f"D{i}" for i in range(1, 9)]


def _weights(rng, n) -> list:
    """n stage weights summing to 1 (sometimes one of them 0), as decimal texts; now
    and then free weights (any sum, up to 4 places)."""
    if rng.random() < 0.15:
        return [rng.choice(["0", "1", "2", "0.3333", "0.6667", "1.5", "0.0001", "0.125"])
                for _ in range(n)]
    unit = rng.choice([10, 20, 100, 8])
    cuts = sorted(rng.randint(0, unit) for _ in range(n - 1))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, unit], strict=True)]
    return [_dec(Fraction(p, unit)) for p in parts]


def _dec(value: Fraction) -> str:
    """A Fraction with a finite decimal expansion as a normalized decimal text."""
    q = Decimal(value.numerator) / Decimal(value.denominator)
    return format(q.normalize(), "f")


def _rules(rng, stages, layout) -> dict:
    decimals = rng.choice([2, 2, 2, 1, 0, 3, 4])
    kinds = [f"stage:{rng.choice(stages)}", "raw_mean", "raw_sum", "dropped_sum",
             "group_mean:external", "group_mean:internal",
             f"precise:{rng.randint(decimals + 1, min(10, decimals + 3))}"]
    rng.shuffle(kinds)
    tiers = []
    for i in range(rng.randint(0, 4)):
        tiers.append({"name": f"奖{i + 1}", "count": rng.randint(0, 4)} if rng.random() < 0.4
                     else {"name": f"奖{i + 1}", "share": rng.choice(
                         ["0.2", "0.3", "0.5", "0.15", "0.25", "0.1", "0.35"])})
    ext = rng.choice(["0.4", "0.5", "0.25", "0.3", "0.75"])
    rules = {"aggregation": rng.choice(["pooled", "weighted_groups"]),
             "trim": rng.choice([0, 1, 1, 2, 3]),
             "groups": {"external": {"weight": ext, "trim": rng.choice([0, 0, 1])},
                        "internal": {"weight": _dec(1 - Fraction(ext)),
                                     "trim": rng.choice([0, 1, 1, 2])}},
             "decimals": decimals, "tie_breaks": kinds[:rng.randint(0, len(kinds))],
             "awards": tiers}
    if rng.random() < 0.4:
        rules["award_ties"] = "shift"
    if rng.random() < 0.3:
        rules["final_rounding"] = "each"
    if layout:
        rules["coefficient_decimals"] = rng.choice([3, 3, 2, 4])
    for name in ("trim", "groups", "decimals", "tie_breaks", "awards"):
        if rng.random() < 0.08:
            del rules[name]  # the documented default
    if "decimals" not in rules and "tie_breaks" in rules:
        rules["tie_breaks"] = [k for k in rules["tie_breaks"]
                               if not k.startswith("precise:") or int(k[8:]) > 2]
    return rules


def _criteria(rng, coarse) -> list:
    out = []
    for i in range(rng.randint(1, 3)):
        step = rng.choice(STEPS)
        n = rng.randint(4, 40) if not coarse else rng.randint(2, 8)
        out.append({"key": f"c{i}", "name": f"项{i}", "max": _dec(Fraction(step) * n),
                    "step": step})
    return out


def _value(rng, criterion, narrow) -> str:
    step = Fraction(criterion["step"])
    top = int(Fraction(criterion["max"]) / step)
    lo = max(0, top - 2) if narrow else top // 2
    return _dec(step * rng.randint(lo, top))


def contest(rng: random.Random, layout: bool = False, max_teams: int = 40) -> dict:
    """A random valid contest file (a dict)."""
    n_stages = rng.randint(1, 3)
    stage_keys = [f"s{i}" for i in range(n_stages)]
    if rng.random() < 0.3:  # the default chain names stage:presentation
        stage_keys = ["plan", "presentation", "reflection"][:max(2, n_stages)]
        n_stages = len(stage_keys)
    coarse, narrow = rng.random() < 0.5, rng.random() < 0.4
    stages = [{"key": k, "name": f"环节{k}", "weight": w, "criteria": _criteria(rng, coarse),
               "state": rng.choice(["open", "closed", "published", "draft", None])}
              for k, w in zip(stage_keys, _weights(rng, n_stages), strict=True)]
    for stage in stages:
        if stage["state"] is None:
            del stage["state"]  # the default, draft
    n_judges = rng.randint(1, 15)
    judges = []
    for i in range(n_judges):
        group = rng.choice(["external", "internal"])
        judges.append({"key": f"{'X' if group == 'external' else 'N'}{i:02d}",
                       "name": f"评委{i}", "group": group,
                       "department": rng.choice([None, None, *DEPTS])})
    team_size = rng.choice([1, 3, 3, 2])
    distinct = rng.random() < 0.8
    teams = []
    n_teams = rng.randint(1, max_teams)
    draws = list(range(1, n_teams + 1))
    rng.shuffle(draws)
    no_draws = rng.random() < 0.1
    for i in range(n_teams):
        depts = (rng.sample(DEPTS, team_size) if distinct else
                 [rng.choice([None, *DEPTS[:3]]) for _ in range(team_size)])
        team = {"key": f"T{i:02d}", "name": f"队{i}",
                "draw": None if no_draws and rng.random() < 0.5 else draws[i],
                "members": [{"name": f"队{i}-{m}", "department": d}
                            for m, d in enumerate(depts)]}
        if rng.random() < 0.08:
            team["withdrawn"] = rng.choice(["弃权", True])
        teams.append(team)
    rules = _rules(rng, stage_keys, layout)
    doc = {"format": "scoring-contest", "version": 2 if layout else 1,
           "competition": {"key": f"oracle-{rng.randint(0, 10 ** 9)}", "name": "随机赛",
                           "rules": {**rules, "team_size": team_size,
                                     **({} if distinct else {"distinct_departments": False})}},
           "departments": DEPTS, "stages": stages, "judges": judges, "teams": teams,
           "recusals": _recusals(rng, judges, teams), "absences": [], "sheets": []}
    if rng.random() < 0.2:
        doc["absences"] = [{"judge": j["key"], "stage": rng.choice(stage_keys),
                            "reason": "病假"} for j in rng.sample(judges, 1)]
    qi = None
    if layout:
        from .oracle_gen_layout import add_layout
        qi = add_layout(rng, doc)
        if any(s.get("normalization", "none") != "none" for s in stages):
            # The app refuses precise:N beside a stage normalized across rooms: see
            # tests/results/test_oracle.py.
            kept = doc["competition"]["rules"]
            kept["tie_breaks"] = [k for k in kept.get("tie_breaks", ["raw_mean"])
                                  if not k.startswith("precise")]
    _deductions(rng, doc, doc["stages"][:qi])
    if qi is None:
        _sheets(rng, doc, narrow)
    else:
        cut_later_stages(rng, doc, narrow, qi)
        later = {s["team"] for s in doc["sheets"] if s["stage"] in stage_keys[qi:]}
        _deductions(rng, doc, doc["stages"][qi:], [t for t in teams if t["key"] in later])
    return doc


def _recusals(rng, judges, teams) -> list:
    doc = {"judges": judges, "teams": teams}
    auto = sorted(recused_pairs(doc))
    out = []
    for judge, team in rng.sample(auto, min(len(auto), rng.randint(0, 2))):
        out.append({"judge": judge, "team": team, "lift": True, "reason": "部门已调整"})
    free = [(j["key"], t["key"]) for j in judges for t in teams
            if (j["key"], t["key"]) not in set(auto)]
    for judge, team in rng.sample(free, min(len(free), rng.randint(0, 3))):
        out.append({"judge": judge, "team": team, "reason": "曾指导"})
    return out


def panel(doc, stage, team) -> list:
    """The judges who may score `team` in `stage` (section 12 panels and rooms)."""
    if stage.get("rooms"):
        room = team.get("rooms", {}).get(stage["key"])
        return next((r["judges"] for r in stage["rooms"] if r["key"] == room), [])
    return stage.get("judges") or [j["key"] for j in doc["judges"]]


def _sheets(rng, doc, narrow, stages=None) -> None:
    """Sheets of every team in `stages` (default all): submitted, draft or missing."""
    recused = recused_pairs(doc)
    fill = rng.choice([0.97, 0.9, 0.75, 1.0, 1.0])
    copies = {}
    for stage in doc["stages"]:
        if stages is not None and stage["key"] not in stages:
            continue
        for team in doc["teams"]:
            if team.get("_cut"):
                continue
            for judge in panel(doc, stage, team):
                if (judge, team["key"]) in recused:
                    continue
                roll = rng.random()
                if roll > fill:
                    continue
                source = copies.get((judge, stage["key"]))
                if source is not None and rng.random() < 0.3:
                    scores = dict(source)  # the same sheet as another team: a likely tie
                else:
                    scores = {c["key"]: _value(rng, c, narrow) for c in stage["criteria"]}
                status = "submitted"
                if rng.random() < 0.06:
                    status = "draft"
                    scores = {k: v for k, v in scores.items() if rng.random() < 0.5}
                else:
                    copies[judge, stage["key"]] = scores
                doc["sheets"].append({"judge": judge, "team": team["key"],
                                      "stage": stage["key"], "status": status,
                                      "scores": scores})


def _deductions(rng, doc, stages, teams=None) -> None:
    teams = doc["teams"] if teams is None else teams
    if rng.random() > 0.25 or not teams:
        return
    decimals = doc["competition"]["rules"].get("decimals", 2)
    for _ in range(rng.randint(1, 4)):
        team, stage = rng.choice(teams), rng.choice(stages)
        points = Fraction(rng.randint(1, 40), 2 if decimals else 1)
        entry = {"team": team["key"], "stage": stage["key"], "points": _dec(points),
                 "reason": "超时"}
        if rng.random() < 0.2:
            entry["state"] = "proposed"
        doc.setdefault("deductions", []).append(entry)


def cut_later_stages(rng, doc, narrow, qi) -> None:
    """Sheets for the qualifying stage and later, only for teams that are not cut."""
    first = {s["key"] for s in doc["stages"][:qi]}
    _sheets(rng, doc, narrow, first)
    rows = expected_results(doc)["results"]
    cut = {r["team"] for r in rows if r.get("qualified") is False}
    for team in doc["teams"]:
        team["_cut"] = team["key"] in cut
    _sheets(rng, doc, narrow, {s["key"] for s in doc["stages"][qi:]})
    for team in doc["teams"]:
        del team["_cut"]
