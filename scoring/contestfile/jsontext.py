"""Reading a contest file's text as JSON: encoding, duplicate names, numbers kept as text.

A problem here is one ContestFileError naming where the text breaks; the document it
gives is then checked by schema.parse_document.
"""
import json

from ..rules import N_
from .errors import ContestFileError


def parse_json_text(text):
    """The JSON value of a file's text; invalid JSON is one problem naming line and column."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise ContestFileError([("", N_("the file is not UTF-8 text (byte %(position)s)"),
                                     {"position": e.start + 1})]) from None
    elif text.startswith("\ufeff"):
        text = text[1:]
    try:
        doc = json.loads(text, parse_float=_keep_float_text, parse_constant=_keep_float_text,
                         object_pairs_hook=_no_duplicate_names)
    except _DuplicateName as e:
        raise ContestFileError([("", N_('the name "%(name)s" appears twice in one JSON object'),
                                 {"name": e.args[0]})]) from None
    except json.JSONDecodeError as e:
        raise ContestFileError([("", N_("invalid JSON at line %(line)s, column %(column)s: "
                                        "%(reason)s"),
                                 {"line": e.lineno, "column": e.colno, "reason": e.msg})]) from None
    except (RecursionError, ValueError):
        # Nesting deeper than Python's stack, or an integer of thousands of digits.
        raise ContestFileError([("", N_("the file nests too deeply or holds a number too "
                                        "long to be a contest file"), {})]) from None
    return doc


class _DuplicateName(ValueError):
    pass


def _no_duplicate_names(pairs):
    # json.loads would silently keep the last of two equal names; a file that says
    # two things must not be read as one of them.
    out = {}
    for name, value in pairs:
        if name in out:
            raise _DuplicateName(name)
        out[name] = value
    return out


class JsonNumber(str):
    """A JSON number with a fraction part, kept as its text so it is never a float."""


def _keep_float_text(text):
    return JsonNumber(text)
