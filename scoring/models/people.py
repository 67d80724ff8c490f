"""Teams and members, judges and their recusals and absences, organizer accounts."""
from flask import current_app
from flask_login import UserMixin
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
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .base import Key, Model, utcnow

PANEL_GROUPS = ("external", "internal")


def _new_team_token() -> str:
    """256 random bits, URL-safe: the secret of a new team's private link."""
    import secrets

    return secrets.token_urlsafe(32)


class Team(Model):
    """A team of three; `draw_position` is its place in the presentation order."""

    __tablename__ = "team"
    __table_args__ = (
        UniqueConstraint("competition_id", "key"),
        # NULLs do not collide on any of the three databases: undrawn teams are fine.
        UniqueConstraint("competition_id", "draw_position"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(Key(64))
    name: Mapped[str] = mapped_column(String(200))
    draw_position: Mapped[int | None] = mapped_column(Integer)
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    withdrawn_reason: Mapped[str] = mapped_column(Text, default="")
    # The secret half of the team's private link /t/<id>.<token> (materials upload,
    # feedback); like a judge's token, kept to reprint the team card.
    upload_token: Mapped[str | None] = mapped_column(Key(64), unique=True,
                                                     default=_new_team_token)
    competition = relationship("Competition", back_populates="teams")
    members = relationship("Member", back_populates="team", order_by="Member.position",
                           cascade="all, delete-orphan")


class Member(Model):
    """A contestant; each member of a team comes from a different department."""

    __tablename__ = "member"
    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed: every submission reads the members of one team (the recusal rule).
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="RESTRICT"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    team = relationship("Team", back_populates="members")
    department = relationship("Department")


class Judge(Model):
    """A judge (评委) of the external or internal panel group, with a private login token."""

    __tablename__ = "judge"
    __table_args__ = (
        UniqueConstraint("competition_id", "key"),
        CheckConstraint("panel_group IN ('external', 'internal')", name="panel_group"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(Key(64))
    name: Mapped[str] = mapped_column(String(100))
    panel_group: Mapped[str] = mapped_column(String(16), default="internal")
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="RESTRICT"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    # The secret half of the login link /j/<id>.<token>; kept (not hashed) because the
    # judge card is reprinted from it. Compared in constant time.
    token: Mapped[str] = mapped_column(Key(64), unique=True)
    token_created_at = mapped_column(DateTime, default=utcnow)
    competition = relationship("Competition", back_populates="judges")
    department = relationship("Department")


class Recusal(Model):
    """A manual recusal decision: an added recusal, or (lift=True) a lifted automatic one."""

    __tablename__ = "recusal"
    __table_args__ = (UniqueConstraint("judge_id", "team_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("judge.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    lift: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(Text)
    created_at = mapped_column(DateTime, default=utcnow)
    judge = relationship("Judge")
    team = relationship("Team")


class Absence(Model):
    """A judge absent for one stage: their sheets there are not expected."""

    __tablename__ = "absence"
    __table_args__ = (UniqueConstraint("judge_id", "stage_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("judge.id", ondelete="CASCADE"))
    stage_id: Mapped[int] = mapped_column(ForeignKey("stage.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text)
    created_at = mapped_column(DateTime, default=utcnow)
    judge = relationship("Judge")
    stage = relationship("Stage")


class User(UserMixin, Model):
    """An organizer account: role admin (everything) or staff (data entry, viewing)."""

    __tablename__ = "user_account"
    __table_args__ = (CheckConstraint("role IN ('admin', 'staff')", name="role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(Key(64), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16), default="staff")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at = mapped_column(DateTime, default=utcnow)

    def set_password(self, password: str) -> None:
        """Store a salted hash, never the password (method: PASSWORD_HASH_METHOD)."""
        self.password_hash = generate_password_hash(
            password, method=current_app.config["PASSWORD_HASH_METHOD"])

    def check_password(self, password: str) -> bool:
        """True when password matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:
        """Flask-Login: a deactivated account cannot log in."""
        return self.active

    @property
    def is_admin(self) -> bool:
        """Admins change the setup; staff enter paper sheets and watch."""
        return self.role == "admin"

    def get_id(self) -> str:
        """Flask-Login session id, prefixed so it never collides with a judge's."""
        return f"user:{self.id}"
