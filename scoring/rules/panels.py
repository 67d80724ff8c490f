"""Small panels: where the trim would leave a team too few sheets (rule 3). Pure code,
never touching the database; the checklist and the rules page feed it expected counts."""
from dataclasses import dataclass


@dataclass(frozen=True)
class ThinPanel:
    """A team in a stage whose expected sheets are fewer than the trim needs."""

    stage: str
    team: str
    group: str | None  # None: the whole panel (pooled); else the panel group
    sheets: int        # sheets expected (judges not recused and not absent)
    needed: int        # 2 x trim + 1


def thin_panels(rules, expected) -> list[ThinPanel]:
    """Every (stage, team[, group]) whose expected sheet count is below 2*trim+1.

    expected: {(stage key, team key): {panel group: number of judges expected to score}}.
    With fewer sheets, nothing is dropped and the result is flagged (rule 3); with
    weighted groups each group is trimmed on its own, and a group with no sheet at all
    is left out (its weight goes to the others).
    """
    found = []
    for (stage, team), by_group in expected.items():
        if rules.aggregation == "weighted_groups":
            for name, group in rules.groups.items():
                count = by_group.get(name, 0)
                needed = 2 * group.trim + 1
                if count < needed:
                    found.append(ThinPanel(stage, team, name, count, needed))
        else:
            count = sum(by_group.values())
            needed = 2 * rules.trim + 1
            if count < needed:
                found.append(ThinPanel(stage, team, None, count, needed))
    return found
