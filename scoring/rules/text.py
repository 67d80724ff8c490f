"""What a stored text may hold: the one check every input uses, and the cleaning writers use.

Texts people type (names, keys, departments) are one line: no character of Unicode
category Cc (U+0000-U+001F, U+007F-U+009F) and no invisible formatting character
(zero-width, byte order mark, direction marks and overrides: see _FORMAT). Multi-line
texts (reasons, notes, descriptions) may also hold line ends and tabs. Lone surrogates
(U+D800-U+DFFF) are not characters at all and cannot be encoded for any database.
Inputs refuse such texts with `text_problem`; writers of files (xlsx, CSV, PDF) meet rows
stored before this check existed and replace what they cannot write with `clean_text`.
"""
import re

from .errors import N_

REPLACEMENT = "\ufffd"
# Inputs of these names are multi-line texts wherever they appear (forms, setup
# operations, contest files); every other text is one line.
MULTILINE_FIELDS = frozenset({"reason", "note", "notes", "description", "comment"})
# Invisible formatting characters (Unicode category Cf): zero-width spaces and joiners,
# the word joiner, the byte order mark, a soft hyphen, and the marks and overrides that
# change the direction text is shown in. With them "启航队\u200b" passes for a second
# 启航队 on the projector, and "\u202e" shows a name or a file name backwards.
_FORMAT = ("\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"
           "\ufeff\ufff9-\ufffb")
_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff" + _FORMAT + "]")
# Line ends: \n, and \r which browsers send before it (CRLF) from a textarea.
_MULTI_LINE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff" + _FORMAT + "]")


def bad_character(text, multiline: bool = False) -> str | None:
    """The first character text may not hold (None when it is fine or not a text)."""
    if not isinstance(text, str):
        return None
    found = (_MULTI_LINE if multiline else _ONE_LINE).search(text)
    return found.group() if found else None


def character_name(ch: str) -> str:
    """A character as people can read it in a message, e.g. "U+0007"."""
    return f"U+{ord(ch):04X}"


def text_problem(text, multiline: bool = False):
    """(message template, params) when text holds a character it may not, else None."""
    ch = bad_character(text, multiline)
    if ch is None:
        return None
    if "\ud800" <= ch <= "\udfff":
        return N_("holds an invalid character (%(char)s): type the text again"), \
            {"char": character_name(ch)}
    if ch in "\n\r\t":
        return N_("holds a line break or tab (%(char)s): keep it on one line"), \
            {"char": character_name(ch)}
    return N_("holds an invisible control character (%(char)s): remove it"), \
        {"char": character_name(ch)}


def clean_text(text, multiline: bool = True, replacement: str = REPLACEMENT):
    """text with every character an input would refuse replaced; other values unchanged.

    multiline=True (the default for writers) keeps line ends and tabs, which XML, CSV and
    PDF can all hold.
    """
    if not isinstance(text, str):
        return text
    return (_MULTI_LINE if multiline else _ONE_LINE).sub(replacement, text)
