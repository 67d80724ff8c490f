"""The role sweep: every rule of the URL map, every method, as four clients.

Used by tests/hardening/test_roles.py (who may use what, no judge link leaks, no dead
buttons) and the Cache-Control checks at the end of that file. The tests own the
decisions; this module only seeds a contest, sends the requests and keeps the answers.
"""
import io
import re
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlsplit

from scoring.extensions import db
from scoring.models import (
    Competition,
    Deduction,
    Department,
    Judge,
    Recusal,
    Room,
    ScoreSheet,
    Stage,
    Team,
    User,
)
from scoring.operations.tokens import new_token
from tests.conftest import make_user
from tests.judging.util import judge_link
from tests.setup.helpers import make_competition

CLIENTS = ("anonymous", "judge", "staff", "admin")
# A page each logged-in client can open; when it cannot, a request logged it out.
PAGE_OF = {"staff": "/admin/", "admin": "/admin/users", "judge": "/judge/api/state"}


@dataclass(frozen=True)
class Plan:
    """How to send each endpoint's requests.

    spare: endpoints that destroy or lock their target, sent to the spare competition;
    variants: several argument sets for one rule (names the rule lacks go to the query);
    bodies: minimal form or JSON bodies where an empty one names no row.
    """

    spare: frozenset = frozenset()
    variants: dict = field(default_factory=dict)
    bodies: dict = field(default_factory=dict)


@dataclass
class Answer:
    """One request and what came back."""

    endpoint: str
    method: str
    url: str
    client: str
    status: int
    location: str
    cache_control: str
    mimetype: str
    body: str = field(repr=False)

    @cached_property
    def text(self) -> str:
        """Body and Location squeezed (see squeeze), to search for tokens."""
        return squeeze(self.body + self.location)


def squeeze(text: str) -> str:
    """text without whitespace and hyphens: a link wrapped over lines is found whole
    (pdftotext also drops a hyphen at the end of a line)."""
    return re.sub(r"[\s-]+", "", text)


def methods(rule) -> list:
    """The methods a rule accepts, HEAD and OPTIONS aside."""
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def _first(model, competition, **where):
    return db.session.scalars(db.select(model).filter_by(
        competition_id=competition.id, **where).order_by(model.id)).first()


def seed(app) -> dict:
    """The demo contest and a spare competition; a value for every path variable.

    Returns {"values": ..., "spare": values pointing into the spare competition,
    "tokens": every judge's token}. The judge client is X1; routes about "a judge" get
    N6 (another judge), so regenerating its link does not log the client out.
    """
    from scoring.operations.demo import load_demo

    make_competition(app, "spare")
    with app.app_context():
        load_demo()
        demo = db.session.scalars(db.select(Competition).filter_by(key="demo-2024")).one()
        spare = db.session.scalars(db.select(Competition).filter_by(key="spare")).one()
        spare_team = Team(competition=spare, key="S1", name="备用队")
        spare_judge = Judge(competition=spare, key="SJ", name="备用评委", token=new_token())
        db.session.add_all([spare_team, spare_judge])
        team, other = _first(Team, demo, key="T01"), _first(Judge, demo, key="N6")
        recusal = Recusal(judge=other, team=team, reason="role test")
        db.session.add(recusal)
        deduction = Deduction(team=team, stage=_first(Stage, demo, key="presentation"),
                              points=1, reason="role test", state="proposed", source="timer")
        db.session.add(deduction)
        # DESIGN section 12: a room (no panel, no team yet) in the stage nobody scores here.
        db.session.add(Room(stage_id=_first(Stage, demo, key="reflection").id, key="R1",
                            name="第一会场"))
        db.session.flush()
        sheet = db.session.scalars(db.select(ScoreSheet).where(
            ScoreSheet.team_id == team.id, ScoreSheet.status == "submitted")).first()
        values = {"key": demo.key, "team_id": team.id, "judge_id": other.id,
                  "stage_id": _first(Stage, demo, key="reflection").id,
                  "dept_id": _first(Department, demo).id, "recusal_id": recusal.id,
                  "deduction_id": deduction.id, "sheet_id": sheet.id,
                  "stage_key": "presentation", "team_key": "T01",
                  "judge_key": "X2", "room_stage": "reflection", "room_key": "R1",
                  "direction": "up", "target": "closed",
                  "kind": "ranking", "fmt": "csv", "code": "en", "filename": "css/app.css"}
        spare_values = {"key": spare.key, "stage_id": _first(Stage, spare).id,
                        "team_id": spare_team.id, "dept_id": _first(Department, spare).id,
                        "judge_id": spare_judge.id}
        db.session.commit()
        tokens = sorted(db.session.scalars(db.select(Judge.token)))
        db.session.remove()
    for role in ("admin", "staff"):
        make_user(app, f"role-{role}", f"password-{role}", role)
    make_user(app, "victim", "password-victim", "staff")  # the target of user routes
    with app.app_context():
        values["user_id"] = db.session.scalar(db.select(User.id).filter_by(username="victim"))
    values["link"] = judge_link(app, "X1").removeprefix("/j/")
    values.update(_material_values(app))
    return {"values": values, "spare": spare_values, "tokens": tokens}


