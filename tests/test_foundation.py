"""The foundation: schema on every database, login page, languages, CLI, bad configuration."""
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from sqlalchemy.exc import IntegrityError

from scoring.extensions import db as _db
from scoring.models import Competition, Criterion, Judge, Score, ScoreSheet, Stage, Team

ROOT = Path(__file__).resolve().parent.parent


def _minimal_contest():
    comp = Competition(key="c1", name="测试竞赛")
    stage = Stage(competition=comp, key="plan", name="方案设计", weight=Decimal("0.3"))
    crit = Criterion(stage=stage, key="goals", name="目标", max=Decimal("25"),
                     step=Decimal("0.5"))
    judge = Judge(competition=comp, key="X1", name="甲", panel_group="external", token="t1")
    team = Team(competition=comp, key="A", name="启航队")
    _db.session.add_all([comp, stage, crit, judge, team])
    _db.session.flush()
    return stage, crit, judge, team


def test_database_refuses_second_sheet_for_same_judge_team_stage(db):
    stage, crit, judge, team = _minimal_contest()
    db.session.add(ScoreSheet(judge=judge, team=team, stage=stage))
    db.session.commit()
    db.session.add(ScoreSheet(judge=judge, team=team, stage=stage))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ScoreSheet)) == 1


def test_database_refuses_second_score_for_same_criterion(db):
    stage, crit, judge, team = _minimal_contest()
    sheet = ScoreSheet(judge=judge, team=team, stage=stage)
    db.session.add(sheet)
    db.session.flush()
    db.session.add_all([Score(sheet=sheet, criterion=crit, value=Decimal("20")),
                        Score(sheet=sheet, criterion=crit, value=Decimal("21"))])
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


@pytest.mark.parametrize("value", ["27.5", "0.125", "100", "0"])
def test_scores_round_trip_exactly_as_decimal(db, value):
    stage, crit, judge, team = _minimal_contest()
    sheet = ScoreSheet(judge=judge, team=team, stage=stage)
    sheet.scores.append(Score(criterion=crit, value=Decimal(value)))
    db.session.add(sheet)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.scalar(sa.select(Score.value))
    assert isinstance(stored, Decimal)
    assert stored == Decimal(value)


def test_float_scores_are_refused(db):
    stage, crit, judge, team = _minimal_contest()
    sheet = ScoreSheet(judge=judge, team=team, stage=stage)
    sheet.scores.append(Score(criterion=crit, value=27.5))
    db.session.add(sheet)
    with pytest.raises(Exception, match="never a float"):
        db.session.flush()
    db.session.rollback()


def test_login_page_is_chinese_by_default_and_switches_to_english(client):
    page = client.get("/admin/login").get_data(as_text=True)
    assert "组织者登录" in page
    assert '<html lang="zh-CN">' in page
    assert "<strong>中文</strong>" in page
    response = client.get("/lang/en?next=/admin/login")
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/login")
    page = client.get("/admin/login").get_data(as_text=True)
    assert "Organizer login" in page and "组织者登录" not in page
    assert '<html lang="en">' in page and "<strong>English</strong>" in page


def test_language_switch_does_not_redirect_off_site(client):
    response = client.get("/lang/en?next=https://evil.example/")
    assert "evil.example" not in response.headers["Location"]


def test_pages_load_nothing_from_another_host(client):
    page = client.get("/admin/login").get_data(as_text=True)
    for url in re.findall(r'(?:src|href)="([^"]+)"', page):
        assert not url.startswith(("http:", "https:", "//")), url
    with client.get("/static/css/app.css") as css:
        assert css.status_code == 200 and b"@import" not in css.data


def test_organizer_login_and_logout(app, client, login):
    assert client.get("/admin/").status_code == 302
    login("admin")
    assert client.get("/admin/").status_code == 200
    client.post("/admin/logout")
    assert client.get("/admin/").status_code == 302


def test_wrong_password_is_refused_with_a_message(app, client):
    from tests.conftest import make_user

    make_user(app, "bob", "right-password")
    page = client.post("/admin/login", data={"username": "bob", "password": "wrong"})
    assert page.status_code == 200
    assert "用户名或密码错误" in page.get_data(as_text=True)


