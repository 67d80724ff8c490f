"""Reading a JSON request body without ever failing on it: nesting, numbers, characters.

json.loads alone lets through what later code cannot take: nesting deeper than Python's
stack (RecursionError), numbers like 1E+999999999 (a Decimal whose plain text is a
billion digits), integers of thousands of digits, and strings with NUL or lone
surrogates (no database stores them). It also keeps the last of two equal keys
({"delivery": "31", "delivery": "10"} would save 10, the refused 31 unseen) and reads
1e1 as 10 where docs/rules.md refuses exponents. Each is refused here as a 400 with a
message.
"""
import json
from decimal import Decimal, InvalidOperation

from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _

from ..rules.text import bad_character, character_name

# A score has a few digits; base_version and counts are small whole numbers.
MAX_NUMBER_LENGTH = 40
MAX_EXPONENT = 30
MAX_DEPTH = 20


class BodyRefused(ValueError):
    """The body is not a JSON object this API can read; `message` says why (translated)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class _BadNumber(ValueError):
    pass


class _Exponent(ValueError):
    pass


class _DuplicateKey(ValueError):
    pass


def _decimal(text: str) -> Decimal:
    """A JSON number with a fraction, as a Decimal of sensible size; exponent form (1e1,
    2.5E-1) is refused as a score typed "1e1" is: not a plain number."""
    if len(text) > MAX_NUMBER_LENGTH:
        raise _BadNumber(text)
    if "e" in text or "E" in text:
        raise _Exponent(text)
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise _BadNumber(text) from None
    if not value.is_finite() or abs(value.adjusted()) > MAX_EXPONENT:
        raise _BadNumber(text)
    return value


def _integer(text: str) -> int:
    """A JSON whole number of at most MAX_NUMBER_LENGTH characters."""
    if len(text) > MAX_NUMBER_LENGTH:
        raise _BadNumber(text)
    return int(text)


def _no_duplicate_keys(pairs):
    # json.loads keeps the last of two equal keys: a body that says two things must not
    # be read as one of them, at any depth.
    out = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _shown(text: str) -> str:
    """A key or number of the body, as sent, cut when long (a message is not a dump)."""
    return text if len(text) <= MAX_NUMBER_LENGTH else text[:MAX_NUMBER_LENGTH] + "…"


def _constant(text):
    # NaN, Infinity and -Infinity are not JSON.
    raise _BadNumber(text)


def _problem(doc):
    """The first problem of the parsed document's shape or texts (a message), else None."""
    stack = [(doc, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return _("The request nests too deeply.")
        texts = ()
        if isinstance(value, str):
            texts = (value,)
        elif isinstance(value, dict):
            texts = tuple(value)
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
        for text in texts:
            ch = bad_character(text, multiline=True)
            if ch is not None:
                return _("The request holds a character that is not allowed (%(char)s).",
                         char=character_name(ch))
    return None


def parse_object(raw: bytes) -> dict:
    """The JSON object in raw (UTF-8), decimals as Decimal; BodyRefused when it is not one."""
    try:
        data = json.loads(raw.decode("utf-8"), parse_float=_decimal, parse_int=_integer,
                          parse_constant=_constant, object_pairs_hook=_no_duplicate_keys)
    except _Exponent as e:
        raise BodyRefused(_("%(value)s is not a number", value=_shown(e.args[0]))) from None
    except _DuplicateKey as e:
        ch = bad_character(e.args[0], multiline=True)
        if ch is not None:  # never echo a NUL or a lone surrogate
            raise BodyRefused(_("The request holds a character that is not allowed "
                                "(%(char)s).", char=character_name(ch))) from None
        raise BodyRefused(_('The key "%(key)s" appears twice in the request.',
                            key=_shown(e.args[0]))) from None
    except _BadNumber:
        raise BodyRefused(_("A number in the request is too long or too large.")) from None
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise BodyRefused(_("The request is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise BodyRefused(_("The request is not valid JSON."))
    problem = _problem(data)
    if problem is not None:
        raise BodyRefused(problem)
    return data


class SafeJSONProvider(DefaultJSONProvider):
    """Flask's JSON, except that request.get_json() answers 400 to nesting deeper than
    Python's stack, as to any other invalid JSON (werkzeug turns ValueError into 400)."""

    def loads(self, s, **kwargs):
        """json.loads, with RecursionError raised as ValueError."""
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None
