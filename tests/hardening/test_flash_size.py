"""A huge value echoed into a flash must not push the session cookie past the 4 KB a
browser keeps (it would drop the cookie: no message, and the organizer logged out).
Every echoed value is shortened and a request's flashes are capped (web/flashes.py)."""
import io

import pytest

from scoring.web.flashes import MAX_MESSAGES, short

HUGE = "队" * 10000


def _cookie_sizes(response) -> list[int]:
    return [len(h) for h in response.headers.getlist("Set-Cookie")]


@pytest.mark.parametrize("value, expected", [
    ("abc", "abc"), ("", ""), (None, ""), ("x" * 60, "x" * 60), ("x" * 61, "x" * 59 + "…"),
])
def test_short(value, expected):
    assert short(value) == expected


def test_a_10kb_team_key_and_name_keep_the_cookie_small(app, demo, client, login):
    login()
    response = client.post(f"/admin/c/{demo}/teams/new", data={
        "key": HUGE, "name": HUGE, "members-1-name": HUGE, "members-1-department": HUGE})
    assert response.status_code < 500
    assert all(size < 4000 for size in _cookie_sizes(response))
    # The organizer is still logged in and the next page still answers.
    assert client.get(f"/admin/c/{demo}/teams").status_code == 200


def test_a_10kb_file_name_keeps_the_cookie_small_and_the_message_shows(app, demo, client,
                                                                       login):
    login()
    name = "../../secret/" + "计" * 10000 + ".xlsx"
    response = client.post(f"/admin/c/{demo}/teams/import", data={
        "file": (io.BytesIO(b"not a spreadsheet"), name)},
        content_type="multipart/form-data")
    assert response.status_code < 500
    assert all(size < 4000 for size in _cookie_sizes(response))
    page = client.get(f"/admin/c/{demo}/teams").get_data(as_text=True)
    assert "计" * 20 in page and "secret" not in page and "计" * 100 not in page


def test_many_flashes_are_capped(app):
    from flask import flash

    @app.route("/_many_flashes")
    def _many():
        for i in range(50):
            flash("问题 " + "长" * 1000 + str(i), "error")
        return "ok"

    c = app.test_client()
    response = c.get("/_many_flashes")
    assert all(size < 4000 for size in _cookie_sizes(response))
    with c.session_transaction() as s:
        kept = s["_flashes"]
    assert len(kept) == MAX_MESSAGES + 1 and "42" in kept[-1][1]
