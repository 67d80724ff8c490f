"""Random contest files imported through the app, their `scoring results --format json`
compared field by field with the independent oracle (tests/rules/oracle*.py, written from
DESIGN sections 2, 6 and 12 alone).

A bounded sample: 150 contests on SQLite (100 version 1, 50 with divisions, rooms and
advancement), 24 on each server database. Seeds are fixed, so a failure names a seed
that `contest(random.Random(seed), layout=...)` rebuilds.
"""
import json
import random

from scoring.extensions import db as _db
from tests.rules.oracle_gen import contest
from tests.rules.oracle_layout import expected_results

FIELDS = ("rank", "tied", "final", "stages", "award", "withdrawn", "provisional",
          "tie_note", "deductions", "division", "qualified", "qualification", "raw_stages")


def differences(expected: dict, got: dict) -> list:
    """Every field where the app's results document differs from the oracle's."""
    out = []
    want = [r["team"] for r in expected["results"]]
    have = [r["team"] for r in got["results"]]
    if want != have:
        out.append(("order", want, have))
    rows = {r["team"]: r for r in got["results"]}
    for row in expected["results"]:
        mine = rows.get(row["team"], {})
        for f in FIELDS:
            if row.get(f, "absent") != mine.get(f, "absent"):
                out.append((row["team"], f, row.get(f, "absent"), mine.get(f, "absent")))
    if expected["provisional"] != got["provisional"]:
        out.append(("provisional", expected["provisional"], got["provisional"]))
    return out


def compare_seeds(app, seeds, layout) -> list:
    """(seed, differences) of every seed whose contest the app computes differently."""
    from scoring.contestfile import import_document
    from scoring.results.exports import ranking_document

    failures = []
    with app.app_context():
        for seed in seeds:
            doc = contest(random.Random(seed), layout=layout)
            comp = import_document(json.loads(json.dumps(doc)))
            _db.session.commit()
            got = json.loads(json.dumps(ranking_document(comp)))
            found = differences(expected_results(doc), got)
            if found:
                failures.append((seed, found[:4]))
            _db.session.remove()
    return failures


def test_random_contests_match_the_oracle(app):
    """Every field of every row, for each seed, equals the oracle's."""
    sqlite = app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    plain, layout = (range(100), range(50)) if sqlite else (range(14), range(10))
    failures = compare_seeds(app, plain, False) + compare_seeds(
        app, [10_000 + s for s in layout], True)
    assert failures == []
