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


@pytest.mark.parametrize("given, shown", [
    ("123456789012345678901234567890123456789", "123456789012345678901234567890123456789"),
    ("1.2345678901234567890123456789012345000", "1.2345678901234567890123456789012345"),
    ("100", "100"), ("0.40", "0.4"), ("-0", "0"), ("1E+3", "1000"), ("0.000", "0"),
])
def test_decimal_text_is_exact_for_any_decimal(given, shown):
    from decimal import Decimal

    from scoring.rules import decimal_text

    assert decimal_text(Decimal(given)) == shown


def test_the_judge_api_echoes_a_long_score_as_sent(app, demo):
    from tests.judging.util import judge_client, snapshot

    c = judge_client(app, "X1")
    with c.session_transaction() as s:
        s["lang"] = "en"
    before = snapshot(app)
    sent = "123456789012345678901234567890123456789"
    r = c.put("/judge/api/sheet/presentation/T01/draft",
              data=b'{"scores": {"delivery": ' + sent.encode() +
              b'}, "idempotency_key": "abcdefgh-0042"}', content_type="application/json")
    assert r.status_code == 422
    assert f"{sent} is above the maximum" in r.json["errors"]["delivery"]
    assert snapshot(app) == before
