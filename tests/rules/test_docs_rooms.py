"""docs/rules.md section 12's worked example (divisions, rooms, advancement), recomputed."""
import json
import pathlib
import re
from decimal import Decimal as D
from fractions import Fraction as F

import pytest

from scoring.rules import AwardTier, compute_results
from scoring.rules.layout import Qualify
from scoring.rules.numbers import round_half_up

from .layout_factory import build

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "rules.md"
TEXT = DOC.read_text(encoding="utf-8")


def block(name):
    """The fenced json block right after the <!-- rooms-example:NAME --> marker."""
    m = re.search(rf"<!-- rooms-example:{name} -->\s*```json\n(.*?)\n```", TEXT, re.S)
    assert m, f"no rooms-example:{name} block in {DOC}"
    return json.loads(m.group(1))


EXAMPLE = block("input")
EXPECTED = block("expected")


def contest(method):
    scores = {t: {"prelim": v} | ({"final": EXAMPLE["final"][t]} if t in EXAMPLE["final"]
                                 else {})
              for t, v in EXAMPLE["prelim"].items()}
    return build(EXAMPLE["stages"], scores, divisions=EXAMPLE["divisions"],
                 rooms={"prelim": EXAMPLE["rooms"]}, normalization={"prelim": method},
                 qualify=("final", Qualify(**EXAMPLE["qualify"])),
                 tie_breaks=EXAMPLE["tie_breaks"],
                 awards=tuple(AwardTier(a["name"], share=D(a["share"]))
                              for a in EXAMPLE["awards"]))


@pytest.mark.parametrize("method", ["room_mean", "z_score"])
def test_rooms_example_matches_the_code(method):
    expected = EXPECTED[method]
    result = compute_results(contest(method))
    norm = result.normalizations["prelim"]
    assert str(norm.mean) == expected["M"]
    if "S" in expected:
        assert str(norm.spread) == expected["S"]
    for stats in norm.rooms:
        exp = expected["rooms"][stats.room]
        assert str(stats.mean) == exp["mean"]
        assert str(stats.coefficient if "coefficient" in exp else stats.spread) == \
            exp.get("coefficient", exp.get("spread"))
    assert {k: str(v) for k, v in norm.adjusted.items()} == expected["adjusted"]
    assert [[t.team, t.division, t.rank, t.qualified, str(t.qualification),
             None if t.final is None else str(t.final), t.award]
            for t in result.teams] == expected["ranking"]


def test_the_prose_numbers_are_the_expected_ones():
    section = TEXT.split("#### `room_mean`", 1)[1].split("#### `z_score`", 1)[0]
    exp = EXPECTED["room_mean"]
    for row in exp["ranking"]:
        team, division, rank, qualified, qual, final, award = row
        shown = final if qualified else "未晋级"
        assert f"| {division} | {team} | {rank} | {qual} | {shown} | {award} |" in section
    for room, figures in exp["rooms"].items():
        m_r, c_r = figures["mean"], figures["coefficient"]
        assert f"| {room} | {m_r} |" in section and section.count(f"| {c_r} |") == 1
        # the coefficient is M / m_r from the printed figures, half-up at 3 decimals
        assert str(round_half_up(F(D(exp["M"])) / F(D(m_r)), 3)) == c_r
    assert f"**{exp['M']}**" in section
    z = TEXT.split("#### `z_score`", 1)[1]
    assert all(f"**{EXPECTED['z_score'][k]}**" in z for k in ("S",))
