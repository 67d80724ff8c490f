"""What the setup operations do alike to a competition's keyed rows (judges, teams)."""
from ..extensions import db
from .audit import record


def remove_recorded(row, rows, action: str, before: dict) -> None:
    """Take a judge or team out of its competition's list `rows` and flush; the audit entry
    `action` (e.g. "judge.delete") keeps "KEY NAME" and what the row was (`before`)."""
    record(action, competition=row.competition, obj=row, summary=f"{row.key} {row.name}",
           before=before)
    rows.remove(row)
    db.session.flush()
