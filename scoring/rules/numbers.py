"""Exact numbers: half-up rounding of Fractions and parsing of typed scores."""

import re
from decimal import Context, Decimal, DivisionByZero, Inexact, InvalidOperation
from fractions import Fraction
from functools import reduce

from .errors import N_, ScoreError

# A plain decimal number: ASCII digits, optional sign and fraction part. No exponent,
# no NaN/Infinity, no "٣" (Decimal() itself would accept all of those).
_PLAIN = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
# A whole number: ASCII digits only. int() and str.isdigit() take any script's digits
# ("１", "٢" would be read as 1 and 2); nothing the app counts is typed that way.
_WHOLE = re.compile(r"[0-9]+")
# Longer input is a typo or an attack, never a score.
_MAX_LENGTH = 24
# Decimal arithmetic that is exact or raises: sums and step checks stay in Decimal
# (far cheaper than Fraction) without ever rounding silently.
_EXACT = Context(prec=60, traps=[Inexact, InvalidOperation, DivisionByZero])
_SCALEB_LIMIT = 10**50


def to_fraction(x) -> Fraction:
    """Convert a Decimal, int or Fraction to an exact Fraction (never via binary floating point)."""
    if type(x) is Decimal:  # the common case first: isinstance(x, Fraction) is an ABC check
        if not x.is_finite():
            raise ValueError(f"{x} is not a finite number")
        return Fraction(*x.as_integer_ratio())
    if isinstance(x, Fraction):
        return x
    if isinstance(x, bool):
        raise TypeError("a bool is not a number here")
    if isinstance(x, Decimal):
        if not x.is_finite():
            raise ValueError(f"{x} is not a finite number")
        return Fraction(x)
    if isinstance(x, int):
        return Fraction(x)
    raise TypeError(f"{type(x).__name__} is not an exact number")


def round_half_up(x, decimals: int = 2) -> Decimal:
    """Rule 5: round exactly, half away from zero (四舍五入), to `decimals` places."""
    f = to_fraction(x)
    return round_ratio_half_up(f.numerator, f.denominator, decimals)


def round_ratio_half_up(numerator: int, denominator: int, decimals: int = 2) -> Decimal:
    """round_half_up of the ratio numerator / denominator (denominator > 0), in integers.

    For a caller that has the integers already (a mean as a sum and a count): no Fraction
    needs building, and the ratio need not be in lowest terms.
    """
    if decimals < 0:
        raise ValueError("decimals must be >= 0")
    if denominator <= 0:
        raise ValueError("the denominator must be > 0")
    # floor(|f| * 10**decimals + 1/2) in integers: exact, unlike any Decimal or binary
    # division, and without the Fractions abs() and * would build (a ranking rounds
    # thousands of times).
    n = (2 * abs(numerator) * 10**decimals + denominator) // (2 * denominator)
    sign = 1 if (numerator < 0 and n) else 0
    if n < _SCALEB_LIMIT:
        # Moving the decimal point of an integer is exact (the context traps any rounding).
        return _EXACT.scaleb(Decimal(-n if sign else n), -decimals)
    return Decimal((sign, tuple(int(c) for c in str(n)), -decimals))  # beyond its precision


def exact_sum(values) -> Decimal:
    """Sum Decimals exactly; raises rather than silently rounding a huge sum."""
    return reduce(_EXACT.add, values, Decimal(0))


def decimal_text(value: Decimal) -> str:
    """Show a Decimal in plain notation without trailing zeros ("0.4", "10"), exactly."""
    # normalize() rounds to the context's precision (28 digits by default): a 39-digit
    # score was echoed in its message as another number. A context as precise as the
    # value itself only drops trailing zeros.
    digits = len(value.as_tuple().digits) if value.is_finite() else 1
    text = format(value.normalize(Context(prec=max(digits, 1))), "f")
    return "0" if text in ("-0", "") else text


