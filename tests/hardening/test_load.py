"""Load: 200 tablets (judges) submitting and polling at once against `scoring serve`.

The short form of `python -m bench.load` (see that module): nothing acknowledged is lost,
nothing is doubled, versions stay consistent, and the server never answers 5xx.
Connection timeouts under overload are counted apart (the tablets resend, like judge.js).
"""
import pytest

from bench import load
from tests.conftest import DATABASES, SERVER_URLS

CASES = [("sqlite", 200, 6)] + [(kind, 100, 5) for kind in DATABASES if kind == "postgresql"]


@pytest.mark.parametrize("kind,tablets,seconds", CASES, ids=[c[0] for c in CASES])
def test_many_tablets_lose_nothing(tmp_path, kind, tablets, seconds):
    server_url = SERVER_URLS.get(kind)
    result = load.run(tablets=tablets, seconds=seconds, teams=20, database_url=server_url,
                      instance=tmp_path / "instance", log=lambda *_a: None)
    assert load.failures(result) == [], result
    assert result["tablets"] == tablets
    assert result["acknowledged_submissions"] >= tablets // 2, result
    assert result["submitted_sheets"] >= result["acknowledged_submissions"]
    assert result["by_kind"]["state"]["requests"] > 0
    assert result["by_kind"]["board"]["requests"] > 0
    assert result["by_kind"]["projector"]["requests"] > 0
