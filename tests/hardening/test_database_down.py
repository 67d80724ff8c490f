"""Error pages render when the database cannot be reached: translated, no traceback.

The app is pointed at a PostgreSQL address nothing listens on (port 1 of 127.0.0.1), so
every query fails to connect. Pages answer the 503 page (JSON for the judge API), an
unexpected error the 500 page, in Chinese and in English, for visitors, logged-in
organizers (whose user cannot be loaded) and judges. An exception raised while answering
an error escapes to the test client, so a second exception fails the test.
"""
import pytest
from flask import abort

from scoring import create_app

UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/test?connect_timeout=2"
ZH_503 = "数据库暂时无法连接"
EN_503 = "The database cannot be reached right now"


@pytest.fixture
def down(tmp_path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": UNREACHABLE,
                      "SECRET_KEY": "test", "INSTANCE_PATH": str(tmp_path / "instance"),
                      "SERVER_NAME": "scoring.test", "WTF_CSRF_ENABLED": False,
                      # The 500 page, not the exception: a failing handler still raises.
                      "PROPAGATE_EXCEPTIONS": False})

    @app.route("/__boom")
    def boom():
        raise RuntimeError("boom")

    @app.route("/__abort")
    def aborted():
        abort(500)

    return app


def _client(app, who, lang):
    client = app.test_client()
    with client.session_transaction() as session:
        if lang:
            session["lang"] = lang
        # A login made before the database went away: the session's id is checked
        # against its row (web/sessions.py) on every request, so the page needs the
        # database.
        if who == "organizer":
            session["_user_id"] = "user:1"
            session["_fresh"] = True
            session["sid"] = "a-session-secret"
        elif who == "judge":
            session["judge"] = {"id": 1, "tag": "x"}
            session["sid"] = "a-session-secret"
    return client


def _check(response, status, text):
    body = response.get_data(as_text=True)
    assert response.status_code == status, body[:500]
    assert text in body, body[:2000]
    assert "Traceback" not in body and "psycopg" not in body and "sqlalchemy" not in body


@pytest.mark.parametrize("lang, text", [("zh_CN", ZH_503), ("en", EN_503)])
@pytest.mark.parametrize("who", ["anonymous", "organizer", "judge"])
def test_pages_answer_503_in_the_language_chosen(down, who, lang, text):
    client = _client(down, who, lang)
    pages = ["/results/demo-2024", "/projector/demo-2024", "/draw/demo-2024", "/j/1.secret"]
    pages += {"organizer": ["/", "/admin/", "/admin/c/demo-2024/teams"],
              "judge": ["/judge/", "/judge/s/plan/T01"]}.get(who, [])
    for path in pages:
        response = client.get(path)
        _check(response, 503, text)
        assert response.headers["Retry-After"]
    # The login form needs no database; logging in does.
    _check(client.post("/admin/login", data={"username": "a", "password": "b"}), 503, text)


def test_judge_api_answers_json_503(down):
    client = _client(down, "judge", "en")
    response = client.get("/judge/api/state")
    assert response.status_code == 503
    assert response.json["ok"] is False and EN_503 in response.json["error"]
    response = client.post("/judge/api/sheet/plan/T01/submit", json={"scores": {}})
    assert response.status_code == 503 and response.is_json


@pytest.mark.parametrize("lang, text", [("zh_CN", "出错了"), ("en", "Something went wrong")])
@pytest.mark.parametrize("who", ["anonymous", "organizer", "judge"])
def test_500_page_does_not_touch_the_database(down, who, lang, text):
    client = _client(down, who, lang)
    for path in ("/__boom", "/__abort"):
        _check(client.get(path), 500, text)


def test_error_page_falls_back_when_its_template_fails(down, monkeypatch):
    import scoring.web.errors as errors

    def broken(*args, **kwargs):
        raise RuntimeError("template broken")

    monkeypatch.setattr(errors, "render_template", broken)
    _check(_client(down, "anonymous", "en").get("/results/demo-2024"), 503, EN_503)
