"""The contest of the venue day test: teams, judges, rubric, the scores each judge gives,
and the ranking those scores must produce (worked out here independently, in Decimal).

Kept apart from the story (test_contest_day.py) so that the story reads as the day.
"""
import io
import re
import subprocess
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

KEY = "venue-2025"
NAME = "第三届管理岗位青年教职工职业能力竞赛"
DEPTS = ["组织部", "宣传部", "人事处", "教务处", "科技处", "财务处", "后勤处", "图书馆"]
TEAM_NAMES = ["启航队", "先锋队", "星火队", "追光队", "破浪队", "同心队"]
SURNAMES = "李王张刘陈杨赵黄周吴徐孙马朱胡"
GIVEN = ["明", "芳", "伟", "静", "磊", "婷", "洋", "敏", "杰", "丽", "强", "雪", "涛", "悦",
         "鹏", "琳", "浩", "颖"]
# Team quality: the order the ranking must come out in (not the key order, not the draw).
QUALITY = {"T01": "0.71", "T02": "0.92", "T03": "0.64", "T04": "0.85", "T05": "0.57",
           "T06": "0.78"}

# (key, name, group, department): two external experts, three internal judges.
JUDGES = [("X1", "外请专家甲", "external", ""), ("X2", "外请专家乙", "external", ""),
          ("N1", "校内评委一", "internal", "组织部"), ("N2", "校内评委二", "internal", "人事处"),
          ("N3", "校内评委三", "internal", "图书馆")]

# stage key -> (weight, [(criterion key, name, maximum)]); the default stages' weights.
RUBRIC = {
    "plan": ("0.3", [("goals", "目标明确", 30), ("content", "内容完整", 40),
                     ("innovation", "创新可行", 30)]),
    "presentation": ("0.5", [("substance", "内容充实", 50), ("delivery", "表达清晰", 30),
                             ("timing", "时间把控", 20)]),
    "reflection": ("0.2", [("depth", "反思深度", 60), ("improvement", "改进措施", 40)]),
}
STAGES = list(RUBRIC)
# The chief judge's review must catch this: one sheet far below the panel.
OUTLIER = ("X2", "T03", "presentation")


def teams():
    """[(key, name, [(member, department)])]: members of three different departments."""
    out, n = [], 0
    for t, name in enumerate(TEAM_NAMES):
        members = []
        for m in range(3):
            members.append((SURNAMES[n % len(SURNAMES)] + GIVEN[n % len(GIVEN)],
                            DEPTS[(t + m) % len(DEPTS)]))
            n += 1
        out.append((f"T{t + 1:02d}", name, members))
    return out


def xlsx(rows) -> bytes:
    """The HR spreadsheet (.xlsx, openpyxl): header, then one row per member."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["队伍编号", "队伍名称", "成员姓名", "所在部门"])
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def member_rows(bad=False):
    """The spreadsheet rows; bad=True: 追光队's third member from the first one's department
    (the mistake the import preview must point out)."""
    rows = []
    for key, name, members in teams():
        for i, (member, dept) in enumerate(members):
            if bad and key == "T04" and i == 2:
                dept = members[0][1]
            rows.append((key, name, member, dept))
    return rows


def recused(judge_key, team_key) -> bool:
    """The department rule: an internal judge skips a team with a member of their own."""
    dept = {k: d for k, _n, _g, d in JUDGES}[judge_key]
    members = {k: m for k, _n, m in teams()}[team_key]
    return bool(dept) and any(d == dept for _m, d in members)


def scores(judge_key, team_key, stage) -> dict[str, str]:
    """What this judge gives this team: the team's quality of each maximum, a small
    judge-and-criterion offset, and the deliberate outlier; whole points."""
    j = [k for k, *_ in JUDGES].index(judge_key)
    t = int(team_key[1:]) - 1
    out = {}
    for c, (ckey, _name, top) in enumerate(RUBRIC[stage][1]):
        share = Decimal(QUALITY[team_key]) + Decimal((j * 7 + t * 3 + c) % 5 - 2) / 100
        if (judge_key, team_key, stage) == OUTLIER:
            share -= Decimal("0.3")
        value = (share * top).quantize(Decimal(1), ROUND_HALF_UP)
        out[ckey] = str(max(0, min(top, int(value))))
    return out


def total(values: dict[str, str]) -> str:
    """A sheet's total as the judge page shows it."""
    return str(sum(int(v) for v in values.values()))


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), ROUND_HALF_UP)


def expected_finals() -> dict[str, Decimal]:
    """DESIGN section 2 with this contest's default rules (pooled, the highest and the
    lowest sheet dropped, half-up to 2 decimals): each team's final score."""
    finals = {}
    for team_key, _name, _members in teams():
        final = Decimal(0)
        for stage, (weight, _criteria) in RUBRIC.items():
            totals = sorted(Decimal(total(scores(j, team_key, stage)))
                            for j, *_ in JUDGES if not recused(j, team_key))
            kept = totals[1:-1]
            final += Decimal(weight) * _round(sum(kept) / len(kept))
        finals[team_key] = _round(final)
    return finals


def pdf_text(path: Path) -> str:
    """pdftotext -raw of a PDF (poppler-utils)."""
    return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def card_links(text: str) -> list[str]:
    """The links printed on the judge cards, each made whole again where the card wraps
    it onto a second line (what the card's QR code holds)."""
    links, lines = [], text.splitlines()
    for i, line in enumerate(lines):
        line = line.strip()
        if not line.startswith(("http://", "https://")) or "/j/" not in line:
            continue
        for more in lines[i + 1:]:
            if not re.fullmatch(r"[A-Za-z0-9_.~-]+", more.strip()):
                break
            line += more.strip()
        links.append(line)
    return links


def pdf_png(path: Path, png: Path, page=1) -> None:
    """One page of a PDF as a PNG next to the screenshots, to look at."""
    stem = png.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page),
                    "-singlefile", str(path), str(stem)], check=True, capture_output=True)
