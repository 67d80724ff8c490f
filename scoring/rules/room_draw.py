"""Section 12: the room draw from a printed seed, and the presentation order in a stage.

Pure code. The room draw orders the teams as the draw of section 3 does (by the SHA-256
of "SEED:KEY") and deals them to the rooms in turn (A, B, C, A, B, ...), so room sizes
differ by at most one. With `stratify`, the teams are dealt division by division (in
the divisions' order), the dealing carrying on from room to room, so each division is
spread evenly too (its count per room differs by at most one).
"""
from .draw import draw_hash
from .errors import N_, RuleError

ROOM_DRAW_EN = (
    "Room draw: order the teams by the SHA-256 of \"SEED:K\" as in the draw algorithm; "
    "deal them to the rooms in turn (first team to the first room, second to the second, "
    "and so on, starting again after the last room). With stratify, deal the teams of "
    "each division in turn, division after division, carrying on from the room where the "
    "previous division stopped."
)
ROOM_DRAW_ZH = (
    "会场抽签：按抽签算法对“种子:K”的 SHA-256 排列各队，依次分到各会场（第1队到第1会场，第2队到"
    "第2会场……分到最后一个会场后再从第1会场开始）。按组别均分（stratify）时，逐个组别依次分配，"
    "每个组别从上一个组别停下的会场接着分。"
)


def hash_order(seed, keys) -> list:
    """Team keys in the order of the draw algorithm (SHA-256 of "seed:key", then key)."""
    return sorted(keys, key=lambda k: (draw_hash(seed, k), k))


def room_draw(seed, team_keys, room_keys, *, divisions=None, division_order=(),
              stratify=False) -> dict:
    """Team key -> room key: sizes differ by at most one; stratify spreads each division."""
    keys, rooms = list(team_keys), list(room_keys)
    if not rooms:
        raise RuleError(N_("the stage has no rooms"), {})
    if len(set(keys)) != len(keys):
        raise RuleError(N_("a team key is listed twice"), {})
    ordered = hash_order(seed, keys)
    if stratify and divisions:
        order = list(division_order) + sorted(
            {d for d in divisions.values() if d not in division_order}, key=str)
        rank = {d: i for i, d in enumerate(order)}
        # Stable sort: within a division the hash order stays.
        ordered.sort(key=lambda k: rank.get(divisions.get(k), len(order)))
    return {k: rooms[i % len(rooms)] for i, k in enumerate(ordered)}


def room_positions(seed, rooms) -> dict:
    """Team key -> position within its room ({team: room}), in the draw algorithm's order."""
    by_room = {}
    for team, room in rooms.items():
        by_room.setdefault(room, []).append(team)
    out = {}
    for members in by_room.values():
        for i, k in enumerate(hash_order(seed, members), start=1):
            out[k] = i
    return out


def stage_order(layout, teams, stage_key, room=None) -> list:
    """Team keys as they present in a stage (or one room of it): by the team's stage draw
    position where it has one, else in the relative order of the competition's draw."""
    chosen = []
    for t in teams:
        if room is not None and (layout is None or layout.room_of(t.key, stage_key) != room):
            continue
        position = layout.stage_draw.get(t.key, {}).get(stage_key) if layout else None
        chosen.append(((position is None, position or 0, t.draw is None, t.draw or 0,
                        t.key), t.key))
    return [k for _sort, k in sorted(chosen)]
