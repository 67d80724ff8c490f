"""Rule 7 on the rules page: tiers that ask for no more places than there are ranked teams
are saved (the default 0.2/0.3/0.5 of 15 teams rounds to 3 + 5 + 8), and only a change of
the tiers is checked, so a withdrawal does not lock every other setting."""
import sqlalchemy as sa

from scoring.extensions import db as _db

# The demo's own rules as the organizer sees them on the page, with two decimals changed
# to one: the real contest (15 teams) must be able to save this.
DEFAULT_FORM = {"aggregation": "pooled", "trim": "1", "external_weight": "0.4",
                "external_trim": "0", "internal_weight": "0.6", "internal_trim": "1",
                "decimals": "1",
                "tie_breaks": "stage:presentation\nraw_mean\ngroup_mean:external",
                "awards": "一等奖 share 0.2\n二等奖 share 0.3\n三等奖 share 0.5",
                "variance_threshold": "10", "calibration_reveal": "3", "reason": "按章程"}


def _rules(app, key):
    from scoring.models import Competition

    with app.app_context():
        return _db.session.scalar(sa.select(Competition).filter_by(key=key)).rules


def test_default_shares_of_fifteen_teams_are_saved(app, client, login, demo):
    login("admin")
    r = client.post(f"/admin/c/{demo}/rules", data=DEFAULT_FORM)
    assert r.status_code == 302, r.get_data(as_text=True)
    assert _rules(app, demo)["decimals"] == 1


def test_a_withdrawal_does_not_block_other_settings_but_new_tiers_must_fit(
        app, client, login, demo):
    from scoring.models import Competition, Team
    from scoring.operations.live import withdraw

    login("admin")
    counts = dict(DEFAULT_FORM, decimals="2",
                  awards="一等奖 count 5\n二等奖 count 5\n三等奖 count 5")
    assert client.post(f"/admin/c/{demo}/rules", data=counts).status_code == 302
    with app.app_context():
        comp = _db.session.scalar(sa.select(Competition).filter_by(key=demo))
        team = _db.session.scalars(sa.select(Team).filter_by(competition_id=comp.id)
                                   .order_by(Team.key)).first()
        withdraw(team, "病假")
        _db.session.commit()
    # 15 places for 14 ranked teams now; changing the decimals alone is still allowed.
    r = client.post(f"/admin/c/{demo}/rules", data=dict(counts, decimals="3"))
    assert r.status_code == 302, r.get_data(as_text=True)
    assert _rules(app, demo)["decimals"] == 3
    # A change of the tiers is checked against the 14 ranked teams, and changes nothing.
    client.get("/lang/en")
    r = client.post(f"/admin/c/{demo}/rules", data=dict(
        counts, decimals="1", awards="一等奖 count 5\n二等奖 count 5\n三等奖 count 6"))
    assert r.status_code == 422
    assert "the award tiers hold 16 teams, but only 14 are ranked" in r.get_data(as_text=True)
    assert _rules(app, demo)["decimals"] == 3
