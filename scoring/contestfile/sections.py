"""The per-section validators of a contest file: one `read_*` function per section.

Each reads its part of the document with a Checker (which notes every shape problem) and
returns the rules records for it, plus what only the database keeps; a value too broken
to read is replaced by a stand-in ("#3" for a missing key) so later checks still run.
"""
from collections import Counter
from datetime import datetime
from decimal import Decimal

from .. import rules as R
from ..rules import N_
from ..rules.moments import RANGE_TEXT, OutOfRange, aware_to_utc
from ..rules.text import fold, same_name_in
from .jsontext import JsonNumber
from .limits import (
    DRAW_METHODS,
    NAME_LENGTH,
    PANEL_GROUPS,
    SCORE_DIGITS,
    STAGE_STATES,
    WEIGHT_DIGITS,
)


def read_draw(c, value):
    """competition.draw as {method, seed, at}, or None when it is not an object."""
    d = c.obj(value, "competition.draw")
    if d is None:
        return None
    c.fields(d, "competition.draw", ("method",), ("seed", "at"))
    method = d.get("method")
    if "method" in d and method not in DRAW_METHODS:
        c.add("competition.draw.method", N_('"%(value)s" is not one of %(choices)s'),
              value=str(method), choices=", ".join(DRAW_METHODS))
    seed = d.get("seed")
    if seed is not None:
        seed = c.text(seed, "competition.draw.seed", 64)
    at = None
    if d.get("at") is not None:
        text = c.text(d["at"], "competition.draw.at")
        if text is not None:
            try:
                at = aware_to_utc(datetime.fromisoformat(text))
            except OutOfRange:
                c.add("competition.draw.at", N_("give a date and time between %(range)s"),
                      range=RANGE_TEXT)
            except ValueError:
                c.add("competition.draw.at", N_('give a date and time like '
                                                '"2024-04-18T09:30:00"'))
    return {"method": method, "seed": seed, "at": at}


def read_departments(c, value):
    """The department names that are texts; each name given twice is a problem."""
    out = []
    items = c.lst(value, "departments")
    for i, d in enumerate(items):
        text = c.text(d, f"departments[{i}]", NAME_LENGTH["department"])
        if text is not None:
            out.append(text)
    # "⼈事处" (a Kangxi radical) and 人事处 are one department to the people reading them.
    counts = Counter(fold(d) for d in out)
    for i, d in enumerate(items):
        if isinstance(d, str) and counts[fold(d)] > 1:
            c.add(f"departments[{i}]", N_('"%(key)s" is used twice'), key=d)
    return out


def read_stages(c, value):
    """The stages as R.Stage, and per stage {state, descriptions, broken (a problem in it)}."""
    stages, extras = [], []
    for i, s in enumerate(c.lst(value, "stages")):
        place = f"stages[{i}]"
        d = c.obj(s, place) or {}
        c.fields(d, place, ("key", "name", "weight", "criteria"), ("state", "comment_required"))
        comment_required = (c.boolean(d["comment_required"], f"{place}.comment_required")
                            if "comment_required" in d else False)
        key = c.key(d.get("key"), f"{place}.key") if "key" in d else None
        if "name" in d:
            c.text(d["name"], f"{place}.name", NAME_LENGTH["stage"])
        weight = (c.decimal(d["weight"], f"{place}.weight", WEIGHT_DIGITS)
                  if "weight" in d else None)
        state = d.get("state", "draft")
        if state not in STAGE_STATES:
            c.add(f"{place}.state", N_('"%(value)s" is not one of %(choices)s'),
                  value=str(state), choices=", ".join(STAGE_STATES))
        criteria, descriptions, names = [], [], []
        before = len(c.problems)  # only a broken rubric hides the checks of its scores
        for j, cr in enumerate(c.lst(d.get("criteria", []), f"{place}.criteria")):
            cplace = f"{place}.criteria[{j}]"
            cd = c.obj(cr, cplace) or {}
            c.fields(cd, cplace, ("key", "name", "max", "step"), ("description",))
            ckey = c.key(cd.get("key"), f"{cplace}.key") if "key" in cd else None
            cname = (c.text(cd["name"], f"{cplace}.name", NAME_LENGTH["criterion"])
                     if "name" in cd else None)
            desc = (c.text(cd["description"], f"{cplace}.description", empty=True,
                             multiline=True)
                    if "description" in cd else "")
            cmax = c.decimal(cd["max"], f"{cplace}.max", SCORE_DIGITS) if "max" in cd else None
            step = (c.decimal(cd["step"], f"{cplace}.step", SCORE_DIGITS)
                    if "step" in cd else None)
            criteria.append(R.Criterion(ckey or f"#{j}", cmax or Decimal(1),
                                        step or Decimal(1), cname or ""))
            descriptions.append(desc or "")
            names.append(cname or "")
        stages.append(R.Stage(key or f"#{i}", weight if weight is not None else Decimal(0),
                              tuple(criteria), d.get("name") if isinstance(d.get("name"), str)
                              else ""))
        extras.append({"state": state, "descriptions": descriptions,
                       "comment_required": bool(comment_required),
                       "broken": len(c.problems) > before})
    return stages, extras


