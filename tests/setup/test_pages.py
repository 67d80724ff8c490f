"""Every setup page renders for an admin on the demo contest, in Chinese and English."""
import pytest

from scoring.extensions import db
from scoring.models import Judge, Stage, Team


@pytest.fixture
def admin_client(sqlite_app, demo_sqlite):
    client = sqlite_app.test_client()
    from tests.conftest import make_user

    make_user(sqlite_app, "boss", "password-boss", "admin")
    assert client.post("/admin/login", data={"username": "boss",
                                             "password": "password-boss"}).status_code == 302
    return client


@pytest.fixture
def demo_sqlite(sqlite_app):
    from scoring.operations.demo import DEMO_KEY, load_demo

    with sqlite_app.app_context():
        load_demo()
        db.session.commit()
    return DEMO_KEY


def _pages(app, key):
    with app.app_context():
        stage = db.session.scalar(db.select(Stage).filter_by(key="plan"))
        team = db.session.scalar(db.select(Team).filter_by(key="T01"))
        judge = db.session.scalar(db.select(Judge).filter_by(key="N1"))
        return [f"/admin/c/{key}/", f"/admin/c/{key}/stages", f"/admin/c/{key}/stages/new",
                f"/admin/c/{key}/stages/{stage.id}/edit", f"/admin/c/{key}/teams",
                f"/admin/c/{key}/teams/new", f"/admin/c/{key}/teams/{team.id}/edit",
                f"/admin/c/{key}/judges", f"/admin/c/{key}/judges/{judge.id}",
                f"/admin/c/{key}/judges/{judge.id}/edit", f"/admin/c/{key}/recusals",
                f"/admin/c/{key}/draw", "/admin/competitions/new", "/admin/users",
                "/admin/audit", f"/draw/{key}", "/admin/"]


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_every_setup_page_renders(sqlite_app, admin_client, demo_sqlite, lang):
    admin_client.get(f"/lang/{lang}")
    for url in _pages(sqlite_app, demo_sqlite):
        response = admin_client.get(url)
        assert response.status_code == 200, (url, response.get_data(as_text=True)[:2000])
        html = response.get_data(as_text=True)
        assert "<script>" not in html and " onclick=" not in html


def test_chinese_pages_show_chinese(sqlite_app, admin_client, demo_sqlite):
    html = admin_client.get(f"/admin/c/{demo_sqlite}/draw").get_data(as_text=True)
    assert "抽签" in html and "种子" in html
    html = admin_client.get(f"/admin/c/{demo_sqlite}/stages").get_data(as_text=True)
    assert "环节与评分标准" in html


def test_template_spreadsheet_downloads(sqlite_app, admin_client, demo_sqlite):
    import io

    from openpyxl import load_workbook

    response = admin_client.get(f"/admin/c/{demo_sqlite}/teams/template.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0] == ("队伍编号", "队伍名称", "成员姓名", "所在部门")
    assert len(rows) == 10
