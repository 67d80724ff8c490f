"""The frames the organizer's views share, seen from outside: a button that asks first
(admin/confirm.py: refused, asked, acted, refused by the operation), the form check
(admin/forms.validated), and the lookups of setup/common.py that answer 404 for a row of
another competition reached through this competition's URL."""
import html as html_lib
import re
from decimal import Decimal

import pytest
import sqlalchemy as sa

from scoring.extensions import db
from scoring.models import (
    AuditEntry,
    Competition,
    Deduction,
    Department,
    Judge,
    Material,
    Recusal,
    ScoreSheet,
    Stage,
    Team,
)

KEY = "demo-2024"
OTHER = "hand-2024"
TWO = Decimal(2)


def _text(response) -> str:
    """The page as plain text (tags dropped, entities decoded, spaces folded)."""
    page = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", html_lib.unescape(page))


def _flashes(response) -> list[tuple[str, str]]:
    """(category, text) of every flashed message the page shows."""
    return [(c, html_lib.unescape(t).strip()) for c, t in re.findall(
        r'<div class="flash flash-(\w+)" role="status">(.*?)</div>',
        response.get_data(as_text=True), re.S)]


def _hidden(response) -> list[tuple[str, str]]:
    """The hidden fields of the confirmation page's form, in order."""
    form = response.get_data(as_text=True).split('class="form"', 1)[1]
    return [(n, html_lib.unescape(v)) for n, v in re.findall(
        r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form)]


@pytest.fixture
def admin(app, client, login, demo):
    """An admin's client, in English, on the demo contest."""
    login("admin")
    client.get("/lang/en")
    return client


def _proposal(app) -> int:
    """A timer proposal of 2 points for T01 in the presentation stage; its id."""
    from scoring.operations.deductions import propose_deduction

    with app.app_context():
        comp = db.session.scalar(sa.select(Competition).filter_by(key=KEY))
        team = db.session.scalar(sa.select(Team).filter_by(competition_id=comp.id, key="T01"))
        stage = db.session.scalar(sa.select(Stage).filter_by(competition_id=comp.id,
                                                              key="presentation"))
        did = propose_deduction(comp, team, stage, "2", "超时 65 秒").id
        db.session.commit()
        return did


def _deduction(app, did):
    """(state, points) of a deduction, or None once it is gone."""
    with app.app_context():
        d = db.session.get(Deduction, did)
        return None if d is None else (d.state, Decimal(d.points))


def _audit(app, action) -> list[str]:
    """The reasons of the audit entries of one action, oldest first."""
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEntry.reason).filter_by(action=action)
                                       .order_by(AuditEntry.id)))


def test_withdrawing_a_deduction_needs_a_reason_then_asks_then_withdraws(app, admin):
    did = _proposal(app)
    url = f"/admin/c/{KEY}/deductions/{did}/remove"
    refused = admin.post(url, data={"reason": "  "}, follow_redirects=True)
    assert _flashes(refused) == [("error", "Give a reason to withdraw a deduction.")]
    asked = admin.post(url, data={"reason": "录错了队", "note": "kept", "confirm": "no"})
    assert asked.status_code == 200
    assert "Withdraw the deduction of 启航队" in _text(asked)
    # The second POST carries what the first did, and its own confirm=yes only.
    assert _hidden(asked) == [("reason", "录错了队"), ("note", "kept"), ("confirm", "yes")]
    assert _deduction(app, did) == ("proposed", TWO)
    done = admin.post(url, data={"reason": "录错了队", "confirm": "yes"}, follow_redirects=True)
    assert _flashes(done) == [("success", "The deduction is withdrawn.")]
    assert _deduction(app, did) is None
    assert _audit(app, "deduction.remove") == ["录错了队"]


def test_confirming_a_proposal_once_more_is_refused_and_changes_nothing(app, admin):
    did = _proposal(app)
    url = f"/admin/c/{KEY}/deductions/{did}/confirm"
    assert admin.post(url, data={"reason": ""}).status_code == 200  # asks first
    assert _deduction(app, did) == ("proposed", TWO)
    done = admin.post(url, data={"reason": "", "confirm": "yes"}, follow_redirects=True)
    assert _flashes(done) == [("success", "The deduction is confirmed.")]
    again = admin.post(url, data={"reason": ""}, follow_redirects=True)
    assert _flashes(again) == [("info", "This deduction is already confirmed.")]
    forced = admin.post(url, data={"reason": "", "confirm": "yes"}, follow_redirects=True)
    # The operation refuses (a SetupError): said as an error, no second audit entry.
    assert _flashes(forced) == [("error", "This deduction is already confirmed.")]
    assert _deduction(app, did) == ("confirmed", TWO)
    assert len(_audit(app, "deduction.confirm")) == 1


