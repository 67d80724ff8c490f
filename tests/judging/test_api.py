"""The judge API: drafts, submissions, idempotency, bad input (sheet unchanged, never a 500)."""
import pytest

from .util import (
    GOOD,
    body,
    judge_client,
    live_version,
    post_submit,
    put_draft,
    recused_pairs,
    snapshot,
    versions,
)


def _free_team(app, judge="X1"):
    recused = recused_pairs(app)
    return next(f"T{i:02d}" for i in range(1, 16) if (judge, f"T{i:02d}") not in recused)


def test_draft_then_submit_then_locked(app, demo):
    c = judge_client(app, "N1")
    team = _free_team(app, "N1")
    v0 = live_version(app)
    r = put_draft(c, team, body({"substance": "30", "delivery": None}, base_version=0))
    assert r.status_code == 200, r.json
    assert r.json["sheet"]["version"] == 1 and r.json["sheet"]["status"] == "draft"
    assert r.json["sheet"]["scores"] == {"substance": "30"}
    assert live_version(app) == v0 + 1
    r = put_draft(c, team, body({"substance": "31.5", "delivery": "20"}, base_version=1))
    assert r.json["sheet"]["version"] == 2 and r.json["sheet"]["total"] == "51.5"
    r = post_submit(c, team, body(GOOD))
    assert r.status_code == 200 and r.json["sheet"]["status"] == "submitted"
    assert r.json["sheet"]["version"] == 3 and r.json["sheet"]["total"] == "90"
    assert snapshot(app)[("N1", team, "presentation")] == ("submitted", 3, GOOD)
    assert [v[:2] for v in versions(app, "N1", team)] == [(1, "draft"), (2, "draft"),
                                                          (3, "submitted")]
    # A draft never downgrades a submitted sheet; a different submission is refused.
    r = put_draft(c, team, body({"substance": "1"}, base_version=3))
    assert r.status_code == 409 and r.json["sheet"]["status"] == "submitted"
    r = post_submit(c, team, body(dict(GOOD, timing="1")))
    assert r.status_code == 409
    # The same submission again is fine and writes nothing.
    r = post_submit(c, team, body(GOOD))
    assert r.status_code == 200 and r.json["unchanged"] is True
    assert snapshot(app)[("N1", team, "presentation")] == ("submitted", 3, GOOD)


def test_retry_with_same_key_returns_first_answer(app, demo):
    c = judge_client(app, "X2")
    team = _free_team(app, "X2")
    data = body({"substance": "12"}, base_version=0)
    first = put_draft(c, team, data)
    again = put_draft(c, team, data)
    assert first.status_code == again.status_code == 200
    assert again.json["replayed"] is True
    assert again.json["sheet"] == first.json["sheet"]
    sub = body(GOOD)
    a, b = post_submit(c, team, sub), post_submit(c, team, sub)
    assert b.json["replayed"] and a.json["sheet"] == b.json["sheet"]
    assert [v[0] for v in versions(app, "X2", team)] == [1, 2]


def test_stale_base_version_is_refused_with_the_current_sheet(app, demo):
    c = judge_client(app, "X3")
    team = _free_team(app, "X3")
    put_draft(c, team, body({"substance": "10"}, base_version=0))
    r = put_draft(c, team, body({"substance": "11"}, base_version=0))
    assert r.status_code == 409
    assert r.json["sheet"]["version"] == 1 and r.json["sheet"]["scores"] == {"substance": "10"}


BAD_VALUES = [
    ("-1", "below the minimum"), ("1e9", "not a number"), ("NaN", "not a number"),
    ("٣", "not a number"), ("30.25", "not a multiple of the step"),
    ("41", "above the maximum"), ("abc", "not a number"),
]


@pytest.mark.parametrize("value,reason", BAD_VALUES)
def test_bad_values_change_nothing(sqlite_app, value, reason):
    from scoring.extensions import db
    from scoring.operations.demo import load_demo

    app = sqlite_app
    with app.app_context():
        load_demo()
        db.session.commit()
    c = judge_client(app, "X1")
    team = _free_team(app)
    put_draft(c, team, body({"substance": "20", "delivery": "10"}, base_version=0))
    before = snapshot(app)
    with c.session_transaction() as s:
        s["lang"] = "en"
    r = put_draft(c, team, body({"substance": value, "delivery": "11"}, base_version=1))
    assert r.status_code == 422
    assert reason in r.json["errors"]["substance"]
    assert r.json["error"].startswith("内容阐述:") or "内容阐述" in r.json["error"]
    r = post_submit(c, team, body(dict(GOOD, substance=value)))
    assert r.status_code == 422 and reason in r.json["errors"]["substance"]
    assert snapshot(app) == before


