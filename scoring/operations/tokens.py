"""Judges' private login links."""
import secrets

from ..models import utcnow
from ..web.sessions import end_judge_sessions
from .audit import record


def new_token() -> str:
    """A fresh secret for a judge's link: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def judge_link_path(judge) -> str:
    """The private part of the link, "<id>.<secret>"; the id makes lookup cheap."""
    return f"{judge.id}.{judge.token}"


def regenerate_token(judge, reason: str = "") -> None:
    """Give the judge a new link; the old one and every session opened with it end at once."""
    judge.token = new_token()
    judge.token_created_at = utcnow()
    if judge.id is not None:
        end_judge_sessions(judge.id, "link")
    record("judge.regenerate_link", competition=judge.competition_id, obj=judge,
           summary=judge.name, reason=reason)
