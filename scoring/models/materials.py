"""Materials (参赛材料): the document a team hands in for a stage, as rendered pages."""
import json

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Key, Model, utcnow


class Material(Model):
    """One team's material for one stage: the file as uploaded and its pages as images.

    Files live in the instance folder named by their SHA-256 (imports/materials_store.py);
    a new upload replaces the row, the old files stay until nothing refers to them.
    """

    __tablename__ = "material"
    __table_args__ = (UniqueConstraint("team_id", "stage_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    stage_id: Mapped[int] = mapped_column(ForeignKey("stage.id", ondelete="CASCADE"),
                                          index=True)
    filename: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(8))            # pdf | image
    sha256: Mapped[str] = mapped_column(Key(64))           # the file as uploaded
    size: Mapped[int] = mapped_column(Integer)
    pages_json: Mapped[str] = mapped_column(Text, default="[]")  # page image SHA-256s
    # Who: "team" (its private link) or the organizer's user name.
    uploaded_by: Mapped[str] = mapped_column(String(100))
    uploaded_at = mapped_column(DateTime, default=utcnow)
    team = relationship("Team")
    stage = relationship("Stage")

    @property
    def pages(self) -> list[str]:
        """The SHA-256 names of the page images, in page order."""
        return json.loads(self.pages_json or "[]")

    @pages.setter
    def pages(self, value: list[str]) -> None:
        self.pages_json = json.dumps(list(value))
