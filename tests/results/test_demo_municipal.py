"""`scoring demo --edition municipal`: 120 teams, two divisions, four rooms, a final of 12."""
from collections import Counter

import sqlalchemy as sa

from scoring.extensions import db as _db


def test_municipal_demo_imports_and_cuts_a_final_of_12(sqlite_app):
    from scoring.cli.municipal import load_municipal
    from scoring.models import Competition
    from scoring.operations.demo_municipal import MUNICIPAL_KEY, municipal_document
    from scoring.results.standings import results_for

    doc = municipal_document()
    assert len(doc["teams"]) == 120 and doc["version"] == 2
    rooms = Counter(t["rooms"]["prelim"] for t in doc["teams"])
    assert sorted(rooms.values()) == [30, 30, 30, 30]
    per_division = Counter((t["rooms"]["prelim"], t["division"]) for t in doc["teams"])
    assert set(per_division.values()) == {15}          # stratify: 15 of each per room
    finalists = sorted(t["stage_draw"]["final"] for t in doc["teams"] if "stage_draw" in t)
    assert finalists == list(range(1, 13))
    with sqlite_app.app_context():
        assert "Loaded" in load_municipal()
        _db.session.commit()
        assert "already" in load_municipal()
        comp = _db.session.scalar(sa.select(Competition).filter_by(key=MUNICIPAL_KEY))
        result = results_for(comp)
    assert Counter(t.division for t in result.teams if t.qualified) == {"wen": 6, "li": 6}
    assert {t.team for t in result.teams if t.qualified} == {
        t["key"] for t in doc["teams"] if "stage_draw" in t}
    assert set(result.normalizations["prelim"].adjusted) == {t["key"] for t in doc["teams"]}
    assert result.provisional  # the final is still to be judged
