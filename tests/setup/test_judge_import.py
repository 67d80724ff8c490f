"""Judges from a spreadsheet (all or nothing, problems by row and column) and the
department check of the judge form: a department the competition lacks is caught."""
import html as html_lib
import re

import pytest

from scoring.extensions import db
from scoring.imports.judges import JudgeRow, check_judge_rows
from scoring.models import Competition, Judge

from .helpers import csv_bytes, make_competition, xlsx_bytes


def words(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html_lib.unescape(
        response.get_data(as_text=True))))


@pytest.fixture
def key(app, client, login):
    login("admin")
    client.get("/lang/en")
    key = make_competition(app)
    from scoring.operations.setup_teams import save_team

    with app.app_context():
        comp = db.session.scalar(db.select(Competition).filter_by(key=key))
        save_team(comp, None, key="T1", name="甲队", members=[
            ("a", "组织部"), ("b", "宣传部"), ("c", "人事处")])
        db.session.commit()
    return key


def judges(app, key):
    with app.app_context():
        comp = db.session.scalar(db.select(Competition).filter_by(key=key))
        return {j.key: (j.name, j.panel_group, j.department.name if j.department else None)
                for j in comp.judges}


GOOD = [("评委编号", "姓名", "评委组", "所在部门", "备注"),
        ("", "外请专家甲", "校外", "", "某大学"),
        ("", "外请专家乙", "外请专家", "", ""),
        ("N7", "校内评委一", "校内", "组织部", ""),
        ("", "校内评委二", "internal", "教务处", "")]


def _upload(client, key, data, name="judges.xlsx"):
    import io

    return client.post(f"/admin/c/{key}/judges/import", data={
        "file": (io.BytesIO(data), name)}, content_type="multipart/form-data",
        follow_redirects=True)


def test_import_judges_from_xlsx_then_recusals_follow(app, client, key):
    page = words(_upload(client, key, xlsx_bytes(GOOD)))
    assert "Imported 4 judges." in page
    assert judges(app, key) == {"X1": ("外请专家甲", "external", None),
                                "X2": ("外请专家乙", "external", None),
                                "N7": ("校内评委一", "internal", "组织部"),
                                "N1": ("校内评委二", "internal", "教务处")}
    # The recusals page shows the automatic recusal the department gives: N7 / 甲队.
    assert "校内评委一" in words(client.get(f"/admin/c/{key}/recusals"))
    from scoring.operations.sheet_access import recusal_map

    with app.app_context():
        comp = db.session.scalar(db.select(Competition).filter_by(key=key))
        states = recusal_map(comp)
        n7 = db.session.scalar(db.select(Judge).filter_by(key="N7"))
        assert states[(n7.id, comp.teams[0].id)].recused


def test_a_bad_file_names_every_problem_and_saves_nothing(app, client, key):
    rows = GOOD + [("N7", "重复", "校内", "组织部", ""),          # key twice
                   ("", "", "校内", "宣传部", ""),               # no name
                   ("", "某评委", "专家", "", ""),               # unknown group
                   ("", "错字评委", "校内", "组识部", "")]       # unknown department
    page = words(_upload(client, key, csv_bytes(rows, "gbk"), "judges.csv"))
    assert 'row 6, column A (judge key): the key "N7" is also used on row 4' in page
    assert "row 7, column B (name): this cell is empty" in page
    assert 'row 8, column C (panel group): "专家" is not a panel group' in page
    assert ('row 9, column D (department): "组识部" is not a department of this competition; '
            "did you mean 组织部?") in page
    assert "Nothing was imported" in page
    assert judges(app, key) == {}


def test_the_judge_form_catches_a_department_the_competition_lacks(app, client, key):
    response = client.post(f"/admin/c/{key}/judges", data={
        "key": "N1", "name": "校内评委", "group": "internal", "department": "组识部"})
    page = words(response)
    assert '"组识部" is not a department of this competition; did you mean 组织部?' in page
    assert 'value="组识部"' in response.get_data(as_text=True)  # what was typed stays
    assert judges(app, key) == {}
    # A real new department is added when the organizer says so.
    client.post(f"/admin/c/{key}/judges", data={
        "key": "N1", "name": "校内评委", "group": "internal", "department": "档案馆",
        "new_department": "y"})
    assert judges(app, key) == {"N1": ("校内评委", "internal", "档案馆")}


@pytest.mark.parametrize(("row", "message"), [
    (JudgeRow(2, "", "甲", "校外", "", ""), None),
    (JudgeRow(2, "a b", "甲", "校外", "", ""), "is not a valid key"),
    (JudgeRow(2, "", "甲\x07", "校外", "", ""), "control character"),
    (JudgeRow(2, "", "甲", "", "", ""), "is not a panel group"),
    (JudgeRow(2, "", "甲", "校内", "财务部", ""), "add it on the Teams page first"),
])
def test_check_judge_rows(row, message):
    result = check_judge_rows([row], departments={"组织部"})
    if message is None:
        assert result.ok and result.judges[0]["key"] == "X1"
    else:
        assert not result.ok and any(message in m % p for _r, _c, m, p in result.problems)
