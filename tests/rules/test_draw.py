"""Section 3: the random draw re-derived independently, and manual draw checks."""

import hashlib
import subprocess
import sys

import pytest

from scoring.rules import (
    DRAW_ALGORITHM_EN,
    DRAW_ALGORITHM_ZH,
    DRAW_ONE_LINER,
    RuleError,
    new_seed,
    random_draw,
    validate_manual_draw,
)

TEAMS = ["A", "B", "C", "D", "E", "启航队", "T10", "T2"]


@pytest.mark.parametrize("seed", ["20240601", "00000000", "种子", "x:y"])
def test_random_draw_is_rederived_independently(seed):
    digests = {k: hashlib.sha256((seed + ":" + k).encode("utf-8")).hexdigest() for k in TEAMS}
    expected = {k: i + 1 for i, k in enumerate(sorted(TEAMS, key=lambda k: digests[k]))}
    assert random_draw(seed, TEAMS) == expected
    assert random_draw(seed, reversed(TEAMS)) == expected  # input order does not matter


def test_known_draw():
    # Pinned, so a change of algorithm cannot slip through unnoticed.
    assert random_draw("12345678", ["A", "B", "C"]) == {
        k: i + 1 for i, k in enumerate(sorted(
            "ABC", key=lambda k: hashlib.sha256(f"12345678:{k}".encode()).hexdigest()))}
    assert sorted(random_draw("12345678", ["A", "B", "C"]).values()) == [1, 2, 3]


def test_different_seeds_usually_differ():
    assert len({tuple(sorted(random_draw(str(s), TEAMS).items())) for s in range(20)}) > 1


def test_duplicate_keys_refused():
    with pytest.raises(RuleError):
        random_draw("1", ["A", "A"])


def test_empty_draw():
    assert random_draw("1", []) == {}


def test_new_seed_is_eight_digits():
    seeds = {new_seed() for _ in range(20)}
    assert all(len(s) == 8 and s.isdigit() and s.isascii() for s in seeds)
    assert len(seeds) > 1


def test_printed_one_liner_rederives_the_draw():
    command = DRAW_ONE_LINER.split(" SEED ")[0]
    code = command.split('"')[1]
    out = subprocess.run([sys.executable, "-c", code, "20240601", *TEAMS],
                         capture_output=True, text=True, check=True).stdout
    positions = {line.split(" ", 1)[1]: int(line.split(" ", 1)[0]) for line in out.splitlines()}
    assert positions == random_draw("20240601", TEAMS)
    assert DRAW_ONE_LINER in DRAW_ALGORITHM_EN and DRAW_ONE_LINER in DRAW_ALGORITHM_ZH
    assert "SHA-256" in DRAW_ALGORITHM_ZH and "SHA-256" in DRAW_ALGORITHM_EN


@pytest.mark.parametrize(("positions", "problems"), [
    ({"A": 1, "B": 2, "C": 3}, []),
    ({"A": 3, "B": 1, "C": 2}, []),
    ({"A": 1, "B": 2}, ["team C has no draw position"]),
    ({"A": 1, "B": 2, "C": None}, ["team C has no draw position"]),
    ({"A": 1, "B": 1, "C": 3}, ["draw position 1 is given to both A and B"]),
    ({"A": 1, "B": 2, "C": 4}, ["draw position 4 is not between 1 and 3"]),
    ({"A": 0, "B": 2, "C": 3}, ["draw position 0 is not between 1 and 3"]),
    # Text that did not read as a whole number (a full-width digit): said as such.
    ({"A": "１", "B": 2, "C": 3},
     ['draw position "１" of team A is not a whole number: type digits 0-9']),
    ({"A": 1, "B": 2, "C": 3, "Z": 4}, ['unknown team "Z"']),
])
def test_validate_manual_draw(positions, problems):
    got = validate_manual_draw(positions, ["A", "B", "C"])
    assert [m % p for _, m, p in got] == problems
