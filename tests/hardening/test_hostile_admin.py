"""The hostile-request sweep of test_hostile_requests.py as an admin (its longest part, in
a file of its own so that a pytest-xdist worker runs it beside the others)."""
from .test_hostile_requests import clients, sweep  # noqa: F401 (clients: the fixture)


def test_no_admin_request_is_a_server_error(app, demo, clients):  # noqa: F811
    sweep(app, demo, {"admin": clients["admin"]})
