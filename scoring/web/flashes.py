"""Flashed messages kept within the session cookie.

Flashes live in the signed session cookie until the next page shows them. A message that
echoes what was typed or uploaded (a 10 KB team name, a file name, one message per bad
row of a spreadsheet) could push the cookie past the 4 KB browsers keep: the browser
then drops the whole cookie, and the person sees no message at all (and is logged out).
So every value echoed into a flash is shortened (short()), and, whoever flashed, the
messages of one request are capped before the cookie is written (init_app).
"""
from flask import session
from flask_babel import gettext

ECHO_LIMIT = 60          # characters of an echoed value
MESSAGE_LIMIT = 300      # characters of one message
MAX_MESSAGES = 8         # messages kept for the next page; the rest are counted


def short(value, limit: int = ECHO_LIMIT) -> str:
    """An echoed value cut to limit characters, "…" marking the cut."""
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _capped(flashes: list) -> list:
    kept = [(category, short(message, MESSAGE_LIMIT)) for category, message in
            flashes[:MAX_MESSAGES]]
    if len(flashes) > MAX_MESSAGES:
        category = flashes[MAX_MESSAGES][0]
        kept.append((category, gettext("… and %(count)s more messages.",
                                       count=len(flashes) - MAX_MESSAGES)))
    return kept


def init_app(app) -> None:
    """Cap every request's flashed messages before the session cookie is written."""

    @app.after_request
    def _cap_flashes(response):
        # Only when this request flashed (flash() marks the session modified); reading
        # the session otherwise would add "Vary: Cookie" to every answer.
        if not (session.modified and "_flashes" in session):
            return response
        flashes = session["_flashes"]
        if flashes:
            capped = _capped(flashes)
            if capped != flashes:
                session["_flashes"] = capped
        return response
