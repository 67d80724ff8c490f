"""Turn an uploaded file into numbered rows of text cells, refusing anything odd cleanly.

Accepted: .xlsx (first sheet) and CSV text in UTF-8, UTF-8 with BOM, GBK/GB18030 (what
Chinese Excel writes) or UTF-16 with BOM ("Unicode text"). The file's content decides,
not its name: a PNG named .xlsx is refused.

Every read is bounded by the work it does, not only by the file's size: a 2 MB zip can
unpack to gigabytes, and a 1.5 KB sheet can declare a million rows (openpyxl would pad
every one of them). So the zip is checked before anything is unpacked (members, sizes,
compression ratio), and the sheet is read by a streaming pass that counts the row and
cell elements it meets and stops with a message past the limits; declared dimensions
are never trusted and missing rows are never filled in.
"""
import csv
import io
import zipfile
from datetime import date, datetime

from ..rules.errors import N_, RuleError
from ..rules.text import bad_character, character_name

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
# The zip: a real workbook of 2,000 rows unpacks to a few MB in a dozen members.
MAX_UNZIPPED = 20 * 1024 * 1024
MAX_PART = 8 * 1024 * 1024
MAX_MEMBERS = 1000
# XML packs about 10:1; far more than this is a zip bomb, not a spreadsheet.
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024
# What one sheet or CSV file may make us read, blank rows and cells included.
MAX_LINES = 20_000
MAX_CELLS = 100_000
MAX_LINE_LENGTH = 20_000
MAX_CELL = 500
MAX_COLUMNS = 30
EXCEL_MAX_ROW = 1_048_576

_UNREADABLE = N_("The file could not be read as an Excel .xlsx workbook. Save it from Excel "
                 "as .xlsx or CSV and try again.")


_FORMULA_TAG = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}f"
_NO_RESULT = N_("Cell %(cell)s holds a formula with no computed value. Open the file in Excel "
                "and save it again, or type the value instead of the formula.")


class SpreadsheetError(RuleError):
    """The upload as a whole cannot be read (wrong kind of file, too big, too many rows)."""


def _plain(value) -> str:
    """A cell as text: numbers without a trailing .0 (Excel stores 1 as 1.0), dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _clean(cells) -> list[str]:
    """Strip cells (full-width spaces too), cut at MAX_COLUMNS, drop trailing blanks."""
    out = [_plain(c).replace("\u3000", " ").strip()[:MAX_CELL] for c in list(cells)[:MAX_COLUMNS]]
    while out and not out[-1]:
        out.pop()
    return out


def _too_many(max_rows):
    return SpreadsheetError(N_("The file has more than %(max)s rows. Split it into smaller "
                               "files and import them one after the other."), {"max": max_rows})


def _too_long():
    return SpreadsheetError(N_("The sheet has more than %(lines)s rows or %(cells)s cells, "
                               "counting empty and formatted ones. Copy only the rows to "
                               "import into a new file and upload that."),
                            {"lines": MAX_LINES, "cells": MAX_CELLS})


def check_zip(archive: zipfile.ZipFile) -> None:
    """Refuse a zip whose members, unpacked sizes or compression ratio no workbook has."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise SpreadsheetError(N_("The workbook holds more than %(max)s parts; this is not an "
                                  "ordinary spreadsheet."), {"max": MAX_MEMBERS})
    total = 0
    for info in members:
        # ZipFile stops reading a member at its declared size, so these sizes are bounds.
        total += info.file_size
        packed = max(info.compress_size, 1)
        if info.file_size > MAX_PART or total > MAX_UNZIPPED or (
                info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * packed):
            raise SpreadsheetError(N_("The spreadsheet is too large once unpacked."))
    if "xl/workbook.xml" not in archive.namelist():
        raise SpreadsheetError(N_("This is a zip file, not an Excel .xlsx workbook."))


