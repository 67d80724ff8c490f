"""team_size / distinct_departments through the contest file, the team form, the import,
the checklist and the rules page (issue 18 follow-up)."""
import copy
import html as html_lib
import io
import json
import re

import pytest
import sqlalchemy as sa

from scoring.extensions import db as _db
from scoring.models import AuditEntry, Competition, Member, Team
from tests.setup.helpers import HEADER, counts, make_competition, xlsx_bytes


def _text(response):
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def solo_document():
    """Five solo singers (team_size 1), ten judges, one stage, every sheet submitted."""
    marks = {"A": "9.50", "B": "9.25", "C": "9.00", "D": "8.75", "E": "8.50"}
    judges = [f"J{i}" for i in range(1, 6)]
    return copy.deepcopy({
        "format": "scoring-contest", "version": 1,
        "competition": {"key": "solo-2024", "name": "独唱比赛", "rules": {
            "aggregation": "pooled", "trim": 1, "decimals": 2, "tie_breaks": [],
            "awards": [{"name": "金奖", "count": 1}], "team_size": 1}},
        "departments": ["音乐学院"],
        "stages": [{"key": "sing", "name": "演唱", "weight": "1", "state": "closed",
                    "criteria": [{"key": "score", "name": "得分", "max": "10",
                                  "step": "0.01"}]}],
        "judges": [{"key": j, "name": f"评委{j}", "group": "external"} for j in judges],
        "teams": [{"key": k, "name": f"歌手{k}", "draw": i + 1,
                   "members": [{"name": f"歌手{k}",
                                "department": "音乐学院" if k == "A" else None}]}
                  for i, k in enumerate(marks)],
        "sheets": [{"judge": j, "team": k, "stage": "sing", "status": "submitted",
                    "scores": {"score": v}} for k, v in marks.items() for j in judges],
    })


def _refused(app, doc):
    from scoring.contestfile import ContestFileError, import_document
    from scoring.rules import format_problem

    with app.app_context():
        with pytest.raises(ContestFileError) as info:
            import_document(doc)
        _db.session.rollback()
    return [format_problem(p) for p in info.value.problems]


# ---- the contest file -------------------------------------------------------------------

def test_solo_contest_file_round_trips_into_an_empty_database(app, make_app):
    from scoring.contestfile import export_text, import_document, import_text
    from scoring.results.exports import ranking_document

    with app.app_context():
        comp = import_document(solo_document())
        _db.session.commit()
        first = export_text(comp)
        ranked = [(r["team"], r["final"], r["award"]) for r in ranking_document(comp)["results"]]
    doc = json.loads(first)
    assert doc["competition"]["rules"]["team_size"] == 1
    assert "distinct_departments" not in doc["competition"]["rules"]  # default: not written
    assert [len(t["members"]) for t in doc["teams"]] == [1] * 5
    assert doc["teams"][1]["members"] == [{"name": "歌手B", "department": None}]
    assert ranked[0] == ("A", "9.50", "金奖") and [r[0] for r in ranked] == list("ABCDE")
    # Into an empty database of the same kind: the same bytes out again.
    kind = app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0].split("+")[0]
    other = app if kind != "sqlite" else make_app("sqlite")
    with other.app_context():
        if other is app:
            _db.session.delete(_db.session.scalar(sa.select(Competition)))
            _db.session.commit()
        assert _db.session.scalar(sa.select(sa.func.count()).select_from(Team)) == 0
        comp = import_text(first)
        _db.session.commit()
        second = export_text(comp)
    assert second == first


def test_default_rules_write_no_team_setting(app, demo):
    from scoring.contestfile import export_competition

    with app.app_context():
        rules = export_competition(_db.session.scalar(sa.select(Competition)))["competition"][
            "rules"]
    assert "team_size" not in rules and "distinct_departments" not in rules


