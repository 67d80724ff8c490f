"""Dates and times at the ends of the calendar are refused by name, never a 500.

Python's datetime ends at years 1 and 9999: a typed 0001-01-01 in Beijing (UTC+8)
overflowed when turned into UTC, and a stored 9999-12-31 23:59 overflowed every time a
page turned it into Beijing time. Found: the audit log's date filter (GET
?date_from=0001-01-01 or ?date_to=9999-12-31: 500), the materials deadline
(0001-01-01T00:00: 500), the contest file's competition.draw.at (9999-12-31T23:59:00
imported, then the draw page and the draw PDF answered 500 for good). One range,
rules/moments.py, is checked wherever a date comes in.
"""
import json
from datetime import datetime

import pytest

from scoring.extensions import db
from scoring.models import Competition, Stage
from tests.results.contest_doc import document

OUTSIDE = ["0001-01-01", "1899-12-31", "9999-12-31"]


@pytest.fixture
def admin(app, demo, login, client):
    login()
    return client


@pytest.mark.parametrize("day", OUTSIDE)
@pytest.mark.parametrize("name", ["date_from", "date_to"])
def test_audit_filter_refuses_days_outside_the_range(admin, name, day):
    r = admin.get("/admin/audit", query_string={name: day})
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert "请填写 1900-01-01 – 9998-12-31 之间的日期" in page, page[-2000:]


def test_audit_filter_reads_ascii_days_only(admin):
    r = admin.get("/admin/audit", query_string={"date_from": "２０２４-01-01"})
    assert r.status_code == 200
    assert "不是日期，请按 2026-05-20 的格式填写" in r.get_data(as_text=True)
    assert admin.get("/admin/audit", query_string={"date_from": "2024-01-01",
                                                   "date_to": "9998-12-31"}).status_code == 200


@pytest.mark.parametrize("typed", ["0001-01-01T00:00", "1899-12-31T23:59", "9999-12-31T23:59"])
def test_materials_deadline_outside_the_range_is_refused(app, admin, typed):
    with app.app_context():
        stage = db.session.scalars(db.select(Stage).order_by(Stage.id)).first()
        stage_id, before = stage.id, stage.materials_deadline
    r = admin.post("/admin/c/demo-2024/materials/deadline",
                   data={"dl-stage": str(stage_id), "dl-deadline": typed})
    assert r.status_code == 302
    page = admin.get("/admin/c/demo-2024/materials")
    assert page.status_code == 200
    assert "截止时间：请填写 1900-01-01 – 9998-12-31 之间的日期。" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Stage, stage_id).materials_deadline == before


def test_contest_file_draw_time_outside_the_range_names_the_place():
    from scoring.contestfile import ContestFileError, parse_document

    for at in ("9999-12-31T23:59:00", "0001-01-01T00:00:00", "0500-06-01T00:00:00+14:00"):
        doc = document()
        doc["competition"]["draw"] = {"method": "random", "seed": "abc", "at": at}
        with pytest.raises(ContestFileError) as e:
            parse_document(doc)
        assert [p for p, _m, _params in e.value.problems] == ["competition.draw.at"], at


def test_contest_file_draw_time_with_an_offset_is_stored_in_utc(app, admin):
    from scoring.contestfile import import_document

    doc = document()
    doc["competition"]["key"] = "offset"
    doc["competition"]["draw"] = {"method": "random", "seed": "abc",
                                  "at": "2024-04-18T09:30:00+08:00"}
    with app.app_context():
        import_document(json.loads(json.dumps(doc)))
        db.session.commit()
        comp = db.session.scalars(db.select(Competition).filter_by(key="offset")).one()
        assert comp.draw_at == datetime(2024, 4, 18, 1, 30)


def test_pages_survive_times_stored_at_the_ends_of_the_calendar(app, admin):
    """Rows written before the checks: shown as stored (UTC), never a 500."""
    with app.app_context():
        comp = db.session.scalars(db.select(Competition).filter_by(key="demo-2024")).one()
        comp.draw_at = datetime(9999, 12, 31, 23, 59)
        for stage in comp.stages:
            stage.materials_deadline = datetime(9999, 12, 31, 23, 59)
        db.session.commit()
    for url in ("/admin/c/demo-2024/draw", "/admin/c/demo-2024/reports/draw.pdf",
                "/admin/c/demo-2024/materials", "/draw/demo-2024"):
        r = admin.get(url)
        assert r.status_code == 200, (url, r.status_code)
