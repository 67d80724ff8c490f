"""Cache-Control: no-store on every page, poll and download; static files stay cacheable.

Judge links, QR codes and scores are on judge pages, the judge API, the live board,
results, team pages, every report download, the projector and the public results (and
their JSON polls). A copy kept by a browser or a proxy leaves a credential or scores not
yet revealed on a shared laptop's disk, in its back/forward history or in a venue proxy.
Listing the pages that show such things would forget the next one, so the rule is the
other way round: every response gets ``no-store`` except the endpoints named in
CACHEABLE, which show neither.

The judge pages still work offline: the service worker keeps its copies in the Cache
API, which does not follow HTTP caching headers.
"""
from flask import request

# Endpoints whose responses may be kept, and why none of them shows a link or a score:
# static: the CSS, scripts, fonts and icons (served by Flask with revalidation);
# judge.service_worker: the offline script; it sets its own no-cache so that the
# browser checks it for a new version, and holds no secret and no score.
CACHEABLE = frozenset({"static", "judge.service_worker"})

NO_STORE = "no-store"


def may_be_cached(endpoint) -> bool:
    """Whether responses of endpoint may be kept by browsers and proxies."""
    return endpoint in CACHEABLE


def _no_store(response):
    """Forbid keeping any copy of the response, unless its endpoint is CACHEABLE."""
    if not may_be_cached(request.endpoint):
        response.headers["Cache-Control"] = NO_STORE
        # An Expires date (send_file with a max_age) would contradict no-store.
        response.headers.pop("Expires", None)
    return response


def init_app(app) -> None:
    """Register the hook on every response, error pages and redirects included."""
    app.after_request(_no_store)
