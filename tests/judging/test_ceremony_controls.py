"""The ceremony's controls on the live page say what the projector shows and offer only
steps that exist (found walking the day: "step 4" and a "Next tier" that did nothing at
the closing screen, each press recorded in the audit log)."""
import html as html_lib
import re

from scoring.extensions import db
from scoring.models import AuditEntry

from .hall_util import KEY, publish_all, score_stage


def _admin(app):
    from tests.conftest import make_user

    make_user(app, "emcee", "password-emcee", "admin")
    c = app.test_client()
    assert c.post("/admin/login", data={"username": "emcee",
                                        "password": "password-emcee"}).status_code == 302
    c.get("/lang/en")
    return c


def _card(c) -> tuple[str, list[str]]:
    """The ceremony card of the live page: its words and its buttons' actions."""
    page = c.get(f"/admin/c/{KEY}/live?stage=reflection").get_data(as_text=True)
    card = re.search(r'<div class="card hall-ceremony"[^>]*>(.*?)</div>\s*<div class="card">',
                     page, re.S).group(1)
    words = re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", card))).strip()
    return words, re.findall(r'data-ceremony="(\w+)"', card)


def _press(c, action):
    return c.post(f"/admin/c/{KEY}/live/ceremony",
                  data={"action": action, "stage": "reflection"}, follow_redirects=True)


def test_the_ceremony_card_names_what_the_projector_shows(app, demo):
    score_stage(app, "presentation")
    score_stage(app, "reflection")
    publish_all(app)
    c = _admin(app)
    _press(c, "start")
    words, buttons = _card(c)
    assert "the ceremony title; 3 award tiers follow" in words
    assert buttons == ["next", "end"]  # nothing before the title
    assert "Reveal 三等奖" in words
    _press(c, "next")
    words, buttons = _card(c)
    assert "On the projector: 三等奖 (1 of 3)" in words and "Reveal 二等奖" in words
    assert buttons == ["next", "back", "end"]
    _press(c, "next")
    _press(c, "next")
    words, _b = _card(c)
    assert "一等奖 (3 of 3)" in words and "Show every winner" in words
    _press(c, "next")
    words, buttons = _card(c)
    assert "every winner (the closing screen)" in words
    assert buttons == ["back", "end"]  # no "next" that would do nothing
    with app.app_context():
        before = db.session.query(AuditEntry).filter_by(action="ceremony.next").count()
    page = html_lib.unescape(_press(c, "next").get_data(as_text=True))  # a stale page
    assert "already shows the closing screen" in page
    with app.app_context():
        assert db.session.query(AuditEntry).filter_by(action="ceremony.next").count() == before
