"""The hall at the end (issue 14): the projector after publishing, the award ceremony last
tier first, public results with a share link, the reveal button's reasons."""
import json
import re

import pytest

from scoring.extensions import db
from scoring.models import (
    AuditEntry,
    Ceremony,
    Competition,
    Team,
)

from .hall_util import (
    KEY,
    draw_order,
    hall_admin,
    projector_page,
    publish_all,
    score_stage,
    submit_team,
)

# ---- the end and the award ceremony -------------------------------------------------------

def test_after_publishing_the_projector_ends_and_the_ceremony_runs_last_tier_first(app, demo):
    admin = hall_admin(app, "helper", "staff")
    order = draw_order(app)
    score_stage(app, "presentation")
    score_stage(app, "reflection")
    admin.post(f"/admin/c/{KEY}/live/timer", data={"stage": "presentation", "action": "next"})
    publish_all(app)
    html = projector_page(app)
    assert "pj-now" not in html and "pj-clock" not in html  # no team left "presenting"
    assert "成绩已发布" in html or "The results are published" in html
    admin.post(f"/admin/c/{KEY}/live/ceremony", data={"action": "start"})
    seen = []
    for _step in range(3):
        admin.post(f"/admin/c/{KEY}/live/ceremony", data={"action": "next"})
        m = re.search(r'data-tier="([^"]+)" data-step="(\d)"', projector_page(app))
        seen.append(m.group(1))
    assert seen == ["三等奖", "二等奖", "一等奖"]
    first = projector_page(app)
    # 15 ranked teams, 一等奖 0.2: the top three in draw order (score_stage ranks by draw).
    names = re.findall(r'<span class="cer-name">([^<]+)</span>', first)
    with app.app_context():
        by_key = {t.key: t.name for t in db.session.scalars(db.select(Team))}
    assert names == [by_key[k] for k in order[:3]]
    admin.post(f"/admin/c/{KEY}/live/ceremony", data={"action": "next"})
    closing = projector_page(app)
    assert "祝贺" in closing or "Congratulations" in closing
    admin.post(f"/admin/c/{KEY}/live/ceremony", data={"action": "back"})
    assert 'data-tier="一等奖"' in projector_page(app)
    admin.post(f"/admin/c/{KEY}/live/ceremony", data={"action": "end"})
    with app.app_context():
        assert db.session.scalars(db.select(Ceremony)).first() is None


# ---- public results -------------------------------------------------------------------------

def test_public_results_carry_a_share_link_and_qr_code(app, demo):
    score_stage(app, "presentation")
    score_stage(app, "reflection")
    publish_all(app)
    page = app.test_client().get(f"/results/{KEY}").get_data(as_text=True)
    link = re.search(r'id="share-link" type="text" readonly value="([^"]+)"', page).group(1)
    assert link.endswith(f"/results/{KEY}")
    assert 'src="data:image/svg+xml;base64,' in page  # made here, no other host
    assert 'class="pr-stages"' in page  # the phone layout's stage line


@pytest.mark.parametrize("host, expected", [
    ("127.0.0.1:5000", "http://10.1.2.3:5000"),      # the server's laptop: the venue address
    ("localhost:5000", "http://10.1.2.3:5000"),
    ("[::1]:5000", "http://10.1.2.3:5000"),
    ("10.1.2.3:8080", "http://10.1.2.3:8080"),       # this computer's address is kept
    # Any other Host is what a device chose to send (tests/hardening/
    # test_share_link_host.py): the venue address instead.
    ("192.0.2.7:5000", "http://10.1.2.3:5000"),
    ("scoring.test", "http://10.1.2.3:5000"),
])
def test_the_share_link_never_names_this_computer_only(app, monkeypatch, host, expected):
    from scoring.public.results import share_link
    from scoring.web import venue

    monkeypatch.setattr(venue, "lan_addresses", lambda: ["10.1.2.3"])
    app.config.update(SERVER_NAME=None, SCORING_PORT=5000)
    with app.test_request_context(f"/results/{KEY}", base_url=f"http://{host}"):
        assert share_link(KEY) == f"{expected}/results/{KEY}"
    monkeypatch.setattr(venue, "lan_addresses", lambda: [])  # no venue network at all
    own = host.startswith(("127.", "localhost", "[::1]"))
    with app.test_request_context(f"/results/{KEY}", base_url=f"http://{host}"):
        assert share_link(KEY) == (f"http://{host}" if own else "") + f"/results/{KEY}"


def test_the_reveal_button_says_why_a_team_is_not_shown_yet(app, demo):
    """Missing sheets, or complete and held for the calibration reveal: two different
    answers, so the organizer knows whether to chase a judge or simply go on."""
    admin = hall_admin(app)
    order = draw_order(app)
    submit_team(app, order[1])  # the second team complete, the first three the calibration

    def said(team):
        page = admin.post(f"/admin/c/{KEY}/live/reveal", data={
            "stage": "presentation", "team": team}, follow_redirects=True)
        return page.get_data(as_text=True)

    missing = said(order[0])
    assert "评分表尚未全部提交" in missing and "评分表已全部提交" not in missing
    held = said(order[1])
    with app.app_context():
        first, last = (db.session.scalars(db.select(Team).join(Competition).where(
            Competition.key == KEY, Team.key == k)).one().name for k in (order[0], order[2]))
    # The group waits for the sheets of the first and the third team: named.
    assert "评分表已全部提交" in held and "前 3 队" in held
    assert f"还在等：{first}、{last}" in held
    submit_team(app, order[0])
    # The third team's sheets are the last the group waits for, also when it is pressed.
    assert f"还在等：{last}" in said(order[1])
    with app.app_context():  # the audit log says which team was revealed
        revealed = {json.loads(e.after_json)["team"] for e in db.session.scalars(
            db.select(AuditEntry).filter_by(action="stage.reveal"))}
    assert first in revealed and last not in revealed and len(revealed) == 2
    submit_team(app, order[2])
    # All in: the group now waits for its last team's reveal.
    assert f"（{last}）" in said(order[0])
    assert "的得分已在大屏显示" in said(order[2])
