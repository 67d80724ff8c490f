"""An organizer sets up a contest from nothing in a real browser (Debian's chromium)."""
import hashlib

import pytest
from playwright.sync_api import expect

from scoring.extensions import db
from scoring.models import Competition, Judge, Team

from .helpers import team_rows, xlsx_bytes

pytestmark = pytest.mark.browser

SHOTS = "/tmp/setup-{}.png"


def test_set_up_a_contest_from_nothing(live_server, browser, tmp_path):
    from tests.conftest import make_user

    make_user(live_server.app, "boss", "password-boss", "admin")
    spreadsheet = tmp_path / "队伍名单.xlsx"
    spreadsheet.write_bytes(xlsx_bytes(team_rows(5)))

    context = browser.new_context(viewport={"width": 1366, "height": 800}, locale="zh-CN")
    page = context.new_page()
    external, failures = [], []
    page.on("request", lambda r: external.append(r.url)
            if not r.url.startswith((live_server.url, "data:")) else None)
    page.on("response", lambda r: failures.append((r.status, r.url)) if r.status >= 500 else None)
    page.on("dialog", lambda d: d.accept())  # data-confirm prompts
    base = live_server.url

    # Log in.
    page.goto(base + "/admin/login")
    page.fill("#username", "boss")
    page.fill("#password", "password-boss")
    page.click("button[type=submit]")
    page.wait_for_url(base + "/admin/")

    # Create the competition with the three default stages.
    page.click("text=新建竞赛")
    page.fill("#key", "bucea-2025")
    page.fill("#name", "第三届管理岗位青年教职工职业能力竞赛")
    page.select_option("#start", "default")
    page.click("button:has-text('创建')")
    page.wait_for_url(base + "/admin/c/bucea-2025/")
    assert "方案设计" in page.inner_text("main")

    # Import the teams: preview, then confirm.
    page.click("nav.subnav a[href$='/teams']")
    page.set_input_files("#file", str(spreadsheet))
    page.click("button:has-text('预览导入')")
    page.wait_for_selector("#confirm-import")
    expect(page.locator(".preview-table tbody tr")).to_have_count(15)
    page.check("#create_departments")
    page.screenshot(path=SHOTS.format("preview"), full_page=True)
    page.click("#confirm-import")
    page.wait_for_selector(".flash-success")
    assert "已导入 5 支队伍" in page.inner_text(".flash-success")
    page.screenshot(path=SHOTS.format("teams"), full_page=True)

    # Add judges: one external expert, two internal judges.
    page.click("nav.subnav a[href$='/judges']")
    for key, name, group, dept in [("X1", "外请专家甲", "external", ""),
                                   ("N1", "校内评委一", "internal", "组织部"),
                                   ("N2", "校内评委二", "internal", "宣传部")]:
        page.fill("#key", key)
        page.fill("#name", name)
        page.select_option("#group", group)
        page.fill("#department", dept)
        page.click("button:has-text('添加评委')")
        page.wait_for_selector(".flash-success")
    page.click("text=外请专家甲")
    page.wait_for_selector("img.qr")
    page.screenshot(path=SHOTS.format("judge"), full_page=True)

    # The rubric of the first stage, with the live check before saving.
    page.click("nav.subnav a[href$='/stages']")
    page.click("#stage-plan >> text=编辑环节与评分标准")
    for i, (ckey, cname, cmax) in enumerate([("goals", "目标明确", "20"),
                                             ("content", "内容完整", "30"),
                                             ("innovation", "创新性", "25")]):
        page.fill(f"#criteria-{i}-key", ckey)
        page.fill(f"#criteria-{i}-name", cname)
        page.fill(f"#criteria-{i}-max", cmax)
    page.click("#add-criterion")
    page.fill("#criteria-3-key", "feasibility")
    page.fill("#criteria-3-name", "可行性")
    page.fill("#criteria-3-max", "25")
    assert "100" in page.inner_text("#check-total")
    assert "为 1" in page.inner_text("#check-weights")
    page.fill("#criteria-3-max", "25.3")  # off the 0.5 step: flagged before saving
    assert "整数倍" in page.inner_text("#criteria-table")
    page.fill("#criteria-3-max", "25")
    page.screenshot(path=SHOTS.format("rubric"), full_page=True)
    page.click("button:has-text('保存')")
    page.wait_for_selector(".flash-success")

    # The random draw from the seed shown on the page.
    page.click("nav.subnav a[href$='/draw']")
    seed = page.input_value("#seed")
    assert len(seed) == 8 and seed.isdigit()
    page.click("#draw-random")
    page.wait_for_selector(".draw-order li")
    page.screenshot(path=SHOTS.format("draw"), full_page=True)

    # Open the first stage.
    page.click("nav.subnav a[href$='/stages']")
    page.click("#stage-plan >> button:has-text('开放评分')")
    page.wait_for_selector("#stage-plan .state-open")
    page.screenshot(path=SHOTS.format("stages"), full_page=True)
    page.click("nav.subnav a[href$='/c/bucea-2025/']")
    page.screenshot(path=SHOTS.format("overview"), full_page=True)
    page.click("nav.subnav a[href$='/recusals']")
    # N1 (组织部) and N2 (宣传部) are recused from the teams with members of their departments.
    expect(page.locator("a.rc-auto")).to_have_count(3)
    page.screenshot(path=SHOTS.format("recusals"), full_page=True)
    page.goto(base + "/admin/audit")
    assert page.locator(".audit-table tbody tr").count() >= 8
    page.screenshot(path=SHOTS.format("audit"), full_page=True)

    # The projector page reveals the order one team at a time.
    projector = context.new_page()
    projector.set_viewport_size({"width": 1280, "height": 720})
    projector.goto(base + "/draw/bucea-2025")
    expect(projector.locator(".pd-item:visible")).to_have_count(0)
    for _ in range(3):
        projector.keyboard.press("Space")
    expect(projector.locator(".pd-item:visible")).to_have_count(3)
    projector.screenshot(path=SHOTS.format("projector"))
    context.close()

    assert external == []
    assert failures == []
    with live_server.app.app_context():
        comp = db.session.scalar(db.select(Competition).filter_by(key="bucea-2025"))
        teams = db.session.scalars(db.select(Team).filter_by(competition_id=comp.id)).all()
        assert len(teams) == 5 and all(len(t.members) == 3 for t in teams)
        assert comp.draw_method == "random" and comp.draw_seed == seed
        # Re-derived from the seed with hashlib alone (DESIGN section 3).
        ordered = sorted((t.key for t in teams), key=lambda k: (
            hashlib.sha256(f"{seed}:{k}".encode()).hexdigest(), k))
        assert {t.key: t.draw_position for t in teams} == {
            k: i for i, k in enumerate(ordered, start=1)}
        assert {s.key: s.state for s in comp.stages} == {
            "plan": "open", "presentation": "draft", "reflection": "draft"}
        assert [c.key for c in comp.stages[0].criteria] == [
            "goals", "content", "innovation", "feasibility"]
        assert db.session.scalar(db.select(db.func.count(Judge.id))) == 3
