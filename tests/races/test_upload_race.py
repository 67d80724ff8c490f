"""An upload renders its file outside any transaction (seconds for a big PDF); an archive,
a stage closed or the deadline moved committed meanwhile must be seen by the write, which
reads them again under the competition lock (operations/materials.save_material)."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from scoring.extensions import db
from scoring.models import Competition, Stage, utcnow
from tests.materials import samples
from tests.materials.test_team_link import _stage, _team_upload
from tests.materials.util import DEMO, materials, team_link, upload

CHANGES = {
    "archived": lambda conn: conn.execute(sa.update(Competition.__table__).where(
        Competition.__table__.c.key == DEMO).values(archived=True)),
    "closed": lambda conn: conn.execute(sa.update(Stage.__table__).where(
        Stage.__table__.c.key == "presentation").values(state="closed")),
    "deadline": lambda conn: conn.execute(sa.update(Stage.__table__).where(
        Stage.__table__.c.key == "presentation").values(
        materials_deadline=utcnow() - timedelta(minutes=1))),
}


def _while_rendering(monkeypatch, module, change):
    """Commit change on another connection while the upload renders."""
    real = module.render_files

    def rendering(*args, **kwargs):
        rendered = real(*args, **kwargs)
        with db.engine.begin() as conn:
            change(conn)
        return rendered

    monkeypatch.setattr(module, "render_files", rendering)


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_team_upload_sees_a_change_made_while_it_rendered(app, demo, monkeypatch, change):
    from scoring.imports import materials as imports_materials  # imported by the view

    _stage(app, materials_deadline=utcnow() + timedelta(hours=2))
    _while_rendering(monkeypatch, imports_materials, CHANGES[change])
    page = _team_upload(app.test_client(), team_link(app), [("plan.pdf", samples.pdf(1))])
    assert page.status_code < 500
    assert materials(app) == []


def test_an_organizer_upload_sees_an_archive_made_while_it_rendered(app, demo, client, login,
                                                                     monkeypatch):
    from scoring.admin import materials as admin_materials

    login()
    _while_rendering(monkeypatch, admin_materials, CHANGES["archived"])
    page = upload(client, app, [("plan.pdf", samples.pdf(1))])
    assert page.status_code == 200
    assert "本竞赛已归档，不能再做任何更改。" in page.get_data(as_text=True)
    assert materials(app) == []