def parse_whole(text, max_digits: int = 12) -> int | None:
    """A whole number typed as ASCII digits ("007" is 7, spaces around dropped), else None:
    "１" and "٢" (full-width, Arabic-Indic), "-1", "+1", "1.0", "1e3", "" and more than
    max_digits digits (a 40-digit id would overflow a database integer) are not one."""
    if not isinstance(text, str):
        return None
    s = text.strip()
    if not s or len(s) > max_digits or not _WHOLE.fullmatch(s):
        return None
    return int(s)


# The largest row id: INTEGER on PostgreSQL and MariaDB (the narrowest of the three
# databases). A bigger number names no row; sent to PostgreSQL it is an error ("integer
# out of range", a server error), not "not found".
MAX_ID = 2**31 - 1


def parse_id(text) -> int | None:
    """A row id typed as ASCII digits (as parse_whole), or None; None also beyond MAX_ID,
    so a link or form naming id 2147483648 is "no such row", never a database error."""
    number = parse_whole(text, max_digits=10)
    return number if number is not None and number <= MAX_ID else None


def parse_plain_decimal(text: str) -> Decimal | None:
    """Parse a plain decimal string (no exponent, ASCII digits); None when it is not one."""
    if not isinstance(text, str):
        return None
    s = text.strip()
    if len(s) > _MAX_LENGTH or not _PLAIN.fullmatch(s):
        return None
    value = Decimal(s)
    return value.copy_abs() if value == 0 else value  # "-0" is 0


_EXPONENT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)[eE][+-]?[0-9]+")


def decimal_refusal(text) -> tuple[str, dict]:
    """Why a value parse_plain_decimal refused is not a plain decimal, as (message, params):
    "1e1" is a text already, so "give a decimal number as a text" would mislead."""
    s = text.strip() if isinstance(text, str) else ""
    if _EXPONENT.fullmatch(s):
        return (N_('"%(value)s" is in exponent notation, which is not accepted: write the '
                   'number out, like "10" or "0.4"'), {"value": s[:_MAX_LENGTH]})
    if any(ch.isdigit() and not ch.isascii() for ch in s):
        return (N_('"%(value)s" is not a number: type the digits 0-9'),
                {"value": s[:_MAX_LENGTH]})
    return N_('give a decimal number as a text, like "0.4"'), {}


def check_score(value: Decimal, criterion) -> Decimal:
    """Rule 1: a value lies in [0, max] and is a multiple of the step counted from 0."""
    if value < 0:
        raise ScoreError(N_("%(value)s is below the minimum 0"), _params(value, criterion))
    if value > criterion.max:
        raise ScoreError(N_("%(value)s is above the maximum %(max)s"),
                         _params(value, criterion))
    # A step of 0 or less is a broken rubric, reported by contest_problems, not here.
    # The remainder is computed exactly (the context traps any rounding).
    if criterion.step > 0 and _EXACT.remainder(value, criterion.step) != 0:
        raise ScoreError(N_("%(value)s is not a multiple of the step %(step)s"),
                         _params(value, criterion))
    return value


def _params(value, criterion) -> dict:
    """Message parameters, built only when there is a message to show."""
    return {"value": decimal_text(value), "max": decimal_text(criterion.max),
            "step": decimal_text(criterion.step), "criterion": criterion.key}


def parse_score(text, criterion) -> Decimal:
    """Rule 1: parse one typed value ("7.5", " 7.5 ", "007") for a criterion or raise ScoreError."""
    if text is None or (isinstance(text, str) and not text.strip()):
        raise ScoreError(N_("Enter a score"), {"criterion": criterion.key})
    if isinstance(text, Decimal):
        if not text.is_finite():
            raise ScoreError(N_("%(value)s is not a number"),
                             {"value": str(text), "criterion": criterion.key})
        value = text.copy_abs() if text == 0 else text
    elif isinstance(text, int) and not isinstance(text, bool):
        value = Decimal(text)
    else:
        value = parse_plain_decimal(text) if isinstance(text, str) else None
        if value is None:
            shown = text.strip()[:_MAX_LENGTH] if isinstance(text, str) else repr(text)
            raise ScoreError(N_("%(value)s is not a number"),
                             {"value": shown, "criterion": criterion.key})
    return check_score(value, criterion)
