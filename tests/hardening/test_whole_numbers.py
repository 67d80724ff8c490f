"""Whole numbers are typed in ASCII digits: "１" (full-width) or "٢" (Arabic-Indic) in a
rules field, a draw position, an award count, a qualification count, a timer length or
a command option is refused with a message quoting it, and nothing changes. int() and
WTForms' IntegerField read them as 1 and 2 (rules/numbers.parse_whole is the one parser)."""
import html as html_lib
import re

import pytest
import sqlalchemy as sa

from scoring.extensions import db
from scoring.models import AuditEntry, Competition, Team
from tests.teams.test_team_size import FORM


def _text(response):
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def _state(app, key):
    with app.app_context():
        comp = db.session.scalar(sa.select(Competition).filter_by(key=key))
        return (comp.rules_json, [t.draw_position for t in comp.teams],
                db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)))


@pytest.mark.parametrize("text, value", [("007", 7), (" 12 ", 12), ("0", 0),
                                         ("１", None), ("٢", None), ("١٠", None), ("-1", None),
                                         ("+1", None), ("1.0", None), ("1e3", None),
                                         ("", None), (" ", None), ("9" * 13, None),
                                         ("1\n", 1), ("1\n2", None), (None, None)])
def test_parse_whole_reads_ascii_digits_only(text, value):
    from scoring.rules import parse_whole

    assert parse_whole(text) == value


@pytest.mark.parametrize("text, value", [
    ("1", 1), ("0", 0), ("2147483647", 2147483647), ("02147483647", None),
    ("2147483648", None), ("9999999999", None), ("999999999999", None), ("１", None),
    ("-1", None), ("", None), (None, None)])
def test_parse_id_stops_at_the_integer_columns(text, value):
    """An id PostgreSQL's INTEGER cannot hold names no row (it was a server error there)."""
    from scoring.rules import parse_id

    assert parse_id(text) == value


@pytest.fixture
def admin(client, login):
    login()
    client.get("/lang/en")
    return client


@pytest.mark.parametrize("field, typed", [
    ("trim", "１"), ("decimals", "٢"), ("internal_trim", "١"), ("external_trim", "０"),
    ("calibration_reveal", "３"), ("team_size", "３"),
])
def test_rules_fields_refuse_other_digits(app, demo, admin, field, typed):
    before = _state(app, demo)
    r = admin.post(f"/admin/c/{demo}/rules", data=dict(FORM, **{field: typed}))
    assert r.status_code == 422
    assert f'"{typed}" is not a whole number: type digits 0-9' in _text(r)
    assert _state(app, demo) == before


def test_an_award_count_in_other_digits_is_refused(app, demo, admin):
    before = _state(app, demo)
    r = admin.post(f"/admin/c/{demo}/rules", data=dict(FORM, awards="一等奖 count ３"))
    assert r.status_code == 422 and "line 1: give a whole number" in _text(r)
    assert _state(app, demo) == before


def test_a_draw_position_in_other_digits_is_refused(app, demo, admin):
    with app.app_context():
        comp = db.session.scalar(sa.select(Competition).filter_by(key=demo))
        teams = [(t.id, t.key) for t in comp.teams]
    before = _state(app, demo)
    for typed in ("１", "١"):
        data = {f"pos-{tid}": str(i + 1) for i, (tid, _k) in enumerate(teams)}
        data[f"pos-{teams[0][0]}"] = typed
        data |= {"override": "y", "reason": "paper lots"}  # the demo has started scoring
        r = admin.post(f"/admin/c/{demo}/draw/manual", data=data)
        assert r.status_code == 422
        assert f'draw position "{typed}" of team {teams[0][1]} is not a whole number' \
            in _text(r)
        assert _state(app, demo) == before


def test_timer_lengths_refuse_other_digits_and_exponents(app):
    from scoring.operations.hall import LiveError, parse_minutes

    with app.test_request_context("/?lang=en"):
        assert parse_minutes("7.5", "talk", "Talk") == 450
        for typed in ("８", "1e1", "٣"):
            with pytest.raises(LiveError):
                parse_minutes(typed, "talk", "Talk")


def test_a_team_link_with_other_digits_is_no_link(app, demo):
    from scoring.operations.materials import find_team_by_link

    with app.app_context():
        team = db.session.scalars(sa.select(Team)).first()
        team.upload_token = "s" * 20
        db.session.commit()
        assert find_team_by_link(f"{team.id}.{'s' * 20}") is not None
        shown = str(team.id).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        assert find_team_by_link(f"{shown}.{'s' * 20}") is None


def test_command_line_ports_refuse_other_digits(runner):
    # `demo` rather than `serve`: before the fix, serve would start listening.
    result = runner.invoke(args=["demo", "--port", "８７６５"])
    assert result.exit_code == 2 and "is not a whole number" in result.output
