"""Team import from .xlsx and .csv: preview with every problem, confirm all or nothing."""
import html as html_lib
import re

import pytest

from scoring.extensions import db
from scoring.models import Department, Member, Team

from .helpers import DEPTS, HEADER, counts, csv_bytes, make_competition, team_rows, xlsx_bytes


def text(response):
    """The page as text, HTML entities decoded (so quotes compare plainly)."""
    return html_lib.unescape(re.sub(r"</?a\b[^>]*>", "", response.get_data(as_text=True)))


def upload(client, key, data, name="teams.xlsx"):
    import io

    return client.post(f"/admin/c/{key}/teams/import",
                       data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data", follow_redirects=True)


def payload_of(html):
    match = re.search(r'name="payload" type="hidden" value="([^"]+)"', html) or \
        re.search(r'id="payload" name="payload" type="hidden" value="([^"]+)"', html)
    assert match, html[:3000]
    return match.group(1)


@pytest.fixture
def admin(app, client, login):
    login("admin")
    client.get("/lang/en")  # messages below are asserted in English; Chinese is tested apart
    return client


def test_xlsx_preview_then_confirm_imports_everything(app, admin):
    key = make_competition(app)
    before = counts(app)
    response = upload(admin, key, xlsx_bytes(team_rows(5)))
    html = text(response)
    assert response.status_code == 200
    assert counts(app) == before  # the preview saves nothing
    assert "队伍3" in html and "成员4-2" in html
    payload = payload_of(html)
    response = admin.post(f"/admin/c/{key}/teams/import/confirm", data={"payload": payload},
                          follow_redirects=True)
    assert response.status_code == 200
    with app.app_context():
        teams = db.session.scalars(db.select(Team).order_by(Team.key)).all()
        assert [t.key for t in teams] == ["T01", "T02", "T03", "T04", "T05"]
        assert all(len(t.members) == 3 for t in teams)
        assert teams[0].members[1].department.name == DEPTS[1]


def test_blank_keys_are_generated_and_rows_grouped_by_name(app, admin):
    key = make_competition(app)
    html = text(upload(admin, key, xlsx_bytes(team_rows(3, keyed=False))))
    admin.post(f"/admin/c/{key}/teams/import/confirm", data={"payload": payload_of(html)})
    with app.app_context():
        teams = {t.key: t.name for t in db.session.scalars(db.select(Team))}
    assert teams == {"T01": "队伍1", "T02": "队伍2", "T03": "队伍3"}


def test_gbk_csv_is_accepted(app, admin):
    key = make_competition(app)
    response = upload(admin, key, csv_bytes(team_rows(2), "gbk"), "名单.csv")
    html = text(response)
    assert "队伍2" in html and "组织部" in html
    admin.post(f"/admin/c/{key}/teams/import/confirm", data={"payload": payload_of(html)})
    assert counts(app)["Team"] == 2


def test_utf8_bom_csv_is_accepted(app, admin):
    key = make_competition(app)
    data = b"\xef\xbb\xbf" + csv_bytes(team_rows(2), "utf-8")
    html = text(upload(admin, key, data, "teams.csv"))
    # The BOM must not stick to the first header ("\ufeff队伍编号" would not be recognised).
    admin.post(f"/admin/c/{key}/teams/import/confirm", data={"payload": payload_of(html)})
    with app.app_context():
        assert sorted(t.key for t in db.session.scalars(db.select(Team))) == ["T01", "T02"]


def _problem_page(app, admin, rows, name="teams.xlsx"):
    key = make_competition(app)
    before = counts(app)
    data = xlsx_bytes(rows) if name.endswith(".xlsx") else csv_bytes(rows)
    response = upload(admin, key, data, name)
    assert response.status_code == 200
    html = text(response)
    assert 'name="payload"' not in html  # no confirm button while there are problems
    assert counts(app) == before
    return html


def test_team_without_three_members(app, admin):
    rows = team_rows(2)[:-1]  # T02 loses its last member (row 7)
    html = _problem_page(app, admin, rows)
    assert "has 2 members, not 3 (rows 5, 6)" in html


def test_two_members_of_one_department(app, admin):
    rows = team_rows(2)
    rows[3] = ("T01", "队伍1", "成员0-2", rows[2][3])  # row 4 same department as row 3
    html = _problem_page(app, admin, rows)
    assert "Row 4, column D (department)" in html
    assert f'two members of team "队伍1" are from {rows[2][3]} (rows 3 and 4)' in html


def test_unknown_department_offers_to_create_it(app, admin):
    key = make_competition(app)
    rows = team_rows(1)
    rows[2] = ("T01", "队伍1", "成员0-1", "新部门")
    html = text(upload(admin, key, xlsx_bytes(rows)))
    assert "新部门" in html and 'name="create_departments"' in html
    payload = payload_of(html)
    # Without the box ticked nothing is imported.
    response = admin.post(f"/admin/c/{key}/teams/import/confirm", data={"payload": payload})
    assert response.status_code == 422
    assert counts(app)["Team"] == 0
    response = admin.post(f"/admin/c/{key}/teams/import/confirm",
                          data={"payload": payload, "create_departments": "y"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(Department).filter_by(name="新部门")) is not None
        assert db.session.scalar(db.select(db.func.count(Member.id))) == 3


def test_unknown_department_in_a_file_with_problems_says_when_it_can_be_created(app, admin):
    key = make_competition(app)
    rows = team_rows(2)[:-1]  # a problem: T02 has 2 members
    rows[2] = ("T01", "队伍1", "成员0-1", "新部门")
    html = text(upload(admin, key, xlsx_bytes(rows)))
    assert "新部门" in html and 'name="create_departments"' not in html
    # No box to tick is offered, so none is asked for.
    assert "Tick the box below" not in html
    assert "Once the problems above are fixed" in html
    assert re.search(r"Row \d+(, column \w \(\w+\))?: ", html)


def test_duplicate_member_name(app, admin):
    rows = team_rows(2)
    rows[5] = ("T02", "队伍2", "成员0-0", rows[5][3])  # row 6 repeats row 2's member
    html = _problem_page(app, admin, rows)
    assert "Row 6, column C (member name)" in html
    assert '"成员0-0" is also listed on row 2' in html


def test_duplicate_team_key(app, admin):
    rows = team_rows(2)
    rows[4:7] = [("T01", "队伍2", r[2], r[3]) for r in rows[4:7]]  # T02 rows now say T01
    html = _problem_page(app, admin, rows)
    assert 'team key "T01" is given to two teams' in html


def test_team_key_already_in_the_competition(app, admin):
    key = make_competition(app)
    html = text(upload(admin, key, xlsx_bytes(team_rows(1))))
    admin.post(f"/admin/c/{key}/teams/import/confirm", data={"payload": payload_of(html)})
    before = counts(app)
    html = text(upload(admin, key, xlsx_bytes(team_rows(1))))
    assert "already exists" in html and 'name="payload"' not in html
    assert counts(app) == before


def test_empty_required_cell(app, admin):
    rows = team_rows(1)
    rows[2] = ("T01", "队伍1", "", rows[2][3])
    html = _problem_page(app, admin, rows)
    assert "Row 3, column C (member name): this cell is empty" in html


@pytest.mark.parametrize("data,name,expected", [
    (b"", "teams.xlsx", "The file is empty."),
    (b"   \r\n", "teams.csv", "The file is empty."),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "teams.xlsx", "The file is not a spreadsheet."),
    (bytes(range(256)) * 8, "teams.csv", "not a spreadsheet or text in a known encoding"),
    (b"PK\x03\x04garbage", "teams.xlsx", "could not be read as an Excel .xlsx workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.xls", "Old Excel .xls"),
])
def test_unreadable_files_are_refused_clearly(app, admin, data, name, expected):
    key = make_competition(app)
    before = counts(app)
    response = upload(admin, key, data, name)
    assert response.status_code == 200
    assert expected in text(response)
    assert counts(app) == before


def test_file_over_two_megabytes_is_refused(app, admin):
    key = make_competition(app)
    response = upload(admin, key, b"a,b,c,d\r\n" * 300_000, "big.csv")
    assert "larger than 2 MB" in text(response)


def test_ten_thousand_rows_refused_after_bounded_work(app, admin, monkeypatch):
    """The reader stops at the limit: it never looks at the 8,000 rows past it."""
    from scoring.imports import reader

    cleaned = []
    real_clean = reader._clean
    monkeypatch.setattr(reader, "_clean", lambda cells: cleaned.append(1) or real_clean(cells))
    key = make_competition(app)
    rows = [HEADER] + [(f"K{i}", f"队{i // 3}", f"人{i}", DEPTS[i % 3]) for i in range(10_000)]
    data = xlsx_bytes(rows)
    assert len(data) < 2 * 1024 * 1024
    before = counts(app)
    response = upload(admin, key, data)
    assert "more than 2000 rows" in text(response)
    assert 2000 < len(cleaned) <= reader.MAX_ROWS + 2
    assert counts(app) == before
    cleaned.clear()
    response = upload(admin, key, csv_bytes(rows), "big.csv")
    assert "more than 2000 rows" in text(response)
    assert counts(app) == before


def test_tampered_payload_is_refused(app, admin):
    key = make_competition(app)
    html = text(upload(admin, key, xlsx_bytes(team_rows(1))))
    payload = payload_of(html)
    forged = payload[:-3] + ("AAA" if payload[-3:] != "AAA" else "BBB")
    response = admin.post(f"/admin/c/{key}/teams/import/confirm", data={"payload": forged},
                          follow_redirects=True)
    assert "The preview expired or was changed" in text(response)
    assert counts(app)["Team"] == 0


def test_payload_of_another_competition_is_refused(app, admin):
    key = make_competition(app)
    other = make_competition(app, "c2")
    html = text(upload(admin, key, xlsx_bytes(team_rows(1))))
    response = admin.post(f"/admin/c/{other}/teams/import/confirm",
                          data={"payload": payload_of(html)}, follow_redirects=True)
    assert "The preview expired or was changed" in text(response)
    assert counts(app)["Team"] == 0


def test_confirm_rechecks_against_the_database(app, admin):
    """A team added between preview and confirm makes the confirm refuse, all or nothing."""
    key = make_competition(app)
    html = text(upload(admin, key, xlsx_bytes(team_rows(2))))
    payload = payload_of(html)
    admin.post(f"/admin/c/{key}/teams/new", data={
        "key": "T02", "name": "别的队", "members-0-name": "甲", "members-0-department": "组织部",
        "members-1-name": "乙", "members-1-department": "宣传部",
        "members-2-name": "丙", "members-2-department": "人事处"})
    assert counts(app)["Team"] == 1
    response = admin.post(f"/admin/c/{key}/teams/import/confirm", data={"payload": payload})
    assert response.status_code == 409
    assert counts(app)["Team"] == 1


def test_reader_headers_in_english_and_no_header():
    from scoring.imports import read_table
    from scoring.imports.teams import rows_from_table

    data = csv_bytes([("Team key", "Team name", "Member name", "Department"),
                      ("A", "x", "m", "d")])
    rows, letters = rows_from_table(read_table("t.csv", data))
    assert rows[0].key == "A" and rows[0].row == 2 and letters["member"] == "C"
    rows, _ = rows_from_table(read_table("t.csv", csv_bytes([("A", "x", "m", "d")])))
    assert rows[0].row == 1 and rows[0].department == "d"


def test_excel_numbers_come_back_without_point_zero():
    from scoring.imports import read_table

    rows = read_table("t.xlsx", xlsx_bytes([HEADER, (1, "队", "人", "部")]))
    assert rows[1][1][0] == "1"