def test_contest_file_team_of_two_refused_at_size_three_accepted_at_two(app):
    doc = solo_document()
    doc["competition"]["rules"].pop("team_size")
    problems = _refused(app, doc)
    assert "teams[0].members: the team has 1 members, not 3" in problems
    assert "teams[4].members: the team has 1 members, not 3" in problems
    # Teams of two, two departments each.
    doc["departments"] = ["音乐学院", "文学院"]
    for t in doc["teams"]:
        t["members"] = [{"name": f"{t['name']}甲", "department": "音乐学院"},
                        {"name": f"{t['name']}乙", "department": "文学院"}]
    problems = _refused(app, doc)
    assert problems and all("not 3" in p for p in problems), problems
    assert problems[0].startswith("teams[0].members")
    doc["competition"]["rules"]["team_size"] = 2
    from scoring.contestfile import import_document

    with app.app_context():
        comp = import_document(doc)
        _db.session.commit()
        assert [len(t.members) for t in comp.teams] == [2] * 5


def test_contest_file_same_department_needs_distinct_false(app):
    doc = solo_document()
    doc["competition"]["rules"]["team_size"] = 2
    for t in doc["teams"]:
        t["members"] = [{"name": f"{t['name']}甲", "department": "音乐学院"},
                        {"name": f"{t['name']}乙", "department": "音乐学院"}]
    problems = _refused(app, doc)
    assert "teams[2].members: 2 members are from the same department 音乐学院" in problems
    doc["teams"][3]["members"][1]["department"] = None
    assert "teams[3].members[1]: no department given" in _refused(app, doc)
    doc["competition"]["rules"]["distinct_departments"] = False
    from scoring.contestfile import export_competition, import_document

    with app.app_context():
        comp = import_document(doc)
        _db.session.commit()
        out = export_competition(comp)
    assert out["competition"]["rules"]["distinct_departments"] is False
    assert out["teams"][0]["members"][1]["department"] == "音乐学院"


@pytest.mark.parametrize("value, message", [
    (0, "competition.rules.team_size: 0 is not between 1 and 10"),
    ("1", "competition.rules.team_size: give a whole number"),
    (True, "competition.rules.team_size: give a whole number"),
])
def test_contest_file_bad_team_size_is_named_alone(sqlite_app, value, message):
    doc = solo_document()
    doc["competition"]["rules"]["team_size"] = value
    problems = _refused(sqlite_app, doc)
    # Only the setting: the teams are not also reported against a size nobody chose.
    assert problems == [message]


# ---- the team form and the import --------------------------------------------------------

@pytest.fixture
def admin(app, client, login):
    login("admin")
    client.get("/lang/en")
    return client


def _set_rules(app, key, **settings):
    with app.app_context():
        comp = _db.session.scalar(sa.select(Competition).filter_by(key=key))
        comp.rules = dict(comp.rules, **settings)
        _db.session.commit()


def _team_form(admin, key, members, team_key="T01"):
    data = {"key": team_key, "name": f"队伍{team_key}"}
    for i, (name, dept) in enumerate(members):
        data[f"members-{i}-name"], data[f"members-{i}-department"] = name, dept
    return admin.post(f"/admin/c/{key}/teams/new", data=data, follow_redirects=True)


def _teams(app):
    with app.app_context():
        return {t.key: [(m.name, m.department.name if m.department else None)
                        for m in t.members]
                for t in _db.session.scalars(sa.select(Team))}


def test_team_form_follows_team_size(app, admin):
    key = make_competition(app)
    page = admin.get(f"/admin/c/{key}/teams/new").get_data(as_text=True)
    assert page.count('name="members-') // 2 == 3  # three member rows by default
    before = counts(app)
    r = _team_form(admin, key, [("甲", "组织部"), ("乙", "宣传部")])
    assert "A team has 3 members; 2 were given." in _text(r)
    assert counts(app) == before
    _set_rules(app, key, team_size=2)
    page = admin.get(f"/admin/c/{key}/teams/new").get_data(as_text=True)
    assert page.count('name="members-') // 2 == 2
    r = _team_form(admin, key, [("甲", "组织部"), ("乙", "宣传部")])
    assert 'Team "队伍T01" saved.' in _text(r)
    assert _teams(app) == {"T01": [("甲", "组织部"), ("乙", "宣传部")]}


