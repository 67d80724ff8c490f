"""A number refused says what is wrong with it, and echoes it as it was given.

"1e1" in a contest file is a text already: 'give a decimal number as a text' misled."""

import pytest

from tests.results.contest_doc import document


def _problems(doc):
    from scoring.contestfile import ContestFileError, parse_document

    with pytest.raises(ContestFileError) as e:
        parse_document(doc)
    return {place: (message, params) for place, message, params in e.value.problems}


@pytest.mark.parametrize("given, says", [
    ("1e1", "exponent notation"), ("2.5E-1", "exponent notation"),
    ("１", "type the digits 0-9"), ("abc", 'give a decimal number as a text'),
])
def test_a_contest_file_score_says_why_it_is_not_a_number(given, says):
    doc = document()
    doc["sheets"][0]["scores"]["a"] = given
    message, params = _problems(doc)["sheets[0].scores.a"]
    assert says in message
    if says != 'give a decimal number as a text':
        assert params == {"value": given}


def test_a_rules_decimal_in_exponent_form_says_so():
    doc = document()
    doc["competition"]["rules"]["variance_threshold"] = "1e1"
    message, params = _problems(doc)["competition.rules.variance_threshold"]
    assert "exponent notation" in message and params == {"value": "1e1"}
