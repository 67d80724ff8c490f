"""Materials: the organizer uploads a team's PDF, pages are rendered and stored by
SHA-256, the judges get them; hostile files are refused with a clear message and change
nothing (issue 15, DESIGN section 11)."""
import hashlib
import threading
from pathlib import Path

import pytest

from scoring.extensions import db
from scoring.models import Material
from tests.judging.util import GOOD, body, judge_client, post_submit
from tests.materials import samples
from tests.materials.util import DEMO, audit_count, materials, upload


def _get(client, url):
    """(status, mimetype, body) of a GET, the response closed (send_file holds a file)."""
    r = client.get(url)
    try:
        return r.status_code, r.mimetype, r.data
    finally:
        r.close()


def _config(client):
    import json
    import re

    html = client.get("/judge/").get_data(as_text=True)
    return json.loads(re.search(r'id="judge-config">(.*?)</script>', html, re.S).group(1))


def test_a_30_page_pdf_is_rendered_stored_by_sha256_and_served_to_judges(app, client, login,
                                                                         demo):
    login()
    pdf = samples.pdf(30)
    page = upload(client, app, [("方案.pdf", pdf)]).get_data(as_text=True)
    assert materials(app) == [("T01", "presentation", "方案.pdf", 30, "admin")]
    assert "方案.pdf" in page and "30" in page
    folder = Path(app.instance_path) / "materials"
    original = hashlib.sha256(pdf).hexdigest()
    assert (folder / original[:2] / f"{original}.pdf").read_bytes() == pdf
    with app.app_context():
        m = db.session.scalars(db.select(Material)).one()
        pages, mid = m.pages, m.id
    assert len(set(pages)) == 30  # each page differs (its number is printed on it)
    for sha in pages:
        data = (folder / sha[:2] / f"{sha}.webp").read_bytes()
        assert hashlib.sha256(data).hexdigest() == sha and data[8:12] == b"WEBP"

    judge = judge_client(app, "X1")
    config = _config(judge)["materials"]
    assert config["teams"]["presentation"]["T01"] == [mid, 30]
    url = config["url"].replace("MID", str(mid))
    status, mimetype, last = _get(judge, url.replace("PAGE", "30"))
    assert status == 200 and mimetype == "image/webp"
    assert hashlib.sha256(last).hexdigest() == pages[29]
    assert _get(judge, url.replace("PAGE", "31"))[0] == 404
    assert _get(judge, url.replace("PAGE", "0"))[0] == 404
    # The organizer's view of the pages.
    assert client.get(f"/admin/c/{DEMO}/materials/{mid}").status_code == 200
    assert _get(client, f"/admin/c/{DEMO}/materials/{mid}/30.webp")[2] == last


def test_a_recused_judge_does_not_get_the_pages(app, client, login, demo):
    from scoring.models import Judge, Recusal, Team

    login()
    upload(client, app, [("plan.pdf", samples.pdf(2))], team="T02")
    with app.app_context():
        judge = db.session.scalars(db.select(Judge).filter_by(key="X2")).one()
        team = db.session.scalars(db.select(Team).filter_by(key="T02")).one()
        db.session.add(Recusal(judge_id=judge.id, team_id=team.id, reason="test"))
        db.session.commit()
        mid = db.session.scalars(db.select(Material.id)).one()
    c = judge_client(app, "X2")
    assert "T02" not in _config(c)["materials"]["teams"].get("presentation", {})
    assert _get(c, f"/judge/m/{mid}/1")[0] == 403
    assert _get(judge_client(app, "X1"), f"/judge/m/{mid}/1")[0] == 200


def test_images_make_one_page_each(app, client, login, demo):
    login()
    upload(client, app, [("1.png", samples.png()), ("2.png", samples.png(600, 900))])
    assert materials(app) == [("T01", "presentation", "1.png (+1)", 2, "admin")]


HOSTILE = [
    ("malformed.pdf", lambda: b"%PDF-1.7\n1 0 obj <<>> trailer garbage", "无法读取该文件"),
    ("encrypted.pdf", lambda: samples.pdf(2, encrypt="secret"), "设有密码保护"),
    ("2000.pdf", lambda: samples.pdf(2000), "共 2000 页，最多允许 60 页"),
    ("huge.pdf", lambda: samples.pdf(1, size=(14400, 14400)), "第 1 页尺寸为 5080 × 5080 毫米"),
    ("really-a-zip.pdf", samples.zip_as_pdf, "ZIP 压缩包"),
    ("bomb.png", samples.png_bomb, "30000 × 30000 像素"),
    ("notes.txt", lambda: "只是文字".encode(), "只接受 PDF 文件和图片"),
    ("empty.pdf", lambda: b"", "文件是空的"),
]


@pytest.mark.parametrize("name, make, text", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_files_are_refused_with_a_clear_message_and_change_nothing(
        sqlite_app, name, make, text):
    app = sqlite_app
    from scoring.operations.demo import load_demo

    with app.app_context():
        load_demo()
        db.session.commit()
    client = app.test_client()
    from tests.conftest import make_user

    make_user(app, "admin", "password-admin", "admin")
    client.post("/admin/login", data={"username": "admin", "password": "password-admin"})
    before = audit_count(app)
    page = upload(client, app, [(name, make())], team="T03").get_data(as_text=True)
    # The message (in Chinese, the default) names the file and says what to do.
    import re

    flashes = re.findall(r'class="flash flash-error"[^>]*>(.*?)</div>', page, re.S)
    assert len(flashes) == 1 and flashes[0].startswith(name) and text in flashes[0], flashes
    assert materials(app) == [] and audit_count(app) == before


def test_the_render_holds_no_lock_a_judge_submits_meanwhile(sqlite_app, monkeypatch):
    """While a file renders (held here until the judge is done), a judge's submission
    goes through: the upload request holds no transaction, so no SQLite write lock."""
    from scoring.imports import materials as store
    from scoring.operations.demo import load_demo
    from tests.conftest import make_user

    app = sqlite_app
    with app.app_context():
        load_demo()
        db.session.commit()
    make_user(app, "admin", "password-admin", "admin")
    organizer = app.test_client()
    organizer.post("/admin/login", data={"username": "admin", "password": "password-admin"})
    rendering, judged = threading.Event(), threading.Event()
    real = store._run_worker

    def held(*args):
        rendering.set()
        judged.wait(60)
        return real(*args)

    monkeypatch.setattr(store, "_run_worker", held)
    answers = []
    thread = threading.Thread(target=lambda: answers.append(
        upload(organizer, app, [("plan.pdf", samples.pdf(3))])))
    thread.start()
    assert rendering.wait(60)
    judge = judge_client(app, "X1")
    response = post_submit(judge, "T05", body(GOOD))
    judged.set()
    thread.join(60)
    assert response.status_code == 200 and response.get_json()["sheet"]["status"] == "submitted"
    assert answers[0].status_code == 200
    assert materials(app) == [("T01", "presentation", "plan.pdf", 3, "admin")]


def test_removing_a_material_asks_first(app, client, login, demo):
    login()
    upload(client, app, [("plan.pdf", samples.pdf(1))])
    with app.app_context():
        mid = db.session.scalars(db.select(Material.id)).one()
    first = client.post(f"/admin/c/{DEMO}/materials/{mid}/delete")
    assert first.status_code == 200 and materials(app)
    client.post(f"/admin/c/{DEMO}/materials/{mid}/delete", data={"confirm": "yes"})
    assert materials(app) == []
