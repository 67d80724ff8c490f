"""Plain input and output records of the rules engine (frozen dataclasses, no database)."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cached_property

from .numbers import exact_sum
from .settings import Rules

DRAFT = "draft"
SUBMITTED = "submitted"
SHEET_STATUSES = (DRAFT, SUBMITTED)


# ---- inputs ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Criterion:
    """One line of the rubric: a value in [0, max] on a step counted from 0."""

    key: str
    max: Decimal
    step: Decimal
    name: str = ""


@dataclass(frozen=True)
class Stage:
    """A stage of the competition with its weight in the final and its rubric."""

    key: str
    weight: Decimal
    criteria: tuple[Criterion, ...]
    name: str = ""

    @cached_property
    def criterion_keys(self) -> frozenset:
        """The keys of the rubric's criteria."""
        return frozenset(c.key for c in self.criteria)

    @cached_property
    def max_total(self) -> Decimal:
        """The largest possible sheet total of this stage."""
        return exact_sum(c.max for c in self.criteria)


@dataclass(frozen=True)
class Judge:
    """A judge; `group` is the panel group (external / internal)."""

    key: str
    group: str
    department: str | None = None
    name: str = ""


@dataclass(frozen=True)
class Team:
    """A team; `departments` holds one entry per member (None when unknown)."""

    key: str
    draw: int | None = None
    departments: tuple[str | None, ...] = ()
    withdrawn: bool = False
    name: str = ""


@dataclass(frozen=True)
class Recusal:
    """A manual recusal of a judge from a team, or (lift=True) the lifting of an automatic one."""

    judge: str
    team: str
    reason: str = ""
    lift: bool = False


@dataclass(frozen=True)
class Absence:
    """A judge absent for a whole stage: their sheets there are no longer expected."""

    judge: str
    stage: str
    reason: str = ""


# Sheet and SheetResult are made by the hundred thousand in a big ranking. A frozen
# dataclass's generated __init__ sets each field through object.__setattr__ (one call per
# field, to get past the frozen __setattr__); these two write the instance dict directly,
# which is what those calls do, in well under half the time (bench/results_bench.py).
# Frozen still holds: setting an attribute afterwards raises FrozenInstanceError.
# tests/rules/test_records.py holds them equal to what the generated __init__ makes.
_NO_SCORES = object()


@dataclass(frozen=True, init=False)
class Sheet:
    """One judge x one team x one stage; a value of None means "not scored" (not 0)."""

    judge: str
    team: str
    stage: str
    status: str
    scores: Mapping[str, Decimal | None] = field(default_factory=dict)
    comment: str = ""  # the judge's comment (评语); no part of any result

    def __init__(self, judge, team, stage, status, scores=_NO_SCORES, comment=""):
        """The dataclass fields in order; scores defaults to a new empty dict."""
        fields = self.__dict__
        fields["judge"] = judge
        fields["team"] = team
        fields["stage"] = stage
        fields["status"] = status
        fields["scores"] = {} if scores is _NO_SCORES else scores
        fields["comment"] = comment

    @property
    def total(self) -> Decimal:
        """Rule 1: the sum of the values given so far (complete or not)."""
        values = self.scores.values()
        # "is None", not "None in values": that compares None with each Decimal, which
        # goes through the numbers ABCs and costs several times more.
        if any(v is None for v in values):
            return exact_sum(v for v in values if v is not None)
        return exact_sum(values)  # the common case, without a filter per value

    def is_complete(self, stage: Stage) -> bool:
        """Rule 1: whether every criterion of the stage has a value."""
        scores = self.scores
        if scores.keys() >= stage.criterion_keys and not any(
                v is None for v in scores.values()):
            return True  # the common case, answered by two set operations
        return all(scores.get(c.key) is not None for c in stage.criteria)

    @property
    def submitted(self) -> bool:
        """Only submitted sheets count in results; drafts never do."""
        return self.status == SUBMITTED


@dataclass(frozen=True)
class Contest:
    """Everything the engine needs to compute a competition's results."""

    rules: Rules
    stages: tuple[Stage, ...]
    judges: tuple[Judge, ...]
    teams: tuple[Team, ...]
    recusals: tuple[Recusal, ...] = ()
    absences: tuple[Absence, ...] = ()
    sheets: tuple[Sheet, ...] = ()
    deductions: tuple = ()  # rules.deductions.Deduction records (rule 12)
    # DESIGN section 12 (divisions, rooms, advancement): a rules.layout.Layout, or None
    # for a competition that uses none of it.
    layout: object = None


