"""Idempotency keys are bound to what they carried.

A key sent again with the same request gets the first answer (a lost answer, resent). The
same key with other scores, for another sheet, or as a draft instead of a submission is
refused with 409 and a translated message: never "ok" with the stored answer while
nothing of the new request was written.
"""
import json

import pytest

from scoring.extensions import db
from scoring.models import SubmissionKey

from .util import GOOD, body, judge_client, post_submit, put_draft, recused_pairs, snapshot

REFUSED = "此请求标识已用于另一请求"


def _teams(app, judge, n=2):
    recused = recused_pairs(app)
    return [f"T{i:02d}" for i in range(1, 16) if (judge, f"T{i:02d}") not in recused][:n]


def _refused(r):
    assert r.status_code == 409, (r.status_code, r.get_json())
    assert r.json["ok"] is False and REFUSED in r.json["error"]
    assert "replayed" not in r.json


def test_same_key_with_other_scores_is_refused(app, demo):
    c = judge_client(app, "X1")
    team, _other = _teams(app, "X1")
    data = body(GOOD)
    assert post_submit(c, team, data).status_code == 200
    before = snapshot(app)
    _refused(post_submit(c, team, dict(data, scores=dict(GOOD, timing="1"))))
    _refused(post_submit(c, team, dict(data, scores={})))
    assert snapshot(app) == before
    # The same request again still gets its answer.
    r = post_submit(c, team, data)
    assert r.status_code == 200 and r.json["replayed"] is True


def test_same_key_with_another_comment_is_refused(app, demo):
    """A resent request whose comment (评语) changed is not answered "ok" while the new
    comment is dropped; the same comment again, trimmed or not, is the same request."""
    c = judge_client(app, "X1")
    _first, team = _teams(app, "X1")
    for send in (put_draft, post_submit):
        data = (body({"substance": "12"}, base_version=0, comment="思路清晰")
                if send is put_draft else body(GOOD, comment="思路清晰"))
        assert send(c, team, data).status_code == 200
        before = snapshot(app)
        _refused(send(c, team, dict(data, comment="完全不同的评语")))
        _refused(send(c, team, dict(data, comment="")))
        assert snapshot(app) == before
        again = send(c, team, dict(data, comment="  思路清晰 "))
        assert again.status_code == 200 and again.json["replayed"] is True
        assert again.json["sheet"]["comment"] == "思路清晰"


def test_same_key_for_another_sheet_is_refused(app, demo):
    c = judge_client(app, "X2")
    team, other = _teams(app, "X2")
    data = body(GOOD)
    assert post_submit(c, team, data).status_code == 200
    _refused(post_submit(c, other, data))
    assert ("X2", other, "presentation") not in snapshot(app)
    _refused(post_submit(c, team, data, stage="plan"))


def test_same_key_as_draft_instead_of_submission_is_refused(app, demo):
    c = judge_client(app, "X3")
    team, other = _teams(app, "X3")
    draft = body({"substance": "12"}, base_version=0)
    assert put_draft(c, team, draft).status_code == 200
    _refused(post_submit(c, team, dict(draft, scores=GOOD)))
    _refused(post_submit(c, team, {"scores": {"substance": "12"},
                                   "idempotency_key": draft["idempotency_key"]}))
    assert snapshot(app)[("X3", team, "presentation")] == ("draft", 1, {"substance": "12"})
    sub = body(GOOD)
    assert post_submit(c, other, sub).status_code == 200
    _refused(put_draft(c, other, dict(sub, base_version=1)))


def test_draft_key_with_another_base_version_is_refused(app, demo):
    c = judge_client(app, "N2")
    team, _other = _teams(app, "N2")
    draft = body({"substance": "12"}, base_version=0)
    assert put_draft(c, team, draft).status_code == 200
    _refused(put_draft(c, team, dict(draft, base_version=1)))
    assert snapshot(app)[("N2", team, "presentation")][:2] == ("draft", 1)


@pytest.mark.parametrize("resent", [
    {"substance": 35.5, "delivery": 27, "teamwork": "18.0", "timing": " 9.50 "},
    {"timing": "9.5", "teamwork": "18", "delivery": "27.000", "substance": "35.5"},
])
def test_the_same_scores_written_differently_are_the_same_request(sqlite_app, resent):
    from scoring.operations.demo import load_demo

    app = sqlite_app
    with app.app_context():
        load_demo()
        db.session.commit()
    c = judge_client(app, "N3")
    team = _teams(app, "N3", 1)[0]
    data = body(GOOD)
    first = post_submit(c, team, data)
    assert first.status_code == 200
    # JSON numbers are read as exact Decimals (judge API), so 35.5 is the same as "35.5".
    again = c.post(f"/judge/api/sheet/presentation/{team}/submit",
                   data=json.dumps({"scores": resent, "idempotency_key": data["idempotency_key"]}),
                   content_type="application/json")
    assert again.status_code == 200 and again.json["replayed"] is True
    assert again.json["sheet"] == first.json["sheet"]


def test_keys_stored_before_fingerprints_still_replay(sqlite_app):
    """A key answered by the previous version (no fingerprint kept) still gets its answer."""
    from scoring.operations.demo import load_demo

    app = sqlite_app
    with app.app_context():
        load_demo()
        db.session.commit()
    c = judge_client(app, "N4")
    team = _teams(app, "N4", 1)[0]
    data = body(GOOD)
    first = post_submit(c, team, data)
    with app.app_context():
        row = db.session.scalars(db.select(SubmissionKey).filter_by(
            key=data["idempotency_key"])).one()
        stored = json.loads(row.response_json)
        assert "request" in stored
        del stored["request"]
        row.response_json = json.dumps(stored)
        db.session.commit()
    again = post_submit(c, team, dict(data, scores={}))
    assert again.status_code == 200 and again.json["sheet"] == first.json["sheet"]


def test_fingerprint_is_canonical_and_bounded():
    from decimal import Decimal

    from scoring.operations.idempotency import fingerprint

    same = fingerprint(1, 2, True, {"a": "12.0", "b": None}, None)
    assert same == fingerprint(1, 2, True, {"a": Decimal("12"), "c": None}, 7)
    assert same == fingerprint(1, 2, True, {"a": 12}, None)
    assert same != fingerprint(1, 2, False, {"a": 12}, None)
    assert same != fingerprint(1, 3, True, {"a": 12}, None)
    assert same != fingerprint(2, 2, True, {"a": 12}, None)
    assert same != fingerprint(1, 2, True, {"a": "12.5"}, None)
    assert same != fingerprint(1, 2, True, {"a": True}, None)
    assert fingerprint(1, 2, False, {}, 1) != fingerprint(1, 2, False, {}, 2)
    # A comment is part of the request; none sent hashes as before comments counted.
    assert same == fingerprint(1, 2, True, {"a": 12}, None, None)
    assert same != fingerprint(1, 2, True, {"a": 12}, None, "")
    assert fingerprint(1, 2, True, {}, None, "好 ") == fingerprint(1, 2, True, {}, None, "好")
    assert fingerprint(1, 2, True, {}, None, "好") != fingerprint(1, 2, True, {}, None, "坏")
    assert fingerprint(1, 2, True, {}, None, "1") != fingerprint(1, 2, True, {}, None, 1)
    # Huge exponents are never expanded into digits.
    assert len(fingerprint(1, 2, True, {"a": Decimal("1E+999999999")}, None)) == 64
    assert fingerprint(1, 2, True, ["not", "a", "dict"], None) != same
