"""English printouts keep their column headings whole: the team detail's "Sheet total"
was set in a column too narrow for it and printed as "Sheet tota" over "l"."""
import pytest
from sqlalchemy import select

from scoring.extensions import db
from scoring.models import Competition
from scoring.operations.demo import DEMO_KEY
from scoring.reports import build

from .pdfcheck import text, write

# (report, headings that must each print on one line)
HEADINGS = [
    ("team-detail", ("Sheet total", "Remarks", "Judge")),
    ("ranking", ("Final score", "Award", "Remarks")),
]


@pytest.mark.parametrize("kind, headings", HEADINGS)
def test_english_column_headings_are_not_broken(demo_sqlite, tmp_path, kind, headings):
    with demo_sqlite.app_context():
        comp = db.session.scalar(select(Competition).where(Competition.key == DEMO_KEY))
        body = text(write(tmp_path, f"{kind}.pdf", build(kind, comp, lang="en")))
    for heading in headings:
        assert heading in body, (kind, heading)
