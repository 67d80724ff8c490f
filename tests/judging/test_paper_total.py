"""A paper sheet typed in is checked against the total the judge wrote on it (合计), as
Tabbycat's ballot entry checks totals (found walking the day: the form showed no total,
so a score misread or skipped went unnoticed until both entries agreed on it)."""
import html
import re

from .hall_util import KEY
from .test_live import _staff_client
from .util import GOOD, snapshot

TOTAL = "90"  # 35.5 + 27 + 18 + 9.5


def _paper(c, judge, team, values, written_total=None):
    data = {"c_" + k: v for k, v in values.items()}
    if written_total is not None:
        data["written_total"] = written_total
    return c.post(f"/admin/c/{KEY}/paper/presentation/{judge}/{team}", data=data)


def _errors(response) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_a_total_that_does_not_match_saves_nothing(app, demo):
    s1 = _staff_client(app, "s1")
    s1.get("/lang/en")
    page = s1.get(f"/admin/c/{KEY}/paper/presentation/X2/T04").get_data(as_text=True)
    assert 'name="written_total"' in page
    # The typist read 27 as 21: the judge's total says otherwise.
    response = _paper(s1, "X2", "T04", dict(GOOD, delivery="21"), TOTAL)
    assert response.status_code == 200
    words = _errors(response)
    assert "add up to 84, the paper sheet says 90" in words and "Nothing was saved" in words
    assert ("X2", "T04", "presentation") not in snapshot(app)
    assert "not a number" in _errors(_paper(s1, "X2", "T04", GOOD, "九十"))
    # Read as every score is: no full-width digits, no exponent.
    for written in ("９０", "9e1"):
        assert "not a number" in _errors(_paper(s1, "X2", "T04", GOOD, written))
    assert ("X2", "T04", "presentation") not in snapshot(app)


def test_a_matching_or_empty_total_goes_through(app, demo):
    s1, s2 = _staff_client(app, "s1"), _staff_client(app, "s2")
    assert _paper(s1, "X2", "T04", GOOD, "90.0").status_code == 302
    assert _paper(s2, "X2", "T04", GOOD).status_code == 302  # no total on the paper
    assert snapshot(app)[("X2", "T04", "presentation")] == ("submitted", 1, GOOD)
