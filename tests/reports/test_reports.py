"""Printed reports: every kind builds, fonts embedded, text and pages look right."""
import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert, select

from scoring.extensions import db
from scoring.models import Competition, Criterion, Judge, Score, ScoreSheet, Stage, Team
from scoring.operations.demo import DEMO_KEY, load_demo
from scoring.operations.tokens import judge_link_path
from scoring.reports import KINDS, FontError, ReportError, build
from scoring.reports.sheets_xlsx import build_sheets_xlsx, safe_text
from scoring.results.standings import results_for

from . import bigcontest
from .pdfcheck import (
    assert_fonts_embedded,
    check_page_layout,
    page_count,
    squeeze,
    text,
    write,
)
from .pdfcheck import fonts as pdf_fonts

SIGNATURES = {
    "ranking": ["总评委签字", "监审签字", "日期"],
    "sheets": ["评委签字", "日期"],
    "team-detail": ["总评委签字"],
    "blank-sheets": ["评委签字", "日期"],
    "draw": ["监审签字"],
    "judge-links": [],
    "team-feedback": [],
    "judge-review": [],
}
TITLES = {"ranking": "成绩排名表", "sheets": "评分表", "team-detail": "队伍成绩明细",
          "blank-sheets": "纸质评分表", "draw": "抽签结果", "judge-links": "评委登录卡",
          "team-feedback": "参赛队反馈报告", "judge-review": "评委评分分析"}


def _competition(key):
    return db.session.scalar(select(Competition).where(Competition.key == key))


def complete_demo(key=DEMO_KEY):
    """Submit every missing sheet of the demo (all stages), so it has a final ranking."""
    comp = _competition(key)
    from scoring.results.standings import contest_input
    from scoring.rules import recusal_matrix

    contest = contest_input(comp)
    matrix = recusal_matrix(contest.judges, contest.teams, contest.recusals)
    have = {(s.judge, s.team, s.stage) for s in contest.sheets}
    ids = {
        "judge": dict(db.session.execute(select(Judge.key, Judge.id)
                                         .where(Judge.competition_id == comp.id)).all()),
        "team": dict(db.session.execute(select(Team.key, Team.id)
                                        .where(Team.competition_id == comp.id)).all()),
        "stage": dict(db.session.execute(select(Stage.key, Stage.id)
                                         .where(Stage.competition_id == comp.id)).all()),
    }
    rows = []
    for s in contest.stages:
        for t in contest.teams:
            for j in contest.judges:
                if matrix[(j.key, t.key)].recused or (j.key, t.key, s.key) in have:
                    continue
                rows.append({"judge_id": ids["judge"][j.key], "team_id": ids["team"][t.key],
                             "stage_id": ids["stage"][s.key], "status": "submitted",
                             "version": 1, "source": "judge"})
    if rows:
        db.session.execute(insert(ScoreSheet), rows)
    crits = db.session.execute(select(Criterion.id, Criterion.stage_id, Criterion.max)).all()
    scored = set(db.session.execute(select(Score.sheet_id)).scalars())
    scores = []
    for sheet_id, stage_id, team_id, judge_id in db.session.execute(
            select(ScoreSheet.id, ScoreSheet.stage_id, ScoreSheet.team_id, ScoreSheet.judge_id)):
        if sheet_id in scored:
            continue
        for cid, sid, cmax in crits:
            if sid == stage_id:
                # Different per team and judge, on the 0.5 step, within [0, max].
                halves = int(cmax * 2) * (60 + (team_id * 7 + judge_id * 3 + cid) % 35) // 100
                scores.append({"sheet_id": sheet_id, "criterion_id": cid,
                               "value": Decimal(halves) / 2})
    db.session.execute(insert(Score), scores)
    db.session.commit()


def _check_common(path, kind, comp_name):
    assert_fonts_embedded(path)
    first = text(path, 1, 1)
    assert comp_name in squeeze(first)
    assert TITLES[kind] in first
    assert "第 1 页" in first and "共" in first
    assert "打印时间" in first


# ---- the demo contest, on every database ------------------------------------------------

def test_demo_every_kind_builds(app, demo, tmp_path):
    with app.app_context():
        comp = _competition(demo)
        judges = [j.name for j in comp.judges]
        teams = [t.name for t in comp.teams]
        result = results_for(comp)
        assert result.provisional  # presentation is open: the demo is not finished
        for kind in KINDS:
            path = write(tmp_path, f"{kind}.pdf", build(kind, comp, base_url="http://10.0.0.5:5000"))
            _check_common(path, kind, comp.name)
            whole = text(path)
            for label in SIGNATURES[kind]:
                assert label in whole, (kind, label)
            if kind in ("sheets", "blank-sheets", "judge-links"):
                assert all(name in whole for name in judges), kind
            if kind in ("ranking", "sheets", "blank-sheets", "draw", "team-detail"):
                assert all(name in whole for name in teams), kind
        ranking = text(tmp_path / "ranking.pdf")
        assert "暂定" in ranking and result.fingerprint in ranking
        team_detail = text(tmp_path / "team-detail.pdf")
        assert "暂定" in team_detail and "去掉" in team_detail
        # The plan stage is scored: a judge's sheet shows its totals.
        sheets = text(tmp_path / "sheets.pdf")
        assert "已提交" in sheets and "回避" in sheets


