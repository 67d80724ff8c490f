"""The ranking, team detail, rule settings and public results pages."""
import json
import re

import sqlalchemy as sa

from scoring.extensions import db as _db

from .contest_doc import document


def _import(app, doc):
    from scoring.contestfile import import_document

    with app.app_context():
        import_document(doc)
        _db.session.commit()


def _set_state(app, key, states):
    from scoring.models import Competition, Stage

    with app.app_context():
        comp = _db.session.scalar(sa.select(Competition).filter_by(key=key))
        for stage in _db.session.scalars(sa.select(Stage).filter_by(competition_id=comp.id)):
            if stage.key in states:
                stage.state = states[stage.key]
        _db.session.commit()


def _fingerprint(app, key):
    from scoring.models import Competition
    from scoring.results.standings import results_for

    with app.app_context():
        comp = _db.session.scalar(sa.select(Competition).filter_by(key=key))
        return results_for(comp).fingerprint


def _text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# ---- the ranking ------------------------------------------------------------------------

def test_ranking_page_demo_is_provisional_and_shows_fingerprint(app, client, login, demo):
    login("staff")
    r = client.get(f"/admin/c/{demo}/results")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert _fingerprint(app, demo) in html
    # The demo has only the plan stage scored: every team is provisional, waiting for judges.
    assert "is-provisional" in html
    assert html.count('data-team="') == 15
    assert "X1" in html or "外请专家甲" in html  # missing judges are named
    for fmt in ("xlsx", "csv", "json"):
        with client.get(f"/admin/c/{demo}/results.{fmt}") as d:
            assert d.status_code == 200
            assert f"{demo}-results.{fmt}" in d.headers["Content-Disposition"]
    with client.get(f"/admin/c/{demo}/results.json") as d:
        assert json.loads(d.get_data())["fingerprint"] == _fingerprint(app, demo)


def test_ranking_page_shows_ties_tie_note_and_withdrawn(sqlite_app):
    from tests.conftest import make_user

    _import(sqlite_app, document("pooled"))
    client = sqlite_app.test_client()
    make_user(sqlite_app, "viewer", "password-viewer", "staff")
    client.post("/admin/login", data={"username": "viewer", "password": "password-viewer"})
    client.get("/lang/en")
    html = client.get("/admin/c/hand-2024/results").get_data(as_text=True)
    rows = re.findall(r'<tr class="([^"]*)" data-team="(\w)">(.*?)</tr>', html, re.S)
    assert [t for _c, t, _r in rows] == ["A", "C", "E", "B", "D"]
    by_team = {t: (c, _text(body)) for c, t, body in rows}
    assert by_team["E"][1].startswith(" 3= tied")
    assert "separated by the plain mean of all sheets (raw_mean)" in by_team["C"][1]
    assert "84.03" in by_team["A"][1] and "一等奖" in by_team["A"][1]
    assert "withdrawn" in by_team["D"][0] and "未到场" in by_team["D"][1]
    assert _fingerprint(sqlite_app, "hand-2024") in html


def test_team_page_strikes_dropped_sheets_and_writes_the_arithmetic(sqlite_app):
    from tests.conftest import make_user

    _import(sqlite_app, document("pooled"))
    client = sqlite_app.test_client()
    make_user(sqlite_app, "viewer", "password-viewer", "staff")
    client.post("/admin/login", data={"username": "viewer", "password": "password-viewer"})
    client.get("/lang/en")
    r = client.get("/admin/c/hand-2024/teams/A/result")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    plan = html.split('data-stage="plan"')[1].split("</section>")[0]
    dropped = re.findall(r'<tr class="judge-line status-counted dropped" data-judge="(\w+)"', plan)
    assert sorted(dropped) == ["N1", "N2"]  # 70 and 90 are struck through
    assert "(80 + 85 + 88) / 3 = 84.33" in html or "(85 + 80 + 88) / 3 = 84.33" in _text(html) \
        or re.search(r"\((?:80|85|88) \+ (?:80|85|88) \+ (?:80|85|88)\) / 3 = 84\.33", html)
    assert "84.33 × 0.4 + 83.83 × 0.6 = 84.03" in html
    # Team B: N1 is recused (department rule).
    html = client.get("/admin/c/hand-2024/teams/B/result").get_data(as_text=True)
    assert re.search(r'status-recused" data-judge="N1"', html)
    assert client.get("/admin/c/hand-2024/teams/ZZ/result").status_code == 404


