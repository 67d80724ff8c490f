"""The draw: random from a seed (re-derived here with hashlib alone), manual, override."""
import hashlib
import html as html_lib
import re

import pytest

from scoring.extensions import db
from scoring.models import Competition, ScoreSheet, Stage, Team

from .helpers import audit_actions, competition, make_competition


def rederive(seed, keys):
    """DESIGN section 3, written again from the printed algorithm: sha256("seed:key")."""
    ordered = sorted(keys, key=lambda k: (hashlib.sha256(f"{seed}:{k}".encode()).hexdigest(), k))
    return {k: i for i, k in enumerate(ordered, start=1)}


def add_teams(app, key, n=6):
    from scoring.operations.setup_teams import save_team

    with app.app_context():
        comp = db.session.scalar(db.select(Competition).filter_by(key=key))
        for i in range(n):
            save_team(comp, None, key=f"K{i:02d}", name=f"队{i}",
                      members=[(f"m{i}-{j}", f"部门{(i + j) % 7}") for j in range(3)])
        db.session.commit()


@pytest.fixture
def setup(app, client, login):
    login("admin")
    client.get("/lang/en")
    key = make_competition(app)
    add_teams(app, key)
    return key


def text(response):
    return html_lib.unescape(response.get_data(as_text=True))


def test_random_draw_is_rederivable_and_audited(app, client, setup):
    response = client.post(f"/admin/c/{setup}/draw/random", data={"seed": "20250418"})
    assert response.status_code == 302
    snap = competition(app, setup)
    assert snap["draw_method"] == "random" and snap["draw_seed"] == "20250418"
    keys = [f"K{i:02d}" for i in range(6)]
    assert snap["positions"] == rederive("20250418", keys)
    assert sorted(snap["positions"].values()) == [1, 2, 3, 4, 5, 6]
    assert audit_actions(app, "draw.") == ["draw.random"]
    page = text(client.get(f"/admin/c/{setup}/draw"))
    assert "20250418" in page and "hashlib.sha256" in page


def test_the_draw_page_offers_a_fresh_seed_each_time(app, client, setup):
    import re

    seeds = {re.search(r'name="seed"[^>]*value="(\d{8})"', client.get(
        f"/admin/c/{setup}/draw").get_data(as_text=True)).group(1) for _ in range(3)}
    assert len(seeds) >= 2


def test_bad_seed_is_refused(app, client, setup):
    response = client.post(f"/admin/c/{setup}/draw/random", data={"seed": "12 34"})
    assert response.status_code == 422
    assert "is not valid" in text(response)
    assert competition(app, setup)["draw_method"] is None


def test_redraw_before_scoring_needs_no_override(app, client, setup):
    client.post(f"/admin/c/{setup}/draw/random", data={"seed": "1"})
    client.post(f"/admin/c/{setup}/draw/random", data={"seed": "2"})
    assert competition(app, setup)["positions"] == rederive("2", [f"K{i:02d}" for i in range(6)])


def _open_first_stage(app, key):
    with app.app_context():
        stage = db.session.scalar(db.select(Stage).filter_by(key="plan"))
        stage.state = "open"
        db.session.commit()


def test_override_required_once_a_stage_is_open(app, client, setup):
    client.post(f"/admin/c/{setup}/draw/random", data={"seed": "111"})
    _open_first_stage(app, setup)
    first = competition(app, setup)["positions"]
    response = client.post(f"/admin/c/{setup}/draw/random", data={"seed": "222"})
    assert response.status_code == 422
    assert "override" in text(response)
    assert competition(app, setup)["positions"] == first
    # The box without a reason is not enough either.
    response = client.post(f"/admin/c/{setup}/draw/random",
                           data={"seed": "222", "override": "y"})
    assert response.status_code == 422
    assert competition(app, setup)["positions"] == first
    # With the box and a reason: first what moves, nothing changed yet.
    data = {"seed": "222", "override": "y", "reason": "抽签有误"}
    page = text(client.post(f"/admin/c/{setup}/draw/random", data=data))
    assert "Scoring has started" in page and "follow the new order" in page
    new = rederive("222", list(first))
    moved = [k for k in first if first[k] != new[k]]
    assert moved and all(f"→ {new[k]}" in page for k in moved)
    assert competition(app, setup)["positions"] == first
    response = client.post(f"/admin/c/{setup}/draw/random", data={**data, "confirm": "yes"})
    assert response.status_code == 302
    assert competition(app, setup)["draw_seed"] == "222"
    assert competition(app, setup)["positions"] == new
    assert audit_actions(app, "draw.") == ["draw.random", "draw.override"]


def test_override_required_once_a_sheet_exists(app, client, setup):
    client.post(f"/admin/c/{setup}/draw/random", data={"seed": "111"})
    from scoring.operations.setup_judges import save_judge

    with app.app_context():
        comp = db.session.scalar(db.select(Competition).filter_by(key=setup))
        judge = save_judge(comp, None, key="X1", name="专家", group="external")
        team = comp.teams[0]
        db.session.add(ScoreSheet(judge=judge, team=team, stage=comp.stages[0]))
        db.session.commit()
    response = client.post(f"/admin/c/{setup}/draw/manual",
                           data={f"pos-{i}": "" for i in range(3)})
    assert response.status_code == 422
    assert competition(app, setup)["draw_seed"] == "111"


