"""The pure rules engine of the scoring system (DESIGN sections 2, 3 and 6).

It never touches the database and imports neither Flask nor SQLAlchemy: the app turns
rows into the plain records of `model`, calls `compute_results`, and shows what comes
back. All arithmetic is exact: scores are Decimal, means are Fraction, and a number is
turned into a Decimal only when it is rounded half-up (see `round_half_up`).
"""

from types import ModuleType as _ModuleType

from .aggregate import plain_mean, stage_result, trim_sheets, trimmed_mean
from .awards_ties import AWARD_TIES, assign_awards_by, assign_awards_shift
from .compute import compute_results
from .deductions import (
    CONFIRMED,
    DEDUCTION_STATES,
    PROPOSED,
    Deduction,
    deducted_score,
    deduction_totals,
    points_problems,
)
from .draw import (
    DRAW_ALGORITHM_EN,
    DRAW_ALGORITHM_ZH,
    DRAW_ONE_LINER,
    draw_hash,
    new_seed,
    random_draw,
    validate_manual_draw,
)
from .errors import N_, RuleError, ScoreError, SettingsError, format_problem
from .fingerprint import fingerprint, fingerprint_rows
from .judge_review import JudgeReview, average_ranks, judge_review, spearman
from .model import (
    DRAFT,
    SUBMITTED,
    Absence,
    Contest,
    ContestResult,
    Criterion,
    GroupResult,
    Judge,
    Recusal,
    Sheet,
    SheetResult,
    Stage,
    StageResult,
    Team,
    TeamResult,
    sheet_total,
)
from .numbers import (
    check_score,
    decimal_refusal,
    decimal_text,
    parse_id,
    parse_plain_decimal,
    parse_score,
    parse_whole,
    round_half_up,
    round_ratio_half_up,
)
from .panels import ThinPanel, thin_panels
from .precise import FINAL_ROUNDINGS, PRECISE_MAX, combine, precise_digits, precise_value
from .ranking import (
    Placement,
    RankEntry,
    assign_awards,
    final_score,
    rank_teams,
    tie_break_value,
    tier_bounds,
)
from .recusal import RecusalState, automatic_recusal, pair_recusal, recusal_matrix
from .reveal import revealable
from .review import ReviewItem, award_boundary_ties, review_items
from .settings import (
    AGGREGATIONS,
    DEFAULT_AWARDS,
    DEFAULT_GROUPS,
    DEFAULT_TIE_BREAKS,
    AwardTier,
    GroupRule,
    Rules,
    validate_awards_fit,
    with_default_tie_breaks,
)
from .team_rules import (
    TEAM_SIZE_MAX,
    departments_required,
    member_problems,
    team_settings_of,
)
from .validate import contest_problems, team_department_problems, validate_sheet
from .variance import sorted_variance_flags, variance_flags, variance_limit

# Re-export the public names, not the submodules that importing them binds here.
__all__ = [name for name, obj in list(globals().items())
           if not name.startswith("_") and not isinstance(obj, _ModuleType)]
