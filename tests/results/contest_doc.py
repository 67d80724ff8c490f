"""A small hand-built contest file whose results are worked out by hand in the tests.

Two stages: plan (weight 0.4; criteria a, b: max 50, step 0.5) and talk (weight 0.6;
criterion c: max 100, step 0.25). Judges X1, X2 external; N1 组织部, N2 宣传部, N3 人事处.
Teams (draw): A (1), C (2), E (3), B (4), D (5, withdrawn).
B and E have a member of 组织部: N1 does not score them. C has a member of 宣传部,
but N2's recusal is lifted. N3 is recused from D by hand.

Sheet totals (plan / talk):
  A: X1 80/90, X2 85/80, N1 70/85.5, N2 90/77, N3 88/86
  B: X1 82/83, X2 86/83.5, N2 84/82, N3 90/84          (N1 recused)
  E: the same as B                                      (N1 recused)
  C: X1 80/70, X2 84/83, N1 85/83.25, N2 86/83.5, N3 95/99
  D: X1 60 (plan, submitted), X1 draft in talk with no score
"""
import copy

PLAN = {"A": {"X1": 80, "X2": 85, "N1": 70, "N2": 90, "N3": 88},
        "B": {"X1": 82, "X2": 86, "N2": 84, "N3": 90},
        "E": {"X1": 82, "X2": 86, "N2": 84, "N3": 90},
        "C": {"X1": 80, "X2": 84, "N1": 85, "N2": 86, "N3": 95}}
TALK = {"A": {"X1": "90", "X2": "80", "N1": "85.5", "N2": "77", "N3": "86"},
        "B": {"X1": "83", "X2": "83.5", "N2": "82", "N3": "84"},
        "E": {"X1": "83", "X2": "83.5", "N2": "82", "N3": "84"},
        "C": {"X1": "70", "X2": "83", "N1": "83.25", "N2": "83.5", "N3": "99"}}


def _half(total):
    """Split a plan total into two equal criterion values ("42.5", "42.5")."""
    half = total / 2
    text = f"{half:g}"
    return {"a": text, "b": text}


def document(aggregation="pooled"):
    """The contest file as a dict (a fresh copy each time)."""
    sheets = []
    for team in sorted(PLAN):
        for judge in sorted(PLAN[team]):
            sheets.append({"judge": judge, "team": team, "stage": "plan",
                           "status": "submitted", "scores": _half(PLAN[team][judge])})
    sheets.append({"judge": "X1", "team": "D", "stage": "plan", "status": "submitted",
                   "scores": {"a": "30", "b": "30"}})
    for team in sorted(TALK):
        for judge in sorted(TALK[team]):
            sheets.append({"judge": judge, "team": team, "stage": "talk",
                           "status": "submitted", "scores": {"c": TALK[team][judge]}})
    sheets.append({"judge": "X1", "team": "D", "stage": "talk", "status": "draft",
                   "scores": {}})
    return copy.deepcopy({
        "format": "scoring-contest", "version": 1,
        "competition": {
            "key": "hand-2024", "name": "手算测试赛",
            "rules": {
                "aggregation": aggregation, "trim": 1,
                "groups": {"external": {"weight": "0.4", "trim": 0},
                           "internal": {"weight": "0.6", "trim": 1}},
                "decimals": 2,
                "tie_breaks": ["stage:talk", "raw_mean"],
                "awards": [{"name": "一等奖", "count": 1}, {"name": "二等奖", "count": 1},
                           {"name": "三等奖", "share": "0.25"}],
                "variance_threshold": "10", "calibration_reveal": 0,
            },
        },
        "departments": ["组织部", "宣传部", "人事处", "教务处", "科技处", "财务处", "后勤处"],
        "stages": [
            {"key": "plan", "name": "方案设计", "weight": "0.4", "criteria": [
                {"key": "a", "name": "目标", "max": "50", "step": "0.5"},
                {"key": "b", "name": "内容", "max": "50", "step": "0.5"}]},
            {"key": "talk", "name": "现场展示", "weight": "0.6", "criteria": [
                {"key": "c", "name": "表现", "max": "100", "step": "0.25"}]},
        ],
        "judges": [
            {"key": "X1", "name": "外请甲", "group": "external", "department": None},
            {"key": "X2", "name": "外请乙", "group": "external", "department": None},
            {"key": "N1", "name": "校内一", "group": "internal", "department": "组织部"},
            {"key": "N2", "name": "校内二", "group": "internal", "department": "宣传部"},
            {"key": "N3", "name": "校内三", "group": "internal", "department": "人事处"},
        ],
        "teams": [
            {"key": "A", "name": "启航队", "draw": 1, "members": [
                {"name": "甲一", "department": "教务处"}, {"name": "甲二", "department": "科技处"},
                {"name": "甲三", "department": "财务处"}]},
            {"key": "B", "name": "致远队", "draw": 4, "members": [
                {"name": "乙一", "department": "组织部"}, {"name": "乙二", "department": "教务处"},
                {"name": "乙三", "department": "科技处"}]},
            {"key": "C", "name": "笃行队", "draw": 2, "members": [
                {"name": "丙一", "department": "宣传部"}, {"name": "丙二", "department": "财务处"},
                {"name": "丙三", "department": "后勤处"}]},
            {"key": "D", "name": "明德队", "draw": 5, "withdrawn": "未到场", "members": [
                {"name": "丁一", "department": "教务处"}, {"name": "丁二", "department": "科技处"},
                {"name": "丁三", "department": "后勤处"}]},
            {"key": "E", "name": "求是队", "draw": 3, "members": [
                {"name": "戊一", "department": "组织部"}, {"name": "戊二", "department": "财务处"},
                {"name": "戊三", "department": "后勤处"}]},
        ],
        "recusals": [{"judge": "N2", "team": "C", "lift": True, "reason": "部门已调整"},
                     {"judge": "N3", "team": "D", "reason": "曾指导该队成员"}],
        "sheets": sheets,
    })