def test_demo_finished_ranking_has_awards_and_no_provisional_mark(sqlite_app, tmp_path):
    with sqlite_app.app_context():
        load_demo()
        db.session.commit()
        complete_demo()
        comp = _competition(DEMO_KEY)
        result = results_for(comp)
        assert not result.provisional
        path = write(tmp_path, "ranking.pdf", build("ranking", comp))
        body = text(path)
        assert "一等奖" in body and "二等奖" in body and "三等奖" in body
        assert "暂定" not in body
        assert result.fingerprint in body
        winner = result.teams[0]
        assert winner.rank == 1 and winner.award == "一等奖"
        assert comp.teams[0].name in body
        # Each final as printed is the rounded one from the engine.
        for t in result.teams:
            assert f"{t.final:.2f}" in body
        check_page_layout(path, 1)


def test_team_detail_stamps_only_the_teams_still_waiting(sqlite_app, tmp_path):
    """One sheet missing: that team's pages say 暂定 PROVISIONAL, the complete teams' not."""
    with sqlite_app.app_context():
        load_demo()
        db.session.commit()
        complete_demo()
        comp = _competition(DEMO_KEY)
        waiting = comp.teams[2]
        sheet = db.session.scalars(select(ScoreSheet).where(ScoreSheet.team_id == waiting.id)
                                   .order_by(ScoreSheet.id)).first()
        db.session.execute(Score.__table__.delete().where(Score.sheet_id == sheet.id))
        db.session.delete(sheet)
        db.session.commit()
        result = results_for(comp)
        assert [t.team for t in result.teams if t.provisional] == [waiting.key]
        path = write(tmp_path, "team-detail.pdf", build("team-detail", comp))
        stamped, clean = [], []
        for page in range(1, page_count(path) + 1):
            body = text(path, page, page)
            (stamped if "PROVISIONAL" in body else clean).append(page)
            assert ("PROVISIONAL" in body) == (waiting.name in body), page
        assert stamped and len(clean) >= len(comp.teams) - 1


def test_a_blank_sheet_of_the_demo_fits_one_page_with_its_signature(app, demo, tmp_path):
    """15 teams: each judge's paper sheet on one page, signed on that page."""
    with app.app_context():
        comp = _competition(demo)
        assert len(comp.teams) >= 15
        path = write(tmp_path, "blank.pdf", build("blank-sheets", comp))
        sections = len(comp.judges) * len(comp.stages)
        assert page_count(path) == sections
        for page in range(1, sections + 1):
            assert "评委签字" in text(path, page, page), page


# ---- 300 teams --------------------------------------------------------------------------

