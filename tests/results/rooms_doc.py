"""A version 2 contest file: docs/rules.md's section 12 example as a whole competition.

Eight teams in two divisions (wen: W1-W4, li: L1-L4); 初赛 prelim (weight 0) in rooms A
(judge A1) and B (judge B1) with room_mean; 决赛 final (weight 1, judge F1) takes the top
2 of each division. The rule values are the rounded stage scores of the docs example.
"""
import copy
import json
import pathlib
import re

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def example():
    """The docs example's input block."""
    text = DOC.read_text(encoding="utf-8")
    m = re.search(r"<!-- rooms-example:input -->\s*```json\n(.*?)\n```", text, re.S)
    return json.loads(m.group(1))


def expected(method="room_mean"):
    """The docs example's expected block for one method."""
    text = DOC.read_text(encoding="utf-8")
    m = re.search(r"<!-- rooms-example:expected -->\s*```json\n(.*?)\n```", text, re.S)
    return json.loads(m.group(1))[method]


def document(method="room_mean"):
    """The contest file (version 2) as a fresh dict."""
    ex = example()
    criteria = [{"key": "total", "name": "总分", "max": "100", "step": "0.01"}]
    teams, sheets = [], []
    departments = ["组织部", "宣传部", "人事处"]
    for draw, (team, score) in enumerate(ex["prelim"].items(), start=1):
        teams.append({"key": team, "name": f"{team}队", "division": ex["divisions"][team],
                      "draw": draw, "rooms": {"prelim": ex["rooms"][team]},
                      "members": [{"name": f"{team}-{i}", "department": d}
                                  for i, d in enumerate(departments)]})
        sheets.append({"judge": f"{ex['rooms'][team]}1", "team": team, "stage": "prelim",
                       "status": "submitted", "scores": {"total": score}})
    for position, (team, score) in enumerate(ex["final"].items(), start=1):
        sheets.append({"judge": "F1", "team": team, "stage": "final",
                       "status": "submitted", "scores": {"total": score}})
        next(t for t in teams if t["key"] == team)["stage_draw"] = {"final": position}
    return copy.deepcopy({
        "format": "scoring-contest", "version": 2,
        "competition": {"key": "city-2026", "name": "市级决赛测试",
                        "rules": {"trim": 0, "decimals": 2, "coefficient_decimals": 3,
                                  "tie_breaks": ex["tie_breaks"], "awards": ex["awards"]}},
        "divisions": [{"key": "wen", "name": "文科组"}, {"key": "li", "name": "理科组"}],
        "departments": sorted(departments),
        "stages": [
            {"key": "prelim", "name": "初赛", "weight": "0", "normalization": method,
             "rooms": [{"key": "A", "name": "第一会场", "judges": ["A1"]},
                       {"key": "B", "name": "第二会场", "judges": ["B1"]}],
             "criteria": criteria},
            {"key": "final", "name": "决赛", "weight": "1", "qualify": ex["qualify"],
             "judges": ["F1"], "criteria": criteria}],
        "judges": [{"key": k, "name": f"评委{k}", "group": "internal", "department": None}
                   for k in ("A1", "B1", "F1")],
        "teams": teams, "sheets": sheets})
