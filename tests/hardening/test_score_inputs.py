"""What a judge's tablet or a staff member at a laptop might send as one score: overflowing
exponents, Infinity, NaN, full-width digits, a plus sign, a trailing point, spaces. Each
is refused with a message naming the criterion, or accepted exactly (never a 500, never
stored as a float), on the judge API and on paper entry."""
import pytest
import sqlalchemy as sa

from scoring.extensions import db
from scoring.models import PaperEntry, Score
from tests.judging.test_api import _free_team
from tests.judging.test_live import _staff_client
from tests.judging.util import body, judge_client, put_draft, snapshot

CRITERION = "内容阐述"  # the name of "substance" in the demo
# typed value -> the value stored, or None: refused
TYPED = {
    "1e309": None, "Infinity": None, "-Infinity": None, "NaN": None, "１２": None,
    "+5": None, "5.": None, ".5": None, "0x10": None, "1_0": None, "1,5": None,
    "5" * 40: None, " 5 ": "5", "05": "5", "12.5": "12.5",
}
# raw JSON numbers (the body is read with Decimal, never float)
RAW = {b"1e309": None, b"1E+1": None, b"-0.0": "0", b"12.50": "12.5", b"1e-400": None}


def _stored(app):
    with app.app_context():
        return sorted(str(v) for v in db.session.scalars(sa.select(Score.value)))


@pytest.mark.parametrize("typed", list(TYPED))
def test_api_score_text(app, demo, typed):
    c = judge_client(app, "X1")
    team = _free_team(app)
    before = snapshot(app)
    r = put_draft(c, team, body({"substance": typed}, base_version=0))
    expected = TYPED[typed]
    if expected is None:
        assert r.status_code == 422, r.get_data(as_text=True)
        assert CRITERION in r.json["error"] and r.json["errors"]["substance"]
        assert snapshot(app) == before
    else:
        assert r.status_code == 200
        assert r.json["sheet"]["scores"]["substance"] == expected


@pytest.mark.parametrize("raw", list(RAW))
def test_api_raw_json_number(app, demo, raw):
    c = judge_client(app, "X1")
    team = _free_team(app)
    before = snapshot(app)
    payload = b'{"scores": {"substance": ' + raw + b'}, "base_version": 0, ' \
              b'"idempotency_key": "abcdefgh-raw-' + str(len(raw)).encode() + b'"}'
    r = c.put(f"/judge/api/sheet/presentation/{team}/draft", data=payload,
              content_type="application/json")
    assert r.status_code in (200, 400, 422), r.status_code
    if RAW[raw] is None:
        assert r.status_code in (400, 422) and snapshot(app) == before
        if r.status_code == 422:
            assert CRITERION in r.json["error"]
    else:
        assert r.status_code == 200, r.get_data(as_text=True)
        assert r.json["sheet"]["scores"]["substance"] == RAW[raw]


@pytest.mark.parametrize("typed", [t for t, v in TYPED.items() if v is None])
def test_paper_entry_refuses_with_the_criterion_named(app, demo, typed):
    c = _staff_client(app, "clerk")
    team = _free_team(app)
    before = _stored(app)
    r = c.post(f"/admin/c/{demo}/paper/presentation/X1/{team}",
               data={"c_substance": typed, "c_delivery": "20", "c_teamwork": "15",
                     "c_timing": "8"})
    assert r.status_code in (200, 422), r.status_code
    assert CRITERION in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(PaperEntry.id))) == 0
    assert _stored(app) == before