class Clients:
    """The four clients; a session ended by a request (logout, a link) is opened again."""

    def __init__(self, app, link):
        self.app, self.link, self.c = app, link, {}
        for name in PAGE_OF:
            self.renew(name)

    def renew(self, name) -> None:
        """A fresh client logged in as name."""
        c = self.app.test_client()
        if name == "judge":
            assert c.get(f"/j/{self.link}").status_code == 302
        else:
            r = c.post("/admin/login", data={"username": f"role-{name}",
                                             "password": f"password-{name}"})
            assert r.status_code == 302, r.status_code
        self.c[name] = c

    def get(self, name):
        """The client called name (anonymous is a new client every time)."""
        return self.app.test_client() if name == "anonymous" else self.c[name]

    def check(self) -> None:
        """Log in again whoever the last request logged out."""
        for name, page in PAGE_OF.items():
            if self.c[name].get(page).status_code != 200:
                self.renew(name)


def as_text(response) -> str:
    """The body as text: PDFs through pdftotext, spreadsheets by their XML."""
    data = response.get_data()
    if data.startswith(b"%PDF"):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
            f.write(data)
            f.flush()
            out = subprocess.run(["pdftotext", f.name, "-"], capture_output=True, check=True)
        return out.stdout.decode("utf-8", "replace")
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    return data.decode("utf-8", "replace")


def _material_values(app) -> dict:
    """A material of T01 in the presentation stage (one real page image), its team link."""
    import io

    from PIL import Image

    from scoring.imports.materials import _store
    from scoring.models import Material

    buf = io.BytesIO()
    Image.new("RGB", (40, 60), (255, 255, 255)).save(buf, "WEBP")
    with app.app_context():
        demo = db.session.scalars(db.select(Competition).filter_by(key="demo-2024")).one()
        team = _first(Team, demo, key="T01")
        sha = _store(app.instance_path, buf.getvalue(), "webp")
        material = Material(team_id=team.id, stage_id=_first(Stage, demo, key="presentation").id,
                            filename="plan.pdf", kind="pdf", sha256=sha, size=1,
                            pages_json=f'["{sha}"]', uploaded_by="admin")
        db.session.add(material)
        db.session.commit()
        values = {"material_id": material.id, "page": 1,
                  "team_link": f"{team.id}.{team.upload_token}"}
        db.session.remove()
    return values


def requests_of(app, seeded, plan: Plan) -> list:
    """(endpoint, method, url) of every rule, GETs first so writes come after the reads.

    The endpoint is the one that serves the URL: a variant may land on another rule
    (report_pdf's judge-links kind is served by report_judge_links).
    """
    from flask import url_for

    adapter = app.url_map.bind("scoring.test")
    out = set()
    for rule in app.url_map.iter_rules():
        base = seeded["values"] | (seeded["spare"] if rule.endpoint in plan.spare else {})
        for variant in plan.variants.get(rule.endpoint, [{}]):
            missing = set(rule.arguments) - set(base) - set(variant)
            assert not missing, f"{rule.rule}: the sweep cannot fill {missing}; add it in seed()"
            args = {a: base[a] for a in rule.arguments} | variant
            with app.test_request_context():
                url = url_for(rule.endpoint, **args)
            for m in methods(rule):
                out.add((adapter.match(urlsplit(url).path, method=m)[0], m, url))
    return sorted(out, key=lambda r: (r[1] != "GET", r[0], r[2], r[1]))


def run(app, plan: Plan) -> tuple[list, list]:
    """Every request of requests_of as each client (admin last, after the refusals).

    Returns (answers, every judge's token). Writes carry no CSRF token (the test app
    does not check it) and an empty or minimal body: what matters is the access decision.
    """
    seeded = seed(app)
    clients = Clients(app, seeded["values"]["link"])
    answers = []
    for endpoint, method, url in requests_of(app, seeded, plan):
        body = plan.bodies.get(endpoint, {})
        kw = {} if method == "GET" else (
            {"json": body} if endpoint.startswith("judge.api") else {"data": body})
        for name in CLIENTS:
            r = clients.get(name).open(url, method=method, **kw)
            answers.append(Answer(endpoint, method, url, name, r.status_code,
                                  r.headers.get("Location", ""),
                                  r.headers.get("Cache-Control", ""), r.mimetype, as_text(r)))
            r.close()
        clients.check()
    return answers, seeded["tokens"]
