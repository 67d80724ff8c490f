"""Section 3: the random draw from a recorded seed, and checks of a manual draw."""

import hashlib
import secrets

from .errors import N_, RuleError

DRAW_ONE_LINER = (
    "python3 -c \"import hashlib,sys; s=sys.argv[1]; "
    "[print(i, k) for i, k in enumerate(sorted(sys.argv[2:], key=lambda k: "
    "(hashlib.sha256(f'{s}:{k}'.encode('utf-8')).hexdigest(), k)), 1)]\" SEED KEY1 KEY2 ..."
)

DRAW_ALGORITHM_EN = (
    "Draw algorithm (version 1). For every team key K, compute the SHA-256 hash of the "
    "UTF-8 text \"SEED:K\" (the seed, a colon, the team key) and write it as 64 lowercase "
    "hexadecimal digits. Sort the teams by that hex text in ascending order (if two were "
    "ever equal, by team key). The first team presents at position 1, the next at 2, and so "
    "on. Anyone can re-derive the order from the printed seed and team keys:\n"
    + DRAW_ONE_LINER
)

DRAW_ALGORITHM_ZH = (
    "抽签算法（第1版）：对每个队伍编号 K，计算 UTF-8 文本“种子:K”（种子、英文冒号、队伍编号）的 "
    "SHA-256 哈希值，写成 64 位小写十六进制字符；按该十六进制文本从小到大排列队伍（若恰好相同，"
    "再按队伍编号排列）。排第一的队伍为第1号出场，其次为第2号，依此类推。任何人都可用打印的种子"
    "和队伍编号复算出场顺序：\n"
    + DRAW_ONE_LINER
)


def draw_hash(seed: str, key: str) -> str:
    """Section 3: the hex SHA-256 of "seed:key" that orders a team in the random draw."""
    return hashlib.sha256(f"{seed}:{key}".encode()).hexdigest()


def random_draw(seed: str, team_keys) -> dict:
    """Section 3: draw positions 1..n from the seed, re-derivable with DRAW_ALGORITHM_EN."""
    keys = list(team_keys)
    if len(set(keys)) != len(keys):
        raise RuleError(N_("a team key is listed twice"), {})
    ordered = sorted(keys, key=lambda k: (draw_hash(seed, k), k))
    return {k: i for i, k in enumerate(ordered, start=1)}


def new_seed() -> str:
    """Section 3: a fresh random seed, 8 decimal digits, easy to read on a projector."""
    return f"{secrets.randbelow(10**8):08d}"


def validate_manual_draw(positions, team_keys) -> list:
    """Section 3: problems of a typed-in draw: one position per team, 1..n, none twice."""
    keys = list(team_keys)
    n = len(keys)
    problems = []
    for k in keys:
        if positions.get(k) is None:
            problems.append((k, N_("team %(team)s has no draw position"), {"team": k}))
    seen = {}
    for k, pos in positions.items():
        if k not in keys:
            problems.append((k, N_('unknown team "%(team)s"'), {"team": k}))
            continue
        if pos is None:
            continue
        if isinstance(pos, str):
            # Typed but not ASCII digits ("１", "٢", "1.0"): said as such, not as a range.
            problems.append((k, N_('draw position "%(position)s" of team %(team)s is not a '
                                   'whole number: type digits 0-9'),
                             {"position": pos[:12], "team": k}))
            continue
        if isinstance(pos, bool) or not isinstance(pos, int) or not 1 <= pos <= n:
            problems.append((k, N_("draw position %(position)s is not between 1 and %(n)s"),
                             {"position": pos, "n": n}))
            continue
        if pos in seen:
            problems.append((k, N_("draw position %(position)s is given to both %(first)s "
                                   "and %(team)s"),
                             {"position": pos, "first": seen[pos], "team": k}))
        else:
            seen[pos] = k
    return problems
