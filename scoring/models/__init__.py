"""SQLAlchemy models, split by area."""
from .audit import AuditEntry
from .base import Exact, utcnow
from .contest import STAGE_STATES, Competition, Criterion, Department, Stage
from .deductions import Deduction
from .hall import TIMER_PHASES, Ceremony, Presentation, StageTimer
from .materials import Material
from .people import PANEL_GROUPS, Absence, Judge, Member, Recusal, Team, User
from .rooms import (
    Division,
    LayoutSetting,
    Room,
    RoomJudge,
    StagePanel,
    StagePlan,
    TeamDivision,
    TeamRoom,
    TeamStageDraw,
)
from .scores import PaperEntry, Reveal, Score, ScoreSheet, SheetVersion, SubmissionKey
from .sessions import LoginSession, LoginSlot

__all__ = [
    "AuditEntry", "Exact", "utcnow", "STAGE_STATES", "Competition", "Criterion",
    "Department", "Stage", "PANEL_GROUPS", "Absence", "Judge", "Member", "Recusal", "Team",
    "User", "PaperEntry", "Reveal", "Score", "ScoreSheet", "SheetVersion", "SubmissionKey",
    "LoginSession", "LoginSlot", "Deduction", "Material",
    "TIMER_PHASES", "Ceremony", "Presentation", "StageTimer",
    "Division", "LayoutSetting", "Room", "RoomJudge", "StagePanel", "StagePlan",
    "TeamDivision", "TeamRoom", "TeamStageDraw",
]
