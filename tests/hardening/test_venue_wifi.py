"""Someone on the venue Wi-Fi with a team's link (or without one): odd files, odd links,
and a file that is still being read when the organizer changes the team. Every refusal
says why in Chinese, names the file where there is one, and stores nothing; no answer is
a server error (public/team.py, admin/materials.py, operations/materials.save_material).
"""
import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from scoring.extensions import db
from scoring.models import Competition, Stage, Team, utcnow
from tests.materials import samples
from tests.materials.util import DEMO, audit_count, ids, materials, team_link
from tests.setup.helpers import make_competition

CORRUPT = "无法读取该文件：文件已损坏，或并非真正的 PDF 或图片。"
ONLY_PDF = "只接受 PDF 文件和图片（JPEG、PNG、WebP）。"


def _open_uploads(app):
    with app.app_context():
        stage = db.session.scalars(db.select(Stage).join(Competition).where(
            Competition.key == DEMO, Stage.key == "presentation")).one()
        stage.materials_deadline = utcnow() + timedelta(hours=2)
        db.session.commit()


def _flashes(response) -> list[str]:
    return [re.sub(r"\s+", " ", m).strip() for m in re.findall(
        r'class="flash[^"]*"[^>]*>(.*?)</', response.get_data(as_text=True), re.S)]


def _post(client, url, name, data, ctype=None):
    upload = (io.BytesIO(data), name, ctype) if ctype else (io.BytesIO(data), name)
    return client.post(url, data={"files": [upload]}, content_type="multipart/form-data",
                       follow_redirects=True)


def test_odd_files_through_a_team_link_are_refused_naming_the_file(app, demo):
    _open_uploads(app)
    link, client, pdf = team_link(app), app.test_client(), samples.pdf(2)
    before = audit_count(app)
    for name, data, ctype, message in [
            ("plan.pdf", b"", None, "plan.pdf：文件是空的。"),
            ("plan.pdf", pdf[:200], None, "plan.pdf：" + CORRUPT),
            ("plan.pdf", pdf[:-40], None, "plan.pdf：" + CORRUPT),  # cut off at the end
            ("plan.pdf", samples.zip_as_pdf(), None, "plan.pdf："),
            ("plan.pdf", b"<html><script>alert(1)</script>", "text/html",
             "plan.pdf：" + ONLY_PDF),
            ("plan.gif", b"GIF89a" + bytes(20), "image/gif", "plan.gif：" + ONLY_PDF),
            ("plan.svg", b"<svg onload=alert(1)/>", "image/svg+xml", "plan.svg：" + ONLY_PDF)]:
        answer = _post(client, f"{link}/upload/presentation", name, data, ctype)
        assert answer.status_code == 200, name
        flashes = _flashes(answer)
        assert len(flashes) == 1 and flashes[0].startswith(message), (name, flashes)
        assert materials(app) == [] and audit_count(app) == before, name
    # A file name holding NUL is refused before anything is read, naming the field.
    answer = _post(client, f"{link}/upload/presentation", "a\x00b.pdf", pdf)
    assert answer.status_code == 400 and "files" in answer.get_data(as_text=True)
    assert materials(app) == [] and audit_count(app) == before


@pytest.mark.parametrize("name, data, kept", [
    ("x" * 5000 + ".pdf", "pdf", "x" * 118 + "….pdf"),  # bounded, extension kept
    ("../../etc/passwd", "pdf", "passwd"),  # no directory part
    ("plan.jpg", "png", "plan.jpg"),  # a lying extension: read as what the bytes are
    ("plan.png", "pdf", "plan.png")])
def test_odd_names_are_stored_as_harmless_names(app, demo, name, data, kept):
    _open_uploads(app)
    body = samples.pdf(1) if data == "pdf" else samples.png(40, 30)
    answer = _post(app.test_client(), f"{team_link(app)}/upload/presentation", name, body)
    assert answer.status_code == 200 and "已收到 1 页" in " ".join(_flashes(answer))
    stored = materials(app)
    assert [(m[0], m[1], m[3]) for m in stored] == [("T01", "presentation", 1)]
    assert stored[0][2] == kept or (len(stored[0][2]) <= 200 and stored[0][2].endswith(".pdf")
                                    and kept.startswith("x")), stored


