"""The print page's "language of the printout" choice changes the printouts only: the
organizer working in Chinese who prints an English ranking keeps a Chinese page (it used
to switch the whole interface to English, language switch included)."""
import re

from tests.judging.hall_util import KEY, hall_admin
from tests.reports.pdfcheck import text, write


def test_choosing_english_printouts_keeps_the_chinese_page(app, demo, tmp_path):
    admin = hall_admin(app)
    page = admin.get(f"/admin/c/{KEY}/reports").get_data(as_text=True)
    english = re.search(r'<p class="print-lang">.*?<a href="([^"]+)"[^>]*>English</a>', page,
                        re.S).group(1).replace("&amp;", "&")
    chosen = admin.get(english).get_data(as_text=True)
    assert '<html lang="zh-CN">' in chosen and "<h1>打印</h1>" in chosen
    ranking = re.search(r'href="([^"]*/reports/ranking\.pdf[^"]*)"', chosen).group(1)
    pdf = admin.get(ranking.replace("&amp;", "&"))
    assert pdf.status_code == 200
    body = text(write(tmp_path, "ranking.pdf", pdf.data))
    assert "Final ranking" in body and "成绩排名表" not in body
    # The one-team form carries the choice too (it is a GET form to the same PDF).
    assert re.search(r'<input[^>]*name="print_lang"[^>]*value="en"', chosen) or re.search(
        r'<input[^>]*value="en"[^>]*name="print_lang"', chosen), chosen
    # Back to Chinese printouts: the page stays Chinese, the links print Chinese.
    back = admin.get(f"/admin/c/{KEY}/reports?print_lang=zh_CN").get_data(as_text=True)
    assert "/reports/ranking.pdf?print_lang=zh_CN" in back and "<h1>打印</h1>" in back
