"""Who may use each route, read from the application's URL map: nobody acts beyond their role.

DECISIONS names, for every endpoint, the clients that may use it. The sweep builds the
app, fills each rule's path variables with rows of a seeded contest (the demo contest
and a spare competition whose rows may be destroyed), and sends every method of every
rule (HEAD and OPTIONS aside) as four clients: anonymous, a judge logged in by their
private link, a staff account and an admin account. An allowed client must not be
refused (401/403 or sent to the login page), must reach the route (no 404/405) and
must not get a 5xx; a refused one gets 403, or for an organizer page when anonymous a
redirect to the login page. A route that is not in DECISIONS fails the test until
someone decides who may use it.

The same sweep shows that no answer to anyone but an admin holds a judge's private link
(pages, JSON, CSV, spreadsheets, PDF text, redirects), and that no page links a client
to something refused to it (no dead buttons). The end of this file checks
the Cache-Control of the same answers.
"""
import json
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from scoring.reports import KINDS
from scoring.web.caching import CACHEABLE

from .sweep import CLIENTS, Answer, Plan, methods, run, squeeze

PUBLIC = frozenset(CLIENTS)
JUDGE = frozenset({"judge"})
STAFF = frozenset({"staff", "admin"})
ADMIN = frozenset({"admin"})

