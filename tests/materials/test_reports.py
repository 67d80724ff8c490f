"""The new report kinds print with embedded fonts and look right (issue 15): team
feedback, judge review, team cards; and backups hold the materials folder."""
import hashlib
import shutil
from pathlib import Path

from sqlalchemy import select, update

from scoring.extensions import db
from scoring.models import Competition, Judge, Stage, Team
from scoring.operations.demo import DEMO_KEY, load_demo
from scoring.reports import build
from scoring.reports.team_cards import build_team_cards
from scoring.results.judge_review import review_for
from tests.reports import bigcontest
from tests.reports.pdfcheck import (
    assert_fonts_embedded,
    check_page_layout,
    page_count,
    render,
    squeeze,
    text,
    write,
)

SHOTS = Path("/work/shots/materials")


def _shot(path, name, pages=(1,)):
    """Keep PNGs of pages for people to look at (the test does not depend on them)."""
    try:
        SHOTS.mkdir(parents=True, exist_ok=True)
        for p in pages:
            render(path, p).save(SHOTS / f"{name}-{p}.png")
    except OSError:
        pass


def _publish(comp):
    db.session.execute(update(Stage).where(Stage.competition_id == comp.id)
                       .values(state="published"))
    db.session.commit()


def test_feedback_of_a_300_team_contest_holds_only_its_own_team(sqlite_app, tmp_path):
    with sqlite_app.app_context():
        comp = db.session.scalars(select(Competition).filter_by(
            key=bigcontest.build())).one()
        _publish(comp)
        long_team = db.session.scalars(select(Team).filter_by(
            competition_id=comp.id, name=bigcontest.LONG_NAME)).one()
        path = write(tmp_path, "feedback.pdf", build("team-feedback", comp,
                                                     team=long_team.key))
        assert_fonts_embedded(path)
        whole = squeeze(text(path))
        assert squeeze(bigcontest.LONG_NAME) in whole  # wraps, never cut off
        for nasty in bigcontest.NASTY_NAMES:  # other teams: never named
            assert squeeze(nasty) not in whole
        for _key, name, _g, _d in bigcontest.JUDGES:
            assert name not in whole
        field = sum(1 for t in comp.teams if not t.withdrawn)
        assert f"/{field}" in whole and f"全部{field}支" in whole  # its place in the field
        for page in range(1, page_count(path) + 1):
            check_page_layout(path, page)
        _shot(path, "feedback-300-teams", range(1, page_count(path) + 1))


def test_feedback_of_every_team_in_one_file(sqlite_app, tmp_path):
    with sqlite_app.app_context():
        load_demo()
        db.session.commit()
        comp = db.session.scalars(select(Competition).filter_by(key=DEMO_KEY)).one()
        db.session.execute(update(Stage).where(Stage.competition_id == comp.id,
                                               Stage.key == "plan").values(state="published"))
        db.session.commit()
        path = write(tmp_path, "all.pdf", build("team-feedback", comp))
        assert_fonts_embedded(path)
        assert page_count(path) >= 15  # one section (at least a page) per team
        body = text(path)
        assert all(t.name in body for t in comp.teams if not t.withdrawn)
        # In draw order, as the organizer hands the pages out.
        drawn = sorted((t for t in comp.teams if not t.withdrawn),
                       key=lambda t: t.draw_position)
        assert [t.key for t in drawn] != sorted(t.key for t in drawn)  # the check can fail
        where = [body.index(t.name) for t in drawn]
        assert where == sorted(where)
        check_page_layout(path, 1)
        english = write(tmp_path, "en.pdf", build("team-feedback", comp, team="T01", lang="en"))
        assert "Field mean" in text(english) and "Your place" in text(english)
        _shot(english, "feedback-en")


def test_judge_review_prints_the_figures_of_the_results_engine(sqlite_app, tmp_path):
    with sqlite_app.app_context():
        load_demo()
        db.session.commit()
        comp = db.session.scalars(select(Competition).filter_by(key=DEMO_KEY)).one()
        path = write(tmp_path, "review.pdf", build("judge-review", comp))
        assert_fonts_embedded(path)
        check_page_layout(path, 1)
        body = text(path)
        _contest, review = review_for(comp)
        rows = review["plan"]
        assert len(rows) == 9
        names = dict(db.session.execute(select(Judge.key, Judge.name).where(
            Judge.competition_id == comp.id)).all())
        from scoring.reports.judge_review import fraction_text

        for r in rows:
            assert names[r.judge] in body
            assert fraction_text(r.mean_deviation) in body
        _shot(path, "judge-review")


def test_team_cards_carry_each_teams_link(sqlite_app, tmp_path):
    with sqlite_app.app_context():
        load_demo()
        db.session.commit()
        comp = db.session.scalars(select(Competition).filter_by(key=DEMO_KEY)).one()
        path = write(tmp_path, "cards.pdf", build_team_cards(comp, base_url="http://10.0.0.5:5000"))
        assert_fonts_embedded(path)
        flat = squeeze(text(path))
        teams = [t for t in comp.teams if not t.withdrawn]
        assert len({t.upload_token for t in teams}) == len(teams)
        for t in teams:
            assert squeeze(f"http://10.0.0.5:5000/t/{t.id}.{t.upload_token}") in flat
        check_page_layout(path, 1)
        _shot(path, "team-cards")


def test_backup_holds_the_materials_folder(app, demo, runner, tmp_path):
    from tests.materials import samples
    from tests.materials.util import upload

    client = app.test_client()
    from tests.conftest import make_user

    make_user(app, "admin", "password-admin", "admin")
    client.post("/admin/login", data={"username": "admin", "password": "password-admin"})
    upload(client, app, [("plan.pdf", samples.pdf(2))])
    result = runner.invoke(args=["backup", "-o", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    copied = {p.name: p.read_bytes() for p in (tmp_path / "b").glob("backup-*/materials/*/*")}
    source = Path(app.instance_path) / "materials"
    originals = {p.name: p.read_bytes() for p in source.glob("*/*")}
    assert len(originals) == 3 and copied == originals  # the PDF and its two pages
    for name, data in copied.items():
        assert hashlib.sha256(data).hexdigest() == name.split(".")[0]
    shutil.rmtree(source)  # a restore without the folder: pages answer 404, never 500


def test_feedback_figures_keep_every_place_the_ranking_shows():
    """82.1 prints as 82.10 when the contest rounds to two places, as on the ranking."""
    from fractions import Fraction

    from scoring.reports.feedback import _text

    assert _text(Fraction(821, 10), 2) == "82.10"
    assert _text(Fraction(1, 3), 2) == "0.33" and _text(Fraction(5, 1), 0) == "5"
    assert _text(Fraction(1, 8), 2) == "0.13" and _text(None, 2) == "—"