def test_a_form_that_does_not_validate_is_said_and_changes_nothing(app, admin):
    did = _proposal(app)
    r = admin.post(f"/admin/c/{KEY}/deductions/{did}/remove",
                   data={"reason": "x" * 2001, "confirm": "yes"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/admin/c/{KEY}/deductions")
    # What is wrong, not "the form expired" (the token was fine).
    assert _flashes(admin.get(r.headers["Location"])) == [
        ("error", "Reason: Field cannot be longer than 2000 characters.")]
    assert _deduction(app, did) == ("proposed", TWO)


def test_a_new_team_link_asks_with_the_token_alone_then_ends_the_old_link(app, admin):
    with app.app_context():
        team = db.session.scalar(sa.select(Team).filter_by(key="T01"))
        team_id, old = team.id, team.upload_token
    url = f"/admin/c/{KEY}/teams/{team_id}/new-link"
    asked = admin.post(url, data={"extra": "not carried"})
    assert asked.status_code == 200 and "New link for 启航队" in _text(asked)
    assert [name for name, _v in _hidden(asked)] == ["csrf_token", "confirm"]
    done = admin.post(url, data={"confirm": "yes"}, follow_redirects=True)
    assert _flashes(done) == [("success", "启航队 has a new link; print its card again.")]
    with app.app_context():
        assert db.session.get(Team, team_id).upload_token != old


def test_a_department_deleted_goes_back_to_its_anchor_and_a_used_one_stays(app, admin):
    with app.app_context():
        comp = db.session.scalar(sa.select(Competition).filter_by(key=KEY))
        used = db.session.scalar(sa.select(Department.id).filter_by(competition_id=comp.id,
                                                                    name="组织部"))
        spare = Department(competition_id=comp.id, name="备用部门")
        db.session.add(spare)
        db.session.commit()
        spare_id = spare.id
    refused = admin.post(f"/admin/c/{KEY}/departments/{used}/delete")
    assert refused.headers["Location"].endswith(f"/admin/c/{KEY}/teams#departments")
    deleted = admin.post(f"/admin/c/{KEY}/departments/{spare_id}/delete")
    assert deleted.headers["Location"].endswith(f"/admin/c/{KEY}/teams#departments")
    with app.app_context():
        assert db.session.get(Department, used) is not None
        assert db.session.get(Department, spare_id) is None


def _other_rows(app) -> dict:
    """Rows of a second competition (the hand contest), each with a deduction and a
    material added: the ids a hostile URL of the demo contest may name."""
    from scoring.contestfile import import_document
    from tests.results.contest_doc import document

    with app.app_context():
        import_document(document())
        comp = db.session.scalar(sa.select(Competition).filter_by(key=OTHER))
        team = db.session.scalar(sa.select(Team).filter_by(competition_id=comp.id, key="A"))
        stage = db.session.scalar(sa.select(Stage).filter_by(competition_id=comp.id,
                                                              key="talk"))
        deduction = Deduction(team_id=team.id, stage_id=stage.id, points=1, reason="x",
                              state="proposed", source="timer")
        material = Material(team_id=team.id, stage_id=stage.id, filename="plan.pdf",
                            kind="pdf", sha256="0" * 64, size=1, pages_json="[]",
                            uploaded_by="test")
        db.session.add_all([deduction, material])
        db.session.commit()
        judges = sa.select(Judge.id).filter_by(competition_id=comp.id)
        return {
            "deduction": deduction.id, "material": material.id, "team": team.id,
            "stage": stage.id,
            "judge": db.session.scalar(judges.filter_by(key="X1")),
            "sheet": db.session.scalar(sa.select(ScoreSheet.id).where(
                ScoreSheet.judge_id.in_(judges), ScoreSheet.status == "submitted")),
            "recusal": db.session.scalar(sa.select(Recusal.id).where(
                Recusal.judge_id.in_(judges))),
            "department": db.session.scalar(sa.select(Department.id).filter_by(
                competition_id=comp.id)),
        }


OTHER_ROW_URLS = [  # (method, path under /admin/c/KEY/, the id it names)
    ("POST", "deductions/{}/confirm", "deduction"),
    ("POST", "deductions/{}/remove", "deduction"),
    ("GET", "sheets/{}/reopen", "sheet"),
    ("POST", "recusals/{}/remove", "recusal"),
    ("GET", "materials/{}", "material"),
    ("POST", "materials/{}/delete", "material"),
    ("POST", "teams/{}/new-link", "team"),
    ("POST", "teams/{}/delete", "team"),
    ("POST", "judges/{}/delete", "judge"),
    ("POST", "departments/{}/delete", "department"),
    ("POST", "stages/{}/delete", "stage"),
]


def test_a_row_of_another_competition_is_404_here(app, admin):
    ids = _other_rows(app)
    assert all(ids.values()), ids

    def counts():
        with app.app_context():
            return [db.session.scalar(sa.select(sa.func.count()).select_from(m))
                    for m in (Deduction, Material, Team, Judge, Department, Stage, Recusal,
                              AuditEntry)]

    before = counts()
    for method, path, kind in OTHER_ROW_URLS:
        url = f"/admin/c/{KEY}/" + path.format(ids[kind])
        data = {"confirm": "yes", "reason": "hostile"}
        answer = admin.post(url, data=data) if method == "POST" else admin.get(url)
        assert answer.status_code == 404, (url, answer.status_code)
    assert counts() == before
    # The same ids through their own competition's URL are found (the test can fail).
    assert admin.get(f"/admin/c/{OTHER}/sheets/{ids['sheet']}/reopen").status_code == 200
    assert admin.get(f"/admin/c/{OTHER}/materials/{ids['material']}").status_code == 200


def test_a_picked_id_beyond_any_integer_column_is_404(app):
    """picked_or_404 reads ids typed into forms: a 40-digit or non-ASCII one is 404, never
    an overflow of the database's integer."""
    from werkzeug.exceptions import NotFound

    from scoring.admin.setup.common import picked_or_404
    from scoring.models import Competition, Team

    with app.test_request_context():
        comp = Competition(key="pick", name="pick")
        db.session.add(comp)
        db.session.flush()
        for raw in ("9" * 40, "2147483648" + "0" * 10, "١", "-1", "1.0", "", None):
            with pytest.raises(NotFound):
                picked_or_404(Team, raw, comp)
        db.session.rollback()
