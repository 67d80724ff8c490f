"""The `venue` fixture: a venue LAN in network namespaces with the real server running
(tests/venue/netns.py). Skipped only without root or without `ip`; CI runs as root."""
import pytest

from .netns import Venue, unavailable_reason


@pytest.fixture
def venue(request, tmp_path):
    """The venue (server started on an empty database); everything removed afterwards,
    also when the test fails."""
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    playwright = request.getfixturevalue("playwright_session")
    with Venue(tmp_path, playwright) as built:
        yield built
