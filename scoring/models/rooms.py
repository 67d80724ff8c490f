"""DESIGN section 12: divisions (组别), stage panels, rooms (会场), advancement settings.

Each lives in its own table so a competition that uses none of it has no row here and
the tables of sections 2 to 6 stay as they are.
"""
from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Exact, Key, Model


class Division(Model):
    """A division (组别, e.g. 文科组): its teams are ranked, cut and awarded on their own."""

    __tablename__ = "division"
    __table_args__ = (UniqueConstraint("competition_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(
        ForeignKey("competition.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(Key(64))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)


class TeamDivision(Model):
    """The division a team belongs to (one per team)."""

    __tablename__ = "team_division"
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"),
                                         primary_key=True)
    division_id: Mapped[int] = mapped_column(
        ForeignKey("division.id", ondelete="CASCADE"), index=True)
    division = relationship("Division")


class LayoutSetting(Model):
    """Competition-wide settings of section 12 (the room coefficient's decimals)."""

    __tablename__ = "layout_setting"
    competition_id: Mapped[int] = mapped_column(
        ForeignKey("competition.id", ondelete="CASCADE"), primary_key=True)
    coefficient_decimals: Mapped[int] = mapped_column(Integer, default=3)


class StagePlan(Model):
    """A stage's section 12 settings: a named panel, normalization, qualification."""

    __tablename__ = "stage_plan"
    stage_id: Mapped[int] = mapped_column(ForeignKey("stage.id", ondelete="CASCADE"),
                                          primary_key=True)
    # True: the stage's panel is the judges of stage_panel, not every judge.
    panel_named: Mapped[bool] = mapped_column(Boolean, default=False)
    normalization: Mapped[str] = mapped_column(String(16), default="none")
    qualify_top: Mapped[int | None] = mapped_column(Integer)
    qualify_share = mapped_column(Exact(7, 4), nullable=True)


class StagePanel(Model):
    """A judge on the named panel of a stage without rooms."""

    __tablename__ = "stage_panel"
    stage_id: Mapped[int] = mapped_column(ForeignKey("stage.id", ondelete="CASCADE"),
                                          primary_key=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("judge.id", ondelete="CASCADE"),
                                          primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Room(Model):
    """A room (会场) of a stage, with its own panel."""

    __tablename__ = "room"
    __table_args__ = (UniqueConstraint("stage_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stage.id", ondelete="CASCADE"),
                                          index=True)
    key: Mapped[str] = mapped_column(Key(64))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)


class RoomJudge(Model):
    """A judge sitting in a room; the database keeps a judge to one room per stage."""

    __tablename__ = "room_judge"
    __table_args__ = (UniqueConstraint("stage_id", "judge_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id", ondelete="CASCADE"),
                                         index=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stage.id", ondelete="CASCADE"))
    judge_id: Mapped[int] = mapped_column(ForeignKey("judge.id", ondelete="CASCADE"),
                                          index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class TeamRoom(Model):
    """The room a team presents in, in one stage."""

    __tablename__ = "team_room"
    __table_args__ = (UniqueConstraint("team_id", "stage_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    stage_id: Mapped[int] = mapped_column(ForeignKey("stage.id", ondelete="CASCADE"),
                                          index=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id", ondelete="CASCADE"),
                                         index=True)


class TeamStageDraw(Model):
    """A team's own draw position in one stage (within its room, or within the stage)."""

    __tablename__ = "team_stage_draw"
    __table_args__ = (UniqueConstraint("team_id", "stage_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    stage_id: Mapped[int] = mapped_column(ForeignKey("stage.id", ondelete="CASCADE"),
                                          index=True)
    position: Mapped[int] = mapped_column(Integer)
