"""Reading a contest file's text as JSON: encoding, duplicate names, numbers kept as text.

A problem here is one ContestFileError naming where the text breaks; the document it
gives is then checked by schema.parse_document.
"""
import json
import re

from ..rules import N_
from ..rules.text import character_name, clean_text
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
    found = _lone_surrogate(doc)
    if found is not None:
        raise ContestFileError([(found[0], N_("holds an invalid character (%(char)s): type "
                                              "the text again"), {"char": found[1]})])
    return doc


_SURROGATE = re.compile("[\ud800-\udfff]")


def _lone_surrogate(doc):
    """(place, "U+D800") of the first lone surrogate (a "\\ud800" escape) in a name or a
    text, else None: no database can store one, no terminal can print one."""
    stack = [(doc, "")]
    while stack:
        value, place = stack.pop()
        if isinstance(value, str):
            found = _SURROGATE.search(value)
            if found:
                return place, character_name(found.group())
        elif isinstance(value, dict):
            for name, item in value.items():
                here = f"{place}.{clean_text(name)}".lstrip(".")
                found = _SURROGATE.search(name)
                if found:
                    return here, character_name(found.group())
                stack.append((item, here))
        elif isinstance(value, list):
            stack.extend((item, f"{place}[{i}]") for i, item in enumerate(value))
    return None


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
