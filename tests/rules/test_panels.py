"""Small panels (rule 3): where the trim would leave a team too few sheets."""
from decimal import Decimal as D

import pytest

from scoring.rules import GroupRule, Rules, ThinPanel, thin_panels

WEIGHTED = Rules(aggregation="weighted_groups",
                 groups={"external": GroupRule(D("0.4"), 0), "internal": GroupRule(D("0.6"), 1)})


@pytest.mark.parametrize(("rules", "expected", "found"), [
    # pooled trim 1 needs 3: 3 is enough (one sheet remains), 2 and 0 are not
    (Rules(trim=1), {("p", "A"): {"internal": 3}}, []),
    (Rules(trim=1), {("p", "A"): {"internal": 2}}, [ThinPanel("p", "A", None, 2, 3)]),
    (Rules(trim=1), {("p", "A"): {}}, [ThinPanel("p", "A", None, 0, 3)]),
    # groups are added up when pooled
    (Rules(trim=2), {("p", "A"): {"external": 2, "internal": 3}}, []),
    (Rules(trim=2), {("p", "A"): {"external": 1, "internal": 3}},
     [ThinPanel("p", "A", None, 4, 5)]),
    (Rules(trim=0), {("p", "A"): {"internal": 1}}, []),
    # weighted groups: each group against its own trim
    (WEIGHTED, {("p", "A"): {"external": 1, "internal": 3}}, []),
    (WEIGHTED, {("p", "A"): {"external": 0, "internal": 3}},
     [ThinPanel("p", "A", "external", 0, 1)]),
    (WEIGHTED, {("p", "A"): {"external": 2, "internal": 2}},
     [ThinPanel("p", "A", "internal", 2, 3)]),
])
def test_thin_panels(rules, expected, found):
    assert thin_panels(rules, expected) == found