def test_login_never_redirects_off_site(app, client):
    from tests.conftest import make_user

    make_user(app, "bob", "right-password")
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post("/admin/login?next=" + target,
                               data={"username": "bob", "password": "right-password"})
        assert "evil.example" not in response.headers["Location"], target
        client.post("/admin/logout")


@pytest.mark.parametrize("path,status,text", [
    ("/no-such-page", 404, "页面不存在"),
    # A form's answer reloaded (GET): said as such, not "无权访问" (no rights).
    ("/admin/logout", 405, "不能刷新或直接打开"),
])
def test_error_pages_are_translated(client, path, status, text):
    response = client.get(path)
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert text in page and "无权访问" not in page


def test_another_method_on_a_page_is_not_called_a_lack_of_rights(client):
    response = client.delete("/admin/login")
    assert response.status_code == 405
    page = response.get_data(as_text=True)
    assert "不接受此请求" in page and "无权访问" not in page


def test_missing_csrf_token_is_a_clear_page(make_app):
    app = make_app("sqlite", WTF_CSRF_ENABLED=True)
    response = app.test_client().post("/admin/login", data={"username": "a", "password": "b"})
    assert response.status_code == 400
    assert "安全令牌" in response.get_data(as_text=True)


def test_security_headers(client):
    response = client.get("/admin/login")
    csp = response.headers["Content-Security-Policy"]
    script_src = csp.split("script-src")[1].split(";")[0]
    assert "script-src 'self'" in csp and "unsafe-inline" not in script_src
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_session_cookie_is_httponly_and_samesite(app, client, login):
    login("admin")
    cookie = client.get_cookie("session", domain="scoring.test")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


def test_demo_loads_once_and_prints_a_working_login(app, runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    password = re.search(r"password: (\S+)", first.output).group(1)
    assert "http://127.0.0.1:5000/admin/login" in first.output
    # Run again (on another port): nothing duplicated, the password someone may already
    # use is not changed behind their back, the address printed is the server's.
    second = runner.invoke(args=["demo", "--port", "8080"])
    assert second.exit_code == 0 and "already loaded" in second.output
    assert "password:" not in second.output and "unchanged" in second.output
    assert "http://127.0.0.1:8080/admin/login" in second.output
    with app.app_context():
        comps = _db.session.scalars(sa.select(Competition)).all()
        assert len(comps) == 1
        comp = comps[0]
        assert len(comp.teams) == 15 and len(comp.judges) == 9 and len(comp.stages) == 3
        assert sum(j.panel_group == "external" for j in comp.judges) == 3
        for team in comp.teams:
            depts = [m.department_id for m in team.members]
            assert len(depts) == 3 and len(set(depts)) == 3
        positions = sorted(t.draw_position for t in comp.teams)
        assert positions == list(range(1, 16))
    client = app.test_client()
    ok = client.post("/admin/login", data={"username": "admin", "password": password})
    assert ok.status_code == 302


def test_version(app, runner):
    from importlib.metadata import version

    from scoring.cli import make_group

    result = CliRunner().invoke(make_group(), ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"scoring {version('scoring')}"


def test_create_admin_with_option(app, runner):
    result = runner.invoke(args=["create-admin", "--username", "org", "--password",
                                 "long-enough-pw"])
    assert result.exit_code == 0, result.output
    short = runner.invoke(args=["create-admin", "--username", "x", "--password", "short"])
    assert short.exit_code != 0 and "8" in short.output


def _cli(*args, env=None, cwd=ROOT):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("SCORING_")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "scoring", *args], capture_output=True,
                          text=True, env=full_env, cwd=cwd, timeout=120)


def test_unreachable_database_is_one_clear_line(tmp_path):
    result = _cli("demo", env={"SCORING_INSTANCE_PATH": str(tmp_path),
                               "SCORING_DATABASE_URL":
                               "postgresql://nobody@127.0.0.1:1/none"})
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "SCORING_DATABASE_URL" in lines[0], result.stderr


