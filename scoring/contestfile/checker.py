"""The shape checker: reads one value of a contest file as a given type, noting problems.

Each reading method returns the value (or a harmless stand-in) and adds a problem at the
value's place when it is not of the asked shape, so one pass finds every problem.
"""
import re
from decimal import Decimal

from .. import rules as R
from ..rules import N_
from ..rules.text import text_problem
from .jsontext import JsonNumber
from .limits import KEY_LENGTH


class Checker:
    """Collects problems while reading the document's shape."""

    def __init__(self):
        self.problems = []

    def add(self, place, message, **params):
        """Note one problem: (place, message, params)."""
        self.problems.append((place, message, params))

    def obj(self, value, place):
        """The value if it is an object, else None and a problem."""
        if isinstance(value, dict):
            return value
        self.add(place, N_("give an object"))
        return None

    def lst(self, value, place):
        """The value if it is a list, else an empty list and a problem."""
        if isinstance(value, list):
            return value
        self.add(place, N_("give a list"))
        return []

    def fields(self, d, place, required, optional=()):
        """A problem for each required field missing and each field not named at all."""
        for name in required:
            if name not in d:
                self.add(f"{place}.{name}", N_("missing"))
        for name in d:
            if name not in required and name not in optional:
                self.add(f"{place}.{name}", N_("unknown field"))

    def text(self, value, place, max_length=None, empty=False, multiline=False):
        """The value if it is a text (not blank unless empty, within max_length, no control
        characters but line ends and tabs in a multiline one), else None."""
        if not isinstance(value, str) or isinstance(value, JsonNumber):
            self.add(place, N_("give a text"))
            return None
        if not empty and not value.strip():
            self.add(place, N_("give a text that is not empty"))
            return None
        if max_length is not None and len(value) > max_length:
            self.add(place, N_("longer than %(max)s characters"), max=max_length)
            return None
        problem = text_problem(value, multiline)
        if problem is not None:
            self.add(place, problem[0], **problem[1])
            return None
        return value

    def key(self, value, place):
        """The value if it is a usable key (a short text fit for a URL), else None."""
        text = self.text(value, place, KEY_LENGTH)
        if text is not None and (text != text.strip() or re.search(r"[\s/?#%\\]", text)):
            self.add(place, N_('"%(key)s" is not a usable key: no spaces and none of / ? # %% \\'),
                     key=text)
            return None
        if text is not None and not text.strip("."):
            # "." and ".." are path steps: /admin/c/../ is /admin/ to every browser.
            self.add(place, N_('"%(key)s" is not a usable key: a key of dots alone is not '
                               'a place in a web address'), key=text)
            return None
        return text

    def integer(self, value, place):
        """The value if it is a whole number (not true or false), else None."""
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        self.add(place, N_("give a whole number"))
        return None

    def boolean(self, value, place):
        """The value if it is true or false, else None."""
        if isinstance(value, bool):
            return value
        self.add(place, N_("give true or false"))
        return None

    def decimal(self, value, place, digits=None):
        """A decimal given as a JSON string; a JSON number is refused by name."""
        if isinstance(value, (int, float, JsonNumber)) and not isinstance(value, bool):
            self.add(place, N_('give the number as a text in quotes, like "%(value)s", '
                               'not a JSON number'), value=str(value))
            return None
        parsed = R.parse_plain_decimal(value) if isinstance(value, str) else None
        if parsed is None:
            message, params = R.decimal_refusal(value)
            self.add(place, message, **params)
            return None
        if digits is not None:
            before, after = digits
            sign, numbers, exponent = parsed.normalize().as_tuple()
            places = max(0, -exponent)
            if places > after or abs(parsed) >= Decimal(10) ** before:
                self.add(place, N_("%(value)s has too many digits (at most %(before)s before "
                                   "and %(after)s after the point)"),
                         value=value, before=before, after=after)
                return None
        return parsed
