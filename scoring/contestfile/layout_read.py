"""Reading the version 2 parts of a contest file (DESIGN section 12).

`split_layout` takes a version 2 document, reads and removes what version 2 adds
(`divisions`; a stage's `judges`, `rooms`, `normalization`, `qualify`; a team's
`division`, `rooms`, `stage_draw`; `rules.coefficient_decimals`) and returns the rest,
which the version 1 readers then check as before. `build_layout` turns what it read into
the rules' Layout once the stages and teams are known; `layout_meaning_problems` checks
its meaning, every problem with its place in the file.
"""
from collections import Counter

from ..rules import N_, RuleError
from ..rules.advancement import layout_sheet_problems
from ..rules.layout import (
    DEFAULT_COEFFICIENT_DECIMALS,
    Division,
    Layout,
    Qualify,
    Room,
    StagePlan,
    layout_problems,
)
from .limits import NAME_LENGTH, WEIGHT_DIGITS

STAGE_FIELDS = ("judges", "rooms", "normalization", "qualify")
TEAM_FIELDS = ("division", "rooms", "stage_draw")


class LayoutParts:
    """What split_layout read, by the index of each stage and team in the file."""

    def __init__(self):
        self.divisions = []
        self.coefficient_decimals = DEFAULT_COEFFICIENT_DECIMALS
        self.plans = {}          # stage index -> StagePlan
        self.team_division = {}  # team index -> division key
        self.team_rooms = {}     # team index -> {stage key: room key}
        self.stage_draw = {}     # team index -> {stage key: position}


def split_layout(c, doc):
    """(the document without its version 2 parts, LayoutParts); shape problems go to c."""
    parts = LayoutParts()
    doc = dict(doc)
    if "divisions" in doc:
        parts.divisions = _divisions(c, doc.pop("divisions"))
    comp = doc.get("competition")
    if isinstance(comp, dict) and isinstance(comp.get("rules"), dict) \
            and "coefficient_decimals" in comp["rules"]:
        rules = dict(comp["rules"])
        value = c.integer(rules.pop("coefficient_decimals"),
                          "competition.rules.coefficient_decimals")
        if value is not None:
            parts.coefficient_decimals = value
        doc["competition"] = dict(comp, rules=rules)
    if isinstance(doc.get("stages"), list):
        doc["stages"] = [_stage(c, s, i, parts) if isinstance(s, dict) else s
                         for i, s in enumerate(doc["stages"])]
    if isinstance(doc.get("teams"), list):
        doc["teams"] = [_team(c, t, i, parts) if isinstance(t, dict) else t
                        for i, t in enumerate(doc["teams"])]
    return doc, parts


def _divisions(c, value):
    out = []
    for i, d in enumerate(c.lst(value, "divisions")):
        place = f"divisions[{i}]"
        d = c.obj(d, place) or {}
        c.fields(d, place, ("key", "name"))
        key = c.key(d.get("key"), f"{place}.key") if "key" in d else None
        name = c.text(d["name"], f"{place}.name", NAME_LENGTH["stage"]) if "name" in d else None
        if key is not None:
            out.append(Division(key, name or ""))
    for key, n in Counter(d.key for d in out).items():
        if n > 1:
            c.add("divisions", N_('"%(key)s" is used twice'), key=key)
    return out


def _keys(c, value, place):
    return tuple(k for i, v in enumerate(c.lst(value, place))
                 if (k := c.key(v, f"{place}[{i}]")) is not None)


def _stage(c, s, i, parts):
    place = f"stages[{i}]"
    s = dict(s)
    given = {k: s.pop(k) for k in STAGE_FIELDS if k in s}
    if not given:
        return s
    judges = _keys(c, given["judges"], f"{place}.judges") if "judges" in given else None
    rooms = []
    for r_i, r in enumerate(c.lst(given.get("rooms", []), f"{place}.rooms")):
        rplace = f"{place}.rooms[{r_i}]"
        r = c.obj(r, rplace) or {}
        c.fields(r, rplace, ("key", "name", "judges"))
        key = c.key(r.get("key"), f"{rplace}.key") if "key" in r else None
        name = c.text(r["name"], f"{rplace}.name", NAME_LENGTH["stage"]) if "name" in r else ""
        room_judges = _keys(c, r.get("judges", []), f"{rplace}.judges")
        rooms.append(Room(key or f"#{r_i}", room_judges, name or ""))
    normalization = "none"
    if "normalization" in given:
        normalization = c.text(given["normalization"], f"{place}.normalization") or "none"
    qualify = None
    if "qualify" in given:
        q = c.obj(given["qualify"], f"{place}.qualify")
        if q is not None:
            c.fields(q, f"{place}.qualify", (), ("top", "share"))
            top = c.integer(q["top"], f"{place}.qualify.top") if "top" in q else None
            share = (c.decimal(q["share"], f"{place}.qualify.share", WEIGHT_DIGITS)
                     if "share" in q else None)
            if ("top" in q) == ("share" in q):
                c.add(f"{place}.qualify", N_("give top or share, not both"))
            elif top is not None or share is not None:
                qualify = Qualify(top, share)
    parts.plans[i] = StagePlan(judges, tuple(rooms), normalization, qualify)
    return s


def _team(c, t, i, parts):
    place = f"teams[{i}]"
    t = dict(t)
    given = {k: t.pop(k) for k in TEAM_FIELDS if k in t}
    if "division" in given and given["division"] is not None:
        key = c.key(given["division"], f"{place}.division")
        if key is not None:
            parts.team_division[i] = key
    for name, store, read in (("rooms", parts.team_rooms, c.key),
                              ("stage_draw", parts.stage_draw, c.integer)):
        if name not in given:
            continue
        mapping = c.obj(given[name], f"{place}.{name}")
        if mapping is None:
            continue
        values = {}
        for stage, value in mapping.items():
            got = read(value, f"{place}.{name}.{stage}")
            if got is not None:
                values[stage] = got
        store[i] = values
    return t


def build_layout(parts, stages, teams) -> Layout:
    """The rules' Layout from what split_layout read, keyed by the parsed stage and team keys."""
    return Layout(
        divisions=tuple(parts.divisions),
        team_divisions={teams[i].key: d for i, d in parts.team_division.items()},
        stages={stages[i].key: p for i, p in parts.plans.items() if i < len(stages)},
        team_rooms={teams[i].key: r for i, r in parts.team_rooms.items()},
        stage_draw={teams[i].key: d for i, d in parts.stage_draw.items()},
        coefficient_decimals=parts.coefficient_decimals)


def layout_meaning_problems(contest, others=()) -> list:
    """Section 12 problems of a parsed contest; the sheet checks run only on a sound one."""
    out = layout_problems(contest) + stage_draw_problems(contest)
    if not out and not others:
        try:
            out.extend(layout_sheet_problems(contest))
        except RuleError as e:  # a contest the engine cannot compute: name it, never crash
            out.append(("sheets", e.message, e.params))
    return out


def stage_draw_problems(contest) -> list:
    """A stage draw position given twice within one room (or one stage without rooms)."""
    layout = contest.layout
    seen = Counter()
    for t in contest.teams:
        for stage, pos in layout.stage_draw.get(t.key, {}).items():
            seen[(stage, layout.room_of(t.key, stage), pos)] += 1
    out = []
    for i, t in enumerate(contest.teams):
        for stage, pos in layout.stage_draw.get(t.key, {}).items():
            if seen[(stage, layout.room_of(t.key, stage), pos)] > 1:
                out.append((f"teams[{i}].stage_draw.{stage}",
                            N_("draw position %(position)s is used twice"), {"position": pos}))
    return out
