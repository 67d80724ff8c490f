"""Control characters: refused at every input with a message naming the field and place;
never a failure in an export of rows stored before that check existed.

Inputs (one check, rules/text.py): organizer forms (shown on the field, or flashed when
the page answers with a redirect), the setup operations, the team import (row and
column), the contest file (its place), the judge API. Line ends and tabs only in
multi-line texts (notes, reasons, descriptions).

Exports: rows written straight into the database with every C0 control character (NUL
too, except on PostgreSQL, which cannot store it) in names, notes and reasons; the
ranking .xlsx/.csv/.json, the sheets .xlsx, every PDF, the contest file and the pages
still answer 200 with files that open.
"""
import csv
import io
import json
import re
import subprocess

import pytest
from openpyxl import load_workbook

from scoring.extensions import db
from scoring.rules.text import clean_text, text_problem
from tests.results.contest_doc import document
from tests.setup.helpers import make_competition
from tests.setup.test_import import payload_of, text, upload


@pytest.fixture
def admin(app, client, login):
    login("admin")
    client.get("/lang/en")
    return client


def test_the_one_check():
    assert text_problem("启航队 A-1") is None
    assert text_problem("line one\nline two\tend\r\n", multiline=True) is None
    for bad in ("\x00", "a\x07b", "\x1b[31m", "\x7f", "\x85", "x\ud800"):
        assert text_problem(bad) is not None and text_problem(bad, multiline=True) is not None
    assert text_problem("a\nb") is not None and text_problem("a\tb") is not None
    assert text_problem("a\x07b")[1] == {"char": "U+0007"}
    assert clean_text("a\x00b\nc\x1f") == "a\ufffdb\nc\ufffd"
    # Invisible formatting characters: a second 启航队 that looks like the first, a name
    # shown backwards. Emoji and CJK stay welcome.
    for bad in ("启航队\u200b", "\u202e队航启", "a\u2060b", "\ufeff队", "a\u00adb", "a\u200db",
                "\u2066x\u2069", "a\u200eb"):
        assert text_problem(bad) is not None and text_problem(bad, multiline=True) is not None
    assert text_problem("启航队\u200b")[1] == {"char": "U+200B"}
    assert text_problem("队伍 😀 Ünïcode ١٢٣") is None
    assert clean_text("x\u202ey", replacement="") == "xy"


def test_forms_name_the_field_and_save_nothing(app, admin):
    from scoring.models import Department, Judge, Team

    key = make_competition(app)
    r = admin.post(f"/admin/c/{key}/teams/new", data={
        "key": "T09", "name": "启\x07航", "members-0-name": "甲", "members-0-department": "组织部",
        "members-1-name": "乙\x1b", "members-1-department": "宣传部",
        "members-2-name": "丙", "members-2-department": "人事处"})
    page = text(r)
    assert r.status_code == 200
    assert "Team name: holds an invisible control character (U+0007): remove it" in page
    assert "Member name: holds an invisible control character (U+001B)" in page
    # A button form answered by a redirect: the message is flashed instead.
    r = admin.post(f"/admin/c/{key}/departments", data={"name": "新\x01部"},
                   follow_redirects=True)
    assert "Department: holds an invisible control character (U+0001)" in text(r)
    # One line: a line break in a name; multi-line: a note keeps its lines and tabs.
    r = admin.post(f"/admin/c/{key}/judges", data={
        "key": "J1", "name": "评委\n甲", "group": "internal", "note": "第一行\r\n第二行\t备注"})
    assert "Name: holds a line break or tab (U+000A): keep it on one line" in text(r)
    r = admin.post(f"/admin/c/{key}/judges", data={
        "key": "J1", "name": "评委甲", "group": "internal", "note": "第一行\r\n第二行\t备注\x0b"})
    assert "Note: holds an invisible control character (U+000B)" in text(r)
    r = admin.post(f"/admin/c/{key}/judges", data={
        "key": "J1", "name": "评委甲", "group": "internal", "note": "第一行\r\n第二行\t备注"})
    assert r.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(Team.id)) is None
        assert not db.session.scalars(db.select(Department).filter_by(name="新\x01部")).all()
        assert db.session.scalar(db.select(Judge.note)) == "第一行\r\n第二行\t备注"