def _sheet_rows(sheet, max_rows):
    """Stream the worksheet's XML: non-empty rows as (row number, cells), bounded work."""
    from openpyxl.utils.cell import column_index_from_string
    from openpyxl.worksheet._reader import CELL_TAG, ROW_TAG, WorkSheetParser
    from openpyxl.xml.functions import iterparse

    book = sheet.parent
    rows, number, row_elements, cell_elements = [], 0, 0, 0
    values: dict[int, object] = {}
    in_cell = False
    with sheet._get_source() as source:
        # openpyxl's own cell reader: shared strings, booleans, dates as the workbook says.
        cells = WorkSheetParser(source, sheet._shared_strings, data_only=True,
                                epoch=book.epoch, date_formats=book._date_formats,
                                timedelta_formats=book._timedelta_formats)
        for event, element in iterparse(source, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == CELL_TAG:
                    in_cell = True
                elif tag == ROW_TAG:
                    row_elements += 1
                    if row_elements > MAX_LINES:
                        raise _too_long()
                    given = element.get("r")
                    number = int(given) if given is not None else number + 1
                    if not 1 <= number <= EXCEL_MAX_ROW:
                        raise SpreadsheetError(_UNREADABLE)
                    cells.row_counter, cells.col_counter, values = number, 0, {}
                continue
            if tag == CELL_TAG:
                in_cell = False
                cell_elements += 1
                if cell_elements > MAX_CELLS:
                    raise _too_long()
                ref = element.get("r")
                column = (column_index_from_string(ref.rstrip("0123456789")) if ref
                          else cells.col_counter + 1)
                cells.col_counter = column
                if column <= MAX_COLUMNS:
                    value = cells.parse_cell(element)["value"]
                    if value is None and element.find(_FORMULA_TAG) is not None:
                        # A formula saved without its result (a file written by a script,
                        # not by Excel): read as empty, it was reported as "this cell is
                        # empty" although the cell holds something.
                        raise SpreadsheetError(_NO_RESULT, {"cell": ref or f"{number}"})
                    values[column] = value
            elif in_cell:
                continue  # <v>, <is>, <t>: read with their cell, at its end
            elif tag == ROW_TAG:
                cleaned = _clean(values.get(i) for i in range(1, MAX_COLUMNS + 1))
                if any(cleaned):
                    rows.append((number, cleaned))
                    if len(rows) > max_rows + 1:  # + the header row
                        raise _too_many(max_rows)
                values = {}
            # Whatever was read is dropped: memory stays that of one row.
            element.clear()
    return rows


def _rows_xlsx(data: bytes, max_rows: int) -> list[tuple[int, list[str]]]:
    """The first worksheet's non-empty rows as (spreadsheet row number, cells)."""
    from openpyxl import load_workbook

    try:
        check_zip(zipfile.ZipFile(io.BytesIO(data)))
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except SpreadsheetError:
        raise
    except Exception:  # openpyxl raises many kinds (KeyError, ValueError, zip errors...)
        raise SpreadsheetError(_UNREADABLE) from None
    try:
        if not book.worksheets:
            return []
        return _sheet_rows(book.worksheets[0], max_rows)
    except SpreadsheetError:
        raise
    except Exception:
        raise SpreadsheetError(_UNREADABLE) from None
    finally:
        book.close()


def decode_text(data: bytes) -> str:
    """Decode CSV bytes: UTF-16 (with BOM), UTF-8 (BOM or not), then GB18030 (covers GBK)."""
    text = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in data:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            # GB18030 decodes nearly any bytes: control characters then mean binary data.
            try:
                candidate = data.decode("gb18030")
            except UnicodeDecodeError:
                candidate = None
            if candidate is not None and bad_character(candidate, multiline=True) is None:
                text = candidate
    if text is None or "\x00" in text:
        raise SpreadsheetError(N_("The file is not a spreadsheet or text in a known encoding. "
                                  "Save it from Excel as .xlsx or as CSV (UTF-8 or GBK)."))
    ch = bad_character(text, multiline=True)
    if ch is not None:
        raise SpreadsheetError(N_("Line %(line)s holds an invisible control character "
                                  "(%(char)s): remove it and save the file again."),
                               {"line": text.count("\n", 0, text.index(ch)) + 1,
                                "char": character_name(ch)})
    return text


def _delimiter(text: str) -> str:
    """Comma, tab or semicolon: whichever the first line uses most."""
    first = text.split("\n", 1)[0]
    return max((",", "\t", ";"), key=first.count)


def _lines(text: str):
    """The text's lines, refusing past MAX_LINES lines or a line over MAX_LINE_LENGTH."""
    for number, line in enumerate(io.StringIO(text, newline=""), start=1):
        if number > MAX_LINES:
            raise _too_long()
        if len(line) > MAX_LINE_LENGTH:
            raise SpreadsheetError(N_("Line %(line)s is longer than %(max)s characters."),
                                   {"line": number, "max": MAX_LINE_LENGTH})
        yield line


def _rows_csv(data: bytes, max_rows: int) -> list[tuple[int, list[str]]]:
    """Non-empty CSV lines as (line number, cells)."""
    text = decode_text(data)
    # strict: a quote left open is an error, not a field that swallows the rest of the
    # file ("Q1,\"unterminated,a,b" was read as one team named "unterminated,a,b").
    reader = csv.reader(_lines(text), delimiter=_delimiter(text), strict=True)
    rows = []
    start = 1  # the line the record being read starts on
    try:
        for cells in reader:
            cleaned = _clean(cells)
            start = reader.line_num + 1
            if not any(cleaned):
                continue
            rows.append((reader.line_num, cleaned))
            if len(rows) > max_rows + 1:
                raise _too_many(max_rows)
    except csv.Error as e:
        if "end of data" in str(e):
            raise SpreadsheetError(N_('The CSV file is malformed: the quote (") opened on '
                                      "line %(line)s is never closed."),
                                   {"line": start}) from None
        raise SpreadsheetError(N_("The CSV file is malformed near line %(line)s."),
                               {"line": start}) from None
    return rows


_REFUSED_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"\x1f\x8b", b"Rar!",
                  b"7z\xbc\xaf", b"BM")


def read_table(filename: str, data: bytes, max_rows: int = MAX_ROWS):
    """Numbered non-empty rows [(row number, [cell text, ...])] of an uploaded spreadsheet."""
    if not data or not data.strip():
        raise SpreadsheetError(N_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise SpreadsheetError(N_("The file is larger than %(limit)s MB."),
                               {"limit": MAX_BYTES // (1024 * 1024)})
    name = (filename or "").lower()
    if data.startswith(b"PK\x03\x04"):
        rows = _rows_xlsx(data, max_rows)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SpreadsheetError(N_("Old Excel .xls files cannot be read. In Excel choose "
                                  "Save As and pick .xlsx or CSV."))
    elif data.startswith(_REFUSED_MAGIC) or name.endswith((".xlsx", ".xlsm")):
        raise SpreadsheetError(N_("The file is not a spreadsheet. Upload an .xlsx or "
                                  ".csv file."))
    else:
        rows = _rows_csv(data, max_rows)
    if not rows:
        raise SpreadsheetError(N_("The file is empty."))
    return rows
