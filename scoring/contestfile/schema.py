"""Reading and checking a contest file (DESIGN section 6) without touching the database.

`parse_document` checks the whole document and returns the plain records the importer
writes, or raises ContestFileError listing EVERY problem as (place, message, params),
e.g. ("sheets[17].scores.qa", "%(value)s is above the maximum %(max)s", {...}).
Shape problems (types, required fields) are found here; the meaning of the contest
(recusals, rubric, draw, scores) is checked by the rules engine's contest_problems on
records built from the document, entry for entry, so their places line up.
"""
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from .. import rules as R
from ..rules import N_, SettingsError

FORMAT = "scoring-contest"
VERSION = 1
STAGE_STATES = ("draft", "open", "closed", "published")
PANEL_GROUPS = ("external", "internal")
DRAW_METHODS = ("random", "manual")

# Column sizes of the schema: a longer text would be cut or refused by the database.
KEY_LENGTH = 64
NAME_LENGTH = {"competition": 200, "stage": 200, "criterion": 200, "team": 200,
               "judge": 100, "member": 100, "department": 100}
# Exact(precision, scale) of the columns: (digits before the point, digits after it).
WEIGHT_DIGITS = (3, 4)
SCORE_DIGITS = (6, 3)


class ContestFileError(SettingsError):
    """A contest file is refused; `.problems` lists every (place, message, params)."""


@dataclass
class Parsed:
    """A checked contest file: the rules records plus what only the database keeps."""

    key: str
    name: str
    rules: R.Rules
    contest: R.Contest
    departments: list
    archived: bool = False
    draw: dict | None = None
    stage_extra: list = field(default_factory=list)     # per stage: state, descriptions
    judge_notes: list = field(default_factory=list)
    team_extra: list = field(default_factory=list)      # per team: member names, reason


def parse_json_text(text):
    """The JSON value of a file's text; invalid JSON is one problem naming line and column."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise ContestFileError([("", N_("the file is not UTF-8 text (byte %(position)s)"),
                                     {"position": e.start + 1})]) from None
    elif text.startswith("\ufeff"):
        text = text[1:]
    try:
        doc = json.loads(text, parse_float=_keep_float_text, parse_constant=_keep_float_text,
                         object_pairs_hook=_no_duplicate_names)
    except _DuplicateName as e:
        raise ContestFileError([("", N_('the name "%(name)s" appears twice in one JSON object'),
                                 {"name": e.args[0]})]) from None
    except json.JSONDecodeError as e:
        raise ContestFileError([("", N_("invalid JSON at line %(line)s, column %(column)s: "
                                        "%(reason)s"),
                                 {"line": e.lineno, "column": e.colno, "reason": e.msg})]) from None
    except (RecursionError, ValueError):
        # Nesting deeper than Python's stack, or an integer of thousands of digits.
        raise ContestFileError([("", N_("the file nests too deeply or holds a number too "
                                        "long to be a contest file"), {})]) from None
    return doc


class _DuplicateName(ValueError):
    pass


def _no_duplicate_names(pairs):
    # json.loads would silently keep the last of two equal names; a file that says
    # two things must not be read as one of them.
    out = {}
    for name, value in pairs:
        if name in out:
            raise _DuplicateName(name)
        out[name] = value
    return out


class JsonNumber(str):
    """A JSON number with a fraction part, kept as its text so it is never a float."""


def _keep_float_text(text):
    return JsonNumber(text)


class _Checker:
    """Collects problems while reading the document's shape."""

    def __init__(self):
        self.problems = []

    def add(self, place, message, **params):
        self.problems.append((place, message, params))

    def obj(self, value, place):
        if isinstance(value, dict):
            return value
        self.add(place, N_("give an object"))
        return None

    def lst(self, value, place):
        if isinstance(value, list):
            return value
        self.add(place, N_("give a list"))
        return []

    def fields(self, d, place, required, optional=()):
        for name in required:
            if name not in d:
                self.add(f"{place}.{name}", N_("missing"))
        for name in d:
            if name not in required and name not in optional:
                self.add(f"{place}.{name}", N_("unknown field"))

    def text(self, value, place, max_length=None, empty=False):
        if not isinstance(value, str) or isinstance(value, JsonNumber):
            self.add(place, N_("give a text"))
            return None
        if not empty and not value.strip():
            self.add(place, N_("give a text that is not empty"))
            return None
        if max_length is not None and len(value) > max_length:
            self.add(place, N_("longer than %(max)s characters"), max=max_length)
            return None
        return value

    def key(self, value, place):
        text = self.text(value, place, KEY_LENGTH)
        if text is not None and (text != text.strip() or re.search(r"[\s/?#%\\]", text)):
            self.add(place, N_('"%(key)s" is not a usable key: no spaces and none of / ? # %% \\'),
                     key=text)
            return None
        return text

    def integer(self, value, place):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        self.add(place, N_("give a whole number"))
        return None

    def boolean(self, value, place):
        if isinstance(value, bool):
            return value
        self.add(place, N_("give true or false"))
        return None

    def decimal(self, value, place, digits=None):
        """A decimal given as a JSON string; a JSON number is refused by name."""
        if isinstance(value, (int, float, JsonNumber)) and not isinstance(value, bool):
            self.add(place, N_('give the number as a text in quotes, like "%(value)s", '
                               'not a JSON number'), value=str(value))
            return None
        parsed = R.parse_plain_decimal(value) if isinstance(value, str) else None
        if parsed is None:
            self.add(place, N_('give a decimal number as a text, like "0.4"'))
            return None
        if digits is not None:
            before, after = digits
            sign, numbers, exponent = parsed.normalize().as_tuple()
            places = max(0, -exponent)
            if places > after or abs(parsed) >= Decimal(10) ** before:
                self.add(place, N_("%(value)s has too many digits (at most %(before)s before "
                                   "and %(after)s after the point)"),
                         value=value, before=before, after=after)
                return None
        return parsed