def read_judges(c, value, known_departments):
    """The judges as R.Judge, and each judge's note."""
    judges, notes = [], []
    for i, j in enumerate(c.lst(value, "judges")):
        place = f"judges[{i}]"
        d = c.obj(j, place) or {}
        c.fields(d, place, ("key", "name", "group"), ("department", "note"))
        key = c.key(d.get("key"), f"{place}.key") if "key" in d else None
        name = c.text(d["name"], f"{place}.name", NAME_LENGTH["judge"]) if "name" in d else None
        group = d.get("group")
        if "group" in d and group not in PANEL_GROUPS:
            c.add(f"{place}.group", N_('"%(value)s" is not one of %(choices)s'),
                  value=str(group), choices=", ".join(PANEL_GROUPS))
            group = "internal"
        dept = _department_ref(c, d.get("department"), f"{place}.department", known_departments)
        note = (c.text(d["note"], f"{place}.note", empty=True, multiline=True)
                if "note" in d else "")
        judges.append(R.Judge(key or f"#{i}", group or "internal", dept, name or ""))
        notes.append(note or "")
    return judges, notes


def _department_ref(c, value, place, known):
    if value is None:
        return None
    text = c.text(value, place)
    if text is None:
        return None
    listed = same_name_in(text, known)
    if listed is None:
        c.add(place, N_('department "%(department)s" is not in the "departments" list'),
              department=text)
        return text
    # The listed spelling: the recusal and department rules compare names as texts.
    return listed


def read_teams(c, value, known_departments):
    """The teams as R.Team, and per team {members: [(name, department)], withdrawn_reason}."""
    teams, extras = [], []
    for i, t in enumerate(c.lst(value, "teams")):
        place = f"teams[{i}]"
        d = c.obj(t, place) or {}
        c.fields(d, place, ("key", "name", "members"), ("draw", "withdrawn"))
        key = c.key(d.get("key"), f"{place}.key") if "key" in d else None
        name = c.text(d["name"], f"{place}.name", NAME_LENGTH["team"]) if "name" in d else None
        draw = d.get("draw")
        if draw is not None:
            draw = c.integer(draw, f"{place}.draw")
        reason = None
        if "withdrawn" in d:
            w = d["withdrawn"]
            if w is True:
                reason = ""
            elif w is False or w is None:
                reason = None
            else:
                reason = c.text(w, f"{place}.withdrawn", empty=True, multiline=True)
                if reason is None:
                    reason = ""
        members, departments = [], []
        for k, m in enumerate(c.lst(d.get("members", []), f"{place}.members")):
            mplace = f"{place}.members[{k}]"
            md = c.obj(m, mplace) or {}
            c.fields(md, mplace, ("name",), ("department",))
            mname = (c.text(md["name"], f"{mplace}.name", NAME_LENGTH["member"])
                     if "name" in md else None)
            dept = _department_ref(c, md.get("department"), f"{mplace}.department",
                                   known_departments)
            members.append((mname or "", dept))
            departments.append(dept)
        teams.append(R.Team(key or f"#{i}", draw, tuple(departments), reason is not None,
                            name or ""))
        extras.append({"members": members, "withdrawn_reason": reason or ""})
    names = Counter(fold(t.name) for t in teams if t.name)
    for i, t in enumerate(teams):
        if t.name and names[fold(t.name)] > 1:
            c.add(f"teams[{i}].name", N_('the team name "%(name)s" is used twice'),
                  name=t.name)
    return teams, extras


