"""Section 12's printed reports: the ranking per division with raw / coefficient /
adjusted side by side and each room's figures; the draw per room."""
import sqlalchemy as sa

from scoring.extensions import db
from tests.results.rooms_doc import document, expected

from .pdfcheck import assert_fonts_embedded, squeeze, text, write


def _built(app, kind, method="room_mean"):
    from scoring.contestfile import import_document
    from scoring.models import Competition
    from scoring.reports import build

    with app.app_context():
        import_document(document(method))
        db.session.commit()
        comp = db.session.scalar(sa.select(Competition).filter_by(key="city-2026"))
        return build(kind, comp)


def test_ranking_has_a_section_per_division_and_the_room_figures(sqlite_app, tmp_path):
    path = write(tmp_path, "ranking.pdf", _built(sqlite_app, "ranking"))
    assert_fonts_embedded(path)
    body = squeeze(text(path))
    assert "组别：文科组" in body and "组别：理科组" in body
    assert body.index("组别：文科组") < body.index("组别：理科组")
    exp = expected()
    # W1: raw 82.50, room A's coefficient 1.044, adjusted 86.13, side by side
    assert "82.50A1.04486.13" in body.replace(" ", "")
    assert "未晋级" in body
    # the room figures at their printed precision
    assert exp["M"] in body
    for figures in exp["rooms"].values():
        assert figures["mean"] in body and figures["coefficient"] in body


def test_z_score_ranking_prints_mean_and_spread(sqlite_app, tmp_path):
    path = write(tmp_path, "ranking.pdf", _built(sqlite_app, "ranking", "z_score"))
    body = squeeze(text(path)).replace(" ", "")
    exp = expected("z_score")
    assert exp["S"] in body
    assert "A81.2500/5.7933" in body


def test_draw_report_lists_each_room_in_order(sqlite_app, tmp_path):
    path = write(tmp_path, "draw.pdf", _built(sqlite_app, "draw"))
    body = squeeze(text(path))
    assert "会场A第一会场：4队" in body and "会场B第二会场：4队" in body
    assert "评委组：评委A1" in body


def test_award_tiers_are_counted_per_division(sqlite_app, tmp_path):
    """Rule 7 per division: each division's 4 ranked teams, not the 8 of the field."""
    path = write(tmp_path, "ranking.pdf", _built(sqlite_app, "ranking"))
    body = squeeze(text(path))
    assert body.count("奖项设置（排名队伍4队）") == 2, body
    assert "排名队伍8队" not in body
    assert body.index("组别：文科组") < body.index("奖项设置（排名队伍4队）") < \
        body.index("组别：理科组")


def test_results_page_is_split_by_division(sqlite_app):
    """The organizer's results page: a heading row per division, the cut teams marked."""
    import re

    from scoring.contestfile import import_document
    from scoring.operations.users import upsert_user

    with sqlite_app.app_context():
        import_document(document("room_mean"))
        upsert_user("boss", "password-boss", role="admin")
        db.session.commit()
    client = sqlite_app.test_client()
    client.post("/admin/login", data={"username": "boss", "password": "password-boss"})
    html = client.get("/admin/c/city-2026/results").get_data(as_text=True)
    headings = re.findall(r'<tr class="division-row"><th[^>]*>([^<]+)</th>', html)
    assert headings == ["组别：文科组", "组别：理科组"]
    wen, li = html.index("组别：文科组"), html.index("组别：理科组")
    assert wen < html.index('data-team="W3"') < li < html.index('data-team="L4"')
    assert html.count("未晋级") == 3  # W2, L3 and L2 did not qualify
