"""Reading and checking a contest file (DESIGN section 6) without touching the database.

`parse_document` checks the whole document and returns the plain records the importer
writes, or raises ContestFileError listing EVERY problem as (place, message, params),
e.g. ("sheets[17].scores.qa", "%(value)s is above the maximum %(max)s", {...}).
Shape problems (types, required fields) are found here; the meaning of the contest
(recusals, rubric, draw, scores) is checked by the rules engine's contest_problems on
records built from the document, entry for entry, so their places line up.

This module holds the format and version, the Parsed record, parse_document and the
checks across sections. The steps it runs live beside it: jsontext (the file's text as
JSON), checker (reading a value's shape), sections (one reader per section of the
document), limits (field sizes and choices) and errors (ContestFileError); the names
the package offers are re-exported here (__all__).
"""
import json
import re
from collections import Counter
from dataclasses import dataclass, field, replace

from .. import rules as R
from ..rules import N_, SettingsError
from ..rules.text import text_problem
from .checker import Checker
from .deductions import deduction_problems, read_deductions
from .errors import ContestFileError
from .jsontext import JsonNumber, parse_json_text
from .layout_read import build_layout, layout_meaning_problems, split_layout
from .limits import NAME_LENGTH
from .sections import (
    read_absences,
    read_departments,
    read_draw,
    read_judges,
    read_recusals,
    read_sheets,
    read_stages,
    read_teams,
)

__all__ = ["FORMAT", "VERSION", "ContestFileError", "Parsed", "parse_document",
           "parse_json_text"]

FORMAT = "scoring-contest"
VERSION = 1
VERSIONS = (1, 2)  # version 2 adds DESIGN section 12 (layout_read.py)


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



def _numbers_as_text(value):
    """Undo JsonNumber inside a rules object so Rules.from_dict sees the JSON type."""
    if isinstance(value, JsonNumber):
        return 0.0  # a float: from_dict refuses it as "give a decimal number as a text"
    if isinstance(value, dict):
        return {k: _numbers_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers_as_text(v) for v in value]
    return value


def _rules_texts(c, value, place):
    """A problem for each text of the rules holding a character no input may hold."""
    stack = [(value, place)]
    while stack:
        value, place = stack.pop()
        if isinstance(value, str) and not isinstance(value, JsonNumber):
            problem = text_problem(value)
            if problem is not None:
                c.add(place, problem[0], **problem[1])
        elif isinstance(value, dict):
            stack.extend((v, f"{place}.{k}") for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, f"{place}[{i}]") for i, v in enumerate(value))


def parse_document(doc) -> Parsed:
    """Check a whole contest file; the records to import, or ContestFileError with every problem."""
    c = Checker()
    if not isinstance(doc, dict):
        raise ContestFileError([("", N_("the file must hold one JSON object"), {})])
    if doc.get("format") != FORMAT:
        c.add("format", N_('this is not a contest file: "format" must be "%(format)s"'),
              format=FORMAT)
        raise ContestFileError(c.problems)
    version = doc.get("version")
    if version not in VERSIONS or isinstance(version, bool):
        c.add("version", N_("this file is version %(version)s; this system reads version "
                            "%(supported)s"), version=json.dumps(version),
              supported=" / ".join(str(v) for v in VERSIONS))
        raise ContestFileError(c.problems)
    layout_parts = None
    if version == 2:
        doc, layout_parts = split_layout(c, doc)
    c.fields(doc, "", ("format", "version", "competition", "departments", "stages",
                       "judges", "teams"),
             ("recusals", "absences", "sheets", "deductions"))
    c.problems = [(p.lstrip("."), m, a) for p, m, a in c.problems]

    comp = c.obj(doc.get("competition", {}), "competition") or {}
    c.fields(comp, "competition", ("key", "name"), ("rules", "archived", "draw"))
    key = c.key(comp.get("key"), "competition.key") if "key" in comp else None
    name = (c.text(comp.get("name"), "competition.name", NAME_LENGTH["competition"])
            if "name" in comp else None)
    archived = bool(c.boolean(comp["archived"], "competition.archived")) \
        if "archived" in comp else False
    draw = read_draw(c, comp["draw"]) if "draw" in comp else None
    _rules_texts(c, comp.get("rules"), "competition.rules")

    departments = read_departments(c, doc.get("departments", []))
    known_departments = set(departments)
    stages, stage_extra = read_stages(c, doc.get("stages", []))
    judges, judge_notes = read_judges(c, doc.get("judges", []), known_departments)
    teams, team_extra = read_teams(c, doc.get("teams", []), known_departments)
    recusals = read_recusals(c, doc.get("recusals", []))
    absences = read_absences(c, doc.get("absences", []))
    sheets, broken_scores = read_sheets(c, doc.get("sheets", []))
    deductions = read_deductions(c, doc.get("deductions", []))

    stage_keys = [s.key for s in stages]
    rules = R.Rules(tie_breaks=())
    given = R.with_default_tie_breaks(comp.get("rules", {}), stage_keys)
    try:
        rules = R.Rules.from_dict(_numbers_as_text(given), stage_keys,
                                  place="competition.rules")
    except SettingsError as e:
        c.problems.extend(e.problems)
        # Unreadable team settings: the team checks would only echo a size nobody chose.
        if any(p[0].startswith(("competition.rules.team_size",
                                "competition.rules.distinct_departments"))
               for p in e.problems):
            rules = None

    team_rules = rules
    rules = rules or R.Rules(tie_breaks=())
    contest = R.Contest(rules=rules, stages=tuple(stages), judges=tuple(judges),
                        teams=tuple(teams), recusals=tuple(recusals),
                        absences=tuple(absences), sheets=tuple(sheets),
                        deductions=tuple(deductions))
    if layout_parts is not None:
        contest = replace(contest, layout=build_layout(layout_parts, stages, teams))
    shape_places = {p for p, _, _ in c.problems}
    c.problems.extend(deduction_problems(contest, shape_places))
    broken_stages = {s.key for s, extra in zip(stages, stage_extra, strict=True)
                     if extra.get("broken")}
    for problem in _meaning_problems(contest, team_rules is not None):
        place = problem[0]
        if _covered(place, shape_places):
            continue
        m = re.match(r"sheets\[(\d+)\]\.scores\.", place)
        if m and (sheets[int(m.group(1))].stage in broken_stages
                  or int(m.group(1)) in broken_scores):
            continue
        c.problems.append(problem)
    if contest.layout is not None:
        c.problems.extend(p for p in layout_meaning_problems(contest, c.problems)
                          if not _covered(p[0], shape_places))
    if c.problems:
        raise ContestFileError(c.problems)
    return Parsed(key=key, name=name, rules=rules, contest=contest, departments=departments,
                  archived=archived, draw=draw, stage_extra=stage_extra,
                  judge_notes=judge_notes, team_extra=team_extra)


def _covered(place, shape_places):
    """Whether a place (or an enclosing one) already has a shape problem."""
    for p in shape_places:
        if place == p or place.startswith(p + ".") or place.startswith(p + "["):
            return True
    return False


def _meaning_problems(contest, check_teams=True):
    out = list(R.contest_problems(contest, strict=True))
    for i, t in enumerate(contest.teams if check_teams else ()):
        for place, message, params in R.team_department_problems(
                t, contest.rules.team_size, f"teams[{i}]", contest.rules.distinct_departments):
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