def read_recusals(c, value):
    """The recusals as R.Recusal."""
    out = []
    for i, r in enumerate(c.lst(value, "recusals")):
        place = f"recusals[{i}]"
        d = c.obj(r, place) or {}
        c.fields(d, place, ("judge", "team"), ("lift", "reason"))
        judge = c.text(d.get("judge"), f"{place}.judge") if "judge" in d else None
        team = c.text(d.get("team"), f"{place}.team") if "team" in d else None
        lift = bool(c.boolean(d["lift"], f"{place}.lift")) if "lift" in d else False
        reason = (c.text(d["reason"], f"{place}.reason", empty=True, multiline=True)
                  if "reason" in d else "")
        out.append(R.Recusal(judge or f"#{i}", team or f"#{i}", reason or "", lift))
    return out


def read_absences(c, value):
    """The absences as R.Absence."""
    out = []
    for i, a in enumerate(c.lst(value, "absences")):
        place = f"absences[{i}]"
        d = c.obj(a, place) or {}
        c.fields(d, place, ("judge", "stage"), ("reason",))
        judge = c.text(d.get("judge"), f"{place}.judge") if "judge" in d else None
        stage = c.text(d.get("stage"), f"{place}.stage") if "stage" in d else None
        reason = (c.text(d["reason"], f"{place}.reason", empty=True, multiline=True)
                  if "reason" in d else "")
        out.append(R.Absence(judge or f"#{i}", stage or f"#{i}", reason or ""))
    return out


# As the judge page's limit (operations/sheet_reads.COMMENT_LIMIT); this package reads no
# operations.
COMMENT_LIMIT = 2000


def read_sheets(c, value):
    """The sheets as R.Sheet, and the indexes of those with a problem and no "scores"."""
    out, broken = [], set()
    for i, s in enumerate(c.lst(value, "sheets")):
        place = f"sheets[{i}]"
        before = len(c.problems)
        d = c.obj(s, place) or {}
        c.fields(d, place, ("judge", "team", "stage", "status", "scores"), ("comment",))
        judge = c.text(d.get("judge"), f"{place}.judge") if "judge" in d else None
        team = c.text(d.get("team"), f"{place}.team") if "team" in d else None
        stage = c.text(d.get("stage"), f"{place}.stage") if "stage" in d else None
        status = d.get("status")
        if not isinstance(status, str):
            status = "draft" if "status" not in d else str(status)
        scores = {}
        raw = c.obj(d.get("scores", {}), f"{place}.scores") or {}
        for ckey, v in raw.items():
            if v is None:
                continue
            value_ = c.decimal(v, f"{place}.scores.{ckey}")
            if value_ is None and isinstance(v, (int, float, JsonNumber)) \
                    and not isinstance(v, bool):
                # Counted as given, so the sheet is not also called incomplete.
                value_ = R.parse_plain_decimal(str(v))
            if value_ is not None:
                scores[ckey] = value_
        comment = (c.text(d["comment"], f"{place}.comment", max_length=COMMENT_LIMIT, empty=True,
                          multiline=True) if "comment" in d else "") or ""
        if len(c.problems) > before and "scores" not in d:
            broken.add(i)
        out.append(R.Sheet(judge or f"#{i}", team or f"#{i}", stage or f"#{i}", status, scores,
                           comment.strip()))
    return out, broken