def test_messages_are_chinese_by_default(sqlite_app):
    from scoring.extensions import db
    from scoring.operations.demo import load_demo

    with sqlite_app.app_context():
        load_demo()
        db.session.commit()
    c = judge_client(sqlite_app, "X1")
    r = put_draft(c, _free_team(sqlite_app), body({"substance": "41"}, base_version=0))
    assert r.status_code == 422
    assert "最高" in r.json["errors"]["substance"] or "超过" in r.json["errors"]["substance"]


@pytest.mark.parametrize("payload,status", [
    (b"{not json", 400), (b"[1, 2]", 400), (b'{"scores": {"substance": NaN}}', 400),
    (b'{"scores": [1], "idempotency_key": "abcdefgh-1234"}', 400),
    (b'{"scores": {"substance": 12.5}, "idempotency_key": "short"}', 400),
    (b'{"scores": {"substance": [1]}, "idempotency_key": "abcdefgh-1235"}', 422),
    (b'{"scores": {"substance": true}, "idempotency_key": "abcdefgh-1236"}', 422),
    (b'{"scores": {"nosuch": "1"}, "idempotency_key": "abcdefgh-1237"}', 422),
    (b'{"scores": {}, "idempotency_key": "abcdefgh-1238", "base_version": "x"}', 400),
])
def test_malformed_requests(sqlite_app, payload, status):
    from scoring.extensions import db
    from scoring.operations.demo import load_demo

    with sqlite_app.app_context():
        load_demo()
        db.session.commit()
    c = judge_client(sqlite_app, "X1")
    before = snapshot(sqlite_app)
    r = c.put(f"/judge/api/sheet/presentation/{_free_team(sqlite_app)}/draft", data=payload,
              content_type="application/json")
    assert r.status_code == status, r.json
    assert r.json["ok"] is False and r.json["error"]
    # Said in words the judge reads: no Python type name ("bool", "list") ever shows.
    assert not any(word in r.json["error"] for word in ("bool", "list", "dict", "NoneType"))
    if b"true" in payload or b"[1]}" in payload:
        assert "内容阐述：不是数字" in r.json["error"] and "17.5" in r.json["error"]
    assert snapshot(sqlite_app) == before


def test_json_number_is_read_exactly(sqlite_app):
    from scoring.extensions import db
    from scoring.operations.demo import load_demo

    with sqlite_app.app_context():
        load_demo()
        db.session.commit()
    c = judge_client(sqlite_app, "X1")
    team = _free_team(sqlite_app)
    r = c.put(f"/judge/api/sheet/presentation/{team}/draft",
              data=b'{"scores": {"substance": 12.5}, "idempotency_key": "abcdefgh-9999"}',
              content_type="application/json")
    assert r.status_code == 200 and r.json["sheet"]["scores"] == {"substance": "12.5"}


def test_huge_body_is_refused(sqlite_app):
    from scoring.extensions import db
    from scoring.operations.demo import load_demo

    with sqlite_app.app_context():
        load_demo()
        db.session.commit()
    c = judge_client(sqlite_app, "X1")
    before = snapshot(sqlite_app)
    big = b'{"scores": {"substance": "' + b"1" * (10 * 1024 * 1024) + b'"}}'
    r = c.put(f"/judge/api/sheet/presentation/{_free_team(sqlite_app)}/draft", data=big,
              content_type="application/json")
    assert r.status_code == 413 and "KB" in r.json["error"]
    assert snapshot(sqlite_app) == before


def test_missing_csrf_token_is_refused(make_app):
    from scoring.extensions import db
    from scoring.operations.demo import load_demo

    app = make_app("sqlite", WTF_CSRF_ENABLED=True)
    with app.app_context():
        load_demo()
        db.session.commit()
    c = judge_client(app, "X1")
    team = _free_team(app)
    r = put_draft(c, team, body({"substance": "10"}, base_version=0))
    assert r.status_code == 400 and r.json["ok"] is False and r.json["error"]
    assert ("X1", team, "presentation") not in snapshot(app)
    # With the token from the page's <meta>, the same request goes through.
    page = c.get(f"/judge/s/presentation/{team}").get_data(as_text=True)
    token = page.split('name="csrf-token" content="')[1].split('"')[0]
    r = put_draft(c, team, body({"substance": "10"}, base_version=0),
                  headers={"X-CSRFToken": token})
    assert r.status_code == 200, r.json
