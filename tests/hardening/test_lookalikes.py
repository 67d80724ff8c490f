"""Look-alike and invisible duplicates: one name to the people reading it is one name.

A department typed with a Kangxi radical (⼈事处, U+2F08) or in full width (ＩＴ部) is the
existing 人事处 or IT部, so the recusal rule and the "members from different
departments" rule hold; keys, team names, member names and usernames that differ only so
are refused as taken; invisible characters (every Unicode Cf character, the fillers and
variation selectors) are refused in names. On the setup operations, the spreadsheet
imports, the contest file and the accounts. Every test runs on each test database.
"""
import sys
import unicodedata

import pytest

from scoring.extensions import db
from scoring.models import Competition, Department, Judge, Team
from scoring.operations.setup_base import SetupError
from scoring.rules.text import bad_character, fold
from tests.setup.helpers import make_competition

KANGXI_PEOPLE = "\u2f08事处"  # looks like 人事处


def test_every_format_character_and_filler_is_refused_in_a_name():
    invisible = [chr(c) for c in range(sys.maxunicode + 1)
                 if unicodedata.category(chr(c)) == "Cf"]
    invisible += ["\u034f", "\u115f", "\u1160", "\u3164", "\uffa0", "\u180b", "\u180f",
                  "\ufe0f", "\U000e0100"]
    assert len(invisible) > 150
    missed = [f"U+{ord(ch):04X}" for ch in invisible if bad_character("组织部" + ch) is None]
    assert missed == []
    # A comment may carry an emoji's variation selector, never the rest.
    assert bad_character("很好❤\ufe0f", multiline=True) is None
    assert bad_character("很好\u200b", multiline=True) == "\u200b"


@pytest.mark.parametrize("a, b", [("人事处", KANGXI_PEOPLE), ("IT部", "ＩＴ部"),
                                  ("J1", "j1"), ("T09", "Ｔ０９"), ("A  B", "a b")])
def test_fold_joins_what_people_read_as_one(a, b):
    assert fold(a) == fold(b)
    assert fold("人事处") != fold("人事部")


@pytest.fixture
def comp(app):
    key = make_competition(app, departments=("人事处", "组织部", "宣传部", "IT部"))
    with app.app_context():
        return db.session.scalar(db.select(Competition.id).filter_by(key=key))


def _competition(cid):
    return db.session.get(Competition, cid)


def test_a_lookalike_department_is_the_existing_one_and_recusal_holds(app, comp):
    from scoring.operations.setup_judges import save_judge
    from scoring.operations.setup_teams import add_department, save_team
    from scoring.operations.sheet_access import is_recused

    with app.app_context():
        c = _competition(comp)
        judge = save_judge(c, None, key="J1", name="张老师", group="internal",
                           department="人事处")
        team = save_team(c, None, key="T01", name="启航队", members=[
            ("李明", KANGXI_PEOPLE), ("王芳", "组织部"), ("赵强", "宣传部")])
        db.session.commit()
        assert sorted(d.name for d in c.departments) == ["IT部", "人事处", "宣传部", "组织部"]
        assert is_recused(judge, team)
        for name in ("ＩＴ部", "it部", KANGXI_PEOPLE):
            with pytest.raises(SetupError, match="already exists"):
                add_department(c, name)
        # Two members from one department, written two ways, break the department rule.
        with pytest.raises(SetupError, match="Two members"):
            save_team(c, None, key="T02", name="远航队", members=[
                ("甲", "人事处"), ("乙", KANGXI_PEOPLE), ("丙", "组织部")])
        db.session.rollback()


@pytest.mark.parametrize("field, value, message", [
    ("key", "ｔ01", "already exists"), ("name", "启航队\U000e0020", "invisible"),
    ("name", "ＡＢ队", "already exists"), ("member", "李明\ufe0f", "invisible"),
    ("member", "李明", "already a member")])
def test_lookalike_team_keys_names_and_members_are_refused(app, comp, field, value, message):
    from scoring.operations.setup_teams import save_team

    with app.app_context():
        c = _competition(comp)
        save_team(c, None, key="T01", name="启航队", members=[
            ("李明", "人事处"), ("王芳", "组织部"), ("赵强", "宣传部")])
        save_team(c, None, key="T02", name="AB队", members=[
            ("甲", "人事处"), ("乙", "组织部"), ("丙", "宣传部")])
        db.session.commit()
        args = {"key": "T03", "name": "新队", "members": [
            ("子", "人事处"), ("丑", "组织部"), ("寅", "宣传部")]}
        if field == "member":
            args["members"][0] = (value, "人事处")
        else:
            args[field] = value
        with pytest.raises(SetupError, match=message):
            save_team(c, None, **args)
        db.session.rollback()
        assert db.session.scalar(db.select(db.func.count(Team.id))) == 2


def test_keys_are_kept_in_their_plain_form_and_compared_without_case(app, comp):
    from scoring.operations.setup_judges import save_judge

    with app.app_context():
        c = _competition(comp)
        judge = save_judge(c, None, key="Ｊ１", name="张老师", group="internal")
        assert judge.key == "J1"
        with pytest.raises(SetupError, match="already exists"):
            save_judge(c, None, key="j1", name="王老师", group="internal")
        db.session.rollback()