def test_links_and_stages_of_another_competition_are_404(app, demo):
    _open_uploads(app)
    make_competition(app, key="other")
    with app.app_context():
        other = db.session.scalars(db.select(Competition).filter_by(key="other")).one()
        db.session.add(Stage(competition_id=other.id, key="extra", name="加赛", weight=0,
                             state="open", position=5,
                             materials_deadline=utcnow() + timedelta(hours=2)))
        db.session.commit()
    link, client, pdf = team_link(app), app.test_client(), samples.pdf(1)
    for url in (f"{link}/upload/extra", "/t/2147483648.x/upload/presentation",
                "/t/9223372036854775808.abc/upload/presentation",
                f"/t/{link.split('.')[0][3:]}.{'x' * 65}/upload/presentation"):
        assert _post(client, url, "a.pdf", pdf).status_code == 404, url
    for url in ("/t/999999999999.abc", "/t/0.x", "/t/00001.x", "/t/1.\u00e9"):
        for method in ("GET", "HEAD"):
            assert client.open(url, method=method).status_code == 404, (method, url)
    assert materials(app) == []


@pytest.mark.parametrize("change, message", [
    ("new link", "此链接在读取文件期间已被新链接取代，未保存任何内容。请向组织者索取新链接。"),
    ("deleted", "在读取文件期间，该队伍或环节已被删除，未保存任何内容。")],
    ids=["new-link", "deleted"])
def test_a_team_changed_while_its_file_was_read_stores_nothing(app, demo, monkeypatch, change,
                                                               message):
    from scoring.imports import materials as readers

    _open_uploads(app)
    team_id, _stage_id = ids(app)
    link, real = team_link(app), readers.render_files
    table = Team.__table__

    def meanwhile(*args, **kw):  # the organizer acts while the pages are being rendered
        out = real(*args, **kw)
        with db.engine.begin() as conn:
            conn.execute(sa.update(table).where(table.c.id == team_id)
                         .values(upload_token="n" * 43) if change == "new link"
                         else sa.delete(table).where(table.c.id == team_id))
        return out

    monkeypatch.setattr(readers, "render_files", meanwhile)
    answer = _post(app.test_client(), f"{link}/upload/presentation", "a.pdf",
                   samples.pdf(1))
    assert answer.status_code in (200, 404)
    if answer.status_code == 200:
        assert _flashes(answer) == [message]
    assert materials(app) == []


def test_the_organizers_upload_for_a_team_deleted_meanwhile_says_so(app, demo, client, login,
                                                                    monkeypatch):
    from scoring.admin import materials as page

    login()
    team_id, stage_id = ids(app)
    real = page.render_files

    def meanwhile(*args, **kw):
        out = real(*args, **kw)
        with db.engine.begin() as conn:
            conn.execute(sa.delete(Team.__table__).where(Team.__table__.c.id == team_id))
        return out

    monkeypatch.setattr(page, "render_files", meanwhile)
    answer = client.post(f"/admin/c/{DEMO}/materials/upload", data={
        "up-team": str(team_id), "up-stage": str(stage_id),
        "up-files": [(io.BytesIO(samples.pdf(1)), "a.pdf")]},
        content_type="multipart/form-data", follow_redirects=True)
    assert answer.status_code == 200
    assert "在读取文件期间，该队伍或环节已被删除，未保存任何内容。" in answer.get_data(as_text=True)
    assert materials(app) == []


@pytest.mark.parametrize("number", ["2147483648", "9999999999", "999999999999"])
def test_ids_beyond_the_integer_columns_in_links_and_forms_name_no_row(app, demo, client,
                                                                       login, number):
    """Ten to twelve digits passed the old digit count but not PostgreSQL's INTEGER."""
    from scoring.rules import parse_id

    assert parse_id(number) is None and parse_id("2147483647") == 2147483647
    anonymous = app.test_client()
    for url in (f"/t/{number}.x", f"/j/{number}.x"):
        assert anonymous.get(url).status_code in (302, 404), url
    login()
    _team_id, stage_id = ids(app)
    answer = client.post(f"/admin/c/{DEMO}/materials/upload", data={
        "up-team": number, "up-stage": str(stage_id),
        "up-files": [(io.BytesIO(samples.pdf(1)), "a.pdf")]},
        content_type="multipart/form-data")
    assert answer.status_code in (302, 404) and materials(app) == []
    assert client.get(f"/admin/audit?competition={number}").status_code == 200
