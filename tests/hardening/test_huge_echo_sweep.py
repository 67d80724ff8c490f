"""Sweep: every organizer POST of a competition, sent by an admin with a 10 KB hostile
value in every field a form might echo back (names, keys, reasons, seeds, points). No
answer is a 5xx, no Set-Cookie passes the 4 KB a browser keeps (web/flashes.py), and
the admin is still logged in afterwards (a dropped cookie would have logged them out)."""
from tests.setup.test_archived import _post_urls

HUGE = "<b>队</b>\u202e" + "名" * 10000
FIELDS = ("name", "key", "reason", "seed", "points", "team", "stage", "judge", "note",
          "department", "description", "weight", "w-team", "w-reason", "a-judge",
          "a-reason", "username", "password", "positions", "comment")


def test_every_organizer_post_with_huge_values(app, demo, client, login):
    login()
    with app.test_request_context():
        urls = list(_post_urls(app, demo))
    assert len(urls) > 40
    data = {name: HUGE for name in FIELDS}
    for endpoint, url in urls:
        response = client.post(url, data=data)
        assert response.status_code < 500, (endpoint, response.status_code)
        for cookie in response.headers.getlist("Set-Cookie"):
            assert len(cookie) < 4000, (endpoint, len(cookie))
        assert client.get("/admin/users").status_code == 200, endpoint
