"""Rule 2: which judge does not score which team (department rule, manual additions, lifts)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class RecusalState:
    """Recusal of one (judge, team) pair; `automatic` says the department rule applies."""

    recused: bool
    automatic: bool
    reason: str = ""
    lifted: bool = False


def automatic_recusal(judge, team) -> bool:
    """Rule 2: a judge shares a department with any member; a judge with none never does."""
    if judge.department is None:
        return False
    return judge.department in {d for d in team.departments if d is not None}


def recusal_matrix(judges, teams, recusals=()) -> dict:
    """Rule 2: RecusalState for every (judge key, team key) pair."""
    manual, lifts = {}, {}
    for r in recusals:
        target = lifts if r.lift else manual
        # The first reason given is kept; later duplicates add nothing.
        target.setdefault((r.judge, r.team), r.reason)
    out = {}
    for j in judges:
        for t in teams:
            pair = (j.key, t.key)
            auto = automatic_recusal(j, t)
            if pair in manual:
                # A manual recusal always wins over a lift: recusing is the safe side.
                out[pair] = RecusalState(True, auto, manual[pair])
            elif auto and pair in lifts:
                out[pair] = RecusalState(False, True, lifts[pair], lifted=True)
            elif auto:
                out[pair] = RecusalState(True, True, "")
            else:
                out[pair] = RecusalState(False, False, "")
    return out
