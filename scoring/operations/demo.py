"""The demo contest, modeled on the young staff contest of a Beijing university."""
import random
import secrets
from decimal import Decimal

from ..extensions import db
from ..models import (
    Competition,
    Criterion,
    Department,
    Judge,
    Member,
    Score,
    ScoreSheet,
    Stage,
    Team,
    utcnow,
)
from .audit import record
from .tokens import new_token
from .users import upsert_user

DEMO_KEY = "demo-2024"

DEPARTMENTS = ["组织部", "宣传部", "人事处", "教务处", "科技处", "财务处", "学生工作部",
               "后勤处", "国际交流处", "图书馆", "信息网络中心", "校团委"]

STAGES = [
    ("plan", "方案设计", "0.3", [
        ("goals", "目标明确", "紧扣“教师队伍建设年”主题，目标具体、可衡量", "20"),
        ("content", "内容完整", "总体计划与两个部门方案完整、分工清楚", "30"),
        ("innovation", "创新性", "提出有新意、可推广的解决方案", "25"),
        ("feasibility", "可行性", "措施可落地，资源与进度安排合理", "25"),
    ]),
    ("presentation", "现场展示", "0.5", [
        ("substance", "内容阐述", "思路清晰、分析详略恰当", "40"),
        ("delivery", "语言表达", "表达流畅、重点突出", "30"),
        ("teamwork", "团队配合", "分工合理、配合默契", "20"),
        ("timing", "时间控制", "在规定时间内完成展示", "10"),
    ]),
    ("reflection", "总结反思", "0.2", [
        ("depth", "反思深度", "客观分析优势与不足", "40"),
        ("plan", "改进计划", "改进措施有针对性", "40"),
        ("writing", "文字表达", "结构清楚、文字规范", "20"),
    ]),
]

TEAM_NAMES = ["启航队", "致远队", "笃行队", "明德队", "求是队", "砺新队", "同心队", "筑梦队",
              "匠心队", "博学队", "弘毅队", "知行队", "创新队", "卓越队", "聚力队"]

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "明华军伟芳娜敏静丽强磊洋艳勇杰娟涛超霞平刚桂英鹏颖晨宇浩然思雨佳怡子涵"

JUDGES = [("X1", "外请专家甲", "external", None), ("X2", "外请专家乙", "external", None),
          ("X3", "外请专家丙", "external", None),
          ("N1", "校内评委一", "internal", "组织部"), ("N2", "校内评委二", "internal", "人事处"),
          ("N3", "校内评委三", "internal", "教务处"), ("N4", "校内评委四", "internal", "宣传部"),
          ("N5", "校内评委五", "internal", "财务处"), ("N6", "校内评委六", "internal", "后勤处")]

DEFAULT_RULES = {
    "aggregation": "pooled", "trim": 1,
    "groups": {"external": {"weight": "0.4", "trim": 0},
               "internal": {"weight": "0.6", "trim": 1}},
    "decimals": 2,
    "tie_breaks": ["stage:presentation", "raw_mean", "group_mean:external"],
    "awards": [{"name": "一等奖", "share": "0.2"}, {"name": "二等奖", "share": "0.3"},
               {"name": "三等奖", "share": "0.5"}],
    "variance_threshold": "10", "calibration_reveal": 3,
}


def _demo_people(rng: random.Random) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """15 teams of three, each member from a different department, with plausible names."""
    teams, used = [], set()
    for index, team_name in enumerate(TEAM_NAMES):
        depts = rng.sample(DEPARTMENTS, 3)
        members = []
        for dept in depts:
            while True:
                name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))
                if name not in used:
                    used.add(name)
                    break
            members.append((name, dept))
        teams.append((f"T{index + 1:02d}", team_name, members))
    return teams


def _score_value(rng: random.Random, maximum: Decimal, quality: float) -> Decimal:
    """A believable score on a 0.5 step: quality in [0, 1] sets the share of the maximum."""
    share = min(1.0, max(0.4, rng.gauss(quality, 0.06)))
    halves = int(maximum * 2 * Decimal(str(round(share, 3))))
    return Decimal(halves) / 2


