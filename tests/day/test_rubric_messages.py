"""A rubric row with its key or name left empty is named by row and field, never the
bare "该字段是必填字段。"; nothing is saved."""
import pytest

from scoring.extensions import db
from scoring.models import Stage
from tests.judging.hall_util import KEY, hall_admin


@pytest.mark.parametrize("row, words", [
    ({"criteria-1-key": "", "criteria-1-name": "表达"}, "评分标准第 2 行：请填写评分项的标识。"),
    ({"criteria-1-key": "c2", "criteria-1-name": ""}, "评分标准第 2 行：请填写评分项的名称。"),
])
def test_an_empty_rubric_field_is_named_by_row(app, demo, row, words):
    admin = hall_admin(app)
    data = {"key": "extra", "name": "附加环节", "weight": "0",
            "criteria-0-key": "c1", "criteria-0-name": "内容", "criteria-0-max": "10",
            "criteria-0-step": "1", "criteria-1-max": "10", "criteria-1-step": "1", **row}
    r = admin.post(f"/admin/c/{KEY}/stages/new", data=data)
    html = r.get_data(as_text=True)
    assert r.status_code in (200, 422) and html.count(words) == 1, html[-2000:]
    assert "该字段是必填字段" not in html
    with app.app_context():
        assert db.session.scalars(db.select(Stage).filter_by(key="extra")).first() is None
