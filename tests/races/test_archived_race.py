"""The archive committed after the organizer's page checked it (admin/archived.py reads
`archived` before any lock): every organizer write must still refuse, on the competition
row it reads under the lock (operations/setup_base.lock_unarchived).

The race is simulated by taking the page-level check away: what a request sees when the
archive commits between that check and its write.
"""
import sqlalchemy as sa

from scoring.extensions import db
from scoring.models import Competition
from tests.setup.test_archived import _post_urls

SKIP_TABLES = {"audit_entry", "login_session", "login_slot", "submission_key", "user_account"}


def _dump(app):
    """Every row of every table a write could change, as plain values."""
    with app.app_context():
        out = {}
        for table in db.metadata.sorted_tables:
            if table.name in SKIP_TABLES:
                continue
            rows = db.session.execute(sa.select(table)).all()
            out[table.name] = sorted(repr(tuple(r)) for r in rows)
        return out


def without_page_check(app, monkeypatch):
    """Drop admin/archived.py's before-request check: the archive slips in after it."""
    from scoring.admin import archived

    funcs = app.before_request_funcs.get("admin", [])
    monkeypatch.setitem(app.before_request_funcs, "admin",
                        [f for f in funcs if f is not archived.archived_is_read_only])


def test_every_organizer_write_refuses_an_archive_the_page_did_not_see(app, demo, client,
                                                                       login, monkeypatch):
    login()
    client.post(f"/admin/c/{demo}/archive", data={"reason": "比赛结束"})
    without_page_check(app, monkeypatch)
    before = _dump(app)
    with app.test_request_context():
        urls = list(_post_urls(app, demo))
    changed = []
    for endpoint, url in urls:
        response = client.post(url, data={"name": "改名", "reason": "x", "stage": "plan",
                                           "team": "T01", "seed": "1", "weight": "0.3",
                                           "key": "plan", "target": "open"})
        assert response.status_code < 500, (endpoint, response.status_code)
        after = _dump(app)
        if after != before:
            changed.append(endpoint)
            before = after
    assert changed == [], " ".join(changed)
    with app.app_context():
        comp = db.session.scalars(sa.select(Competition).filter_by(key=demo)).one()
        assert comp.archived and comp.name != "改名"
