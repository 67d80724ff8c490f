"""Cache-Control: no-store on every page, poll and download; static files stay cacheable.

The answers are those of the role sweep (tests/hardening/test_roles.py): every GET of
every rule of the URL map, as anonymous, a judge, staff and an admin, so a new page is
checked the day it is added. Only the endpoints named in MAY_BE_CACHED (neither shows a
judge link, a QR code nor a score) may be kept by a browser or a proxy; changing that
list means changing it here and in scoring/web/caching.py.
"""
from scoring.web.caching import CACHEABLE

from .test_roles import DECISIONS, swept  # noqa: F401 (swept: the fixture, shared)

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


def test_every_answer_but_static_files_says_no_store(swept):  # noqa: F811
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


def test_static_files_stay_cacheable(swept):  # noqa: F811
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
