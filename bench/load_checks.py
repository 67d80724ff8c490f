"""bench.load's contest and its checks: the contest the tablets score, the values each
judge gives, and what the database must hold afterwards (nothing lost, doubled or
half-written)."""
import json
import threading
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

KEY = "load"
STAGE = "live"
CRITERIA = [("c1", "40"), ("c2", "30"), ("c3", "20"), ("c4", "10")]
ADMIN = ("loadadmin", "load-admin-password")


class Stats:
    """Counts and latencies from every thread (guarded by one lock)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latency = defaultdict(list)  # kind -> seconds
        self.status = defaultdict(int)  # (kind, status) -> count
        self.server_errors: list[str] = []
        self.broken: list[str] = []
        self.acked: dict[tuple, dict] = {}  # (judge, team) -> scores of an acknowledged submit
        self.first_answer: dict[str, dict] = {}  # idempotency key -> first 2xx sheet state
        self.replay_mismatch: list[str] = []
        self.refused: list[str] = []  # unexpected 4xx on writes

    def note(self, kind: str, seconds: float, status: int, path: str, body=None) -> None:
        """Record one answer."""
        with self.lock:
            self.latency[kind].append(seconds)
            self.status[(kind, status)] += 1
            if status >= 500:
                self.server_errors.append(f"{status} {kind} {path} {str(body)[:200]}")

    def note_broken(self, kind: str, path: str, why: str) -> None:
        """Record a failed connection."""
        with self.lock:
            self.broken.append(f"{kind} {path}: {why}")


# ---- the contest ---------------------------------------------------------------------------

def app_for(instance: Path, database_url: str | None):
    """The Flask app on this instance (for building and checking the contest)."""
    from scoring import create_app

    config = {"INSTANCE_PATH": str(instance)}
    if database_url:
        config["SQLALCHEMY_DATABASE_URI"] = database_url
    return create_app(config)


def build_contest(app, judges: int, teams: int) -> dict:
    """A competition with judges x teams and one open stage; returns {judge key: link path}."""
    from sqlalchemy import insert

    from scoring.extensions import db
    from scoring.models import Competition, Criterion, Judge, Stage, Team
    from scoring.operations.tokens import new_token
    from scoring.operations.users import upsert_user

    with app.app_context():
        comp = Competition(key=KEY, name=f"负载测试 {judges} 评委 × {teams} 队")
        comp.rules = {"aggregation": "pooled", "trim": 1, "decimals": 2}
        db.session.add(comp)
        db.session.flush()
        stage = Stage(competition_id=comp.id, key=STAGE, name="现场展示", position=0,
                      weight=Decimal(1), state="open")
        db.session.add(stage)
        db.session.flush()
        db.session.execute(insert(Criterion), [
            {"stage_id": stage.id, "key": k, "name": f"指标 {k}", "description": "",
             "position": i, "max": Decimal(m), "step": Decimal("0.5")}
            for i, (k, m) in enumerate(CRITERIA)])
        db.session.execute(insert(Team), [
            {"competition_id": comp.id, "key": f"T{t:03d}", "name": f"参赛队{t}",
             "draw_position": t, "withdrawn": False, "withdrawn_reason": ""}
            for t in range(1, teams + 1)])
        db.session.execute(insert(Judge), [
            {"competition_id": comp.id, "key": f"J{j:03d}", "name": f"评委{j}",
             "panel_group": "external" if j % 3 == 0 else "internal", "note": "",
             "token": new_token()} for j in range(1, judges + 1)])
        upsert_user(ADMIN[0], ADMIN[1], role="staff")
        db.session.commit()
        links = {k: f"/j/{i}.{t}" for i, k, t in db.session.execute(
            db.select(Judge.id, Judge.key, Judge.token).where(Judge.competition_id == comp.id))}
        db.session.remove()
        db.engine.dispose()
    return links


def scores_for(judge: str, team: str, salt: int = 0) -> dict:
    """Valid, distinct values per (judge, team): a mixed-up write shows in the check."""
    n = (int(judge[1:]) * 7 + int(team[1:]) * 3 + salt) % 20
    return {"c1": f"{20 + n}", "c2": f"{n % 30}.5", "c3": str(n), "c4": f"{n % 10}.5"}


# ---- the checks -----------------------------------------------------------------------------

def check_database(app, stats: Stats) -> dict:
    """Lost, duplicated and inconsistent sheets, from the database itself."""
    from scoring.extensions import db
    from scoring.models import (
        Competition,
        Criterion,
        Judge,
        Score,
        ScoreSheet,
        SheetVersion,
        Stage,
        Team,
    )
    from scoring.rules import decimal_text

    with app.app_context():
        cid = db.session.scalar(db.select(Competition.id).filter_by(key=KEY))
        rows = db.session.execute(
            db.select(ScoreSheet.id, Judge.key, Team.key, ScoreSheet.status, ScoreSheet.version)
            .join(Judge, Judge.id == ScoreSheet.judge_id).join(Team, Team.id == ScoreSheet.team_id)
            .join(Stage, Stage.id == ScoreSheet.stage_id).where(Stage.competition_id == cid)).all()
        scores = defaultdict(dict)
        for sid, ckey, value in db.session.execute(
                db.select(Score.sheet_id, Criterion.key, Score.value)
                .join(Criterion, Criterion.id == Score.criterion_id)
                .join(Stage, Stage.id == Criterion.stage_id).where(Stage.competition_id == cid)):
            scores[sid][ckey] = decimal_text(value)
        kept = defaultdict(list)
        for sid, version, status, js in db.session.execute(
                db.select(SheetVersion.sheet_id, SheetVersion.version, SheetVersion.status,
                          SheetVersion.scores_json).order_by(SheetVersion.version)):
            kept[sid].append((version, status, json.loads(js)))
        db.session.remove()
        db.engine.dispose()
    by_pair = defaultdict(list)
    for sid, jk, tk, status, version in rows:
        by_pair[(jk, tk)].append((sid, status, version))
    duplicated = [p for p, sheets in by_pair.items() if len(sheets) > 1]
    lost, wrong, inconsistent = [], [], []
    for pair, expected in stats.acked.items():
        if pair not in by_pair:
            lost.append(pair)
            continue
        sid, status, _v = by_pair[pair][0]
        if status != "submitted" or scores[sid] != expected:
            wrong.append((pair, status, scores[sid], expected))
    for pair, sheets in by_pair.items():
        for sid, status, version in sheets:
            history = kept[sid]
            if [v for v, _s, _j in history] != list(range(1, version + 1)):
                inconsistent.append((pair, "versions", [v for v, _s, _j in history], version))
            elif history and (history[-1][1] != status or history[-1][2] != scores[sid]):
                inconsistent.append((pair, "last version", history[-1], status, scores[sid]))
            if status == "submitted" and set(scores[sid]) != {k for k, _m in CRITERIA}:
                inconsistent.append((pair, "half-written", scores[sid]))
    submitted = sum(1 for sheets in by_pair.values() for _i, s, _v in sheets if s == "submitted")
    return {"sheets": len(rows), "submitted": submitted, "lost": lost, "wrong": wrong,
            "duplicated": duplicated, "inconsistent": inconsistent}


def _pct(values, q):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def summary(stats: Stats, checks: dict) -> dict:
    """The figures as a plain dict (printed as a table and as JSON)."""
    kinds = {}
    for kind, lat in sorted(stats.latency.items()):
        kinds[kind] = {
            "requests": len(lat), "p50_ms": round(_pct(lat, 0.5) * 1000, 1),
            "p95_ms": round(_pct(lat, 0.95) * 1000, 1),
            "p99_ms": round(_pct(lat, 0.99) * 1000, 1), "max_ms": round(max(lat) * 1000, 1),
            "statuses": {str(s): n for (k, s), n in sorted(stats.status.items()) if k == kind}}
    total = sum(len(v) for v in stats.latency.values())
    return {
        "tablets": stats.logged_in, "login_seconds": round(stats.login_seconds, 1),
        "seconds": round(stats.elapsed, 1), "requests": total,
        "requests_per_second": round(total / stats.elapsed, 1) if stats.elapsed else 0,
        "acknowledged_submissions": len(stats.acked), "sheets": checks["sheets"],
        "submitted_sheets": checks["submitted"],
        "lost": len(checks["lost"]), "wrong_values": len(checks["wrong"]),
        "duplicated": len(checks["duplicated"]), "inconsistent": len(checks["inconsistent"]),
        "server_errors": len(stats.server_errors), "connection_errors": len(stats.broken),
        "replay_mismatches": len(stats.replay_mismatch),
        "unexpected_refusals": len(stats.refused), "hung_threads": stats.hung,
        "by_kind": kinds,
    }


def failures(result: dict) -> list[str]:
    """What broke the promise (an empty list when nothing was lost, doubled or 5xx)."""
    bad = []
    for name in ("lost", "wrong_values", "duplicated", "inconsistent", "server_errors",
                 "replay_mismatches", "unexpected_refusals", "hung_threads"):
        if result[name]:
            bad.append(f"{name}: {result[name]}")
    if result["tablets"] < result.get("tablets_asked", result["tablets"]):
        bad.append(f"only {result['tablets']} tablets could log in")
    if result["acknowledged_submissions"] == 0:
        bad.append("no submission was acknowledged at all")
    return bad
