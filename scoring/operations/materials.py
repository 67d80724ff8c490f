"""Materials (参赛材料) writes: record an upload, remove one, the teams' upload deadline and
their private links (DESIGN section 11). The files themselves are written before, outside
any transaction (imports/materials.py); a row only names them."""
import hmac
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..models import Material, Stage, Team, utcnow
from ..rules import N_, parse_id
from .audit import record
from .setup_base import SetupError, lock_unarchived
from .sheets import lock_competition
from .tokens import new_token


def team_link_path(team) -> str:
    """The private part of the team's link, "<id>.<secret>" (like a judge's)."""
    return f"{team.id}.{team.upload_token}"


def find_team_by_link(link: str):
    """The team whose private link this is, or None; compared in constant time."""
    raw_id, _, secret = (link or "").partition(".")
    team_id = parse_id(raw_id)
    if team_id is None or not secret or len(secret) > 64:
        return None
    team = db.session.get(Team, team_id)
    if team is None or not team.upload_token:
        return None
    if not hmac.compare_digest(team.upload_token.encode(), secret.encode()):
        return None
    return team


def regenerate_team_link(team, reason: str = "") -> None:
    """Give the team a new private link; the old one stops working at once."""
    lock_unarchived(team.competition_id)
    team.upload_token = new_token()
    record("team.regenerate_link", competition=team.competition_id, obj=team,
           summary=team.name, reason=reason)
    db.session.flush()


def upload_open(stage, now: datetime | None = None) -> bool:
    """Whether teams may upload for stage now: before its deadline, and never once
    the stage is closed or published or the competition archived."""
    return team_upload_refusal(stage, now) is None


def team_upload_refusal(stage, now: datetime | None = None):
    """Why a team may not upload for stage now, as (message, params); None when it may.

    An archived competition is over: its team links still show the team's page and
    feedback, but take no file (nothing of an archived competition changes).
    """
    if stage.competition.archived:
        return N_("The competition is archived; nothing can be changed."), {}
    if (stage.materials_deadline is None or stage.state in ("closed", "published")
            or (now or utcnow()) >= stage.materials_deadline):
        return (N_("The upload deadline of %(stage)s has passed; ask the organizer."),
                {"stage": stage.name})
    return None


def set_deadline(stage, deadline: datetime | None) -> None:
    """Set (or clear, with None) the stage's deadline for team uploads (UTC)."""
    lock_unarchived(stage.competition_id)
    before = stage.materials_deadline
    stage.materials_deadline = deadline
    record("stage.materials_deadline", competition=stage.competition_id, obj=stage,
           summary=stage.name, before=before and before.isoformat(timespec="minutes"),
           after=deadline and deadline.isoformat(timespec="minutes"))
    db.session.flush()


def _locked(model, row_id, competition_id):
    """The competition's row of model with that id, from a locking read, or None."""
    return db.session.scalars(
        select(model).where(model.id == row_id, model.competition_id == competition_id)
        .with_for_update().execution_options(populate_existing=True)).first()


def material_of(team, stage):
    """The team's material for stage, or None."""
    return db.session.scalars(select(Material).filter_by(team_id=team.id,
                                                         stage_id=stage.id)).first()


def save_material(competition_id, team_id, stage_id, rendered, by: str, *,
                  secret: str | None = None) -> Material:
    """Record a rendered upload as the team's material for stage (replacing any).

    The upload was rendered outside any transaction, for seconds: the team and the stage
    are read again after the competition lock, by id (SetupError when either was deleted
    meanwhile, not a server error). A team's own upload (secret: its link's secret) is
    checked again there too: the link may have been replaced (the old one ends at once),
    the deadline passed or the stage closed while the file was rendering.
    """
    lock_competition(competition_id, fresh=True)
    # The archive refuses every upload, the organizer's too (read under the lock).
    lock_unarchived(competition_id)
    team = _locked(Team, team_id, competition_id)
    stage = _locked(Stage, stage_id, competition_id)
    if team is None or stage is None:
        raise SetupError(N_("The team or the stage was deleted while the file was being "
                            "read; nothing was saved."))
    as_team = secret is not None
    if as_team and not (team.upload_token and hmac.compare_digest(
            team.upload_token.encode(), secret.encode())):
        raise SetupError(N_("This link was replaced by a new one while the file was being "
                            "read; nothing was saved. Ask the organizer for the new link."))
    refusal = team_upload_refusal(stage) if as_team else None
    if refusal:
        raise SetupError(*refusal)
    material = material_of(team, stage)
    before = None
    if material is None:
        material = Material(team_id=team.id, stage_id=stage.id)
        db.session.add(material)
    else:
        before = {"file": material.filename, "sha256": material.sha256,
                  "pages": len(material.pages)}
    material.filename = rendered.filename[:200]
    material.kind = rendered.kind
    material.sha256 = rendered.sha256
    material.size = rendered.size
    material.pages = rendered.pages
    material.uploaded_by = by[:100]
    material.uploaded_at = utcnow()
    record("material.upload", competition=team.competition_id, obj=team,
           actor=f"team:{team.key}" if as_team else None,
           summary=f"{team.name} · {stage.name}", before=before,
           after={"file": material.filename, "sha256": material.sha256,
                  "pages": len(rendered.pages), "by": material.uploaded_by})
    db.session.flush()
    return material


def delete_material(material, reason: str = "") -> None:
    """Remove a team's material (its files stay in the folder, named by SHA-256)."""
    lock_unarchived(material.team.competition_id)
    record("material.delete", competition=material.team.competition_id, obj=material.team,
           summary=f"{material.team.name} · {material.stage.name}",
           before={"file": material.filename, "sha256": material.sha256}, reason=reason)
    db.session.delete(material)
    db.session.flush()


def stage_materials(stage_ids) -> dict:
    """{(team id, stage id): Material} for these stages, one query."""
    if not stage_ids:
        return {}
    return {(m.team_id, m.stage_id): m for m in db.session.scalars(
        select(Material).where(Material.stage_id.in_(list(stage_ids))))}

