"""Section 12's additions to the results files (JSON and CSV columns), DESIGN section 12.

A competition that uses none of section 12 gets none of them: its results stay exactly
as version 1 prints them.
"""
from flask_babel import gettext as _


def is_layout_result(result) -> bool:
    """Whether a ContestResult comes from a competition that uses section 12."""
    return getattr(result, "layout", None) is not None


def normalizing_stages(result) -> list:
    """Keys of the stages that normalize across rooms, in stage order."""
    return list(result.normalizations)


def add_row_fields(row, result, team, decimals, number_text) -> dict:
    """A results row with `division`, `qualified`, `qualification` and `raw_stages`."""
    if not is_layout_result(result):
        return row
    row["division"] = team.division
    row["qualified"] = team.qualified
    if result.qualifying_stage is not None:
        row["qualification"] = number_text(team.qualification, decimals)
    normalizing = normalizing_stages(result)
    if normalizing:
        row["raw_stages"] = {k: number_text(team.raw_stages.get(k), decimals)
                             for k in normalizing}
    return row


def extra_columns(result, stage_names) -> list:
    """The CSV/XLSX header cells section 12 adds (after the version 1 columns)."""
    if not is_layout_result(result):
        return []
    header = [_("Division")]
    if result.qualifying_stage is not None:
        header += [_("Qualification score"), _("Qualified")]
    header += [_("%(stage)s (before adjustment)", stage=stage_names.get(k, k))
               for k in normalizing_stages(result)]
    return header


def extra_cells(result, team, decimals, number_text, division_names) -> list:
    """The cells of one row under extra_columns."""
    if not is_layout_result(result):
        return []
    cells = [division_names.get(team.division, team.division or "")]
    if result.qualifying_stage is not None:
        status = {True: _("Yes"), False: _("Not qualified"), None: ""}[team.qualified]
        cells += [number_text(team.qualification, decimals), status]
    cells += [number_text(team.raw_stages.get(k), decimals)
              for k in normalizing_stages(result)]
    return cells