def _numbers_as_text(value):
    """Undo JsonNumber inside a rules object so Rules.from_dict sees the JSON type."""
    if isinstance(value, JsonNumber):
        return 0.0  # a float: from_dict refuses it as "give a decimal number as a text"
    if isinstance(value, dict):
        return {k: _numbers_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers_as_text(v) for v in value]
    return value


def parse_document(doc) -> Parsed:
    """Check a whole contest file; the records to import, or ContestFileError with every problem."""
    c = _Checker()
    if not isinstance(doc, dict):
        raise ContestFileError([("", N_("the file must hold one JSON object"), {})])
    if doc.get("format") != FORMAT:
        c.add("format", N_('this is not a contest file: "format" must be "%(format)s"'),
              format=FORMAT)
        raise ContestFileError(c.problems)
    version = doc.get("version")
    if version != VERSION or isinstance(version, bool):
        c.add("version", N_("this file is version %(version)s; this system reads version "
                            "%(supported)s"), version=json.dumps(version), supported=VERSION)
        raise ContestFileError(c.problems)
    c.fields(doc, "", ("format", "version", "competition", "departments", "stages",
                       "judges", "teams"),
             ("recusals", "absences", "sheets"))
    c.problems = [(p.lstrip("."), m, a) for p, m, a in c.problems]

    comp = c.obj(doc.get("competition", {}), "competition") or {}
    c.fields(comp, "competition", ("key", "name"), ("rules", "archived", "draw"))
    key = c.key(comp.get("key"), "competition.key") if "key" in comp else None
    name = (c.text(comp.get("name"), "competition.name", NAME_LENGTH["competition"])
            if "name" in comp else None)
    archived = bool(c.boolean(comp["archived"], "competition.archived")) \
        if "archived" in comp else False
    draw = _draw(c, comp["draw"]) if "draw" in comp else None

    departments = _departments(c, doc.get("departments", []))
    known_departments = set(departments)
    stages, stage_extra = _stages(c, doc.get("stages", []))
    judges, judge_notes = _judges(c, doc.get("judges", []), known_departments)
    teams, team_extra = _teams(c, doc.get("teams", []), known_departments)
    recusals = _recusals(c, doc.get("recusals", []))
    absences = _absences(c, doc.get("absences", []))
    sheets, broken_scores = _sheets(c, doc.get("sheets", []))

    stage_keys = [s.key for s in stages]
    rules = R.Rules(tie_breaks=())
    given = with_default_tie_breaks(comp.get("rules", {}), stage_keys)
    try:
        rules = R.Rules.from_dict(_numbers_as_text(given), stage_keys,
                                  place="competition.rules")
    except SettingsError as e:
        c.problems.extend(e.problems)

    contest = R.Contest(rules=rules, stages=tuple(stages), judges=tuple(judges),
                        teams=tuple(teams), recusals=tuple(recusals),
                        absences=tuple(absences), sheets=tuple(sheets))
    shape_places = {p for p, _, _ in c.problems}
    broken_stages = {s.key for s, extra in zip(stages, stage_extra, strict=True)
                     if extra.get("broken")}
    for problem in _meaning_problems(contest):
        place = problem[0]
        if _covered(place, shape_places):
            continue
        m = re.match(r"sheets\[(\d+)\]\.scores\.", place)
        if m and (sheets[int(m.group(1))].stage in broken_stages
                  or int(m.group(1)) in broken_scores):
            continue
        c.problems.append(problem)
    if c.problems:
        raise ContestFileError(c.problems)
    return Parsed(key=key, name=name, rules=rules, contest=contest, departments=departments,
                  archived=archived, draw=draw, stage_extra=stage_extra,
                  judge_notes=judge_notes, team_extra=team_extra)


def with_default_tie_breaks(settings, stage_keys):
    """Settings with the default tie-break chain spelled out, minus stages the contest lacks.

    The default chain starts with stage:presentation; a contest without such a stage
    simply skips that step rather than being refused for a default it never chose.
    """
    if not isinstance(settings, dict) or "tie_breaks" in settings:
        return settings
    return dict(settings, tie_breaks=[
        t for t in R.DEFAULT_TIE_BREAKS
        if not t.startswith("stage:") or t.partition(":")[2] in stage_keys])


