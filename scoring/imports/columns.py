"""Spreadsheet column helpers shared by the team and judge imports."""
import re


def normal_header(text: str) -> str:
    """Header text compared without spaces, case, stars or a parenthesised note."""
    text = re.sub(r"[（(].*?[)）]", "", text or "")
    return re.sub(r"[\s*_：:]", "", text).lower()


def column_letter(index: int) -> str:
    """Spreadsheet column letter of a 0-based index (A..Z, AA..)."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out