def test_team_form_same_department_with_distinct_false(app, admin):
    key = make_competition(app)
    r = _team_form(admin, key, [("甲", "组织部"), ("乙", "组织部"), ("丙", "人事处")])
    assert "Two members are from 组织部" in _text(r)
    members = [("甲", "组织部"), ("乙", "组织部"), ("丙", "")]
    r = _team_form(admin, key, members)
    assert r.status_code == 200 and "saved" not in _text(r)  # the department is required
    assert _teams(app) == {}
    _set_rules(app, key, distinct_departments=False)
    r = _team_form(admin, key, members)
    assert 'Team "队伍T01" saved.' in _text(r)
    assert _teams(app) == {"T01": [("甲", "组织部"), ("乙", "组织部"), ("丙", None)]}


def test_solo_team_form_and_import(app, admin):
    key = make_competition(app)
    _set_rules(app, key, team_size=1)
    r = _team_form(admin, key, [("独唱者", "")])
    assert 'Team "队伍T01" saved.' in _text(r)
    rows = [HEADER, ("S1", "歌手一", "歌手一", "组织部"), ("S2", "歌手二", "歌手二", ""),
            ("S3", "歌手三", "歌手三", "组织部")]
    response = admin.post(f"/admin/c/{key}/teams/import",
                          data={"file": (io.BytesIO(xlsx_bytes(rows)), "t.xlsx")},
                          content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    payload = re.search(r'name="payload" type="hidden" value="([^"]+)"', html).group(1)
    admin.post(f"/admin/c/{key}/teams/import/confirm", data={"payload": payload})
    teams = _teams(app)
    assert teams["S1"] == [("歌手一", "组织部")] and teams["S2"] == [("歌手二", None)]
    assert teams["S3"] == [("歌手三", "组织部")] and len(teams) == 4


def test_import_refuses_wrong_size_and_allows_shared_departments_when_told(app, admin):
    key = make_competition(app)
    rows = [HEADER, ("T1", "一队", "甲", "组织部"), ("T1", "一队", "乙", "组织部")]
    data = xlsx_bytes(rows)

    def preview():
        return _text(admin.post(f"/admin/c/{key}/teams/import",
                                data={"file": (io.BytesIO(data), "t.xlsx")},
                                content_type="multipart/form-data"))

    text = preview()
    assert 'team "一队" has 2 members, not 3' in text
    assert 'two members of team "一队" are from 组织部' in text
    _set_rules(app, key, team_size=2)
    text = preview()
    assert "not 3" not in text and 'two members of team "一队" are from 组织部' in text
    _set_rules(app, key, distinct_departments=False)
    text = preview()
    assert "are from 组织部" not in text and "not 2" not in text


@pytest.mark.parametrize("size, distinct, per_team", [(3, True, 3), (1, True, 1),
                                                     (5, False, 5)])
def test_template_follows_the_team_settings(sqlite_app, size, distinct, per_team):
    from openpyxl import load_workbook

    from scoring.imports.teams import check_team_rows, rows_from_table
    from scoring.imports.template import team_template_xlsx

    book = load_workbook(io.BytesIO(team_template_xlsx(size, distinct)))
    table = [(i + 1, [str(c) if c is not None else "" for c in row])
             for i, row in enumerate(book["队伍"].iter_rows(values_only=True))]
    rows, letters = rows_from_table(table)
    result = check_team_rows(rows, letters=letters, size=size, distinct=distinct)
    assert result.ok, result.problems  # the sample is a valid import under those rules
    assert [len(t["members"]) for t in result.teams] == [per_team] * 3
    assert any(str(size) in (r[0] or "") for r in book["说明"].iter_rows(values_only=True))


# ---- the checklist and the rules page -----------------------------------------------------

FORM = {"aggregation": "pooled", "trim": "1", "external_weight": "0.4", "external_trim": "0",
        "internal_weight": "0.6", "internal_trim": "1", "decimals": "2",
        "tie_breaks": "raw_mean", "awards": "", "variance_threshold": "10",
        "calibration_reveal": "0"}


def _add_teams(app, key, teams):
    """Teams written straight to the database, whatever the rules say."""
    with app.app_context():
        comp = _db.session.scalar(sa.select(Competition).filter_by(key=key))
        depts = {d.name: d for d in comp.departments}
        for tkey, members in teams.items():
            team = Team(key=tkey, name=f"队伍{tkey}")
            for i, (name, dept) in enumerate(members):
                team.members.append(Member(name=name, position=i, department=depts.get(dept)))
            comp.teams.append(team)
        _db.session.commit()


def test_rules_change_that_teams_violate_is_refused_and_changes_nothing(app, admin):
    key = make_competition(app)
    _add_teams(app, key, {"T1": [("甲", "组织部"), ("乙", "宣传部"), ("丙", "人事处")],
                          "T2": [("丁", "组织部"), ("戊", "组织部"), ("己", "人事处")]})
    _set_rules(app, key, distinct_departments=False)
    with app.app_context():
        before = _db.session.scalar(sa.select(Competition).filter_by(key=key)).rules_json
        audits = _db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    r = admin.post(f"/admin/c/{key}/rules", data=dict(FORM, team_size="1",
                                                       distinct_departments="no"))
    assert r.status_code == 422
    assert "2 teams do not have 1 members: 队伍T1, 队伍T2" in _text(r)
    r = admin.post(f"/admin/c/{key}/rules", data=dict(FORM, team_size="3",
                                                       distinct_departments="yes"))
    assert r.status_code == 422
    text = _text(r)
    assert "1 teams have members from the same department or without one: 队伍T2" in text
    for bad, message in (("0", "0 is not between 1 and 10"), ("11", "11 is not between"),
                         ("abc", "\"abc\" is not a whole number")):
        r = admin.post(f"/admin/c/{key}/rules", data=dict(FORM, team_size=bad))
        assert r.status_code == 422 and message in _text(r), bad
    r = admin.post(f"/admin/c/{key}/rules", data=dict(FORM, team_size="3",
                                                       distinct_departments="maybe"))
    assert r.status_code == 422 and "give true or false" in _text(r)
    with app.app_context():
        assert _db.session.scalar(
            sa.select(Competition).filter_by(key=key)).rules_json == before
        assert _db.session.scalar(
            sa.select(sa.func.count()).select_from(AuditEntry)) == audits
    # An unrelated change is not blocked by the teams, and keeps the team settings.
    r = admin.post(f"/admin/c/{key}/rules", data=dict(FORM, decimals="3"))
    assert r.status_code == 302, _text(r)
    with app.app_context():
        rules = _db.session.scalar(sa.select(Competition).filter_by(key=key)).rules
    assert rules["decimals"] == 3 and rules["distinct_departments"] is False
    assert "team_size" not in rules


def test_rules_page_sets_team_size_and_the_checklist_follows(app, admin):
    key = make_competition(app)
    _add_teams(app, key, {"S1": [("甲", "组织部")], "S2": [("乙", None)]})
    page = _text(admin.get(f"/admin/c/{key}/"))
    assert 'Team "队伍S1" has 1 members, not 3.' in page
    r = admin.post(f"/admin/c/{key}/rules", data=dict(FORM, team_size="1",
                                                       distinct_departments="yes"))
    assert r.status_code == 302, _text(r)
    with app.app_context():
        assert _db.session.scalar(
            sa.select(Competition).filter_by(key=key)).rules["team_size"] == 1
    page = _text(admin.get(f"/admin/c/{key}/"))
    assert "2 contestants, one per team." in page and "not 3" not in page
    assert "no department" not in page
    form = _text(admin.get(f"/admin/c/{key}/rules"))
    assert "Members per team" in form and "1 for solo singers or skaters" in form
