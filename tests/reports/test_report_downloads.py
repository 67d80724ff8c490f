"""Reports from the command line, the print page and its downloads, the judges' cards."""
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from scoring.extensions import db
from scoring.models import Competition
from scoring.operations.demo import DEMO_KEY, load_demo
from scoring.operations.tokens import judge_link_path
from scoring.reports import KINDS, build

from .pdfcheck import squeeze, text, write


def _competition(key):
    return db.session.scalar(select(Competition).where(Competition.key == key))


# ---- command line -----------------------------------------------------------------------

def test_cli_writes_pdf(demo_sqlite, tmp_path):
    runner = demo_sqlite.test_cli_runner()
    out = tmp_path / "ranking.pdf"
    result = runner.invoke(args=["report", "ranking", DEMO_KEY, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    out = tmp_path / "blank.pdf"
    result = runner.invoke(args=["report", "blank-sheets", DEMO_KEY, "--stage",
                                 "presentation", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "现场展示" in text(out)
    cards = tmp_path / "cards.pdf"
    result = runner.invoke(args=["report", "judge-links", DEMO_KEY, "--base-url",
                                 "http://10.1.2.3:5000", "-o", str(cards)])
    assert result.exit_code == 0, result.output
    assert "http://10.1.2.3:5000/j/" in squeeze(text(cards))


@pytest.mark.parametrize("args, message", [
    (["report", "nonsense", DEMO_KEY], 'unknown report kind "nonsense"'),
    (["report", "ranking", "no-such"], 'no competition with key "no-such"'),
    (["report", "sheets", DEMO_KEY, "--stage", "zzz"], 'no stage "zzz"'),
    (["report", "draw", DEMO_KEY, "--team", "T01"], "--team applies only to"),
])
def test_cli_errors_are_one_line(demo_sqlite, tmp_path, args, message):
    out = tmp_path / "x.pdf"
    result = demo_sqlite.test_cli_runner().invoke(args=args + ["-o", str(out)])
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0], result.output
    assert not out.exists()


# ---- the print page ---------------------------------------------------------------------

def test_print_page_and_downloads(app, client, login, demo):
    base = f"/admin/c/{demo}/reports"
    with client.get(base) as r:
        assert r.status_code in (302, 401, 403)  # anonymous: refused
    with client.get(base + "/ranking.pdf") as r:
        assert r.status_code in (302, 401, 403)
        assert not r.data.startswith(b"%PDF")
    login("staff")
    with client.get(base) as r:
        page = r.get_data(as_text=True)
        assert r.status_code == 200
    staff_kinds = [k for k in KINDS if k != "judge-links"]
    for kind in staff_kinds:
        assert f"/reports/{kind}.pdf" in page
    # Judge cards are credentials: staff neither see the button nor get the file.
    assert "/reports/judge-links.pdf" not in page
    with client.get(base + "/judge-links.pdf") as r:
        assert r.status_code == 403 and not r.data.startswith(b"%PDF")
    assert "stage=plan" in page and "sheets.xlsx" in page
    for url in [base + f"/{k}.pdf" for k in staff_kinds] + [base + "/sheets.pdf?stage=plan",
                                                             base + "/team-detail.pdf?team=T01"]:
        with client.get(url) as r:
            assert r.status_code == 200, url
            assert r.mimetype == "application/pdf"
            assert r.data.startswith(b"%PDF")
            assert demo in r.headers["Content-Disposition"]
    admin = app.test_client()
    login("admin", c=admin)
    assert "/reports/judge-links.pdf" in admin.get(base).get_data(as_text=True)
    with admin.get(base + "/judge-links.pdf") as r:
        assert r.status_code == 200 and b"%PDF" in r.data[:10]
        assert demo in r.headers["Content-Disposition"]
    with client.get(base + "/sheets.xlsx?stage=plan") as r:
        assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
        assert load_workbook(io.BytesIO(r.data)).sheetnames == ["方案设计"]
    with client.get(base + "/nonsense.pdf") as r:
        assert r.status_code == 404
    with client.get(base + "/sheets.pdf?stage=nope") as r:
        assert r.status_code == 404


def test_print_page_uses_base_url_setting(make_app, tmp_path):
    from tests.conftest import make_user

    app = make_app("sqlite", SCORING_BASE_URL="http://venue.lan:8080")
    with app.app_context():
        load_demo()
        db.session.commit()
    make_user(app, "a", "password-a", "admin")
    client = app.test_client()
    client.post("/admin/login", data={"username": "a", "password": "password-a"})
    with client.get(f"/admin/c/{DEMO_KEY}/reports/judge-links.pdf") as r:
        assert r.status_code == 200
        path = write(tmp_path, "cards.pdf", r.data)
    assert "http://venue.lan:8080/j/" in squeeze(text(path))


def test_cards_carry_the_venue_address_not_the_organizers(make_app, tmp_path, monkeypatch):
    """The organizer prints from the server laptop (http://127.0.0.1:5000): the cards and
    the judge's page carry the LAN address; with none, nothing loopback is printed."""
    from scoring.web import venue
    from tests.conftest import make_user

    app = make_app("sqlite", SERVER_NAME=None)
    with app.app_context():
        load_demo()
        db.session.commit()
        judge = _competition(DEMO_KEY).judges[0]
        link, judge_id = judge_link_path(judge), judge.id
    make_user(app, "a", "password-a", "admin")
    client = app.test_client()
    laptop = {"base_url": "http://127.0.0.1:5000"}
    client.post("/admin/login", data={"username": "a", "password": "password-a"}, **laptop)
    monkeypatch.setattr(venue, "lan_addresses", lambda: ["10.8.0.7"])
    with client.get(f"/admin/c/{DEMO_KEY}/reports/judge-links.pdf", **laptop) as r:
        assert r.status_code == 200
        flat = squeeze(text(write(tmp_path, "cards.pdf", r.data)))
    assert f"http://10.8.0.7:5000/j/{link}" in flat and "127.0.0.1" not in flat
    page = client.get(f"/admin/c/{DEMO_KEY}/judges/{judge_id}", **laptop).get_data(as_text=True)
    assert f"http://10.8.0.7:5000/j/{link}" in page and "127.0.0.1:5000/j/" not in page
    # No network at all: no card with a loopback address, the organizer is told why.
    monkeypatch.setattr(venue, "lan_addresses", lambda: [])
    with client.get(f"/admin/c/{DEMO_KEY}/reports/judge-links.pdf", **laptop) as r:
        assert r.status_code == 302 and r.headers["Location"].endswith("/admin/venue")
    page = client.get(f"/admin/c/{DEMO_KEY}/judges/{judge_id}", **laptop).get_data(as_text=True)
    assert "/j/" not in page
    assert "没有平板电脑能访问的网络地址" in page  # the reason, in the default language


def test_judge_cards_keep_a_long_name_and_its_link_inside_the_card(demo_sqlite, monkeypatch):
    """A judge named with a full title: the name shrinks or wraps, the note may go, but
    nothing of the card, least of all its private link, crosses the cut line."""
    from scoring.reports import judge_links

    drawn = []

    class Recorded(judge_links.Paragraph):
        def drawOn(self, canvas, x, y, _sW=0):  # noqa: N802 (reportlab's name)
            drawn.append((self.style.name, self.getPlainText(), x, y, self.height))
            return super().drawOn(canvas, x, y, _sW)

    monkeypatch.setattr(judge_links, "Paragraph", Recorded)
    long_names = {"X1": "王建国（清华大学公共管理学院教授、博士生导师、国家级教学名师、"
                        "北京市高等学校教学名师奖获得者）",
                  "X3": "Dr. Michael Anderson-Whitfield, Professor of Public Administration"}
    with demo_sqlite.app_context():
        comp = _competition(DEMO_KEY)
        for judge in comp.judges:
            judge.name = long_names.get(judge.key, judge.name)
        db.session.flush()
        build("judge-links", comp, base_url="http://192.168.1.20:5000/")
        db.session.rollback()
    from scoring.reports.frame import frame_height, frame_width

    height = frame_height(False) - 1
    ch = height / judge_links.ROWS
    cw = frame_width(False) / judge_links.COLUMNS
    assert len([d for d in drawn if d[0] == "mono"]) == 9  # one link a judge
    shown = " ".join(words for _s, words, *_ in drawn)
    assert all(name in shown for name in long_names.values())
    for style, words, x, y, h in drawn:
        # Each paragraph lies wholly inside one card: the same row band, top and bottom,
        # and the same column (a link crossing the cut line would not).
        row = int((height - y - h) // ch)
        assert height - (row + 1) * ch <= y and y + h <= height - row * ch, (style, words[:40])
        col = int(x // cw)
        assert x + 1 < (col + 1) * cw


def test_a_panel_group_in_a_tie_break_reads_as_a_phrase(sqlite_app):
    """"mean of the external experts' sheets", not "mean of the External expert sheets"."""
    from flask_babel import force_locale

    from scoring.reports.common import tie_break_label

    with sqlite_app.test_request_context("/"):
        with force_locale("en"):
            assert tie_break_label("group_mean:external", None) == \
                "mean of the external experts' sheets"
            assert tie_break_label("group_mean:internal", None) == \
                "mean of the internal judges' sheets"
        with force_locale("zh_CN"):
            assert tie_break_label("group_mean:external", None) == "校外专家平均分"
