"""The screens' polls share one reading of the contest per live version (issue 14's latency).

Every board and projector poll after a sheet used to read and rank the whole contest on
its own; results.live_cache makes one reading per version. These tests count the
readings, and check that what the screens show still follows every change.
"""
import threading

from sqlalchemy import select

import scoring.results.live_cache as live_cache
from scoring.extensions import db
from scoring.models import Judge, ScoreSheet, Stage, Team

from .test_live import _staff_client
from .util import GOOD, body, judge_client, post_submit

KEY = "demo-2024"


def _count_readings(monkeypatch):
    calls = []
    real = live_cache.contest_input

    def counted(competition, **kw):
        calls.append(competition.id)
        return real(competition, **kw)

    monkeypatch.setattr(live_cache, "contest_input", counted)
    return calls


def _polls(admin, hall):
    """One poll of each screen in the hall: two boards, two projectors (v=-1: render)."""
    return [admin.get(f"/admin/c/{KEY}/live/state?stage=presentation&v=-1").json,
            admin.get(f"/admin/c/{KEY}/live/state?stage=reflection&v=-1").json,
            hall.get(f"/projector/{KEY}/state?stage=presentation&v=-1").json,
            hall.get(f"/projector/{KEY}/state?stage=reflection&v=-1").json]


def test_every_screen_shares_one_reading_per_version(app, demo, monkeypatch):
    calls = _count_readings(monkeypatch)
    admin = _staff_client(app, "boss", "admin")
    hall = app.test_client()
    first = _polls(admin, hall)
    assert len(calls) == 1, calls  # four screens, one reading
    assert len({s["version"] for s in first}) == 1

    post_submit(judge_client(app, "X1"), "T05", body(GOOD))
    second = _polls(admin, hall)
    assert len(calls) == 2, calls  # the version moved: read once more, once
    assert second[0]["version"] > first[0]["version"]
    row = next(t for t in second[0]["teams"] if t["team"] == "T05")
    assert row["cells"]["X1"]["status"] == "submitted"
    assert row["cells"]["X1"]["total"] == "90"
    # The grid's links are built once per render now: the reopen link still names the sheet.
    with app.app_context():
        sheet_id = db.session.scalar(
            select(ScoreSheet.id).join(Judge).join(Team, Team.id == ScoreSheet.team_id)
            .join(Stage, Stage.id == ScoreSheet.stage_id)
            .where(Judge.key == "X1", Team.key == "T05", Stage.key == "presentation"))
    assert f'href="/admin/c/{KEY}/sheets/{sheet_id}/reopen"' in second[0]["html"]
    assert second[0]["html"].count("/reopen\"") == 1


def test_a_full_page_reads_afresh(app, demo, monkeypatch):
    calls = _count_readings(monkeypatch)
    admin = _staff_client(app, "boss", "admin")
    admin.get(f"/admin/c/{KEY}/live/state?stage=presentation&v=-1")
    assert admin.get(f"/admin/c/{KEY}/live?stage=presentation").status_code == 200
    assert app.test_client().get(f"/projector/{KEY}?stage=presentation").status_code == 200
    assert len(calls) == 1  # the pages did not use the polls' reading


def test_concurrent_polls_wait_for_one_reading(app, demo, monkeypatch):
    """Six projectors poll at once while the reading is slow: one reading serves all."""
    calls, gate = [], threading.Event()
    real = live_cache.contest_input

    def slow(competition, **kw):
        calls.append(competition.id)
        gate.wait(5)
        return real(competition, **kw)

    monkeypatch.setattr(live_cache, "contest_input", slow)
    answers, errors = [], []

    def poll():
        try:
            answers.append(app.test_client().get(
                f"/projector/{KEY}/state?stage=presentation&v=-1").json["html"])
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=poll) for _ in range(6)]
    for t in threads:
        t.start()
    gate.set()
    for t in threads:
        t.join(30)
    assert not errors, errors
    assert len(answers) == 6 and len(set(answers)) == 1
    assert len(calls) == 1, calls


def test_one_reading_is_kept_per_competition(app, demo, monkeypatch):
    """A large contest's reading is big: only the latest is kept. A poll that read an older
    version (a late answer) reads afresh: its rows are never older than its version."""
    calls = _count_readings(monkeypatch)
    admin = _staff_client(app, "boss", "admin")
    judge = judge_client(app, "X1")
    versions = []
    for team in ("T05", "T06", "T07"):
        post_submit(judge, team, body(GOOD))
        versions.append(admin.get(
            f"/admin/c/{KEY}/live/state?stage=presentation&v=-1").json["version"])
    assert len(calls) == 3 and versions == sorted(set(versions))
    slots = app.extensions["live_inputs"]
    assert len(slots) == 1 and next(iter(slots.values())).version == versions[-1]
    with app.app_context():
        from scoring.models import Competition
        from scoring.results.live_cache import live_input

        comp = db.session.scalars(select(Competition).filter_by(key=KEY)).one()
        older = live_input(comp, versions[0])
        assert len(calls) == 4  # read afresh, not the kept reading of another version
        again = live_input(comp, versions[0])
    assert len(calls) == 4 and again is older and len(slots) == 1
    x1 = {s.team: s.status for s in older.sheets if s.judge == "X1" and s.stage == "presentation"}
    assert x1["T07"] == "submitted"  # rows as of now: never older than the version read