def _covered(place, shape_places):
    """Whether a place (or an enclosing one) already has a shape problem."""
    for p in shape_places:
        if place == p or place.startswith(p + ".") or place.startswith(p + "["):
            return True
    return False


def _meaning_problems(contest):
    out = list(R.contest_problems(contest, strict=True))
    for i, t in enumerate(contest.teams):
        for place, message, params in R.team_department_problems(t, place=f"teams[{i}]"):
            if place == f"teams[{i}]":
                place = f"teams[{i}].members"
            out.append((place, message, params))
    n = len(contest.teams)
    for i, t in enumerate(contest.teams):
        if t.draw is not None and not 1 <= t.draw <= n:
            out.append((f"teams[{i}].draw", N_("draw position %(position)s is not between 1 "
                                               "and %(n)s (the number of teams)"),
                        {"position": t.draw, "n": n}))
    pairs = Counter((r.judge, r.team) for r in contest.recusals)
    for i, r in enumerate(contest.recusals):
        if pairs[(r.judge, r.team)] > 1:
            out.append((f"recusals[{i}]", N_("judge %(judge)s and team %(team)s are listed "
                                             "twice"), {"judge": r.judge, "team": r.team}))
    pairs = Counter((a.judge, a.stage) for a in contest.absences)
    for i, a in enumerate(contest.absences):
        if pairs[(a.judge, a.stage)] > 1:
            out.append((f"absences[{i}]", N_("judge %(judge)s is marked absent for %(stage)s "
                                             "twice"), {"judge": a.judge, "stage": a.stage}))
    return out


def _draw(c, value):
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
                at = datetime.fromisoformat(text).replace(tzinfo=None)
            except ValueError:
                c.add("competition.draw.at", N_('give a date and time like '
                                                '"2024-04-18T09:30:00"'))
    return {"method": method, "seed": seed, "at": at}


def _departments(c, value):
    out = []
    items = c.lst(value, "departments")
    for i, d in enumerate(items):
        text = c.text(d, f"departments[{i}]", NAME_LENGTH["department"])
        if text is not None:
            out.append(text)
    counts = Counter(out)
    for i, d in enumerate(items):
        if isinstance(d, str) and counts[d] > 1:
            c.add(f"departments[{i}]", N_('"%(key)s" is used twice'), key=d)
    return out


def _stages(c, value):
    stages, extras = [], []
    for i, s in enumerate(c.lst(value, "stages")):
        place = f"stages[{i}]"
        d = c.obj(s, place) or {}
        c.fields(d, place, ("key", "name", "weight", "criteria"), ("state",))
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
            desc = (c.text(cd["description"], f"{cplace}.description", empty=True)
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
                       "broken": len(c.problems) > before})
    return stages, extras


def _judges(c, value, known_departments):
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
        note = c.text(d["note"], f"{place}.note", empty=True) if "note" in d else ""
        judges.append(R.Judge(key or f"#{i}", group or "internal", dept, name or ""))
        notes.append(note or "")
    return judges, notes


def _department_ref(c, value, place, known):
    if value is None:
        return None
    text = c.text(value, place)
    if text is None:
        return None
    if text not in known:
        c.add(place, N_('department "%(department)s" is not in the "departments" list'),
              department=text)
    return text


def _teams(c, value, known_departments):
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
                reason = c.text(w, f"{place}.withdrawn", empty=True)
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
    return teams, extras


def _recusals(c, value):
    out = []
    for i, r in enumerate(c.lst(value, "recusals")):
        place = f"recusals[{i}]"
        d = c.obj(r, place) or {}
        c.fields(d, place, ("judge", "team"), ("lift", "reason"))
        judge = c.text(d.get("judge"), f"{place}.judge") if "judge" in d else None
        team = c.text(d.get("team"), f"{place}.team") if "team" in d else None
        lift = bool(c.boolean(d["lift"], f"{place}.lift")) if "lift" in d else False
        reason = c.text(d["reason"], f"{place}.reason", empty=True) if "reason" in d else ""
        out.append(R.Recusal(judge or f"#{i}", team or f"#{i}", reason or "", lift))
    return out


def _absences(c, value):
    out = []
    for i, a in enumerate(c.lst(value, "absences")):
        place = f"absences[{i}]"
        d = c.obj(a, place) or {}
        c.fields(d, place, ("judge", "stage"), ("reason",))
        judge = c.text(d.get("judge"), f"{place}.judge") if "judge" in d else None
        stage = c.text(d.get("stage"), f"{place}.stage") if "stage" in d else None
        reason = c.text(d["reason"], f"{place}.reason", empty=True) if "reason" in d else ""
        out.append(R.Absence(judge or f"#{i}", stage or f"#{i}", reason or ""))
    return out


def _sheets(c, value):
    out, broken = [], set()
    for i, s in enumerate(c.lst(value, "sheets")):
        place = f"sheets[{i}]"
        before = len(c.problems)
        d = c.obj(s, place) or {}
        c.fields(d, place, ("judge", "team", "stage", "status", "scores"))
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
        if len(c.problems) > before and "scores" not in d:
            broken.add(i)
        out.append(R.Sheet(judge or f"#{i}", team or f"#{i}", stage or f"#{i}", status, scores))
    return out, broken
