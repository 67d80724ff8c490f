"""MariaDB/MySQL cut a GROUP_CONCAT text at group_concat_max_len bytes (MySQL's default is
1024: a sheet of about 80 criteria). The ranking's big read (scoring/results/sheet_rows.py)
must then read the sheet again row by row; a cut inside the last value keeps the number of
pairs, so counting them does not catch it, and the sheet is ranked on a wrong value."""
import copy

import pytest
from sqlalchemy import select, text

from scoring.extensions import db as _db

DOC = {
    "format": "scoring-contest", "version": 1,
    "competition": {"key": "cut", "name": "截断", "rules": {"trim": 0, "team_size": 1}},
    "departments": [],
    "stages": [{"key": "s", "name": "s", "weight": "1", "criteria": [
        {"key": "a", "name": "a", "max": "20", "step": "0.125"},
        {"key": "b", "name": "b", "max": "20", "step": "0.125"}]}],
    "judges": [{"key": "N1", "name": "N1", "group": "internal"}],
    "teams": [{"key": "A", "name": "A", "draw": 1, "members": [{"name": "A"}]}],
    "sheets": [{"judge": "N1", "team": "A", "stage": "s", "status": "submitted",
                "scores": {"a": "13.125", "b": "13.125"}}],
}


def test_a_text_cut_inside_its_last_value_is_read_again(app):
    """The joined text cut one byte short: the sheet must still read 13.125 and 13.125."""
    from scoring.contestfile import import_document
    from scoring.models import Criterion, Judge, Stage, Team
    from scoring.results import sheet_rows

    with app.app_context():
        if _db.session.get_bind().dialect.name != "mysql":
            pytest.skip("only MariaDB/MySQL cut a joined text")
        comp = import_document(copy.deepcopy(DOC))
        _db.session.commit()
        stage_ids = _db.session.scalars(select(Stage.id).where(
            Stage.competition_id == comp.id)).all()
        keys = [dict(_db.session.execute(select(m.id, m.key).where(
            m.competition_id == comp.id)).all()) for m in (Judge, Team, Stage)]
        keys.append(dict(_db.session.execute(select(Criterion.id, Criterion.key)).all()))
        full = _db.session.execute(sheet_rows._joined_stmt("mysql", stage_ids)).one()[5]
        _db.session.execute(text(f"SET SESSION group_concat_max_len = {len(full) - 1}"))
        try:
            (sheet,) = sheet_rows.sheets_of_stages(stage_ids, *keys)
        finally:  # the pooled connection serves the next tests
            _db.session.execute(text("SET SESSION group_concat_max_len = DEFAULT"))
        assert {k: str(v) for k, v in sheet.scores.items()} == {"a": "13.125", "b": "13.125"}
