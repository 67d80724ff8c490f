"""scoring.wsgi:app with an X-Worker header (the worker's pid): for the scale-out check only.

The scale-out test and benchmark need to know which gunicorn worker answered a connection,
to show that a board served by one worker sees a sheet submitted through another. The
product itself sends no such header.
"""
import os

from scoring.wsgi import app as scoring_app


def app(environ, start_response):
    """The scoring app, each answer tagged with the pid of the worker that served it."""
    pid = str(os.getpid())

    def tagged(status, headers, exc_info=None):
        return start_response(status, [*headers, ("X-Worker", pid)], exc_info)

    return scoring_app(environ, tagged)