def load_demo(port: int = 5000) -> str:
    """Create the demo contest once (plan stage scored and closed, presentation open).

    The organizer account `admin` is created with a fresh password the first time only:
    running the demo again never changes a password someone is already using.
    """
    from ..models import User
    from ..rules import Judge as RJudge
    from ..rules import Team as RTeam
    from ..rules import recusal_matrix

    address = f"http://127.0.0.1:{port}/admin/login"
    if db.session.scalar(db.select(User).filter_by(username="admin")) is None:
        password = secrets.token_urlsafe(9)
        upsert_user("admin", password, name="演示管理员", role="admin")
        login = f"Organizer login: {address}  username: admin  password: {password}"
    else:
        login = (f"Organizer login: {address}  username: admin  (the password was set "
                 "before and is unchanged; `scoring create-admin --username admin` resets it)")
    existing = db.session.scalar(db.select(Competition).filter_by(key=DEMO_KEY))
    if existing is not None:
        return f"The demo contest '{DEMO_KEY}' is already loaded.\n{login}"

    rng = random.Random(2024)
    comp = Competition(key=DEMO_KEY, name="第二届管理岗位青年教职工职业能力竞赛（演示）")
    comp.rules = DEFAULT_RULES
    db.session.add(comp)
    depts = {name: Department(name=name, competition=comp) for name in DEPARTMENTS}
    stages = []
    for pos, (key, name, weight, criteria) in enumerate(STAGES):
        stage = Stage(competition=comp, key=key, name=name, position=pos,
                      weight=Decimal(weight), state="draft")
        for cpos, (ckey, cname, cdesc, cmax) in enumerate(criteria):
            stage.criteria.append(Criterion(key=ckey, name=cname, description=cdesc,
                                            position=cpos, max=Decimal(cmax),
                                            step=Decimal("0.5")))
        stages.append(stage)
    judges = [Judge(competition=comp, key=k, name=n, panel_group=g,
                    department=depts[d] if d else None, token=new_token())
              for k, n, g, d in JUDGES]
    teams = []
    for key, name, members in _demo_people(rng):
        team = Team(competition=comp, key=key, name=name)
        for mpos, (mname, dept) in enumerate(members):
            team.members.append(Member(name=mname, department=depts[dept], position=mpos))
        teams.append(team)
    db.session.add_all(stages + judges + teams)
    db.session.flush()

    from ..rules import random_draw

    comp.draw_method, comp.draw_seed, comp.draw_at = "random", "20240418", utcnow()
    for team in teams:
        team.draw_position = random_draw(comp.draw_seed, [t.key for t in teams])[team.key]

    # The plan stage was scored from the written plans before the day (CONTEST-DAY.md).
    matrix = recusal_matrix(
        [RJudge(key=j.key, group=j.panel_group,
                department=j.department.name if j.department else None) for j in judges],
        [RTeam(key=t.key, draw=t.draw_position,
               departments=tuple(m.department.name for m in t.members)) for t in teams], ())
    quality = {t.key: rng.uniform(0.68, 0.92) for t in teams}
    plan = stages[0]
    for team in teams:
        for judge in judges:
            if matrix[(judge.key, team.key)].recused:
                continue
            sheet = ScoreSheet(judge=judge, team=team, stage=plan, status="submitted",
                               version=1, submitted_at=utcnow())
            for crit in plan.criteria:
                sheet.scores.append(Score(criterion=crit, value=_score_value(
                    rng, crit.max, quality[team.key])))
            db.session.add(sheet)
    plan.state = "closed"
    stages[1].state = "open"
    db.session.flush()
    record("competition.demo", competition=comp, obj=comp, summary=comp.name)
    return f"Loaded the demo contest '{DEMO_KEY}': 15 teams, 9 judges, 3 stages.\n{login}"
