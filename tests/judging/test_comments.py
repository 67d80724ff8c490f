"""Comments (评语) on score sheets: sent with drafts and submits, versioned, audited, refused
when bad, required by a stage setting, printed, and carried by the contest file."""
import shutil
import subprocess

import pytest

from scoring.extensions import db
from scoring.models import AuditEntry, Stage

from .util import GOOD, body, judge_client, post_submit, put_draft, recused_pairs, versions


def _free(app, judge="X1"):
    recused = recused_pairs(app)
    return next(f"T{i:02d}" for i in range(1, 16) if (judge, f"T{i:02d}") not in recused)


def _require(app, value=True):
    with app.app_context():
        db.session.scalars(db.select(Stage).filter_by(key="presentation")).one() \
            .comment_required = value
        db.session.commit()


def test_comment_is_saved_versioned_and_audited(app, demo):
    c = judge_client(app, "X1")
    team = _free(app)
    r = put_draft(c, team, body({"substance": "30"}, base_version=0, comment="初稿"))
    assert r.status_code == 200 and r.json["sheet"]["comment"] == "初稿"
    # Only the comment changed: still a new version.
    r = put_draft(c, team, body({"substance": "30"}, base_version=1, comment="思路清晰\n表达流畅"))
    assert r.status_code == 200 and r.json["unchanged"] is False
    r = post_submit(c, team, body(GOOD, comment="  思路清晰\n表达流畅  "))
    assert r.status_code == 200 and r.json["sheet"]["comment"] == "思路清晰\n表达流畅"
    with app.app_context():
        from scoring.models import SheetVersion

        kept = [v.comment for v in db.session.scalars(
            db.select(SheetVersion).order_by(SheetVersion.id)) if v.comment]
        assert kept[-3:] == ["初稿", "思路清晰\n表达流畅", "思路清晰\n表达流畅"]
        entry = db.session.scalars(db.select(AuditEntry).filter_by(action="sheet.submit")
                                   .order_by(AuditEntry.id.desc())).first()
        assert "表达流畅" in (entry.after_json or "")
    assert [v[1] for v in versions(app, "X1", team)] == ["draft", "draft", "submitted"]
    # A draft without "comment" (an older page) keeps the comment.
    r = c.get(f"/judge/api/sheet/presentation/{team}")
    assert r.json["sheet"]["comment"] == "思路清晰\n表达流畅"


@pytest.mark.parametrize("comment, words", [
    ("x" * 2001, "2001"), ("bell\x07", "U+0007"), (17, None)])
def test_bad_comment_is_refused_and_changes_nothing(app, demo, comment, words):
    c = judge_client(app, "X1")
    team = _free(app)
    r = post_submit(c, team, body(GOOD, comment=comment))
    assert r.status_code in (400, 422) and r.json["ok"] is False
    # A control character is already refused where the body is read (web/jsonbody.py).
    assert "comment" in r.json["errors"] or "U+0007" in r.json["error"]
    if words:
        assert words in r.json["error"]
    assert c.get(f"/judge/api/sheet/presentation/{team}").json["sheet"] is None


def test_required_comment_is_refused_when_empty_with_a_translated_message(app, demo):
    _require(app)
    c = judge_client(app, "X1")
    team = _free(app)
    r = post_submit(c, team, body(GOOD, comment="   "), headers={"Accept-Language": "zh-CN"})
    assert r.status_code == 422
    assert "评语" in r.json["error"] and "评语" in r.json["errors"]["comment"]
    assert c.get(f"/judge/api/sheet/presentation/{team}").json["sheet"] is None
    # A draft needs none; the submission with one goes through.
    assert put_draft(c, team, body(GOOD, base_version=0)).status_code == 200
    assert post_submit(c, team, body(GOOD, comment="好")).status_code == 200


def test_comment_required_box_on_the_stage_edit_page(app, demo, client, login):
    login("admin")
    with app.app_context():
        stage = db.session.scalars(db.select(Stage).filter_by(key="reflection")).one()
        stage_id = stage.id
    page = client.get(f"/admin/c/demo-2024/stages/{stage_id}/edit").get_data(as_text=True)
    assert 'name="comment_required"' in page


def test_comments_printed_and_carried_by_the_contest_file(sqlite_app):
    from scoring.contestfile.exporter import export_competition
    from scoring.models import Competition
    from scoring.operations.demo import load_demo
    from scoring.reports.sheets import build_sheets
    from scoring.reports.team_detail import build_team_detail

    app = sqlite_app
    with app.app_context():
        load_demo()
        db.session.commit()
    c = judge_client(app, "X1")
    team = _free(app)
    assert post_submit(c, team, body(GOOD, comment="逻辑严密，建议控制时间")).status_code == 200
    with app.app_context():
        comp = db.session.scalars(db.select(Competition)).one()
        doc = export_competition(comp)
        mine = [s for s in doc["sheets"] if s["judge"] == "X1" and s["team"] == team
                and s["stage"] == "presentation"]
        assert mine[0]["comment"] == "逻辑严密，建议控制时间"
        assert all("comment" not in s for s in doc["sheets"] if s is not mine[0])
        pdfs = [build_sheets(comp), build_team_detail(comp)]
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext is not installed")
    for pdf in pdfs:
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                              check=True).stdout.decode()
        assert "逻辑严密，建议控制时间" in "".join(text.split())


def test_contest_file_round_trip_keeps_comments_and_refuses_bad_ones(sqlite_app):
    from scoring.contestfile import ContestFileError, export_competition, import_document
    from scoring.models import Competition, ScoreSheet
    from scoring.operations.demo import load_demo

    app = sqlite_app
    with app.app_context():
        load_demo()
        db.session.commit()
    c = judge_client(app, "X1")
    team = _free(app)
    assert post_submit(c, team, body(GOOD, comment="第一行\n第二行")).status_code == 200
    with app.app_context():
        doc = export_competition(db.session.scalars(db.select(Competition)).one())
        import_document(doc, replace=True)
        db.session.commit()
        kept = [s.comment for s in db.session.scalars(db.select(ScoreSheet)) if s.comment]
        assert kept == ["第一行\n第二行"]
        mine = next(s for s in doc["sheets"] if s.get("comment"))
        mine["comment"] = "x" * 2001
        with pytest.raises(ContestFileError) as e:
            import_document(doc, replace=True)
        assert "comment" in str(e.value)
        db.session.rollback()


def test_the_judge_signs_under_the_comments(sqlite_app):
    """A signature covers what is above it: on the judge's score sheet the comments come
    before the judge's signature line, never after it (found on the printed sheets)."""
    from scoring.models import Competition
    from scoring.operations.demo import load_demo
    from scoring.reports.sheets import build_sheets

    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext is not installed")
    app = sqlite_app
    with app.app_context():
        load_demo()
        db.session.commit()
    team = _free(app)
    assert post_submit(judge_client(app, "X1"), team,
                       body(GOOD, comment="逻辑严密，建议控制时间")).status_code == 200
    with app.app_context():
        pdf = build_sheets(db.session.scalars(db.select(Competition)).one())
    text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()
    pages = ["".join(p.split()) for p in text.split("\f") if p.strip()]
    mine = [p for p in pages if "逻辑严密，建议控制时间" in p]
    assert len(mine) == 1
    assert mine[0].index("逻辑严密，建议控制时间") < mine[0].index("评委签字")
    assert all(p.count("评委签字") == 1 for p in pages)
