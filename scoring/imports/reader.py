"""Turn an uploaded file into numbered rows of text cells, refusing anything odd cleanly.

Accepted: .xlsx (read with openpyxl in read-only mode, first sheet) and CSV text in
UTF-8, UTF-8 with BOM, GBK/GB18030 (what Chinese Excel writes) or UTF-16 with BOM
("Unicode text"). The file's content decides, not its name: a PNG named .xlsx is refused.
"""
import csv
import io
import zipfile
from datetime import date, datetime

from ..rules.errors import N_, RuleError

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
# A 2 MB zip can inflate to gigabytes; a real 2,000-row sheet is far below this.
MAX_UNZIPPED = 60 * 1024 * 1024
MAX_CELL = 500
MAX_COLUMNS = 30


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


def _rows_xlsx(data: bytes, max_rows: int) -> list[tuple[int, list[str]]]:
    """The first worksheet's non-empty rows as (spreadsheet row number, cells)."""
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        if sum(i.file_size for i in archive.infolist()) > MAX_UNZIPPED:
            raise SpreadsheetError(N_("The spreadsheet is too large once unpacked."))
        if "xl/workbook.xml" not in archive.namelist():
            raise SpreadsheetError(N_("This is a zip file, not an Excel .xlsx workbook."))
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except SpreadsheetError:
        raise
    except Exception:  # openpyxl raises many kinds (KeyError, ValueError, zip errors...)
        raise SpreadsheetError(N_("The file could not be read as an Excel .xlsx workbook. "
                                  "Save it from Excel as .xlsx or CSV and try again.")) from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            return []
        rows = []
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            cleaned = _clean(cells)
            if not any(cleaned):
                continue
            rows.append((number, cleaned))
            if len(rows) > max_rows + 1:  # + the header row
                raise _too_many(max_rows)
        return rows
    except SpreadsheetError:
        raise
    except Exception:
        raise SpreadsheetError(N_("The file could not be read as an Excel .xlsx workbook. "
                                  "Save it from Excel as .xlsx or CSV and try again.")) from None
    finally:
        book.close()


def _too_many(max_rows):
    return SpreadsheetError(N_("The file has more than %(max)s rows. Split it into smaller "
                               "files and import them one after the other."), {"max": max_rows})


def decode_text(data: bytes) -> str:
    """Decode CSV bytes: UTF-16 (with BOM), UTF-8 (BOM or not), then GB18030 (covers GBK)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in data:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            # Control characters other than tab and line ends mean it is not text at all.
            if not any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text):
                return text
    raise SpreadsheetError(N_("The file is not a spreadsheet or text in a known encoding. "
                              "Save it from Excel as .xlsx or as CSV (UTF-8 or GBK)."))


def _delimiter(text: str) -> str:
    """Comma, tab or semicolon: whichever the first line uses most."""
    first = text.split("\n", 1)[0]
    return max((",", "\t", ";"), key=first.count)


def _rows_csv(data: bytes, max_rows: int) -> list[tuple[int, list[str]]]:
    """Non-empty CSV lines as (line number, cells)."""
    text = decode_text(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows = []
    try:
        for cells in reader:
            cleaned = _clean(cells)
            if not any(cleaned):
                continue
            rows.append((reader.line_num, cleaned))
            if len(rows) > max_rows + 1:
                raise _too_many(max_rows)
    except csv.Error:
        raise SpreadsheetError(N_("The CSV file is malformed near line %(line)s."),
                               {"line": reader.line_num}) from None
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
