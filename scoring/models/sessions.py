"""Server-side login sessions, and the slots that throttle organizer password guessing."""
from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Key, Model, utcnow


class LoginSession(Model):
    """One login of an organizer account or a judge; the cookie holds its random secret.

    `id` is the SHA-256 of that secret (a copy of the database gives no usable cookie).
    A session is alive while `ended_at` is empty and neither its idle nor its absolute
    lifetime has passed; every request that uses the session checks its row.
    """

    __tablename__ = "login_session"
    __table_args__ = (
        CheckConstraint("kind IN ('user', 'judge')", name="kind"),
        CheckConstraint("(kind = 'user' AND user_id IS NOT NULL AND judge_id IS NULL) OR "
                        "(kind = 'judge' AND judge_id IS NOT NULL AND user_id IS NULL)",
                        name="owner"),
    )
    id: Mapped[str] = mapped_column(Key(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    # Indexed: ending every session of one account or one judge reads them by owner.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    judge_id: Mapped[int | None] = mapped_column(
        ForeignKey("judge.id", ondelete="CASCADE"), index=True)
    created_at = mapped_column(DateTime, default=utcnow, nullable=False)
    last_seen_at = mapped_column(DateTime, default=utcnow, nullable=False)
    ended_at = mapped_column(DateTime, nullable=True)
    # logout, password, deactivated, role, link (a judge's link was regenerated)
    end_reason: Mapped[str | None] = mapped_column(String(16), nullable=True)


class LoginSlot(Model):
    """One of the few login attempts a throttle key allows per window.

    A key (an address, a username, or the two together) owns at most `limit` slots, its
    primary key (key, slot) being the proof: parallel requests racing for the last slot
    collide in the database instead of all passing a count. A slot is taken again once
    its `at` is older than the window.
    """

    __tablename__ = "login_slot"
    key: Mapped[str] = mapped_column(Key(160), primary_key=True)
    slot: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at = mapped_column(DateTime, nullable=False)
