"""The judge API and the public pages, attacked from the venue Wi-Fi: request keys replayed
by another judge or for another sheet, stages and teams of another competition, bodies
that are not one JSON object, too big, or sent as another type, and HEAD/OPTIONS with odd
query strings on the public pages. Every refusal is a translated JSON message (or a 4xx
page) and changes no sheet; nothing is a server error."""
import json

import pytest

from scoring.extensions import db
from scoring.models import Competition, Stage, Team
from tests.judging.util import judge_client, snapshot
from tests.setup.helpers import make_competition

SHEET = "/judge/api/sheet/presentation"
USED = "replay-key-0001"


def _other_competition(app):
    make_competition(app, key="other")
    with app.app_context():
        other = db.session.scalars(db.select(Competition).filter_by(key="other")).one()
        db.session.add(Team(competition_id=other.id, key="K1", name="别队",
                            upload_token="s" * 32))
        db.session.add(Stage(competition_id=other.id, key="extra", name="加赛", weight=0,
                             state="open", position=5))
        db.session.commit()


@pytest.fixture
def judges(app, demo):
    _other_competition(app)
    x1, x2 = judge_client(app, "X1"), judge_client(app, "X2")
    first = x1.put(f"{SHEET}/T01/draft", json={"scores": {"substance": "30"},
                                              "idempotency_key": USED})
    assert first.status_code == 200 and first.json["ok"]
    return x1, x2


def _body(key, **extra):
    return json.dumps({"scores": {"substance": "31"}, "idempotency_key": key, **extra})


REFUSALS = [  # (who, method, path, body, content type, status, words of the message)
    ("x2", "PUT", f"{SHEET}/T01/draft", _body(USED), None, 409, "此请求标识已被使用"),
    ("x1", "PUT", f"{SHEET}/T02/draft", _body(USED), None, 409, "另一张评分表"),
    ("x1", "POST", f"{SHEET}/T01/submit", _body(USED), None, 409, "另一张评分表"),
    ("x1", "PUT", "/judge/api/sheet/extra/T01/draft", _body("key-other-01"), None, 404,
     "没有这张评分表"),
    ("x1", "PUT", f"{SHEET}/K1/draft", _body("key-other-02"), None, 404, "没有这张评分表"),
    ("x1", "PUT", f"{SHEET}/T01/draft", "[]", None, 400, "不是有效的 JSON"),
    ("x1", "PUT", f"{SHEET}/T01/draft", '[{"scores": {}}]', None, 400, "不是有效的 JSON"),
    ("x1", "PUT", f"{SHEET}/T01/draft", "null", None, 400, "不是有效的 JSON"),
    ("x1", "PUT", f"{SHEET}/T01/draft", "{" * 1_000_000, None, 413, "64 KB"),
    ("x1", "PUT", f"{SHEET}/T01/draft", _body("key-big-0001", pad="x" * 1_000_000), None,
     413, "64 KB"),
    ("x1", "PUT", f"{SHEET}/T01/draft", "scores=x&idempotency_key=key-form-01",
     "application/x-www-form-urlencoded", 400, "不是有效的 JSON"),
    ("x1", "PUT", f"{SHEET}/T01/draft", _body("key-multi-01"),
     "multipart/form-data; boundary=zz", 400, "不是有效的 JSON"),
    ("x1", "PUT", f"{SHEET}/T01/draft", _body("key-utf16-01").encode("utf-16"), None, 400,
     "不是有效的 JSON"),
    ("x1", "PUT", f"{SHEET}/T01/draft",
     json.dumps({"scores": [["substance", "31"]], "idempotency_key": "key-list-01"}), None,
     400, "评分项"),
    ("x1", "PUT", f"{SHEET}/T01/draft", _body("key-comment-1", comment={"a": 1}), None, 400,
     "评语必须以文本形式发送"),
    ("x1", "PUT", f"{SHEET}/T01/draft",
     '{"scores": {}, "idempotency_key": "key-dup-0001", "idempotency_key": "' + USED + '"}',
     None, 400, "出现了两次"),
]


def test_judge_api_refusals_say_why_and_change_nothing(app, judges):
    clients = dict(zip(("x1", "x2"), judges, strict=True))
    before = snapshot(app)
    for who, method, path, body, ctype, status, words in REFUSALS:
        answer = clients[who].open(path, method=method, data=body,
                                   content_type=ctype or "application/json")
        assert answer.status_code == status, (who, path, body[:60], answer.status_code)
        assert answer.is_json and words in answer.json["error"], (path, answer.json)
        assert snapshot(app) == before, (who, path, body[:60])


def test_public_pages_take_odd_queries_and_any_method(app, demo):
    _other_competition(app)
    client = app.test_client()
    for url in ("/results/other?stage=presentation", "/results/demo-2024?stage=extra",
                "/results/demo-2024?lang=xx&v[]=1&v=2", "/draw/demo-2024?stage=extra",
                "/draw/other", "/projector/demo-2024?stage=extra",
                "/projector/demo-2024/state?v=-1&stage=extra",
                "/projector/demo-2024/state?v=99999999999999999999",
                "/projector/other/state?stage=plan", "/projector/demo-2024/extra/room/R1",
                "/results/?page=-1&q=%ff", "/results/demo-2024?" + "a=1&" * 2000,
                "/results/demo-2024?stage=" + "x" * 5000, "/results/demo-2024?stage=%00"):
        for method in ("GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE"):
            status = client.open(url, method=method).status_code
            assert status < 500 and (status in (200, 204, 302, 400, 404, 405)), \
                (method, url[:80], status)