# Who may use each endpoint (every method of it). Add a row with every new route:
# PUBLIC (anyone), JUDGE (a judge's session only), STAFF (staff and admin accounts),
# ADMIN (admin accounts only). A refused organizer page sends the anonymous client to
# the login page and answers 403 to everyone else; a refused judge page answers 403.
# A route whose normal answer is the login page (a logout) also goes in ENDS_AT_LOGIN;
# one that destroys its target goes in SPARE; one whose empty body names no row gets a
# minimal body in BODIES.
DECISIONS = {
    # Anyone: the audience's pages, the projector and its poll, published results.
    "static": PUBLIC, "public.index": PUBLIC, "public.set_language": PUBLIC,
    "public.draw": PUBLIC, "public.projector": PUBLIC, "public.projector_state": PUBLIC,
    "public.results_index": PUBLIC, "public.results": PUBLIC,
    "public.room_projector": PUBLIC,
    "admin.login": PUBLIC, "admin.logout": PUBLIC,
    # The private link itself is the credential; the service worker holds no secret.
    "judge.enter": PUBLIC, "judge.service_worker": PUBLIC,
    # The venue CA's certificate: not a secret, fetched by tablets before any session.
    "public.venue_ca_certificate": PUBLIC,
    # Ends whatever judge session the browser holds (none: nothing to end).
    "judge.logout": PUBLIC,
    # A judge's own pages and API.
    "judge.home": JUDGE, "judge.sheet": JUDGE, "judge.api_state": JUDGE,
    "judge.api_sheet": JUDGE, "judge.api_draft": JUDGE, "judge.api_submit": JUDGE,
    # Staff (and admins): watch, drive the projector, enter paper sheets, print, download.
    "admin.index": STAFF, "admin.setup_overview": STAFF, "admin.setup_stages": STAFF,
    "admin.setup_teams": STAFF, "admin.setup_team_template": STAFF,
    "admin.live": STAFF, "admin.live_state": STAFF, "admin.live_presenting": STAFF,
    "admin.live_reveal": STAFF, "admin.paper": STAFF, "admin.paper_entry": STAFF,
    # Section 12: every room on the day (staff watch); the setup of rooms (admins).
    "admin.rooms_overview": STAFF, "admin.rooms_board": STAFF,
    "admin.setup_rooms": ADMIN, "admin.setup_rooms_division": ADMIN,
    "admin.setup_rooms_team_divisions": ADMIN, "admin.setup_rooms_plan": ADMIN,
    "admin.setup_rooms_add_room": ADMIN, "admin.setup_rooms_draw": ADMIN,
    "admin.setup_rooms_assign": ADMIN, "admin.setup_rooms_remove_division": ADMIN,
    "admin.setup_rooms_remove_room": ADMIN,
    "admin.results": STAFF, "admin.results_download": STAFF, "admin.team_result": STAFF,
    "admin.reports": STAFF, "admin.report_pdf": STAFF, "admin.report_sheets_xlsx": STAFF,
    "admin.contest_file": STAFF,
    # Admins only: judge credentials (cards, links, QR codes), setup, corrections, users.
    "admin.report_judge_links": ADMIN, "admin.setup_judges": ADMIN,
    "admin.setup_judge": ADMIN, "admin.setup_judge_edit": ADMIN,
    "admin.setup_judge_delete": ADMIN, "admin.setup_judge_regenerate": ADMIN,
    "admin.rules_settings": ADMIN, "admin.live_withdraw": ADMIN, "admin.live_absence": ADMIN,
    "admin.reopen_sheet": ADMIN, "admin.setup_new_competition": ADMIN,
    "admin.setup_import_competition": ADMIN,
    "admin.setup_rename": ADMIN, "admin.setup_copy": ADMIN, "admin.setup_archive": ADMIN,
    "admin.setup_unarchive": ADMIN, "admin.setup_stage_new": ADMIN,
    "admin.setup_stage_edit": ADMIN, "admin.setup_stage_delete": ADMIN,
    "admin.setup_stage_move": ADMIN, "admin.setup_stage_state": ADMIN,
    "admin.setup_team_new": ADMIN, "admin.setup_team_edit": ADMIN,
    "admin.setup_team_delete": ADMIN, "admin.setup_team_import": ADMIN,
    "admin.setup_team_import_confirm": ADMIN, "admin.setup_department_add": ADMIN,
    "admin.setup_department_rename": ADMIN, "admin.setup_department_delete": ADMIN,
    "admin.setup_draw": ADMIN, "admin.setup_draw_random": ADMIN,
    "admin.setup_draw_manual": ADMIN, "admin.setup_draw_seed": ADMIN,
    "admin.setup_recusals": ADMIN,
    "admin.setup_recusal_remove": ADMIN, "admin.setup_users": ADMIN,
    "admin.setup_user_role": ADMIN, "admin.setup_user_activate": ADMIN,
    "admin.setup_user_deactivate": ADMIN, "admin.setup_user_password": ADMIN,
    "admin.setup_audit": ADMIN,
    "admin.publish_results": ADMIN, "admin.setup_venue": ADMIN,
    "admin.setup_judge_import": ADMIN, "admin.setup_venue_ca_card": ADMIN,
    # Deductions (rule 12): the organizer, for the chief judge.
    "admin.deductions": ADMIN, "admin.deduction_confirm": ADMIN,
    "admin.deduction_remove": ADMIN,
    # Materials (issue 15): a team's private link is its credential (like a judge's);
    # judges read the pages of the teams they score; team cards and uploads: admins.
    "public.team_page": PUBLIC, "public.team_upload": PUBLIC, "public.team_feedback": PUBLIC,
    "judge.material_page": JUDGE, "admin.judge_review": STAFF,
    "admin.materials": ADMIN, "admin.materials_upload": ADMIN,
    "admin.materials_deadline": ADMIN, "admin.material_view": ADMIN,
    "admin.material_page": ADMIN, "admin.material_delete": ADMIN,
    "admin.team_new_link": ADMIN, "admin.materials_team_cards": ADMIN,
    # The hall (issue 14): staff drive the clock and the ceremony; admins set the lengths.
    "admin.live_timer": STAFF, "admin.live_ceremony": STAFF, "admin.live_timer_lengths": ADMIN,
}
# The only answers that may hold a judge's private link (admins only, see DECISIONS).
CREDENTIALS = {"admin.report_judge_links", "admin.setup_judge"}
# Endpoints whose normal answer is a redirect to the organizer login (ending a session).
ENDS_AT_LOGIN = {"admin.logout"}
# Requests that destroy or lock their target get rows of the spare competition.
SPARE = {"admin.setup_archive", "admin.setup_unarchive", "admin.setup_stage_delete",
         "admin.setup_team_delete", "admin.setup_department_delete",
         "admin.setup_judge_delete"}
# Several answers from one rule (extra names go to the query string): every download
# format and printed report is checked.
VARIANTS = {
    "admin.results_download": [{"fmt": f} for f in ("csv", "json", "xlsx")],
    "admin.report_pdf": [{"kind": k} for k in KINDS],
    # The scored (closed) stage too: its cells carry the admins' "Reopen" links.
    "admin.live": [{}, {"stage": "plan"}], "admin.live_state": [{}, {"stage": "plan"}],
}
# Minimal form bodies where an empty one cannot name the row the route acts on.
BODIES = {"admin.live_presenting": {"stage": "presentation", "team": "T01"},
          "admin.live_reveal": {"stage": "presentation", "team": "T01"},
          "admin.live_timer": {"stage": "presentation", "action": "pause"},
          "admin.live_timer_lengths": {"stage": "presentation", "talk": "8", "questions": "2",
                                       "warning": "1"}}
PLAN = Plan(spare=frozenset(SPARE), variants=VARIANTS, bodies=BODIES)


