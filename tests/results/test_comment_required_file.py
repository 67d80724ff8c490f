"""A stage's comment_required setting: in the contest file (optional) and in the audit log."""
import copy
import json

import sqlalchemy as sa

from scoring.extensions import db as _db

from .contest_doc import document
from .test_contest_file import _import, _refused


def _export(app, key):
    from scoring.contestfile import export_competition
    from scoring.models import Competition

    with app.app_context():
        comp = _db.session.scalar(sa.select(Competition).filter_by(key=key))
        return export_competition(comp)


def test_comment_required_round_trips_and_is_absent_by_default(app):
    doc = copy.deepcopy(document())
    key = _import(app, doc)
    plain = _export(app, key)
    assert all("comment_required" not in s for s in plain["stages"])
    doc2 = copy.deepcopy(document())
    doc2["competition"]["key"] = "hand-2025"
    doc2["stages"][0]["comment_required"] = True
    key2 = _import(app, doc2)
    out = _export(app, key2)
    assert out["stages"][0]["comment_required"] is True
    assert all("comment_required" not in s for s in out["stages"][1:])
    assert list(out["stages"][0]) == ["key", "name", "weight", "state", "comment_required",
                                      "criteria"]


def test_comment_required_must_be_true_or_false(app):
    doc = copy.deepcopy(document())
    doc["stages"][1]["comment_required"] = "yes"
    assert any(p.startswith("stages[1].comment_required") for p in _refused(app, doc))


def test_changing_comment_required_is_audited(app):
    from scoring.models import AuditEntry, Competition
    from scoring.operations.setup_stages import save_stage

    key = _import(app, copy.deepcopy(document()))
    with app.app_context():
        comp = _db.session.scalar(sa.select(Competition).filter_by(key=key))
        stage = comp.stages[0]
        criteria = [{"id": c.id, "key": c.key, "name": c.name, "description": c.description,
                     "max": str(c.max), "step": str(c.step)} for c in stage.criteria]
        save_stage(comp, stage, key=stage.key, name=stage.name, weight=str(stage.weight),
                   criteria=criteria, comment_required=True)
        _db.session.commit()
        entry = _db.session.scalars(sa.select(AuditEntry).filter_by(action="stage.update")
                                    .order_by(AuditEntry.id.desc())).first()
        before, after = json.loads(entry.before_json), json.loads(entry.after_json)
        assert before["comment_required"] is False and after["comment_required"] is True