def _team_ids(app, key):
    with app.app_context():
        return {t.key: t.id for t in db.session.scalars(db.select(Team).order_by(Team.key))}


def test_manual_draw_all_or_nothing(app, client, setup):
    ids = _team_ids(app, setup)
    good = {f"pos-{ids[k]}": str(6 - i) for i, k in enumerate(sorted(ids))}
    bad = dict(good)
    keys = sorted(ids)
    bad[f"pos-{ids[keys[0]]}"] = bad[f"pos-{ids[keys[1]]}"]  # a position twice
    bad[f"pos-{ids[keys[2]]}"] = "9"  # out of range
    bad[f"pos-{ids[keys[3]]}"] = ""  # missing
    response = client.post(f"/admin/c/{setup}/draw/manual", data=bad)
    assert response.status_code == 422
    page = text(response)
    assert "is given to both" in page
    assert "draw position 9 is not between 1 and 6" in page
    assert f"team {keys[3]} has no draw position" in page
    assert competition(app, setup)["positions"] == {k: None for k in ids}
    response = client.post(f"/admin/c/{setup}/draw/manual", data={**good, f"pos-{ids[keys[4]]}":
                                                                    "x"})
    assert response.status_code == 422
    response = client.post(f"/admin/c/{setup}/draw/manual", data=good)
    assert response.status_code == 302
    snap = competition(app, setup)
    assert snap["draw_method"] == "manual" and snap["draw_seed"] is None
    assert snap["positions"] == {k: 6 - i for i, k in enumerate(keys)}
    assert audit_actions(app, "draw.") == ["draw.manual"]


def test_swapping_positions_does_not_hit_the_unique_constraint(app, client, setup):
    ids = _team_ids(app, setup)
    keys = sorted(ids)
    client.post(f"/admin/c/{setup}/draw/manual",
                data={f"pos-{ids[k]}": str(i + 1) for i, k in enumerate(keys)})
    response = client.post(f"/admin/c/{setup}/draw/manual",
                           data={f"pos-{ids[k]}": str(len(keys) - i) for i, k in enumerate(keys)})
    assert response.status_code == 302
    assert competition(app, setup)["positions"][keys[0]] == len(keys)


def test_projector_page_reveals_the_order(app, client, setup):
    client.post(f"/admin/c/{setup}/draw/random", data={"seed": "777"})
    anonymous = app.test_client()
    page = text(anonymous.get(f"/draw/{setup}"))
    assert "777" in page and "js/draw.js" in page
    order = rederive("777", [f"K{i:02d}" for i in range(6)])
    first = min(order, key=order.get)
    assert page.index(f">{first}<") < page.index(f">{max(order, key=order.get)}<")
    assert anonymous.get("/draw/nope").status_code == 404


def test_projector_page_before_any_draw(app, client, setup):
    assert client.get(f"/draw/{setup}").status_code == 200


def test_after_a_draw_the_page_keeps_its_seed_until_asked(app, client, setup):
    import re

    client.post(f"/admin/c/{setup}/draw/random", data={"seed": "13572468"})
    page = client.get(f"/admin/c/{setup}/draw").get_data(as_text=True)
    assert re.search(r'name="seed"[^>]*value="13572468"', page)
    page = client.get(f"/admin/c/{setup}/draw?new_seed=1").get_data(as_text=True)
    assert not re.search(r'name="seed"[^>]*value="13572468"', page)


def test_manual_override_shows_the_moves_first(app, client, setup):
    client.post(f"/admin/c/{setup}/draw/random", data={"seed": "111"})
    _open_first_stage(app, setup)
    first = competition(app, setup)["positions"]
    ids = _team_ids(app, setup)
    wanted = {k: len(first) + 1 - v for k, v in first.items()}  # the order reversed
    data = {f"pos-{ids[k]}": str(v) for k, v in wanted.items()}
    data.update(override="y", reason="现场抽签以纸签为准")
    page = text(client.post(f"/admin/c/{setup}/draw/manual", data=data))
    assert "follow the new order" in page
    assert competition(app, setup)["positions"] == first
    response = client.post(f"/admin/c/{setup}/draw/manual", data={**data, "confirm": "yes"})
    assert response.status_code == 302
    assert competition(app, setup)["positions"] == wanted


def test_after_the_draw_its_sheet_is_one_click_away(app, client, setup):
    """The supervisor signs the printed draw: the draw page links to it."""
    assert "reports/draw.pdf" not in text(client.get(f"/admin/c/{setup}/draw"))
    client.post(f"/admin/c/{setup}/draw/random", data={"seed": "777"})
    page = client.get(f"/admin/c/{setup}/draw").get_data(as_text=True)
    link = re.search(r'href="([^"]*/reports/draw\.pdf)"', page).group(1)
    pdf = client.get(link)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
