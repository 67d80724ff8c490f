"""The ranking's big read (scoring/results/sheet_rows.py), on every database of the run.

One row per sheet with its scores joined into a text must give exactly what the
row-by-row read gives and what the ORM gives: the same sheets, the same Decimals (same
digits, same exponent), the same results object.
"""
from decimal import Decimal

import pytest
from sqlalchemy import insert, select, text

from bench.bigcontest import build
from scoring.extensions import db
from scoring.models import Criterion, Judge, Score, ScoreSheet, Stage, Team
from scoring.results import sheet_rows, standings


def _contest():
    """A small contest with every kind of sheet the read must carry."""
    comp = build(teams=5, judges=4, stages=2, criteria=3, key="rows", seed=3)
    stage_ids = db.session.scalars(select(Stage.id).where(Stage.competition_id == comp.id)
                                   .order_by(Stage.position)).all()
    first, second = stage_ids
    crits = db.session.scalars(select(Criterion.id).where(Criterion.stage_id == first)
                               .order_by(Criterion.position)).all()
    sheets = db.session.scalars(select(ScoreSheet).where(ScoreSheet.stage_id == first)
                                .order_by(ScoreSheet.id)).all()
    # Values of every shape: a fraction of a point, zero, the maximum, trailing digits.
    for sheet, values in zip(sheets[:2], (("0", "0.125", "20"), ("7.5", "10.250", "19.999")),
                             strict=True):
        for crit, value in zip(crits, values, strict=True):
            db.session.execute(Score.__table__.update()
                               .where(Score.sheet_id == sheet.id, Score.criterion_id == crit)
                               .values(value=Decimal(value)))
    # A draft with only some criteria given, and a comment that holds the read's own
    # separators; a submitted sheet of the second stage with no score at all.
    sheets[2].status = "draft"
    sheets[2].comment = "a=1,b=2; 评语，逗号"
    db.session.execute(Score.__table__.delete().where(Score.sheet_id == sheets[2].id,
                                                      Score.criterion_id == crits[0]))
    empty = db.session.scalars(select(ScoreSheet).where(ScoreSheet.stage_id == second)
                               .order_by(ScoreSheet.id)).first()
    empty.status = "draft"
    db.session.execute(Score.__table__.delete().where(Score.sheet_id == empty.id))
    db.session.commit()
    return comp, stage_ids


def _keys(comp):
    keys = {}
    for model in (Judge, Team, Stage):
        owner = model.competition_id == comp.id
        keys[model] = dict(db.session.execute(select(model.id, model.key).where(owner)).all())
    keys[Criterion] = dict(db.session.execute(select(Criterion.id, Criterion.key)).all())
    return keys[Judge], keys[Team], keys[Stage], keys[Criterion]


def _shown(sheets):
    """Each sheet as plain text, so 15 and 15.000 would differ."""
    return [(s.judge, s.team, s.stage, s.status, s.comment,
             sorted((k, str(v)) for k, v in s.scores.items())) for s in sheets]


def _orm_sheets(stage_ids, judge_key, team_key, stage_key, crit_key):
    """The same sheets read through the ORM (models.base.Exact gives each Decimal)."""
    out = []
    for sheet in db.session.scalars(select(ScoreSheet).where(ScoreSheet.stage_id.in_(stage_ids))):
        scores = db.session.execute(select(Score.criterion_id, Score.value)
                                    .where(Score.sheet_id == sheet.id)).all()
        out.append((judge_key[sheet.judge_id], team_key[sheet.team_id], stage_key[sheet.stage_id],
                    sheet.status, sheet.comment or "",
                    sorted((crit_key[c], str(v)) for c, v in scores)))
    return sorted(out, key=lambda s: (s[2], s[1], s[0]))


def test_joined_read_gives_what_the_rows_and_the_orm_give(app):
    with app.app_context():
        comp, stage_ids = _contest()
        keys = _keys(comp)
        joined = sheet_rows.sheets_of_stages(stage_ids, *keys)
        by_rows = sheet_rows.sheets_by_rows(stage_ids, *keys)
        assert len(joined) == 5 * 4 * 2
        assert _shown(joined) == _shown(by_rows) == _orm_sheets(stage_ids, *keys)
        shown = {(s[1], s[2], s[0]): s for s in _shown(joined)}
        assert any(s[3] == "draft" and s[4] == "a=1,b=2; 评语，逗号" and len(s[5]) == 2
                   for s in shown.values())
        assert any(s[5] == [] for s in shown.values())
        assert sheet_rows.sheets_of_stages([], *keys) == ()


def test_whole_results_are_the_same_by_either_read(app, demo, monkeypatch):
    from scoring.models import Competition

    with app.app_context():
        comps = [build(teams=12, judges=7, stages=3, criteria=4, key="same", seed=11),
                 db.session.scalars(select(Competition).where(Competition.key == demo)).one()]
        for comp in comps:
            joined = standings.results_for(comp)
            with monkeypatch.context() as m:
                m.setattr(standings, "sheets_of_stages", sheet_rows.sheets_by_rows)
                by_rows = standings.results_for(comp)
            assert joined == by_rows
            assert joined.fingerprint == by_rows.fingerprint
        assert [t.rank for t in standings.results_for(comps[0]).teams if t.rank is not None]


