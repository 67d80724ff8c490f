"""Build a large contest fast (Core bulk inserts) for the benchmarks."""
import random
from decimal import Decimal

from sqlalchemy import insert

from scoring.extensions import db
from scoring.models import (
    Competition,
    Criterion,
    Department,
    Judge,
    Member,
    Score,
    ScoreSheet,
    Stage,
    Team,
)


def build(teams=1000, judges=30, stages=3, criteria=5, key="big", seed=7, *, sheets=True,
          judge_departments=True) -> Competition:
    """A competition of teams x judges x stages x criteria, every sheet submitted.

    sheets=False leaves every sheet to be scored (the submit benchmark);
    judge_departments=False gives internal judges no department, so no judge is recused.
    """
    rng = random.Random(seed)
    comp = Competition(key=key, name=f"基准测试竞赛 {teams} 队")
    comp.rules = {"aggregation": "pooled", "trim": 1, "decimals": 2,
                  "tie_breaks": ["stage:s0", "raw_mean"],
                  "awards": [{"name": "一等奖", "share": "0.1"},
                             {"name": "二等奖", "share": "0.2"},
                             {"name": "三等奖", "share": "0.3"}]}
    db.session.add(comp)
    db.session.flush()
    cid = comp.id
    depts = [f"部门{i:02d}" for i in range(40)]
    db.session.execute(insert(Department), [{"competition_id": cid, "name": d} for d in depts])
    dept_ids = dict(db.session.execute(
        db.select(Department.name, Department.id).where(Department.competition_id == cid)).all())
    weights = [Decimal(1) / stages] * stages
    weights[-1] = 1 - sum(weights[:-1])
    db.session.execute(insert(Stage), [
        {"competition_id": cid, "key": f"s{i}", "name": f"环节{i + 1}", "position": i,
         "weight": weights[i].quantize(Decimal("0.0001")) if i < stages - 1 else
         Decimal(1) - sum(w.quantize(Decimal("0.0001")) for w in weights[:-1]),
         "state": "open"} for i in range(stages)])
    stage_ids = db.session.scalars(
        db.select(Stage.id).where(Stage.competition_id == cid).order_by(Stage.position)).all()
    per = Decimal(100) / criteria
    db.session.execute(insert(Criterion), [
        {"stage_id": sid, "key": f"c{c}", "name": f"指标{c + 1}", "description": "",
         "position": c, "max": per, "step": Decimal("0.5")}
        for sid in stage_ids for c in range(criteria)])
    crit_ids = {sid: db.session.scalars(db.select(Criterion.id).where(
        Criterion.stage_id == sid).order_by(Criterion.position)).all() for sid in stage_ids}
    db.session.execute(insert(Judge), [
        {"competition_id": cid, "key": f"J{j:02d}", "name": f"评委{j + 1}",
         "panel_group": "external" if j < judges // 3 else "internal",
         "department_id": (dept_ids[depts[j % len(depts)]]
                           if judge_departments and j >= judges // 3 else None),
         "note": "", "token": f"{key}-token-{j}"} for j in range(judges)])
    judge_ids = db.session.scalars(
        db.select(Judge.id).where(Judge.competition_id == cid).order_by(Judge.key)).all()
    db.session.execute(insert(Team), [
        {"competition_id": cid, "key": f"T{t:04d}", "name": f"参赛队{t + 1}",
         "draw_position": t + 1, "withdrawn": False, "withdrawn_reason": ""}
        for t in range(teams)])
    team_ids = db.session.scalars(
        db.select(Team.id).where(Team.competition_id == cid).order_by(Team.key)).all()
    # Members by the team's place (1, 2, ...), not its id: the same contest whatever ids
    # the database hands out (MariaDB does not reuse them after a delete); on a fresh
    # database the two are the same, so the benchmark's contest is the one it always was.
    db.session.execute(insert(Member), [
        {"team_id": tid, "name": f"队员{n}-{m}",
         "department_id": dept_ids[depts[(n * 3 + m) % len(depts)]], "position": m}
        for n, tid in enumerate(team_ids, start=1) for m in range(3)])
    if not sheets:
        db.session.commit()
        return comp
    sheet_rows = [{"judge_id": jid, "team_id": tid, "stage_id": sid, "status": "submitted",
                   "version": 1, "source": "import"}
                  for sid in stage_ids for tid in team_ids for jid in judge_ids]
    db.session.execute(insert(ScoreSheet), sheet_rows)
    sheets = db.session.execute(db.select(ScoreSheet.id, ScoreSheet.stage_id).join(
        Stage, Stage.id == ScoreSheet.stage_id).where(Stage.competition_id == cid)
        .order_by(ScoreSheet.id)).all()  # the same values on every database
    halves = int(per * 2)
    batch = []
    for sheet_id, sid in sheets:
        for crit in crit_ids[sid]:
            batch.append({"sheet_id": sheet_id, "criterion_id": crit,
                          "value": Decimal(rng.randint(halves // 2, halves)) / 2})
        if len(batch) >= 50_000:
            db.session.execute(insert(Score), batch)
            batch = []
    if batch:
        db.session.execute(insert(Score), batch)
    db.session.commit()
    return comp
