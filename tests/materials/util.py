"""Helpers of the materials tests."""
import io

from scoring.extensions import db
from scoring.models import AuditEntry, Competition, Material, Stage, Team

DEMO = "demo-2024"


def ids(app, team="T01", stage="presentation", comp=DEMO) -> tuple[int, int]:
    """(team id, stage id) in the demo."""
    with app.app_context():
        c = db.session.scalars(db.select(Competition).filter_by(key=comp)).one()
        t = db.session.scalars(db.select(Team).filter_by(competition_id=c.id, key=team)).one()
        s = db.session.scalars(db.select(Stage).filter_by(competition_id=c.id, key=stage)).one()
        return t.id, s.id


def upload(client, app, files, team="T01", stage="presentation"):
    """POST files [(name, bytes)] as the organizer's upload for team and stage."""
    team_id, stage_id = ids(app, team, stage)
    data = {"up-team": str(team_id), "up-stage": str(stage_id),
            "up-files": [(io.BytesIO(b), n) for n, b in files]}
    return client.post(f"/admin/c/{DEMO}/materials/upload", data=data,
                       content_type="multipart/form-data", follow_redirects=True)


def materials(app) -> list:
    """[(team key, stage key, filename, pages, uploaded_by)] of every material."""
    with app.app_context():
        rows = db.session.scalars(db.select(Material)).all()
        return sorted((m.team.key, m.stage.key, m.filename, len(m.pages), m.uploaded_by)
                      for m in rows)


def audit_count(app) -> int:
    """How many audit entries exist."""
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(AuditEntry))


def team_link(app, key="T01") -> str:
    """The team's private page path."""
    with app.app_context():
        t = db.session.scalars(db.select(Team).join(Competition).where(
            Competition.key == DEMO, Team.key == key)).one()
        return f"/t/{t.id}.{t.upload_token}"