def undecided(app) -> list:
    """Messages for every rule of the URL map that has no row in DECISIONS."""
    return [f"route {rule.rule} ({rule.endpoint}, {', '.join(methods(rule))}) added without "
            f"a role decision: add a row to DECISIONS in tests/hardening/test_roles.py"
            for rule in app.url_map.iter_rules() if rule.endpoint not in DECISIONS]


_SWEEPS: dict = {}


@pytest.fixture
def swept(app):
    """(answers, tokens) of the sweep on this database: made once per database, reused
    by the tests here (the role decisions and Cache-Control; the answers are plain data)."""
    kind = app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0]
    if kind not in _SWEEPS:
        assert not undecided(app), "\n".join(undecided(app))
        _SWEEPS[kind] = run(app, PLAN)
    return _SWEEPS[kind]


def outcome(a: Answer) -> str:
    """"refused" (401/403), "login" (sent to the organizer login) or "allowed"."""
    if a.status in (401, 403):
        return "refused"
    if 300 <= a.status < 400 and urlsplit(a.location).path == "/admin/login":
        return "login"
    return "allowed"


def test_every_route_has_a_role_decision(sqlite_app):
    problems = undecided(sqlite_app)
    stale = set(DECISIONS) - {r.endpoint for r in sqlite_app.url_map.iter_rules()}
    assert not problems, "\n".join(problems)
    assert not stale, f"DECISIONS names endpoints that no longer exist: {sorted(stale)}"


def test_every_route_answers_each_role_as_decided(swept):
    answers, _tokens = swept
    never = set(DECISIONS) - {a.endpoint for a in answers}
    assert not never, f"the sweep never reached {sorted(never)}"
    wrong = []
    for a in answers:
        got, where = outcome(a), f"{a.method} {a.url} ({a.endpoint}) as {a.client}"
        if a.client in DECISIONS[a.endpoint]:
            fine = got == "allowed" or (got == "login" and a.endpoint in ENDS_AT_LOGIN)
            bad_status = a.status >= 500 or a.status in (404, 405) or (
                a.method == "GET" and a.status >= 400)
            if not fine or bad_status:
                wrong.append(f"{where}: allowed, but answered {a.status} {a.location}")
        else:
            want = "login" if a.client == "anonymous" and a.endpoint.startswith(
                "admin.") else "refused"
            if got != want or (want == "refused" and a.status != 403):
                wrong.append(f"{where}: must be {want}, answered {a.status} {a.location}")
    assert not wrong, "\n".join(wrong)


def test_judge_credentials_are_for_admins_only(swept):
    """The cards, the judge pages (link, QR code, renewal): admin 200, everyone else out."""
    answers, _tokens = swept
    expected = {"anonymous": 302, "judge": 403, "staff": 403, "admin": 200}
    seen = set()
    for a in answers:
        if a.endpoint in CREDENTIALS | {"admin.setup_judges"} and a.method == "GET":
            assert a.status == expected[a.client], (a.url, a.client, a.status)
            if a.client == "anonymous":
                assert urlsplit(a.location).path == "/admin/login", a.location
            seen.add(a.endpoint)
    assert seen == CREDENTIALS | {"admin.setup_judges"}
    assert all(DECISIONS[e] == ADMIN for e in CREDENTIALS | {"admin.setup_judge_regenerate"})


def test_judge_links_appear_only_on_the_admins_credential_pages(swept):
    """No page, poll, download (CSV, JSON, xlsx, PDF text, contest file) or redirect
    holds a judge's token, except the two credential pages, and those only for admins."""
    answers, tokens = swept
    tokens = [squeeze(t) for t in tokens]
    leaks = [f"{a.method} {a.url} ({a.endpoint}) as {a.client}: the answer holds "
             f"{sum(t in a.text for t in tokens)} judges' tokens"
             for a in answers if any(t in a.text for t in tokens)
             and not (a.client == "admin" and a.endpoint in CREDENTIALS)]
    assert not leaks, "\n".join(leaks)
    qr = [f"{a.url} as {a.client}" for a in answers
          if a.client != "admin" and "data:image/svg+xml" in a.text]
    assert not qr, f"QR code images shown to non-admins: {qr}"
    # The check can fail: the admin's judge page and the cards do hold the links.
    admin = {a.endpoint: a.text for a in answers if a.client == "admin" and a.method == "GET"}
    assert any(t in admin["admin.setup_judge"] for t in tokens)
    assert sum(t in admin["admin.report_judge_links"] for t in tokens) >= 9
    assert squeeze("demo-2024") in admin["admin.contest_file"]  # read, and holds none


