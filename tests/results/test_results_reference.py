"""The whole results object of a deterministic contest, against a reference file.

tests/results/reference_results.json was written by the code of commit cd10f48, before
the ranking's read and the engine's inner loop were made faster (issue 17), with
`python -m tests.results.test_results_reference FILE` on SQLite. Every later change must
give the same results on every database: ranks, finals, stage scores, every sheet's
total, trimmed and flagged sheets, missing, recused and absent judges, tie values,
awards, the fingerprint.
"""
import dataclasses
import json
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

REFERENCE = Path(__file__).with_name("reference_results.json")
CONTEST = {"teams": 24, "judges": 9, "stages": 3, "criteria": 4, "key": "reference",
           "seed": 5}


def canonical(value):
    """Plain JSON values of a results object: a Decimal by its value (15 == 15.000, as the
    databases store them differently), a Fraction as n/d, tuples and dicts in order."""
    if dataclasses.is_dataclass(value):
        return {f.name: canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Decimal):
        return "D:" + format(value.normalize(), "f")
    if isinstance(value, Fraction):
        return f"F:{value.numerator}/{value.denominator}"
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    return value


def _results():
    from bench.bigcontest import build
    from scoring.results.standings import results_for

    return canonical(results_for(build(**CONTEST)))


def test_results_equal_the_reference(app):
    with app.app_context():
        got = _results()
    expected = json.loads(REFERENCE.read_text(encoding="utf-8"))
    assert got["fingerprint"] == expected["fingerprint"]
    for ours, theirs in zip(got["teams"], expected["teams"], strict=True):
        assert ours == theirs, ours["team"]
    assert got == expected


if __name__ == "__main__":  # write the reference (see the module's docstring)
    import tempfile

    from flask_migrate import upgrade

    from scoring import create_app

    folder = tempfile.mkdtemp()
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/ref.sqlite",
                      "INSTANCE_PATH": folder, "SECRET_KEY": "reference"})
    with app.app_context():
        upgrade()
        text = json.dumps(_results(), ensure_ascii=False, indent=0, sort_keys=True)
    Path(sys.argv[1]).write_text(text + "\n", encoding="utf-8")