def test_unwritable_instance_folder_is_one_clear_line(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    if os.access(locked, os.W_OK):  # root ignores permissions: use a path under a file
        locked = tmp_path / "a-file"
        locked.write_text("")
        locked = locked / "instance"
    result = _cli("demo", env={"SCORING_INSTANCE_PATH": str(locked)})
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "instance folder" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_missing_migration_is_one_clear_line(tmp_path):
    result = _cli("serve", "--port", "1", env={"SCORING_INSTANCE_PATH": str(tmp_path)})
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "scoring db upgrade" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_organizer_login_is_throttled_after_repeated_failures(app, client):
    from tests.conftest import make_user

    make_user(app, "carol", "right-password")
    for _ in range(5):
        assert client.post("/admin/login", data={"username": "carol",
                                                 "password": "guess"}).status_code == 200
    locked = client.post("/admin/login", data={"username": "carol",
                                               "password": "right-password"})
    assert locked.status_code == 429
    assert "失败次数过多" in locked.get_data(as_text=True)
    # Another name from the same address is not locked yet.
    make_user(app, "dave", "right-password")
    assert client.post("/admin/login", data={"username": "dave",
                                             "password": "right-password"}).status_code == 302


def test_keys_differing_only_in_case_are_distinct_on_every_database(db):
    """MariaDB's default collation ignores case; keys must compare byte for byte everywhere."""
    comp = Competition(key="case", name="大小写")
    db.session.add_all([comp, Team(competition=comp, key="t01", name="甲"),
                        Team(competition=comp, key="T01", name="乙")])
    db.session.commit()
    assert db.session.scalar(sa.select(Team.name).where(Team.key == "T01")) == "乙"
    db.session.add(Team(competition=comp, key="t01", name="丙"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_judge_session_gets_403_on_organizer_pages(app, demo):
    with app.app_context():
        judge = _db.session.scalar(sa.select(Judge).filter_by(key="X1"))
        link = f"/j/{judge.id}.{judge.token}"
    client = app.test_client()
    assert client.get(link).status_code == 302
    for path in ("/admin/", f"/admin/c/{demo}/results", f"/admin/c/{demo}/rules"):
        assert client.get(path).status_code == 403, path


def test_the_migrated_schema_is_exactly_the_models(app):
    # Built by the migrations (conftest); any column, type, constraint or index that a
    # model has and no migration made (or the reverse) shows up here.
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with app.app_context(), _db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, _db.metadata) == []


@pytest.mark.parametrize(("sql", "index"), [
    ("SELECT name FROM member WHERE team_id = 1", "ix_member_team_id"),
    ("SELECT id FROM score_sheet WHERE stage_id IN (1, 2)", "ix_score_sheet_stage_id"),
    ("SELECT id FROM score_sheet WHERE team_id = 1", "ix_score_sheet_team_id"),
    ("SELECT id FROM score WHERE criterion_id = 1", "ix_score_criterion_id"),
])
def test_lookups_by_foreign_key_use_an_index(sqlite_app, sql, index):
    # A submission reads one team's members; without the index that scanned every member.
    with sqlite_app.app_context():
        plan = " ".join(str(row[-1]) for row in _db.session.execute(
            sa.text("EXPLAIN QUERY PLAN " + sql)))
    assert f"INDEX {index}" in plan, plan


def test_the_chosen_language_survives_logging_in(app, client, login, demo):
    """English chosen on the login page stays after login (organizer and judge)."""
    from scoring.models import Judge

    client.get("/lang/en")
    login("admin")
    assert '<html lang="en">' in client.get("/admin/").get_data(as_text=True)
    tablet = app.test_client()
    tablet.get("/lang/en")
    with app.app_context():
        judge = _db.session.scalar(sa.select(Judge).filter_by(key="X1"))
        link = f"{judge.id}.{judge.token}"
    assert tablet.get(f"/j/{link}").status_code == 302
    assert '<html lang="en">' in tablet.get("/judge/").get_data(as_text=True)
