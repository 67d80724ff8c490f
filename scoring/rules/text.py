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
import unicodedata

from .errors import N_

REPLACEMENT = "\ufffd"
# Inputs of these names are multi-line texts wherever they appear (forms, setup
# operations, contest files); every other text is one line.
MULTILINE_FIELDS = frozenset({"reason", "note", "notes", "description", "comment"})
# Invisible formatting characters: every character of Unicode category Cf (zero-width
# spaces and joiners, the word joiner, the byte order mark, a soft hyphen, the marks and
# overrides that change the direction text is shown in, Arabic and Syriac number signs,
# Egyptian and musical format controls, tag characters), and the characters that show
# nothing although they are not Cf: the combining grapheme joiner, the Hangul fillers and
# the Mongolian variation selectors. With them "启航队\u200b" passes for a second 启航队 on
# the projector, and "\u202e" shows a name or a file name backwards.
# tests/hardening/test_control_characters.py checks the list against unicodedata.
_FORMAT = ("\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160"
           "\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164"
           "\ufeff\uffa0\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
           "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f")
# Variation selectors choose a glyph: invisible in a name (so refused there), but an
# emoji typed on a tablet's keyboard carries one, so a comment or reason may hold them.
_SELECTORS = "\ufe00-\ufe0f\U000e0100-\U000e01ef"
_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff" + _FORMAT + _SELECTORS + "]")
# Line ends: \n, and \r which browsers send before it (CRLF) from a textarea.
_MULTI_LINE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff" + _FORMAT + "]")
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """What people see in a name or key, for telling two apart: the compatibility form
    (NFKC: "ＩＴ部" is "IT部", the Kangxi radical "⼈" is "人", "（" is "("), case-folded,
    with runs of spaces as one. Two names with the same fold are the same name."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def key_form(key: str) -> str:
    """A key in its compatibility form (NFKC): "Ｔ０１" typed in full width is T01."""
    return unicodedata.normalize("NFKC", key)


class Spellings:
    """One spelling per name: of the texts with the same fold, the first one known or seen.

    Reading a file, every cell passes through: "⼈事处" becomes the known 人事处, and
    then every comparison of plain strings after it treats the two as one name.
    """

    def __init__(self, known=()):
        self._by_fold: dict[str, str] = {}
        for text in known:
            self._by_fold.setdefault(fold(text), text)

    def __call__(self, text: str) -> str:
        """The spelling of text's name: text itself the first time its name is seen."""
        if not text:
            return text
        return self._by_fold.setdefault(fold(text), text)


def same_name_in(name: str, names):
    """The member of names that is the same name as `name` (see fold), or None."""
    wanted = fold(name)
    return next((n for n in names if fold(n) == wanted), None)


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


def comment_text(raw: str) -> str:
    """A comment (评语) as the tablet keeps it: line ends as "\\n", nothing blank at either end.

    A browser hands the tablet's script a textarea's value with "\\n" line ends, and the
    server strips it (operations/sheet_reads.clean_comment); a form posted from a text area
    sends "\\r\\n" instead (and an old Mac "\\r"), so a comment typed in a form becomes the
    text the tablet would have stored only once its line ends are "\\n" again.
    """
    return raw.replace("\r\n", "\n").replace("\r", "\n").strip()


def differ_only_in_spacing(a: str, b: str) -> bool:
    """Whether two different texts hold the same characters once every space, tab and line
    break is taken out (a hint for people comparing two typings of one handwritten text)."""
    return a != b and "".join(a.split()) == "".join(b.split())


FILE_LABEL_LIMIT = 120


def file_label(name, limit: int = FILE_LABEL_LIMIT) -> str:
    """The label shown for an uploaded file: its last path part only, cleaned, shortened.

    Browsers and scripts send paths as file names ("C:\\fakepath\\plan.pdf", IE's whole
    "D:\\Users\\me\\plan.pdf", "../../plan.pdf"): the folder says nothing to whoever reads
    the label and can mislead. Control and format characters are dropped (clean_text), and
    a long name keeps its extension ("very…long.pdf"). Never touches the database.
    """
    text = clean_text(name if isinstance(name, str) else "", multiline=False, replacement="")
    text = re.split(r"[\\/]", text)[-1].strip()
    if text in (".", ".."):
        text = ""
    if len(text) <= limit:
        return text
    stem, dot, ext = text.rpartition(".")
    if dot and stem and len(ext) <= 10:
        return text[:limit - len(ext) - 2] + "…." + ext
    return text[:limit - 1] + "…"
