"""A contest file imported on the web (新建竞赛 → 导入竞赛数据文件): all or nothing."""
import io
import json

from scoring.contestfile import export_competition
from scoring.extensions import db
from scoring.models import Competition, Team
from scoring.operations.demo import DEMO_KEY


def _demo_file(app, key):
    with app.app_context():
        comp = db.session.scalar(db.select(Competition).filter_by(key=DEMO_KEY))
        doc = export_competition(comp)
        db.session.remove()
    doc["competition"]["key"] = key
    return doc


def _send(client, data: bytes, name="contest.json"):
    return client.post("/admin/competitions/import", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _count(app, model):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(model.id)))


def test_an_admin_imports_a_contest_file_and_a_bad_one_changes_nothing(app, demo, client,
                                                                      login):
    login("admin")
    client.get("/lang/en")
    page = client.get("/admin/competitions/new").get_data(as_text=True)
    assert 'action="/admin/competitions/import"' in page and 'type="file"' in page
    doc = _demo_file(app, "next-year")
    r = _send(client, json.dumps(doc, ensure_ascii=False).encode())
    assert r.status_code == 302 and r.headers["Location"].endswith("/admin/c/next-year/")
    with app.app_context():
        comp = db.session.scalar(db.select(Competition).filter_by(key="next-year"))
        assert comp is not None and len(comp.teams) == len(doc["teams"])
    teams = _count(app, Team)
    # The same key again, a broken file, no file: each says what is wrong, nothing saved.
    again = _send(client, json.dumps(doc).encode())
    assert again.status_code == 422
    assert 'a competition with the key "next-year" already exists' in \
        again.get_data(as_text=True).replace("&#34;", '"')
    doc["teams"][0]["members"][0]["department"] = "没有这个部门"
    doc["competition"]["key"] = "broken"
    bad = _send(client, json.dumps(doc, ensure_ascii=False).encode()).get_data(as_text=True)
    assert "teams[0].members[0].department" in bad and "nothing was imported" in bad
    assert _send(client, b"{not json").status_code == 422
    assert client.post("/admin/competitions/import", data={}).status_code == 422
    assert _count(app, Team) == teams
    with app.app_context():
        assert db.session.scalar(db.select(Competition).filter_by(key="broken")) is None


def test_staff_cannot_import_a_contest_file(app, demo, client, login):
    login("staff")
    doc = _demo_file(app, "by-staff")
    assert _send(client, json.dumps(doc).encode()).status_code == 403
    with app.app_context():
        assert db.session.scalar(db.select(Competition).filter_by(key="by-staff")) is None
