"""A spreadsheet that cannot be read as it looks says why and where: a formula saved
without its result was "this cell is empty"; a CSV quote never closed swallowed the
rest of the file into one team's name."""
import io

import pytest
from openpyxl import Workbook

from scoring.imports import SpreadsheetError, read_table

from .helpers import HEADER, counts, make_competition
from .test_import import admin, text, upload  # noqa: F401


def _formula_xlsx() -> bytes:
    # openpyxl writes a formula without a cached result, as any script does.
    book = Workbook()
    sheet = book.active
    sheet.append(list(HEADER))
    sheet.append(["T01", "启航队", "张伟", "组织部"])
    sheet.append(["T02", '=CONCATENATE("远", "航")', "李娜", "宣传部"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_formula_without_a_result_names_its_cell():
    with pytest.raises(SpreadsheetError) as e:
        read_table("teams.xlsx", _formula_xlsx())
    assert "formula with no computed value" in e.value.message
    assert e.value.params == {"cell": "B3"}


@pytest.mark.parametrize("raw, message, line", [
    (b'key,name,member,dept\nQ1,"unterminated,a,b\n', "is never closed", 2),
    (b'key,name,member,dept\nQ1,"x\nQ2,a,b,c\n', "is never closed", 2),
    (b'key,name,member,dept\nQ1,"x"y,a,b\n', "malformed near line", 2),
])
def test_a_csv_quote_left_open_is_refused_with_its_line(raw, message, line):
    with pytest.raises(SpreadsheetError) as e:
        read_table("teams.csv", raw)
    assert message in e.value.message and e.value.params == {"line": line}


def test_quoted_fields_still_read(app):
    rows = read_table("t.csv", 'a,b\n"Q1","名, 字","x ""y"""\n'.encode())
    assert rows[1] == (2, ["Q1", "名, 字", 'x "y"'])


def test_the_import_page_says_so_and_imports_nothing(app, admin):  # noqa: F811
    key = make_competition(app)
    before = counts(app)
    page = text(upload(admin, key, _formula_xlsx()))
    assert "Cell B3 holds a formula with no computed value" in page
    page = text(upload(admin, key, ",".join(HEADER).encode() + b'\nQ1,"unterminated,a,b\n',
                       name="teams.csv"))
    assert 'the quote (") opened on line 2 is never closed' in page
    admin.get("/lang/zh_CN")
    page = text(upload(admin, key, _formula_xlsx()))
    assert "B3" in page and "公式" in page
    assert counts(app) == before
