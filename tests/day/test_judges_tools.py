"""The judges page leads to what follows the list: the judge cards (QR codes), the blank
paper score sheets and the recusals."""
from tests.judging.hall_util import KEY, hall_admin


def test_the_judges_page_links_cards_blank_sheets_and_recusals(app, demo):
    admin = hall_admin(app)
    html = admin.get(f"/admin/c/{KEY}/judges").get_data(as_text=True)
    tools = html.split('class="actions judge-tools"', 1)[1].split("</p>", 1)[0]
    assert f'href="/admin/c/{KEY}/reports/judge-links.pdf">打印评委卡（二维码）' in tools
    assert f'href="/admin/c/{KEY}/reports/blank-sheets.pdf">打印空白纸质评分表' in tools
    assert f'href="/admin/c/{KEY}/recusals">回避' in tools
    assert admin.get(f"/admin/c/{KEY}/recusals").status_code == 200
