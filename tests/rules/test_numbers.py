"""Rule 1 (parsing a value) and rule 5 (exact half-up rounding)."""

from decimal import Decimal as D
from fractions import Fraction as F

import pytest

from scoring.rules import Criterion, ScoreError, parse_score, round_half_up


@pytest.mark.parametrize(("value", "decimals", "expected"), [
    (F(1, 200), 2, "0.01"),
    (F(-1, 200), 2, "-0.01"),          # half away from zero
    (F(1, 201), 2, "0.00"),
    (F(-1, 1000), 2, "0.00"),          # no "-0.00"
    (D("2.675"), 2, "2.68"),           # binary floating point gives 2.67 here
    (D("2.665"), 2, "2.67"),           # half-even would give 2.66
    (D("85.005"), 2, "85.01"),
    (F(255015, 3000), 2, "85.01"),     # exactly 85.005 as a Fraction of thirds
    (F(85005, 1000) - F(1, 10**30), 2, "85.00"),  # a hair below the half goes down
    (F(1041, 7), 2, "148.71"),
    (F(2, 3), 0, "1"),
    (F(1, 2), 0, "1"),
    (F(5, 2), 0, "3"),                 # half-even would give 2
    (D("99.99999"), 4, "100.0000"),
    (7, 1, "7.0"),
])
def test_round_half_up(value, decimals, expected):
    result = round_half_up(value, decimals)
    assert str(result) == expected
    assert result.as_tuple().exponent == -decimals


def test_round_half_up_refuses_inexact_and_bad_input():
    with pytest.raises(TypeError):
        round_half_up(0.5, 2)  # binary floating point is never an input
    with pytest.raises(ValueError):
        round_half_up(D("NaN"), 2)
    with pytest.raises(ValueError):
        round_half_up(F(1, 2), -1)


C_HALF = Criterion("goals", D("25"), D("0.5"))
C_TENTH = Criterion("qa", D("20"), D("0.1"))
C_QUARTER = Criterion("form", D("10"), D("0.25"))


@pytest.mark.parametrize(("text", "criterion", "expected"), [
    ("21.5", C_HALF, D("21.5")),
    (" 7.5 ", C_HALF, D("7.5")),       # whitespace from a tablet keyboard is forgiven
    ("007", C_HALF, D("7")),
    ("0", C_HALF, D("0")),
    ("-0", C_HALF, D("0")),
    ("25", C_HALF, D("25")),
    ("25.0", C_HALF, D("25")),
    ("19.9", C_TENTH, D("19.9")),
    ("0.1", C_TENTH, D("0.1")),
    ("7.75", C_QUARTER, D("7.75")),
    ("10.00", C_QUARTER, D("10")),
    (D("3.5"), C_HALF, D("3.5")),
    (4, C_HALF, D("4")),
])
def test_parse_score_accepts(text, criterion, expected):
    value = parse_score(text, criterion)
    assert value == expected
    assert isinstance(value, D)
    assert not value.is_signed()


@pytest.mark.parametrize(("text", "criterion", "message"), [
    ("-1", C_HALF, "-1 is below the minimum 0"),
    ("-0.5", C_HALF, "-0.5 is below the minimum 0"),
    ("25.5", C_HALF, "25.5 is above the maximum 25"),
    ("21", C_TENTH, "21 is above the maximum 20"),
    ("30.25", C_HALF, "30.25 is above the maximum 25"),
    ("20.25", C_HALF, "20.25 is not a multiple of the step 0.5"),
    ("7.05", C_TENTH, "7.05 is not a multiple of the step 0.1"),
    ("7.3", C_QUARTER, "7.3 is not a multiple of the step 0.25"),
    ("1e9", C_HALF, "1e9 is not a number"),
    ("1E1", C_HALF, "1E1 is not a number"),
    ("NaN", C_HALF, "NaN is not a number"),
    ("Infinity", C_HALF, "Infinity is not a number"),
    ("inf", C_HALF, "inf is not a number"),
    ("٣", C_HALF, "٣ is not a number"),        # Arabic-Indic three: Decimal() would take it
    ("７", C_HALF, "７ is not a number"),       # full-width seven from a Chinese keyboard
    ("abc", C_HALF, "abc is not a number"),
    ("+5", C_HALF, "+5 is not a number"),
    ("5.", C_HALF, "5. is not a number"),
    ("1,5", C_HALF, "1,5 is not a number"),
    ("", C_HALF, "Enter a score"),
    ("   ", C_HALF, "Enter a score"),
    (None, C_HALF, "Enter a score"),
    (D("NaN"), C_HALF, "NaN is not a number"),
    (D("Infinity"), C_HALF, "Infinity is not a number"),
    (D("1E+9"), C_HALF, "1000000000 is above the maximum 25"),
    (True, C_HALF, "True is not a number"),
])
def test_parse_score_refuses(text, criterion, message):
    with pytest.raises(ScoreError) as info:
        parse_score(text, criterion)
    assert str(info.value) == message
    assert info.value.params["criterion"] == criterion.key
    # The template stays untranslated with placeholders, for the Flask side to translate.
    assert info.value.message % info.value.params == message


@pytest.mark.parametrize(("text", "criterion", "value"), [
    ("30.25", C_HALF, "30.25"), ("21", C_TENTH, "21"),
])
def test_score_error_params_name_the_limits(text, criterion, value):
    with pytest.raises(ScoreError) as info:
        parse_score(text, criterion)
    assert info.value.params["value"] == value
    assert info.value.params["max"] == str(criterion.max)
    assert "%(" in info.value.message


@pytest.mark.parametrize(("value", "decimals", "expected"), [
    # Beyond the exact context's 60 digits: the digit-tuple path, still exact.
    (F(10**70, 3), 2, "3" * 70 + ".33"),
    (F(-(10**70), 3), 0, "-" + "3" * 70),
    (F(10**49 - 1), 0, "9" * 49),     # just below the fast path's limit
    (F(10**50), 0, "1" + "0" * 50),   # at the limit
])
def test_round_half_up_of_huge_values_stays_exact(value, decimals, expected):
    result = round_half_up(value, decimals)
    assert str(result) == expected
    assert result.as_tuple().exponent == -decimals
