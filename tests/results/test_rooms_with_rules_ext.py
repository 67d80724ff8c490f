"""Section 12 meets issue 18: precise:N is refused beside a stage normalized across rooms,
in the rules page's check, in the room setup and in a contest file, each by its place."""
import copy

import pytest
import sqlalchemy as sa

from scoring.extensions import db as _db

from .rooms_doc import document
from .test_contest_file import _import, _refused


def test_precise_tie_break_refused_on_a_competition_that_normalizes(app):
    from scoring.models import Competition
    from scoring.operations.rules_settings import update_rules
    from scoring.rules import SettingsError

    key = _import(app, document("room_mean"))
    with app.app_context():
        comp = _db.session.scalar(sa.select(Competition).filter_by(key=key))
        before = comp.rules_json
        settings = dict(comp.rules, tie_breaks=["raw_mean", "precise:3"])
        with pytest.raises(SettingsError) as caught:
            update_rules(comp, settings)
        _db.session.rollback()
        assert [p[0] for p in caught.value.problems] == ["rules.tie_breaks[1]"]
        assert _db.session.scalar(sa.select(Competition).filter_by(key=key)).rules_json == \
            before


def test_normalizing_a_stage_refused_while_precise_is_a_tie_break(app):
    from scoring.models import Competition, Stage
    from scoring.operations.rules_settings import update_rules
    from scoring.operations.setup_base import SetupError
    from scoring.operations.setup_rooms import set_stage_plan

    key = _import(app, document("room_mean"))
    with app.app_context():
        comp = _db.session.scalar(sa.select(Competition).filter_by(key=key))
        stage = _db.session.scalar(sa.select(Stage).filter_by(competition_id=comp.id,
                                                               key="prelim"))
        set_stage_plan(comp, stage, normalization="none", qualify="none", qualify_value="")
        update_rules(comp, dict(comp.rules, tie_breaks=["raw_mean", "precise:3"]))
        _db.session.commit()
        with pytest.raises(SetupError) as caught:
            set_stage_plan(comp, stage, normalization="room_mean", qualify="none",
                           qualify_value="")
        assert caught.value.field == "normalization"


def test_contest_file_with_both_is_refused_by_place(app):
    doc = copy.deepcopy(document("room_mean"))
    doc["competition"]["rules"]["tie_breaks"] = ["raw_mean", "precise:3"]
    problems = _refused(app, doc)
    assert any("competition.rules.tie_breaks[1]" in p for p in problems), problems