def test_team_page_weighted_groups_arithmetic(sqlite_app):
    from tests.conftest import make_user

    _import(sqlite_app, document("weighted_groups"))
    client = sqlite_app.test_client()
    make_user(sqlite_app, "viewer", "password-viewer", "staff")
    client.post("/admin/login", data={"username": "viewer", "password": "password-viewer"})
    client.get("/lang/en")
    text = _text(client.get("/admin/c/hand-2024/teams/A/result").get_data(as_text=True))
    assert "82.5 × 0.4 + 88 × 0.6 = 85.80" in text
    assert "85.80 × 0.4 + 85.30 × 0.6 = 85.50" in text


def test_anonymous_is_sent_to_login(client, app):
    _import(app, document())
    r = client.get("/admin/c/hand-2024/results")
    assert r.status_code == 302 and "/admin/login" in r.headers["Location"]
    r = client.get("/admin/c/hand-2024/rules")
    assert r.status_code == 302 and "/admin/login" in r.headers["Location"]


# ---- rule settings ----------------------------------------------------------------------

FORM = {"aggregation": "weighted_groups", "trim": "1", "external_weight": "0.4",
        "external_trim": "0", "internal_weight": "0.6", "internal_trim": "1",
        "decimals": "2", "tie_breaks": "stage:presentation\nraw_mean",
        "awards": "一等奖 count 2\n二等奖 share 0.3\n三等奖 share 0.5",
        "variance_threshold": "12.5", "calibration_reveal": "3", "reason": "按章程"}


def test_rules_form_saves_and_audits(app, client, login, demo):
    from scoring.models import AuditEntry, Competition

    login("admin")
    r = client.get(f"/admin/c/{demo}/rules")
    assert r.status_code == 200 and "stage:presentation" in r.get_data(as_text=True)
    r = client.post(f"/admin/c/{demo}/rules", data=FORM)
    assert r.status_code == 302, r.get_data(as_text=True)
    with app.app_context():
        comp = _db.session.scalar(sa.select(Competition).filter_by(key=demo))
        rules = comp.rules
        entry = _db.session.scalar(sa.select(AuditEntry).filter_by(action="competition.rules"))
    assert rules["aggregation"] == "weighted_groups"
    assert rules["awards"][0] == {"name": "一等奖", "count": 2}
    assert rules["variance_threshold"] == "12.5"
    assert entry is not None and entry.reason == "按章程"
    assert json.loads(entry.before_json)["aggregation"] == "pooled"
    assert json.loads(entry.after_json)["aggregation"] == "weighted_groups"


def test_rules_form_errors_are_shown_on_their_fields_and_change_nothing(sqlite_app):
    from scoring.models import AuditEntry, Competition
    from scoring.operations.demo import load_demo
    from tests.conftest import make_user

    with sqlite_app.app_context():
        load_demo()
        _db.session.commit()
        before = _db.session.scalar(sa.select(Competition)).rules_json
    client = sqlite_app.test_client()
    make_user(sqlite_app, "boss", "password-boss", "admin")
    client.post("/admin/login", data={"username": "boss", "password": "password-boss"})
    client.get("/lang/en")
    bad = dict(FORM, external_weight="0.5", tie_breaks="stage:presentation\nstage:nope",
               awards="一等奖 count 20\n二等奖 lots")
    r = client.post("/admin/c/demo-2024/rules", data=bad)
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert "line 2: write a name, then" in html
    bad = dict(FORM, external_weight="0.5", tie_breaks="stage:presentation\nstage:nope")
    html = client.post("/admin/c/demo-2024/rules", data=bad).get_data(as_text=True)
    assert "weights sum to 1.1, not 1" in html
    assert "line 2: unknown stage" in html
    bad = dict(FORM, awards="一等奖 count 20")
    html = client.post("/admin/c/demo-2024/rules", data=bad).get_data(as_text=True)
    assert "the award tiers hold 20 teams, but only 15 are ranked" in html
    with sqlite_app.app_context():
        assert _db.session.scalar(sa.select(Competition)).rules_json == before
        assert _db.session.scalar(sa.select(AuditEntry).filter_by(
            action="competition.rules")) is None