def sheet_total(sheet_or_scores) -> Decimal:
    """Rule 1: the sum of the given values of a Sheet or a mapping criterion -> value."""
    scores = getattr(sheet_or_scores, "scores", sheet_or_scores)
    return exact_sum(v for v in scores.values() if v is not None)


# ---- outputs --------------------------------------------------------------------------

@dataclass(frozen=True, init=False)
class SheetResult:
    """One counted sheet in a stage result: its total, whether trimmed, whether flagged."""

    judge: str
    group: str
    total: Decimal
    dropped: bool
    variance_flag: bool

    def __init__(self, judge, group, total, dropped, variance_flag):
        """The dataclass fields in order (see Sheet.__init__ for why it is written out)."""
        fields = self.__dict__
        fields["judge"] = judge
        fields["group"] = group
        fields["total"] = total
        fields["dropped"] = dropped
        fields["variance_flag"] = variance_flag


@dataclass(frozen=True)
class GroupResult:
    """One panel group in `weighted_groups` mode (rule 3)."""

    group: str
    mean: Fraction | None
    weight_used: Fraction
    dropped: tuple[str, ...] = ()
    too_few_sheets: bool = False
    sheet_count: int = 0


@dataclass(frozen=True)
class StageResult:
    """The panel's verdict for one team in one stage (rules 2, 3, 8, 11)."""

    team: str
    stage: str
    exact: Fraction | None
    score: Decimal | None
    sheets: tuple[SheetResult, ...] = ()
    groups: tuple[GroupResult, ...] = ()
    too_few_sheets: bool = False
    group_missing: bool = False
    provisional: bool = False
    missing_judges: tuple[str, ...] = ()
    recused_judges: tuple[str, ...] = ()
    absent_judges: tuple[str, ...] = ()
    # Plain (untrimmed) figures used by the raw_mean, raw_sum and group_mean tie-breaks.
    raw_mean: Fraction | None = None
    raw_sum: Decimal = Decimal(0)
    group_raw_means: Mapping[str, Fraction] = field(default_factory=dict)
    # Rule 12: the confirmed points taken off, and the rounded score before them.
    deduction: Decimal | None = None
    before_deduction: Decimal | None = None

    @property
    def dropped_judges(self) -> tuple[str, ...]:
        """Judge keys of the sheets trimmed away (struck through on paper)."""
        return tuple(s.judge for s in self.sheets if s.dropped)


@dataclass(frozen=True)
class TeamResult:
    """One team's line on the ranking (rules 4-7, 10)."""

    team: str
    stages: Mapping[str, StageResult]
    final: Decimal | None
    rank: int | None
    tied: bool
    tie_note: str | None
    tie_values: Mapping[str, Decimal | None]
    award: str | None
    withdrawn: bool
    provisional: bool
    draw: int | None = None

    @property
    def stage_scores(self) -> dict:
        """Rounded stage scores by stage key (None where a stage has none yet)."""
        return {k: r.score for k, r in self.stages.items()}


@dataclass(frozen=True)
class ContestResult:
    """The whole ranking in display order, with its fingerprint (see fingerprint.py)."""

    teams: tuple[TeamResult, ...]
    provisional: bool
    fingerprint: str
    draw_order: tuple[str, ...] = ()
    calibration_reveal: int = 0
    has_deductions: bool = False  # rule 12: results rows then carry `deductions`

    def team(self, key: str) -> TeamResult:
        """The result line of one team."""
        for t in self.teams:
            if t.team == key:
                return t
        raise KeyError(key)

    def revealable(self, stage_key: str) -> tuple[str, ...]:
        """Rule 9: the teams whose score in this stage may be shown on the projector."""
        from .reveal import revealable

        by_key = {t.team: t for t in self.teams}
        complete = {k for k in self.draw_order
                    if (r := by_key[k].stages.get(stage_key)) is not None
                    and r.score is not None and not r.provisional}
        return revealable(self.draw_order, complete, self.calibration_reveal)
