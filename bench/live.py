"""Live latency benchmark (issue 14): a submitted sheet reaches the board and the projector.

`scoring serve` (waitress) runs on a fresh database loaded with `scoring demo`; the
presentation and reflection stages are open, the calibration reveal is off and every team
is revealed beforehand, so a team's card appears on the projector as soon as its last
sheet is in. Debian's chromium (Playwright) opens the organizer's live board and the
projector, each a real page polling as it does in the hall; a MutationObserver in each
page writes down (Date.now()) when a judge's cell turns "submitted" on the board and when
a team's card appears on the projector.

Nine tablets (threads, one keep-alive connection per judge, logged in by the private
link, CSRF token from the page) score the teams one after another, as on the day: for
each team, every judge who is not recused submits within a couple of seconds of the
others (random delays 0-2 s). Latency is the time from the start of the submission's
POST to the moment the page shows it: for the board, every sheet; for the projector, the
sheet that completed the team (the last one answered). Same machine, same clock.

Target (issue 14): p95 <= 0.5 s for both, with nine tablets.
"""
import json
import os
import random
import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path

from .common import SCORING, chromium, free_port, percentile, scoring_env, scratch_database, server
from .submit import Client

STAGES = ("presentation", "reflection")
JUDGES = ("X1", "X2", "X3", "N1", "N2", "N3", "N4", "N5", "N6")

# Writes {key: first time seen} into window.__seen; no inline script is needed (CSP
# applies to the page's own scripts, not to what Playwright evaluates).
OBSERVE = """([selector, attr]) => {
  window.__seen = {};
  const scan = () => {
    const now = Date.now();
    document.querySelectorAll(selector).forEach(e => {
      const key = attr(e);
      if (!(key in window.__seen)) { window.__seen[key] = now; }
    });
  };
  scan();
  new MutationObserver(scan).observe(document.body, {childList: true, subtree: true,
                                                     attributes: true});
}"""
BOARD_KEY = ("tr[data-team] td[data-status='submitted']",
             "e.closest('tr').dataset.team + '|' + e.dataset.judge")
CARD_KEY = (".pj-card[data-team]", "e.dataset.team")


def _prepare(env, tmp):
    """The demo contest, an organizer account, both stages open, every team revealed."""
    import subprocess

    subprocess.run([SCORING, "db", "upgrade"], env=env, check=True, capture_output=True)
    from scoring import create_app
    from scoring.extensions import db
    from scoring.models import Competition, Judge, Reveal, Stage, Team
    from scoring.operations.demo import load_demo
    from scoring.operations.sheet_access import recusal_map
    from scoring.operations.users import upsert_user

    app = create_app({"SQLALCHEMY_DATABASE_URI": env["SCORING_DATABASE_URL"],
                      "INSTANCE_PATH": str(tmp)})
    with app.app_context():
        load_demo()
        upsert_user("bench", "bench-password-1", role="admin")
        comp = db.session.scalars(db.select(Competition)).one()
        comp.rules = dict(comp.rules, calibration_reveal=0)
        stages = {s.key: s for s in db.session.scalars(db.select(Stage))}
        for key in STAGES:
            stages[key].state = "open"
        teams = sorted(db.session.scalars(db.select(Team)), key=lambda t: t.draw_position)
        for key in STAGES:
            for t in teams:
                db.session.add(Reveal(stage_id=stages[key].id, team_id=t.id))
        recused = recusal_map(comp)
        judges = {j.key: j for j in db.session.scalars(db.select(Judge))}
        plan = [(key, t.key, [j for j in JUDGES if not recused[(judges[j].id, t.id)].recused])
                for key in STAGES for t in teams]
        creds = {k: (j.id, j.token) for k, j in judges.items()}
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return creds, plan


def _open(context, url, path, key):
    page = context.new_page()
    page.goto(url + path)
    page.evaluate(OBSERVE.replace("attr(e)", key[1]), [key[0], None])
    return page


