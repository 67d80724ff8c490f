"""The hall: the presentation timer of a stage, each team's presentation, the award ceremony."""
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model, utcnow

TIMER_PHASES = ("idle", "talk", "questions")


class StageTimer(Model):
    """A stage's presentation clock: its lengths, and its state in server time.

    The state lives here (not in a browser) so a reload or a second server process shows
    the same clock: while running, the time left is the length minus `elapsed_ms` minus
    the time since `started_at` (server UTC); while paused, minus `elapsed_ms` only.
    """

    __tablename__ = "stage_timer"
    __table_args__ = (
        UniqueConstraint("stage_id"),
        CheckConstraint("phase IN ('idle', 'talk', 'questions')", name="phase"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stage.id", ondelete="CASCADE"))
    talk_seconds: Mapped[int] = mapped_column(Integer, default=480)
    questions_seconds: Mapped[int] = mapped_column(Integer, default=120)
    warning_seconds: Mapped[int] = mapped_column(Integer, default=60)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"),
                                                index=True)
    phase: Mapped[str] = mapped_column(String(16), default="idle")
    running: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at = mapped_column(DateTime, nullable=True)
    elapsed_ms: Mapped[int] = mapped_column(Integer, default=0)
    stage = relationship("Stage")
    team = relationship("Team")


class Presentation(Model):
    """One team's presentation in a stage: when it started and how far over time it ran."""

    __tablename__ = "presentation"
    __table_args__ = (UniqueConstraint("stage_id", "team_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stage.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    started_at = mapped_column(DateTime, default=utcnow)
    # Seconds over the talk and the questions time (0: on time; None: not finished yet).
    # A deduction proposal (rule 12) reads these.
    talk_overtime_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    questions_overtime_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    team = relationship("Team")


class Ceremony(Model):
    """The award ceremony on the projector: present while it runs, `step` tiers shown."""

    __tablename__ = "ceremony"
    __table_args__ = (UniqueConstraint("competition_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id",
                                                           ondelete="CASCADE"))
    step: Mapped[int] = mapped_column(Integer, default=0)
    started_at = mapped_column(DateTime, default=utcnow)
