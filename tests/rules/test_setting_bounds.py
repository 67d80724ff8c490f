"""Rule settings have upper bounds no real contest reaches, said in the message, on the
rules page and in a contest file alike: trim=10**22 and calibration_reveal=10**30 were
saved."""
import html as html_lib
import re

import pytest
import sqlalchemy as sa

from scoring.extensions import db
from scoring.models import AuditEntry, Competition
from tests.results.contest_doc import document
from tests.teams.test_team_size import FORM


def _text(response):
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def _state(app, key):
    with app.app_context():
        comp = db.session.scalar(sa.select(Competition).filter_by(key=key))
        return comp.rules_json, db.session.scalar(
            sa.select(sa.func.count()).select_from(AuditEntry))


@pytest.mark.parametrize("field, typed, bound", [
    ("trim", "99999999999999999999999", "50"), ("trim", "51", "50"),
    ("internal_trim", "99999999999999999999999", "50"),
    ("external_trim", "51", "50"),
    ("calibration_reveal", "999999999999", "1000"),
    ("awards", "一等奖 count 99999999999999999999", "100000"),
])
def test_the_rules_page_refuses_numbers_past_their_bound(app, demo, client, login,
                                                         field, typed, bound):
    login()
    client.get("/lang/en")
    before = _state(app, demo)
    data = dict(FORM, **{field: typed})
    if field == "external_trim":
        data["aggregation"] = "weighted_groups"
    r = client.post(f"/admin/c/{demo}/rules", data=data)
    assert r.status_code == 422
    shown = typed.rsplit(None, 1)[-1]
    assert f"{shown} is above the maximum {bound}" in _text(r)
    assert _state(app, demo) == before


def test_the_bounds_themselves_are_accepted(app, demo, client, login):
    login()
    r = client.post(f"/admin/c/{demo}/rules", data=dict(FORM, trim="1",
                                                        calibration_reveal="1000"))
    assert r.status_code == 302


@pytest.mark.parametrize("path, value, bound", [
    (("rules", "calibration_reveal"), 10**30, "1000"),
    (("rules", "trim"), 51, "50"),
    (("rules", "groups", "internal", "trim"), 10**22, "50"),
    (("rules", "awards"), [{"name": "一等奖", "count": 10**20}], "100000"),
])
def test_a_contest_file_refuses_them_by_place(path, value, bound):
    from scoring.contestfile import ContestFileError, parse_document

    doc = document()
    target = doc["competition"]
    for key in path[:-1]:
        target = target.setdefault(key, {})
    if path[-2:] == ("groups", "internal"):
        target.setdefault("weight", "0.6")
    target[path[-1]] = value
    with pytest.raises(ContestFileError) as e:
        parse_document(doc)
    found = {place: params for place, _m, params in e.value.problems}
    place = "competition." + ".".join(path) + ("[0].count" if path[-1] == "awards" else "")
    assert found[place]["max"] == int(bound), e.value.problems