def test_forms_in_chinese(app, admin):
    key = make_competition(app)
    admin.get("/lang/zh_CN")
    r = admin.post(f"/admin/c/{key}/departments", data={"name": "新\x01部"},
                   follow_redirects=True)
    assert "部门：含有不可见的控制字符（U+0001），请删除" in text(r)


def test_setup_operations_refuse_them_too(app):
    from scoring.operations.setup_base import SetupError, check_text

    with app.app_context():
        assert check_text("  备注\n第二行\t ", "reason", 2000) == "备注\n第二行"
        with pytest.raises(SetupError) as e:
            check_text("名\x07字", "name", 100)
        assert e.value.field == "name" and e.value.params == {"char": "U+0007"}
        with pytest.raises(SetupError):
            check_text("名\n字", "members-0-name", 100)
        with pytest.raises(SetupError):
            check_text("理由\x00", "reason", 2000)
        with pytest.raises(SetupError) as e:
            check_text("启航队\u200b", "name", 100)
        assert e.value.field == "name" and e.value.params == {"char": "U+200B"}


def test_team_import_names_row_and_column(app, admin):
    from tests.setup.helpers import HEADER, xlsx_bytes

    key = make_competition(app)
    rows = [HEADER, ("T01", "启航队", "李\n明", "组织部"), ("T01", "启航队", "王芳", "宣传部"),
            ("T01", "启\t航队", "张伟", "人事处")]
    page = text(upload(admin, key, xlsx_bytes(rows)))
    assert "holds a line break or tab (U+000A): keep it on one line" in page
    assert re.search(r"\b2\b.*C.*member name.*U\+000A", page, re.S)
    assert re.search(r"\b4\b.*B.*team name.*U\+0009", page, re.S)
    assert 'name="payload"' not in page  # nothing to confirm
    ok = text(upload(admin, key, xlsx_bytes([HEADER, ("T01", "启航队", "李明", "组织部"),
                                             ("T01", "启航队", "王芳", "宣传部"),
                                             ("T01", "启航队", "张伟", "人事处")])))
    assert payload_of(ok)


def test_contest_file_names_the_place():
    from scoring.contestfile import ContestFileError, parse_document, parse_json_text

    doc = document()
    doc["teams"][1]["name"] = "致\x07远"
    doc["teams"][0]["members"][2]["name"] = "李\n明"
    doc["judges"][0]["note"] = "第一行\n第二行\t好"  # multi-line: fine
    doc["judges"][1]["note"] = "备注\x00"
    doc["recusals"][0]["reason"] = "原因\r\n第二行"  # fine
    doc["competition"]["rules"]["awards"] = [{"name": "一等\x1b奖", "share": "0.2"}]
    with pytest.raises(ContestFileError) as e:
        parse_document(doc)
    places = {p: params for p, _m, params in e.value.problems}
    assert places["teams[1].name"] == {"char": "U+0007"}
    assert places["teams[0].members[2].name"] == {"char": "U+000A"}
    assert places["judges[1].note"] == {"char": "U+0000"}
    assert places["competition.rules.awards[0].name"] == {"char": "U+001B"}
    assert "judges[0].note" not in places and "recusals[0].reason" not in places
    with pytest.raises(ContestFileError) as e:
        parse_json_text('{"format": "scoring-contest", "teams": [{"name": "\\udc00"}]}')
    assert e.value.problems[0][:1] == ("teams[0].name",)


def test_judge_api_refuses_them(app, demo):
    from tests.judging.util import judge_client

    c = judge_client(app, "X1")
    r = c.post("/judge/api/sheet/presentation/T01/submit",
               data=b'{"scores": {"substance": "3\\u0007"}, "idempotency_key": "k-00000001"}',
               content_type="application/json")
    assert r.status_code == 400 and "U+0007" in r.json["error"]


