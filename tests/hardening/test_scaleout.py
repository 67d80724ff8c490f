"""Scale-out (issue 17): gunicorn with 4 workers, the README's deployment, under tablets.

The short form of `python -m bench.scaleout`: tablets save drafts, submit (some twice with
the same idempotency key) and poll for a few seconds; then nothing acknowledged is lost,
nothing is doubled, no 5xx; and a sheet submitted through one worker shows at once on the
live board read through each of the other workers (told apart by bench.worker_tag).
"""
from functools import partial

import pytest

from bench import load, scaleout
from tests.conftest import DATABASES, SERVER_URLS

pytest.importorskip("gunicorn")  # the [server] extra (also in [test]); not on Windows

CASES = [(kind, 4, 60, 6) for kind in DATABASES]


@pytest.mark.parametrize("kind,workers,tablets,seconds", CASES, ids=[c[0] for c in CASES])
def test_four_workers_lose_nothing_and_share_the_board(tmp_path, kind, workers, tablets,
                                                       seconds):
    result = load.run(tablets=tablets, seconds=seconds, judges=tablets + 1, teams=20,
                      database_url=SERVER_URLS.get(kind), server_threads=8, workers=workers,
                      probe=partial(scaleout.cross_worker, others=workers - 1),
                      instance=tmp_path / "instance", log=lambda *_a: None)
    assert load.failures(result) == [], result
    assert result["tablets"] == tablets
    assert result["acknowledged_submissions"] >= tablets // 2, result
    assert result["by_kind"]["board"]["requests"] > 0
    probe = result["probe"]
    # Several workers really served: the submission's and at least one other.
    assert probe["acknowledged"] and probe["board_workers"], probe
    assert probe["submit_worker"] not in probe["board_workers"]
    assert set(probe["before"].values()) <= {"not_started", "draft"}, probe
    assert set(probe["after"].values()) == {"submitted"}, probe
    assert probe["seen"], probe
