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


def pair_recusal(automatic: bool, added=None, lifted=None) -> RecusalState:
    """Rule 2 for one (judge, team) pair, as recusal_matrix decides it.

    automatic: the department rule applies (automatic_recusal); added: the reason of a
    manual recusal of the pair, lifted: the reason of a lift of it (None: no such decision).
    """
    if added is not None:
        # A manual recusal always wins over a lift: recusing is the safe side.
        return RecusalState(True, automatic, added)
    if automatic and lifted is not None:
        return RecusalState(False, True, lifted, lifted=True)
    return RecusalState(automatic, automatic, "")


def recusal_matrix(judges, teams, recusals=()) -> dict:
    """Rule 2: RecusalState for every (judge key, team key) pair."""
    manual, lifts = {}, {}
    for r in recusals:
        target = lifts if r.lift else manual
        # The first reason given is kept; later duplicates add nothing.
        target.setdefault((r.judge, r.team), r.reason)
    # The plain states are immutable, so one instance of each serves every pair: a big
    # contest has tens of thousands of pairs and the judge API asks on every write.
    clear, automatic = RecusalState(False, False, ""), RecusalState(True, True, "")
    team_departments = [(t.key, {d for d in t.departments if d is not None}) for t in teams]
    out = {}
    for j in judges:
        department = j.department
        for team_key, departments in team_departments:
            pair = (j.key, team_key)
            # automatic_recusal(j, t), with each team's departments gathered once.
            auto = department is not None and department in departments
            if pair in manual:
                # A manual recusal always wins over a lift: recusing is the safe side.
                out[pair] = RecusalState(True, auto, manual[pair])
            elif auto and pair in lifts:
                out[pair] = RecusalState(False, True, lifts[pair], lifted=True)
            elif auto:
                out[pair] = automatic
            else:
                out[pair] = clear
    return out
