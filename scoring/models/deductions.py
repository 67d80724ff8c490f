"""Deductions (扣分, DESIGN section 2 rule 12): points off a team's stage score, with a reason."""
from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Exact, Model, utcnow


class Deduction(Model):
    """Points taken off one team's score in one stage; only confirmed ones count.

    The organizer records one for the chief judge (confirmed at once), or the
    presentation timer proposes one (source 'timer', state 'proposed') that the organizer
    confirms or rejects (a rejected proposal is deleted, the audit log keeps it).
    """

    __tablename__ = "deduction"
    __table_args__ = (
        CheckConstraint("state IN ('proposed', 'confirmed')", name="state"),
        CheckConstraint("source IN ('organizer', 'timer', 'import')", name="source"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stage.id", ondelete="CASCADE"),
                                          index=True)
    points = mapped_column(Exact(9, 4), nullable=False)
    reason: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), default="confirmed")
    source: Mapped[str] = mapped_column(String(16), default="organizer")
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at = mapped_column(DateTime, default=utcnow)
    confirmed_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    confirmed_at = mapped_column(DateTime, nullable=True)
    team = relationship("Team")
    stage = relationship("Stage")
