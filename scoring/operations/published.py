"""The writes a published stage refuses, decided in one place.

Published results are public (the results page, the printed ranking). Reopening a
judge's sheet, recording or changing a deduction, withdrawing or restoring a team, and
changing a stage's weight would each change them silently; they are refused with a
message that says to unpublish first (the stages page, with a reason: audited). Rule
changes stay allowed after publishing: the rules page shows which ranks they change
before anything is saved (admin/rules_preview.py).

Every check runs after the competition lock, on the stage rows read with a locking
read: a stage published while the organizer filled in the form is seen, and cannot be
published until this write commits (change_state takes the same lock).
"""
from flask_babel import gettext

from ..extensions import db
from ..models import Stage
from ..rules.errors import N_
from .setup_base import SetupError

UNPUBLISH_FIRST = N_('Stage "%(stage)s" is published: its results are public and this would '
                     'change them. Unpublish it first (stages page, with a reason), then try '
                     'again.')


class StagePublished(SetupError):
    """A write refused because it would change a published stage's results."""

    def translated(self) -> str:
        """The message in the request's language (for writers with their own error type)."""
        return gettext(self.message, **self.params)


def refuse_if_published(*, stage_id=None, competition_id=None) -> None:
    """StagePublished when the stage (stage_id), or any stage of the competition
    (competition_id: a withdrawal changes every stage's ranking), is published.
    Call it after the competition lock."""
    query = db.select(Stage.name).where(Stage.state == "published")
    if stage_id is not None:
        query = query.where(Stage.id == stage_id)
    if competition_id is not None:
        query = query.where(Stage.competition_id == competition_id)
    name = db.session.scalar(query.order_by(Stage.position).limit(1).with_for_update())
    if name is not None:
        raise StagePublished(UNPUBLISH_FIRST, {"stage": name})
