"""Section 12 for the random contest files: divisions, stage panels, rooms with
normalization, and one qualifying stage (see tests/rules/oracle_gen.py)."""


def add_layout(rng, doc):
    """Add divisions, panels, rooms and advancement to `doc`; the qualifying stage's
    index, or None."""
    teams, stages = doc["teams"], doc["stages"]
    judges = [j["key"] for j in doc["judges"]]
    if rng.random() < 0.6:
        n = rng.randint(1, 3)
        doc["divisions"] = [{"key": f"d{i}", "name": f"组{i}"} for i in range(n)]
        for team in teams:
            team["division"] = f"d{rng.randrange(n)}"
    qi = None
    if len(stages) >= 2 and rng.random() < 0.6:
        qi = rng.randint(1, len(stages) - 1)
        stages[qi]["qualify"] = ({"top": rng.randint(1, max(1, len(teams)))}
                                 if rng.random() < 0.5 else
                                 {"share": rng.choice(["0.3", "0.5", "0.25", "0.6"])})
    for i, stage in enumerate(stages):
        roll = rng.random()
        if roll < 0.45 and len(judges) >= 2 and (qi is None or i < qi or rng.random() < 0.3):
            _rooms(rng, stage, judges, teams)
        elif roll < 0.7:
            stage["judges"] = sorted(rng.sample(judges, rng.randint(1, len(judges))))
    return qi


def _rooms(rng, stage, judges, teams) -> None:
    """Split some judges into 2 or 3 rooms and draw every team into one."""
    pool = rng.sample(judges, rng.randint(2, len(judges)))
    n = rng.randint(2, min(3, len(pool)))
    rooms = [{"key": f"R{i}", "name": f"会场{i}", "judges": []} for i in range(n)]
    for i, judge in enumerate(pool):
        rooms[i % n]["judges"].append(judge)
    for room in rooms:
        room["judges"].sort()
    stage["rooms"] = rooms
    stage["normalization"] = rng.choice(["none", "room_mean", "z_score", "room_mean"])
    positions = {}
    for team in teams:
        room = f"R{rng.randrange(n)}"
        team.setdefault("rooms", {})[stage["key"]] = room
        positions[room] = positions.get(room, 0) + 1
        if rng.random() < 0.2:  # a position within the room; no effect on results
            team.setdefault("stage_draw", {})[stage["key"]] = positions[room]
