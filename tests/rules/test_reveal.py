"""Rule 9: calibration reveal."""

import pytest

from scoring.rules import Rules, compute_results, revealable

from .factory import make_contest, panel

ORDER = ["A", "B", "C", "D", "E"]


@pytest.mark.parametrize(("n", "complete", "expected"), [
    (0, set(), ()),
    (0, {"A", "C"}, ("A", "C")),                       # off: each team once complete
    (3, {"A", "B"}, ()),                               # first three held back together
    (3, {"A", "B", "C"}, ("A", "B", "C")),             # revealed together after the third
    (3, {"A", "B", "C", "D"}, ("A", "B", "C", "D")),   # then each on its own
    (3, {"A", "B", "C", "E"}, ("A", "B", "C", "E")),
    (3, {"A", "B", "D"}, ()),                          # never before calibration is shown
    (9, {"A", "B", "C", "D"}, ()),                     # N beyond the field: all together
    (9, set(ORDER), tuple(ORDER)),
    (1, {"A"}, ("A",)),
])
def test_revealable(n, complete, expected):
    assert revealable(ORDER, complete, n) == expected


def test_contest_result_reveal_uses_draw_order_and_completeness():
    contest = make_contest(
        {"plan": {"A": panel(["80", "81"]), "B": panel(["80", "81"]), "C": panel(["80"])}},
        rules=Rules(calibration_reveal=2))
    res = compute_results(contest)
    assert res.draw_order == ("A", "B", "C")
    # C lacks N2's sheet: provisional, so not revealable; A and B together
    assert res.revealable("plan") == ("A", "B")
