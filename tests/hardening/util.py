"""Helpers for the hardening tests: a demo instance served by `scoring serve`, judge tablets."""
import random
import sqlite3
import threading
import uuid
from collections import defaultdict
from decimal import Decimal

from bench.load import Broken, Client, Server, login_judge, run_scoring, scoring_env

DEMO = "demo-2024"
STAGE = "presentation"
CRITERIA = {"substance": 40, "delivery": 30, "teamwork": 20, "timing": 10}
TEAMS = [f"T{i:02d}" for i in range(1, 16)]


def demo_instance(tmp_path, name="instance"):
    """A new instance folder with the schema (`scoring db upgrade`) and `scoring demo`."""
    instance = tmp_path / name
    instance.mkdir()
    env = scoring_env(instance)
    run_scoring(["db", "upgrade"], env)
    run_scoring(["demo"], env)
    return instance, env


def sqlite_path(instance):
    """The instance's SQLite file."""
    return instance / "scoring.sqlite"


def judge_links(instance, comp=DEMO) -> dict:
    """{judge key: "/j/<id>.<token>"} read straight from the SQLite file."""
    with sqlite3.connect(sqlite_path(instance)) as conn:
        rows = conn.execute(
            "SELECT judge.key, judge.id, judge.token FROM judge JOIN competition "
            "ON competition.id = judge.competition_id WHERE competition.key = ?", (comp,))
        return {k: f"/j/{i}.{t}" for k, i, t in rows}


def sheets_in(db_file, comp=DEMO, stage=STAGE) -> dict:
    """{(judge, team): (status, version, {criterion: "value"})} of a stage, from a SQLite file."""
    with sqlite3.connect(db_file) as conn:
        rows = conn.execute(
            "SELECT s.id, j.key, t.key, s.status, s.version FROM score_sheet s "
            "JOIN judge j ON j.id = s.judge_id JOIN team t ON t.id = s.team_id "
            "JOIN stage st ON st.id = s.stage_id JOIN competition c ON c.id = st.competition_id "
            "WHERE c.key = ? AND st.key = ?", (comp, stage)).fetchall()
        scores = defaultdict(dict)
        for sid, ckey, value in conn.execute(
                "SELECT sc.sheet_id, cr.key, sc.value FROM score sc "
                "JOIN criterion cr ON cr.id = sc.criterion_id"):
            scores[sid][ckey] = Decimal(str(value)).normalize()
    return {(j, t): (status, version, scores[sid]) for sid, j, t, status, version in rows}


def integrity(db_file) -> str:
    """PRAGMA integrity_check of a SQLite file ("ok" when sound)."""
    with sqlite3.connect(db_file) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


def values_for(judge, team, salt=0) -> dict:
    """Distinct valid values per (judge, team) for the demo's presentation rubric."""
    n = (sum(map(ord, judge)) * 7 + int(team[1:]) * 3 + salt) % 10
    return {"substance": f"{25 + n}", "delivery": f"{15 + n}.5", "teamwork": str(5 + n),
            "timing": f"{n}.5" if n < 9 else "9"}


def as_decimals(values: dict) -> dict:
    """{criterion: Decimal normalized} for comparing with sheets_in."""
    return {k: Decimal(v).normalize() for k, v in values.items()}


class Judges:
    """Several judge tablets (threads) submitting sheets of the open stage to a server.

    acked: {(judge, team): values} of every submission answered 2xx with ok.
    pending: {(judge, team): body} sent but never answered (connection died).
    """

    def __init__(self, server_port, links, judges, seed=1):
        self.port, self.links, self.judges = server_port, links, judges
        self.acked, self.pending, self.errors = {}, {}, []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.rng = random.Random(seed)
        self.clients = {}
        for judge in judges:
            client = Client("127.0.0.1", server_port, timeout=15)
            self.clients[judge] = (client, login_judge(client, links[judge]))

    def submit(self, judge, team, body) -> None:
        """One submission; records the outcome."""
        client, csrf = self.clients[judge]
        try:
            status, answer = client.json("POST", f"/judge/api/sheet/{STAGE}/{team}/submit",
                                         body, csrf)
        except Broken:
            with self.lock:
                self.pending[(judge, team)] = body
            return
        with self.lock:
            self.pending.pop((judge, team), None)
            if status >= 500:
                self.errors.append((judge, team, status, answer))
            elif 200 <= status < 300 and answer and answer.get("ok"):
                self.acked[(judge, team)] = dict(body["scores"])

    def work(self, judge, teams) -> None:
        """Submit teams in order (a draft first now and then) until stopped."""
        client, csrf = self.clients[judge]
        for team in teams:
            if self.stop.is_set():
                return
            body = {"scores": values_for(judge, team), "idempotency_key": uuid.uuid4().hex}
            if hash((judge, team)) % 3 == 0:
                try:
                    client.json("PUT", f"/judge/api/sheet/{STAGE}/{team}/draft",
                                {"scores": {"substance": "1"},
                                 "idempotency_key": uuid.uuid4().hex}, csrf)
                except Broken:
                    pass
            self.submit(judge, team, body)

    def run(self, teams_of) -> list:
        """Start one thread per judge over teams_of(judge); returns the threads."""
        threads = [threading.Thread(target=self.work, args=(j, teams_of(j)), daemon=True)
                   for j in self.judges]
        for t in threads:
            t.start()
        return threads

    def close(self) -> None:
        """Close every tablet's connection."""
        for client, _csrf in self.clients.values():
            client.close()

    def retry_pending(self, port) -> None:
        """After a restart: the tablets send the unanswered requests again (same keys)."""
        for (judge, team), body in list(self.pending.items()):
            client, csrf = self.clients[judge]
            client.port = port
            client.close()
            self.submit(judge, team, body)


__all__ = ["Server", "Client", "Broken", "scoring_env", "run_scoring"]
