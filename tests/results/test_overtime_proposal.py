"""The presentation timer's overtime becomes a deduction proposal (rule 12, issue 18 x 14)."""
import re
from decimal import Decimal as D

import sqlalchemy as sa

from scoring.extensions import db as _db

from .contest_doc import document
from .test_deductions import _ids, _import, _rows


def _text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _overtime(app, team_id, stage_id, talk, questions=0):
    from scoring.models import Presentation

    with app.app_context():
        p = Presentation(stage_id=stage_id, team_id=team_id, talk_overtime_seconds=talk,
                         questions_overtime_seconds=questions)
        _db.session.add(p)
        _db.session.commit()
        return p.id


def _deductions(app):
    from scoring.models import Deduction

    with app.app_context():
        return [(d.team.key, d.stage.key, str(d.points), d.state, d.source, d.reason)
                for d in _db.session.scalars(sa.select(Deduction))]


def test_overtime_is_listed_proposed_by_the_timer_and_counts_once_confirmed(app, client,
                                                                           login):
    _import(app, document())
    login("admin")
    team_id, stage_id = _ids(app)
    pid = _overtime(app, team_id, stage_id, talk=40, questions=5)
    page = _text(client.get("/admin/c/hand-2024/deductions").get_data(as_text=True))
    assert "40 秒" in page and "5 秒" in page
    r = client.post("/admin/c/hand-2024/deductions",
                    data={"presentation": str(pid), "points": "1"})
    assert r.status_code == 302
    [(team, stage, points, state, source, reason)] = _deductions(app)
    assert (team, stage, D(points), state, source) == ("A", "talk", D(1), "proposed", "timer")
    assert "40" in reason and "5" in reason
    assert _rows(app)["A"]["final"] == "84.03"  # a proposal changes no score
    # Proposed once: the overtime row is gone from the list.
    page = _text(client.get("/admin/c/hand-2024/deductions").get_data(as_text=True))
    assert "展示计时器记录的超时" not in page


def test_bad_points_or_a_foreign_presentation_change_nothing_and_say_why(app, client, login):
    _import(app, document())
    login("admin")
    team_id, stage_id = _ids(app)
    pid = _overtime(app, team_id, stage_id, talk=40)
    for data in ({"presentation": str(pid), "points": "-1"},
                 {"presentation": str(pid), "points": "abc"},
                 {"presentation": str(pid), "points": ""},
                 {"presentation": "999999", "points": "1"},
                 {"presentation": "9" * 40, "points": "1"},
                 {"presentation": "１２", "points": "1"}):
        r = client.post("/admin/c/hand-2024/deductions", data=data, follow_redirects=True)
        assert r.status_code == 200, data
        html = r.get_data(as_text=True)
        flashed = re.findall(r'class="flash flash-error"[^>]*>([^<]+)<', html)
        assert flashed, data
        if data["presentation"] == str(pid):  # the message names the team first
            assert flashed[0].startswith("启航队："), flashed
        else:
            assert "不属于本竞赛" in flashed[0], flashed
        assert _deductions(app) == [], data
