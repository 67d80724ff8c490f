"""`scoring backup` writes every competition as a contest file on every database."""
import json

from scoring.extensions import db as _db


def test_backup_writes_a_contest_file_per_competition(app, demo, runner, tmp_path):
    result = runner.invoke(args=["backup", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    files = list(tmp_path.glob("backup-*/contests/*.json"))
    assert [f.name for f in files] == [f"{demo}.json"]
    doc = json.loads(files[0].read_text(encoding="utf-8"))
    assert doc["format"] == "scoring-contest" and doc["competition"]["key"] == demo
    assert len(doc["teams"]) == 15 and len(doc["sheets"]) > 0
    sqlite_copy = list(tmp_path.glob("backup-*/scoring.sqlite"))
    with app.app_context():
        assert bool(sqlite_copy) == (_db.engine.dialect.name == "sqlite")


def test_organizers_download_the_contest_file(app, demo, client, login):
    assert client.get(f"/admin/c/{demo}/contest.json").status_code == 302  # not logged in
    login("staff")
    response = client.get(f"/admin/c/{demo}/contest.json")
    assert response.status_code == 200
    assert f"{demo}.json" in response.headers["Content-Disposition"]
    doc = json.loads(response.get_data(as_text=True))
    assert doc["competition"]["key"] == demo and len(doc["judges"]) == 9
    assert "token" not in response.get_data(as_text=True)
    page = client.get(f"/admin/c/{demo}/reports").get_data(as_text=True)
    assert page.count(f"/admin/c/{demo}/contest.json") == 1 and "竞赛数据文件" in page
