"""Competition, its departments, stages and rubric criteria."""
import json

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Exact, Key, Model, utcnow

STAGE_STATES = ("draft", "open", "closed", "published")


class Competition(Model):
    """One edition of a contest, with its rules as the contest file's `rules` object."""

    __tablename__ = "competition"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(Key(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    rules_json: Mapped[str] = mapped_column(Text, default="{}")
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    draw_method: Mapped[str | None] = mapped_column(String(16))  # random | manual
    draw_seed: Mapped[str | None] = mapped_column(String(64))
    draw_at = mapped_column(DateTime, nullable=True)
    # Bumped on every change the live pages show; clients poll it (works across processes).
    live_version: Mapped[int] = mapped_column(Integer, default=0)
    created_at = mapped_column(DateTime, default=utcnow)

    departments = relationship("Department", back_populates="competition",
                               order_by="Department.name", cascade="all, delete-orphan")
    stages = relationship("Stage", back_populates="competition",
                          order_by="Stage.position", cascade="all, delete-orphan")
    teams = relationship("Team", back_populates="competition",
                         order_by="Team.key", cascade="all, delete-orphan")
    judges = relationship("Judge", back_populates="competition",
                          order_by="Judge.key", cascade="all, delete-orphan")

    @property
    def rules(self) -> dict:
        """The rules object as stored (contest-file shape); parse with scoring.rules.Rules."""
        return json.loads(self.rules_json or "{}")

    @rules.setter
    def rules(self, value: dict) -> None:
        self.rules_json = json.dumps(value, ensure_ascii=False, sort_keys=True)


class Department(Model):
    """A department (单位部门) of the organizing institution."""

    __tablename__ = "department"
    __table_args__ = (UniqueConstraint("competition_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(Key(100))
    competition = relationship("Competition", back_populates="departments")


class Stage(Model):
    """A stage (环节) with its weight in the final score and its lifecycle state."""

    __tablename__ = "stage"
    __table_args__ = (
        UniqueConstraint("competition_id", "key"),
        CheckConstraint("state IN ('draft', 'open', 'closed', 'published')", name="state"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(Key(64))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    weight = mapped_column(Exact(7, 4), nullable=False)
    state: Mapped[str] = mapped_column(String(16), default="draft")
    # Judges must write a comment (评语) on each sheet of this stage before submitting.
    comment_required: Mapped[bool] = mapped_column(Boolean, default=False,
                                                   server_default=sa_false())
    # Teams upload their materials (参赛材料) through their link until then (UTC); NULL:
    # no team upload (the organizer still may).
    materials_deadline = mapped_column(DateTime, nullable=True)
    # The team now presenting, highlighted on every judge's page.
    current_team_id: Mapped[int | None] = mapped_column(
        ForeignKey("team.id", ondelete="SET NULL"))
    competition = relationship("Competition", back_populates="stages")
    criteria = relationship("Criterion", back_populates="stage",
                            order_by="Criterion.position", cascade="all, delete-orphan")
    current_team = relationship("Team", foreign_keys=[current_team_id])


class Criterion(Model):
    """One rubric line: a maximum and a step (e.g. 0.5)."""

    __tablename__ = "criterion"
    __table_args__ = (UniqueConstraint("stage_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stage.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(Key(64))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    max = mapped_column(Exact(9, 3), nullable=False)
    step = mapped_column(Exact(9, 3), nullable=False)
    stage = relationship("Stage", back_populates="criteria")