# ---- exports of what was stored before --------------------------------------------------

def _controls(kind):
    first = 1 if kind == "postgresql" else 0  # PostgreSQL cannot store NUL at all
    return "".join(chr(i) for i in range(first, 32))


@pytest.fixture
def stored(app, request):
    """The hand-built contest with control characters written straight into its rows."""
    from scoring.contestfile import import_document
    from scoring.models import (
        Absence,
        Competition,
        Criterion,
        Department,
        Judge,
        Member,
        Recusal,
        Stage,
        Team,
    )

    kind = app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0].split("+")[0]
    cc = _controls("postgresql" if kind == "postgresql" else kind)
    with app.app_context():
        comp = import_document(document())
        for stage in comp.stages:
            stage.state = "published" if stage.key == "plan" else "open"
        db.session.commit()
        key = comp.key
        updates = [(Competition, "name", 100), (Department, "name", 60), (Stage, "name", 100),
                   (Criterion, "name", 100), (Criterion, "description", 100),
                   (Team, "name", 100), (Team, "withdrawn_reason", 100), (Member, "name", 60),
                   (Judge, "name", 60), (Judge, "note", 100), (Recusal, "reason", 100),
                   (Absence, "reason", 100)]
        for model, column, _limit in updates:
            db.session.execute(db.update(model).values(
                {column: getattr(model, column) + cc + "尾"}))
        db.session.commit()
        db.session.remove()
    return key


def test_exports_and_pages_survive_stored_control_characters(app, admin, stored, tmp_path):
    from scoring.contestfile import parse_document

    key = stored
    checks = 0
    for fmt in ("xlsx", "csv", "json"):
        r = admin.get(f"/admin/c/{key}/results.{fmt}")
        assert r.status_code == 200, (fmt, r.status_code)
        if fmt == "xlsx":
            cells = [c for ws in load_workbook(io.BytesIO(r.data)).worksheets
                     for row in ws.iter_rows(values_only=True) for c in row]
            assert any(isinstance(c, str) and "\ufffd" in c for c in cells)
        elif fmt == "csv":
            rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
            assert any("\ufffd" in c for row in rows for c in row)
        else:
            assert json.loads(r.data)["results"]
        checks += 1
    r = admin.get(f"/admin/c/{key}/reports/sheets.xlsx")
    assert r.status_code == 200
    assert load_workbook(io.BytesIO(r.data)).worksheets
    for kind, query in (("ranking", ""), ("sheets", "?stage=plan"), ("team-detail", ""),
                        ("blank-sheets", ""), ("draw", ""), ("judge-links", ""),
                        ("ranking", "?lang=en")):
        r = admin.get(f"/admin/c/{key}/reports/{kind}.pdf{query}")
        assert r.status_code == 200, (kind, r.status_code, r.get_data(as_text=True)[:300])
        path = tmp_path / f"{kind}.pdf"
        path.write_bytes(r.data)
        out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],
                             capture_output=True, text=True)
        assert out.returncode == 0 and "尾" in out.stdout, (kind, out.stderr)
        checks += 1
    r = admin.get(f"/admin/c/{key}/contest.json")
    assert r.status_code == 200
    parse_document(json.loads(r.data))  # the backup imports again: nothing is refused
    pages = ["/admin/", f"/admin/c/{key}/", f"/admin/c/{key}/teams", f"/admin/c/{key}/judges",
             f"/admin/c/{key}/recusals", f"/admin/c/{key}/stages", f"/admin/c/{key}/draw",
             f"/admin/c/{key}/live", f"/admin/c/{key}/live/state", f"/admin/c/{key}/paper",
             f"/admin/c/{key}/results", f"/admin/c/{key}/teams/A/result",
             f"/admin/c/{key}/reports", "/admin/audit", f"/results/{key}", f"/draw/{key}",
             f"/projector/{key}", f"/projector/{key}/state"]
    for url in pages:
        r = admin.get(url)
        assert r.status_code == 200, (url, r.status_code)
    assert checks == 10
