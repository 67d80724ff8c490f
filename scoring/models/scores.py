"""Score sheets, their scores and versions, idempotent submissions, paper double entry."""
from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Exact, Key, Model, utcnow


class ScoreSheet(Model):
    """One judge x one team x one stage; the database refuses a second one."""

    __tablename__ = "score_sheet"
    __table_args__ = (
        UniqueConstraint("judge_id", "team_id", "stage_id"),
        CheckConstraint("status IN ('draft', 'submitted')", name="status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("judge.id", ondelete="CASCADE"))
    # Indexed: results, boards and reports read a stage's (or a team's) sheets.
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stage.id", ondelete="CASCADE"),
                                          index=True)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    # Bumped on every accepted change; a client's stale write is refused by comparing it.
    version: Mapped[int] = mapped_column(Integer, default=0)
    # 'judge' (tablet), 'paper' (double entry by staff), 'import' (contest file)
    source: Mapped[str] = mapped_column(String(16), default="judge")
    submitted_at = mapped_column(DateTime, nullable=True)
    # The judge's comment (评语), at most COMMENT_LIMIT characters; NULL: none written.
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_at = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    judge = relationship("Judge")
    team = relationship("Team")
    stage = relationship("Stage")
    scores = relationship("Score", back_populates="sheet", cascade="all, delete-orphan")
    versions = relationship("SheetVersion", back_populates="sheet",
                            order_by="SheetVersion.version", cascade="all, delete-orphan")


class Score(Model):
    """One criterion value on a sheet; no row means not scored (distinct from 0)."""

    __tablename__ = "score"
    __table_args__ = (UniqueConstraint("sheet_id", "criterion_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("score_sheet.id", ondelete="CASCADE"))
    # Indexed: removing a criterion from the rubric finds its scores without a full scan.
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id", ondelete="CASCADE"),
                                              index=True)
    value = mapped_column(Exact(9, 3), nullable=False)
    sheet = relationship("ScoreSheet", back_populates="scores")
    criterion = relationship("Criterion")


class SheetVersion(Model):
    """A kept copy of a sheet at each submission or reopening: corrections never erase."""

    __tablename__ = "sheet_version"
    __table_args__ = (UniqueConstraint("sheet_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("score_sheet.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    scores_json: Mapped[str] = mapped_column(Text)  # {"criterion_key": "21.5"}
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)  # the sheet's comment then
    actor: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at = mapped_column(DateTime, default=utcnow)
    sheet = relationship("ScoreSheet", back_populates="versions")


class SubmissionKey(Model):
    """An idempotency key seen once: a retried request gets the first answer again."""

    __tablename__ = "submission_key"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(Key(80), unique=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("judge.id", ondelete="CASCADE"))
    sheet_id: Mapped[int | None] = mapped_column(
        ForeignKey("score_sheet.id", ondelete="CASCADE"))
    response_json: Mapped[str] = mapped_column(Text)
    created_at = mapped_column(DateTime, default=utcnow)


class PaperEntry(Model):
    """One staff member's transcription of a paper sheet; two agreeing ones make the sheet."""

    __tablename__ = "paper_entry"
    __table_args__ = (UniqueConstraint("judge_id", "team_id", "stage_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("judge.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    stage_id: Mapped[int] = mapped_column(ForeignKey("stage.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    scores_json: Mapped[str] = mapped_column(Text)
    # The judge's comment (评语) as this person typed it, in the form the tablet stores
    # (rules.text.comment_text); NULL: none on the paper. The two entries must agree on it.
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at = mapped_column(DateTime, default=utcnow)
    judge = relationship("Judge")
    team = relationship("Team")
    stage = relationship("Stage")
    user = relationship("User")


class Reveal(Model):
    """A team's stage result shown on the projector (现场亮分), in the order revealed."""

    __tablename__ = "reveal"
    __table_args__ = (UniqueConstraint("stage_id", "team_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stage.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    revealed_at = mapped_column(DateTime, default=utcnow)