def test_the_team_import_reads_lookalikes_as_the_known_names(app):
    from scoring.imports.teams import TeamRow, check_team_rows

    rows = [TeamRow(2, "T01", "启航队", "李明", KANGXI_PEOPLE),
            TeamRow(3, "T01", "启航队", "王芳", "ＩＴ部"),
            TeamRow(4, "T01", "启航队", "赵强", "组织部"),
            TeamRow(5, "T02", "远航队", "甲", "人事处"),
            TeamRow(6, "T02", "远航队", "乙", KANGXI_PEOPLE),
            TeamRow(7, "T02", "远航队", "丙", "组织部")]
    result = check_team_rows(rows, departments=("人事处", "IT部", "组织部"),
                             existing_names=("ＡＢ队",))
    assert result.unknown_departments == {}
    problems = [(row, col) for row, col, _m, _p in result.problems]
    assert problems == [(6, "department")]  # 人事处 twice in 远航队
    again = check_team_rows([TeamRow(2, "", "AB队", "子", "人事处"),
                             TeamRow(3, "", "AB队", "丑", "IT部"),
                             TeamRow(4, "", "AB队", "寅", "组织部")],
                            departments=("人事处", "IT部", "组织部"), existing_names=("ＡＢ队",))
    assert [col for _r, col, _m, _p in again.problems] == ["name"]


def test_the_judge_import_reads_lookalike_keys_and_departments(app):
    from scoring.imports.judges import JudgeRow, check_judge_rows

    result = check_judge_rows([JudgeRow(2, "j1", "王老师", "校内", KANGXI_PEOPLE, "")],
                              existing_keys=("J1",), departments=("人事处",))
    assert [(col, m) for _r, col, m, _p in result.problems] == [
        ("key", 'a judge with the key "%(key)s" already exists')]
    result = check_judge_rows([JudgeRow(2, "Ｊ２", "王老师", "校内", KANGXI_PEOPLE, "")],
                              existing_keys=("J1",), departments=("人事处",))
    assert result.problems == []
    assert result.judges[0]["key"] == "J2" and result.judges[0]["department"] == "人事处"


def _contest_doc(app):
    from scoring.contestfile import export_competition
    from scoring.operations.demo import DEMO_KEY, load_demo

    with app.app_context():
        load_demo()
        db.session.commit()
        comp = db.session.scalar(db.select(Competition).filter_by(key=DEMO_KEY))
        doc = export_competition(comp)
        db.session.remove()
    doc["competition"]["key"] = "lookalike"
    return doc


def test_the_contest_file_joins_a_lookalike_department_and_refuses_doubles(app):
    from scoring.contestfile import import_document
    from scoring.contestfile.errors import ContestFileError

    doc = _contest_doc(app)
    assert "人事处" in doc["departments"]
    team, member = next((t, m) for t in doc["teams"] for m in t["members"]
                        if m["department"] == "人事处")
    member["department"] = KANGXI_PEOPLE
    with app.app_context():
        comp = import_document(doc)
        db.session.commit()
        assert sorted(d.name for d in comp.departments) == sorted(doc["departments"])
        stored = next(t for t in comp.teams if t.key == team["key"])
        assert [m.department.name for m in stored.members if m.name == member["name"]] == \
            ["人事处"]
    bad = _contest_doc(app)
    bad["competition"]["key"] = "lookalike2"
    bad["departments"].append(KANGXI_PEOPLE)
    bad["teams"][1]["name"] = bad["teams"][0]["name"] + "\u3000"
    with app.app_context(), pytest.raises(ContestFileError) as refused:
        import_document(bad)
    places = {p for p, _m, _a in refused.value.problems}
    assert "teams[1].name" in places
    assert f"departments[{len(bad['departments']) - 1}]" in places


def test_a_lookalike_username_is_taken(app):
    from scoring.operations.setup_users import create_user

    with app.app_context():
        create_user("admin", "", "admin", "a-long-password-1")
        db.session.commit()
        for name in ("ａｄｍｉｎ", "Admin", "ADMIN"):
            with pytest.raises(SetupError, match="taken"):
                create_user(name, "", "staff", "a-long-password-1")
            db.session.rollback()
        assert create_user("ｓｔａｆｆ", "", "staff", "a-long-password-1").username == "staff"
        db.session.rollback()


def test_a_stored_name_keeps_the_spelling_typed(app):
    """Folding is for comparing: stored names keep the spelling typed."""
    from scoring.operations.setup_teams import add_department

    key = make_competition(app, key="c9", departments=())
    with app.app_context():
        c = db.session.scalar(db.select(Competition).filter_by(key=key))
        dept = add_department(c, "信息学院（本部）")
        db.session.commit()
        assert db.session.get(Department, dept.id).name == "信息学院（本部）"
        assert db.session.scalar(db.select(db.func.count(Judge.id))) == 0
