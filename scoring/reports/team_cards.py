"""Team cards (参赛队卡): per team its name, a QR code of its private link, the link.

The link opens the team's own page: upload its materials until a stage's deadline,
and its feedback report after publishing (DESIGN section 11). Eight cards per page.
"""
from flask_babel import gettext as _

from ..operations.materials import team_link_path
from .common import localized
from .frame import Meta, render
from .judge_links import card_story
from .text import Styles, configured_fonts, with_key


def team_link(base_url: str, team) -> str:
    """The full private URL of a team's page under base_url."""
    return base_url.rstrip("/") + "/t/" + team_link_path(team)


@localized
def build_team_cards(competition, base_url="http://127.0.0.1:5000") -> bytes:
    """The team-cards PDF: one card per team (withdrawn ones left out), eight per page."""
    st = Styles(configured_fonts())
    meta = Meta(competition=competition.name, title=_("Team cards"))
    note = _("Scan the code to upload your materials until the deadline and, after the "
             "results are published, to get your feedback report. Keep it within the team.")
    cards = [{"name": with_key(t.name, t.key),
              "group": " · ".join(m.name for m in t.members),
              "url": team_link(base_url, t), "note": note}
             for t in sorted(competition.teams, key=lambda t: t.key) if not t.withdrawn]
    return render(card_story(cards, st, competition.name, _("No team yet.")), meta)
