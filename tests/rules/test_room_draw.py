"""Section 12: the room draw (sizes within one, stratify) and the order within a stage."""
from collections import Counter

import pytest

from scoring.rules import Team
from scoring.rules.layout import Layout
from scoring.rules.room_draw import hash_order, room_draw, room_positions, stage_order


@pytest.mark.parametrize("n_teams, n_rooms", [(120, 4), (10, 3), (7, 2), (2, 3), (0, 2)])
def test_room_sizes_differ_by_at_most_one(n_teams, n_rooms):
    keys = [f"T{i:03d}" for i in range(n_teams)]
    rooms = room_draw("20261130", keys, [f"R{r}" for r in range(n_rooms)])
    sizes = Counter(rooms.values())
    counts = [sizes.get(f"R{r}", 0) for r in range(n_rooms)]
    assert sum(counts) == n_teams and max(counts) - min(counts) <= 1


def test_the_draw_is_rederived_from_the_seed_and_the_keys():
    keys = ["A", "B", "C", "D", "E"]
    rooms = room_draw("12345678", keys, ["X", "Y"])
    ordered = hash_order("12345678", keys)
    assert [rooms[k] for k in ordered] == ["X", "Y", "X", "Y", "X"]
    assert room_draw("12345678", list(reversed(keys)), ["X", "Y"]) == rooms


@pytest.mark.parametrize("sizes", [(61, 59), (13, 7), (5, 5), (1, 9)])
def test_stratify_spreads_each_division_evenly(sizes):
    divisions = {f"W{i}": "wen" for i in range(sizes[0])} | {
        f"L{i}": "li" for i in range(sizes[1])}
    rooms = room_draw("777", list(divisions), ["A", "B", "C", "D"], divisions=divisions,
                      division_order=["wen", "li"], stratify=True)
    total = Counter(rooms.values())
    assert max(total.values()) - min(total.get(r, 0) for r in "ABCD") <= 1
    for d in ("wen", "li"):
        per_room = Counter(rooms[k] for k, dd in divisions.items() if dd == d)
        counts = [per_room.get(r, 0) for r in "ABCD"]
        assert max(counts) - min(counts) <= 1, (d, counts)


def test_without_stratify_a_division_can_bunch_up():
    # 8 teams, 4 of each division, 2 rooms: some seed puts 3+ of one division in a room
    divisions = {f"W{i}": "wen" for i in range(4)} | {f"L{i}": "li" for i in range(4)}
    bunched = 0
    for seed in range(30):
        rooms = room_draw(str(seed), list(divisions), ["A", "B"])
        per = Counter((rooms[k], d) for k, d in divisions.items())
        bunched += max(per.values()) > 2
    assert bunched  # which is why stratify exists


def test_positions_within_rooms_and_stage_order():
    rooms = {"A": "X", "B": "X", "C": "Y", "D": "X"}
    positions = room_positions("1", rooms)
    assert sorted(positions[k] for k in "ABD") == [1, 2, 3] and positions["C"] == 1
    teams = [Team("A", 3), Team("B", 1), Team("C", 2), Team("D", 4)]
    layout = Layout(team_rooms={k: {"prelim": r} for k, r in rooms.items()},
                    stage_draw={"D": {"final": 1}, "A": {"final": 2}})
    assert stage_order(layout, teams, "prelim", "X") == ["B", "A", "D"]
    # final: D and A by their stage draw, then the others in the relative order of draw
    assert stage_order(layout, teams, "final") == ["D", "A", "B", "C"]
    assert stage_order(None, teams, "final") == ["B", "C", "A", "D"]
