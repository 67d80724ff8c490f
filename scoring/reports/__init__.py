"""Printed reports (DESIGN section 7): reportlab builders, each returning PDF bytes.

Kinds: ranking, sheets, team-detail, blank-sheets, draw, judge-links, team-feedback,
judge-review. `build(kind, ...)`
picks the builder and checks the options; every builder also runs on its own
(`build_ranking(competition, lang="zh_CN")`).
"""
from .blank_sheets import build_blank_sheets
from .data import ReportError
from .draw import build_draw
from .feedback import build_team_feedback
from .fonts import FontError
from .judge_links import build_judge_links, judge_link
from .judge_review import build_judge_review
from .ranking import build_ranking
from .sheets import build_sheets
from .team_detail import build_team_detail

BUILDERS = {
    "ranking": build_ranking,
    "sheets": build_sheets,
    "team-detail": build_team_detail,
    "blank-sheets": build_blank_sheets,
    "draw": build_draw,
    "judge-links": build_judge_links,
    "team-feedback": build_team_feedback,
    "judge-review": build_judge_review,
}
KINDS = tuple(BUILDERS)
STAGE_KINDS = ("sheets", "blank-sheets")   # take stage=KEY (default: every stage)
TEAM_KINDS = ("team-detail", "team-feedback")              # take team=KEY (default: every team)


def build(kind, competition, *, stage=None, team=None, base_url=None, lang="zh_CN") -> bytes:
    """The PDF of one report kind; ReportError for an unknown kind or a misplaced option."""
    if kind not in BUILDERS:
        raise ReportError(f'unknown report kind "{kind}" (one of: {", ".join(KINDS)})')
    if stage and kind not in STAGE_KINDS:
        raise ReportError(f"--stage applies only to {' and '.join(STAGE_KINDS)}")
    if team and kind not in TEAM_KINDS:
        raise ReportError(f"--team applies only to {' and '.join(TEAM_KINDS)}")
    kwargs = {"lang": lang}
    if kind in STAGE_KINDS:
        kwargs["stage"] = stage
    if kind in TEAM_KINDS:
        kwargs["team"] = team
    if kind == "judge-links":
        # Cards carry the venue address (web/venue.py), chosen by the caller: a default
        # here would print a loopback address no tablet can open.
        if not base_url:
            raise ReportError("the judge cards need the address tablets use (base_url)")
        kwargs["base_url"] = base_url
    return BUILDERS[kind](competition, **kwargs)


def filename(kind, competition, stage=None, team=None, ext="pdf") -> str:
    """A download name: <competition key>-<kind>[-<stage>|-<team>].pdf."""
    parts = [competition.key, kind] + [p for p in (stage, team) if p]
    return "-".join(parts) + "." + ext


__all__ = ["BUILDERS", "KINDS", "STAGE_KINDS", "TEAM_KINDS", "FontError", "ReportError",
           "build", "build_blank_sheets", "build_draw", "build_judge_links", "build_ranking",
           "build_sheets", "build_team_detail", "filename", "judge_link"]