def run(kind="sqlite", seed=14) -> dict:
    """Score two stages of the demo with nine tablets; latencies to the board and projector."""
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="bench-live-"))
    rng = random.Random(seed)
    with scratch_database(kind, tmp) as url:
        env = scoring_env(tmp, url)
        creds, plan = _prepare(env, tmp)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        args = [SCORING, "serve", "--host", "127.0.0.1", "--port", str(port), "--threads", "8"]
        with server(args, env, base + "/", tmp / "serve.log"), sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium(), headless=True,
                                         args=["--no-sandbox", "--disable-gpu"])
            admin = browser.new_context(viewport={"width": 1920, "height": 1080})
            hall = browser.new_context(viewport={"width": 1920, "height": 1080})
            login = admin.new_page()
            login.goto(base + "/admin/login")
            login.fill('input[name="username"]', "bench")
            login.fill('input[name="password"]', "bench-password-1")
            login.locator('button[type="submit"]').last.click()
            login.wait_for_url("**/admin/")
            boards = {s: _open(admin, base, f"/admin/c/demo-2024/live?stage={s}", BOARD_KEY)
                      for s in STAGES}
            projectors = {s: _open(hall, base, f"/projector/demo-2024?stage={s}", CARD_KEY)
                          for s in STAGES}
            tablets = {}
            for j in JUDGES:
                tablets[j] = Client(port)
                team = next(t for st, t, js in plan if st == "presentation" and j in js)
                tablets[j].login(*creds[j], team, stage="presentation")
            sent = {}  # (stage, team, judge) -> (start, end)
            for stage, team, judges in plan:
                def one(judge, delay, stage=stage, team=team):
                    time.sleep(delay)
                    scores = {"substance": "30", "delivery": "25", "teamwork": "15",
                              "timing": "8"} if stage == "presentation" else {
                        "depth": "30", "plan": "30", "writing": "15"}
                    body = json.dumps({"scores": scores, "idempotency_key": uuid.uuid4().hex})
                    start = time.time()
                    status, _ = tablets[judge].request(
                        "POST", f"/judge/api/sheet/{stage}/{team}/submit", body.encode(),
                        {"Content-Type": "application/json", "Accept": "application/json",
                         "X-CSRFToken": tablets[judge].csrf})
                    assert status == 200, status
                    sent[(stage, team, judge)] = (start, time.time())
                workers = [threading.Thread(target=one, args=(j, rng.uniform(0, 2)))
                           for j in judges]
                for w in workers:
                    w.start()
                for w in workers:
                    w.join()
                time.sleep(0.8)  # the next team walks up
            time.sleep(1.5)
            seen_board = {s: p.evaluate("window.__seen") for s, p in boards.items()}
            seen_cards = {s: p.evaluate("window.__seen") for s, p in projectors.items()}
            cookies = admin.cookies()
            browser.close()
            render = _render_costs(port, cookies)
    board, projector, missing = [], [], 0
    for (stage, team, judge), (start, _end) in sent.items():
        at = seen_board[stage].get(f"{team}|{judge}")
        if at is None:
            missing += 1
        else:
            board.append(at / 1000 - start)
    for stage, team, judges in plan:
        last = max((sent[(stage, team, j)] for j in judges), key=lambda se: se[1])
        at = seen_cards[stage].get(team)
        if at is None:
            missing += 1
        else:
            projector.append(at / 1000 - last[0])
    return {"database": kind, "sheets": len(sent), "teams": len(plan), "missing": missing,
            "load": os.getloadavg(), **render,
            "board_p50_ms": percentile(board, 50) * 1000,
            "board_p95_ms": percentile(board, 95) * 1000,
            "board_max_ms": max(board) * 1000,
            "projector_p50_ms": percentile(projector, 50) * 1000,
            "projector_p95_ms": percentile(projector, 95) * 1000,
            "projector_max_ms": max(projector) * 1000}


def _render_costs(port, cookies, n=15) -> dict:
    """Median ms of one render of the board's poll (?v=-1) and of the projector (its page,
    always rendered; its poll shares one body per version), one request at a time: the
    server's share of the latency, apart from the waits."""
    client = Client(port)
    client.cookies = {c["name"]: c["value"] for c in cookies}
    out = {}
    for name, path in (("board_render_ms",
                        "/admin/c/demo-2024/live/state?stage=reflection&v=-1"),
                       ("projector_render_ms", "/projector/demo-2024?stage=reflection")):
        times = []
        for _ in range(n):
            start = time.perf_counter()
            status, _ = client.request("GET", path)
            assert status == 200, (path, status)
            times.append(time.perf_counter() - start)
        out[name] = statistics.median(times) * 1000
    return out


def report(r) -> None:
    """Print the figures and the verdict against the 0.5 s target."""
    ok = r["board_p95_ms"] <= 500 and r["projector_p95_ms"] <= 500 and not r["missing"]
    print(f"live ({r['database']}): {r['sheets']} sheets by 9 tablets, {r['teams']} team "
          f"cards; board p50 {r['board_p50_ms']:.0f} ms, p95 {r['board_p95_ms']:.0f} ms, "
          f"max {r['board_max_ms']:.0f} ms; projector p50 {r['projector_p50_ms']:.0f} ms, "
          f"p95 {r['projector_p95_ms']:.0f} ms, max {r['projector_max_ms']:.0f} ms; "
          f"never shown: {r['missing']}; target p95 <= 500 ms: {'met' if ok else 'NOT met'}",
          flush=True)
    print(f"  one poll that renders (server, one at a time): board {r['board_render_ms']:.0f} ms,"
          f" projector {r['projector_render_ms']:.0f} ms; load average during the run "
          f"{r['load'][0]:.1f} / {r['load'][1]:.1f} / {r['load'][2]:.1f} on "
          f"{os.cpu_count()} CPUs", flush=True)