# Worked out by hand (see the module docstring), to the cent.
#
# pooled, trim 1:
#   A plan: drop 90, 70 -> (80+85+88)/3 = 84.333.. -> 84.33
#     talk: drop 90, 77 -> (80+85.5+86)/3 = 83.833.. -> 83.83
#     final 84.33x0.4 + 83.83x0.6 = 33.732 + 50.298 = 84.03
#   B, E plan: drop 90, 82 -> (86+84)/2 = 85.00; talk: drop 84, 82 -> 83.25
#     final 85x0.4 + 83.25x0.6 = 34 + 49.95 = 83.95
#     raw_mean 0.4x85.5 + 0.6x83.125 = 34.2 + 49.875 = 84.075 -> 84.08
#   C plan: drop 95, 80 -> (84+85+86)/3 = 85.00; talk: drop 99, 70 -> 249.75/3 = 83.25
#     final 83.95, the same as B and E; talk 83.25 the same;
#     raw_mean 0.4x86 + 0.6x83.75 = 84.65 > 84.08: C before B and E
#   B and E stay equal: rank 3 shared, listed in draw order (E draw 3, B draw 4).
#   Awards of 4 ranked teams: 一等奖 1 (c=1), 二等奖 1 (c=2), 三等奖 0.25x4=1 (c=3):
#   both teams of rank 3 get 三等奖.
POOLED = [
    {"team": "A", "rank": 1, "tied": False, "final": "84.03",
     "stages": {"plan": "84.33", "talk": "83.83"}, "award": "一等奖"},
    {"team": "C", "rank": 2, "tied": False, "final": "83.95",
     "stages": {"plan": "85.00", "talk": "83.25"}, "award": "二等奖"},
    {"team": "E", "rank": 3, "tied": True, "final": "83.95",
     "stages": {"plan": "85.00", "talk": "83.25"}, "award": "三等奖"},
    {"team": "B", "rank": 3, "tied": True, "final": "83.95",
     "stages": {"plan": "85.00", "talk": "83.25"}, "award": "三等奖"},
]

# weighted_groups: external weight 0.4 trim 0, internal 0.6 trim 1:
#   A plan: ext (80+85)/2 = 82.5; int 70, 90, 88 drop 90, 70 -> 88
#     0.4x82.5 + 0.6x88 = 33 + 52.8 = 85.80
#     talk: ext (90+80)/2 = 85; int 85.5, 77, 86 drop 86, 77 -> 85.5
#     0.4x85 + 0.6x85.5 = 34 + 51.3 = 85.30
#     final 85.8x0.4 + 85.3x0.6 = 34.32 + 51.18 = 85.50
#   B, E plan: ext (82+86)/2 = 84; int 84, 90 (2 sheets: nothing dropped) -> 87
#     0.4x84 + 0.6x87 = 33.6 + 52.2 = 85.80
#     talk: ext (83+83.5)/2 = 83.25; int (82+84)/2 = 83 -> 33.3 + 49.8 = 83.10
#     final 85.8x0.4 + 83.1x0.6 = 34.32 + 49.86 = 84.18 (B, E tied through the chain)
#   C plan: ext (80+84)/2 = 82; int 85, 86, 95 drop 95, 85 -> 86 -> 32.8 + 51.6 = 84.40
#     talk: ext (70+83)/2 = 76.5; int 83.25, 83.5, 99 drop 99, 83.25 -> 83.5
#     30.6 + 50.1 = 80.70; final 84.4x0.4 + 80.7x0.6 = 33.76 + 48.42 = 82.18
#   Awards: c = 1, 2, 3: A 一等奖; B, E rank 2 二等奖; C rank 4 none.
WEIGHTED = [
    {"team": "A", "rank": 1, "tied": False, "final": "85.50",
     "stages": {"plan": "85.80", "talk": "85.30"}, "award": "一等奖"},
    {"team": "E", "rank": 2, "tied": True, "final": "84.18",
     "stages": {"plan": "85.80", "talk": "83.10"}, "award": "二等奖"},
    {"team": "B", "rank": 2, "tied": True, "final": "84.18",
     "stages": {"plan": "85.80", "talk": "83.10"}, "award": "二等奖"},
    {"team": "C", "rank": 4, "tied": False, "final": "82.18",
     "stages": {"plan": "84.40", "talk": "80.70"}, "award": None},
]