def test_300_teams_every_kind(sqlite_app, tmp_path):
    with sqlite_app.app_context():
        comp = _competition(bigcontest.build())
        result = results_for(comp)
        assert not result.provisional and result.teams[0].award == "一等奖"
        for kind in KINDS:
            pdf = build(kind, comp, base_url="http://10.0.0.5:5000")
            path = write(tmp_path, f"{kind}.pdf", pdf)
            _check_common(path, kind, comp.name)
            pages = page_count(path)
            whole = text(path)
            flat = squeeze(whole)
            assert f"共 {pages} 页" in whole
            for label in SIGNATURES[kind]:
                assert label in whole, (kind, label)
            # (judge-review names judges only; team-feedback, before publishing, no team:
            # both are checked on this contest published in tests/materials/test_reports.)
            if kind not in ("judge-links", "judge-review", "team-feedback"):
                # Long names wrap, never cut off; markup in names prints literally.
                assert squeeze(bigcontest.LONG_NAME) in flat, kind
                for nasty in bigcontest.NASTY_NAMES:
                    assert squeeze(nasty) in flat, (kind, nasty)
            if kind == "ranking":
                assert "一等奖" in whole and "弃权" in whole
                assert result.fingerprint in whole
            if kind in ("sheets", "blank-sheets", "judge-links"):
                assert all(j[1] in whole for j in bigcontest.JUDGES)
            for page in sorted({1, (pages + 1) // 2, pages}):
                check_page_layout(path, page)


# ---- single kinds -----------------------------------------------------------------------

def test_stage_and_team_options(demo_sqlite, tmp_path):
    comp = _competition(DEMO_KEY)
    one = write(tmp_path, "plan.pdf", build("sheets", comp, stage="plan"))
    everything = write(tmp_path, "all.pdf", build("sheets", comp))
    assert page_count(one) * 3 == page_count(everything)
    assert "现场展示" not in text(one)
    team = comp.teams[0]
    detail = write(tmp_path, "team.pdf", build("team-detail", comp, team=team.key))
    body = text(detail)
    assert team.name in body and comp.teams[1].name not in body
    with pytest.raises(ReportError):
        build("sheets", comp, stage="nope")
    with pytest.raises(ReportError):
        build("team-detail", comp, team="nope")
    with pytest.raises(ReportError):
        build("ranking", comp, stage="plan")
    with pytest.raises(ReportError):
        build("nonsense", comp)


def test_draw_sheet_prints_seed_and_rederivation(demo_sqlite, tmp_path):
    from scoring.rules import random_draw

    comp = _competition(DEMO_KEY)
    body = text(write(tmp_path, "draw.pdf", build("draw", comp)))
    assert comp.draw_seed in body and "SHA-256" in body and "hashlib" in body
    order = random_draw(comp.draw_seed, [t.key for t in comp.teams])
    rows = {r[0]: r[1] for r in (line.split() for line in body.splitlines())
            if len(r) > 1 and r[0].isdigit()}
    # Every printed position holds the team the seed gives it.
    for key, position in order.items():
        assert rows[str(position)] == key
    assert "不一致" not in body  # the recorded order is the one the seed gives


def test_judge_cards_carry_each_private_link(demo_sqlite, tmp_path):
    comp = _competition(DEMO_KEY)
    path = write(tmp_path, "cards.pdf", build("judge-links", comp,
                                              base_url="http://192.168.1.20:5000/"))
    flat = squeeze(text(path))
    for judge in comp.judges:
        assert f"http://192.168.1.20:5000/j/{judge_link_path(judge)}" in flat
        assert judge.name in flat
    assert page_count(path) == 2  # 9 judges, 8 cards a page
    check_page_layout(path, 1)


def test_english_print(demo_sqlite, tmp_path):
    comp = _competition(DEMO_KEY)
    body = text(write(tmp_path, "en.pdf", build("sheets", comp, stage="plan", lang="en")))
    assert "Page 1 of" in body and "Judge signature" in body and "Printed" in body
    # The Chinese default is untouched by an English print made before.
    zh = text(write(tmp_path, "zh.pdf", build("sheets", comp, stage="plan")))
    assert "评委签字" in zh


def test_english_reports_use_english_punctuation(demo_sqlite, tmp_path):
    """Names, colons and codes in English prints read as English: no 、：（） around
    what the program writes (Chinese names and departments stay as they are typed)."""
    from scoring.operations.live import withdraw

    comp = _competition(DEMO_KEY)
    comp.name = "Young staff contest"  # the demo's own name has （演示）
    withdraw(comp.teams[0], "生病")
    db.session.flush()
    for kind in ("ranking", "team-detail", "draw", "sheets", "judge-links"):
        extra = {"base_url": "http://192.168.1.20:5000"} if kind == "judge-links" else {}
        body = text(write(tmp_path, f"{kind}.pdf", build(kind, comp, lang="en", **extra)))
        for mark in ("、", "：", "（", "）"):
            assert mark not in body, (kind, mark)
    zh = text(write(tmp_path, "zh.pdf", build("ranking", comp)))
    assert "、" in zh and "：" in zh


def test_sheets_xlsx_has_every_sheet_and_no_formula(sqlite_app):
    with sqlite_app.app_context():
        comp = _competition(bigcontest.build(n_teams=12))
        wb = load_workbook(io.BytesIO(build_sheets_xlsx(comp)))
        assert [ws.title for ws in wb.worksheets] == ["方案设计", "现场展示", "总结反思"]
        ws = wb.worksheets[0]
        header = [c.value for c in ws[1]]
        assert header[:6] == ["评委编号", "评委", "评委组别", "出场序号", "队伍编号", "队伍"]
        assert header[-2:] == ["合计", "状态"]
        assert ws.max_row == 1 + 9 * 12
        values = [c.value for row in ws.iter_rows(min_row=2) for c in row]
        assert "'=1+2 公式队" in values
        assert not any(isinstance(v, str) and v.startswith(("=", "+", "@")) for v in values)
        assert "回避" in values
        # A submitted sheet's total is the sum of its criteria.
        for row in ws.iter_rows(min_row=2, values_only=True):
            if row[-1] == "已提交":
                assert row[-2] == sum(Decimal(str(v)) for v in row[6:-2])
    assert safe_text("-1") == "'-1" and safe_text("@x") == "'@x" and safe_text("ok") == "ok"


def test_custom_font_setting(make_app, tmp_path):
    dejavu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    if not Path(dejavu).exists():
        pytest.skip("DejaVu Sans is not installed")
    app = make_app("sqlite", SCORING_PDF_FONT=dejavu)
    with app.app_context():
        load_demo()
        db.session.commit()
        comp = _competition(DEMO_KEY)
        path = write(tmp_path, "draw.pdf", build("draw", comp, lang="en"))
        names = [r["line"] for r in pdf_fonts(path)]
        assert any("DejaVuSans" in n for n in names)
        assert_fonts_embedded(path)
    bad = make_app("sqlite", SCORING_PDF_FONT=str(tmp_path / "missing.ttf"))
    with bad.app_context():
        load_demo()
        db.session.commit()
        with pytest.raises(FontError):
            build("draw", _competition(DEMO_KEY))