def test_staff_cannot_post_the_rules_form(app, client, login, demo):
    from scoring.models import Competition

    login("staff")
    assert client.get(f"/admin/c/{demo}/rules").status_code == 403
    assert client.post(f"/admin/c/{demo}/rules", data=FORM).status_code == 403
    with app.app_context():
        assert _db.session.scalar(sa.select(Competition)).rules["aggregation"] == "pooled"


# ---- public results ---------------------------------------------------------------------

def test_public_results_show_only_published_stages(app, client, demo):
    r = client.get(f"/results/{demo}")
    assert r.status_code == 200
    assert "data-stage" not in r.get_data(as_text=True)  # nothing published: the friendly page
    assert demo not in client.get("/results/").get_data(as_text=True)

    _set_state(app, demo, {"plan": "published"})
    html = client.get(f"/results/{demo}").get_data(as_text=True)
    assert 'data-stage="plan"' in html
    assert 'data-stage="presentation"' not in html and 'data-stage="reflection"' not in html
    assert "外请专家" not in html and "X1" not in html  # no judges, no sheets
    assert f"/results/{demo}" in client.get("/results/").get_data(as_text=True)
    assert client.get("/results/nope").status_code == 404


def test_public_results_complete_show_awards(sqlite_app):
    _import(sqlite_app, document("pooled"))
    _set_state(sqlite_app, "hand-2024", {"plan": "published", "talk": "published"})
    client = sqlite_app.test_client()
    html = client.get("/results/hand-2024").get_data(as_text=True)
    assert "一等奖" in html and "84.03" in html and "84.33" in html
    assert _fingerprint(sqlite_app, "hand-2024") in html


def test_ranking_xlsx_scores_are_numbers_shown_as_printed(app, client, login, demo):
    """Excel sums the scores (they were text: a sum gave 0), shown with two places."""
    import io
    from decimal import Decimal

    from openpyxl import load_workbook

    login("staff")
    with client.get(f"/admin/c/{demo}/results.xlsx") as r:
        ws = load_workbook(io.BytesIO(r.data)).active
    with client.get(f"/admin/c/{demo}/results.json") as r:
        rows = json.loads(r.data)["results"]
    header = [c.value for c in ws[1]]
    plan = header.index("方案设计") + 1
    cells = [ws.cell(row=i + 2, column=plan) for i in range(len(rows))]
    assert all(isinstance(c.value, (int, float)) for c in cells)
    assert all(c.number_format == "0.00" for c in cells)
    # The same values as the JSON (which carries the exact texts).
    by_team = {ws.cell(row=i + 2, column=2).value: cells[i].value for i in range(len(rows))}
    for row in rows:
        assert Decimal(str(by_team[row["team"]])) == Decimal(row["stages"]["plan"])


def test_the_rules_page_reads_the_rules_and_the_codes_in_words(app, demo, client, login):
    """The chief judge reads the tie-break chain and the award tiers as sentences, and
    what every code the box takes means, with this competition's stage names."""
    login("admin")
    page = client.get(f"/admin/c/{demo}/rules").get_data(as_text=True)
    assert "已保存的评分规则（文字说明）" in page and "并列时依次比较" in page
    assert "<code>raw_mean</code>" in page
    with app.app_context():
        from scoring.models import Competition

        comp = _db.session.scalar(_db.select(Competition).filter_by(key=demo))
        stage = comp.stages[0]
        awards = comp.rules.get("awards") or []
    assert f"<code>stage:{stage.key}</code>" in page and f"{stage.name}得分" in page
    assert "校外专家平均分" in page
    for tier in awards:
        assert tier["name"] + "：" in page
