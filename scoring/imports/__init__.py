"""Reading organizers' spreadsheets (.xlsx, .csv in UTF-8 / UTF-8-BOM / GBK) and checking them.

Nothing here touches the database: `reader` turns uploaded bytes into numbered rows,
`teams` checks team rows against plain sets of what already exists, `template` builds
the downloadable example spreadsheet. Messages are English templates marked with N_ and
translated by the view (Chinese first).
"""
from .reader import MAX_BYTES, MAX_ROWS, SpreadsheetError, read_table
from .teams import COLUMNS, TeamImport, TeamRow, check_team_rows
from .template import team_template_xlsx

__all__ = ["MAX_BYTES", "MAX_ROWS", "SpreadsheetError", "read_table", "COLUMNS", "TeamImport",
           "TeamRow", "check_team_rows", "team_template_xlsx"]
