"""A generated contest of 300 teams, 9 judges, 3 stages, built with bulk inserts (fast)."""
import random
from decimal import Decimal

from sqlalchemy import insert, select

from scoring.extensions import db
from scoring.models import (
    Competition,
    Criterion,
    Department,
    Judge,
    Member,
    Recusal,
    Score,
    ScoreSheet,
    Stage,
    Team,
)
from scoring.operations.demo import DEFAULT_RULES
from scoring.operations.tokens import new_token

KEY = "big-300"
NAME = "第三届管理岗位青年教职工职业能力竞赛（三百队压力测试）"
LONG_NAME = ("这是一个名字特别特别长的参赛队伍用来检查表格中的长名称能否完整换行而不被截断"
             "的情况测试队")
NASTY_NAMES = ["<script>alert(1)</script>", "a & b <i>", "=1+2 公式队"]
STAGES = [
    ("plan", "方案设计", "0.3", [("goals", "目标明确", "20"), ("content", "内容完整", "30"),
                               ("innovation", "创新性", "25"), ("feasibility", "可行性", "25")]),
    ("presentation", "现场展示", "0.5", [("substance", "内容阐述", "40"),
                                       ("delivery", "语言表达", "30"),
                                       ("teamwork", "团队配合", "20"),
                                       ("timing", "时间控制", "10")]),
    ("reflection", "总结反思", "0.2", [("depth", "反思深度", "40"), ("plan", "改进计划", "40"),
                                     ("writing", "文字表达", "20")]),
]
DEPARTMENTS = ["组织部", "宣传部", "人事处", "教务处", "科技处", "财务处", "学生工作部", "后勤处",
               "国际交流处", "图书馆", "信息网络中心", "校团委"]
JUDGES = [("X1", "外请专家甲", "external", None), ("X2", "外请专家乙", "external", None),
          ("X3", "外请专家丙", "external", None), ("N1", "校内评委一", "internal", "组织部"),
          ("N2", "校内评委二", "internal", "人事处"), ("N3", "校内评委三", "internal", "教务处"),
          ("N4", "校内评委四", "internal", "宣传部"), ("N5", "校内评委五", "internal", "财务处"),
          ("N6", "校内评委六", "internal", "后勤处")]


def team_name(i: int) -> str:
    """The generated name of team i (0-based); a few are long or contain markup."""
    if i == 1:
        return LONG_NAME
    if 2 <= i < 2 + len(NASTY_NAMES):
        return NASTY_NAMES[i - 2]
    return f"第{i + 1}队"


def build(n_teams=300, seed=7) -> str:
    """Insert the contest (every sheet of every stage submitted) and return its key."""
    rng = random.Random(seed)
    comp = Competition(key=KEY, name=NAME, draw_method="random", draw_seed="12345678")
    comp.rules = DEFAULT_RULES
    db.session.add(comp)
    db.session.flush()
    cid = comp.id
    db.session.execute(insert(Department), [{"competition_id": cid, "name": d}
                                            for d in DEPARTMENTS])
    dept = dict(db.session.execute(select(Department.name, Department.id)
                                   .where(Department.competition_id == cid)).all())
    db.session.execute(insert(Stage), [
        {"competition_id": cid, "key": k, "name": n, "position": p, "weight": Decimal(w),
         "state": "closed"} for p, (k, n, w, _c) in enumerate(STAGES)])
    stage_id = dict(db.session.execute(select(Stage.key, Stage.id)
                                       .where(Stage.competition_id == cid)).all())
    db.session.execute(insert(Criterion), [
        {"stage_id": stage_id[sk], "key": ck, "name": cn, "description": "", "position": p,
         "max": Decimal(cm), "step": Decimal("0.5")}
        for sk, _n, _w, crits in STAGES for p, (ck, cn, cm) in enumerate(crits)])
    crits = {}
    for sid, cid_, _ck, cmax in db.session.execute(
            select(Criterion.stage_id, Criterion.id, Criterion.key, Criterion.max)
            .where(Criterion.stage_id.in_(stage_id.values()))):
        crits.setdefault(sid, []).append((cid_, cmax))
    db.session.execute(insert(Judge), [
        {"competition_id": cid, "key": k, "name": n, "panel_group": g,
         "department_id": dept[d] if d else None, "note": "", "token": new_token()}
        for k, n, g, d in JUDGES])
    judge_rows = db.session.execute(select(Judge.id, Judge.key, Judge.department_id)
                                    .where(Judge.competition_id == cid)).all()
    order = list(range(n_teams))
    rng.shuffle(order)
    db.session.execute(insert(Team), [
        {"competition_id": cid, "key": f"T{i + 1:03d}", "name": team_name(i),
         "draw_position": order[i] + 1, "withdrawn": i == n_teams - 1,
         "withdrawn_reason": "身体原因" if i == n_teams - 1 else ""} for i in range(n_teams)])
    team_rows = db.session.execute(select(Team.id, Team.key).where(Team.competition_id == cid)
                                   .order_by(Team.key)).all()
    members, team_depts = [], {}
    names = iter(f"{s}{g}" for s in "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗" for g in
                 ["明", "华", "军", "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳",
                  "勇", "杰", "娟", "涛", "超", "霞", "平", "刚", "英", "鹏", "颖", "晨", "宇",
                  "浩", "然", "思", "雨", "佳", "怡", "涵", "博", "文", "斌", "萍", "倩",
                  "琳", "瑶", "欣", "悦", "阳", "凯", "磊磊"])
    for tid, _key in team_rows:
        ds = rng.sample(DEPARTMENTS, 3)
        team_depts[tid] = {dept[d] for d in ds}
        for p, d in enumerate(ds):
            name = next(names, None) or f"成员{tid}-{p}"
            members.append({"team_id": tid, "name": name, "department_id": dept[d],
                            "position": p})
    db.session.execute(insert(Member), members)
    # One manual recusal on top of the department rule.
    db.session.execute(insert(Recusal), [{"judge_id": judge_rows[0].id,
                                          "team_id": team_rows[0].id, "lift": False,
                                          "reason": "曾指导该队"}])
    manual = {(judge_rows[0].id, team_rows[0].id)}
    quality = {tid: rng.uniform(0.6, 0.95) for tid, _k in team_rows}
    sheets = []
    for sid in stage_id.values():
        for tid, _k in team_rows:
            for jid, _jk, jdept in judge_rows:
                if (jdept is not None and jdept in team_depts[tid]) or (jid, tid) in manual:
                    continue
                sheets.append({"judge_id": jid, "team_id": tid, "stage_id": sid,
                               "status": "submitted", "version": 1, "source": "judge"})
    db.session.execute(insert(ScoreSheet), sheets)
    scores = []
    for sheet_id, tid, sid in db.session.execute(
            select(ScoreSheet.id, ScoreSheet.team_id, ScoreSheet.stage_id)
            .where(ScoreSheet.stage_id.in_(stage_id.values()))):
        for crit_id, cmax in crits[sid]:
            share = min(1.0, max(0.3, rng.gauss(quality[tid], 0.05)))
            halves = int(cmax * 2 * Decimal(str(round(share, 3))))
            scores.append({"sheet_id": sheet_id, "criterion_id": crit_id,
                           "value": Decimal(halves) / 2})
    db.session.execute(insert(Score), scores)
    db.session.commit()
    return KEY
