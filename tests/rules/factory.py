"""Small builders for rules tests: contests from sheet totals, in a line or two."""

from decimal import Decimal as D

from scoring.rules import Contest, Criterion, Judge, Rules, Sheet, Stage, Team

ONE_STAGE = {"plan": "1"}
THREE_STAGES = {"plan": "0.3", "presentation": "0.5", "reflection": "0.2"}


def make_stage(key="plan", weight="1", max_="100", step="0.01"):
    """A stage with one criterion "total", so a sheet's value is its total."""
    return Stage(key, D(weight), (Criterion("total", D(max_), D(step)),))


def judge_group(key):
    """Judges named X* are external, all others internal."""
    return "external" if key.startswith("X") else "internal"


def make_contest(totals, *, rules=None, stages=ONE_STAGE, judges=None, teams=None,
                 recusals=(), absences=(), extra_sheets=(), status="submitted",
                 max_="100", step="0.01"):
    """totals: {stage: {team: {judge: "85.5"}}}; judges and teams are inferred when not given."""
    stage_objs = tuple(make_stage(k, w, max_, step) for k, w in stages.items())
    judge_keys, team_keys = [], []
    sheets = []
    for stage_key, by_team in totals.items():
        for team_key, by_judge in by_team.items():
            if team_key not in team_keys:
                team_keys.append(team_key)
            for judge_key, value in by_judge.items():
                if judge_key not in judge_keys:
                    judge_keys.append(judge_key)
                scores = {"total": None if value is None else D(value)}
                sheets.append(Sheet(judge_key, team_key, stage_key, status, scores))
    if judges is None:
        judges = tuple(Judge(k, judge_group(k), None) for k in sorted(judge_keys))
    if teams is None:
        teams = tuple(Team(k, i, (f"{k}-1", f"{k}-2", f"{k}-3"))
                      for i, k in enumerate(team_keys, start=1))
    return Contest(rules or Rules(), stage_objs, tuple(judges), tuple(teams),
                   tuple(recusals), tuple(absences), tuple(sheets) + tuple(extra_sheets))


def panel(values, prefix="N"):
    """{"N1": v1, "N2": v2, ...} from a list of totals."""
    return {f"{prefix}{i}": v for i, v in enumerate(values, start=1)}
