"""The judge API reads a JSON body as it says: no exponent-form numbers (1e1 is not read
as 10), no key given twice (the refused "31" was once dropped for the later "10")."""
import pytest

from .util import judge_client, snapshot


@pytest.fixture
def judge(app, demo):
    c = judge_client(app, "X1")
    with c.session_transaction() as s:
        s["lang"] = "en"
    return c


def _put(c, raw: bytes):
    return c.put("/judge/api/sheet/presentation/T01/draft", data=raw,
                 content_type="application/json")


@pytest.mark.parametrize("raw, message", [
    (b'{"scores": {"delivery": 1e1}, "idempotency_key": "abcdefgh-0001"}',
     "1e1 is not a number"),
    (b'{"scores": {"delivery": 2.5E0}, "idempotency_key": "abcdefgh-0002"}',
     "2.5E0 is not a number"),
    (b'{"scores": {"delivery": "31", "delivery": "10"}, "idempotency_key": "abcdefgh-0003"}',
     'The key "delivery" appears twice in the request.'),
    (b'{"scores": {"delivery": "31"}, "scores": {"delivery": "10"}, '
     b'"idempotency_key": "abcdefgh-0004"}', 'The key "scores" appears twice in the request.'),
])
def test_exponents_and_repeated_keys_are_refused_and_change_nothing(app, judge, raw, message):
    before = snapshot(app)
    r = _put(judge, raw)
    assert r.status_code == 400 and r.json["ok"] is False
    assert r.json["error"] == message
    assert snapshot(app) == before


def test_the_refusals_are_chinese_by_default(app, demo):
    c = judge_client(app, "X1")
    r = _put(c, b'{"scores": {"delivery": 1e1}, "idempotency_key": "abcdefgh-0005"}')
    assert r.status_code == 400 and r.json["error"] == "1e1 不是数字"
    r = _put(c, b'{"scores": {"delivery": "1", "delivery": "2"}, '
                b'"idempotency_key": "abcdefgh-0006"}')
    assert r.status_code == 400 and "delivery" in r.json["error"] and "两次" in r.json["error"]
