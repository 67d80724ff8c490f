"""Uploads are bounded by the work they cause, and never hold the database's write lock.

- A 1.5 KB .xlsx declaring the whole Excel grid (A1:XFD1048576), or using row 1048576,
  is read exactly (its two rows, with their row numbers) without padding the rows in
  between: the number of rows handled and the width of each are asserted, not the time.
- A sheet whose dimension lies (A1:A2 with a far row) loses no row.
- Zip guards: too many members, a member unpacking far beyond its packed size (a zip
  bomb), a member larger than the part limit; sheets with too many row or cell
  elements; CSV with too many lines, a line too long, NUL, control characters.
- While an upload is being parsed, a judge's submission on SQLite goes through (the
  upload route ends its read-only transaction, which holds the write lock, first).
"""
import io
import threading
import zipfile

import pytest

from scoring.imports import SpreadsheetError, read_table
from scoring.imports import reader as R

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
    '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
    '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.worksheet+xml"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.'
            'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" '
            'sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                 'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
                 'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                 'worksheet" Target="worksheets/sheet1.xml"/></Relationships>')


def crafted_xlsx(rows_xml: str, dimension: str | None = None, extra=()) -> bytes:
    """A minimal hand-written workbook: its sheet XML is exactly what the test says."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
             f'openxmlformats.org/spreadsheetml/2006/main">{dim}<sheetData>{rows_xml}'
             '</sheetData></worksheet>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        for name, data in extra:
            z.writestr(name, data)
    return out.getvalue()


def row(number, *texts):
    cells = "".join(f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{t}</t></is></c>'
                    for i, t in enumerate(texts))
    return f'<row r="{number}">{cells}</row>'


@pytest.fixture
def work(monkeypatch):
    """Counts the rows the reader handles and the widest row it was given."""
    seen = {"rows": 0, "widest": 0}
    clean = R._clean

    def counting(cells):
        cells = list(cells)
        seen["rows"] += 1
        seen["widest"] = max(seen["widest"], len(cells))
        assert seen["rows"] <= 1000, "the reader is padding rows that are not in the file"
        return clean(cells)

    monkeypatch.setattr(R, "_clean", counting)
    return seen


@pytest.mark.parametrize("dimension", ["A1:XFD1048576", "A1:B2", None])
def test_far_row_and_huge_dimension_are_read_without_padding(work, dimension):
    data = crafted_xlsx(row(1, "队伍名称", "成员姓名") + row(1048576, "启航队", "李明"),
                        dimension)
    assert len(data) < 2000
    assert read_table("t.xlsx", data) == [(1, ["队伍名称", "成员姓名"]),
                                          (1048576, ["启航队", "李明"])]
    assert work["rows"] == 2
    assert work["widest"] <= R.MAX_COLUMNS


def test_declared_grid_without_far_rows_reads_only_the_cells_given(work):
    data = crafted_xlsx(row(1, "a") + row(2, "b"), "A1:XFD1048576")
    assert read_table("t.xlsx", data) == [(1, ["a"]), (2, ["b"])]
    assert work == {"rows": 2, "widest": R.MAX_COLUMNS}


def test_empty_formatted_rows_far_down_cost_nothing(work):
    rows = row(1, "a") + "".join(f'<row r="{n}" ht="20" customHeight="1"/>'
                                 for n in range(100_000, 100_500))
    assert read_table("t.xlsx", crafted_xlsx(rows, "A1:XFD1048576")) == [(1, ["a"])]
    assert work["rows"] == 501  # one per row element, none invented


def test_too_many_row_or_cell_elements_stop_the_reading():
    rows = "".join(f'<row r="{n}"/>' for n in range(1, R.MAX_LINES + 2))
    with pytest.raises(SpreadsheetError, match="more than 20000 rows"):
        read_table("t.xlsx", crafted_xlsx(rows))
    cells = '<row r="1">' + "<c/>" * (R.MAX_CELLS + 1) + "</row>"
    with pytest.raises(SpreadsheetError, match="100000 cells"):
        read_table("t.xlsx", crafted_xlsx(cells))


def test_zip_bomb_and_crowded_zips_are_refused(monkeypatch):
    bomb = crafted_xlsx(row(1, "a"), extra=[("xl/media/blob.bin", b"\0" * (3 * 1024 * 1024))])
    assert len(bomb) < 100_000
    with pytest.raises(SpreadsheetError, match="too large once unpacked"):
        read_table("t.xlsx", bomb)
    crowded = crafted_xlsx(row(1, "a"), extra=[(f"x/{i}", b"") for i in range(R.MAX_MEMBERS)])
    with pytest.raises(SpreadsheetError, match="parts"):
        read_table("t.xlsx", crowded)
    import os

    # A part over the limit that does not pack well (no ratio to give it away).
    monkeypatch.setattr(R, "MAX_PART", 50_000)
    big = crafted_xlsx(row(1, "a"), extra=[("xl/media/noise.bin", os.urandom(60_000))])
    with pytest.raises(SpreadsheetError, match="too large once unpacked"):
        read_table("t.xlsx", big)


def test_csv_bounds():
    with pytest.raises(SpreadsheetError, match="more than 20000 rows"):
        read_table("t.csv", b"a,b\n" + b"\n" * R.MAX_LINES)
    with pytest.raises(SpreadsheetError, match="Line 2 is longer than"):
        read_table("t.csv", b"a,b\n" + b"x," * (R.MAX_LINE_LENGTH // 2 + 1))
    for data in (b"a,b\nc\x00d,e\n", "a,b\nc\x00d\n".encode("utf-16")):
        with pytest.raises(SpreadsheetError, match="not a spreadsheet or text"):
            read_table("t.csv", data)
    with pytest.raises(SpreadsheetError, match=r"Line 3 holds an invisible control character "
                                                r"\(U\+0007\)"):
        read_table("t.csv", "队伍名称,成员\n启航队,李明\n致远队,王\x07芳\n".encode())


def test_crafted_xlsx_upload_answers_a_preview(app, client, login, demo):
    login()
    data = crafted_xlsx(row(1, "队伍名称", "成员姓名", "所在部门")
                        + row(1048576, "新队", "新人", "组织部"), "A1:XFD1048576")
    response = client.post(f"/admin/c/{demo}/teams/import", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(data), "t.xlsx")})
    assert response.status_code == 200
    assert "1048576" in response.get_data(as_text=True)


def test_judge_submits_while_an_upload_is_parsed(make_app, monkeypatch):
    """SQLite: the upload's parse must not hold the write lock a submission needs."""
    import scoring.imports as imports_pkg
    from scoring.extensions import db
    from scoring.operations.demo import DEMO_KEY, load_demo
    from tests.conftest import make_user
    from tests.judging.util import GOOD, body, judge_client, post_submit

    app = make_app("sqlite")
    with app.app_context():
        load_demo()
        db.session.commit()
    parsing, release = threading.Event(), threading.Event()
    # Both imports (teams, judges) read through admin/setup/common.uploaded_table.
    real = imports_pkg.read_table

    def slow_read_table(*args, **kwargs):
        parsing.set()
        release.wait(60)  # a big file: the judge submits meanwhile
        return real(*args, **kwargs)

    monkeypatch.setattr(imports_pkg, "read_table", slow_read_table)
    organizer = app.test_client()
    make_user(app, "admin", "password-admin")
    assert organizer.post("/admin/login", data={"username": "admin",
                                                "password": "password-admin"}).status_code == 302
    judge = judge_client(app, "X1")
    answers = {}

    def upload():
        csv = "队伍名称,成员姓名,所在部门\n新队,甲,组织部\n新队,乙,宣传部\n新队,丙,人事处\n"
        answers["upload"] = organizer.post(
            f"/admin/c/{DEMO_KEY}/teams/import", content_type="multipart/form-data",
            data={"file": (io.BytesIO(csv.encode()), "t.csv")})

    thread = threading.Thread(target=upload)
    thread.start()
    try:
        assert parsing.wait(30)
        response = post_submit(judge, "T01", body(GOOD))
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.json["ok"] and response.json["sheet"]["status"] == "submitted"
    finally:
        release.set()
        thread.join(90)
    assert answers["upload"].status_code == 200