def _longest_joined_text(stage_ids):
    stmt = sheet_rows._joined_stmt(db.session.get_bind().dialect.name, stage_ids)
    return max(len(row[5] or "") for batch in sheet_rows.plain_batches(stmt) for row in batch)


@pytest.mark.parametrize("cut", ["at 4", "in the last value"])
def test_a_joined_text_cut_short_is_read_again_row_by_row(app, monkeypatch, cut):
    """MariaDB cuts group_concat at group_concat_max_len; the full length read beside the
    text catches it wherever the cut falls, even where what is left still parses (the
    longest text less its last character: "7=19.999" -> "7=19.99")."""
    with app.app_context():
        comp, stage_ids = _contest()
        keys = _keys(comp)
        expected = _shown(sheet_rows.sheets_by_rows(stage_ids, *keys))
        dialect = db.session.get_bind().dialect.name
        limit = 4 if cut == "at 4" else _longest_joined_text(stage_ids) - 1
        fallbacks = []
        real = sheet_rows.sheets_by_rows

        def spy(*args):
            fallbacks.append(args)
            return real(*args)

        monkeypatch.setattr(sheet_rows, "sheets_by_rows", spy)
        if dialect == "mysql":
            db.session.execute(text(f"SET SESSION group_concat_max_len = {limit}"))
            try:
                assert _shown(sheet_rows.sheets_of_stages(stage_ids, *keys)) == expected
            finally:  # the pooled connection serves the next tests
                db.session.execute(text("SET SESSION group_concat_max_len = DEFAULT"))
            assert len(fallbacks) == 1
        else:  # no limit there and no length read: read MariaDB's, and make it too long
            real_stmt, real_batches = sheet_rows._joined_stmt, sheet_rows.plain_batches

            def with_length(stmt):
                for batch in real_batches(stmt):
                    # The joined rows (head, text, length) and not the row-by-row read's.
                    yield ([row[:-1] + (row[-1] + 1,) if row[-1] is not None else row
                            for row in batch] if len(batch[0]) == 7 else batch)

            monkeypatch.setattr(sheet_rows, "_UNCUT", frozenset())
            monkeypatch.setattr(sheet_rows, "_joined_stmt",
                                lambda dialect, ids: real_stmt("mysql", ids))
            monkeypatch.setattr(sheet_rows, "plain_batches", with_length)
            assert _shown(sheet_rows.sheets_of_stages(stage_ids, *keys)) == expected
            assert len(fallbacks) == 1


def test_the_joined_row_holds_only_what_the_ranking_uses(app):
    """The joined read's row: judge, team, stage, status, comment, the joined text, and
    only where the text can be cut (MariaDB) its full length; not the sheet's id."""
    with app.app_context():
        comp, stage_ids = _contest()
        dialect = db.session.get_bind().dialect.name
        stmt = sheet_rows._joined_stmt(dialect, stage_ids)
        head = ["judge_id", "team_id", "stage_id", "status", "comment"]
        assert [c.name for c in list(stmt.selected_columns)[:5]] == head
        width = 6 if dialect in ("sqlite", "postgresql") else 7
        rows = [row for batch in sheet_rows.plain_batches(stmt) for row in batch]
        assert len(rows) == 5 * 4 * 2
        assert {len(row) for row in rows} == {width}
        assert all(isinstance(row[5], str) and "=" in row[5]
                   for row in rows if row[3] == "submitted")
        sheets = {(r.judge_id, r.team_id, r.stage_id): r.comment or "" for r in db.session
                  .scalars(select(ScoreSheet).where(ScoreSheet.stage_id.in_(stage_ids)))}
        assert {row[:3]: row[4] or "" for row in rows} == sheets


@pytest.mark.parametrize("value", ["12.5", "3", "0.001"])
def test_one_score_reads_back_with_its_stored_digits(app, value):
    with app.app_context():
        comp, stage_ids = _contest()
        keys = _keys(comp)
        sheet = db.session.scalars(select(ScoreSheet).where(ScoreSheet.stage_id == stage_ids[1])
                                   .order_by(ScoreSheet.id.desc())).first()
        crit = db.session.scalars(select(Criterion.id).where(Criterion.stage_id == stage_ids[1])
                                  .order_by(Criterion.position)).first()
        db.session.execute(Score.__table__.delete().where(Score.sheet_id == sheet.id))
        db.session.execute(insert(Score), [{"sheet_id": sheet.id, "criterion_id": crit,
                                            "value": Decimal(value)}])
        db.session.commit()
        joined = _shown(sheet_rows.sheets_of_stages(stage_ids, *keys))
        assert joined == _shown(sheet_rows.sheets_by_rows(stage_ids, *keys))
        assert joined == _orm_sheets(stage_ids, *keys)