class _Links(HTMLParser):
    """(method, url) of every link and form on a page."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.found.append(("GET", a["href"]))
        elif tag == "form":
            self.found.append(((a.get("method") or "get").upper(), a.get("action") or ""))


def _html_of(a: Answer) -> str:
    """The HTML of a page, or of the fragments a JSON poll carries (the live board's)."""
    if a.mimetype == "text/html":
        return a.body
    if a.mimetype == "application/json":
        data = json.loads(a.body)
        return (data.get("html") or "") if isinstance(data, dict) else ""
    return ""


def test_no_page_offers_what_its_reader_may_not_use(swept, sqlite_app):
    answers, _tokens = swept
    adapter = sqlite_app.url_map.bind("scoring.test")
    dead = {}
    for a in answers:
        if a.method != "GET" or a.status != 200 or not _html_of(a):
            continue
        parser = _Links()
        parser.feed(_html_of(a))
        for method, target in parser.found:
            parts = urlsplit(target or a.url)
            if parts.netloc or parts.scheme or not parts.path.startswith("/"):
                continue
            try:
                endpoint, _args = adapter.match(parts.path, method=method)
            except RequestRedirect as redirect:
                endpoint = adapter.match(urlsplit(redirect.new_url).path, method=method)[0]
            except (NotFound, MethodNotAllowed):
                endpoint = "no such route"
            if endpoint not in DECISIONS or a.client not in DECISIONS[endpoint]:
                # One line per page and refused endpoint, with one example.
                dead.setdefault((a.url, a.endpoint, a.client, method, endpoint), target)
    assert not dead, "pages offering what their reader may not use:\n" + "\n".join(
        f"{url} ({page}) shows {client} {method} {target} ({endpoint})"
        for (url, page, client, method, endpoint), target in sorted(dead.items()))


# ---- Cache-Control: no-store on every page, poll and download; static files stay cacheable.
# In this file so the sweep is made once per database (pytest-xdist --dist loadfile runs a
# file on one worker; in a file of its own the sweep was made twice, 3.5 minutes of CI).
#
# The answers are those of the role sweep above: every GET of
# every rule of the URL map, as anonymous, a judge, staff and an admin, so a new page is
# checked the day it is added. Only the endpoints named in MAY_BE_CACHED (neither shows a
# judge link, a QR code nor a score) may be kept by a browser or a proxy; changing that
# list means changing it here and in scoring/web/caching.py.
MAY_BE_CACHED = {"static", "judge.service_worker"}
# The kinds of answer the brief names, so that the sweep provably covered each of them.
MUST_BE_COVERED = {
    "judge pages and API": {"judge.home", "judge.sheet", "judge.api_state", "judge.api_sheet"},
    "judge credentials": {"admin.setup_judge", "admin.report_judge_links"},
    "organizer live, results and team pages": {"admin.live", "admin.live_state",
                                               "admin.results", "admin.team_result"},
    "report downloads": {"admin.report_pdf", "admin.report_sheets_xlsx",
                         "admin.results_download", "admin.contest_file"},
    "projector and public results": {"public.projector", "public.projector_state",
                                     "public.results", "public.results_index"},
}


def test_the_app_and_this_test_agree_on_what_may_be_cached():
    assert set(CACHEABLE) == MAY_BE_CACHED
    assert MAY_BE_CACHED <= set(DECISIONS)


def test_every_answer_but_static_files_says_no_store(swept):
    answers, _tokens = swept
    gets = [a for a in answers if a.method == "GET"]
    seen = {a.endpoint for a in gets if a.status == 200}
    for what, endpoints in MUST_BE_COVERED.items():
        assert endpoints <= seen, f"{what}: the sweep got no page of {endpoints - seen}"
    missing = [f"{a.url} ({a.endpoint}) as {a.client}: {a.status}, "
               f"Cache-Control {a.cache_control!r}" for a in gets
               if a.endpoint not in MAY_BE_CACHED
               and "no-store" not in a.cache_control.replace(" ", "").split(",")]
    assert not missing, "answers that a browser may keep:\n" + "\n".join(missing)


def test_static_files_stay_cacheable(swept):
    answers, _tokens = swept
    static = [a for a in answers if a.endpoint in MAY_BE_CACHED and a.status == 200]
    assert {a.endpoint for a in static} == MAY_BE_CACHED
    assert not [a.url for a in static if "no-store" in a.cache_control]


def test_no_store_on_error_pages_and_unknown_urls(sqlite_app):
    """Answers that no rule matched (404) or that were refused carry it too."""
    client = sqlite_app.test_client()
    for url in ("/no/such/page", "/admin/", "/judge/", "/static/no-such-file.css"):
        r = client.get(url)
        expected = "no-store" not in r.headers.get("Cache-Control", "") if url.startswith(
            "/static/") else r.headers.get("Cache-Control") == "no-store"
        assert expected, (url, r.status_code, r.headers.get("Cache-Control"))
